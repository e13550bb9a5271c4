"""Helpers for the Kraken tests (a plain module, not a test module): paths, loading, rows written by hand.

A row is ``row(line, "YYYY-MM-DD HH:MM:SS[.ffffff]", kind, ref, s="ASSET QTY", r=..., f=..., usd=..., note=...)``,
compared with ``table(ledger)``; quantities compare as Decimal ("0.50" == "0.5").
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from taxlots import ingest
from taxlots.importers import IMPORTERS, kraken_ledgers, kraken_trades
from taxlots.model.diagnostics import Severity

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent / "samples" / "kraken"
LEDGERS = ROOT / "samples" / "kraken_ledgers_2024.csv"
TRADES = ROOT / "samples" / "kraken_trades_2024.csv"
MINE = (kraken_ledgers, kraken_trades)
EVERY = tuple(IMPORTERS) + tuple(m for m in MINE if m not in IMPORTERS)


def load(*paths: Path, importers: tuple[Any, ...] = (kraken_ledgers,)) -> ingest.Ledger:
    return ingest.load([str(p) for p in paths], importers=importers)


def table(ledger: ingest.Ledger) -> list[tuple[Any, ...]]:
    """The ledger as tuples (line, timestamp, type, sent, received, fee, usd_value, id, note); Kraken wallet only."""

    def dec(s: str | None) -> Decimal | None:
        return None if s is None else Decimal(s)

    frame = ledger.frame
    assert set(frame["wallet"]) <= {"Kraken"} and frame["to_wallet"].null_count() == frame.height
    return [
        (
            r["line"], r["timestamp"], r["type"], r["sent_asset"], dec(r["sent_qty"]), r["received_asset"], dec(r["received_qty"]),
            r["fee_asset"], dec(r["fee_qty"]), dec(r["usd_value"]), r["id"], r["note"],
        )
        for r in frame.iter_rows(named=True)
    ]  # fmt: skip


def row(
    line: int, when: str, kind: str, ref: str, *, s: str = "", r: str = "", f: str = "", usd: str | None = None, note: str = ""
) -> tuple[Any, ...]:
    """One expected row. ``when``: UTC ``YYYY-MM-DD HH:MM:SS[.ffffff]``; ``ref``: the id after ``kraken:``;
    ``s``/``r``/``f``: the sent, received and fee sides as ``"ASSET QTY"``."""
    fmt = "%Y-%m-%d %H:%M:%S.%f" if "." in when else "%Y-%m-%d %H:%M:%S"

    def side(text: str) -> tuple[str | None, Decimal | None]:
        asset, _, qty = text.partition(" ")
        return (asset, Decimal(qty)) if text else (None, None)

    ts = datetime.strptime(when, fmt).replace(tzinfo=UTC)
    return (line, ts, kind, *side(s), *side(r), *side(f), None if usd is None else Decimal(usd), f"kraken:{ref}", note)


def errors(ledger: ingest.Ledger) -> list[tuple[str, int, str]]:
    return sorted((d.source.file, d.source.line, d.message) for d in ledger.diagnostics if d.severity == Severity.ERROR)


TRADE = "trade tradespot"
PENDING_DEPOSIT = "pending deposit (empty txid): the final row follows"
PENDING_WITHDRAWAL = "pending withdrawal (empty txid): the final row follows"
EARN_MOVE = "internal move between Kraken spot and earn wallets"
FUTURES_MOVE = "internal move between Kraken spot and futures wallets"

#: The ledger rows of samples/kraken_ledgers_2024.csv, written out by hand from its lines.
SAMPLE_LEDGER_ROWS = [
    row(3, "2023-12-01 09:02:41", "deposit", "FTa7Kq2WmZ-Xc4Rb9Tn1Vd8Lp", r="USD 40000", note="deposit"),
    row(4, "2023-12-01 14:05:12", "trade", "TBX4QF-7KD2M-3RZPWA", s="USD 15000", r="BTC 0.375", f="USD 24", note=TRADE),
    row(6, "2023-12-04 10:12:55", "trade", "TEH7LM-2QX9B-VN4KDC", s="USD 6600", r="ETH 3", f="USD 10.56", note=TRADE),
    row(9, "2023-12-10 16:31:18", "withdrawal", "FTc2Nb8YpR-Hk6Ws3Qe0Mz5Ju", s="BTC 0.2", f="BTC 0.00015", usd="8820", note="withdrawal"),
    row(12, "2024-01-05 11:47:09", "trade", "TSL2PQ-9XW4K-BZ7MNA", s="USD 4950", r="SOL 50", f="USD 7.92", note=TRADE),
    row(14, "2024-01-07 12:00:00", "deposit", "FTf0Ke3XzQ-Pm7Lc1Wv9Rt2Bn", r="KFEE 1000", note="deposit"),
    row(15, "2024-01-15 19:22:37", "trade", "TSF8KQ-3NZ7W-XC2LPD", s="SOL 20", r="USD 2100", f="KFEE 336", note=TRADE),
    row(18, "2024-01-20 01:10:44", "income", "STR4Q2K-M8ZXW-P3VNQ7", r="ETH 0.0012", usd="2.97", note="earn reward"),
    row(20, "2024-02-02 08:03:52", "deposit", "FTh5Rd2MwK-Qz8Xn4Bc6Lp1Vy", r="ETH 2.5", usd="5770", note="deposit"),
    row(21, "2024-02-03 15:38:21", "trade", "TEX9WN-5KQ2Z-RM7PLB", s="ETH 5", r="USD 11500", f="USD 18.4", note=TRADE),
    row(24, "2024-02-10 09:15:03", "trade", "TUS3MK-7PZQ4-WN2XRC", s="USD 5000.5", r="USDT 5000", f="USD 1.0001", note=TRADE),
    row(26, "2024-02-12 13:52:47", "trade", "TBT6QW-4ZM8K-XP3NVE", s="USDT 4800", r="BTC 0.1", f="USDT 7.68", usd="4801.20", note=TRADE),
    row(28, "2024-04-15 17:06:30", "trade", "BCR8XQ2-LM4PZ7", s="USD 250", r="BTC 0.004", f="USD 3.75", note="spend/receive"),
    row(30, "2024-05-20 10:33:19", "trade", "TBS4ZX-8QW2M-KN7PLF", s="BTC 0.2", r="USD 13400", f="USD 21.44", note=TRADE),
    row(32, "2024-06-03 08:41:55", "trade", "TUC7NQ-2WX5Z-MK8PRG", s="USD 3000", r="USDC 3000", f="USD 0.6", note=TRADE),
    row(35, "2024-07-15 21:12:36", "deposit", "FTk9Wq4ZpN-Rx2Mb7Hc5Ld3Qs", r="SOL 40", usd="6120", note="deposit"),
    row(36, "2024-07-16 14:27:08", "trade", "TSU5KX-9MZ3W-QP2NLH", s="SOL 70", r="USDC 10150", f="USDC 16.24", usd="10149.99", note=TRADE),
    row(38, "2024-08-20 01:10:12", "income", "STR8XW3-Q2MZK-N7VPL4", r="ETH 0.0000021", usd="0.01", note="earn reward"),
    row(40, "2024-09-09 18:57:13", "withdrawal", "FTm3Xr8KqW-Zp5Nc2Jb9Ht4Lv", s="USDC 10000", f="USDC 2.5", usd="9999", note="withdrawal"),
    row(41, "2024-12-12 20:04:51", "trade", "TBB2XK-6QM9Z-WN4PLJ", s="USD 10000", r="BTC 0.1", f="USD 16", note=TRADE),
    row(
        44,
        "2024-12-20 12:41:27",
        "withdrawal",
        "FTp6Zs1WxQ-Kn8Rm3Vc7Jd2Hb",
        s="BTC 0.15",
        f="BTC 0.00002",
        usd="14632.5",
        note="withdrawal",
    ),
]
