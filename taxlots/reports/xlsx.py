"""Spreadsheet plumbing shared by the workbooks: safe text cells, typed cells, sheets set up for people,
and a save whose bytes depend only on the content.

* **Untrusted text never becomes a formula.** Text from the inputs (asset and wallet names, notes, ids) that
  starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is written as an explicit string cell.
* **Money is a number, exactly:** integer cents are written as their decimal text (:func:`money_text`:
  ``704.57``, ``180``), never via a float: openpyxl formats numbers with ``%.16g`` of a float, which wrote
  ``704.5700000000001``. Quantities stay text, because a spreadsheet number would round them to 15 digits.
* **Reproducible:** the document properties are fixed to the tax year's last day and every zip entry gets
  that date, so the same inputs give the same file.
* **Big tables skip openpyxl's cells.** openpyxl builds the package (styles, charts, sheet setup, header
  rows) in write-only mode; the data rows of a table are SpreadsheetML text built column by column in polars
  (:func:`rows_xml`, a chunk of rows at a time, so memory stays bounded) and spliced into their sheet's
  ``<sheetData>`` when the file is saved. The text is what openpyxl writes for the same cells: inline strings,
  money as above, dates as day serials in the date format, integers as numbers, no cell for a null.
* **Text is escaped for XML:** ``& < >`` and carriage returns as entities. Characters XML 1.0 forbids
  (control characters other than tab and newline, U+FFFE, U+FFFF), which openpyxl refuses with an
  ``IllegalCharacterError`` that stopped the whole report, are written in Excel's own ``_xHHHH_`` form, in
  every sheet. Text longer than Excel's 32,767 characters is cut there, as openpyxl does.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

import polars as pl
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from taxlots.query import ENGINE

#: A write-only worksheet. It borrows Worksheet's setup attributes at run time (column_dimensions, page_setup,
#: add_chart, ...), which the openpyxl stubs do not model, so it is typed loosely.
Sheet = Any
RISKY = ("=", "+", "-", "@", "\t", "\r")
MONEY_FORMAT = "#,##0.00;[Red]-#,##0.00"
DOLLAR_FORMAT = "#,##0;[Red]-#,##0"
DATE_FORMAT = "yyyy-mm-dd"
BOLD = Font(bold=True)
#: Rows per worksheet in Excel (the header included); a longer table continues on another sheet.
MAX_ROWS = 1_048_576
#: How a column of a fast table is written: text, integer, money in cents (``WHOLE``: the whole-dollar
#: format), or a date.
Kind = Literal["text", "number", "money", "whole", "date"]
#: Rows turned into XML at a time: bounds the memory of the text built in polars.
CHUNK = 10_000
MAX_TEXT = 32_767  # characters in a cell (Excel's limit; openpyxl cuts longer text)
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_FORBIDDEN_POLARS = r"[\x00-\x08\x0B\x0C\x0E-\x1F\x{FFFE}\x{FFFF}]"
_EXCEL_EPOCH = 25_569  # the day serial of 1970-01-01 (day 0 of pl.Date)
_ROW = "\x00row"  # the name of the row numbers' column in a chunk (no frame's own column is named so)


def new_workbook(year: int) -> Workbook:
    wb = Workbook(write_only=True)
    stamp = datetime(year, 12, 31)
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.properties.creator = "taxlots"
    return wb


def text(ws: Sheet, value: str, bold: bool = False) -> Any:
    """A text cell; risky text is forced to a string cell so no spreadsheet evaluates it."""
    value = _visible(value)
    if not bold and not value.startswith(RISKY):
        return value
    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"
    if bold:
        cell.font = BOLD
    return cell


def money(ws: Sheet, cents: int | None, whole: bool = False, bold: bool = False) -> Any:
    """A money cell holding the exact decimal text of ``cents`` (openpyxl would format a number via a float)."""
    if cents is None:
        return None
    cell = WriteOnlyCell(ws, value=money_text(cents))
    cell.data_type = "n"  # written as <v>text</v>: a number to every reader
    cell.number_format = DOLLAR_FORMAT if whole else MONEY_FORMAT
    if bold:
        cell.font = BOLD
    return cell


def money_text(cents: int) -> str:
    """Integer cents as exact decimal text with trailing zeros dropped: 18000 -> 180, 15010 -> 150.1, -5 -> -0.05."""
    whole, fraction = divmod(abs(cents), 100)
    tail = f".{fraction:02d}".rstrip("0").rstrip(".")
    return f"{'-' if cents < 0 else ''}{whole}{tail}"


def day(ws: Sheet, value: date | None) -> Any:
    if value is None:
        return None
    stamp: Any = value
    cell = WriteOnlyCell(ws, value=stamp)
    cell.number_format = DATE_FORMAT
    return cell


def table_sheet(wb: Workbook, title: str, header: Sequence[str], widths: Sequence[int], rows: int, landscape: bool = True) -> Sheet:
    """A sheet with a bold frozen header row, a filter over ``rows`` data rows, column widths and print setup.

    Everything that openpyxl writes before the rows is set here; the caller then appends the rows.
    """
    ws: Sheet = wb.create_sheet(title)
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    last = get_column_letter(len(header))
    ws.auto_filter.ref = f"A1:{last}{rows + 1}"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.append([text(ws, h, bold=True) for h in header])
    return ws


def widths_for(header: Sequence[str], sample: Iterable[Sequence[object]], cap: int = 60) -> list[int]:
    """Column widths that fit the header and the first rows' text (at most ``cap`` characters)."""
    widths = [len(h) + 2 for h in header]
    for row in sample:
        for i, v in enumerate(row):
            widths[i] = min(cap, max(widths[i], len(str(v)) + 2 if v is not None else 0))
    return widths


