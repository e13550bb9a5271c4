"""``taxlots lots``: the lots still held at the end of a day."""

from __future__ import annotations

import sys
from datetime import date
from typing import Annotated

import typer
from rich.console import Console

from taxlots.cli import options as o
from taxlots.cli import render
from taxlots.cli.commands.common import check_method, check_paths, emit_csv, run_inputs
from taxlots.lots.methods import Method
from taxlots.lots.pool import Scope
from taxlots.reports.lots import HEADER, lot_rows


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"'{text}' is not a date (YYYY-MM-DD)", param_hint="--as-of") from None


AsOfOpt = Annotated[
    str | None,
    typer.Option("--as-of", help="List the lots held at the end of this day (YYYY-MM-DD); default: after every row.", show_default=False),
]


def lots(
    inputs: o.Inputs,
    *,
    as_of: AsOfOpt = None,
    method: o.MethodOpt = Method.FIFO,
    scope: o.ScopeOpt = Scope.UNIVERSAL,
    lots: o.LotsOpt = None,
    tz: o.TzOpt = "UTC",
    output: o.OutOpt = None,
    allow_shortfalls: o.AllowShortfallsOpt = False,
) -> None:
    """List the open lots: asset, wallet, quantity, date acquired, unit cost and basis."""
    day = _day(as_of) if as_of else None
    check_method(method, lots)
    check_paths(inputs, output, lots=lots)
    run = run_inputs(inputs, method=method, scope=scope, lots=lots, tz=tz, allow_shortfalls=allow_shortfalls, as_of=day)
    rows = lot_rows(run.result.open_lots)
    if output or not sys.stdout.isatty():  # a pipe or a file gets CSV, a person gets a table
        emit_csv(output, HEADER, rows)
        if output:
            Console(highlight=False, soft_wrap=True).print(f"Wrote {len(rows)} open lots to {output}")
        return
    when = day.isoformat() if day else "the last row"
    render.table(
        f"Open lots at the end of {when} ({method}, {scope})",
        HEADER,
        rows,
        Console(highlight=False, soft_wrap=True),
        right=("quantity", "unit_cost", "cost_basis"),
    )
