"""Crypto.com Exchange spot trade history (Exchange -> Orders -> Trade History -> Export, ``SPOT_TRADE.csv``).

Header ``account_type,order_id,trade_id,create_time_utc,symbol,side,liquditiy_indicator,traded_price,
traded_quantity,fee,fee_currency`` (the misspelt ``liquditiy_indicator`` is Crypto.com's; BittyTax's
Crypto.com Exchange parser and fiscafacile's documentation both list this header). The export gives no
quote amount: it is ``traded_price`` x ``traded_quantity``, computed exactly (an error when the two carry
more than 18 decimals between them, so the product would need rounding).

Mapping (wallet ``Crypto.com Exchange``, apart from the App's wallet): ``account_type`` ``SPOT`` only (margin
and derivatives rows are errors); ``symbol`` ``BASE_QUOTE``; ``BUY`` sends the quote and receives
``traded_quantity`` of the base, ``SELL`` the reverse; the fee is ``|fee|`` in ``fee_currency`` (Crypto.com's
API writes trade fees negative, "the negative sign means a deduction on balance"; the CSV's sign is not
confirmed, so the magnitude is used). ``create_time_utc`` is UTC (ISO 8601, optional fraction).
``id`` is ``cryptocom:<trade_id>``.
"""

from __future__ import annotations

import polars as pl

from taxlots.importers import _exprs as ex
from taxlots.importers._legs import PRODUCT_SCALE, exact_product
from taxlots.importers.base import Context

NAME = "cryptocom-exchange"
TITLE = "Crypto.com Exchange spot trade history CSV"
SIGNATURES = (
    ("account_type", "order_id", "trade_id", "create_time_utc", "symbol", "side", "traded_price", "traded_quantity", "fee", "fee_currency"),
)

WALLET = "Crypto.com Exchange"


def normalize(lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """Crypto.com Exchange fills -> one trade per row."""
    qty, qty_err = ex.checked_number(pl.col("traded_quantity"), "traded_quantity")
    price, price_err = ex.checked_number(pl.col("traded_price"), "traded_price")
    fee, fee_err = ex.checked_number(pl.col("fee"), "fee")
    ts = ex.iso_utc(pl.col("create_time_utc"))
    pair = ex.blank_to_null(pl.col("symbol")).str.to_uppercase().str.extract_groups(r"^([A-Z0-9]+)_([A-Z0-9]+)$")
    lf = lf.with_columns(
        _qty=ex.expand_exponent(ex.unsigned(qty)),
        _price=ex.expand_exponent(ex.unsigned(price)),
        _fee=fee,
        _ts=ts,
        _base=pair.struct.field("1"),
        _quote=pair.struct.field("2"),
        _side=ex.blank_to_null(pl.col("side")).str.to_lowercase(),
        _account=ex.blank_to_null(pl.col("account_type")).str.to_uppercase(),
        _parse_err=ex.join_errors(qty_err, price_err, fee_err),
    )
    q, p, fee = pl.col("_qty"), pl.col("_price"), pl.col("_fee")
    product, too_fine = exact_product(q, p)
    lf = lf.with_columns(_value=product)
    base, quote, side, value = pl.col("_base"), pl.col("_quote"), pl.col("_side"), pl.col("_value")
    buy, sell = (side == "buy").fill_null(False), (side == "sell").fill_null(False)
    has_fee = fee.is_not_null() & ~ex.is_zero(fee)
    errors = ex.join_errors(
        ex.timestamp_error(pl.col("create_time_utc"), pl.col("_ts"), "create_time_utc", "an ISO 8601 UTC time (2024-01-15 10:23:45.123)"),
        pl.col("_parse_err"),
        pl.when(pl.col("_account") != "SPOT").then(
            pl.format("account_type '{}' is not supported; taxlots reads SPOT trades", pl.col("account_type").str.strip_chars())
        ),
        pl.when(~buy & ~sell).then(pl.format("unknown side '{}'; expected BUY or SELL", pl.col("side").str.strip_chars().fill_null(""))),
        pl.when(base.is_null()).then(pl.format("symbol '{}' is not BASE_QUOTE (BTC_USDT)", pl.col("symbol").fill_null(""))),
        pl.when(q.is_null() | p.is_null()).then(pl.lit("traded_quantity and traded_price are required")),
        pl.when(too_fine & q.is_not_null() & p.is_not_null()).then(
            pl.format(f"traded_price x traded_quantity ({{}} x {{}}) cannot be computed exactly in {PRODUCT_SCALE} decimals", p, q)
        ),
        pl.when(has_fee & ex.blank_to_null(pl.col("fee_currency")).is_null()).then(pl.lit("fee is given but fee_currency is blank")),
    )
    return lf.select(
        ex.unified(
            timestamp=pl.col("_ts"),
            wallet=pl.lit(WALLET),
            type=pl.lit("trade"),
            sent_asset=pl.when(buy).then(quote).when(sell).then(base),
            sent_qty=pl.when(buy).then(value).when(sell).then(q),
            received_asset=pl.when(buy).then(base).when(sell).then(quote),
            received_qty=pl.when(buy).then(q).when(sell).then(value),
            fee_asset=pl.when(has_fee).then(ex.asset_code(pl.col("fee_currency"))),
            fee_qty=pl.when(has_fee).then(ex.unsigned(fee)),
            id=pl.lit("cryptocom:") + ex.blank_to_null(pl.col("trade_id")),
            note=ex.note(pl.col("symbol"), ex.column(ctx, "liquditiy_indicator", "liquidity_indicator")),
            error=errors,
        )
    ).sort("line")
