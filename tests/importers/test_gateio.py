"""Gate.io account book: normalize on decoded text (the file is UTF-16 LE with a BOM, tab-separated).

Ingest cannot read UTF-16 yet (another branch adds encoding detection), so these tests decode the sample
themselves and call ``normalize`` on the LazyFrame ingest would build: every column a string, ``line``
numbered from 2.
"""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import polars as pl

from taxlots.importers import IMPORTERS, gateio, matches
from taxlots.importers.base import Context, normalize_header
from tests.importers._ledger import ts

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "gateio_2024.csv"
HEADER = "no\ttime\taction_desc\taction_data\ttype\tchange_amount\tamount\ttotal\n"


def normalized(text: str, tz: str = "UTC") -> list[dict[str, Any]]:
    frame = pl.read_csv(io.StringIO(text), separator="\t", infer_schema=False, row_index_name="line", row_index_offset=2)
    frame = frame.rename({c: normalize_header(c) for c in frame.columns}).with_columns(pl.col("line").cast(pl.Int64))
    header = tuple(c for c in frame.columns if c != "line")
    ctx = Context(file="gateio.csv", header_line=1, header=header, raw_header=header, tz=tz)
    return gateio.normalize(frame.lazy(), ctx).collect().to_dicts()


def brief(rows: list[dict[str, Any]]) -> list[tuple[object, ...]]:
    def dec(s: str | None) -> D | None:
        return None if s is None else D(s)

    return [
        (
            r["line"], r["timestamp"], r["type"], r["sent_asset"], dec(r["sent_qty"]), r["received_asset"], dec(r["received_qty"]),
            r["fee_asset"], dec(r["fee_qty"]), r["note"], r["error"],
        )
        for r in rows
    ]  # fmt: skip


def test_sample_is_utf16_le_with_bom_and_tabs() -> None:
    raw = SAMPLE.read_bytes()
    assert raw[:2] == b"\xff\xfe"
    first = raw[2:].decode("utf-16-le").splitlines()[0]
    assert first.split("\t") == ["no", "time", "action_desc", "action_data", "type", "change_amount", "amount", "total"]


def test_sample_rows() -> None:
    rows = normalized(SAMPLE.read_bytes().decode("utf-16"))
    assert brief(rows) == [
        (2, ts(2024, 4, 1, 16), "withdrawal", "BTC", D("0.02"), None, None, None, None, "Withdrawals", None),
        # One coin swapped to GT: a trade.
        (3, ts(2024, 3, 15, 11, 11, 11), "trade", "DOGE", D("12.5"), "GT", D("0.0581"), None, None, "dust swap", None),
        (5, ts(2024, 3, 3, 10), "income", None, None, "USDT", D("0.42"), None, None, "Referral Superior Rebate", None),
        (6, ts(2024, 3, 1, 8), "income", None, None, "ARB", D("15"), None, None, "Airdrop", None),
        (7, ts(2024, 2, 10), "income", None, None, "GT", D("0.0123"), None, None, "HODL Interest", None),
        # Order 4820998812: 0.5 ETH placed; two fills 700.15 + 450.10 = 1150.25 USDT; fees 1.4003 + 0.9002 = 2.3005 USDT.
        # Its time is the first fill (18:30:01), not the placement (18:30:00).
        (8, ts(2024, 2, 2, 18, 30, 1), "trade", "ETH", D("0.5"), "USDT", D("1150.25"), "USDT", D("2.3005"), "order", None),
        (13, ts(2024, 1, 20, 7, 45, 10), "deposit", None, None, "ETH", D("0.5"), None, None, "Deposits", None),
        # Order 4820117731: 1000 USDT for 0.0235 BTC, the fee 0.000047 BTC in the coin received.
        (14, ts(2024, 1, 6, 12, 0, 5), "trade", "USDT", D("1000"), "BTC", D("0.0235"), "BTC", D("0.000047"), "order", None),
        (17, ts(2024, 1, 4, 9, 15), "deposit", None, None, "USDT", D("2000"), None, None, "Deposits", None),
    ]
    assert {r["wallet"] for r in rows} == {"Gate.io"}
    assert {r["id"] for r in rows} == {None}  # no ids: ingest names them FILE:LINE


