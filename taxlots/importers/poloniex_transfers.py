"""Poloniex deposit and withdrawal history (legacy ``depositHistory.csv`` and ``withdrawalHistory.csv``).

Headers (BittyTax's Poloniex parser):

- deposits ``Date,Currency,Amount,Address,Status``; legacy files list withdrawals here too, with a
  ``Status`` of ``COMPLETE: <transaction id>``;
- withdrawals ``Date,Currency,Amount,Fee Deducted,Amount - Fee,Address,Status``: ``Amount`` includes the fee,
  so the coins that arrive are ``Amount - Fee`` and the fee is ``Fee Deducted``, in the same currency.

Mapping (wallet ``Poloniex``; ``Date`` UTC): deposits and withdrawals of the magnitude, ``Address`` into
``address``, and the transaction id after ``COMPLETE:`` into ``tx_hash``. Rows whose ``Status`` is not
complete (``PENDING``, ``AWAITING APPROVAL``, ...) are skipped with their status. No ids: rows are
named ``FILE:LINE``.
"""

from __future__ import annotations

import polars as pl

from taxlots.importers import _exprs as ex
from taxlots.importers.base import Context

NAME = "poloniex-transfers"
TITLE = "Poloniex deposit or withdrawal history CSV"
SIGNATURES = (
    ("date", "currency", "amount", "address", "status"),
    ("date", "currency", "amount", "fee deducted", "amount - fee", "address", "status"),
)

WALLET = "Poloniex"


def claims(header: tuple[str, ...]) -> bool:
    """Not Poloniex trade history, which has no ``status``/``address`` (a guard for headers with extras)."""
    return "market" not in header


def normalize(lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """Poloniex deposit/withdrawal rows -> deposits and withdrawals."""
    withdrawals = "fee deducted" in ctx.header
    amount, amount_err = ex.checked_number(pl.col("amount"), "Amount")
    fee, fee_err = ex.checked_number(ex.column(ctx, "fee deducted"), "Fee Deducted")
    ts = ex.local_time(pl.col("date"), ["%Y-%m-%d %H:%M:%S"], "UTC")
    status = ex.blank_to_null(pl.col("status"))
    parts = status.str.extract_groups(r"(?i)^\s*(COMPLETE)\s*(?::\s*(\S+))?\s*$")
    complete, txid = parts.struct.field("1").is_not_null(), parts.struct.field("2")
    lf = lf.with_columns(_ts=ts, _amount=ex.unsigned(amount), _fee=fee, _complete=complete, _txid=txid)
    # A withdrawal file, or a legacy deposit-file row whose status carries the withdrawal's transaction id.
    out = pl.lit(True) if withdrawals else pl.col("_txid").is_not_null()
    net = ex.plain_decimal(ex.as_decimal(pl.col("_amount")) - ex.as_decimal(pl.col("_fee").fill_null("0")))
    sent_qty = net if withdrawals else pl.col("_amount")
    fee = pl.col("_fee")
    has_fee = fee.is_not_null() & ~ex.is_zero(fee)
    asset = ex.asset_code(pl.col("currency"))
    errors = ex.join_errors(
        ex.timestamp_error(pl.col("date"), pl.col("_ts"), "Date", "a date and time like 2017-12-24 22:20:36"),
        amount_err,
        fee_err,
        pl.when(ex.blank_to_null(pl.col("amount")).is_null()).then(pl.lit("Amount is blank")),
        pl.when(asset.is_null()).then(pl.lit("Currency is blank")),
        pl.when(ex.is_negative(net) & withdrawals).then(pl.lit("Fee Deducted is larger than Amount")),
    )
    skip = pl.when(~pl.col("_complete")).then(pl.format("status '{}' (only COMPLETE rows happened)", status.fill_null("")))
    return lf.select(
        ex.unified(
            timestamp=pl.col("_ts"),
            wallet=pl.lit(WALLET),
            type=pl.when(out).then(pl.lit("withdrawal")).otherwise(pl.lit("deposit")),
            sent_asset=pl.when(out).then(asset),
            sent_qty=pl.when(out).then(sent_qty),
            received_asset=pl.when(~out).then(asset),
            received_qty=pl.when(~out).then(pl.col("_amount")),
            fee_asset=pl.when(has_fee).then(asset),
            fee_qty=pl.when(has_fee).then(fee),
            note=pl.when(out).then(pl.lit("Withdrawal")).otherwise(pl.lit("Deposit")),
            error=pl.when(skip.is_null()).then(errors),
            skip=skip,
            tx_hash=pl.col("_txid"),
            address=ex.blank_to_null(pl.col("address")),
        )
    ).sort("line")
