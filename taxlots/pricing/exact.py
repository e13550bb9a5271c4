"""Exact ``quantity * price`` on whole columns: scaled 128-bit integers, with a Decimal path for the rest.

A number string with at most 19 digits before the point and 18 after is an integer count of 1e-18 units
(its *mantissa*). For ``q = Qh + Ql/10^18`` and ``p = Ph + Pl/10^18`` (whole and fractional parts), the
product in 1e-18 units is::

    Qh*Ph*10^18 + Qh*Pl + Ql*Ph + (Ql*Pl) / 10^18

where only the last term has a remainder; it is rounded half even, as ``Decimal.quantize(GRAIN)`` would.
Every partial product fits in 128 bits when ``Qh*Ph < 10^20`` (a value under 10^20 USD): rows outside that,
or with more digits, are computed in Python ``Decimal`` instead (:func:`decimal_value`), with the same
rounding. The test suite checks both paths against a plain Decimal reference.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

import polars as pl

from taxlots.model.money import GRAIN, decimal_context, plain

_E18 = 10**18


def _big(value: int) -> pl.Expr:
    return pl.lit(value, pl.Int128)


def mantissa(expr: pl.Expr) -> pl.Expr:
    """A plain number string as an Int128 count of 1e-18; null when it has a sign, an exponent or too many digits.

    The conversion is polars' own exact parse into ``Decimal(38, 18)``, whose physical value is that count;
    the pattern first makes sure nothing would be rounded.
    """
    fits = expr.str.contains(r"^\d{1,19}(\.\d{0,18})?$")
    return pl.when(fits).then(expr.cast(pl.Decimal(38, 18), strict=False).to_physical())


def _text(frame: pl.DataFrame, grains: str, out: str) -> pl.DataFrame:
    """Add ``out``: the non-negative Int128 count of 1e-18 in ``grains`` as canonical decimal text."""
    e = _big(_E18)
    parts = frame.select(
        _whole=(pl.col(grains) // e).cast(pl.String),
        _frac=((pl.col(grains) % e) + e).cast(pl.String).str.slice(1).str.strip_chars_end("0"),  # 18 digits, then trimmed
    )
    whole_only = pl.col("_frac") == ""  # null stays null: concat_str of nulls is null
    text = pl.when(whole_only).then(pl.col("_whole")).otherwise(pl.concat_str(pl.col("_whole"), pl.lit("."), pl.col("_frac")))
    return frame.with_columns(parts.select(text.alias(out)).to_series())


def product(frame: pl.DataFrame, qty: str, price: str, out: str) -> pl.DataFrame:
    """Add ``out``: ``qty * price`` rounded half even to 1e-18, as canonical text; null where 128 bits cannot hold it.

    Each step is its own ``select`` so that no sub-expression is evaluated twice.
    """
    e, half, one, zero = _big(_E18), _big(_E18 // 2), _big(1), _big(0)
    parts = frame.select(_q=mantissa(pl.col(qty)), _p=mantissa(pl.col(price)))
    parts = parts.select(qh=pl.col("_q") // e, ql=pl.col("_q") % e, ph=pl.col("_p") // e, pf=pl.col("_p") % e)
    parts = parts.with_columns(head=pl.col("qh") * pl.col("ph"), low=pl.col("ql") * pl.col("pf"))
    grains = pl.col("head") * e + pl.col("qh") * pl.col("pf") + pl.col("ql") * pl.col("ph") + pl.col("low") // e
    parts = parts.select("head", grains=grains, rem=pl.col("low") % e)
    up = (pl.col("rem") > half) | ((pl.col("rem") == half) & (pl.col("grains") % _big(2) == one))
    rounded = pl.when(pl.col("head") < _big(10**20)).then(pl.col("grains") + pl.when(up).then(one).otherwise(zero))
    parts = _text(parts.select(_g=rounded), "_g", out)
    return frame.with_columns(parts[out])


def decimal_value(how: str, qty: str, a: str | None, b: str | None) -> str:
    """One value in ``Decimal``: ``qty * a`` (``unit``), ``qty * a / b`` (``ratio``) or ``qty`` (``one``).

    Exact in 100 digits (any product of two checked numbers fits), then rounded half even to 1e-18.
    """
    with decimal_context() as ctx:
        ctx.prec = 100
        q = Decimal(qty)
        if how == "unit":
            assert a is not None
            q = q * Decimal(a)
        elif how == "ratio":
            assert a is not None and b is not None
            q = q * Decimal(a) / Decimal(b)
        return plain(q.quantize(GRAIN, rounding=ROUND_HALF_EVEN))


def plain_text(numbers: pl.Series) -> pl.Series:
    """Checked number strings without exponents: ``4.2e-05`` -> ``0.000042`` (exactly); the others unchanged."""
    has_exp = numbers.str.contains("[eE]")
    if not has_exp.any():
        return numbers
    with decimal_context():
        expanded = [plain(Decimal(s)) if e else s for s, e in zip(numbers.to_list(), has_exp.to_list(), strict=True)]
    return pl.Series(numbers.name, expanded, dtype=pl.String)
