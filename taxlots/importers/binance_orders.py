"""Binance spot Order History export (Orders -> Spot Order -> Order History -> Export), with its fills.

``Date(UTC),OrderNo,Pair,Type,Order Price,Order Amount,AvgTrading Price,Filled,Total,status`` (older files
without ``OrderNo``, often ``;``-separated). Each order row is followed by a sub-header row
``,Date(UTC),Trading Price,Filled,Total,Fee`` and one row per fill, both shifted one cell to the right
(first cell empty): ``,2023-05-12 06:03:14,1.787,22.38,39.99306000,0.00009936BNB``. Dates are UTC.

Mapping (wallet ``Binance``):

- The fills are the trades; each takes the pair and side (``Type``: BUY/SELL) of the order above it.
  ``Filled`` is the base quantity and ``Total`` the quote (both gross); ``Fee`` is a number with its asset
  glued on (BNB, or the asset received). The pair is split at the longest known quote asset
  (:data:`taxlots.importers.binance_trades.QUOTES`).
- Like the Trade History importer, the fills of one pair, side and second are one trade with the same
  derived id (``binance:<second>:<sent>:<received>:<gross sent>:<gross received>``), so loading this
  export with the Trade History or the statement counts each trade once: the Trade History's row wins
  (``PRIORITY`` 5 < 10), and this one wins over the statement's (0).
- Fill and sub-header rows may stop after their six fields (``MIN_FIELDS``) or be padded to the header's width.
- Order rows and the fill sub-header rows are counted skips (the order row summarizes its fills). An order
  with a filled quantity but no fill rows is an error: its trades cannot be read from the summary.
"""

from __future__ import annotations

import polars as pl

from taxlots.importers import _exprs as ex
from taxlots.importers.base import Context
from taxlots.importers.binance_trades import (
    ALIASES,
    QUOTES,
    TRADE_COLUMNS,
    WALLET,
    combine_legs,
    fee_error,
    second_fees,
    trade_id,
    wall_time,
)

NAME = "binance-orders"
TITLE = "Binance Order History (orders with their fills)"
PRIORITY = 5  # below binance-trades (10), above binance-statement (0)
#: A fill row or its sub-header is six fields (an empty first cell and five), shorter than the header: files
#: not saved through a spreadsheet leave them unpadded, and ingest's field-count check allows that.
MIN_FIELDS = 6
SIGNATURES = (("date(utc)", "pair", "type", "order price", "order amount", "avgtrading price", "filled", "total", "status"),)
_QUOTE_RE = "^(.+?)(" + "|".join(QUOTES) + ")$"
_FEE_RE = r"^(\d[\d,]*(?:\.\d+)?)([A-Z][A-Z0-9]*)$"
_KEYS = ["_k_time", "_k_pair", "_k_side"]


def _fill_columns(ctx: Context) -> list[str]:
    """The columns that hold a fill row's date, price, filled, total and fee (the cells after the first)."""
    return list(ctx.header[1:6])