def style(ws: Sheet, number_format: str | None = None, bold: bool = False) -> str:
    """The workbook's style index (``s=``) for cells of ``number_format`` and weight, registered as openpyxl would."""
    cell = WriteOnlyCell(ws)
    if number_format is not None:
        cell.number_format = number_format
    if bold:
        cell.font = BOLD
    return str(cell.style_id)


def escape(value: str) -> str:
    """``value`` as the text of a ``<t>`` element (see the module docstring)."""
    return _visible(value[:MAX_TEXT].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;"))


def _visible(value: str) -> str:
    """``value`` with each character XML 1.0 forbids in Excel's escaped form: U+0001 -> ``_x0001_``."""
    return _FORBIDDEN.sub(lambda m: f"_x{ord(m.group()):04X}_", value)


def text_cell(ref: str, value: str, style_id: str | None = None) -> str:
    """One inline string cell, as openpyxl writes it (``xml:space`` kept where the text has outer whitespace)."""
    s = f' s="{style_id}"' if style_id is not None else ""
    if value == "":
        return f'<c r="{ref}"{s} t="inlineStr"></c>'
    space = ' xml:space="preserve"' if value != value.strip() else ""
    return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{escape(value)}</t></is></c>'


def formula_cell(ref: str, expression: str, style_id: str) -> str:
    """One formula cell (``expression`` starts with ``=``), as openpyxl writes it: no cached value."""
    return f'<c r="{ref}" s="{style_id}"><f>{escape(expression[1:])}</f><v></v></c>'


def row_xml(number: int, cells: Iterable[str]) -> bytes:
    return f'<row r="{number}">{"".join(cells)}</row>'.encode()


def _text_expr(column: pl.Series, row: pl.Expr, letter: str) -> pl.Expr:
    """The cells of a string column. Each step a value may need (escaping, ``xml:space``, the empty cell) is
    looked for in the whole column first and built only where some value needs it: most columns need none."""
    value = pl.col(column.name)
    open_t: pl.Expr = pl.lit("<t>")
    if column.str.contains(r"^\s|\s$").any():
        open_t = pl.when(value.str.strip_chars() != value).then(pl.lit('<t xml:space="preserve">')).otherwise(open_t)
    full = pl.concat_str(
        [pl.lit(f'<c r="{letter}'), row, pl.lit('" t="inlineStr"><is>'), open_t, _escaped(column), pl.lit("</t></is></c>")]
    )
    if not (column == "").any():
        return full
    empty = pl.concat_str([pl.lit(f'<c r="{letter}'), row, pl.lit('" t="inlineStr"></c>')])
    return pl.when(value == "").then(empty).otherwise(full)


def _escaped(column: pl.Series) -> pl.Expr:
    """The XML text of a string column: vectorized, or through :func:`escape` if a forbidden character occurs."""
    if column.str.contains(_FORBIDDEN_POLARS).any():
        return pl.lit(column.map_elements(escape, return_dtype=pl.String, skip_nulls=True))
    value = pl.col(column.name)
    longest = column.str.len_bytes().max()  # bytes >= characters: no value is too long unless this is
    if isinstance(longest, int) and longest > MAX_TEXT:
        value = value.str.slice(0, MAX_TEXT)
    if column.str.contains("[&<>\r]").any():
        for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\r", "&#13;")):
            value = value.str.replace_all(char, entity, literal=True)
    return value


def _money_text(name: str) -> pl.Expr:
    """Integer cents as exact decimal text with trailing zeros dropped: 18000 -> 180, 15010 -> 150.1, -5 -> -0.05."""
    cents = pl.col(name)
    digits = cents.abs().cast(pl.String).str.zfill(3)
    fraction = digits.str.tail(2).str.strip_chars_end("0")
    sign = pl.when(cents < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    point = pl.when(fraction == "").then(pl.lit("")).otherwise(pl.lit("."))
    return pl.concat_str([sign, digits.str.head(-2), point, fraction])


def _day_serial(name: str) -> pl.Expr:
    """A ``pl.Date`` as Excel's day serial, as openpyxl's ``to_excel`` computes it (Excel's phantom 1900-02-29)."""
    serial = pl.col(name).cast(pl.Int64) + _EXCEL_EPOCH
    return pl.when((serial > 0) & (serial <= 60)).then(serial - 1).otherwise(serial).cast(pl.String)


def _cell_expr(frame: pl.DataFrame, name: str, kind: Kind, letter: str, row: pl.Expr, styles: Mapping[str, str]) -> pl.Expr:
    if kind == "text":
        return _text_expr(frame[name], row, letter)
    if kind == "number":
        value, attrs = pl.col(name).cast(pl.String), ' t="n"'
    elif kind == "date":
        value, attrs = _day_serial(name), f' s="{styles[kind]}" t="n"'
    else:
        value, attrs = _money_text(name), f' s="{styles[kind]}" t="n"'
    return pl.concat_str([pl.lit(f'<c r="{letter}'), row, pl.lit(f'"{attrs}><v>'), value, pl.lit("</v></c>")])


def rows_xml(ws: Sheet, frame: pl.DataFrame, kinds: Sequence[Kind], first_row: int = 2) -> Iterator[bytes]:
    """The ``<row>`` elements of ``frame`` (its columns in order, written as ``kinds``), from row ``first_row``.

    Built in polars a chunk of :data:`CHUNK` rows at a time, as the rows are consumed: one string expression
    per column, concatenated per row and joined. A null is no cell, as in openpyxl; an empty string is an empty
    string cell. The columns' types are checked and the styles registered now, before the workbook is saved.
    """
    if frame.width != len(kinds):
        raise ValueError(f"{frame.width} columns but {len(kinds)} kinds")
    for name, kind in zip(frame.columns, kinds, strict=True):
        dtype = frame.schema[name]
        expected = {"text": dtype == pl.String, "date": dtype == pl.Date}.get(kind, dtype.is_integer())
        if not expected:
            raise TypeError(f"column {name!r} is {dtype}, which is not written as {kind}")
    formats = {"money": MONEY_FORMAT, "whole": DOLLAR_FORMAT, "date": DATE_FORMAT}
    # In the order openpyxl meets them (a row's columns), and none for no rows: the same styles.xml as openpyxl's.
    styles: dict[str, str] = {kind: style(ws, formats[kind]) for kind in dict.fromkeys(kinds) if kind in formats and frame.height}
    return _chunks(frame, kinds, first_row, styles)


def _chunks(frame: pl.DataFrame, kinds: Sequence[Kind], first_row: int, styles: Mapping[str, str]) -> Iterator[bytes]:
    names = frame.columns
    for start in range(0, frame.height, CHUNK):
        # The row number's text is a column of its own: every cell of the row names it.
        number = (pl.int_range(pl.len(), dtype=pl.Int64) + (first_row + start)).cast(pl.String).alias(_ROW)
        chunk = frame.slice(start, CHUNK).with_columns(number)
        row = pl.col(_ROW)
        cells = [
            _cell_expr(chunk, name, kind, get_column_letter(i), row, styles).fill_null("")
            for i, (name, kind) in enumerate(zip(names, kinds, strict=True), start=1)
        ]
        line = pl.concat_str([pl.lit('<row r="'), row, pl.lit('">'), *cells, pl.lit("</row>")])
        yield chunk.lazy().select(line.str.join("").cast(pl.Binary)).collect(engine=ENGINE).item()  # UTF-8 bytes, not a str to encode


def save(wb: Workbook, path: Path, year: int, bodies: Mapping[str, Iterable[bytes]] | None = None) -> None:
    """Save with fixed properties and zip dates, so the file depends only on its content.

    ``bodies`` maps a sheet's title to more rows of XML (:func:`rows_xml`, :func:`row_xml`), written after the
    rows openpyxl has, at the end of the sheet's ``<sheetData>``.

    openpyxl stamps each zip entry with the current time; the archive is therefore written beside ``path``
    first and copied entry by entry (streamed, so a large sheet is never held in memory) with fixed dates.
    """
    bodies = bodies or {}
    raw = path.with_name(path.name + ".raw")
    try:
        with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            ExcelWriter(wb, archive).save()
        spliced = {wb[title].path.lstrip("/"): body for title, body in bodies.items()}
        stamp = (year, 12, 31, 0, 0, 0)
        with zipfile.ZipFile(raw) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as out:
            for info in src.infolist():
                fixed = zipfile.ZipInfo(info.filename, date_time=stamp)
                fixed.compress_type = zipfile.ZIP_DEFLATED
                fixed.external_attr = 0o600 << 16
                # Deflate's fastest level: a third of level 6's time on the big sheets, files ~25% larger.
                # ZipFile.open(info) ignores the archive's compresslevel (Python 3.13 names it compress_level).
                fixed._compresslevel = 1  # type: ignore[attr-defined]
                with src.open(info) as fin, out.open(fixed, "w", force_zip64=True) as fout:
                    if info.filename in spliced:
                        _splice(fin.read(), spliced[info.filename], fout)
                    else:
                        shutil.copyfileobj(fin, fout, 1 << 20)
    finally:
        raw.unlink(missing_ok=True)


def _splice(sheet: bytes, rows: Iterable[bytes], out: Any) -> None:
    """Write ``sheet`` (openpyxl's XML of a sheet holding only its first rows) with ``rows`` added to its data."""
    if b"<sheetData/>" in sheet:
        sheet = sheet.replace(b"<sheetData/>", b"<sheetData></sheetData>", 1)
    end = sheet.index(b"</sheetData>")
    out.write(sheet[:end])
    for chunk in rows:
        out.write(chunk)
    out.write(sheet[end:])
