"""Paths in, one unified ledger out: detect each file's format, read it with polars, validate, deduplicate.

The pipeline for each file: find the header in the first lines (:func:`sniff`), scan every column as a
string, set aside blank lines, repeated header lines and rows with too many fields, let the importer
normalize the rest into the unified schema, then check every row against the ledger's rules (a trade has
two sides, quantities are positive, ...). Rows that fail become diagnostics that name the file and line.

Across files: rows that carry an exchange id are kept once per id (the importer with the higher
``PRIORITY`` wins, e.g. Kraken ledgers over Kraken trades); rows without one are deduplicated as a multiset
(per distinct row, the largest count seen in any one file is kept, because two identical fills in the same
second are legitimate). Rows are then ordered by timestamp, input file order and line, and numbered
(``seq``). :func:`engine_rows` is the one bridge from this frame to the engine (its integer rows);
:func:`to_rows` gives ``LedgerRow`` values, with ``Decimal`` amounts, to library callers.

The modules, in the order data flows through them: :mod:`.sniff` (header and importer), :mod:`.read`
(scan and normalize one file), :mod:`.lines` (line checks on the raw text), :mod:`.rules` (the ledger's
rules, rows covered by an authoritative export), :mod:`.dedupe` (content ids, one row per id),
:mod:`.reports` (per-file reports and row diagnostics), :mod:`.convert` (frame to engine rows) and
:mod:`.write` (the ledger file). :func:`load` here runs them in that order.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import polars as pl

from taxlots import inputs
from taxlots.importers import IMPORTERS
from taxlots.importers.base import UNIFIED_SCHEMA
from taxlots.ingest.convert import engine_rows, to_rows
from taxlots.ingest.dedupe import _dedupe, content_ids
from taxlots.ingest.read import OWN_LEDGER_PRIORITY, PROVENANCE, FileReport, read_file
from taxlots.ingest.reports import _fill_reports, _future, _row_diagnostics
from taxlots.ingest.rules import EARLIEST, LATEST, _covered, _judge
from taxlots.ingest.sniff import SNIFF_LINES, Sniffed, sniff
from taxlots.ingest.write import ledger_frame, write_ledger
from taxlots.model.diagnostics import Diagnostic, sort_key
from taxlots.model.ledger import Kind, LedgerRow
from taxlots.query import ENGINE

__all__ = [
    "EARLIEST", "LATEST", "OWN_LEDGER_PRIORITY", "PROVENANCE", "SNIFF_LINES", "FileReport", "Ledger", "Sniffed", "content_ids",
    "engine_rows", "ledger_frame", "load", "read_file", "sniff", "to_rows", "write_ledger",
]  # fmt: skip


@dataclass(slots=True)
class Ledger:
    """The unified ledger of a run: ``frame`` is validated, deduplicated and ordered by ``seq``."""

    frame: pl.DataFrame
    files: list[FileReport]
    diagnostics: list[Diagnostic]

    def rows(self) -> Iterator[LedgerRow]:
        return to_rows(self.frame)


def _read_all(
    paths: Sequence[str],
    *,
    tz: str,
    importers: tuple[ModuleType, ...],
    encoding: str | None,
    on_file: Callable[[int, int, str], None] | None,
) -> tuple[list[pl.DataFrame], list[FileReport], list[Diagnostic]]:
    """Expand directories, make each input UTF-8 CSV text (:mod:`taxlots.inputs`) and read it."""
    frames: list[pl.DataFrame] = []
    reports: list[FileReport] = []
    names, diags = inputs.expand(paths)
    with tempfile.TemporaryDirectory(prefix="taxlots-") as work:
        for order, name in enumerate(names):
            if on_file is not None:
                on_file(order, len(names), name)
            src, problems = inputs.prepare(name, Path(work), order, encoding=encoding)
            diags += problems
            if src is None:
                reports.append(FileReport(path=inputs.STDIN if name == "-" else name))
                continue
            frame, report, problems = read_file(src.name, order, tz=tz, importers=importers, text=src.path)
            reports.append(report)
            diags += problems
            if frame is not None:
                frames.append(frame)
    return frames, reports, diags


def load(
    paths: Sequence[str],
    *,
    tz: str = "UTC",
    importers: tuple[ModuleType, ...] = IMPORTERS,
    encoding: str | None = None,
    on_file: Callable[[int, int, str], None] | None = None,
) -> Ledger:
    """Read every input file into one validated, deduplicated, ordered ledger.

    Args:
        paths: the inputs, in the order given (ties in time keep this order): files, directories (the files
            inside, sorted), or ``-`` for standard input.
        tz: zone for timestamps that carry none where the export's format documents none.
        importers: the importers to detect formats with (tests narrow it to one).
        encoding: read every text input in this encoding instead of detecting it.
        on_file: told ``(index, number of files, path)`` before each input file is read (a progress bar).

    Returns:
        The :class:`Ledger`, whose diagnostics list every problem of every file.
    """
    frames, reports, diags = _read_all(paths, tz=tz, importers=importers, encoding=encoding, on_file=on_file)
    empty = pl.DataFrame(
        schema={
            **UNIFIED_SCHEMA,
            "file": pl.String,
            "order": pl.Int64,
            "importer": pl.String,
            "priority": pl.Int64,
            "src_file": pl.String,
            "src_line": pl.Int64,
        }
    )
    allrows = pl.concat(frames, how="vertical") if frames else empty
    del frames  # the concatenated frame is the one copy kept
    # A transfer's received side defaults to what was sent (no network fee). Most inputs have no transfer
    # missing a side: then the frame is left as it is (rewriting its columns costs a copy of them).
    is_transfer = pl.col("type") == Kind.TRANSFER.value
    if allrows.select((is_transfer & (pl.col("received_asset").is_null() | pl.col("received_qty").is_null())).any()).item():
        allrows = allrows.with_columns(
            received_asset=pl.when(is_transfer & pl.col("received_asset").is_null())
            .then(pl.col("sent_asset"))
            .otherwise(pl.col("received_asset")),
            received_qty=pl.when(is_transfer & pl.col("received_qty").is_null()).then(pl.col("sent_qty")).otherwise(pl.col("received_qty")),
        )
    read_by = {r.importer for r in reports}
    for imp in importers:  # an importer may join its rows across files (Etherscan: a swap's legs share a hash)
        if hasattr(imp, "combine") and imp.NAME in read_by:  # only its own rows: none when it read no file
            allrows = imp.combine(allrows)
    # An importer's own error (an unparseable value) comes first; the ledger rules judge only clean rows.
    allrows = _covered(_judge(allrows), importers)
    importer_of = {r.path: r.importer for r in reports}
    # Only the columns each part needs are filtered (an eager filter copies every column of the frame).
    marks = allrows.lazy().select("order", "file", "line", "error", "skip")
    bad, skipped, counted = pl.collect_all(
        [
            marks.filter(pl.col("error").is_not_null()).select("order", "file", "line", "error"),
            marks.filter(pl.col("skip").is_not_null()).select("order", "line", "skip"),
            marks.filter(pl.col("skip").is_null()).group_by("order").len(),  # the rows each file produced
        ],
        engine=ENGINE,
    )
    if bad.is_empty() and skipped.is_empty():  # nothing to set aside: the good rows are all rows, no copy
        good = allrows.drop("error", "skip")
    else:
        good = allrows.filter(pl.col("error").is_null() & pl.col("skip").is_null()).drop("error", "skip")
    del allrows  # only the good rows go on
    kept, dropped, conflicts = _dedupe(good)
    del good
    # Sorted a column at a time, each unsorted column let go as its sorted copy is made (``kept`` must be the
    # only reference): ``DataFrame.sort`` gathers every column at once, 400 MB more RSS at a million rows.
    order = kept.select(pl.arg_sort_by("timestamp", "order", "line")).to_series()  # unique keys: no ties to break
    columns: list[pl.Series] = []
    for name in kept.columns:
        columns.append(kept.get_column(name).gather(order))
        kept = kept.drop(name)
    kept = pl.DataFrame(columns).with_row_index("seq").with_columns(pl.col("seq").cast(pl.Int64))
    diags += _row_diagnostics(bad, importer_of) + conflicts
    diags += _fill_reports(reports, counted, bad, skipped, dropped, kept)
    diags += _future(kept, datetime.now(UTC))
    return Ledger(frame=kept, files=reports, diagnostics=sorted(diags, key=sort_key))
