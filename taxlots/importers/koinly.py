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

The helpers below (``column``, ``file_wallet``, ``quantity``, ``classify``, ...) are shared with the other
tax-tool templates (koinly_simple, cointracker, coinledger).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from taxlots.importers import _exprs as ex
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


@dataclass(frozen=True, slots=True)
class Labels:
    """What a format's label (tag, type) values mean, compared after :func:`label_key`."""

    what: str  # how the value is named in messages: "Koinly label"
    income: frozenset[str] = frozenset()  # received-only rows that are ordinary income
    spend: frozenset[str] = frozenset()  # sent-only rows that pay for goods or services
    trade: frozenset[str] = frozenset()  # rows with both sides that are plain trades
    skip: frozenset[str] = frozenset()  # rows the user excluded from calculations
    unsupported: frozenset[str] = frozenset()  # known values whose meaning taxlots does not model yet

    def known(self) -> str:
        return ", ".join(["(blank)", *sorted(self.income | self.spend | self.trade | self.skip)])


KOINLY_LABELS = Labels(
    what="Koinly label",
    income=frozenset(
        {
            "airdrop", "fork", "mining", "reward", "staking", "income", "other income", "lending interest",
            "loan interest", "cashback", "salary",
        }
    ),
    spend=frozenset({"cost"}),
    trade=frozenset({"swap"}),
    skip=frozenset({"ignored"}),
    unsupported=frozenset(
        {
            "gift", "lost", "donation", "fee refund", "loan", "margin loan", "realized gain", "loan fee", "margin fee",
            "loan repayment", "margin repayment", "interest payment", "liquidity in", "liquidity out",
        }
    ),
)  # fmt: skip


def column(ctx: Context, *names: str) -> pl.Expr:
    """The first of ``names`` the file has, else a null string (for optional columns)."""
    for name in names:
        if name in ctx.header:
            return pl.col(name)
    return pl.lit(None, pl.String)


def file_wallet(ctx: Context) -> pl.Expr:
    """The file's name stem as the wallet, for templates without a wallet column."""
    return pl.lit(Path(ctx.file).stem)


def label_key(raw: pl.Expr) -> pl.Expr:
    """``" Other_Income "`` -> ``"other income"``; blank -> null."""
    return ex.blank_to_null(raw).str.to_lowercase().str.replace_all(r"[_\s]+", " ")


def quantity(raw: pl.Expr, label: str) -> tuple[pl.Expr, pl.Expr]:
    """A strict, positive amount: ``(value, error)``; the column, not a sign, gives the direction."""
    value, error = ex.checked_number(raw, label)
    negative = pl.when(ex.is_negative(value)).then(
        pl.format(f"{label} '{{}}' is negative; amounts are positive here (the column gives the direction)", value)
    )
    return value, ex.join_errors(error, negative)


def present(value: pl.Expr, asset: pl.Expr) -> pl.Expr:
    """Whether a side is filled in: a non-zero amount or a currency (a lone ``0`` is an empty side)."""
    amount = ex.blank_to_null(value)
    return (amount.is_not_null() & ~ex.is_zero(amount.fill_null("0"))) | asset.is_not_null()


def fee_side(raw_qty: pl.Expr, raw_asset: pl.Expr, label: str) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """``(fee_asset, fee_qty, error)``; a zero fee is no fee."""
    qty, error = quantity(raw_qty, label)
    zero = ex.is_zero(qty.fill_null("x"))
    return pl.when(~zero).then(ex.asset_code(raw_asset)), pl.when(~zero).then(qty), error


def classify(sent: pl.Expr, received: pl.Expr, raw_label: pl.Expr, labels: Labels) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """The row's kind from which sides are filled in, refined by its label.

    Args:
        sent: whether the row has a sent side.
        received: whether it has a received side.
        raw_label: the label (tag) column as read.
        labels: what the format's labels mean.

    Returns:
        ``(type, error, skip)`` expressions.
    """
    key, shown = label_key(raw_label), raw_label.str.strip_chars()
    both, only_sent, only_received = sent & received, sent & ~received, received & ~sent
    sides = pl.when(both).then(pl.lit("trade")).when(only_sent).then(pl.lit("withdrawal")).when(only_received).then(pl.lit("deposit"))
    income, spend = key.is_in(labels.income), key.is_in(labels.spend)
    is_trade = key.is_in(labels.trade)
    fits = (income & only_received) | (spend & only_sent) | (is_trade & both)
    kind = (
        pl.when(key.is_null() | is_trade)
        .then(sides)
        .when(income & only_received)
        .then(pl.lit("income"))
        .when(spend & only_sent)
        .then(pl.lit("spend"))
    )
    what = labels.what
    error = (
        pl.when(~sent & ~received)
        .then(pl.lit("row has neither a sent nor a received amount"))
        .when(key.is_null() | key.is_in(labels.skip) | fits)
        .then(None)
        .when(key.is_in(labels.unsupported))
        .then(pl.format(f"{what} '{{}}' is not supported yet", shown))
        .when(income)
        .then(pl.format(f"{what} '{{}}' needs a row with only a received side", shown))
        .when(spend)
        .then(pl.format(f"{what} '{{}}' needs a row with only a sent side", shown))
        .when(is_trade)
        .then(pl.format(f"{what} '{{}}' needs a row with both a sent and a received side", shown))
        .otherwise(pl.format(f"unknown {what} '{{}}'; taxlots knows: {labels.known()}", shown))
    )
    skip = pl.when(key.is_in(labels.skip)).then(pl.format(f"{what} '{{}}' (excluded from calculations by the user)", shown))
    return kind, error, skip


