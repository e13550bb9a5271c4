"""One tax year's whole report: Form 8949, Schedule D, TXF, TurboTax files and the audit workbook.

:func:`build` derives everything from the year's frames; :func:`writers` names every output file and the
function that writes it (``bundle.write_dir`` then writes them atomically); :func:`summary` is the
``--json`` document (schema in docs/report.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from taxlots.reports import form8949, schedule_d, turbotax, txf
from taxlots.reports.bundle import Writer
from taxlots.reports.files import write_csv, write_frame_csv
from taxlots.reports.form8949 import Form8949, Rounding
from taxlots.reports.frames import Frames
from taxlots.reports.money import plain_amount
from taxlots.reports.schedule_d import ScheduleD


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportOptions:
    form: form8949.Options
    name: str = ""  # the filer's name, printed on the forms
    tin: str = ""  # the filer's SSN or TIN, printed on the forms
    turbotax_rows: int = 2000  # at most this many rows per TurboTax gains CSV


@dataclass(frozen=True, slots=True, kw_only=True)
class YearReport:
    frames: Frames
    form: Form8949
    schedule: ScheduleD
    options: ReportOptions

    @property
    def year(self) -> int:
        return self.frames.year

    @property
    def whole(self) -> bool:
        return self.form.options.rounding is Rounding.DOLLARS


def build(frames: Frames, options: ReportOptions) -> YearReport:
    """Form 8949 and Schedule D for the year of ``frames``."""
    form = form8949.build(frames.slices, options.form)
    return YearReport(frames=frames, form=form, schedule=schedule_d.build(form), options=options)


def export_date(report: YearReport) -> date:
    """The date written where a format wants an export date: the year's last day, so reruns are identical."""
    return date(report.year, 12, 31)


def _csv(path: Path, header: tuple[str, ...], rows: Iterable[Sequence[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        write_csv(fh, header, rows)


def write_form8949_csv(report: YearReport, path: Path) -> None:
    write_frame_csv(path, form8949.csv_rows(report.form), form8949.CSV_HEADER)


def schedule_d_rows(report: YearReport) -> list[tuple[str, ...]]:
    """``schedule_d.csv``: each line with sales (d, e, g, h), then lines 7, 15 and 16 (gain only)."""
    whole = report.whole
    rows = [(line, *(plain_amount(v, whole) for v in values)) for line, values in report.schedule.lines.items()]
    for line, value in (("7", report.schedule.line7), ("15", report.schedule.line15), ("16", report.schedule.line16)):
        rows.append((line, "", "", "", plain_amount(value, whole)))
    return rows


def write_schedule_d_csv(report: YearReport, path: Path) -> None:
    _csv(path, schedule_d.CSV_HEADER, schedule_d_rows(report))


def write_txf(report: YearReport, path: Path) -> None:
    with path.open("w", encoding="ascii", newline="") as fh:
        txf.write(fh, report.form, export_date(report))


#: Output names that come in numbered series: an earlier run's extra files are removed (``bundle.write_dir``).
SERIES = ("turbotax-gains-*.csv",)


def slow(report: YearReport) -> tuple[str, ...]:
    """The outputs that take longest to write, slowest first (``bundle.write_dir`` starts them first)."""
    return (f"taxlots-{report.year}.xlsx", "form8949-statement.pdf", "form8949.xlsx")


def writers(report: YearReport) -> dict[str, Writer]:
    """Every output file of the report, by name, with its writer."""
    # The PDF and workbook libraries load here, not with the module: every other command starts faster.
    from taxlots.reports import pdf, statement, workbook

    filer = pdf.Filer(report.options.name, report.options.tin)
    gains = {name: _turbotax_writer(part) for name, part in turbotax.parts(report.form, report.options.turbotax_rows)}
    return {
        "form8949.pdf": lambda p: pdf.write_form8949(p, report.form, filer),
        "form8949-statement.pdf": lambda p: statement.write(p, report.form, filer.name, filer.tin),
        "form8949.csv": lambda p: write_form8949_csv(report, p),
        "form8949.xlsx": lambda p: workbook.write_form8949(p, report.form),
        "schedule_d.pdf": lambda p: pdf.write_schedule_d(p, report.schedule, report.year, report.whole, filer),
        "schedule_d.csv": lambda p: write_schedule_d_csv(report, p),
        "taxlots.txf": lambda p: write_txf(report, p),
        **gains,
        f"taxlots-{report.year}.xlsx": lambda p: workbook.write(p, report.frames, report.form),
    }


def _turbotax_writer(part: pl.DataFrame) -> Writer:
    return lambda p: turbotax.write(p, part)


def summary(report: YearReport, files: list[str]) -> dict[str, Any]:
    """The ``--json`` document: totals per box and per term, Schedule D lines, income and the files written."""
    whole = report.whole
    form = report.form

    def amounts(values: tuple[int, int, int, int]) -> dict[str, str]:
        return dict(zip(("proceeds", "cost_basis", "adjustment", "gain"), (plain_amount(v, whole) for v in values), strict=True))

    boxes = []
    for box, values in form.totals().items():
        route = "exception1" if box in form.exception1_boxes else "statement" if box in form.statement_boxes else "form"
        rows = form.detail.filter(form.detail["box"] == box).height
        boxes.append({"box": str(box), "part": form8949.PART[box], "rows": rows, "route": route, **amounts(values)})
    terms = {}
    for term, part in (("short", 1), ("long", 2)):
        chosen = [form.totals()[b] for b in form.totals() if form8949.PART[b] == part]
        terms[term] = amounts(tuple(sum(v[i] for v in chosen) for i in range(4)))  # type: ignore[arg-type]
    income = int(report.frames.income["usd_value"].sum())
    return {
        "year": report.year,
        "rounding": str(form.options.rounding),
        "boxes": boxes,
        "terms": terms,
        "schedule_d": {
            **{line: amounts(values) for line, values in report.schedule.lines.items()},
            "7": plain_amount(report.schedule.line7, whole),
            "15": plain_amount(report.schedule.line15, whole),
            "16": plain_amount(report.schedule.line16, whole),
        },
        "income": plain_amount(income),
        "rows": form.detail.height,
        "files": files,
    }
