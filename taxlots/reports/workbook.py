"""The audit workbook ``taxlots-YYYY.xlsx``: the year explained to a person, every number traceable to a line.

Sheets: **Summary** (totals by term, box, asset and wallet, and income; three native charts: realized gain
by month, gain by asset, and cost basis held per wallet at each month end), **Disposals** (every lot slice
with the file and line of its acquisition and of its disposal, its box and price source), **Open lots** at
year end, **Income**, **Transfers** and **Problems**. Money is in exact cents (the gains rows), whatever
rounding the forms use. openpyxl writes the Summary and the sheets' setup; the tables' rows are built as XML in
polars a chunk at a time (see ``xlsx``), so memory does not grow with the year.

"Basis held" at a month end counts every lot acquired by then and not yet sold: the year-end open lots and
the slices sold during the year, by the wallet that held them at the end (a lot moved between wallets
counts in the wallet it ended in).
"""

from __future__ import annotations

import calendar
import itertools
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from pathlib import Path

import polars as pl
from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference

from taxlots.reports import xlsx
from taxlots.reports.form8949 import BOX_ORDER, SCHEDULE_D_LINE, Box, Form8949, Rounding
from taxlots.reports.frames import Frames
from taxlots.reports.xlsx import Sheet

DISPOSALS = (
    "disposal_id",
    "lot_id",
    "wallet",
    "asset",
    "quantity",
    "date_acquired",
    "date_sold",
    "term",
    "box",
    "proceeds",
    "cost_basis",
    "gain",
    "price_source",
    "sold_file",
    "sold_line",
    "acquired_file",
    "acquired_line",
)
MONEY_COLUMNS = frozenset({"proceeds", "cost_basis", "gain", "usd_value"})
DATE_COLUMNS = frozenset({"date_acquired", "date_sold", "date"})
SAMPLE = 200  # rows looked at to size the columns


def _kind(name: str, dtype: pl.DataType) -> xlsx.Kind:
    if name in MONEY_COLUMNS:
        return "money"
    if name in DATE_COLUMNS:
        return "date"
    return "text" if dtype == pl.String else "number"