def test_fee_sign_convention() -> None:
    """BittyTax (gateio.py): a Trading Fees row is a negative change_amount and its currency is the fee asset.
    A positive Trading Fees row would add coins, so it is an error rather than a fee."""
    text = (
        HEADER + "1\t2024-05-01 10:00:00\tTrading Fees\t77\tBTC\t0.0001\t1\t1\n2\t2024-05-01 10:00:00\tOrder Filled\t77\tBTC\t0.1\t1\t1\n"
    )
    text += "3\t2024-05-01 10:00:00\tOrder Placed\t77\tUSDT\t-6000\t0\t0\n"
    errors = [r["error"] for r in normalized(text)]
    assert errors == [
        "a 'Trading Fees' row should reduce the balance, but change_amount is 0.0001 (so its trade, lines 2, 3, 4, was left out)"
    ]


def test_errors() -> None:
    text = HEADER + "\n".join(
        [
            "1\t2024-05-01 10:00:00\tOrder Cancelled\t80\tUSDT\t100\t0\t0",  # 2: unknown description
            "2\t2024-05-01 10:00:00\tDeposits\td1\tBTC\t-1\t0\t0",  # 3: negative deposit
            "3\t2024-05-01 10:00:00\tOrder Placed\t81\tUSDT\t-100\t0\t0",  # 4: placed, never filled
            "4\t2024-05-02 10:00:00\tDust Swap-Small Balances Deducted\t82\tDOGE\t-10\t0\t0",  # 5-7: two coins into GT
            "5\t2024-05-02 10:00:00\tDust Swap-Small Balances Deducted\t82\tSHIB\t-1000\t0\t0",
            "6\t2024-05-02 10:00:00\tDust Swap-GT Added\t82\tGT\t0.05\t0\t0",
            "7\t05/02/2024\tDeposits\td2\tBTC\t1\t0\t0",  # 8: time
            "8\t2024-05-02 10:00:00\tOrder Filled\t\tBTC\t1\t0\t0",  # 9: no action_data
        ]
    )
    known = (
        "Order Placed, Order Filled, Trading Fees, Dust Swap-Small Balances Deducted, Dust Swap-GT Added, Deposits, Withdrawals, "
        "Referral Superior Rebate, Airdrop, HODL Interest"
    )
    got = [(r["line"], r["error"]) for r in normalized(text) if r["error"]]
    assert got == [
        (2, f"unknown action_desc 'Order Cancelled'; taxlots knows: {known}"),
        (3, "a 'Deposits' row should add to the balance, but change_amount is -1"),
        (4, "order 81 (line 4) does not move one currency out and one in (out: 1, in: 0)"),
        (5, "dust swap 82 (lines 5, 6, 7) turns several coins into one GT amount; splitting it needs prices the export lacks"),
        (8, "time '05/02/2024' is not a date and time like 2024-01-15 10:23:45"),
        (9, "action_data is blank, so the trade's rows cannot be joined"),
    ]


def test_time_is_read_in_the_run_zone() -> None:
    text = HEADER + "1\t2024-01-01 03:00:00\tDeposits\td1\tBTC\t1\t1\t1\n"
    (row,) = normalized(text, tz="Asia/Shanghai")
    assert row["timestamp"] == datetime.fromisoformat("2023-12-31T19:00:00+00:00")  # 03:00 at UTC+8


def test_decoded_header_is_claimed_by_gateio_alone() -> None:
    header = tuple(normalize_header(c) for c in SAMPLE.read_bytes().decode("utf-16").splitlines()[0].split("\t"))
    assert [imp.NAME for imp in IMPORTERS if matches(imp, header)] == ["gateio"]
