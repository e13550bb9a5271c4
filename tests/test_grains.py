"""``model.grains``, the engine's exact integers, against plain ``Fraction`` and ``Decimal`` references.

Each reference is the textbook rule written out: the exact rational value, then rounding by comparing the
remainder with one half. A wrong rounding direction, half up where half even is due (or the reverse), a
floor where a rounding is due, or a lost sign fails here.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from taxlots.lots.methods import Method, sort_key
from taxlots.model import grains
from taxlots.model.money import decimal_context, plain

E18 = 10**18


def half_even(x: Fraction) -> int:
    floor = x.numerator // x.denominator
    rest = x - floor
    if rest > Fraction(1, 2) or (rest == Fraction(1, 2) and floor % 2 == 1):
        return floor + 1
    return floor


def half_up_magnitude(x: Fraction) -> int:
    magnitude = abs(x)
    floor = magnitude.numerator // magnitude.denominator
    out = floor + 1 if magnitude - floor >= Fraction(1, 2) else floor
    return out if x >= 0 else -out


amounts = st.integers(-(10**30), 10**30)
positive = st.integers(1, 10**30)


@given(value=amounts, part=positive, extra=st.integers(0, 10**30))
def test_share_rounds_half_even_to_a_grain(value: int, part: int, extra: int) -> None:
    whole = part + extra
    assert grains.share(value, part, whole) == half_even(Fraction(value * part, whole))


def test_share_ties_go_to_the_even_grain() -> None:
    assert grains.share(1, 1, 2) == 0  # 0.5 -> 0
    assert grains.share(3, 1, 2) == 2  # 1.5 -> 2
    assert grains.share(-1, 1, 2) == 0  # -0.5 -> 0
    assert grains.share(-3, 1, 2) == -2  # -1.5 -> -2
    assert grains.share(7, 5, 5) == 7


@given(value=amounts)
def test_cents_round_half_up_on_the_magnitude(value: int) -> None:
    assert grains.cents(value) == half_up_magnitude(Fraction(value, 10**16))


def test_cents_by_hand() -> None:
    cent = 10**16
    assert [grains.cents(v) for v in (cent // 2, cent // 2 - 1, -cent // 2, -(cent // 2) + 1, 3 * cent)] == [1, 0, -1, 0, 3]


@given(value=amounts, part=positive, extra=st.integers(1, 10**30))
def test_share_cents_rounds_the_exact_share_once(value: int, part: int, extra: int) -> None:
    whole = part + extra
    assert grains.share_cents(value, part, whole) == half_up_magnitude(Fraction(value * part, whole * 10**16))


@given(value=amounts)
def test_grains_back_to_decimal_and_text(value: int) -> None:
    exact = Decimal(value).scaleb(-18)
    with decimal_context():
        assert grains.dec(value) == exact
        assert grains.plain(value) == plain(exact)
        assert grains.of(grains.dec(value)) == value
    assert grains.dec(value).as_tuple().digits[-1:] != (0,) or value % E18 == 0  # no trailing zeros in the fraction


def test_of_is_exact_and_refuses_a_19th_decimal() -> None:
    assert grains.of(Decimal("1.5")) == 15 * 10**17
    assert grains.of(Decimal("1E+5")) == 10**23
    assert grains.of(Decimal("0.000000000000000001")) == 1
    assert grains.of_text("-2.50") == -25 * 10**17
    with pytest.raises(grains.TooPrecise):
        grains.of(Decimal("0.0000000000000000001"))


@given(
    a=st.tuples(st.integers(1, 10**32), st.integers(1, 10**32)),
    b=st.tuples(st.integers(1, 10**32), st.integers(1, 10**32)),
)
def test_hifo_key_orders_unit_costs_exactly(a: tuple[int, int], b: tuple[int, int]) -> None:
    """Higher unit cost first, equal unit costs tie on time: the key compares the fractions themselves."""
    key_a = sort_key(Method.HIFO, 0, 0, *a)[0]
    key_b = sort_key(Method.HIFO, 0, 0, *b)[0]
    cost_a, cost_b = Fraction(*a), Fraction(*b)
    assert (key_a < key_b) == (cost_a > cost_b)
    assert (key_a == key_b) == (cost_a == cost_b)


def test_hifo_key_separates_unit_costs_fifty_digits_apart() -> None:
    """Unit costs that agree to 50 significant digits still order by the larger (a 50-digit quotient ties them)."""
    q = 10**38 - 1
    low, high = sort_key(Method.HIFO, 0, 0, q, q + 1), sort_key(Method.HIFO, 1, 1, q + 1, q + 2)
    assert Fraction(q + 1, q + 2) > Fraction(q, q + 1)
    assert high < low
