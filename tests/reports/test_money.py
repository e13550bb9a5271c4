"""Cents as text and whole-dollar rounding, column-wise (polars) and one value at a time, agree."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from taxlots.reports.money import cents_text, dollars_half_up, plain_amount, round_dollars


def test_cents_text() -> None:
    out = pl.select(cents_text(pl.Series([0, 5, -5, 123456, -100], dtype=pl.Int64))).to_series().to_list()
    assert out == ["0.00", "0.05", "-0.05", "1234.56", "-1.00"]


@settings(deadline=None, max_examples=60)
@given(st.lists(st.integers(min_value=-(10**15), max_value=10**15), min_size=1, max_size=50))
def test_column_and_scalar_rounding_agree(values: list[int]) -> None:
    column = pl.select(dollars_half_up(pl.Series(values, dtype=pl.Int64))).to_series().to_list()
    assert column == [round_dollars(v) for v in values]
    # A plainly written reference: magnitude in dollars rounded half up, sign put back.
    assert column == [(1 if v >= 0 else -1) * ((abs(v) // 100) + (1 if abs(v) % 100 >= 50 else 0)) * 100 for v in values]
    text = pl.select(cents_text(pl.Series(values, dtype=pl.Int64))).to_series().to_list()
    assert text == [plain_amount(v) for v in values]
