"""The transfers report: matched withdrawal/deposit pairs first, then the rows left unmatched and why.

One row layout for both: a pair fills both sides; an unmatched withdrawal fills the withdrawal's columns
(``from_wallet``, ``withdrawn_at``, ``withdrawal_id``, ...) and an unmatched deposit the deposit's. ``reason`` is
what made a pair (``time and amount``, ``tx hash``, ``override``) or why a row has none. ``network_fee`` is
``sent - received``, exact. Times are UTC, ISO 8601; sources are ``file:line``.
"""

from __future__ import annotations

from decimal import Decimal

import polars as pl

from taxlots.model.money import decimal_context, plain
from taxlots.pairing import TransferReport

HEADER = (
    "status",
    "asset",
    "sent",
    "received",
    "network_fee",
    "fee",
    "fee_asset",
    "from_wallet",
    "to_wallet",
    "withdrawn_at",
    "deposited_at",
    "withdrawal_id",
    "deposit_id",
    "withdrawal_source",
    "deposit_source",
    "reason",
    "detail",
)
#: The columns a terminal table shows (the CSV has them all).
TABLE = (
    "status",
    "asset",
    "sent",
    "received",
    "from_wallet",
    "to_wallet",
    "withdrawn_at",
    "deposited_at",
    "withdrawal_id",
    "deposit_id",
    "reason",
)

_STAMP = "%Y-%m-%dT%H:%M:%S%.fZ"


def _source(file: str, line: str) -> pl.Expr:
    return pl.format("{}:{}", pl.col(file), pl.col(line))


def transfer_rows(report: TransferReport) -> list[tuple[str, ...]]:
    """Every pair (withdrawal order), then every unmatched row (ledger order), as :data:`HEADER` cells."""
    p = report.pairs.select(
        status=pl.lit("matched"),
        asset="asset",
        sent="sent",
        received="received",
        network_fee=pl.lit(""),
        fee=pl.col("fee").fill_null(""),
        fee_asset=pl.col("fee_asset").fill_null(""),
        from_wallet="from_wallet",
        to_wallet="to_wallet",
        withdrawn_at=pl.col("withdrawn_at").dt.strftime(_STAMP),
        deposited_at=pl.col("deposited_at").dt.strftime(_STAMP),
        withdrawal_id="withdrawal_id",
        deposit_id="deposit_id",
        withdrawal_source=_source("withdrawal_file", "withdrawal_line"),
        deposit_source=_source("deposit_file", "deposit_line"),
        reason="rule",
        detail=pl.lit(""),
    )
    u = report.unmatched
    blank = pl.lit("")

    def side(value: pl.Expr, withdrawal: bool) -> pl.Expr:
        return pl.when(pl.col("side") == ("withdrawal" if withdrawal else "deposit")).then(value).otherwise(blank)

    stamp, source = pl.col("timestamp").dt.strftime(_STAMP), _source("file", "line")
    rest = u.select(
        status=pl.lit("unmatched"),
        asset="asset",
        sent=side(pl.col("quantity"), True),
        received=side(pl.col("quantity"), False),
        network_fee=blank,
        fee=blank,
        fee_asset=blank,
        from_wallet=side(pl.col("wallet"), True),
        to_wallet=side(pl.col("wallet"), False),
        withdrawn_at=side(stamp, True),
        deposited_at=side(stamp, False),
        withdrawal_id=side(pl.col("id"), True),
        deposit_id=side(pl.col("id"), False),
        withdrawal_source=side(source, True),
        deposit_source=side(source, False),
        reason="reason",
        detail=pl.col("detail").fill_null(""),
    )
    rows: list[tuple[str, ...]] = []
    with decimal_context():
        for row in p.iter_rows():
            network = Decimal(row[2]) - Decimal(row[3])
            rows.append((*row[:4], plain(network), *row[5:]))
    rows.extend(rest.iter_rows())
    return rows


def table_rows(rows: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """The :data:`TABLE` cells of :func:`transfer_rows`' rows."""
    index = [HEADER.index(c) for c in TABLE]
    return [tuple(r[i] for i in index) for r in rows]
