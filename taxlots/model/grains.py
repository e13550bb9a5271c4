"""Exact scaled integers: the engine's representation of quantities and money.

A *grain* is 1e-18 of a unit (of an asset, or of a USD). Every quantity and amount the engine handles is a
Python ``int`` count of grains: exact, as fast as integers are, and of any size (a billion USD is 10^27
grains). ``Decimal`` stays the public type at the edges: this module is the one place where the two meet.

- :func:`of` and :func:`of_text` turn a ``Decimal`` or a number string into grains, and refuse a value with
  more than 18 decimals (it cannot be held exactly); ``ingest.engine_rows`` does that for whole columns.
- :func:`dec` and :func:`plain` turn grains back into a ``Decimal`` (no trailing zeros) or into text.
- :func:`share` is ``value * part / whole`` rounded half even to a grain, as ``money.share`` rounds.
- :func:`cents` rounds grains of USD to integer cents, half up (the rounding of US tax forms).
"""

from __future__ import annotations

from decimal import Decimal

SCALE = 10**18  # grains per unit
_CENT = 10**16  # grains per cent
_HALF_CENT = _CENT // 2


class TooPrecise(ValueError):
    """A value with more than 18 decimals: it has no exact count of grains."""


def of(value: Decimal) -> int:
    """The grains of ``value`` (exact); :class:`TooPrecise` if it has more than 18 decimals."""
    scaled = value.scaleb(18)
    whole = int(scaled)
    if whole != scaled:
        raise TooPrecise(f"{value} has more than 18 decimals")
    return whole


def exact(value: Decimal) -> bool:
    """Whether ``value`` is a whole number of grains (at most 18 decimals)."""
    return value.is_finite() and value.scaleb(18) == value.scaleb(18).to_integral_value()


def of_text(text: str) -> int:
    """The grains of a number string (see :func:`of`)."""
    return of(Decimal(text))


def dec(grains: int) -> Decimal:
    """The grains as a ``Decimal`` without trailing zeros in its fraction (``1.5``, ``100``, ``0.000001``)."""
    whole, frac = divmod(abs(grains), SCALE)
    sign = "-" if grains < 0 else ""
    if not frac:
        return Decimal(f"{sign}{whole}")
    return Decimal(f"{sign}{whole}.{frac:018d}".rstrip("0"))


def plain(grains: int) -> str:
    """The grains as plain text without trailing zeros (``money.plain`` of :func:`dec`)."""
    whole, frac = divmod(abs(grains), SCALE)
    sign = "-" if grains < 0 else ""
    if not frac:
        return f"{sign}{whole}" if whole else "0"
    return f"{sign}{whole}.{frac:018d}".rstrip("0")


def share(value: int, part: int, whole: int) -> int:
    """``value * part / whole`` rounded half even to a grain; ``value`` itself when ``part == whole``.

    The exact fraction, rounded once. ``money.share`` computes the same in a 50-digit Decimal context, which
    rounds the product and the quotient first; the two can differ by one grain (1e-18) in the rare case where
    that first rounding lands on a half, or where ``value * part`` has more than 50 digits.
    """
    if part == whole:
        return value
    q, r = divmod(value * part, whole)  # floor division: 0 <= r < whole for whole > 0
    twice = 2 * r
    if twice > whole or (twice == whole and q & 1):
        q += 1
    return q


def cents(grains: int) -> int:
    """USD grains rounded to integer cents, half up on the magnitude (``money.cents``)."""
    if grains >= 0:
        return (grains + _HALF_CENT) // _CENT
    return -((_HALF_CENT - grains) // _CENT)


def share_cents(value: int, part: int, whole: int) -> int:
    """``value * part / whole`` in USD grains, rounded straight to cents half up (no grain rounding between)."""
    if part == whole:
        return cents(value)
    num, den = value * part, whole * _CENT
    magnitude = (2 * abs(num) + den) // (2 * den)  # half up on the magnitude
    return magnitude if num >= 0 else -magnitude
