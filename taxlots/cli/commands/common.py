"""What the commands share: option checks, running the pipeline, and the exit code rule."""

from __future__ import annotations

import gc
import json
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, NoReturn
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import polars as pl
import typer
from rich.markup import escape

from taxlots import ingest, pipeline
from taxlots.cli import render
from taxlots.cli.options import RunArgs, hours
from taxlots.lots.methods import Method
from taxlots.lots.pool import Scope
from taxlots.model.diagnostics import Code, Diagnostic, has_errors
from taxlots.model.source import SourceRef
from taxlots.pipeline import Run
from taxlots.reports.files import write_atomic, write_csv, write_frame_csv


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise typer.BadParameter(
            f"unknown time zone '{name}' (use an IANA name such as UTC or America/New_York)", param_hint="--tz"
        ) from None


def said_encoding(encoding: str | None) -> None:
    """A forced encoding is said on standard error (detected ones are said by ingest when not UTF-8)."""
    if encoding:
        render.note(f"[dim]read every input as {escape(encoding)} (--encoding)[/]", render.err)


def read_inputs(inputs: Sequence[Path] | None, *, encoding: str | None, steps: render.Steps) -> ingest.Ledger:
    """Read the inputs as ``ingest.load`` does, with a progress bar per file."""
    said_encoding(encoding)
    with steps.step("reading") as on_file:
        return ingest.load([str(p) for p in inputs or ()], encoding=encoding, on_file=on_file)


def run_inputs(
    inputs: Sequence[Path] | None,
    *,
    method: Method,
    scope: Scope,
    lots: Path | None,
    tz: str,
    allow_shortfalls: bool,
    run_args: RunArgs,
    as_of: date | None = None,
    keep_frames: bool = True,
) -> Run:
    """Read, pair, price and match the inputs with the options every matching command shares; stop on any error.

    ``keep_frames=False``: the run's ledger frames are let go before matching (see ``pipeline.run``).
    """
    options = options_from(method=method, scope=scope, lots=lots, allow_shortfalls=allow_shortfalls, run_args=run_args, as_of=as_of)
    said_encoding(options.encoding)
    # The run makes millions of objects that live until the command ends, and no cycles: with the collector on,
    # its first pass after the engine (which pauses it) would scan them all, and later passes again. Frozen, never.
    paused = gc.isenabled()
    gc.disable()
    try:
        run = pipeline.run([str(p) for p in inputs or ()], zone=zone(tz), options=options, progress=render.Steps(), keep_frames=keep_frames)
    finally:
        gc.freeze()
        if paused:
            gc.enable()
    finish(run, as_json=run_args.json_out)
    return run


def options_from(
    *, method: Method, scope: Scope, lots: Path | None, allow_shortfalls: bool, run_args: RunArgs, as_of: date | None = None
) -> pipeline.Options:
    """The pipeline's options from a command's values (checked: a bad value is a usage error)."""
    a = run_args
    return pipeline.Options(
        method=method,
        scope=scope,
        lots_file=str(lots) if lots else None,
        as_of=as_of,
        allow_shortfalls=allow_shortfalls,
        price_files=tuple(str(p) for p in a.prices or ()),
        pegged=tuple(x.strip().upper() for x in a.usd_pegged.split(",") if x.strip()),
        price_window=timedelta(minutes=a.price_window),
        staleness=timedelta(hours=a.price_staleness),
        transfer_window=hours(a.transfer_window),
        encoding=a.encoding,
        transfer_tolerance=_percent(a.transfer_tolerance),
        overrides=str(a.overrides) if a.overrides else None,
        network_fee=a.network_fee,
        missing_basis=_choice(a.missing_basis, ("error", "zero"), "--missing-basis"),
        allocation=str(a.allocation) if a.allocation else None,
        opening_lots=str(a.opening_lots) if a.opening_lots else None,
        standing_orders=a.project.standing_orders if a.project else (),
    )


def _percent(text: str) -> Decimal:
    """A tolerance in percent (``1`` or ``0.5``) as a fraction, exactly."""
    try:
        value = Decimal(text.strip().removesuffix("%"))
    except InvalidOperation:
        value = Decimal(-1)
    if not value.is_finite() or value < 0 or value > 100:
        raise typer.BadParameter(f"'{text}' is not a percentage between 0 and 100", param_hint="--transfer-tolerance")
    return value / 100


def _choice(value: str, allowed: tuple[str, ...], option: str) -> str:
    if value not in allowed:
        raise typer.BadParameter(f"'{value}' is not one of {', '.join(allowed)}", param_hint=option)
    return value