def _fee(text: pl.Expr, base: pl.Expr, quote: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """``(qty, asset)`` of a fee cell such as ``0.02001INCH``: the pair's base, quote or BNB glued on, else the
    ticker after the number (a base may start with digits: ``1INCH``, so the number cannot end the digits)."""
    number = r"^\d+(\.\d+)?$"
    asset: pl.Expr = text.str.extract(_FEE_RE, 2)
    for candidate in (pl.lit("BNB"), quote, base):
        fits = text.str.ends_with(candidate) & text.str.strip_suffix(candidate).str.contains(number)
        asset = pl.when(fits.fill_null(False)).then(candidate).otherwise(asset)
    qty = text.str.strip_suffix(asset)
    return pl.when(qty.str.contains(number)).then(qty), pl.when(qty.str.contains(number)).then(asset)


def _parse(lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    date, price, filled, total, fee = (pl.col(c) for c in _fill_columns(ctx))
    first = ex.blank_to_null(pl.col("date(utc)"))
    is_order = first.is_not_null()
    lf = lf.sort("line").with_columns(_order=is_order.cast(pl.Int64).cum_sum(), _is_order=is_order)
    order_cols = {"_pair": ex.asset_code(pl.col("pair")), "_side": ex.blank_to_null(pl.col("type")).str.to_uppercase()}
    orders = lf.filter("_is_order").select(
        "_order", _status=ex.blank_to_null(pl.col("status")), _filled_order=pl.col("filled"), **order_cols
    )
    lf = lf.join(orders, on="_order", how="left")
    cell = ex.blank_to_null(date)
    sub_header = ~is_order & (cell.str.to_lowercase() == "date(utc)").fill_null(False)
    fill = ~is_order & ~sub_header
    pair = pl.col("_pair").str.extract_groups(_QUOTE_RE)
    raw_base, raw_quote = pair.struct.field("1"), pair.struct.field("2")
    base, quote = raw_base.replace(ALIASES), raw_quote.replace(ALIASES)
    qty, qty_err = ex.checked_number(ex.blank_to_null(filled).str.replace_all(",", ""), "Filled")
    amount, amount_err = ex.checked_number(ex.blank_to_null(total).str.replace_all(",", ""), "Total")
    fee_qty, fee_asset = _fee(ex.blank_to_null(fee).str.replace_all(",", ""), raw_base, raw_quote)
    ts = wall_time(date).dt.replace_time_zone("UTC")
    errors = ex.join_errors(
        ex.timestamp_error(date.fill_null(""), ts, "the fill's Date(UTC)", "a time like 2023-05-12 06:03:14"),
        qty_err,
        amount_err,
        pl.when(ex.blank_to_null(fee).is_not_null() & fee_qty.is_null()).then(
            pl.format("Fee '{}' is not a number followed by its asset (0.00009936BNB)", fee.str.strip_chars())
        ),
        pl.when(base.is_null()).then(pl.format("Pair '{}' does not end with a quote asset taxlots knows", pl.col("_pair").fill_null(""))),
        pl.when(~pl.col("_side").is_in(["BUY", "SELL"]).fill_null(False)).then(
            pl.format("the order's Type '{}' is not BUY or SELL", pl.col("_side").fill_null(""))
        ),
    )
    return lf.with_columns(
        _fill=fill,
        _sub=sub_header,
        _ts=ts,
        _base=base,
        _quote=quote,
        _qty=qty,
        _amount=amount,
        _fee_qty=ex.nonzero(fee_qty),
        _fee_asset=fee_asset.replace(ALIASES),
        _error=pl.when(fill).then(errors),
        _k_time=date.str.strip_chars(),
        _k_pair=pl.col("_pair"),
        _k_side=pl.col("_side"),
    )


def _legs(fills: pl.LazyFrame) -> pl.LazyFrame:
    buy = pl.col("_side") == "BUY"
    sent = (pl.when(buy).then("_quote").otherwise("_base"), pl.when(buy).then("_amount").otherwise("_qty"))
    received = (pl.when(buy).then("_base").otherwise("_quote"), pl.when(buy).then("_qty").otherwise("_amount"))
    own = pl.col("_fee_asset") == received[0]
    cols = [*_KEYS, "line", "_ts"]
    return pl.concat(
        [
            fills.select(*cols, role=pl.lit("sent"), asset=sent[0], qty=sent[1]),
            fills.select(*cols, role=pl.lit("received"), asset=received[0], qty=received[1]),
            fills.filter(pl.col("_fee_qty").is_not_null()).select(
                *cols, role=pl.when(own).then(pl.lit("own_fee")).otherwise(pl.lit("fee")), asset="_fee_asset", qty="_fee_qty"
            ),
        ]
    )


def _orders(rows: pl.LazyFrame) -> pl.LazyFrame:
    """Order and sub-header rows: counted skips; an order with a filled quantity and no fill rows: an error."""
    n_fills = rows.filter("_fill").group_by("_order").agg(_n=pl.len())
    orders = rows.filter(~pl.col("_fill")).join(n_fills, on="_order", how="left")
    filled = ex.checked_number(ex.blank_to_null(pl.col("_filled_order")).str.replace_all(",", ""), "Filled")[0]
    unfilled = pl.col("_n").is_null() & filled.is_not_null() & ~ex.is_zero(filled.fill_null("0"))
    status = pl.col("_status").fill_null("")
    return orders.select(
        ex.unified(
            error=pl.when(~pl.col("_sub") & unfilled).then(
                pl.format("order ({} {}, status '{}') has a filled quantity but no fill rows under it", "_side", "_pair", status)
            ),
            skip=pl.when(pl.col("_sub"))
            .then(pl.lit("fill sub-header line"))
            .when(~unfilled)
            .then(pl.format("order summary, status '{}' (its fills are read from the rows under it)", status)),
        )
    )


def normalize(lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """One trade per pair, side and second of fills; order rows are counted skips."""
    rows = _parse(lf, ctx).cache()
    fills = rows.filter("_fill").with_columns(_bad=pl.col("_error").is_not_null().any().over(_KEYS))
    bad = fills.filter(pl.col("_error").is_not_null()).select(
        ex.unified(timestamp=pl.col("_ts"), wallet=pl.lit(WALLET), type=pl.lit("trade"), error=pl.col("_error"))
    )
    trades = combine_legs(_legs(fills.filter(~pl.col("_bad"))), _KEYS, carry=("_ts",))
    ok = trades.select(
        ex.unified(
            timestamp=pl.col("_ts"), wallet=pl.lit(WALLET), type=pl.lit("trade"), **{c: pl.col(c) for c in TRADE_COLUMNS},
            id=trade_id(pl.lit("binance"), pl.col("_ts")), note=pl.format("{} {} (order history)", "_k_side", "_k_pair"),
            error=fee_error(),
        )
    )  # fmt: skip
    fees = second_fees(trades, trade_id(pl.lit("binance"), pl.col("_ts")))
    return pl.concat([ok, fees, bad, _orders(rows)]).sort("line")
