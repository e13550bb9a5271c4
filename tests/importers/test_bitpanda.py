"""Bitpanda transaction history: the sample (preamble, every type), fee conventions, header variants, bad rows."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal as D
from pathlib import Path
from typing import Any

from taxlots import ingest
from taxlots.importers import bitpanda
from tests.importers._rows import line_errors, sides_table, write_csv

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "bitpanda_2024.csv"
# The 16-column header CoinTaxman's reader matches (no Fee percent, no Tax Fiat).
HEADER16 = (
    '"Transaction ID",Timestamp,"Transaction Type",In/Out,"Amount Fiat",Fiat,"Amount Asset",Asset,"Asset market price",'
    '"Asset market price currency","Asset class","Product ID",Fee,"Fee asset",Spread,"Spread Currency"\n'
)


def load(path: Path) -> ingest.Ledger:
    return ingest.load([str(path)], importers=(bitpanda,))


def write(tmp_path: Path, *rows: str, header: str = HEADER16) -> Path:
    return write_csv(tmp_path / "bitpanda.csv", header, *rows)


def table(ledger: ingest.Ledger) -> list[tuple[Any, ...]]:
    return sides_table(ledger, lambda r: (r["id"], r["note"]), wallet="Bitpanda")


errors = line_errors


def ts(*p: int) -> datetime:
    return datetime(*p, tzinfo=UTC)  # type: ignore[arg-type]


def test_sample_rows() -> None:
    ledger = load(SAMPLE)
    bp = "bitpanda:"
    assert table(ledger) == [
        # The header is on line 6, under the preamble; times are +01:00 (CET) then +02:00 (CEST).
        (7, ts(2024, 1, 3, 9, 0, 0), "deposit", None, ("EUR", D("2000")), None, bp + "F0a1c2e3-0001", "deposit"),
        (8, ts(2024, 1, 4, 8, 15, 22), "trade", ("EUR", D("1000")), ("BTC", D("0.025")), ("EUR", D("9.9")), bp + "T0a1c2e3-0002", "buy"),
        (9, ts(2024, 1, 10, 13, 2, 11), "trade", ("EUR", D("500")), ("ETH", D("0.2")), ("EUR", D("4.95")), bp + "T0a1c2e3-0003", "buy"),
        (10, ts(2024, 2, 12, 17, 44, 9), "trade", ("ETH", D("0.15")), ("EUR", D("450")), ("EUR", D("4.46")), bp + "T0a1c2e3-0004", "sell"),
        # A crypto deposit credited 0.00125 BTC with a 0.00005 BTC fee: received 0.00125 + 0.00005 = 0.0013.
        (11, ts(2024, 2, 20, 6, 31, 40), "deposit", None, ("BTC", D("0.0013")), ("BTC", D("0.00005")), bp + "C0a1c2e3-0005", "deposit"),
        # Rewards Bitpanda credits are "transfer" rows: income (valued later: the fiat is EUR, not USD).
        (12, ts(2024, 2, 29, 23, 5, 0), "income", None, ("BEST", D("0.5")), None, bp + "B0a1c2e3-0006", "transfer"),
        (13, ts(2024, 3, 5, 1, 0, 0), "income", None, ("ETH", D("0.001")), None, bp + "S0a1c2e3-0007", "transfer"),
        (14, ts(2024, 3, 18, 15, 20, 5), "withdrawal", ("ETH", D("0.05")), None, ("ETH", D("0.001")), bp + "W0a1c2e3-0008", "withdrawal"),
        # line 15: Gold (Metal) skipped
        (16, ts(2024, 4, 15, 11, 37, 0), "trade", ("EUR", D("200")), ("BTC", D("0.004")), ("BEST", D("2.5")), bp + "T0a1c2e3-0010", "buy"),
        # line 17: a stock (skipped)
        (
            18,
            ts(2024, 5, 20, 18, 20, 20),
            "trade",
            ("BTC", D("0.01")),
            ("EUR", D("600")),
            ("EUR", D("5.94")),
            bp + "T0a1c2e3-0012",
            "sell; spread 1.20 EUR; tax 27.50 EUR",
        ),  # fmt: skip
        (19, ts(2024, 6, 1, 6, 0, 0), "withdrawal", ("EUR", D("800")), None, None, bp + "F0a1c2e3-0013", "withdrawal"),
    ]
    assert ledger.files[0].header_line == 6
    assert ledger.files[0].skipped == {"asset class 'Metal' (not a digital asset)": 1, "asset class 'Stock' (not a digital asset)": 1}
    assert errors(ledger) == []


def test_fee_conventions(tmp_path: Path) -> None:
    """BittyTax's Bitpanda parser: a deposit's amount is what was credited (its fee came out of the gross), a
    withdrawal's fee is on top of the amount sent. A trade's fee is read as on top of Amount Fiat (UNCONFIRMED)."""
    rows = [
        "D1,2024-01-01T00:00:00Z,deposit,incoming,10.00,USD,0.5,SOL,20,USD,Cryptocurrency,9,0.01,SOL,-,-",
        "W1,2024-01-02T00:00:00Z,withdrawal,outgoing,10.00,USD,0.5,SOL,20,USD,Cryptocurrency,9,0.01,SOL,-,-",
        "T1,2024-01-03T00:00:00Z,buy,outgoing,100.00,USD,5,SOL,20,USD,Cryptocurrency,9,1.00,USD,-,-",
        "R1,2024-01-04T00:00:00Z,transfer,incoming,2.00,USD,0.1,SOL,20,USD,Cryptocurrency,9,-,-,-,-",
    ]
    frame = load(write(tmp_path, *rows)).frame.sort("line")
    assert frame.select("type", "sent_qty", "received_qty", "fee_asset", "fee_qty").rows() == [
        ("deposit", None, "0.51", "SOL", "0.01"),  # 0.5 credited + 0.01 fee = 0.51 received; net 0.5
        ("withdrawal", "0.5", None, "SOL", "0.01"),  # 0.5 sent + 0.01 fee leave the wallet
        ("trade", "100.00", "5", "USD", "1.00"),  # 100 + 1 USD leave
        ("income", None, "0.1", None, None),
    ]
    # an income's value is Amount Fiat when the fiat is USD
    assert frame.get_column("usd_value").to_list() == [None, None, None, "2.00"]


def test_bad_rows_name_the_line(tmp_path: Path) -> None:
    rows = [
        "E1,2024-01-01T00:00:00Z,airdrop,incoming,1,EUR,1,SOL,1,EUR,Cryptocurrency,9,-,-,-,-",
        "E2,2024-01-01T00:00:00Z,buy,incoming,1,EUR,1,SOL,1,EUR,Cryptocurrency,9,-,-,-,-",
        "E3,2024-01-01T00:00:00Z,transfer,outgoing,1,EUR,1,SOL,1,EUR,Cryptocurrency,9,-,-,-,-",
        "E4,01.01.2024 10:00,buy,outgoing,1,EUR,1,SOL,1,EUR,Cryptocurrency,9,-,-,-,-",
        "E5,2024-01-01T00:00:00Z,buy,outgoing,1,EUR,abc,SOL,1,EUR,Cryptocurrency,9,-,-,-,-",
        "E6,2024-01-01T00:00:00Z,buy,outgoing,1,EUR,1,SOL,1,EUR,Cryptocurrency,9,0.5,-,-,-",
        "E7,2024-01-01T00:00:00Z,buy,outgoing,1,EUR,1,SOL,1,EUR,-,9,-,-,-,-",
    ]
    ledger = load(write(tmp_path, *rows))
    assert errors(ledger) == [
        (2, "unknown Transaction Type 'airdrop'; taxlots knows: deposit, withdrawal, buy, sell, transfer"),
        (3, "In/Out 'incoming' does not fit a buy (expected outgoing)"),
        (4, "an outgoing transfer is not supported yet; record what it was by hand"),
        (5, "Timestamp '01.01.2024 10:00' is not an ISO 8601 time (2024-03-01T10:00:00+01:00)"),
        (6, "Amount Asset 'abc' is not a number"),
        (7, "Fee is given but Fee asset is blank"),
        (8, "Asset class is blank"),
    ]
    assert ledger.frame.height == 0


def test_address_column_of_newer_exports(tmp_path: Path) -> None:
    """Headers with Fee percent, Tax Fiat, Address and Comment (seen in a public test suite's Bitpanda rows)."""
    header = HEADER16.replace('Fee,"Fee asset",', 'Fee,"Fee asset","Fee percent",').replace(
        '"Spread Currency"\n', '"Spread Currency","Tax Fiat",Address,Comment\n'
    )
    rows = [
        "W9,2024-06-01T10:00:00+02:00,withdrawal,outgoing,90.00,EUR,0.03,ETH,3000,EUR,Cryptocurrency,5,0.001,ETH,-,-,-,0.00,0xabc0000000000000000000000000000000000def,",
        "F9,2024-06-02T10:00:00+02:00,deposit,incoming,100.00,EUR,-,EUR,-,-,Fiat,-,0.00,EUR,-,-,-,0.00,,",
    ]
    frame = load(write(tmp_path, *rows, header=header)).frame.sort("line")
    assert frame.select("type", "sent_qty", "received_qty", "address").rows() == [
        ("withdrawal", "0.03", None, "0xabc0000000000000000000000000000000000def"),
        ("deposit", None, "100.00", None),
    ]
