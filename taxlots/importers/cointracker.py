"""CoinTracker's CSV import template.

``Date,Received Quantity,Received Currency,Sent Quantity,Sent Currency,Fee Amount,Fee Currency,Tag``
(EXCHANGE_FORMATS.md §6.2). CoinTracker requires all eight columns, in any order; staketaxcsv appends a
``Transaction ID`` column, which is tolerated and kept in ``note``. CoinTracker's own *export* (``Type``,
``Received Wallet``, ..., no ``Tag``) is another format and is not claimed. Mapping decisions:

- **Dates** are ``MM/DD/YYYY HH:MM:SS`` in UTC, time optional (``HH:MM`` accepted: spreadsheets drop the
  seconds). Month first, always: ``04/02/2024`` is 2 April, and ``14/04/2024`` is an error, never read
  day-first. A two-digit year is an error (``%Y`` would read ``24`` as year 24).
- **Kind from the sides, refined by the tag** (as Koinly, see :mod:`taxlots.importers.koinly`): sent only =
  withdrawal, received only = deposit, both = trade. Received-only rows tagged staking/staked, airdrop, fork,
  forked, mined, mining, interest, income, other income, reward or payment (paid for goods or services:
  income) are ``income``; a sent-only ``payment`` is a ``spend``. Note that CoinTracker itself treats an
  untagged send as a disposal unless it pairs it with a receive in another wallet; taxlots keeps it a
  withdrawal and leaves the pairing to transfer matching. Tags taxlots does not model (gift, donation,
  lost, stolen, stake, unstake, margin ...) and unknown tags are errors naming the tag.
- **Quantities** are positive and strict; the fee is in the currency it was paid and is separate from the
  sent quantity (the unified meaning). A zero fee is no fee.
- **usd_value** stays blank: the template states no value.
- **wallet** is the file's name stem (the template has no wallet column); **id** is null (the optional
  Transaction ID of staketaxcsv is a chain hash shared by several rows) and goes to ``note``.
"""

from __future__ import annotations

import polars as pl

from taxlots.importers import _exprs as ex
from taxlots.importers._templates import Labels, classify, currency, fee_side, present, quantity, tx_note, us_time
from taxlots.importers.base import Context

NAME = "cointracker"
TITLE = "CoinTracker CSV template"
SIGNATURES = (("date", "received quantity", "received currency", "sent quantity", "sent currency", "fee amount", "fee currency", "tag"),)

COINTRACKER_TAGS = Labels(
    what="CoinTracker tag",
    income=frozenset(
        {"staking", "staked", "airdrop", "fork", "forked", "mined", "mining", "interest", "income", "other income", "reward", "payment"}
    ),
    spend=frozenset({"payment"}),
    unsupported=frozenset(
        {"gift", "donation", "lost", "stolen", "stake", "unstake", "margin", "margin fee", "margin gain", "margin loss", "margin rebate"}
    ),
)


def normalize(lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """Read CoinTracker's CSV template into the unified schema."""
    ts, ts_err = us_time(pl.col("date"), "Date", "a CoinTracker date (MM/DD/YYYY HH:MM:SS, UTC)")
    sent_qty, sent_err = quantity(pl.col("sent quantity"), "Sent Quantity")
    received_qty, received_err = quantity(pl.col("received quantity"), "Received Quantity")
    sent_asset, sent_cur_err = currency(pl.col("sent currency"), "Sent Currency")
    received_asset, received_cur_err = currency(pl.col("received currency"), "Received Currency")
    fee_cur_err = currency(pl.col("fee currency"), "Fee Currency")[1]
    fee_asset, fee_qty, fee_err = fee_side(pl.col("fee amount"), pl.col("fee currency"), "Fee Amount")
    has_sent = present(pl.col("sent quantity"), sent_asset)
    has_received = present(pl.col("received quantity"), received_asset)
    kind, kind_err, skip = classify(has_sent, has_received, pl.col("tag"), COINTRACKER_TAGS)
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
            note=ex.note(pl.col("tag"), tx_note(ex.column(ctx, "transaction id"))),
            error=ex.join_errors(ts_err, sent_err, received_err, fee_err, sent_cur_err, received_cur_err, fee_cur_err, kind_err),
            skip=skip,
        )
    )