def note(*parts: pl.Expr) -> pl.Expr:
    """The non-blank parts joined by ``"; "``, or ``""``."""
    return pl.concat_str([ex.blank_to_null(p) for p in parts], separator="; ", ignore_nulls=True).fill_null("")


def tx_note(raw_hash: pl.Expr) -> pl.Expr:
    return pl.lit("tx ") + ex.blank_to_null(raw_hash)


def usd_value(amount: pl.Expr, currency: pl.Expr, sent_asset: pl.Expr, received_asset: pl.Expr) -> pl.Expr:
    """The stated value when it is in USD and neither side is USD cash (then that side is the value)."""
    in_usd = label_key(currency) == "usd"
    no_cash = (sent_asset.fill_null("") != "USD") & (received_asset.fill_null("") != "USD")
    return pl.when(in_usd & no_cash).then(amount)


def koinly_time(raw: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """``YYYY-MM-DD HH:MM[:SS][ UTC]`` (UTC) or ISO with an offset: ``(timestamp, error)``."""
    minutes = ex.blank_to_null(raw).str.replace(r"(?i)\s*UTC$", "")
    ts = pl.coalesce(ex.iso_utc(raw), ex.local_time(minutes, ["%Y-%m-%d %H:%M"], "UTC"))
    ts = pl.when(ex.blank_to_null(raw).str.contains(r"^\d{4}-\d{1,2}-\d{1,2}")).then(ts)
    return ts, ex.timestamp_error(raw, ts, "Date", "a Koinly date (YYYY-MM-DD HH:MM:SS UTC)")


def currency(raw: pl.Expr, label: str) -> tuple[pl.Expr, pl.Expr]:
    """The ticker, and an error when it is a number: the mark of an unquoted ``1,650.2`` shifting the columns."""
    code = ex.asset_code(raw)
    error = pl.when(code.str.contains(r"^[0-9]*[.,]?[0-9]+$")).then(
        pl.format(f"{label} '{{}}' is a number, not a currency (an unquoted 1,650.2 shifts the columns)", raw.str.strip_chars())
    )
    return code, error


def koinly_currency(raw: pl.Expr, label: str) -> tuple[pl.Expr, pl.Expr]:
    """:func:`currency`, and an error for Koinly's internal ``ID:1234`` codes (no ticker to map them to)."""
    code, error = currency(raw, label)
    internal = pl.when(code.str.starts_with("ID:")).then(
        pl.format(f"{label} '{{}}' is a Koinly internal id; write the ticker", raw.str.strip_chars())
    )
    return code, ex.join_errors(error, internal)


def normalize(lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """Read Koinly's universal template into the unified schema."""
    ts, ts_err = koinly_time(pl.col("date"))
    sent_qty, sent_err = quantity(pl.col("sent amount"), "Sent Amount")
    received_qty, received_err = quantity(pl.col("received amount"), "Received Amount")
    sent_asset, sent_cur_err = koinly_currency(pl.col("sent currency"), "Sent Currency")
    received_asset, received_cur_err = koinly_currency(pl.col("received currency"), "Received Currency")
    fee_asset, fee_qty, fee_err = fee_side(pl.col("fee amount"), pl.col("fee currency"), "Fee Amount")
    _, fee_cur_err = koinly_currency(pl.col("fee currency"), "Fee Currency")
    worth, worth_err = ex.checked_number(column(ctx, "net worth amount"), "Net Worth Amount")
    has_sent = present(pl.col("sent amount"), sent_asset)
    has_received = present(pl.col("received amount"), received_asset)
    label = column(ctx, "label", "tag")
    kind, kind_err, skip = classify(has_sent, has_received, label, KOINLY_LABELS)
    errors = (ts_err, sent_err, received_err, fee_err, sent_cur_err, received_cur_err, fee_cur_err, worth_err, kind_err)
    return lf.select(
        ex.unified(
            timestamp=ts,
            wallet=file_wallet(ctx),
            type=kind,
            sent_asset=pl.when(has_sent).then(sent_asset),
            sent_qty=pl.when(has_sent).then(sent_qty),
            received_asset=pl.when(has_received).then(received_asset),
            received_qty=pl.when(has_received).then(received_qty),
            fee_asset=fee_asset,
            fee_qty=fee_qty,
            usd_value=usd_value(worth, column(ctx, "net worth currency"), sent_asset, received_asset),
            note=note(label, column(ctx, "description"), tx_note(column(ctx, "txhash"))),
            error=ex.join_errors(*errors),
            skip=skip,
        )
    )
