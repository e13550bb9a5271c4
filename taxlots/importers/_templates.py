"""What the tax tools' import templates share (Koinly universal and simple, CoinTracker, CoinLedger).

These templates are filled by hand or by converters, not written by an exchange, and they agree on a
meaning that exchange exports do not have: a row has a sent side, a received side and a fee, amounts are
positive (the column, not a sign, gives the direction), the fee is separate from the sent amount, a zero
fee is no fee, and a label (tag, type) refines the kind that the filled-in sides give. The rules each
format adds are documented in its importer's docstring (:mod:`taxlots.importers.koinly` gives the
general ones); the expressions for them live here so that no importer imports another.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from taxlots.importers import _exprs as ex


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


#: Koinly's labels, for its universal and its simple template.
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


def tx_note(raw_hash: pl.Expr) -> pl.Expr:
    """``tx <hash>`` for the note (null when blank): a chain hash is not unique per row, so it is no id."""
    return pl.lit("tx ") + ex.blank_to_null(raw_hash)


def usd_value(amount: pl.Expr, currency: pl.Expr, sent_asset: pl.Expr, received_asset: pl.Expr) -> pl.Expr:
    """The stated value when it is in USD and neither side is USD cash (then that side is the value)."""
    in_usd = label_key(currency) == "usd"
    no_cash = (sent_asset.fill_null("") != "USD") & (received_asset.fill_null("") != "USD")
    return pl.when(in_usd & no_cash).then(amount)


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


def koinly_time(raw: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """``YYYY-MM-DD HH:MM[:SS][ UTC]`` (UTC) or ISO with an offset: ``(timestamp, error)``."""
    minutes = ex.blank_to_null(raw).str.replace(r"(?i)\s*UTC$", "")
    ts = pl.coalesce(ex.iso_utc(raw), ex.local_time(minutes, ["%Y-%m-%d %H:%M"], "UTC"))
    ts = pl.when(ex.blank_to_null(raw).str.contains(r"^\d{4}-\d{1,2}-\d{1,2}")).then(ts)
    return ts, ex.timestamp_error(raw, ts, "Date", "a Koinly date (YYYY-MM-DD HH:MM:SS UTC)")


_US_DATE = r"^\d{1,2}/\d{1,2}/\d{4}(\s|$)"
_US_FORMATS = ("%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y")


def us_time(raw: pl.Expr, label: str, expected: str) -> tuple[pl.Expr, pl.Expr]:
    """``MM/DD/YYYY[ HH:MM[:SS]]`` in UTC, month first (never day-first): ``(timestamp, error)``.

    A two-digit year is an error (``%Y`` would read ``24`` as year 24). Used by CoinTracker and CoinLedger.
    """
    s = ex.blank_to_null(raw).str.replace(r"(?i)\s*UTC$", "")
    ts = pl.when(s.str.contains(_US_DATE)).then(ex.local_time(s, _US_FORMATS, "UTC"))
    return ts, ex.timestamp_error(raw, ts, label, expected)
