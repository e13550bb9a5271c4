"""The attached statement lists every row and its totals equal the form's summary row."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader

from taxlots.reports import statement
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
    import textwrap

    from taxlots.reports.statement import WIDTHS, wrap

    cases = ["0.1 BTC (Kraken)", " lead", "trail ", "a\tb", "x" * 44, "x" * 45, "", "nbsp\u00a0", "a\nb", "ü 0.5 ETH", "  ", "a  b"]
    for text in cases:
        assert wrap(text) == (textwrap.wrap(text, WIDTHS[0], break_long_words=True) or [""]), text
