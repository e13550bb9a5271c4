"""``taxlots lots``: the lots still held at the end of a day."""

from __future__ import annotations

import sys
from datetime import date
from typing import Annotated

import typer
from rich.console import Console

from taxlots.cli import options as o
from taxlots.cli import render
from taxlots.cli.commands.common import check_method, check_paths, emit_csv, print_json, run_inputs
from taxlots.lots.methods import Method
from taxlots.lots.pool import Scope
from taxlots.reports.lots import HEADER, TABLE, lot_rows


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"'{text}' is not a date (YYYY-MM-DD)", param_hint="--as-of") from None


AsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        metavar="YYYY-MM-DD",
        help="List the lots held at the end of this day (YYYY-MM-DD); default: after every row.",
        show_default=False,
    ),
]


@o.run_options
def lots(
    inputs: o.Inputs = None,
    *,
    as_of: AsOfOpt = None,
    method: o.MethodOpt = Method.FIFO,
    scope: o.ScopeOpt = Scope.UNIVERSAL,
    lots: o.LotsOpt = None,
    tz: o.TzOpt = "UTC",
    output: o.OutOpt = None,
    allow_shortfalls: o.AllowShortfallsOpt = False,
    run_args: o.RunArgs,
) -> None:
    """List the open lots: asset, wallet, quantity, date acquired, unit cost and basis."""
    day = _day(as_of) if as_of else None
    check_method(method, lots)
    check_paths(inputs or (), output, lots=lots)
    run = run_inputs(
        inputs,
        method=method,
        scope=scope,
        lots=lots,
        tz=tz,
        allow_shortfalls=allow_shortfalls,
        as_of=day,
        run_args=run_args,
        keep_frames=False,
    )
    rows = lot_rows(run.result.open_lots)
    if run_args.json_out:
        if output:
            emit_csv(output, HEADER, rows)
        print_json(
            {
                "command": "lots",
                "as_of": day.isoformat() if day else None,
                "output": str(output) if output else None,
                "lots": [dict(zip(HEADER, row, strict=True)) for row in rows],
            }
        )
        return
    if output or not sys.stdout.isatty():  # a pipe or a file gets CSV, a person gets a table
        emit_csv(output, HEADER, rows)
        if output:
            render.note(f"Wrote {len(rows)} open lots to {output}")
        return
    when = day.isoformat() if day else "the last row"
    render.table(
        f"Open lots at the end of {when} ({method}, {scope})",
        TABLE,
        [row[: len(TABLE)] for row in rows],
        Console(highlight=False, soft_wrap=True),
        right=("quantity", "unit_cost", "cost_basis"),
    )
