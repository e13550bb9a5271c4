"""The vectorized exact product agrees with a plain Decimal computation, digit for digit, rounding included."""

from __future__ import annotations

import decimal
from decimal import Decimal

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from taxlots.pricing import exact


def reference(qty: str, price: str) -> str:
    """qty * price, exact in 120 digits, rounded half even to 18 places, without exponent or trailing zeros."""
    with decimal.localcontext(decimal.Context(prec=120)):
        value = (Decimal(qty) * Decimal(price)).quantize(Decimal("1e-18"), rounding=decimal.ROUND_HALF_EVEN)
        text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def products(pairs: list[tuple[str, str]]) -> list[str | None]:
    frame = pl.DataFrame({"q": [q for q, _ in pairs], "p": [p for _, p in pairs]}, schema={"q": pl.String, "p": pl.String})
    return exact.product(frame, "q", "p", "v")["v"].to_list()


def test_hand_computed_products() -> None:
    assert products(
        [
            ("3", "120.5"),  # 361.5
            ("0.123456789012345678", "1.0001"),  # 0.1234691346912469125678 -> ...913 (the dropped 5678 rounds up)
            ("0.000000000000000001", "0.5"),  # 5e-19: exactly half a grain, 0 is even -> 0
            ("0.000000000000000003", "0.5"),  # 1.5e-18: half, 1 is odd -> 2e-18
            ("0.000000000000000001", "0.500000000000000001"),  # just over half -> 1e-18
            ("12.5", "0.1"),  # 1.25
            ("2", "0.5"),  # 1
        ]
    ) == ["361.5", "0.123469134691246913", "0", "0.000000000000000002", "0.000000000000000001", "1.25", "1"]


def test_what_128_bits_cannot_hold_exactly_is_left_to_decimal() -> None:
    # more than 18 decimals; an exponent; a value of 10^20 USD or more
    assert products([("1.0000000000000000001", "2"), ("1e3", "2"), ("10000000000", "10000000000")]) == [None, None, None]
    assert exact.decimal_value("unit", "1.0000000000000000001", "2", None) == "2"  # 2.0000000000000000002 -> 18 places
    assert exact.decimal_value("unit", "10000000000", "10000000000", None) == "100000000000000000000"
    assert exact.decimal_value("ratio", "1", "100", "3") == "33.333333333333333333"
    assert exact.decimal_value("one", "7.25", None, None) == "7.25"


def test_plain_text_expands_exponents_exactly() -> None:
    numbers = pl.Series("p", ["4.2e-05", "42261.0446", "6.2E4", "1e-30"])
    assert exact.plain_text(numbers).to_list() == ["0.000042", "42261.0446", "62000", "0." + "0" * 29 + "1"]


_digits = st.integers(min_value=0, max_value=10**19 - 1)
_number = st.builds(
    lambda whole, frac, places: f"{whole}.{str(frac).zfill(18)[:places]}" if places else str(whole),
    st.one_of(st.integers(0, 10), st.integers(0, 10**6), _digits),
    st.integers(0, 10**18 - 1),
    st.integers(0, 18),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_number, _number), min_size=1, max_size=40))
def test_vectorized_product_matches_decimal(pairs: list[tuple[str, str]]) -> None:
    got = products(pairs)
    for (q, p), value in zip(pairs, got, strict=True):
        if value is None:  # left to Decimal only when the value is 10^20 USD or more
            assert Decimal(q.split(".")[0]) * Decimal(p.split(".")[0]) >= 10**20
            assert exact.decimal_value("unit", q, p, None) == reference(q, p)
        else:
            assert value == reference(q, p)
