"""Spreadsheet plumbing shared by the workbooks: safe text cells, typed cells, sheets set up for people,
and a save whose bytes depend only on the content.

* **Untrusted text never becomes a formula.** Text from the inputs (asset and wallet names, notes, ids) that
  starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is written as an explicit string cell.
* **Money is a number, exactly:** integer cents become a ``Decimal`` with two places (openpyxl writes its
  text), never a float. Quantities stay text, because a spreadsheet number would round them to 15 digits.
* **Reproducible:** the document properties are fixed to the tax year's last day and every zip entry gets
  that date, so the same inputs give the same file.
* Sheets are written in openpyxl's write-only mode (rows streamed to disk), so memory stays bounded.
"""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

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


def new_workbook(year: int) -> Workbook:
    wb = Workbook(write_only=True)
    stamp = datetime(year, 12, 31)
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.properties.creator = "taxlots"
    return wb


def text(ws: Sheet, value: str, bold: bool = False) -> Any:
    """A text cell; risky text is forced to a string cell so no spreadsheet evaluates it."""
    if not bold and not value.startswith(RISKY):
        return value
    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"
    if bold:
        cell.font = BOLD
    return cell


def money(ws: Sheet, cents: int | None, whole: bool = False, bold: bool = False) -> Any:
    if cents is None:
        return None
    amount: Any = Decimal(cents).scaleb(-2)  # exact; openpyxl writes str(Decimal)
    cell = WriteOnlyCell(ws, value=amount)
    cell.number_format = DOLLAR_FORMAT if whole else MONEY_FORMAT
    if bold:
        cell.font = BOLD
    return cell


def day(ws: Sheet, value: date | None) -> Any:
    if value is None:
        return None
    stamp: Any = value
    cell = WriteOnlyCell(ws, value=stamp)
    cell.number_format = DATE_FORMAT
    return cell


def formula(ws: Sheet, expression: str, whole: bool = False) -> Any:
    cell = WriteOnlyCell(ws, value=expression)
    cell.number_format = DOLLAR_FORMAT if whole else MONEY_FORMAT
    cell.font = BOLD
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


def save(wb: Workbook, path: Path, year: int) -> None:
    """Save with fixed properties and zip dates, so the file depends only on its content.

    openpyxl stamps each zip entry with the current time; the archive is therefore written beside ``path``
    first and copied entry by entry (streamed, so a large sheet is never held in memory) with fixed dates.
    """
    raw = path.with_name(path.name + ".raw")
    try:
        with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            ExcelWriter(wb, archive).save()
        stamp = (year, 12, 31, 0, 0, 0)
        with zipfile.ZipFile(raw) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as out:
            for info in src.infolist():
                fixed = zipfile.ZipInfo(info.filename, date_time=stamp)
                fixed.compress_type = zipfile.ZIP_DEFLATED
                fixed.external_attr = 0o600 << 16
                with src.open(info) as fin, out.open(fixed, "w", force_zip64=True) as fout:
                    shutil.copyfileobj(fin, fout, 1 << 20)
    finally:
        raw.unlink(missing_ok=True)
