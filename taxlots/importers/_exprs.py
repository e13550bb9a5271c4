"""Polars expressions that importers share: checked numbers, decimals, UTC timestamps, error columns.

Every column arrives as a string. A conversion never guesses: a value that was present before and could
not be converted becomes an error message for that row, naming the column and quoting the value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

if TYPE_CHECKING:
    from taxlots.importers.base import Context

#: A plain decimal number: optional sign, digits with an optional fraction, optional exponent.
NUMBER_RE = r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$"
_SYMBOLS_RE = r"[$€£¥₩₹]|[A-Z]{0,2}\$|kr|Â"


def blank_to_null(expr: pl.Expr) -> pl.Expr:
    """Strip white space; an empty cell becomes null."""
    return expr.str.strip_chars().replace("", None)


#: A money cell that only a ``$`` and thousands commas keep from being a plain number (``-$1,284.20``).
_DOLLARS_RE = r"^-?\$[0-9,]*\.?[0-9]*$"


def clean_money(expr: pl.Expr) -> pl.Expr:
    """``"$1,284.20 "``, ``-€597.49``, ``($1.72)`` -> ``1284.20``, ``-597.49``, ``-1.72`` (still unchecked).

    Removes currency symbols, thousands separators and spaces, and turns accounting parentheses into a
    minus sign. Use only on columns that never carry a decimal comma. (Each step is written once: polars
    does not share a sub-expression that a when/then chain repeats, and these run on million-row columns.)

    On a plain column (cheap to name more than once), cells written like ``-$1,284.20`` (nearly every cell
    of a Coinbase export) take a fast path: the steps only remove their ``$`` and commas, which literal
    replacements do at a third of the cost; the other cells take the steps.
    """
    if not expr.meta.is_column():
        return _clean_money(expr)
    dollars = expr.str.contains(_DOLLARS_RE)
    fast = pl.when(dollars).then(expr).str.replace("$", "", literal=True).str.replace_all(",", "", literal=True).replace("", None)
    return pl.coalesce(fast, _clean_money(pl.when(~dollars).then(expr)))


def _clean_money(expr: pl.Expr) -> pl.Expr:
    """:func:`clean_money`'s steps, for every cell."""
    s = expr.str.strip_chars().str.replace(r"^\((.*)\)$", "-${1}")
    return s.str.replace_all(_SYMBOLS_RE, "").str.replace_all(r"[,\s]", "").replace("", None)


_NUMBER_GROUP = r"^([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)$"


def checked_number(raw: pl.Expr, label: str, *, money: bool = False) -> tuple[pl.Expr, pl.Expr]:
    """Validate one numeric column.

    Args:
        raw: the column as read.
        label: the column name quoted in the error message.
        money: clean currency symbols, thousands separators and parentheses first.

    Returns:
        ``(value, error)``: the number as a plain string (null when blank or invalid), and the message for
        an invalid one (null otherwise).
    """
    cleaned = clean_money(raw) if money else blank_to_null(raw)
    value = cleaned.str.extract(_NUMBER_GROUP, 1)
    error = pl.when(value.is_null() & cleaned.is_not_null()).then(pl.format(f"{label} '{{}}' is not a number", raw.str.strip_chars()))
    return value, error


def unsigned(expr: pl.Expr) -> pl.Expr:
    """The magnitude of a number string: drop a leading sign."""
    return expr.str.strip_prefix("-").str.strip_prefix("+")


def is_negative(expr: pl.Expr) -> pl.Expr:
    """Starts with a minus and is not a zero. The zero regex runs only on texts with the minus (null elsewhere)."""
    minus = expr.str.starts_with("-")
    return minus & ~pl.when(minus).then(expr).str.contains(r"^-0*\.?0*([eE][+-]?\d+)?$")


def is_zero(expr: pl.Expr) -> pl.Expr:
    return expr.str.contains(r"^[+-]?0*\.?0*([eE][+-]?\d+)?$")


def nonzero(expr: pl.Expr) -> pl.Expr:
    """A checked number string, or null when it is zero (``0``, ``-0.00``, ``0e5``): a zero fee is no fee."""
    return pl.when(is_zero(expr)).then(None).otherwise(expr)


def as_decimal(expr: pl.Expr) -> pl.Expr:
    """A checked number string (or a number) as ``Decimal(38, 18)``, for exact sums and comparisons.

    The cast is not strict: a value that does not fit becomes null without an error, so use it on values
    :func:`checked_number` has already accepted, and keep their error column.
    """
    return expr.cast(pl.Decimal(38, 18), strict=False)


def plain_decimal(expr: pl.Expr) -> pl.Expr:
    """A Decimal as a canonical string: ``1751.050000`` -> ``1751.05``, ``610.000`` -> ``610``.

    For Decimal values (and strings without an exponent); null stays null.
    """
    # Trailing zeros go only after a decimal point that only digits follow (the last point), then a point
    # left bare. The same as replacing ``(\.\d*?)0+$`` by ``${1}`` and then ``\.$``, at a quarter of the cost:
    # a plain strip where that one regex test passes (``expr`` is evaluated per branch: keep it cheap).
    s = expr.cast(pl.String)
    return pl.when(s.str.contains(r"\.\d*$")).then(s.str.strip_chars_end("0")).otherwise(s).str.strip_suffix(".")


