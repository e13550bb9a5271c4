"""Koinly's universal import template (one row = one event with a sent side, a received side and a fee).

``Date,Sent Amount,Sent Currency,Received Amount,Received Currency,Fee Amount,Fee Currency,Net Worth Amount,
Net Worth Currency,Label,Description,TxHash`` (EXCHANGE_FORMATS.md §6.1). Users fill it by hand or with
converters (staketaxcsv, wallet explorers), so it comes with or without ` UTC`, with CRLF from Google Sheets,
and with columns dropped or added. Mapping decisions:

- **Kind from the sides, refined by the label.** Sent only = withdrawal, received only = deposit, both =
  trade. A received-only row labelled airdrop, fork, mining, reward, staking, income, other income, lending
  interest, loan interest, cashback or salary is ``income``; a sent-only row labelled ``cost`` is a
  ``spend``; ``swap`` is a plain trade. Labels compare case-insensitively with ``_`` read as a space.
  ``ignored`` (Koinly: "exclude from all calculations") is a skip. Labels whose meaning taxlots does not
  model (gift, donation, lost, loans, margin, realized gain, liquidity, fee refund, ...) are errors naming the
  label, never guessed: a gift is not a sale. A label on the wrong kind of row (``staking`` on a trade) and
  unknown labels are errors too. The column may be headed ``Tag``.
- **Amounts are positive and the fee is separate** (Koinly: the fee is not included in Sent Amount), which
  is exactly the unified meaning; a negative amount is an error, a zero fee is no fee. Numbers are strict:
  Koinly allows dot decimals only, so ``"1,650.2"`` is an error rather than a guess; an unquoted ``1,650.2``
  adds a field (ingest rejects rows with more fields than the header) and shifts a number into a currency
  column, which is an error here too. ``ID:1234`` currencies (Koinly's internal ids) are errors.
- **usd_value** is Net Worth Amount when Net Worth Currency is USD and neither side is USD cash.
- **Dates** are UTC: ``YYYY-MM-DD HH:MM[:SS]`` with optional ``UTC``; an explicit ISO offset is honoured.
- **wallet** is the file's name stem (``ledger_nano`` for ``ledger_nano.csv``): the template has no wallet
  column, and Koinly itself names the wallet at upload time.
- **id** stays null: a TxHash is not unique per row (one transaction can hold a swap and a separate fee or
  several token transfers), so it goes to ``note`` with the label and Description, and ingest dedupes by
  content.

The template semantics above (sides, labels, strict positive amounts, separate fee) are shared with the
other tax-tool templates (koinly_simple, cointracker, coinledger); their expressions live in
:mod:`taxlots.importers._templates`.
"""

from __future__ import annotations

import polars as pl

from taxlots.importers import _exprs as ex
from taxlots.importers._templates import (
    KOINLY_LABELS,
    classify,
    fee_side,
    koinly_currency,
    koinly_time,
    present,
    quantity,
    tx_note,
    usd_value,
)
from taxlots.importers.base import Context

NAME = "koinly"
TITLE = "Koinly universal CSV template"
_COLUMNS = ("date", "sent amount", "sent currency", "received amount", "received currency", "fee amount", "fee currency")
SIGNATURES = (_COLUMNS + ("label",), _COLUMNS + ("tag",))

#: Columns of Koinly's own tax-report export, which shares the sent/received columns but means other things.
_KOINLY_EXPORT = {"sending wallet", "receiving wallet"}


def claims(header: tuple[str, ...]) -> bool:
    """Not Koinly's own transaction export (it has wallet columns and a Type; another format)."""
    return not (_KOINLY_EXPORT & set(header))


def normalize(lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """Read Koinly's universal template into the unified schema."""
    ts, ts_err = koinly_time(pl.col("date"))
    sent_qty, sent_err = quantity(pl.col("sent amount"), "Sent Amount")
    received_qty, received_err = quantity(pl.col("received amount"), "Received Amount")
    sent_asset, sent_cur_err = koinly_currency(pl.col("sent currency"), "Sent Currency")
    received_asset, received_cur_err = koinly_currency(pl.col("received currency"), "Received Currency")
    fee_asset, fee_qty, fee_err = fee_side(pl.col("fee amount"), pl.col("fee currency"), "Fee Amount")
    _, fee_cur_err = koinly_currency(pl.col("fee currency"), "Fee Currency")
    worth, worth_err = ex.checked_number(ex.column(ctx, "net worth amount"), "Net Worth Amount")
    has_sent = present(pl.col("sent amount"), sent_asset)
    has_received = present(pl.col("received amount"), received_asset)
    label = ex.column(ctx, "label", "tag")
    kind, kind_err, skip = classify(has_sent, has_received, label, KOINLY_LABELS)
    errors = (ts_err, sent_err, received_err, fee_err, sent_cur_err, received_cur_err, fee_cur_err, worth_err, kind_err)
    return lf.select(
        ex.unified(
            timestamp=ts,
            wallet=ex.file_wallet(ctx),
            type=kind,
            sent_asset=pl.when(has_sent).then(sent_asset),
            sent_qty=pl.when(has_sent).then(sent_qty),
            received_asset=pl.when(has_received).then(received_asset),
            received_qty=pl.when(has_received).then(received_qty),
            fee_asset=fee_asset,
            fee_qty=fee_qty,
            usd_value=usd_value(worth, ex.column(ctx, "net worth currency"), sent_asset, received_asset),
            note=ex.note(label, ex.column(ctx, "description"), tx_note(ex.column(ctx, "txhash"))),
            error=ex.join_errors(*errors),
            skip=skip,
        )
    )
