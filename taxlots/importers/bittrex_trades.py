"""Bittrex order history (Bittrex closed in 2023; users keep its exports), three headers (BittyTax's parser):

- **v1** ``OrderUuid,Exchange,Type,Quantity,Limit,CommissionPaid,Price,Opened,Closed``;
- **v2** (``fullOrders.csv``) ``Uuid,Exchange,TimeStamp,OrderType,Limit,Quantity,QuantityRemaining,Commission,
  Price,PricePerUnit,IsConditional,Condition,ConditionTarget,ImmediateOrCancel,Closed[,TimeInForceTypeId,
  TimeInForce]``;
- **v4** ``Date,Market,Side,Type,Price,Quantity,Total`` (no fee, no id).

v1/v2: ``Exchange`` is ``BASE-COIN`` (``BTC-ETH``: the base is what is paid), ``Type``/``OrderType`` is
``LIMIT_BUY``, ``MARKET_SELL``, ...; the coins filled are ``Quantity`` (v2: minus ``QuantityRemaining``),
``Price`` is the order's total in the base, and the commission is in the base: paid on top of a buy, taken
from a sell's proceeds, so ``Price`` is gross either way. v4: ``Market`` ``COIN/BASE`` (or ``COIN-->BASE``),
``Quantity`` of the coin for ``Total`` of the base.

Times are UTC, ISO 8601 or US ``12/20/2017 5:35:11 PM``. A v1/v2 row is a whole order; its time is
``Closed`` (when it finished filling; BittyTax uses the opening time, which can be days before the fills),
else the opening time. An order that filled nothing is skipped. Wallet ``Bittrex``; ``id`` is
``bittrex:<uuid>`` (v4 rows have none and are named ``FILE:LINE``).
"""

from __future__ import annotations

import polars as pl

from taxlots.importers import _exprs as ex
from taxlots.importers.base import Context

NAME = "bittrex-trades"
TITLE = "Bittrex order history CSV"
SIGNATURES = (
    ("orderuuid", "exchange", "type", "quantity", "limit", "commissionpaid", "price", "opened", "closed"),
    (
        "uuid",
        "exchange",
        "timestamp",
        "ordertype",
        "limit",
        "quantity",
        "quantityremaining",
        "commission",
        "price",
        "priceperunit",
        "closed",
    ),
    ("date", "market", "side", "type", "price", "quantity", "total"),
)

WALLET = "Bittrex"
_FORMATS = ("%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %I:%M %p")


def _time(raw: pl.Expr) -> pl.Expr:
    """ISO 8601 or a US ``MM/DD/YYYY h:mm:ss AM`` time, UTC."""
    us = pl.when(ex.blank_to_null(raw).str.contains(r"^\d{1,2}/\d{1,2}/\d{4}\s")).then(ex.local_time(raw, _FORMATS, "UTC"))
    return pl.coalesce(us, ex.iso_utc(raw))


