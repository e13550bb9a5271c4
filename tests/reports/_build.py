"""Helpers for the report tests: a text ledger matched and turned into the year's frames and forms."""

from __future__ import annotations

import polars as pl

from taxlots.lots.engine import Config, match
from taxlots.reports import form8949, frames, yearly
from taxlots.testing import ledger


def year_frames(text: str, year: int, config: Config | None = None) -> frames.Frames:
    rows = ledger(text)
    result = match(rows, config or Config())
    empty = frames.transfers_schema_frame()
    where = pl.DataFrame({"id": [r.id for r in rows], "file": [r.source.file for r in rows], "line": [r.source.line for r in rows]})
    return frames.Frames(
        year=year,
        slices=frames.slices(result.disposals, year, where),
        open_lots=frames.open_lots(result.open_lots),
        income=frames.income(result.income, year),
        transfers=empty,
        problems=frames.problems(result.diagnostics),
    )


def year_report(text: str, year: int, **form_options: object) -> yearly.YearReport:
    opts = form8949.Options(year=year, **form_options)  # type: ignore[arg-type]
    return yearly.build(year_frames(text, year), yearly.ReportOptions(form=opts))
