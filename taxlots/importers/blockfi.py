"""BlockFi transaction history (Wallet -> Reports -> Transaction History; BlockFi closed in 2023).

Header ``Cryptocurrency,Amount,Transaction Type,Exchange Rate Per Coin (USD),Confirmed At``, or without the
rate column (BittyTax registers both). One row is one balance change, ``Amount`` signed; ``Confirmed At``
is UTC, blank while the transaction was unconfirmed (such rows are skipped, as BittyTax does by default).

Mapping (wallet ``BlockFi``):

- ``Deposit``, ``Wire Deposit``, ``ACH Deposit``, ``Crypto Transfer`` -> deposit; ``Withdrawal``, ``Wire
  Withdrawal``, ``ACH Withdrawal`` -> withdrawal (magnitudes).
- ``Withdrawal Fee`` -> a fee row (the coins the fee took: a disposal on a row of its own).
- ``Interest Payment``, ``Bonus Payment``, ``Referral Bonus`` -> income. Income and fee rows are valued at
  |Amount| x ``Exchange Rate Per Coin (USD)`` (exact; an error beyond 18 decimals).
- ``Trade`` legs are skipped: the trade report (:mod:`taxlots.importers.blockfi_trades`) has each trade
  whole. ``BIA Withdraw`` (out of the interest account, inside BlockFi) is skipped too.
- Any other type is an error naming it. The export has no ids: rows are named ``FILE:LINE``.
"""

from __future__ import annotations

import polars as pl

from taxlots.importers import _exprs as ex
from taxlots.importers._legs import PRODUCT_SCALE, exact_product
from taxlots.importers.base import Context

NAME = "blockfi"
TITLE = "BlockFi transaction history CSV"
SIGNATURES = (("cryptocurrency", "amount", "transaction type", "confirmed at"),)

WALLET = "BlockFi"
_KINDS = {
    **dict.fromkeys(["deposit", "wire deposit", "ach deposit", "crypto transfer"], "deposit"),
    **dict.fromkeys(["withdrawal", "wire withdrawal", "ach withdrawal"], "withdrawal"),
    "withdrawal fee": "fee",
    **dict.fromkeys(["interest payment", "bonus payment", "referral bonus"], "income"),
}
_SKIPS = {
    "trade": "trade leg (the BlockFi trade report lists each trade whole)",
    "bia withdraw": "move out of the BlockFi Interest Account",
}
_KNOWN = "Deposit, Wire Deposit, ACH Deposit, Crypto Transfer, Withdrawal, Wire Withdrawal, ACH Withdrawal, Withdrawal Fee, "
_KNOWN += "Interest Payment, Bonus Payment, Referral Bonus, Trade, BIA Withdraw"


def normalize(lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """BlockFi rows -> deposits, withdrawals, income and fee rows; trade legs and internal moves skipped."""
    amount, amount_err = ex.checked_number(pl.col("amount"), "Amount")
    rate, rate_err = ex.checked_number(ex.column(ctx, "exchange rate per coin (usd)"), "Exchange Rate Per Coin (USD)", money=True)
    ts = ex.local_time(pl.col("confirmed at"), ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"], "UTC")
    typ = ex.blank_to_null(pl.col("transaction type")).str.to_lowercase().str.replace_all(r"\s+", " ")
    lf = lf.with_columns(
        _ts=ts, _qty=ex.expand_exponent(ex.unsigned(amount)), _amount=amount, _rate=ex.expand_exponent(ex.unsigned(rate)), _typ=typ
    )
    qty, rate, typ = pl.col("_qty"), pl.col("_rate"), pl.col("_typ")
    kind = typ.replace_strict(_KINDS, default=None, return_dtype=pl.String)
    reason = typ.replace_strict(_SKIPS, default=None, return_dtype=pl.String)
    valued = kind.is_in(["income", "fee"]) & rate.is_not_null() & qty.is_not_null()
    product, too_fine = exact_product(qty, rate)
    value = pl.when(valued).then(product)
    negative = ex.is_negative(pl.col("_amount")).fill_null(False)
    asset = ex.asset_code(pl.col("cryptocurrency"))
    shown = pl.col("transaction type").str.strip_chars()
    errors = ex.join_errors(
        ex.timestamp_error(pl.col("confirmed at"), pl.col("_ts"), "Confirmed At", "a date and time like 2021-03-01 00:04:55"),
        amount_err,
        rate_err,
        pl.when(ex.blank_to_null(pl.col("amount")).is_null()).then(pl.lit("Amount is blank")),
        pl.when(asset.is_null()).then(pl.lit("Cryptocurrency is blank")),
        pl.when(kind.is_null() & reason.is_null()).then(
            pl.format(f"unknown Transaction Type '{{}}'; taxlots knows: {_KNOWN}", shown.fill_null(""))
        ),
        pl.when(kind.is_in(["deposit", "income"]) & negative).then(
            pl.format("a '{}' row should add coins, but Amount is {}", shown, pl.col("_amount"))
        ),
        pl.when(kind.is_in(["withdrawal", "fee"]) & ~negative & ~ex.is_zero(qty)).then(
            pl.format("a '{}' row should take coins, but Amount is {}", shown, pl.col("_amount"))
        ),
        pl.when(valued & too_fine).then(
            pl.format(f"|Amount| x rate ({{}} x {{}}) cannot be computed exactly in {PRODUCT_SCALE} decimals", qty, rate)
        ),
    )
    unconfirmed = ex.blank_to_null(pl.col("confirmed at")).is_null()
    skip = pl.when(unconfirmed).then(pl.lit("unconfirmed transaction (Confirmed At is blank)")).otherwise(reason)
    outbound, inbound = kind.is_in(["withdrawal", "fee"]), kind.is_in(["deposit", "income"])
    return lf.select(
        ex.unified(
            timestamp=pl.col("_ts"),
            wallet=pl.lit(WALLET),
            type=kind,
            sent_asset=pl.when(outbound).then(asset),
            sent_qty=pl.when(outbound).then(qty),
            received_asset=pl.when(inbound).then(asset),
            received_qty=pl.when(inbound).then(qty),
            usd_value=value,
            note=ex.note(pl.col("transaction type")),
            error=pl.when(skip.is_null()).then(errors),
            skip=skip,
        )
    ).sort("line")
