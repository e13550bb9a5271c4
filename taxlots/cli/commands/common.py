"""What the commands share: option checks, running the pipeline, and the exit code rule."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import IO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typer

from taxlots import pipeline
from taxlots.cli import render
from taxlots.lots.methods import Method
from taxlots.lots.pool import Scope
from taxlots.model.diagnostics import has_errors
from taxlots.pipeline import Run
from taxlots.reports.files import write_atomic, write_csv


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise typer.BadParameter(
            f"unknown time zone '{name}' (use an IANA name such as UTC or America/New_York)", param_hint="--tz"
        ) from None


def run_inputs(
    inputs: Sequence[Path], *, method: Method, scope: Scope, lots: Path | None, tz: str, allow_shortfalls: bool, as_of: date | None = None
) -> Run:
    """Read and match the inputs with the options every matching command shares; stop on any error."""
    run = pipeline.run(
        [str(p) for p in inputs],
        method=method,
        scope=scope,
        zone=zone(tz),
        lots_file=str(lots) if lots else None,
        as_of=as_of,
        allow_shortfalls=allow_shortfalls,
    )
    finish(run)
    return run


def finish(run: Run) -> None:
    """Print every problem; stop with exit code 1 (and no output) when any is an error."""
    render.diagnostics(run.diagnostics)
    if has_errors(run.diagnostics):
        raise typer.Exit(1)


def emit_csv(output: Path | None, header: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    """Write to ``output`` atomically, or to standard output."""

    def write(fh: IO[str]) -> None:
        write_csv(fh, header, rows)

    if output is None:
        write(sys.stdout)
    else:
        with cannot_write(output):
            write_atomic(output, write)


@contextmanager
def cannot_write(output: Path | str) -> Iterator[None]:
    """Turn a failure to write ``output`` into a one-line error and exit status 1 (nothing is left behind)."""
    try:
        yield
    except OSError as err:
        render.err.print(f"{output}: [bold red]error[/] cannot write: {err.strerror or err}")
        raise typer.Exit(1) from None