def _columns(ctx: Context) -> tuple[dict[str, pl.Expr], list[pl.Expr]]:
    """Per variant: side, coin, base, coin quantity, base total, commission, time, id; and parse errors."""
    h = ctx.header
    if "market" in h:  # v4
        pair = ex.blank_to_null(pl.col("market")).str.to_uppercase().str.extract_groups(r"^([A-Z0-9]+)(?:/|-->)([A-Z0-9]+)$")
        qty, qty_err = ex.checked_number(pl.col("quantity"), "Quantity")
        total, total_err = ex.checked_number(pl.col("total"), "Total")
        ts = _time(pl.col("date"))
        cols = dict(
            side=pl.col("side"), coin=pair.struct.field("1"), base=pair.struct.field("2"), qty=qty, total=total,
            kind=pl.col("side"), fee=pl.lit(None, pl.String), time=ts, raw_time=pl.col("date"), id=pl.lit(None, pl.String),
            market=pl.col("market"),
        )  # fmt: skip
        return cols, [qty_err, total_err, ex.timestamp_error(pl.col("date"), ts, "Date", "an ISO 8601 or MM/DD/YYYY date and time")]
    v2 = "uuid" in h
    pair = ex.blank_to_null(pl.col("exchange")).str.to_uppercase().str.extract_groups(r"^([A-Z0-9]+)-([A-Z0-9]+)$")
    qty, qty_err = ex.checked_number(pl.col("quantity"), "Quantity")
    left, left_err = ex.checked_number(ex.column(ctx, "quantityremaining"), "QuantityRemaining")
    total, total_err = ex.checked_number(pl.col("price"), "Price")
    fee, fee_err = ex.checked_number(pl.col("commission" if v2 else "commissionpaid"), "Commission")
    opened = pl.col("timestamp" if v2 else "opened")
    closed = ex.blank_to_null(pl.col("closed"))
    filled = ex.plain_decimal(ex.as_decimal(ex.unsigned(qty)) - ex.as_decimal(ex.unsigned(left).fill_null("0")))
    ts = pl.when(closed.is_not_null()).then(_time(closed)).otherwise(_time(opened))
    raw = pl.coalesce(closed, opened)
    cols = dict(
        side=pl.col("ordertype" if v2 else "type").str.replace(r"(?i)^(limit|market)_", ""),
        kind=pl.col("ordertype" if v2 else "type"),
        coin=pair.struct.field("2"), base=pair.struct.field("1"), qty=filled, total=total, fee=fee, time=ts, raw_time=raw,
        id=pl.lit("bittrex:") + ex.blank_to_null(pl.col("uuid" if v2 else "orderuuid")), market=pl.col("exchange"),
    )  # fmt: skip
    time_err = ex.timestamp_error(raw, ts, "Closed", "an ISO 8601 or MM/DD/YYYY date and time")
    return cols, [qty_err, left_err, total_err, fee_err, time_err]


def normalize(lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """Bittrex orders -> one trade per row."""
    cols, parse_errors = _columns(ctx)
    lf = lf.with_columns(**{f"_{k}": v for k, v in cols.items()}, _parse_err=ex.join_errors(*parse_errors))
    c = {k: pl.col(f"_{k}") for k in cols}
    side = c["side"].str.strip_chars().str.to_lowercase()
    buy, sell = (side == "buy").fill_null(False), (side == "sell").fill_null(False)
    qty, total, fee = ex.unsigned(c["qty"]), ex.unsigned(c["total"]), c["fee"]
    has_fee = fee.is_not_null() & ~ex.is_zero(fee)
    errors = ex.join_errors(
        pl.col("_parse_err"),
        pl.when(~buy & ~sell).then(pl.format("unknown order type '{}'; expected a BUY or SELL order", c["side"].fill_null(""))),
        pl.when(c["coin"].is_null()).then(pl.format("market '{}' is not a pair taxlots can read", c["market"].fill_null(""))),
        pl.when(ex.is_negative(c["qty"])).then(pl.lit("QuantityRemaining is larger than Quantity")),
        pl.when(c["total"].is_null()).then(pl.lit("the order's total (Price or Total) is blank")),
    )
    unfilled = ex.is_zero(c["qty"].fill_null("x")) & pl.col("_parse_err").is_null()
    skip = pl.when(unfilled).then(pl.lit("order filled nothing (cancelled)"))
    return lf.select(
        ex.unified(
            timestamp=c["time"],
            wallet=pl.lit(WALLET),
            type=pl.lit("trade"),
            sent_asset=pl.when(buy).then(c["base"]).when(sell).then(c["coin"]),
            sent_qty=pl.when(buy).then(total).when(sell).then(qty),
            received_asset=pl.when(buy).then(c["coin"]).when(sell).then(c["base"]),
            received_qty=pl.when(buy).then(qty).when(sell).then(total),
            fee_asset=pl.when(has_fee).then(c["base"]),
            fee_qty=pl.when(has_fee).then(ex.unsigned(fee)),
            id=c["id"],
            note=ex.note(c["market"], c["kind"]),
            error=pl.when(skip.is_null()).then(errors),
            skip=skip,
        )
    ).sort("line")
