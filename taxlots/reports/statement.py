"""``form8949-statement.pdf``: the statement attached to Form 8949 for boxes reported by the summary route.

It lists every row of each such box in the form's column order, (a) to (h), with a total at the foot of
every page and the box total after its last page (that total is the one on the form's summary row). Text
is set in Courier so columns line up by character count: one text run per line keeps a year of hundreds of
thousands of rows fast. Courier is a Latin-1 font; any other character is shown as ``?``. A description
longer than its column continues on the next line (never cut). The creation date is fixed (the tax year's
last day) so reruns give the same bytes.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
from fpdf import FPDF

from taxlots.reports.form8949 import PART, Box, Form8949, Rounding
from taxlots.reports.money import form_amount, form_amount_expr

LINES_PER_PAGE = 44
SIZE = 8.0
LEADING = 10.5
WIDTHS = (44, 12, 12, 16, 16, 5, 14, 16)  # characters per column (a)-(h)
HEADINGS = ("(a) Description", "(b) Acquired", "(c) Sold", "(d) Proceeds", "(e) Cost basis", "(f)", "(g) Adjust.", "(h) Gain/(loss)")
RIGHT = (False, False, False, True, True, False, True, True)


def _line(cells: tuple[str, ...]) -> str:
    return " ".join(c.rjust(w) if right else c.ljust(w) for c, w, right in zip(cells, WIDTHS, RIGHT, strict=True)).rstrip()


def _latin1(text: str) -> str:
    return text.encode("latin-1", "replace").decode("latin-1")


def wrap(description: str) -> list[str]:
    """The lines of a description in column (a): ``textwrap.wrap``, which a short printable one skips."""
    width = WIDTHS[0]
    if 0 < len(description) <= width and description.isprintable() and not description[-1].isspace():
        return [description]  # what textwrap.wrap returns for it, without its regex pass (one per row)
    return textwrap.wrap(description, width, break_long_words=True) or [""]


def _row(a: str, b: str, c: str, f: str, money: Sequence[int], whole: bool) -> str:
    """One line in column order (a)-(h); ``money`` is (d, e, g, h) in cents; a zero adjustment is left blank."""
    d, e, g, h = money
    return _line((a, b, c, form_amount(d, whole), form_amount(e, whole), f, form_amount(g, whole) if g else "", form_amount(h, whole)))


def _lines(rows: pl.DataFrame, whole: bool) -> list[str]:
    """:func:`_row` of every row with its whole description, built in polars (right for a one-line description)."""
    money = {c: form_amount_expr(pl.col(c), whole) for c in "degh"}
    g = pl.when(pl.col("g") == 0).then(pl.lit("")).otherwise(money["g"])  # a zero adjustment is left blank
    cells = [pl.col("a"), pl.col("b"), pl.col("c"), money["d"], money["e"], pl.col("f"), g, money["h"]]
    padded = [cell.str.pad_start(w) if right else cell.str.pad_end(w) for cell, w, right in zip(cells, WIDTHS, RIGHT, strict=True)]
    return rows.select(pl.concat_str(padded, separator=" ").str.strip_chars_end()).to_series().to_list()


def box_lines(form: Form8949, box: Box) -> Iterator[list[str]]:
    """The lines of each statement page of ``box``: rows, then the page total (and the box total at the end)."""
    whole = form.options.rounding is Rounding.DOLLARS
    rows = form.detail.filter(form.detail["box"] == str(box)).select(*"abcdefgh")
    lines = _lines(rows, whole)
    page: list[str] = []
    page_sum = [0, 0, 0, 0]
    box_sum = [0, 0, 0, 0]
    budget = LINES_PER_PAGE - 2  # room for the page total and the box total
    for (a, b, c, d, e, f, g, h), line in zip(rows.iter_rows(), lines, strict=True):
        parts = wrap(a)
        if len(page) + len(parts) > budget:
            yield [*page, "", _row("Page total", "", "", "", page_sum, whole)]
            page, page_sum = [], [0, 0, 0, 0]
        page.append(line if parts[0] is a else _row(parts[0], b, c, f, (d, e, g, h), whole))  # a wrapped one: its first line
        page += [_line((extra, "", "", "", "", "", "", "")) for extra in parts[1:]]
        page_sum = [s + v for s, v in zip(page_sum, (d, e, g, h), strict=True)]
        box_sum = [s + v for s, v in zip(box_sum, (d, e, g, h), strict=True)]
    yield [*page, "", _row("Page total", "", "", "", page_sum, whole), _row(f"Box {box} total", "", "", "", box_sum, whole)]


def write(path: Path, form: Form8949, name: str, tin: str) -> None:
    """Write the statement for ``form.statement_boxes`` (a one-page note when there are none)."""
    year = form.options.year
    pdf = FPDF(orientation="landscape", unit="pt", format="letter")
    pdf.set_creation_date(datetime(year, 12, 31, tzinfo=UTC))
    pdf.set_title(f"Form 8949 attached statement ({year})")
    pdf.set_creator("taxlots")
    pdf.set_producer("taxlots")
    pdf.set_auto_page_break(False)
    pdf.set_font("Courier", size=SIZE)
    who = _latin1(f"{name or '(name)'}   SSN/TIN {tin or '(not given)'}")
    if not form.statement_boxes:
        pdf.add_page()
        pdf.text(36, 48, f"Form 8949 attached statement, tax year {year}: no box is reported by statement.")
    for box in form.statement_boxes:
        term = "Part I, short-term" if PART[box] == 1 else "Part II, long-term"
        pages = list(box_lines(form, box))
        for number, lines in enumerate(pages, start=1):
            pdf.add_page()
            head = [
                f"Form 8949 attached statement, tax year {year}   {who}",
                f"Box {box} ({term}): every transaction of the row 'see attached statement' (code M)   page {number} of {len(pages)}",
                "",
                _line(HEADINGS),
            ]
            for i, text in enumerate([*head, *lines]):
                pdf.text(36, 40 + i * LEADING, _latin1(text))
    pdf.output(str(path))
