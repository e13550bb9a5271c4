"""``taxlots compare``: FIFO, LIFO and HIFO, universal and per wallet, side by side for one tax year."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import sys
from datetime import date
from pathlib import Path

import typer
from rich import box
from rich.console import Console
from rich.table import Table

from taxlots.cli import options as o
from taxlots.cli import render
from taxlots.cli.commands.common import print_json, run_inputs  # noqa: I001
from taxlots.cli.commands.report import TaxYearOpt, required
from taxlots.lots.methods import Method
from taxlots.lots.pool import Scope
from taxlots.pipeline import Run
from taxlots.reports import compare as cmp
from taxlots.reports import frames

METHODS = (Method.FIFO, Method.LIFO, Method.HIFO)
#: Short headings for cmp.COLUMNS (short- and long-term gain, total gain), to fit 80 columns; JSON keeps the names.
HEADINGS = ("Method", "Scope", "Proceeds", "Basis", "Short", "Long", "Total", "Rows")
SCOPES = (Scope.UNIVERSAL, Scope.PER_WALLET)


def _run(
    inputs: list[Path] | None, method: Method, scope: Scope, tz: str, allow_shortfalls: bool, year: int, quiet: bool, run_args: o.RunArgs
) -> Run:
    """One run; after the first, its problems are shown only when it stops (the others repeat the first's)."""
    if not quiet:
        return run_inputs(
            inputs,
            method=method,
            scope=scope,
            lots=None,
            tz=tz,
            allow_shortfalls=allow_shortfalls,
            as_of=date(year, 12, 31),
            run_args=run_args,
        )
    captured = io.StringIO()
    try:
        with contextlib.redirect_stderr(captured):  # render.err writes to whatever sys.stderr is at the time
            return run_inputs(
                inputs,
                method=method,
                scope=scope,
                lots=None,
                tz=tz,
                allow_shortfalls=allow_shortfalls,
                as_of=date(year, 12, 31),
                run_args=run_args,
            )
    except typer.Exit:
        sys.stderr.write(f"with --method {method} --scope {scope}:\n{captured.getvalue()}")
        raise


@o.run_options
def compare(
    inputs: o.Inputs = None,
    *,
    year: TaxYearOpt = None,
    tz: o.TzOpt = "UTC",
    allow_shortfalls: o.AllowShortfallsOpt = False,
    run_args: o.RunArgs,
) -> None:
    """Compare FIFO, LIFO and HIFO (universal and per wallet) for one tax year: proceeds, basis, short and long gain."""
    year = required(year, "--year", "year = YYYY")
    if run_args.project is not None and run_args.project.standing_orders:
        # Each run must use the method it is named for: the project's standing orders would make every run the same.
        run_args = dataclasses.replace(run_args, project=None)
        render.err.print("The standing orders of taxlots.toml are set aside: each run uses the method it is named for.")
    outcomes = []
    for i, (scope, method) in enumerate((s, m) for s in SCOPES for m in METHODS):
        run = _run(inputs, method, scope, tz, allow_shortfalls, year, quiet=i > 0, run_args=run_args)
        outcomes.append(cmp.outcome(str(method), str(scope), frames.slices(run.result.columns, year)))
    json_out = run_args.json_out
    if json_out:
        print_json(cmp.document(year, outcomes))
    console = render.err if json_out else Console(highlight=False, soft_wrap=True)
    table = Table(title=f"Tax year {year}: lot methods compared", title_justify="left", box=box.SIMPLE_HEAD)
    rows = cmp.table_rows(outcomes)
    for i, heading in enumerate(HEADINGS):  # a cell is never cut short; a narrow terminal wraps the headings
        table.add_column(heading, justify="left" if i < 2 else "right", min_width=max((len(r[i]) for r in rows), default=1))
    for row in rows:
        table.add_row(*row)
    console.print(table)
    console.print(f"[bold]Note:[/] {cmp.NOTE}")