def finish(run: Run, *, as_json: bool = False) -> None:
    """Print every problem; stop with exit code 1 (and no output) when any is an error.

    With ``as_json`` the problems of a failed run are the JSON on standard output (docs/json.md).
    """
    if has_errors(run.diagnostics):
        fail(run.diagnostics, as_json=as_json)
    render.diagnostics(run.diagnostics)  # warnings and notes: standard error, also with --json


def fail(diags: Sequence[Diagnostic], *, as_json: bool = False) -> NoReturn:
    """Stop with exit status 1 after printing the problems: as ``{"version", "errors", ...}`` JSON with ``as_json``."""
    if as_json:
        render.print_problems(diags)
    else:
        render.diagnostics(diags)
    raise typer.Exit(1)


def print_json(payload: dict[str, object]) -> None:
    """One JSON object on standard output: ``version`` first among sorted keys, the same bytes for the same run."""
    typer.echo(json.dumps({"version": render.JSON_VERSION, **payload}, indent=2, sort_keys=True, default=str))


def usage_error(message: str) -> NoReturn:
    """A usage error: one line on standard error, exit status 2 (as for an unknown option)."""
    if render.json_mode:
        render.print_problems([Diagnostic(code=Code.BAD_OPTION, message=message)])
    else:
        render.err.print(f"[bold red]error:[/] {escape(message)}")
    raise typer.Exit(2)


def _cannot_write(output: Path | str, why: str) -> NoReturn:
    """``OUTPUT: error cannot write: WHY`` (or its JSON), exit status 1."""
    if render.json_mode:
        problem = Diagnostic(code=Code.FILE_UNWRITABLE, message=f"cannot write: {why}", source=SourceRef(str(output), 0))
        render.print_problems([problem])
    else:
        render.err.print(f"{escape(str(output))}: [bold red]error[/] cannot write: {escape(why)}")
    raise typer.Exit(1)


def check_method(method: Method, lots: Path | None) -> None:
    """``--method specific`` needs ``--lots``, and ``--lots`` is only read by ``--method specific`` (usage errors)."""
    if method is Method.SPECIFIC and lots is None:
        usage_error("--method specific needs --lots FILE (disposal_id,lot_id,quantity)")
    if lots is not None and method is not Method.SPECIFIC:
        usage_error(f"--lots is only read with --method specific (the method is {method}); add --method specific or drop --lots")


def _same_file(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    except OSError:
        pass
    return os.path.realpath(a) == os.path.realpath(b)


def check_paths(inputs: Sequence[Path | str], output: Path | str | None, *, lots: Path | None = None) -> None:
    """Before any work: refuse an ``--output`` that is one of the inputs, and one whose directory is missing.

    Paths are compared after resolving links (and by device and inode when both exist), so ``./m.csv``,
    ``m.csv`` and a link to it are one file. A directory given as input counts for every file in it.
    """
    if output is None or str(output) == "-":
        return
    out = Path(output)
    named = [Path(p) for p in inputs if str(p) != "-"] + ([lots] if lots is not None else [])
    for path in named:
        inside = path.is_dir() and os.path.realpath(out.parent) == os.path.realpath(path)
        if inside or _same_file(path, out):
            what = "--lots file" if path is lots else "input"
            usage_error(f"--output {output} is also an {what}; writing it would destroy it: choose another output file")
    if out.is_dir():
        usage_error(f"--output {output} is a directory; name a file")
    parent = Path(os.path.realpath(out)).parent
    if not parent.is_dir():
        _cannot_write(output, f"directory {out.parent} does not exist")
    if not os.access(parent, os.W_OK) and not (out.exists() and not out.is_file()):
        _cannot_write(output, f"directory {out.parent} is not writable")


def emit_csv(output: Path | None, header: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    """Write to ``output`` atomically, or to standard output.

    The rows are computed in full first, so a failure while computing them writes nothing, not even the header.
    """
    table = [list(row) for row in rows]

    def write(fh: IO[str]) -> None:
        write_csv(fh, header, table)

    if output is None:
        write(sys.stdout)
    else:
        with cannot_write(output), render.Steps().step(f"writing {output}"):
            write_atomic(output, write)


def emit_frame(output: Path | None, frame: pl.DataFrame, header: Sequence[str]) -> None:
    """:func:`emit_csv` of a frame of text cells, written by polars (the frame is complete before the file opens)."""
    if output is None:
        write_frame_csv(None, frame, header)
    else:
        with cannot_write(output), render.Steps().step(f"writing {output}"):
            write_frame_csv(output, frame, header)


@contextmanager
def cannot_write(output: Path | str) -> Iterator[None]:
    """Turn a failure to write ``output`` into a one-line error and exit status 1 (nothing is left behind)."""
    try:
        yield
    except OSError as err:
        _cannot_write(output, str(err.strerror or err))
