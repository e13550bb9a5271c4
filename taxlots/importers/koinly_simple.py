"""Koinly's simple import template: one signed amount of one currency per row.

``Koinly Date,Amount,Currency,Label,TxHash`` (+ optional ``Net Worth Amount,Net Worth Currency,
Description``; EXCHANGE_FORMATS.md §6.1). Koinly requires only Koinly Date, Amount and Currency, so only
those are in the signature; the label column may be headed ``Tag``. Mapping decisions:

- **The sign of Amount gives the direction**: negative = sent (withdrawal), positive = received (deposit);
  zero is an error. The label refines the kind exactly as in the universal template
  (:data:`taxlots.importers._templates.KOINLY_LABELS`: income labels on received rows, ``cost`` = spend on sent
  rows, ``ignored`` = skip, unsupported and unknown labels are errors).
- **Dates** are UTC, ``YYYY-MM-DD HH:MM[:SS]`` with optional ``UTC`` (Koinly's help writes
  ``YYYY-MM-DD 00:00 UTC``, without seconds).
- No fee columns. **usd_value** is Net Worth Amount when Net Worth Currency is USD and the currency is not
  USD cash. **wallet** is the file's name stem; **id** is null and TxHash goes to ``note``.
"""

from __future__ import annotations

import polars as pl

from taxlots.importers import _exprs as ex
from taxlots.importers._templates import KOINLY_LABELS, classify, koinly_currency, koinly_time, tx_note, usd_value
from taxlots.importers.base import Context

NAME = "koinly-simple"
TITLE = "Koinly simple CSV template"
SIGNATURES = (("koinly date", "amount", "currency"),)


def normalize(lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """Read Koinly's simple template into the unified schema."""
    ts, ts_err = koinly_time(pl.col("koinly date"))
    amount, amount_err = ex.checked_number(pl.col("amount"), "Amount")
    asset, asset_err = koinly_currency(pl.col("currency"), "Currency")
    zero_err = (
        pl.when(ex.blank_to_null(pl.col("amount")).is_null())
        .then(pl.lit("Amount is blank"))
        .when(ex.is_zero(amount))
        .then(pl.lit("Amount is zero"))
    )
    sent = ex.is_negative(amount).fill_null(False)
    received = (amount.is_not_null() & ~ex.is_negative(amount) & ~ex.is_zero(amount)).fill_null(False)
    label = ex.column(ctx, "label", "tag")
    kind, kind_err, skip = classify(sent, received, label, KOINLY_LABELS)
    kind_err = pl.when(amount.is_null() | ex.is_zero(amount)).then(None).otherwise(kind_err)
    qty = ex.unsigned(amount)
    worth, worth_err = ex.checked_number(ex.column(ctx, "net worth amount"), "Net Worth Amount")
    return lf.select(
        ex.unified(
            timestamp=ts,
            wallet=ex.file_wallet(ctx),
            type=kind,
            sent_asset=pl.when(sent).then(asset),
            sent_qty=pl.when(sent).then(qty),
            received_asset=pl.when(received).then(asset),
            received_qty=pl.when(received).then(qty),
            usd_value=usd_value(worth, ex.column(ctx, "net worth currency"), asset, asset),
            note=ex.note(label, ex.column(ctx, "description"), tx_note(ex.column(ctx, "txhash"))),
            error=ex.join_errors(ts_err, amount_err, asset_err, zero_err, kind_err, worth_err),
            skip=skip,
        )
    )
