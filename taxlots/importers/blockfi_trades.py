"""BlockFi trade report (Wallet -> Reports -> Trade Report).

Header ``Trade ID,Date,Buy Quantity,Buy Currency,Sold Quantity,Sold Currency,Rate Amount,Rate Currency,Type``,
newer files adding ``Frequency,Destination`` (BittyTax registers both). Currencies are written lower case;
``Sold Quantity`` is negative. ``Date`` is UTC. The report states no fee: BlockFi's spread is inside the rate.

Mapping (wallet ``BlockFi``): one trade per row, sent |``Sold Quantity``| of ``Sold Currency``, received ``Buy
Quantity`` of ``Buy Currency``. ``id`` is ``blockfi:<Trade ID>``.
"""

from __future__ import annotations

import polars as pl

from taxlots.importers import _exprs as ex
from taxlots.importers.base import Context

NAME = "blockfi-trades"
TITLE = "BlockFi trade report CSV"
SIGNATURES = (
    ("trade id", "date", "buy quantity", "buy currency", "sold quantity", "sold currency", "rate amount", "rate currency", "type"),
)

WALLET = "BlockFi"


def normalize(lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """BlockFi trades -> one trade per row."""
    bought, bought_err = ex.checked_number(pl.col("buy quantity"), "Buy Quantity")
    sold, sold_err = ex.checked_number(pl.col("sold quantity"), "Sold Quantity")
    ts = ex.local_time(pl.col("date"), ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"], "UTC")
    buy_ccy, sold_ccy = ex.asset_code(pl.col("buy currency")), ex.asset_code(pl.col("sold currency"))
    errors = ex.join_errors(
        ex.timestamp_error(pl.col("date"), ts, "Date", "a date and time like 2021-04-12 13:47:33"),
        bought_err,
        sold_err,
        pl.when(bought.is_null() | buy_ccy.is_null()).then(pl.lit("Buy Quantity and Buy Currency are required")),
        pl.when(sold.is_null() | sold_ccy.is_null()).then(pl.lit("Sold Quantity and Sold Currency are required")),
        pl.when(ex.is_negative(bought)).then(pl.format("Buy Quantity {} is negative", bought)),
    )
    return lf.select(
        ex.unified(
            timestamp=ts,
            wallet=pl.lit(WALLET),
            type=pl.lit("trade"),
            sent_asset=sold_ccy,
            sent_qty=ex.unsigned(sold),
            received_asset=buy_ccy,
            received_qty=bought,
            id=pl.lit("blockfi:") + ex.blank_to_null(pl.col("trade id")),
            note=ex.note(pl.col("type"), ex.column(ctx, "frequency")),
            error=errors,
        )
    ).sort("line")
