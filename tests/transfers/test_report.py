"""The transfers report's rows: pairs first with the exact network fee, then unmatched rows on their own side."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl

from taxlots.pairing import PAIR_SCHEMA, UNMATCHED_SCHEMA, TransferReport
from taxlots.reports.transfers import HEADER, TABLE, table_rows, transfer_rows

T = datetime(2024, 5, 1, 12, 0, 0, 250000, tzinfo=UTC)


def test_empty_report_has_no_rows() -> None:
    assert transfer_rows(TransferReport()) == []


def test_rows_in_header_order() -> None:
    pairs = pl.DataFrame(
        [("ETH", "2.000000000000000001", "1.99", None, None, "A", "B", T, T, "w", "d", "a.csv", 2, "b.csv", 9, "tx hash")],
        schema=PAIR_SCHEMA,
        orient="row",
    )
    unmatched = pl.DataFrame(
        [("deposit", "d2", "B", "ETH", "3", T, "b.csv", 10, "ambiguous", "why")], schema=UNMATCHED_SCHEMA, orient="row"
    )
    rows = transfer_rows(TransferReport(pairs=pairs, unmatched=unmatched))
    stamp = "2024-05-01T12:00:00.250Z"  # the ledger writer's format: the shortest of 3, 6 or 9 decimals
    # 2.000000000000000001 - 1.99 = 0.010000000000000001 (exact: a float would print 0.01)
    assert rows == [
        (
            "matched",
            "ETH",
            "2.000000000000000001",
            "1.99",
            "0.010000000000000001",
            "",
            "",
            "A",
            "B",
            stamp,
            stamp,
            "w",
            "d",
            "a.csv:2",
            "b.csv:9",
            "tx hash",
            "",
        ),
        ("unmatched", "ETH", "", "3", "", "", "", "", "B", "", stamp, "", "d2", "", "b.csv:10", "ambiguous", "why"),
    ]
    assert all(len(r) == len(HEADER) for r in rows)
    assert table_rows(rows)[1] == ("unmatched", "ETH", "", "3", "", "B", "", stamp, "", "d2", "ambiguous")
    assert len(TABLE) == len(table_rows(rows)[0])
