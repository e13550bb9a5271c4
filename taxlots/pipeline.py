"""The library's whole job in one call: read the inputs, match lots, collect every problem."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

import polars as pl

from taxlots import ingest, lotfile
from taxlots.ingest import Ledger
from taxlots.lots.engine import Config, match
from taxlots.lots.methods import Method
from taxlots.lots.pool import Scope
from taxlots.model.diagnostics import Code, Diagnostic, Severity, sort_key
from taxlots.model.lots import MatchResult, Selection


@dataclass(slots=True)
class Run:
    """A ledger read and matched. ``diagnostics`` holds every problem, ordered by file and line."""

    ledger: Ledger
    result: MatchResult
    diagnostics: list[Diagnostic]


def run(
    paths: Sequence[str],
    *,
    method: Method = Method.FIFO,
    scope: Scope = Scope.UNIVERSAL,
    zone: tzinfo,
    lots_file: str | None = None,
    as_of: date | None = None,
    allow_shortfalls: bool = False,
) -> Run:
    """Read ``paths``, match every disposal to lots and gather the problems of both steps.

    Args:
        paths: input files, in order.
        method: lot identification method.
        scope: universal or per-wallet pools.
        zone: the taxpayer's zone: tax dates (holding periods, years, ``as_of``) are its calendar dates.
        lots_file: the specific-identification file (required for ``Method.SPECIFIC``).
        as_of: only rows dated on or before this day are matched.
        allow_shortfalls: report a shortfall as a warning (its units get zero basis) instead of an error.
    """
    ledger = ingest.load(paths, tz="UTC")
    diagnostics = list(ledger.diagnostics)
    selections: dict[str, tuple[Selection, ...]] = {}
    if method is Method.SPECIFIC:
        if lots_file is None:
            diagnostics.append(
                Diagnostic(code=Code.BAD_OPTION, message="--method specific needs --lots FILE (disposal_id,lot_id,quantity)")
            )
        else:
            selections, problems = lotfile.read(lots_file)
            diagnostics += problems
    frame = ledger.frame
    if as_of is not None:
        cutoff = datetime.combine(as_of + timedelta(days=1), time(), tzinfo=zone)
        frame = frame.filter(pl.col("timestamp") < cutoff)
    result = match(ingest.to_rows(frame), Config(method=method, scope=scope, zone=zone, selections=selections))
    for diag in result.diagnostics:
        if allow_shortfalls and diag.code is Code.SHORTFALL:
            diag = Diagnostic(code=diag.code, message=diag.message + " (zero basis assumed)", source=diag.source, severity=Severity.WARNING)
        diagnostics.append(diag)
    diagnostics.sort(key=sort_key)
    return Run(ledger=ledger, result=result, diagnostics=diagnostics)
