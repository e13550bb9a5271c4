"""Expressions for exports that write one event as several rows (legs), and for amounts a file leaves implied.

Shared by the OKX, Bybit and Gate.io importers (legs joined by an id or a second) and the Crypto.com Exchange
and BlockFi importers (a quote or a value given as price x quantity). Importers never import one another;
what they share lives here or in :mod:`taxlots.importers._exprs`.
"""

from __future__ import annotations

import polars as pl

from taxlots.importers import _exprs as ex

#: The scale of :func:`exact_product`: a product is exact when its factors' decimals add up to at most this.
PRODUCT_SCALE = 18


def lines_text(line: pl.Expr) -> pl.Expr:
    """``"line 3"`` or ``"lines 3, 4"``: a group's lines for a message (use as an aggregation or a window)."""
    joined = line.sort().cast(pl.String).str.join(", ")
    return pl.when(line.len() > 1).then(pl.lit("lines ")).otherwise(pl.lit("line ")) + joined


def decimals(number: pl.Expr) -> pl.Expr:
    """Digits after the point of a plain number string (0 without a point)."""
    return number.str.extract(r"\.(\d*)$", 1).str.len_chars().fill_null(0)


def integer_digits(number: pl.Expr) -> pl.Expr:
    """Digits before the point of a plain unsigned number string, leading zeros not counted."""
    return number.str.extract(r"^0*(\d*)", 1).str.len_chars().fill_null(0)


def exact_product(a: pl.Expr, b: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """``a`` x ``b`` for two plain, unsigned number strings (no exponent), computed exactly.

    Returns:
        ``(product, inexact)``: the canonical product string (null when it cannot be exact), and whether it
        cannot: the factors carry more than :data:`PRODUCT_SCALE` decimals between them (a 38-digit decimal
        of that scale would have to round) or more than 20 integer digits (it would overflow). The caller
        reports ``inexact`` as an error. Factors that do not fit are nulled before multiplying, because
        polars evaluates both branches of a when/then and an overflow raises.
    """
    fits = ((decimals(a) + decimals(b)) <= PRODUCT_SCALE) & ((integer_digits(a) + integer_digits(b)) <= 38 - PRODUCT_SCALE)
    product = ex.plain_decimal(ex.as_decimal(pl.when(fits).then(a)) * ex.as_decimal(pl.when(fits).then(b)))
    return product, a.is_not_null() & b.is_not_null() & ~fits
