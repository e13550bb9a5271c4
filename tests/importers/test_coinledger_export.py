"""CoinLedger's transaction export: records grouped by Internal Id, fees, signs, rotki's rows, and no confusion
with CoinLedger's import template."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal as D
from pathlib import Path
from typing import Any

from taxlots import ingest
from taxlots.importers import IMPORTERS, coinledger, coinledger_export, matches, normalize_header
from tests.importers._rows import line_errors, side, write_csv

ROOT = Path(__file__).resolve().parents[2] / "samples"
SAMPLE = ROOT / "coinledger_export_2024.csv"
HEADER = "Timestamp (UTC),Type,Internal Id,Platform,Account Name,Platform Id,Blockchain Id,Record Type,Asset,Amount,Description\n"
HASH = "0x4f1c9a0e7b3d2c5e8f6a1b9c0d3e2f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e"


def load(path: Path) -> ingest.Ledger:
    return ingest.load([str(path)], importers=(coinledger_export,))


def write(tmp_path: Path, *rows: str) -> Path:
    return write_csv(tmp_path / "coinledger_transactions.csv", HEADER, *rows)


def table(ledger: ingest.Ledger) -> list[tuple[Any, ...]]:
    return [
        (r["line"], r["timestamp"], r["wallet"], r["type"], side(r, "sent"), side(r, "received"), side(r, "fee"), r["id"][-2:], r["note"])
        for r in ledger.frame.sort("line").iter_rows(named=True)
    ]


errors = line_errors


def ts(*p: int) -> datetime:
    return datetime(*p, tzinfo=UTC)  # type: ignore[arg-type]


def test_sample_rows() -> None:
    ledger = load(SAMPLE)
    cb, kr, mm = "Coinbase", "Kraken main", "MetaMask"
    assert table(ledger) == [
        (2, ts(2024, 1, 5, 14, 0, 0), cb, "deposit", None, ("USD", D("2000")), None, "01", "Deposit"),
        # Lines 3-5 are one transaction: Debit -1000 USD, Credit 0.0234 BTC, Platform Fee -4.99 USD.
        (
            3, ts(2024, 1, 5, 14, 10, 22), cb, "trade", ("USD", D("1000")), ("BTC", D("0.0234")), ("USD", D("4.99")), "02",
            "Buy; records on lines 3, 4, 5",
        ),
        (
            6, ts(2024, 1, 12, 9, 31, 5), kr, "trade", ("BTC", D("0.01")), ("ETH", D("0.18")), ("ETH", D("0.0002")), "03",
            "Trade; records on lines 6, 7, 8",
        ),
        (9, ts(2024, 2, 1, 0, 0, 0), kr, "income", None, ("ETH", D("0.005")), None, "04", "Staking; ETH staking reward"),
        (
            10, ts(2024, 2, 10, 18, 45, 0), kr, "withdrawal", ("ETH", D("0.1")), None, ("ETH", D("0.0008")), "05",
            "Withdrawal; To MetaMask; records on lines 10, 11",
        ),
        (12, ts(2024, 2, 10, 18, 47, 31), mm, "deposit", None, ("ETH", D("0.1")), None, "06", "Deposit"),
        (13, ts(2024, 3, 2, 12, 20, 0), cb, "spend", ("BTC", D("0.001")), None, None, "07", "Merchant Payment; Coffee beans"),
        (14, ts(2024, 3, 15, 8, 2, 44), mm, "fee", ("ETH", D("0.0012")), None, None, "08", "Network Fee; Token approval"),
        (15, ts(2024, 3, 23, 10, 0, 0), mm, "income", None, ("ARB", D("50")), None, "09", "Airdrop"),
        (
            16, ts(2024, 4, 18, 16, 5, 9), cb, "trade", ("ETH", D("0.05")), ("USD", D("160.10")), ("USD", D("1.60")), "10",
            "Sell; records on lines 16, 17, 18",
        ),
        (19, ts(2024, 5, 31, 23, 59, 59), cb, "income", None, ("USDC", D("1.2345")), None, "11", "Interest; USDC rewards"),
    ]  # fmt: skip
    assert errors(ledger) == []
    chain = ledger.frame.filter(ledger.frame["tx_hash"].is_not_null()).sort("line").select("line", "tx_hash").rows()
    assert chain == [(10, HASH), (12, HASH)]


def test_fee_record_is_on_top_of_the_debit(tmp_path: Path) -> None:
    """Each record is its own balance change (rotki's coinledger importer books every record as a separate
    event): the wallet loses |Debit| + |fee| and gains the Credit, so the fee comes on top of the sent side."""
    rows = [
        "2024-01-01T00:00:00.000,Trade,77,Kraken,Kraken,,,Debit,BTC,-0.5,",
        "2024-01-01T00:00:00.000,Trade,77,Kraken,Kraken,,,Credit,ETH,9,",
        "2024-01-01T00:00:00.000,Trade,77,Kraken,Kraken,,,Platform Fee,BTC,-0.001,",
    ]
    r = load(write(tmp_path, *rows)).frame.row(0, named=True)
    assert D(r["sent_qty"]) + D(r["fee_qty"]) == D("0.501")  # 0.5 + 0.001 BTC leave
    assert (r["received_asset"], r["received_qty"]) == ("ETH", "9")


def test_rotki_fixture_rows(tmp_path: Path) -> None:
    """Rows of rotki's coinledger_export.csv (the anonymized export in rotki issue #11816)."""
    rows = [
        "2025-08-06T07:16:26.000,Buy,4701117735,Binance,Binance,b7f960bd8e194d3991ab50111013ce58,,Debit,EUR,-15.6,",
        "2025-08-12T05:30:00.000,Manual Position,4709111157,Binance,Binance,,,Credit,DOGE,10,",
        "2025-08-12T05:33:18.000,Withdrawal,4709111481,Binance,Binance,b1923e958f,,Debit,DOGE,-55,",
        "2025-09-22T07:58:00.000,Margin Gain,4111135568,Pionex,Pionex,,,Margin Gain,USDT,111,",
        "2021-03-08T15:27:29.000,Transfer,1111131313,Pionex,Pionex,,,Credit,USDT,11.31276,",
        "2021-07-28T12:15:00.000,Airdrop,1119199883,Binance Smart Chain,Binance Smart Chain,,,Credit,COIN,99,",
    ]
    ledger = load(write(tmp_path, *rows))
    assert ledger.frame.sort("line").select("line", "type", "wallet", "sent_qty", "received_asset", "received_qty").rows() == [
        (4, "withdrawal", "Binance", "55", None, None),
        (6, "deposit", "Pionex", None, "USDT", "11.31276"),
        (7, "income", "Binance Smart Chain", None, "COIN", "99"),
    ]
    assert errors(ledger) == [
        (2, "a Buy with 1 Debit and 0 Credit records is not understood"),
        (3, "CoinLedger type 'Manual Position' is not supported yet"),
        (5, "line 5: unknown Record Type 'Margin Gain'; taxlots knows: Debit, Credit, Platform Fee, Network Fee; "
            "CoinLedger type 'Margin Gain' is not supported yet"),
    ]  # fmt: skip


