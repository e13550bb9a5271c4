"""OKX funding account history (Assets -> Funding account -> Bills -> Download).

Header ``id,Time,Type,Amount,Before Balance,After Balance,Fee,Symbol``; some files have a blank column
after ``id``. Confirmed from BittyTax's OKX parser (``parse_okx_funding``), which also gives the type
names below; OKX documents no CSV layout. One row is one balance change of one asset.

Mapping (wallet ``OKX``, the trading account's wallet too: the two are one exchange):

- ``Deposit`` -> deposit; ``Withdrawal`` -> withdrawal of the magnitude of ``Amount`` (negative in the
  file), with ``Fee`` (in ``Symbol``, written positive) as the network fee on top, as BittyTax reads it.
- ``Staking Yield`` and ``Fee rebate`` -> income (no USD value in the file).
- ``Stake``, ``Redeem staking``, ``Savings subscription``, ``Savings redemption``, ``From unified trading
  account``, ``To unified trading account``: moves inside OKX, skipped with their type.
- A deposit or income row with a negative ``Amount`` is an error (it would take coins away); any other
  type is an error naming it and the types taxlots knows.

``Time`` is ISO 8601; without an offset it is UTC. ``id`` is ``okx:funding:<id>``.
"""

from __future__ import annotations

import polars as pl

from taxlots.importers import _exprs as ex
from taxlots.importers.base import Context

NAME = "okx-funding"
TITLE = "OKX funding account history CSV"
SIGNATURES = (("time", "type", "amount", "before balance", "after balance", "fee", "symbol"),)

WALLET = "OKX"
_KINDS = {
    "deposit": "deposit",
    "withdrawal": "withdrawal",
    "staking yield": "income",
    "fee rebate": "income",
}
_INTERNAL = (
    "stake",
    "redeem staking",
    "savings subscription",
    "savings redemption",
    "from unified trading account",
    "to unified trading account",
)
_KNOWN = (
    "Deposit, Withdrawal, Staking Yield, Fee rebate, Stake, Redeem staking, Savings subscription, Savings redemption, "
    "From unified trading account, To unified trading account"
)


def normalize(lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """OKX funding rows -> deposits, withdrawals, income; internal moves skipped."""
    amount, amount_err = ex.checked_number(pl.col("amount"), "Amount")
    fee, fee_err = ex.checked_number(pl.col("fee"), "Fee")
    ts = ex.iso_utc(pl.col("time"))
    typ = ex.blank_to_null(pl.col("type")).str.to_lowercase().str.replace_all(r"\s+", " ")
    row_id = ex.blank_to_null(pl.col(ctx.header[0])) if ctx.header[0] == "id" else pl.lit(None, pl.String)
    lf = lf.with_columns(_ts=ts, _typ=typ, _amount=amount, _fee=fee, _asset=ex.asset_code(pl.col("symbol")), _id=row_id)
    typ, amount, fee, asset = pl.col("_typ"), pl.col("_amount"), pl.col("_fee"), pl.col("_asset")
    kind = typ.replace_strict(_KINDS, default=None, return_dtype=pl.String)
    internal = typ.is_in(_INTERNAL).fill_null(False)
    shown = pl.col("type").str.strip_chars()
    errors = ex.join_errors(
        ex.timestamp_error(pl.col("time"), pl.col("_ts"), "Time", "a date and time like 2024-01-15 10:23:45"),
        amount_err,
        fee_err,
        pl.when(amount.is_null() & amount_err.is_null()).then(pl.lit("Amount is blank")),
        pl.when(asset.is_null()).then(pl.lit("Symbol is blank")),
        pl.when(typ.is_null())
        .then(pl.lit(f"Type is blank; expected one of {_KNOWN}"))
        .when(kind.is_null() & ~internal)
        .then(pl.format(f"unknown Type '{{}}'; taxlots knows: {_KNOWN}", shown)),
        pl.when(kind.is_in(["deposit", "income"]) & ex.is_negative(amount)).then(
            pl.format("a '{}' row should add to the balance, but Amount is {}", shown, amount)
        ),
    )
    has_fee = fee.is_not_null() & ~ex.is_zero(fee)
    inbound = kind.is_in(["deposit", "income"])
    skip = pl.when(internal).then(pl.format("move inside OKX ({})", shown))
    return lf.select(
        ex.unified(
            timestamp=pl.col("_ts"),
            wallet=pl.lit(WALLET),
            type=kind,
            sent_asset=pl.when(kind == "withdrawal").then(asset),
            sent_qty=pl.when(kind == "withdrawal").then(ex.unsigned(amount)),
            received_asset=pl.when(inbound).then(asset),
            received_qty=pl.when(inbound).then(ex.unsigned(amount)),
            fee_asset=pl.when(has_fee).then(asset),
            fee_qty=pl.when(has_fee).then(ex.unsigned(fee)),
            id=pl.lit("okx:funding:") + pl.col("_id"),
            note=ex.note(pl.col("type")),
            error=pl.when(skip.is_null()).then(errors),
            skip=skip,
        )
    ).sort("line")
