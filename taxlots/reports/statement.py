"""``form8949-statement.pdf``: the statement attached to Form 8949 for boxes reported by the summary route.

It lists every row of each such box in the form's column order, (a) to (h), with a total at the foot of
every page and the box total after its last page (that total is the one on the form's summary row). Text
is set in Courier so columns line up by character count, one text run per line: the lines are built in
polars, and a page's runs are written at once (:func:`put_lines`, the bytes ``FPDF.text`` would write), so a
year of hundreds of thousands of rows takes seconds. Courier is a Latin-1 font; any other character is shown as ``?``. A description
longer than its column continues on the next line (never cut). The creation date is fixed (the tax year's
last day) so reruns give the same bytes.
"""

from __future__ import annotations

import functools
import textwrap
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
from fpdf import FPDF
from fpdf.enums import TextMode
from fpdf.fonts import CoreFont
from fpdf.util import escape_parens

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


def _wrapped(rows: pl.DataFrame, whole: bool) -> dict[int, list[str]]:
    """The rows whose description does not fit one line as it is, by position: their lines (first, then the rest).

    polars picks the candidates (too long, empty, ending in a space, or with a character outside printable
    ASCII); :func:`wrap` decides, so only those rows pay for ``textwrap``.
    """
    a = pl.col("a")
    candidates = rows.select(
        ((a.str.len_chars() > WIDTHS[0]) | (a.str.len_chars() == 0) | a.str.ends_with(" ") | a.str.contains(r"[^ -~]")).arg_true()
    ).to_series()
    out: dict[int, list[str]] = {}
    for i in candidates.to_list():
        a_, b, c, d, e, f, g, h = rows.row(i)
        parts = wrap(a_)
        if parts != [a_]:
            first = _row(parts[0], b, c, f, (d, e, g, h), whole)
            out[i] = [first, *(_line((extra, "", "", "", "", "", "", "")) for extra in parts[1:])]
    return out


def box_lines(form: Form8949, box: Box) -> Iterator[list[str]]:
    """The lines of each statement page of ``box``: rows, then the page total (and the box total at the end).

    A page holds as many rows as fit in :data:`LINES_PER_PAGE` less the two total lines; a row whose
    description wraps takes all its lines on one page.
    """
    whole = form.options.rounding is Rounding.DOLLARS
    rows = form.detail.filter(form.detail["box"] == str(box)).select(*"abcdefgh")
    lines = _lines(rows, whole)
    wrapped = _wrapped(rows, whole)
    budget = LINES_PER_PAGE - 2  # room for the page total and the box total
    if wrapped:  # the first row of each page
        starts, used = [0], 0
        for i in range(rows.height):
            size = len(wrapped[i]) if i in wrapped else 1
            if used and used + size > budget:
                starts.append(i)
                used = 0
            used += size
    else:  # every row one line
        starts = list(range(0, max(rows.height, 1), budget))
    page = pl.Series(starts, dtype=pl.Int64).search_sorted(pl.int_range(rows.height, eager=True), side="right") - 1
    sums = {
        p: (d, e, g, h)
        for p, d, e, g, h in rows.select(pl.Series("page", page), *"degh").group_by("page").agg(pl.col(*"degh").sum()).iter_rows()
    }
    box_sum = [sum(v[k] for v in sums.values()) for k in range(4)]
    ends = [*starts[1:], rows.height]
    for p, (first, end) in enumerate(zip(starts, ends, strict=True)):
        body = lines[first:end]
        if wrapped and any(i in wrapped for i in range(first, end)):
            body = [line for i in range(first, end) for line in (wrapped.get(i) or [lines[i]])]
        footer = ["", _row("Page total", "", "", "", sums.get(p, (0, 0, 0, 0)), whole)]
        if p == len(starts) - 1:
            footer.append(_row(f"Box {box} total", "", "", "", box_sum, whole))
        yield [*body, *footer]


def _plain_text_state(pdf: FPDF) -> bool:
    """Whether ``pdf.text`` writes nothing but ``BT x y Td (text) Tj ET`` (core font, no decoration or colour)."""
    return (
        isinstance(pdf.current_font, CoreFont)
        and pdf.text_mode == TextMode.FILL
        and not (pdf.underline or pdf.strikethrough or pdf._record_text_quad_points)
        and pdf.fill_color == pdf.text_color
    )


def put_lines(pdf: FPDF, lines: Sequence[str]) -> None:
    """Set ``lines`` down the current page, one text run per line, byte for byte what ``pdf.text`` writes.

    ``pdf.text`` costs several µs a line in checks; a year of 600,000 rows has over 600,000 lines. The first
    line goes through it (it sets the page's font); the rest are the same operators, their text made
    Latin-1 and escaped once for the whole page.
    """
    if not lines:
        return
    pdf.text(36, 40, _latin1(lines[0]))
    if len(lines) == 1:
        return
    rest = "\n".join(lines[1:])
    if rest.count("\n") != len(lines) - 2 or not _plain_text_state(pdf):  # a line break inside a line: one by one
        for i, text in enumerate(lines[1:], start=1):
            pdf.text(36, 40 + i * LEADING, _latin1(text))
        return
    texts = escape_parens(pdf.normalize_text(_latin1(rest))).split("\n")
    runs = [f"{head}({text}) Tj ET" for head, text in zip(_run_heads(pdf.k, pdf.h, len(texts)), texts, strict=True)]
    pdf._out("\n".join(runs))  # _out ends it with the newline each text run would have had


@functools.cache
def _run_heads(k: float, h: float, count: int) -> tuple[str, ...]:
    """The start of the text runs of lines 1 to ``count`` (``pdf.text`` at x 36, y 40 + i * LEADING)."""
    return tuple(f"BT {36 * k:.2f} {(h - (40 + i * LEADING)) * k:.2f} Td " for i in range(1, count + 1))


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
            put_lines(pdf, [*head, *lines])
    pdf.output(str(path))
