"""Helpers for the Binance tests (a plain module, not a test module): paths, loading, rows written by hand.

Expected rows are written out by hand from the sample lines (quantities compared as Decimal). A trade row's
id is the derived ``binance:<second>:<sent>:<received>:<gross sent>:<gross received>``; rows without an
exchange id get ingest's ``FILE:LINE``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from taxlots import ingest
from taxlots.importers import IMPORTERS, binance_statement, binance_trades, matches, normalize_header
from taxlots.model.diagnostics import Severity
from taxlots.testing import place_id

ROOT = Path(__file__).resolve().parents[2]
HERE = ROOT / "tests" / "importers" / "samples" / "binance"
TRADES = ROOT / "samples" / "binance_trades_2024.csv"
STATEMENT = ROOT / "samples" / "binance_statement_2024.csv"
BOTH = (binance_trades, binance_statement)
#: Every registered importer plus these two: each Binance file must be claimed by its own importer only.
EVERY = tuple(IMPORTERS) + tuple(m for m in BOTH if m not in IMPORTERS)

Side = tuple[str, str] | None


def load(*paths: Path, importers: tuple[Any, ...] = BOTH, tz: str = "UTC") -> ingest.Ledger:
    return ingest.load([str(p) for p in paths], importers=importers, tz=tz)


def dec(s: str | None) -> Decimal | None:
    return None if s is None else Decimal(s)


def table(ledger: ingest.Ledger) -> list[tuple[Any, ...]]:
    """The ledger as tuples; every Binance row is in wallet Binance, with no USD value and no to_wallet."""
    frame = ledger.frame
    assert set(frame["wallet"]) <= {"Binance"}
    assert frame["usd_value"].null_count() == frame["to_wallet"].null_count() == frame.height
    return [
        (
            r["line"], r["timestamp"], r["type"], r["sent_asset"], dec(r["sent_qty"]), r["received_asset"], dec(r["received_qty"]),
            r["fee_asset"], dec(r["fee_qty"]), place_id(r["id"], r["file"], r["line"]), r["note"],
        )
        for r in frame.iter_rows(named=True)
    ]  # fmt: skip


def ts(when: str) -> datetime:
    return datetime.strptime(when, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)


def row(
    line: int, when: str, kind: str, *, sent: Side = None, received: Side = None, fee: Side = None, id: str, note: str
) -> tuple[Any, ...]:
    s_asset, s_qty = sent or (None, None)
    r_asset, r_qty = received or (None, None)
    f_asset, f_qty = fee or (None, None)
    return (line, ts(when), kind, s_asset, dec(s_qty), r_asset, dec(r_qty), f_asset, dec(f_qty), id, note)


def trade(
    line: int, when: str, sent: tuple[str, str], received: tuple[str, str], fee: Side, note: str, prefix: str = "binance"
) -> tuple[Any, ...]:
    """A trade row whose id is written out from its own second, assets and gross quantities."""
    second = when.replace(" ", "T") + "Z"
    ident = f"{prefix}:{second}:{sent[0]}:{received[0]}:{sent[1]}:{received[1]}"
    return row(line, when, "trade", sent=sent, received=received, fee=fee, id=ident, note=note)


def single(path: Path, line: int, when: str, kind: str, note: str, *, sent: Side = None, received: Side = None) -> tuple[Any, ...]:
    return row(line, when, kind, sent=sent, received=received, id=f"{path}:{line}", note=note)


def errors(ledger: ingest.Ledger) -> list[tuple[str, int, str]]:
    return sorted(
        (Path(d.source.file).name, d.source.line, d.message) for d in ledger.diagnostics if d.severity == Severity.ERROR and d.source
    )


# The Trade History sample: fills of one pair, side and second are one trade (lines 4-6 and 17-18).
TRADE_ROWS = [
    trade(2, "2023-12-18 09:30:12", ("USDT", "500.2"), ("BNB", "2"), ("BNB", "0.002"), "BUY BNBUSDT"),
    trade(3, "2023-12-18 09:41:05", ("USDT", "2107.5"), ("BTC", "0.05"), ("BNB", "0.0063225"), "BUY BTCUSDT"),
    trade(4, "2024-01-05 14:02:11", ("USDT", "1344.3"), ("ETH", "0.6"), ("BNB", "0.0040329"), "BUY ETHUSDT, 3 fills"),
    trade(7, "2024-02-12 08:15:40", ("USDT", "2810"), ("SOL", "25"), ("BNB", "0.00655667"), "BUY SOLUSDT"),
    trade(8, "2024-03-04 11:20:33", ("BTC", "0.02"), ("USDT", "1356"), ("USDT", "1.356"), "SELL BTCUSDT"),
    trade(9, "2024-03-21 09:12:37", ("USDT", "1962.6"), ("BTC", "0.03"), ("BNB", "0.00254753"), "BUY BTCUSDT"),
    trade(10, "2024-04-09 16:45:02", ("USDT", "512"), ("1INCH", "1000"), ("BNB", "0.00065084"), "BUY 1INCHUSDT"),
    trade(11, "2024-05-20 10:05:55", ("1INCH", "1000"), ("USDT", "465"), ("BNB", "0.00058125"), "SELL 1INCHUSDT"),
    trade(12, "2024-06-14 07:12:48", ("BTC", "0.02215"), ("SOL", "10"), ("SOL", "0.01"), "BUY SOLBTC"),
    trade(13, "2024-07-03 15:40:21", ("USDT", "993.15"), ("ETH", "0.3"), ("BNB", "0.001301"), "BUY ETHUSDT"),
    trade(14, "2024-08-19 13:27:09", ("USDT", "3918"), ("ETH", "1.5"), ("BNB", "0.00559714"), "BUY ETHUSDT"),
    trade(15, "2024-09-02 06:51:30", ("FDUSD", "590.12"), ("BTC", "0.01"), None, "BUY BTCFDUSD"),
    trade(16, "2024-10-15 08:22:10", ("USDT", "1850.4"), ("SOL", "12"), ("BNB", "0.0023133"), "BUY SOLUSDT"),
    trade(17, "2024-11-12 19:04:44", ("ETH", "0.75"), ("USDT", "2437.5"), ("BNB", "0.00289059"), "SELL ETHUSDT, 2 fills"),
    trade(19, "2024-12-09 10:00:03", ("SOL", "4"), ("USDT", "897.2"), ("BNB", "0.00096129"), "SELL SOLUSDT"),
]

WITHDRAW = "Withdraw: Withdraw fee is included"
# The statement sample's rows that are not spot trades (those are the Trade History's, listed below).
STATEMENT_OTHERS = [
    single(STATEMENT, 2, "2023-12-15 08:02:44", "deposit", "Deposit", received=("USDT", "5000")),
    single(STATEMENT, 9, "2023-12-18 10:15:27", "withdrawal", WITHDRAW, sent=("BTC", "0.05")),
    single(STATEMENT, 19, "2024-01-05 14:30:48", "withdrawal", WITHDRAW, sent=("ETH", "0.6")),
    single(STATEMENT, 22, "2024-01-09 02:00:00", "income", "Simple Earn Flexible Interest", received=("USDT", "0.06849315")),
    single(STATEMENT, 23, "2024-01-10 02:00:00", "income", "Simple Earn Flexible Interest", received=("USDT", "0.06849315")),
    single(STATEMENT, 24, "2024-02-09 16:20:05", "deposit", "Deposit", received=("USDT", "3000")),
    single(STATEMENT, 30, "2024-02-12 12:40:03", "withdrawal", WITHDRAW, sent=("SOL", "20")),
    single(STATEMENT, 31, "2024-02-13 03:00:00", "income", "Simple Earn Locked Rewards", received=("SOL", "0.0069863")),
    single(STATEMENT, 32, "2024-02-20 03:00:00", "income", "Simple Earn Locked Rewards", received=("SOL", "0.0069863")),
    single(STATEMENT, 33, "2024-02-27 03:00:00", "income", "Simple Earn Locked Rewards", received=("SOL", "0.0069863")),
    single(STATEMENT, 36, "2024-03-02 09:55:10", "deposit", "Deposit", received=("BTC", "0.05")),
    single(STATEMENT, 45, "2024-03-21 10:05:44", "withdrawal", WITHDRAW, sent=("BTC", "0.06")),
    single(STATEMENT, 48, "2024-04-02 13:31:19", "deposit", "Deposit", received=("USDT", "2000")),
    single(STATEMENT, 55, "2024-06-10 18:22:41", "deposit", "Deposit", received=("BTC", "0.03")),
    single(STATEMENT, 56, "2024-06-11 08:00:00", "income", "HODLer Airdrops Distribution", received=("IO", "0.2731")),
    single(STATEMENT, 60, "2024-06-14 08:30:00", "withdrawal", WITHDRAW, sent=("SOL", "14.99")),
    trade(64, "2024-07-08 10:11:12", ("USDT", "600"), ("FDUSD", "599.88"), None, "Binance Convert", prefix="binance:convert"),
    single(STATEMENT, 66, "2024-07-22 12:03:56", "deposit", "Deposit", received=("USDT", "4000")),
    single(STATEMENT, 70, "2024-08-19 14:02:50", "withdrawal", WITHDRAW, sent=("ETH", "1")),
    trade(73, "2024-10-05 01:12:09", ("IO", "0.2731"), ("BNB", "0.00104213"), None, "Small Assets Exchange BNB", prefix="binance:dust"),
    single(STATEMENT, 75, "2024-10-14 17:45:30", "deposit", "Deposit", received=("USDT", "3000")),
    single(STATEMENT, 79, "2024-10-15 09:00:00", "withdrawal", WITHDRAW, sent=("SOL", "8")),
    single(STATEMENT, 86, "2024-11-20 21:14:07", "withdrawal", WITHDRAW, sent=("USDT", "4000")),
]
# The same spot trades as the statement reads them: the legs of one second (lines 10-18 are three fills).
STATEMENT_TRADES = [
    trade(3, "2023-12-18 09:30:12", ("USDT", "500.2"), ("BNB", "2"), ("BNB", "0.002"), "spot trade"),
    trade(6, "2023-12-18 09:41:05", ("USDT", "2107.5"), ("BTC", "0.05"), ("BNB", "0.0063225"), "spot trade"),
    trade(10, "2024-01-05 14:02:11", ("USDT", "1344.3"), ("ETH", "0.6"), ("BNB", "0.0040329"), "spot trade"),
    trade(25, "2024-02-12 08:15:40", ("USDT", "2810"), ("SOL", "25"), ("BNB", "0.00655667"), "spot trade"),
    trade(37, "2024-03-04 11:20:33", ("BTC", "0.02"), ("USDT", "1356"), ("USDT", "1.356"), "spot trade"),
    trade(42, "2024-03-21 09:12:37", ("USDT", "1962.6"), ("BTC", "0.03"), ("BNB", "0.00254753"), "spot trade"),
    trade(49, "2024-04-09 16:45:02", ("USDT", "512"), ("1INCH", "1000"), ("BNB", "0.00065084"), "spot trade"),
    trade(52, "2024-05-20 10:05:55", ("1INCH", "1000"), ("USDT", "465"), ("BNB", "0.00058125"), "spot trade"),
    trade(57, "2024-06-14 07:12:48", ("BTC", "0.02215"), ("SOL", "10"), ("SOL", "0.01"), "spot trade"),
    trade(61, "2024-07-03 15:40:21", ("USDT", "993.15"), ("ETH", "0.3"), ("BNB", "0.001301"), "spot trade"),
    trade(67, "2024-08-19 13:27:09", ("USDT", "3918"), ("ETH", "1.5"), ("BNB", "0.00559714"), "spot trade"),
    trade(71, "2024-09-02 06:51:30", ("FDUSD", "590.12"), ("BTC", "0.01"), None, "spot trade"),
    trade(76, "2024-10-15 08:22:10", ("USDT", "1850.4"), ("SOL", "12"), ("BNB", "0.0023133"), "spot trade"),
    trade(80, "2024-11-12 19:04:44", ("ETH", "0.75"), ("USDT", "2437.5"), ("BNB", "0.00289059"), "spot trade"),
    trade(87, "2024-12-09 10:00:03", ("SOL", "4"), ("USDT", "897.2"), ("BNB", "0.00096129"), "spot trade"),
]
STATEMENT_SKIPS = {
    "internal move between Binance accounts (Simple Earn Flexible Subscription)": 2,
    "internal move between Binance accounts (Simple Earn Locked Subscription)": 2,
    "internal move between Binance accounts (Simple Earn Flexible Redemption)": 2,
    "internal move between Binance accounts (Simple Earn Locked Redemption)": 2,
    "internal move between Binance accounts (Transfer Between Main and Funding Wallet)": 4,
}


def by_time(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    return sorted(rows, key=lambda r: r[1])


def claimants(header: str) -> list[Any]:
    """The importers (of all) that claim a file with this header line."""
    cells = tuple(normalize_header(c) for c in header.split(","))
    return [m for m in EVERY if matches(m, cells)]


def claimed_by(path: Path) -> Any:
    sniffed, problem = ingest.sniff(str(path), EVERY)
    assert problem is None, problem.render() if problem else ""
    assert sniffed is not None
    return sniffed.importer
