"""The attached statement lists every row and its totals equal the form's summary row."""

from __future__ import annotations

import textwrap
from pathlib import Path
from types import SimpleNamespace

import polars as pl
from fpdf import FPDF
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from taxlots.reports import statement
from taxlots.reports.form8949 import Box, Rounding
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


def _reference_pages(rows: list[tuple], box: str, whole: bool) -> list[list[str]]:
    """The statement's pages written plainly: rows in order, a page full when its next row's lines do not fit."""
    budget = statement.LINES_PER_PAGE - 2
    pages, page, page_sum, box_sum = [], [], [0, 0, 0, 0], [0, 0, 0, 0]
    for a, b, c, d, e, f, g, h in rows:
        parts = wrap(a)
        if page and len(page) + len(parts) > budget:
            pages.append([*page, "", _row("Page total", "", "", "", page_sum, whole)])
            page, page_sum = [], [0, 0, 0, 0]
        page.append(_row(parts[0], b, c, f, (d, e, g, h), whole))
        page += parts[1:]  # a wrapped line stands alone in column (a)
        page_sum = [s + v for s, v in zip(page_sum, (d, e, g, h), strict=True)]
        box_sum = [s + v for s, v in zip(box_sum, (d, e, g, h), strict=True)]
    pages.append([*page, "", _row("Page total", "", "", "", page_sum, whole), _row(f"Box {box} total", "", "", "", box_sum, whole)])
    return pages


_DESCRIPTIONS = st.one_of(
    st.sampled_from(["0.5 BTC", "ü 1 ETH", "", "trail ", "x" * 44, "x" * 45, "a\tb", "(1) BTC \\ x"]),
    st.builds(lambda word, n: " ".join([word] * n), st.sampled_from(["BTC", "0.123456789", "Kraken:abc", "€"]), st.integers(1, 60)),
)
_CENTS = st.integers(-(10**12), 10**12)


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(st.tuples(_DESCRIPTIONS, _CENTS, _CENTS, st.one_of(st.just(0), _CENTS), _CENTS), max_size=140),
    whole=st.booleans(),
)
@example(rows=[("word " * 12, 1, 1, 0, 1)] + [("0.5 BTC", 1, 1, 0, 1)] * 42, whole=False)  # 2 + 40 lines fill page 1
def test_pages_and_totals_match_a_plain_reference(rows: list[tuple[str, int, int, int, int]], whole: bool) -> None:
    full = [(a, "01/02/2024", "03/04/2024", d, e, "" if g == 0 else "M", g, h) for a, d, e, g, h in rows]
    detail = pl.DataFrame(
        [("I", *row) for row in full],
        schema={"box": pl.String, **{c: pl.Int64 if c in "degh" else pl.String for c in "abcdefgh"}},
        orient="row",
    )
    form = SimpleNamespace(options=SimpleNamespace(rounding=Rounding.DOLLARS if whole else Rounding.CENTS), detail=detail)
    pages = list(statement.box_lines(form, Box.I))  # type: ignore[arg-type]
    assert pages == _reference_pages(full, "I", whole)
    if len(rows) == 43 and rows[0][0] == "word " * 12:  # the example, counted by hand: 42 lines and 2 totals, then 2 rows
        assert [len(page) for page in pages] == [44, 2 + 3]


def _page_bytes(lines: list[str], fast: bool, style: str = "", colour: bool = False) -> bytes:
    pdf = FPDF(orientation="landscape", unit="pt", format="letter")
    pdf.set_font("Courier", style=style, size=statement.SIZE)
    if colour:
        pdf.set_text_color(200, 0, 0)
    pdf.add_page()
    if fast:
        statement.put_lines(pdf, lines)
    else:
        for i, text in enumerate(lines):
            pdf.text(36, 40 + i * statement.LEADING, statement._latin1(text))
    return bytes(pdf.pages[1].contents)


def test_put_lines_writes_the_bytes_fpdf_text_writes() -> None:
    lines = ["Form 8949 (head)", "a (b) c \\ d", "ü € 中 ✓", "", "tab\there", "cr\rhere", "x" * 200, "  lead", "last)"]
    for case in (lines, lines[:1], lines[:2], [*lines, "in\nside"], []):
        for style, colour in (("", False), ("U", False), ("", True)):
            assert _page_bytes(case, True, style, colour) == _page_bytes(case, False, style, colour), (case, style, colour)
    # By hand, one text run: the parentheses and the backslash escaped, the euro sign and the CJK one as '?'.
    assert b"BT 36.00 " in _page_bytes(lines, True) and b"(a \\(b\\) c \\\\ d) Tj ET\n" in _page_bytes(lines, True)
    assert b"(\xfc ? ? ?) Tj ET" in _page_bytes(lines, True)
