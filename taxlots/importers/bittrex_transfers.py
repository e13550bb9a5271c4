"""Bittrex deposit and withdrawal history, the headers BittyTax's parser registers:

- combined ``Date,Currency,Type,Address,Memo/Tag,TxId,Amount`` (``Type`` ``DEPOSIT``/``WITHDRAWAL``; a
  withdrawal's ``Amount`` may be negative: its magnitude is used);
- deposits ``Id,Currency,Amount,Confirmations,LastUpdatedDate,TxId,CryptoAddress[,Source,PropertyBagError,
  BankInfo,DepositUuid,State]``: rows whose ``State`` is not ``CONFIRMED`` are skipped;
- withdrawals ``PaymentUuid,Currency,Amount,Address,OpenedDate,Authorized,Pending,TxId,TxFee,...,Canceled``
  (or ``Opened``/``TxCost``): ``Amount`` is what was sent and ``TxFee`` the network fee on top, in the same
  currency (as BittyTax reads it); rows not authorized or cancelled are skipped.

Times are UTC (ISO 8601 or US ``12/20/2017 5:35:11 PM``). ``TxId`` fills ``tx_hash`` and the address column
``address``. Wallet ``Bittrex``; ``id`` is ``bittrex:<Id or PaymentUuid>`` where the export has one.
"""

from __future__ import annotations

import polars as pl

from taxlots.importers import _exprs as ex
from taxlots.importers.base import Context

NAME = "bittrex-transfers"
TITLE = "Bittrex deposit or withdrawal history CSV"
SIGNATURES = (
    ("date", "currency", "type", "address", "memo/tag", "txid", "amount"),
    ("id", "currency", "amount", "confirmations", "lastupdateddate", "txid", "cryptoaddress"),
    ("paymentuuid", "currency", "amount", "address", "openeddate", "authorized", "txid", "txfee", "canceled"),
    ("paymentuuid", "currency", "amount", "address", "opened", "authorized", "txcost", "txid", "canceled"),
)

WALLET = "Bittrex"
_FORMATS = ("%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %I:%M %p")


def _time(raw: pl.Expr) -> pl.Expr:
    us = pl.when(ex.blank_to_null(raw).str.contains(r"^\d{1,2}/\d{1,2}/\d{4}\s")).then(ex.local_time(raw, _FORMATS, "UTC"))
    return pl.coalesce(us, ex.iso_utc(raw))


def _variant(ctx: Context) -> tuple[pl.Expr, str, pl.Expr, pl.Expr, pl.Expr, pl.Expr]:
    """``(is_withdrawal, time column, address, fee, skip, id)`` for the file's header."""
    h = ctx.header
    none = pl.lit(None, pl.String)
    if "memo/tag" in h:
        typ = ex.blank_to_null(pl.col("type")).str.to_uppercase()
        return typ == "WITHDRAWAL", "date", pl.col("address"), none, none, none
    if "paymentuuid" in h:
        authorized = ex.blank_to_null(pl.col("authorized")).str.to_lowercase() == "true"
        canceled = ex.blank_to_null(pl.col("canceled")).str.to_lowercase() == "true"
        skip = pl.when(~authorized.fill_null(False) | canceled.fill_null(False)).then(pl.lit("withdrawal not authorized or cancelled"))
        fee = pl.col("txfee" if "txfee" in h else "txcost")
        time_col = "openeddate" if "openeddate" in h else "opened"
        return pl.lit(True), time_col, pl.col("address"), fee, skip, pl.lit("bittrex:") + ex.blank_to_null(pl.col("paymentuuid"))
    state = ex.blank_to_null(ex.column(ctx, "state"))
    skip = pl.when(state.is_not_null() & (state.str.to_uppercase() != "CONFIRMED")).then(pl.format("deposit state '{}'", state))
    return (
        pl.lit(False),
        "lastupdateddate",
        pl.col("cryptoaddress"),
        none,
        skip,
        pl.lit("bittrex:deposit:") + ex.blank_to_null(pl.col("id")),
    )


def normalize(lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """Bittrex transfer rows -> deposits and withdrawals."""
    out, time_col, address, raw_fee, skip, row_id = _variant(ctx)
    amount, amount_err = ex.checked_number(pl.col("amount"), "Amount")
    fee, fee_err = ex.checked_number(raw_fee, "TxFee")
    ts = _time(pl.col(time_col))
    lf = lf.with_columns(_out=out, _ts=ts, _amount=amount, _fee=fee, _skip=skip)
    out, amount, fee = pl.col("_out").fill_null(False), pl.col("_amount"), pl.col("_fee")
    asset = ex.asset_code(pl.col("currency"))
    qty = ex.unsigned(amount)
    has_fee = fee.is_not_null() & ~ex.is_zero(fee)
    typ = ex.blank_to_null(ex.column(ctx, "type")).str.to_uppercase()
    known = typ.is_in(["DEPOSIT", "WITHDRAWAL"]) if "type" in ctx.header else pl.lit(True)
    errors = ex.join_errors(
        ex.timestamp_error(pl.col(time_col), pl.col("_ts"), ctx.raw_header[ctx.header.index(time_col)], "an ISO 8601 or MM/DD/YYYY time"),
        amount_err,
        fee_err,
        pl.when(ex.blank_to_null(pl.col("amount")).is_null()).then(pl.lit("Amount is blank")),
        pl.when(asset.is_null()).then(pl.lit("Currency is blank")),
        pl.when(~known.fill_null(False)).then(pl.format("unknown Type '{}'; expected DEPOSIT or WITHDRAWAL", ex.column(ctx, "type"))),
        pl.when(~out & ex.is_negative(amount)).then(pl.format("a deposit of {}", amount)),
    )
    return lf.select(
        ex.unified(
            timestamp=pl.col("_ts"),
            wallet=pl.lit(WALLET),
            type=pl.when(out).then(pl.lit("withdrawal")).otherwise(pl.lit("deposit")),
            sent_asset=pl.when(out).then(asset),
            sent_qty=pl.when(out).then(qty),
            received_asset=pl.when(~out).then(asset),
            received_qty=pl.when(~out).then(qty),
            fee_asset=pl.when(has_fee).then(asset),
            fee_qty=pl.when(has_fee).then(ex.unsigned(fee)),
            id=row_id,
            note=pl.when(out).then(pl.lit("Withdrawal")).otherwise(pl.lit("Deposit")),
            error=pl.when(pl.col("_skip").is_null()).then(errors),
            skip=pl.col("_skip"),
            tx_hash=ex.blank_to_null(pl.col("txid")),
            address=ex.blank_to_null(address),
        )
    ).sort("line")
