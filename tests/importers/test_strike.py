"""Strike account statements: the sample, the purchase-fee convention, GBP files, tx_hash/address, bad rows."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal as D
from pathlib import Path
from typing import Any

from taxlots import ingest
from taxlots.importers import IMPORTERS, matches, normalize_header, strike
from tests.importers._rows import line_errors, sides_table, write_csv

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "strike_2024.csv"
HEADER = (
    "Reference,Date & Time (UTC),Transaction Type,Amount USD,Fee USD,Amount BTC,Fee BTC,BTC Price,Cost Basis (USD),Destination,"
    "Description,Transaction Hash,Note\n"
)
REF = "3f1e2d4c-5b6a-4789-8a0b-1c2d3e4f5a0"


def load(path: Path) -> ingest.Ledger:
    return ingest.load([str(path)], importers=(strike,))


def write(tmp_path: Path, *rows: str, header: str = HEADER) -> Path:
    return write_csv(tmp_path / "strike.csv", header, *rows)


def table(ledger: ingest.Ledger) -> list[tuple[Any, ...]]:
    return sides_table(ledger, lambda r: (r["id"][-2:], r["note"]), wallet="Strike")


errors = line_errors


def ts(*p: int) -> datetime:
    return datetime(*p, tzinfo=UTC)  # type: ignore[arg-type]


def test_sample_rows() -> None:
    ledger = load(SAMPLE)
    assert table(ledger) == [
        (2, ts(2024, 1, 2, 14, 5, 11), "deposit", None, ("USD", D("1000")), None, "01", "Deposit; Bank transfer"),
        # Amount USD -500.00 holds the 4.95 fee: 500 - 4.95 = 495.05 for the BTC, 4.95 on top.
        (3, ts(2024, 1, 2, 14, 6, 40), "trade", ("USD", D("495.05")), ("BTC", D("0.01125114")), ("USD", D("4.95")), "02", "Purchase"),
        # Written positive in this row; the sign does not matter. 100 - 0.99 = 99.01.
        (
            4,
            ts(2024, 1, 9, 13, 0, 0),
            "trade",
            ("USD", D("99.01")),
            ("BTC", D("0.00221796")),
            ("USD", D("0.99")),
            "03",
            "Purchase; Recurring buy",
        ),  # fmt: skip
        (5, ts(2024, 2, 3, 8, 22, 19), "deposit", None, ("BTC", D("0.005")), None, "04", "Receive; Received from wallet"),
        (6, ts(2024, 2, 20, 19, 45, 2), "withdrawal", ("BTC", D("0.01")), None, ("BTC", D("0.000021")), "05", "Send; Sent to cold storage"),
        # line 7: no Reference (skipped)
        # A zero Fee BTC is no fee.
        (8, ts(2024, 3, 14, 21, 31, 55), "withdrawal", ("BTC", D("0.0001")), None, None, "06", "Send; Lightning payment; coffee"),
        (9, ts(2024, 4, 18, 16, 0, 0), "trade", ("BTC", D("0.00235")), ("USD", D("150")), None, "07", "Sale"),
        (10, ts(2024, 5, 6, 9, 15, 30), "withdrawal", ("USD", D("250")), None, None, "08", "Withdrawal; To bank"),
    ]
    assert ledger.files[0].skipped == {"no Reference (a failed transaction)": 1}
    assert errors(ledger) == []


def test_chain_sends_and_receives_carry_tx_hash_and_address() -> None:
    frame = load(SAMPLE).frame.sort("line")
    assert frame.filter(frame["tx_hash"].is_not_null() | frame["address"].is_not_null()).select("line", "tx_hash", "address").rows() == [
        (5, "7d3c0b8e2f6a4d19c5e7b3a1f0d2c4e6a8b0c2d4e6f8a0b2c4d6e8f0a2b4c6d8", None),
        (6, "9e1f3a5c7b9d1e3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a3c5e7b9d1f", "bc1qsynth0example0address0xyz0000000000000"),
        (8, None, "lnbc100u1psynthexampleinvoice"),
    ]


def test_purchase_fee_is_inside_the_fiat_amount(tmp_path: Path) -> None:
    """BittyTax's Strike parser: the fiat sent for a purchase is the amount less the fee (the amount is what
    left the account; Cost Basis equals it). So cash out = |Amount USD|, whatever the sign written."""
    rows = [
        f"{REF}1,Jan 5 2024 01:02:03,Purchase,-80.00,1.20,0.002,,40000,80.00,,,,",
        f"{REF}2,Jan 05 2024 01:02:04,Buy,80,1.2,0.002,,,,,,,",
    ]
    frame = load(write(tmp_path, *rows)).frame.sort("line")
    for r in frame.iter_rows(named=True):
        assert D(r["sent_qty"]) + D(r["fee_qty"]) == D("80")  # 78.80 + 1.20
        assert (r["sent_asset"], r["fee_asset"], r["received_qty"]) == ("USD", "USD", "0.002")
    assert frame.get_column("timestamp").to_list() == [ts(2024, 1, 5, 1, 2, 3), ts(2024, 1, 5, 1, 2, 4)]


def test_gbp_account(tmp_path: Path) -> None:
    """The UK export, as BittyTax registers it: the fiat comes from the header."""
    header = (
        "Reference,Date & Time (UTC),Transaction Type,Amount GBP,Fee GBP,Amount BTC,Fee BTC,BTC Price,Cost Basis (GBP),Destination,"
        "Description,Transaction Hash,Note\n"
    )
    path = write(tmp_path, "g1,Feb 01 2024 09:00:00,Purchase,-50.00,0.50,0.0015,,33000,50.00,,,,", header=header)
    assert load(path).frame.select("sent_asset", "sent_qty", "received_asset", "fee_asset", "fee_qty").rows() == [
        ("GBP", "49.5", "BTC", "GBP", "0.50")
    ]
    cells = tuple(normalize_header(c) for c in header.strip().split(","))
    assert [imp.NAME for imp in IMPORTERS if matches(imp, cells)] == ["strike"]


def test_bad_rows_name_the_line(tmp_path: Path) -> None:
    rows = [
        f"{REF}1,Jan 05 2024 01:02:03,Loan collateral,,,-0.01,,40000,,,,,",
        f"{REF}2,2024/01/05,Deposit,10,,,,,,,,,",
        f"{REF}3,Jan 05 2024 01:02:03,Purchase,-10,,,,,,,,,",
        f"{REF}4,Jan 05 2024 01:02:03,Receive,,,0.0x1,,,,,,,",
        f"{REF}5,Jan 05 2024 01:02:03,,,,0.01,,,,,,,",
    ]
    ledger = load(write(tmp_path, *rows))
    assert errors(ledger) == [
        (2, "unknown Transaction Type 'Loan collateral'; taxlots knows: Purchase, Sale, Send, Receive, Deposit, Withdrawal"),
        (3, "Date & Time (UTC) '2024/01/05' is not a date like 'Jan 15 2024 10:30:00'"),
        (4, "a Purchase needs both Amount USD and Amount BTC on its row (a trade split over rows is not supported)"),
        (5, "Amount BTC '0.0x1' is not a number"),
        (6, "Transaction Type is blank"),
    ]
    assert ledger.frame.height == 0
