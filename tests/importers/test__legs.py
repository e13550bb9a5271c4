"""The shared leg and product expressions: messages naming lines, and exact products that never round."""

from __future__ import annotations

from decimal import Decimal

import polars as pl

from taxlots.importers._legs import exact_product, lines_text


def test_lines_text_names_one_or_several_lines_in_order() -> None:
    frame = pl.DataFrame({"g": ["a", "b", "b", "b"], "line": [7, 12, 3, 9]})
    got = dict(frame.group_by("g").agg(t=lines_text(pl.col("line"))).iter_rows())
    assert got == {"a": "line 7", "b": "lines 3, 9, 12"}


def test_exact_product_matches_decimal_and_refuses_rounding_or_overflow() -> None:
    a = ["123456789.123456789", "0.1285", "0.1234567890", "99999999999999999999", "7"]
    b = ["98765.4321", "5000", "0.1234567890", "10", ""]
    frame = pl.DataFrame({"a": a, "b": b}).with_columns(pl.col("b").replace("", None))
    product, inexact = exact_product(pl.col("a"), pl.col("b"))
    got = frame.select(p=product, bad=inexact).rows()
    # Row 1: checked against Python's Decimal (9 + 4 = 13 decimals fit in 18); row 2 by hand: 0.1285 x 5000 = 642.5.
    assert got[0] == (str(Decimal("123456789.123456789") * Decimal("98765.4321")), False)
    assert got[1] == ("642.5", False)
    assert got[2] == (None, True)  # 10 + 10 decimals would round at 18
    assert got[3] == (None, True)  # 20 + 2 integer digits would overflow
    assert got[4] == (None, False)  # a missing factor is no product and no error here
