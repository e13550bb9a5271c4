"""Coinbase Pro / Coinbase Advanced "Fills" report CSV (EXCHANGE_FORMATS.md §2.2).

``portfolio,trade id,product,side,created at,size,size unit,price,fee,total,price/fee/total unit``; the
GDAX-era file (to 2019) has no ``portfolio`` column. One row per fill (a partly filled order gives several).

- ``created at`` is UTC ISO 8601 with milliseconds (``2021-03-15T14:02:11.418Z``).
- ``product`` is ``BASE-QUOTE``; ``size`` is in ``size unit`` (the base), ``price``, ``fee`` and ``total`` in
  ``price/fee/total unit`` (the quote). ``fee`` may be in exponent notation (``2.7535e-7``).
- ``total`` is the signed net cash flow in the quote: a BUY pays ``-(size x price + fee)``, a SELL gets
  ``size x price - fee``.
- ``trade id`` is unique only within a product.

Mapping: a trade in wallet "Coinbase" (the retail and Pro/Advanced accounts are one wallet). BUY: sent the
quote, ``|total| - fee`` (the gross cost), received ``size`` of the base, fee ``fee`` of the quote. SELL:
sent ``size`` of the base, received ``total + fee`` of the quote (gross), fee ``fee`` of the quote; so the
net quote that moves is exactly ``total``. The file states no USD value: usd_value stays blank (a USD
quote is the value itself; other quotes are priced later). id ``coinbase-pro:<product>:<trade id>``.

The account statement (:mod:`taxlots.importers.coinbase_pro_account`) rebuilds the same fills under the same
ids with a lower priority, so both reports can be loaded. Fills of Advanced trades also appear in the retail
transaction history (``Advanced Trade Buy/Sell`` rows,
with other ids): read one source or the other for those trades, not both.
"""

from __future__ import annotations

import polars as pl

from taxlots.importers import _exprs as ex
from taxlots.importers.base import Context

NAME = "coinbase-pro-fills"
TITLE = "Coinbase Pro / Advanced fills CSV"
WALLET = "Coinbase"

#: The fills report is the authoritative record of Advanced Trade fills, which the retail history repeats.
ADVANCED_TRADE = "coinbase-advanced-trade"
AUTHORITATIVE = (ADVANCED_TRADE,)
_GDAX = ("trade id", "product", "side", "created at", "size", "size unit", "price", "fee", "total", "price/fee/total unit")
SIGNATURES = (("portfolio", *_GDAX), _GDAX)


def _read() -> dict[str, pl.Expr]:
    """Stage 1: each source column read once into a ``_`` column."""
    size, size_err = ex.checked_number(pl.col("size"), "size")
    fee, fee_err = ex.checked_number(pl.col("fee"), "fee")
    total, total_err = ex.checked_number(pl.col("total"), "total")
    return {
        "_ts": ex.iso_utc(pl.col("created at")),
        "_size": ex.expand_exponent(ex.unsigned(size)),
        "_fee": ex.expand_exponent(ex.unsigned(fee)),
        "_total": ex.unsigned(total),
        "_errs": ex.join_errors(size_err, fee_err, total_err),
        "_product": ex.blank_to_null(pl.col("product")).str.to_uppercase(),
        "_side": ex.blank_to_null(pl.col("side")).str.to_uppercase(),
        "_trade_id": ex.blank_to_null(pl.col("trade id")),
    }


def _derive() -> dict[str, pl.Expr]:
    """Stage 2: base and quote, the gross quote amount (``|total|`` less or plus the fee), the errors."""
    product, side, fee = pl.col("_product"), pl.col("_side"), pl.col("_fee")
    parts = product.str.extract_groups(r"^([A-Z0-9]+)-([A-Z0-9]+)$")
    fee_dec, total = ex.as_decimal(pl.coalesce(fee, pl.lit("0"))), ex.as_decimal(pl.col("_total"))
    side_err = pl.when(side.is_null()).then(pl.lit("side is blank; expected BUY or SELL")).when(~side.is_in(["BUY", "SELL"]))
    product_err = (
        pl.when(product.is_null()).then(pl.lit("product is blank; expected BASE-QUOTE (BTC-USD)"))
        .when(parts.struct.field("1").is_null()).then(pl.format("product '{}' is not BASE-QUOTE (BTC-USD)", product))
    )  # fmt: skip
    errors = [
        ex.timestamp_error(pl.col("created at"), pl.col("_ts"), "created at", "an ISO 8601 UTC time (2021-03-15T14:02:11.418Z)"),
        side_err.then(pl.format("side '{}' is not BUY or SELL", pl.col("side").str.strip_chars())),
        product_err,
        pl.col("_errs"),
        pl.when(ex.blank_to_null(pl.col("total")).is_null()).then(pl.lit("total is blank")),
    ]
    return {
        "_base": pl.coalesce(ex.asset_code(pl.col("size unit")), parts.struct.field("1")),
        "_quote": pl.coalesce(ex.asset_code(pl.col("price/fee/total unit")), parts.struct.field("2")),
        "_gross": ex.plain_decimal(pl.when(side == "BUY").then(total - fee_dec).otherwise(total + fee_dec)),
        "_fee_paid": ex.nonzero(fee),
        "_error": ex.join_errors(*errors),
    }


def normalize(lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """Read a fills report into the unified schema (see the module docstring)."""
    buy, base, quote, size, gross = pl.col("_side") == "BUY", pl.col("_base"), pl.col("_quote"), pl.col("_size"), pl.col("_gross")
    product, trade_id, fee = pl.col("_product"), pl.col("_trade_id"), pl.col("_fee_paid")
    return (
        lf.with_columns(**_read())
        .with_columns(**_derive())
        .select(
            ex.unified(
                timestamp=pl.col("_ts"),
                wallet=pl.lit(WALLET),
                type=pl.lit("trade"),
                sent_asset=pl.when(buy).then(quote).otherwise(base),
                sent_qty=pl.when(buy).then(gross).otherwise(size),
                received_asset=pl.when(buy).then(base).otherwise(quote),
                received_qty=pl.when(buy).then(size).otherwise(gross),
                fee_asset=pl.when(fee.is_not_null()).then(quote),
                fee_qty=fee,
                id=pl.when(trade_id.is_not_null() & product.is_not_null()).then(pl.format("coinbase-pro:{}:{}", product, trade_id)),
                note=pl.format("{} {} at {}", pl.col("_side"), product, ex.blank_to_null(pl.col("price"))).fill_null(""),
                error=pl.col("_error"),
                event_class=pl.format("{}:{}", pl.lit(ADVANCED_TRADE), product),
            )
        )
    )
