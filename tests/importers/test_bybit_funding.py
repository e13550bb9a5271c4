"""Bybit funding account history: the sample (with its UID preamble), the older shapes, skips and errors."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

from taxlots import ingest
from taxlots.importers import IMPORTERS, bybit_funding
from taxlots.model.diagnostics import Code
from tests.importers._ledger import rows, ts

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "bybit_funding_2024.csv"


def load(path: Path) -> ingest.Ledger:
    return ingest.load([str(path)], importers=(bybit_funding,))


def bad(ledger: ingest.Ledger) -> list[tuple[int, str]]:
    return sorted((d.source.line, d.message) for d in ledger.diagnostics if d.code is Code.BAD_ROW and d.source)


def test_sample_rows() -> None:
    ledger = load(SAMPLE)
    f = str(SAMPLE)
    assert rows(ledger) == [
        (12, ts(2024, 1, 3, 18, 23, 12), "deposit", None, None, "USDT", D("573.377"), None, None, f"{f}:12", "TRANSFER; Deposit"),
        (11, ts(2024, 1, 5, 9, 12, 40), "deposit", None, None, "BTC", D("0.1"), None, None, f"{f}:11", "TRANSFER; Deposit"),
        (8, ts(2024, 3, 1, 14, 22, 3), "income", None, None, "ARB", D("12.5"), None, None, f"{f}:8", "Airdrop; Airdrop"),
        (
            6,
            ts(2024, 4, 1, 0, 41, 47),
            "income",
            None,
            None,
            "USDT",
            D("0.103"),
            None,
            None,
            f"{f}:6",
            "Earn; Easy Earn | Flexible Interest Distribution",
        ),
        (5, ts(2024, 4, 2, 12, 10, 44), "spend", "USDT", D("23.48"), None, None, None, None, f"{f}:5", "Bybit Card; Purchase"),
        # QTY -100: a withdrawal of the magnitude; the export has no fee column.
        (4, ts(2024, 4, 15, 9), "withdrawal", "USDT", D("100"), None, None, None, None, f"{f}:4", "TRANSFER; Withdrawal"),
    ]
    assert ledger.files[0].skipped == {"move between Bybit accounts": 3, "move into or out of Bybit Earn": 1}
    assert [d for d in ledger.diagnostics if d.code is not Code.SKIPPED_ROWS] == []


def test_header_without_uid(tmp_path: Path) -> None:
    """BittyTax's "Bybit Deposits/Withdrawals" header (no Uid column, no preamble)."""
    path = tmp_path / "f.csv"
    path.write_text(
        "Date & Time(UTC),Coin,QTY,Type,Account Balance,Description\n"
        "2024-04-01 09:00:00,BTC,0.5,TRANSFER,0.5,Deposit\n"
        "2024-04-20 09:00:00,BTC,0.5,TRANSFER,0,Transfer to Derivatives Account\n"
    )
    ledger = load(path)
    assert rows(ledger) == [(2, ts(2024, 4, 1, 9), "deposit", None, None, "BTC", D("0.5"), None, None, f"{path}:2", "TRANSFER; Deposit")]
    assert ledger.files[0].skipped == {"move between Bybit accounts": 1}


def test_oldest_header(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text(
        "Type,Coin,Amount,Wallet Balance,Time(UTC)\n"
        "userDeposit,ETH,2,2,2021-06-01 10:00:00\n"
        "internalAccountTransferWithdrawal,ETH,-1,1,2021-06-02 10:00:00\n"
        "userWithdraw,ETH,-1,0,2021-06-03 10:00:00\n"
    )
    ledger = load(path)
    assert rows(ledger) == [(2, ts(2021, 6, 1, 10), "deposit", None, None, "ETH", D("2"), None, None, f"{path}:2", "userDeposit")]
    assert ledger.files[0].skipped == {"move between Bybit accounts": 1}
    assert bad(ledger) == [(4, "unknown Type/Description; taxlots knows the ones listed in its Bybit funding importer (userWithdraw)")]


def test_errors(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text(
        "Uid,Date & Time(UTC),Coin,QTY,Type,Account Balance,Description\n"
        "1,2024-04-01 09:00:00,BTC,0.001,Fiat,0.001,Buy Crypto with Card\n"  # 2
        "1,2024-04-01 09:00:00,BTC,-0.5,TRANSFER,0,Deposit\n"  # 3: a deposit that takes coins
        "1,2024-04-01 09:00:00,BTC,0.5,TRANSFER,0,Withdrawal\n"  # 4: a withdrawal that adds coins
        "1,2024-04-01 09:00:00,BTC,x,TRANSFER,0,Deposit\n"  # 5
        "1,01/04/2024,BTC,1,TRANSFER,0,Deposit\n"  # 6
    )
    card = "'Buy Crypto with Card' lacks the price paid in this export; record the purchase as a trade (Fiat; Buy Crypto with Card)"
    assert bad(load(path)) == [
        (2, card),
        (3, "a deposit row with QTY -0.5 has the wrong sign"),
        (4, "a withdrawal row with QTY 0.5 has the wrong sign"),
        (5, "QTY 'x' is not a number"),
        (6, "Date & Time(UTC) '01/04/2024' is not a date and time like 2024-04-01 09:00:00"),
    ]


def test_claimed_by_bybit_funding_alone() -> None:
    sniffed, diag = ingest.sniff(str(SAMPLE), IMPORTERS)
    assert diag is None and sniffed is not None and sniffed.importer is bybit_funding and sniffed.header_line == 2