def test_bad_records_name_their_lines(tmp_path: Path) -> None:
    rows = [
        "2024-01-01T00:00:00.000,Trade,1,K,K,,,Debit,BTC,0.5,",  # a Debit must be negative
        "2024-01-01T00:00:00.000,Trade,1,K,K,,,Credit,ETH,9,",
        "2024-01-02T00:00:00.000,Trade,2,K,K,,,Debit,BTC,-0.5,",
        "2024-01-02T00:00:00.000,Trade,2,K,K,,,Credit,ETH,4,",
        "2024-01-02T00:00:00.000,Trade,2,K,K,,,Credit,SOL,4,",
        "yesterday,Deposit,3,K,K,,,Credit,ETH,1,",
        "2024-01-03T00:00:00.000,Gift Sent,4,K,K,,,Debit,ETH,-1,",
    ]
    ledger = load(write(tmp_path, *rows))
    assert errors(ledger) == [
        (2, "line 2: a Debit's Amount '0.5' is not negative"),
        (4, "Internal Id 2 has 1 Debit, 2 Credit and 0 fee records; taxlots reads at most one of each"),
        (7, "line 7: Timestamp (UTC) 'yesterday' is not an ISO 8601 time (2025-08-06T07:16:26.000)"),
        (8, "CoinLedger type 'Gift Sent' is not supported yet"),
    ]
    assert ledger.frame.height == 0


def test_template_and_export_never_claim_each_other() -> None:
    export = tuple(normalize_header(c) for c in HEADER.strip().split(","))
    assert [imp.NAME for imp in IMPORTERS if matches(imp, export)] == ["coinledger-export"]
    template = ingest.sniff(str(ROOT / "coinledger_2024.csv"))[0]
    assert template is not None
    assert not matches(coinledger_export, template.header)
    assert matches(coinledger, template.header)
    assert not matches(coinledger, export)