def sheet_parts(title: str, rows: int, per_sheet: int) -> list[tuple[str, int, int]]:
    """(sheet title, first row, row count) for ``rows`` rows, at most ``per_sheet`` per sheet (Excel's limit).

    The first sheet keeps ``title``; the next are ``title (2)``, ``title (3)``... An empty table is one sheet.
    """
    count = max(1, -(-rows // per_sheet))
    return [(title if i == 0 else f"{title} ({i + 1})", i * per_sheet, min(per_sheet, rows - i * per_sheet)) for i in range(count)]


def _table(wb: Workbook, title: str, frame: pl.DataFrame) -> dict[str, Iterator[bytes]]:
    """``frame`` as it is: header, frozen, filtered, sized, typed cells; more sheets past Excel's row limit.

    Returns each sheet's data rows as XML for :func:`xlsx.save` to splice in (openpyxl writes the header).
    """
    header = frame.columns
    widths = xlsx.widths_for(header, frame.head(SAMPLE).iter_rows())
    kinds = [_kind(name, dtype) for name, dtype in frame.schema.items()]
    bodies: dict[str, Iterator[bytes]] = {}
    for name, start, count in sheet_parts(title, frame.height, xlsx.MAX_ROWS - 1):
        ws = xlsx.table_sheet(wb, name, header, widths, count)
        bodies[name] = xlsx.rows_xml(ws, frame.slice(start, count), kinds)
    return bodies


def disposals(frames: Frames, form: Form8949) -> pl.DataFrame:
    """The Disposals sheet's rows: every slice in disposal order, with its term and box."""
    boxes = form.detail.select(pl.col("slice").cast(pl.UInt32), "box")
    return (
        frames.slices.with_row_index("slice")
        .join(boxes, on="slice", how="left")
        .sort("slice")
        .with_columns(term=pl.when(pl.col("long_term")).then(pl.lit("long")).otherwise(pl.lit("short")))
        .select(DISPOSALS)
    )


def _sums(frame: pl.DataFrame, by: str, order: Sequence[str] | None = None) -> list[tuple[str, int, int, int]]:
    grouped = frame.group_by(by).agg(pl.col("proceeds").sum(), pl.col("cost_basis").sum(), pl.col("gain").sum()).sort(by)
    rows = [(str(k), int(p), int(b), int(g)) for k, p, b, g in grouped.iter_rows()]
    if order is not None:
        rank = {k: i for i, k in enumerate(order)}
        rows.sort(key=lambda r: rank.get(r[0], len(rank)))
    return rows


def _total(label: str, frame: pl.DataFrame) -> tuple[str, int, int, int]:
    return label, int(frame["proceeds"].sum()), int(frame["cost_basis"].sum()), int(frame["gain"].sum())


def gain_by_month(slices: pl.DataFrame) -> list[tuple[str, int, int]]:
    """(month name, short-term gain, long-term gain) in cents for the twelve months."""
    sums = {
        (m, lt): int(g)
        for m, lt, g in slices.group_by(pl.col("date_sold").dt.month().alias("m"), "long_term").agg(pl.col("gain").sum()).iter_rows()
    }
    return [(calendar.month_abbr[m], sums.get((m, False), 0), sums.get((m, True), 0)) for m in range(1, 13)]


def basis_held(frames: Frames) -> tuple[list[str], list[tuple[date, list[int]]]]:
    """Wallets, and for each month end of the year the cost basis (cents) each wallet held (see the docstring)."""
    year = frames.year
    start = date(year, 1, 1)
    held = frames.slices.filter(pl.col("date_acquired").is_not_null())
    events = pl.concat(
        [
            frames.open_lots.select("wallet", day="date_acquired", delta="cost_basis"),
            held.select("wallet", day="date_acquired", delta="cost_basis"),
            held.select("wallet", day="date_sold", delta=-pl.col("cost_basis")),
        ]
    )
    month = pl.when(pl.col("day") < start).then(0).otherwise(pl.col("day").dt.month().cast(pl.Int64))
    per = events.group_by("wallet", month.alias("k")).agg(pl.col("delta").sum())
    wallets = sorted(per["wallet"].unique().to_list())
    level = {(w, k): int(v) for w, k, v in per.iter_rows()}
    out = []
    running = {w: level.get((w, 0), 0) for w in wallets}
    for m in range(1, 13):
        for w in wallets:
            running[w] += level.get((w, m), 0)
        out.append((date(year, m, calendar.monthrange(year, m)[1]), [running[w] for w in wallets]))
    return wallets, out


class _Summary:
    """Appends the Summary sheet's blocks, remembering where each landed for the charts."""

    def __init__(self, wb: Workbook) -> None:
        self.ws: Sheet = wb.create_sheet("Summary", 0)
        for letter, width in zip("ABCDEFGH", (28, 16, 16, 16, 16, 16, 16, 16), strict=True):
            self.ws.column_dimensions[letter].width = width
        self.row = 0

    def line(self, cells: Iterable[object]) -> int:
        self.ws.append(list(cells))
        self.row += 1
        return self.row

    def block(self, title: str, header: Sequence[str], rows: Iterable[tuple[str, int, int, int]]) -> None:
        ws = self.ws
        self.line([xlsx.text(ws, title, bold=True), *(xlsx.text(ws, h, bold=True) for h in header)])
        for label, *amounts in rows:
            self.line([xlsx.text(ws, label), *(xlsx.money(ws, a) for a in amounts)])
        self.line([])


def _summary(wb: Workbook, frames: Frames, form: Form8949) -> None:
    s = _Summary(wb)
    ws = s.ws
    s.line([xlsx.text(ws, f"taxlots audit workbook, tax year {frames.year}", bold=True)])
    s.line([])
    money_header = ("Proceeds", "Cost basis", "Gain")
    sl = frames.slices
    terms = [_total(label, sl.filter(pl.col("long_term") == lt)) for label, lt in (("Short-term", False), ("Long-term", True))]
    s.block("By term", money_header, [*terms, _total("Total", sl)])
    s.block(
        "By Form 8949 box", money_header, _sums(form.detail.rename({"d": "proceeds", "e": "cost_basis", "h": "gain"}), "box", BOX_ORDER)
    )
    by_asset = _sums(sl, "asset")
    s.block("By asset", money_header, by_asset)
    s.block("By wallet", money_header, _sums(sl, "wallet"))
    income = frames.income.group_by("asset").agg(pl.col("usd_value").sum()).sort("asset")
    s.line([xlsx.text(ws, "Income (Schedule 1, not Form 8949)", bold=True), xlsx.text(ws, "USD value", bold=True)])
    for asset, value in income.iter_rows():
        s.line([xlsx.text(ws, asset), xlsx.money(ws, int(value))])
    s.line([xlsx.text(ws, "Total income"), xlsx.money(ws, int(frames.income["usd_value"].sum()), bold=True)])
    s.line([])
    _charts(s, frames, by_asset)


def _charts(s: _Summary, frames: Frames, by_asset: list[tuple[str, int, int, int]]) -> None:
    ws = s.ws
    first = s.line(
        [xlsx.text(ws, "Realized gain by month", bold=True), xlsx.text(ws, "Short-term", bold=True), xlsx.text(ws, "Long-term", bold=True)]
    )
    for month, short, long in gain_by_month(frames.slices):
        s.line([month, xlsx.money(ws, short), xlsx.money(ws, long)])
    by_month = BarChart()
    by_month.type, by_month.grouping, by_month.overlap = "col", "stacked", 100
    by_month.title, by_month.y_axis.title = "Realized gain by month (USD)", "USD"
    by_month.add_data(Reference(ws, min_col=2, max_col=3, min_row=first, max_row=first + 12), titles_from_data=True)
    by_month.set_categories(Reference(ws, min_col=1, min_row=first + 1, max_row=first + 12))
    ws.add_chart(by_month, "F2")
    s.line([])

    first = s.line([xlsx.text(ws, "Gain by asset", bold=True), xlsx.text(ws, "Gain", bold=True)])
    for asset, _p, _b, gain in by_asset:
        s.line([xlsx.text(ws, asset), xlsx.money(ws, gain)])
    by_asset_chart = BarChart()
    by_asset_chart.type, by_asset_chart.title = "bar", "Realized gain by asset (USD)"
    by_asset_chart.add_data(Reference(ws, min_col=2, min_row=first, max_row=first + max(1, len(by_asset))), titles_from_data=True)
    by_asset_chart.set_categories(Reference(ws, min_col=1, min_row=first + 1, max_row=first + max(1, len(by_asset))))
    ws.add_chart(by_asset_chart, "F20")
    s.line([])

    wallets, months = basis_held(frames)
    first = s.line([xlsx.text(ws, "Cost basis held at month end", bold=True), *(xlsx.text(ws, w, bold=True) for w in wallets)])
    for month_end, levels in months:
        s.line([xlsx.day(ws, month_end), *(xlsx.money(ws, v) for v in levels)])
    held = LineChart()
    held.title, held.y_axis.title = "Cost basis held per wallet (USD, month end)", "USD"
    held.add_data(Reference(ws, min_col=2, max_col=1 + max(1, len(wallets)), min_row=first, max_row=first + 12), titles_from_data=True)
    held.set_categories(Reference(ws, min_col=1, min_row=first + 1, max_row=first + 12))
    ws.add_chart(held, "F38")


def write(path: Path, frames: Frames, form: Form8949) -> None:
    """Write ``taxlots-YYYY.xlsx``."""
    wb = xlsx.new_workbook(frames.year)
    _summary(wb, frames, form)
    bodies = _table(wb, "Disposals", disposals(frames, form))
    bodies |= _table(wb, "Open lots", frames.open_lots)
    bodies |= _table(wb, "Income", frames.income)
    bodies |= _table(wb, "Transfers", frames.transfers)
    bodies |= _table(wb, "Problems", frames.problems)
    xlsx.save(wb, path, frames.year, bodies)


FORM_HEADER = (
    "(a) Description",
    "(b) Date acquired",
    "(c) Date sold",
    "(d) Proceeds",
    "(e) Cost basis",
    "(f) Code",
    "(g) Adjustment",
    "(h) Gain or (loss)",
    "disposal_id",
    "lot_id",
    "wallet",
)


def write_form8949(path: Path, form: Form8949) -> None:
    """``form8949.xlsx``: a sheet per box with every row in the form's columns and its totals as formulas."""
    whole = form.options.rounding is Rounding.DOLLARS
    wb = xlsx.new_workbook(form.options.year)
    boxes = [b for b in BOX_ORDER if b in form.totals()]
    if not boxes:
        xlsx.table_sheet(wb, "No sales", FORM_HEADER, [len(h) + 2 for h in FORM_HEADER], 0)
    bodies: dict[str, Iterator[bytes]] = {}
    for box in boxes:
        bodies |= _box_sheets(wb, box, form.detail.filter(pl.col("box") == str(box)), whole)
    xlsx.save(wb, path, form.options.year, bodies)


def _box_sheets(wb: Workbook, box: Box, detail: pl.DataFrame, whole: bool) -> dict[str, Iterator[bytes]]:
    """A box's sheets (more than one past Excel's row limit) and each one's rows as XML, ending in its
    ``=SUM`` totals row; the last of several sheets also adds up the others' totals."""
    rows = detail.select(*"abcdefgh", "disposal_id", "lot_id", "wallet")
    widths = xlsx.widths_for(FORM_HEADER, rows.head(SAMPLE).iter_rows())
    parts = sheet_parts(f"Box {box}", rows.height, xlsx.MAX_ROWS - 3)  # room for the header and two total rows
    totals: list[str] = []  # the sheets' total rows, for the box total on the last sheet
    bodies: dict[str, Iterator[bytes]] = {}
    for number, (title, start, count) in enumerate(parts, start=1):
        label = f"Totals, box {box} (Schedule D line {SCHEDULE_D_LINE[box]})"
        if len(parts) > 1:
            label = f"Totals of this sheet ({number} of {len(parts)}), box {box}"
        ws = xlsx.table_sheet(wb, title, FORM_HEADER, widths, count)
        body = xlsx.rows_xml(ws, rows.slice(start, count), _form_kinds(whole))
        tail = [_totals_row(ws, count + 2, label, {col: f"=SUM({col}2:{col}{count + 1})" for col in "DEGH"}, whole)]
        totals.append(f"'{title}'!{{col}}{count + 2}")
        if number == len(parts) > 1:
            label = f"Totals, box {box}, all {len(parts)} sheets (Schedule D line {SCHEDULE_D_LINE[box]})"
            tail.append(
                _totals_row(ws, count + 3, label, {col: "=" + "+".join(t.format(col=col) for t in totals) for col in "DEGH"}, whole)
            )
        bodies[title] = itertools.chain(body, tail)
    return bodies


def _form_kinds(whole: bool) -> list[xlsx.Kind]:
    """How the form's columns are written: (a)-(c) and (f) text, (d), (e), (g), (h) money, then the ids."""
    amount: xlsx.Kind = "whole" if whole else "money"
    return ["text", "text", "text", amount, amount, "text", amount, amount, "text", "text", "text"]


def _totals_row(ws: Sheet, number: int, label: str, sums: dict[str, str], whole: bool) -> bytes:
    """A bold totals row: ``label`` in A and a formula in each of ``sums``' columns."""
    total = xlsx.style(ws, xlsx.DOLLAR_FORMAT if whole else xlsx.MONEY_FORMAT, bold=True)
    cells = [xlsx.text_cell(f"A{number}", label, xlsx.style(ws, bold=True))]
    cells += [xlsx.formula_cell(f"{col}{number}", expression, total) for col, expression in sums.items()]
    return xlsx.row_xml(number, cells)
