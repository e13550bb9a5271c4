"""Formatting integer cents and tax dates, in polars (for whole columns) and in Python (for form fields).

Every amount in the reports is an integer number of cents. Whole-dollar rounding drops 1-49 cents and raises
50-99 cents on the magnitude (so -2.50 becomes -3), the forms' own rule.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import polars as pl

from taxlots.model.money import CENT


def to_cents(value: Decimal) -> int:
    """An amount already on whole cents as an integer number of cents (exact)."""
    return int(value.scaleb(2))


def round_cents(value: Decimal) -> int:
    """``value`` rounded to cents, half up (``model.money.cents``), as an integer number of cents."""
    return int(value.quantize(CENT, rounding=ROUND_HALF_UP).scaleb(2))


def dollars_half_up(cents: pl.Expr) -> pl.Expr:
    """Cents rounded to whole dollars, half up on the magnitude; still in cents (a multiple of 100)."""
    magnitude = (cents.abs() + 50) // 100 * 100
    return pl.when(cents < 0).then(-magnitude).otherwise(magnitude)


def round_dollars(cents: int) -> int:
    """:func:`dollars_half_up` for one value."""
    magnitude = (abs(cents) + 50) // 100 * 100
    return -magnitude if cents < 0 else magnitude


def cents_text(cents: pl.Expr) -> pl.Expr:
    """``-1234.05`` style text for integer cents."""
    magnitude = cents.abs()
    sign = pl.when(cents < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    return pl.concat_str(sign, (magnitude // 100).cast(pl.String), pl.lit("."), (magnitude % 100).cast(pl.String).str.zfill(2))


def dollars_text(cents: pl.Expr) -> pl.Expr:
    """``-1234`` style text for integer cents that are whole dollars (:func:`plain_amount` with ``whole``)."""
    sign = pl.when(cents < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    return pl.concat_str(sign, (cents.abs() // 100).cast(pl.String))


def us_date(dates: pl.Series) -> pl.Series:
    """MM/DD/YYYY, the forms' date layout."""
    return dates.dt.strftime("%m/%d/%Y")


def plain_amount(cents: int, whole: bool = False) -> str:
    """``1234.05`` (or ``1234`` when ``whole``), with a minus sign when negative."""
    sign = "-" if cents < 0 else ""
    units, rest = divmod(abs(cents), 100)
    return f"{sign}{units}" if whole else f"{sign}{units}.{rest:02d}"


def form_amount(cents: int, whole: bool = False) -> str:
    """``1,234.05`` on a form; a negative amount in parentheses: ``(1,234.05)``; zero is ``0.00`` (or ``0``)."""
    units, rest = divmod(abs(cents), 100)
    text = f"{units:,}" if whole else f"{units:,}.{rest:02d}"
    return f"({text})" if cents < 0 else text


def form_amount_expr(cents: pl.Expr, whole: bool = False) -> pl.Expr:
    """:func:`form_amount` for a whole column: ``1,234.05``, ``(1,234.05)`` when negative, ``0.00`` for zero."""
    magnitude = cents.abs()
    grouped = (magnitude // 100).cast(pl.String).str.reverse().str.replace_all(r"(\d{3})", "${1},").str.strip_chars_end(",").str.reverse()
    text = grouped if whole else pl.concat_str(grouped, pl.lit("."), (magnitude % 100).cast(pl.String).str.zfill(2))
    return pl.when(cents < 0).then(pl.concat_str(pl.lit("("), text, pl.lit(")"))).otherwise(text)


def mdy(day: date | None) -> str:
    return day.strftime("%m/%d/%Y") if day else ""