def expand_exponent(expr: pl.Expr) -> pl.Expr:
    """A checked number string without exponent notation: ``2.5e-7`` -> ``0.00000025``; others unchanged."""
    return pl.when(expr.str.contains("[eE]")).then(plain_decimal(as_decimal(expr))).otherwise(expr)


def iso_utc(raw: pl.Expr) -> pl.Expr:
    """Parse ISO 8601 (``T`` or space, optional fraction, ``Z``/offset/` UTC`, naive = UTC) into UTC.

    A chain of single replacements: each step refers to the one before exactly once (a when/then that names
    a sub-expression twice makes polars evaluate it twice, and nested, that grows exponentially).
    """
    s = raw.str.strip_chars()
    s = s.str.replace(r"^(\d{4}-\d\d-\d\d)$", "${1} 00:00:00")  # a date alone is midnight
    s = s.str.replace(r"(?i)\s*(Z|UTC)$", "+00:00").str.replace("T", " ", literal=True)
    s = s.str.replace(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?)$", "${1}+00:00")  # naive = UTC
    return s.str.to_datetime("%Y-%m-%d %H:%M:%S%.f%z", strict=False, time_zone="UTC")


def local_time(raw: pl.Expr, formats: Sequence[str], tz: str) -> pl.Expr:
    """Parse a naive timestamp written in one of ``formats`` as wall time in zone ``tz``; return UTC."""
    s = blank_to_null(raw)
    parsed = pl.coalesce([s.str.to_datetime(f, strict=False) for f in formats])
    return parsed.dt.replace_time_zone(tz, ambiguous="earliest", non_existent="null").dt.convert_time_zone("UTC")


def timestamp_error(raw: pl.Expr, parsed: pl.Expr, label: str, expected: str) -> pl.Expr:
    """The message for a timestamp that was present but did not parse."""
    present = blank_to_null(raw).is_not_null()
    blank = pl.lit(f"{label} is blank")
    bad = pl.format(f"{label} '{{}}' is not {expected}", raw.str.strip_chars())
    return pl.when(~present).then(blank).when(parsed.is_null()).then(bad)


def join_errors(*errors: pl.Expr) -> pl.Expr:
    """All of a row's error messages, joined by ``"; "``; null when there are none."""
    return pl.concat_str(list(errors), separator="; ", ignore_nulls=True).replace("", None)


def asset_code(expr: pl.Expr, aliases: Mapping[str, str] | None = None) -> pl.Expr:
    """Upper-case ticker, with exchange-specific aliases applied (``XXBT`` -> ``BTC``)."""
    code = blank_to_null(expr).str.to_uppercase()
    if aliases:
        code = code.replace(dict(aliases))
    return code


def column(ctx: Context, *names: str) -> pl.Expr:
    """The first of ``names`` the file has, else a null string (for optional columns)."""
    for name in names:
        if name in ctx.header:
            return pl.col(name)
    return pl.lit(None, pl.String)


def file_wallet(ctx: Context) -> pl.Expr:
    """The file's name stem as the wallet (``ledger_nano`` for ``ledger_nano.csv``), for exports without one."""
    return pl.lit(Path(ctx.file).stem)


def note(*parts: pl.Expr) -> pl.Expr:
    """The non-blank parts joined by ``"; "``, or ``""``."""
    return pl.concat_str([blank_to_null(p) for p in parts], separator="; ", ignore_nulls=True).fill_null("")


def unified(**columns: pl.Expr) -> list[pl.Expr]:
    """Select the unified schema: pass the columns you have; the rest are null strings."""
    from taxlots.importers.base import UNIFIED_SCHEMA

    out: list[pl.Expr] = []
    for name, dtype in UNIFIED_SCHEMA.items():
        expr = columns.pop(name, None)
        if expr is None:
            expr = pl.col("line") if name == "line" else pl.lit(None)
        out.append(expr.cast(dtype).alias(name))
    if columns:
        raise TypeError(f"not in the unified schema: {sorted(columns)}")
    return out


def gathered(values: pl.Series, at: pl.Expr | str) -> pl.Expr:
    """``values[at]`` per row: a small table's column looked up by each row's code (its row number in the table).

    A column of nulls only is a typed null instead: polars 2.1's in-memory engine takes two literal columns of
    nulls for one common subexpression even when their types differ (a file without rows makes every column of
    the table one null), and would give a boolean column the values of a text one. Columns that hold a value
    are told apart (their values differ, or their types do), and so are typed nulls.
    """
    if values.null_count() == values.len():
        return pl.lit(None, values.dtype)
    return pl.lit(values).gather(at)
