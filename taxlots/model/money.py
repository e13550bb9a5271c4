"""Exact numbers: every quantity and every amount of money is a ``Decimal`` built from text or integers."""

from __future__ import annotations

import decimal
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

ZERO = Decimal(0)
CENT = Decimal("0.01")

_CONTEXT = decimal.Context(
    prec=50, rounding=decimal.ROUND_HALF_EVEN, traps=[decimal.FloatOperation, decimal.InvalidOperation, decimal.DivisionByZero]
)


def D(value: str | int | Decimal) -> Decimal:
    """Build a Decimal from a string, an int or a Decimal; a float is refused.

    Args:
        value: the number as text (``"1.25"``), an integer or a Decimal.

    Returns:
        The exact Decimal.
    """
    if isinstance(value, float):
        raise TypeError(f"refusing float {value!r}: build money and quantities from strings")
    if isinstance(value, Decimal):
        return value
    return Decimal(value.strip() if isinstance(value, str) else value)


@contextmanager
def decimal_context() -> Iterator[decimal.Context]:
    """Enter the project's Decimal context: 50 digits, and any float that slips in raises at once."""
    with decimal.localcontext(_CONTEXT) as ctx:
        yield ctx


#: The engine's grain for computed money: 1e-18 USD. A share of a value (``value * part / whole``) is rounded
#: to it, so every amount has at most 18 decimals: sums and differences of them are exact (the context holds 50
#: digits), and a lot's parts always add back to the whole. A cent is 10^16 grains.
GRAIN = Decimal("1e-18")


def share(value: Decimal, part: Decimal, whole: Decimal) -> Decimal:
    """``value * part / whole`` on the 1e-18 grain; ``value`` itself when ``part == whole``."""
    if part == whole:
        return value
    return (value * part / whole).quantize(GRAIN, rounding=decimal.ROUND_HALF_EVEN)


def cents(value: Decimal) -> Decimal:
    """Round to cents, half up (the convention of US tax forms)."""
    return value.quantize(CENT, rounding=decimal.ROUND_HALF_UP)


def plain(value: Decimal) -> str:
    """Format a quantity without exponent and without trailing zeros (``1.50`` -> ``"1.5"``)."""
    if value == 0:
        return "0"
    text = format(value.normalize(), "f")
    return text
