"""Step 2, read: scan one export as strings, apply the line checks, let its importer normalize it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from types import ModuleType

import polars as pl

from taxlots.importers import IMPORTERS, Context
from taxlots.importers import _exprs as ex
from taxlots.importers.base import UNIFIED_SCHEMA
from taxlots.ingest.lines import _SLACK, _cell_checks, _line_checks
from taxlots.ingest.sniff import Sniffed, sniff
from taxlots.model.diagnostics import Code, Diagnostic
from taxlots.model.source import SourceRef
from taxlots.query import ENGINE

OWN_LEDGER_PRIORITY = 1000  # above every importer's PRIORITY


#: Extra columns of a written ledger: where each row came from.
PROVENANCE = ("source_file", "source_line")


@dataclass(slots=True)
class FileReport:
    """What reading one file found (``taxlots detect`` prints it)."""

    path: str
    importer: str = ""
    title: str = ""
    header_line: int = 0
    rows: int = 0  # ledger rows the importer produced (before validation and deduplication)
    kept: int = 0
    errors: int = 0
    duplicates: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    first: datetime | None = None
    last: datetime | None = None
    assets: tuple[str, ...] = ()
    wallets: tuple[str, ...] = ()


def _column_names(header: tuple[str, ...]) -> list[str]:
    names: list[str] = []
    for i, cell in enumerate(header):
        name = cell or f"_col{i}"
        while name in names:
            name = f"{name}_{i}"
        names.append(name)
    return names


def _scan(path: str, sn: Sniffed, *, slack: bool) -> tuple[pl.LazyFrame, list[str]]:
    """Every column as a string, plus ``line``. With ``slack``, extra columns catch rows with too many fields."""
    names = _column_names(sn.header)
    extras = [f"_extra{k}" for k in range(_SLACK)] if slack else []
    lf = pl.scan_csv(
        path,
        has_header=False,
        separator=sn.separator,
        skip_lines=sn.header_line,
        schema={n: pl.String for n in names + extras},
        missing_columns="insert",
        extra_columns="raise" if slack else "ignore",  # without slack, the line checks report extra fields
        truncate_ragged_lines=True,
        row_index_name="line",
        row_index_offset=sn.header_line + 1,
        encoding="utf8-lossy",
        infer_schema=False,
    ).with_columns(pl.col("line").cast(pl.Int64))
    return lf, names


def read_file(
    path: str,
    order: int,
    *,
    tz: str = "UTC",
    importers: tuple[ModuleType, ...] = IMPORTERS,
    text: str | None = None,
) -> tuple[pl.DataFrame | None, FileReport, list[Diagnostic]]:
    """Read one export into the unified schema (plus ``file``, ``order``, ``importer`` and provenance columns).

    Args:
        path: the file, as the user named it (messages and provenance name it).
        order: its position among the inputs (ties in time keep input order).
        tz: zone for exports whose timestamps carry none and whose format documents none.
        importers: the importers to detect the format with.
        text: the UTF-8 text to scan, when it is not ``path`` itself (see :mod:`taxlots.inputs`).

    Returns:
        The normalized rows (errors and skips still in them), the file's report, and detection problems.
    """
    report = FileReport(path=path)
    text = text or path
    sn, diag = sniff(text, importers, name=path)
    if sn is None:
        return None, report, [diag] if diag else []
    report.importer, report.title, report.header_line = sn.importer.NAME, sn.importer.TITLE, sn.header_line
    checks, unterminated = _line_checks(text, sn)
    if unterminated is not None:
        message = "unterminated quoted field: the quote opened on this line never closes; the file looks truncated"
        hint = "download the export again (a cut-short download ends inside a field)"
        return None, report, [Diagnostic(code=Code.FILE_UNREADABLE, message=message, source=SourceRef(path, unterminated), hint=hint)]
    lf, names = _scan(text, sn, slack=checks is None)
    if checks is not None:
        # Only the flagged lines are joined (the others would join nulls), and none at all when none is flagged.
        marked = checks.filter(pl.col("_skip").is_not_null() | pl.col("_error").is_not_null()).collect(engine=ENGINE)
        if marked.is_empty():
            lf = lf.with_columns(_skip=pl.lit(None, pl.String), _error=pl.lit(None, pl.String))
        else:
            lf = lf.join(marked.lazy(), on="line", how="left", maintain_order="left")
    else:
        skip, error = _cell_checks(names, sn.header)
        lf = lf.with_columns(_skip=skip, _error=error)
    ctx = Context(file=path, header_line=sn.header_line, header=tuple(names), raw_header=sn.raw_header, tz=tz)
    own_ledger = sn.importer.NAME == "generic" and all(c in names for c in PROVENANCE)
    try:
        # Scanned once: an importer's plan reads its rows in several branches, and a lazy scan would be
        # read (and the line checks joined) once per branch.
        raw = lf.collect(engine=ENGINE)
        flagged = pl.col("_skip").is_not_null() | pl.col("_error").is_not_null()
        problems = raw.lazy().filter(flagged).select(ex.unified(error=pl.col("_error"), skip=pl.col("_skip"))).collect(engine=ENGINE)
        extras = ["_skip", "_error", *[f"_extra{k}" for k in range(_SLACK)]]
        if raw["_skip"].null_count() == raw["_error"].null_count() == raw.height:  # nearly always: no copy of the rows
            clean = raw.drop(extras, strict=False).lazy()
        else:
            # filtered eagerly: polars 2.1's streaming engine can panic on an importer's plan over a lazy filter
            clean = raw.filter(~flagged).drop(extras, strict=False).lazy()
        del raw
        origin = None
        if own_ledger:
            origin = clean.select("line", pl.col("source_file").alias("src_file"), pl.col("source_line").alias("src_line"))
        normalized = sn.importer.normalize(clean, ctx)
        del clean  # an importer that materialized what it reads (Kraken) lets the raw cells go before its plan runs
        parts = pl.collect_all([normalized.select(list(UNIFIED_SCHEMA)), *([origin] if origin is not None else [])], engine=ENGINE)
    except pl.exceptions.PolarsError as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        message = f"cannot read as {sn.importer.TITLE}: {first}"
        return None, report, [Diagnostic(code=Code.FILE_UNREADABLE, message=message, source=SourceRef(path, sn.header_line))]
    frame = pl.concat([parts[0], problems], how="vertical")
    # A ledger taxlots wrote keeps the provenance it names, and its rows win over the same rows read again
    # from exports (it already holds the choice between them, and any edit made to it): re-importing it
    # alone, with its sources or with some of them gives the same ledger.
    priority = OWN_LEDGER_PRIORITY if own_ledger else getattr(sn.importer, "PRIORITY", 0)
    frame = frame.with_columns(
        file=pl.lit(path), order=pl.lit(order, pl.Int64), importer=pl.lit(sn.importer.NAME), priority=pl.lit(priority, pl.Int64)
    )
    if origin is not None:
        src = parts[1].with_columns(pl.col("src_line").str.strip_chars().cast(pl.Int64, strict=False))
        frame = frame.join(src, on="line", how="left", maintain_order="left")
        frame = frame.with_columns(
            src_file=pl.coalesce(ex.blank_to_null(pl.col("src_file")), pl.col("file")), src_line=pl.coalesce("src_line", "line")
        )
    else:
        frame = frame.with_columns(src_file=pl.col("file"), src_line=pl.col("line"))
    return frame, report, []
