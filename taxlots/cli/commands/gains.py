"""``taxlots gains``: realized gains, one row per (disposal, lot) pair."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from taxlots.cli import options as o
from taxlots.cli import render
from taxlots.cli.commands.common import check_method, check_paths, emit_frame, print_json, run_inputs
from taxlots.lots.methods import Method
from taxlots.lots.pool import Scope
from taxlots.reports import frames
from taxlots.reports.gains import EXPLAIN, HEADER, Summary, table
from taxlots.reports.gains import summary as gain_summary

ExplainOpt = Annotated[
    bool,
    typer.Option(
        "--explain",
        metavar="",
        help="Add price_source and identification columns: where each USD value came from, and what chose the lots.",
    ),
]


@o.run_options
def gains(
    inputs: o.Inputs = None,
    *,
    method: o.MethodOpt = Method.FIFO,
    scope: o.ScopeOpt = Scope.UNIVERSAL,
    lots: o.LotsOpt = None,
    year: o.YearOpt = None,
    tz: o.TzOpt = "UTC",
    output: o.OutOpt = None,
    allow_shortfalls: o.AllowShortfallsOpt = False,
    explain: ExplainOpt = False,
    run_args: o.RunArgs,
) -> None:
    """Match lots and write realized gains: disposal_id, lot_id, wallet, asset, quantity, dates, proceeds, cost basis, gain, term."""
    check_method(method, lots)
    check_paths(inputs or (), output, lots=lots)
    run = run_inputs(
        inputs, method=method, scope=scope, lots=lots, tz=tz, allow_shortfalls=allow_shortfalls, run_args=run_args, keep_frames=False
    )
    result, warnings = run.result, run.diagnostics
    del run
    slices = frames.slices(result.columns, year)
    summary = gain_summary(slices, result, year)
    del result  # the engine's columns go before the file's text is made: at a million trades, about 250 MB less RSS
    if not (run_args.json_out and output is None):  # else the JSON summary alone goes to standard output
        emit_frame(output, table(slices, explain=explain), (*HEADER, *EXPLAIN) if explain else HEADER)
    if run_args.json_out:
        print_json(summary_json(summary, year=year, method=str(method), scope=str(scope), output=output, warnings=warnings))
        return
    console = Console(highlight=False, soft_wrap=True) if output else render.err
    title = f"Realized gains {year}" if year else "Realized gains"
    render.summary(summary, console, f"{title} ({method}, {scope})")
    if output:
        render.note(f"Wrote {summary.rows} rows to {output}", console)


def summary_json(s: Summary, **context: object) -> dict[str, object]:
    """The totals of a gains run for ``--json``: money as exact decimal strings."""
    warnings = context.pop("warnings", [])
    terms = {
        name: {"proceeds": f"{t.proceeds:.2f}", "cost_basis": f"{t.cost_basis:.2f}", "gain": f"{t.gain:.2f}"}
        for name, t in (("short", s.short), ("long", s.long), ("total", s.total))
    }
    output = context.pop("output", None)
    return {
        "command": "gains",
        **context,
        "output": str(output) if output else None,
        "totals": terms,
        "income": f"{s.income:.2f}",
        "disposals": s.disposals,
        "rows": s.rows,
        "problems": render.problems_json(warnings),  # type: ignore[arg-type]
    }
