"""BlockFi trade report: the sample (lower-case codes, negative sold quantity) and errors."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

from taxlots import ingest
from taxlots.importers import IMPORTERS, blockfi_trades
from taxlots.model.diagnostics import Code
from tests.importers._ledger import rows, ts

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "blockfi_trades_2024.csv"


def load(path: Path) -> ingest.Ledger:
    return ingest.load([str(path)], importers=(blockfi_trades,))


def test_sample_rows() -> None:
    ledger = load(SAMPLE)
    b = "blockfi:"
    assert rows(ledger) == [
        (
            4,
            ts(2022, 9, 20, 13, 45, 30),
            "trade",
            "BTC",
            D("0.125"),
            "GUSD",
            D("2400"),
            None,
            None,
            f"{b}6e8d2a4c-1b3f-4a57-9c60-8d2e4f6a1c39",
            "Trade",
        ),
        (
            3,
            ts(2022, 10, 3, 9),
            "trade",
            "GUSD",
            D("100"),
            "BTC",
            D("0.0052"),
            None,
            None,
            f"{b}9c3e5b1d-7f2a-4c08-b6d4-1e9f3a7c5b20",
            "Recurring Trade; Weekly",
        ),
        (
            2,
            ts(2022, 11, 7, 14, 3, 52),
            "trade",
            "GUSD",
            D("3000"),
            "ETH",
            D("1.5"),
            None,
            None,
            f"{b}4a1f0c7e-2b9d-4e63-8f15-7c2d9e0b3a61",
            "Trade",
        ),
    ]
    assert ledger.diagnostics == []


def test_errors(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(
        "Trade ID,Date,Buy Quantity,Buy Currency,Sold Quantity,Sold Currency,Rate Amount,Rate Currency,Type\n"
        "t1,2022-05-01 10:00:00,-1,eth,-2000,gusd,2000,gusd,Trade\n"
        "t2,2022-05-01 10:00:00,1,,-2000,gusd,2000,gusd,Trade\n"
    )
    got = sorted((d.source.line, d.message) for d in load(path).diagnostics if d.code is Code.BAD_ROW and d.source)
    assert got == [(2, "Buy Quantity -1 is negative"), (3, "Buy Quantity and Buy Currency are required")]


def test_claimed_by_blockfi_trades_alone() -> None:
    sniffed, diag = ingest.sniff(str(SAMPLE), IMPORTERS)
    assert diag is None and sniffed is not None and sniffed.importer is blockfi_trades
