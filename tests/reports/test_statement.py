"""The attached statement lists every row and its totals equal the form's summary row."""

from __future__ import annotations

import textwrap
from pathlib import Path

import polars as pl
from pypdf import PdfReader

from taxlots.reports import statement
from taxlots.reports.money import form_amount, form_amount_expr
from taxlots.reports.statement import WIDTHS, _lines, _row, wrap
from tests.reports._build import year_report
from tests.reports.test_form8949 import _sales


def test_statement_lists_every_row_with_page_and_box_totals(tmp_path: Path) -> None:
    report = year_report(_sales(60, 2025), 2025, max_pages=1)  # 60 rows > 11: box I by statement
    path = tmp_path / "s.pdf"
    statement.write(path, report.form, "Jane", "123-45-6789")
    pages = [p.extract_text() for p in PdfReader(path).pages]
    # 42 rows fit a statement page (44 lines less the total lines): 42 + 18 rows over 2 pages.
    assert len(pages) == 2
    text = "\n".join(pages)
    assert text.count("1 BTC") == 60
    # Page totals: 42 x 15.00 = 630.00 and 42 x 5.00 = 210.00; then 18 x 15.00 = 270.00. Box: 60 x 15.00 = 900.00.
    assert "630.00" in pages[0] and "210.00" in pages[0]
    box_line = next(line for line in pages[1].splitlines() if line.startswith("Box I total"))
    assert box_line.split()[3:] == ["900.00", "600.00", "300.00"]
    # ... and the form's summary row carries the same totals.
    assert report.form.form.select("d", "e", "h").rows() == [(90000, 60000, 30000)]


def test_a_long_description_wraps_instead_of_being_cut() -> None:
    text = "2025-01-01 W trade 1 USD -> 1 " + "X" * 60 + " id B\n2025-02-01 W trade 1 " + "X" * 60 + " -> 2 USD id S"
    report = year_report(text, 2025, statement_all=True)
    lines = [line for page in statement.box_lines(report.form, report.form.statement_boxes[0]) for line in page]
    assert "".join(line.split()[0] if i else line.split()[1] for i, line in enumerate(lines[:2])) == "X" * 60


def test_wrap_fast_path_is_textwrap() -> None:
    cases = ["0.1 BTC (Kraken)", " lead", "trail ", "a\tb", "x" * 44, "x" * 45, "", "nbsp\u00a0", "a\nb", "ü 0.5 ETH", "  ", "a  b"]
    for text in cases:
        assert wrap(text) == (textwrap.wrap(text, WIDTHS[0], break_long_words=True) or [""]), text


def test_lines_built_in_polars_are_the_rows_python_writes() -> None:
    cents = [0, 5, -5, 100, -100, 123456789, -123456789, 99999999999, 250, -250]
    got = pl.DataFrame({"c": cents}).select(form_amount_expr(pl.col("c")).alias("c"))["c"].to_list()
    assert got == [form_amount(c) for c in cents]
    assert got[5:7] == ["1,234,567.89", "(1,234,567.89)"]  # by hand
    whole = [c * 100 for c in (0, 1, -1, 1234, -1234567)]
    assert pl.DataFrame({"c": whole}).select(form_amount_expr(pl.col("c"), whole=True).alias("c"))["c"].to_list() == [
        "0", "1", "(1)", "1,234", "(1,234,567)",
    ]  # fmt: skip
    rows = pl.DataFrame(
        {
            "a": ["0.5 BTC", "ü 1 ETH", "x" * 44],
            "b": ["01/02/2024", "VARIOUS", ""],
            "c": ["03/04/2024", "03/04/2024", "12/31/2024"],
            "d": [123456, 0, 99999999],
            "e": [100, 5, 1],
            "f": ["", "E", "M"],
            "g": [0, -140, 0],
            "h": [123356, -145, 99999998],
        }
    )
    for whole_dollars in (False, True):
        want = [_row(a, b, c, f, (d, e, g, h), whole_dollars) for a, b, c, d, e, f, g, h in rows.iter_rows()]
        assert _lines(rows, whole_dollars) == want
