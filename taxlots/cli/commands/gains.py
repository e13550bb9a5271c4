"""``taxlots gains``: realized gains, one row per (disposal, lot) pair."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from taxlots.cli import options as o
from taxlots.cli import render
from taxlots.cli.commands.common import check_method, check_paths, emit_csv, run_inputs
from taxlots.lots.methods import Method
from taxlots.lots.pool import Scope
from taxlots.reports.gains import HEADER, Tally, iter_gain_rows

YearOpt = Annotated[
    int | None, typer.Option("--year", help="Keep the disposals sold in this tax year (earlier lots still count).", show_default=False)
]


def gains(
    inputs: o.Inputs,
    *,
    method: o.MethodOpt = Method.FIFO,
    scope: o.ScopeOpt = Scope.UNIVERSAL,
    lots: o.LotsOpt = None,
    year: YearOpt = None,
    tz: o.TzOpt = "UTC",
    output: o.OutOpt = None,
    allow_shortfalls: o.AllowShortfallsOpt = False,
) -> None:
    """Match lots and write realized gains: disposal_id, lot_id, wallet, asset, quantity, dates, proceeds, cost basis, gain, term."""
    check_method(method, lots)
    check_paths(inputs, output, lots=lots)
    run = run_inputs(inputs, method=method, scope=scope, lots=lots, tz=tz, allow_shortfalls=allow_shortfalls)
    tally = Tally()
    rows = (row.cells() for row in tally.count(iter_gain_rows(run.result.disposals, year)))
    emit_csv(output, HEADER, rows)
    console = Console(highlight=False, soft_wrap=True) if output else render.err
    title = f"Realized gains {year}" if year else "Realized gains"
    render.summary(tally.summary(run.result.income, year), console, f"{title} ({method}, {scope})")
    if output:
        console.print(f"Wrote {tally.rows} rows to {output}")
