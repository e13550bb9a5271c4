"""``taxlots income``: ordinary income by month, type and asset, with the source of each value."""

from __future__ import annotations

from rich.console import Console

from taxlots.cli import options as o
from taxlots.cli import render
from taxlots.cli.commands.common import emit_csv, print_json, run_inputs
from taxlots.lots.methods import Method
from taxlots.lots.pool import Scope
from taxlots.reports.income import HEADER, income_lines, total


@o.run_options
def income(
    inputs: o.Inputs = None,
    *,
    year: o.YearOpt = None,
    tz: o.TzOpt = "UTC",
    output: o.OutOpt = None,
    run_args: o.RunArgs,
) -> None:
    """Ordinary income (staking, mining, interest, airdrops, rewards) by month, type and asset, at its USD value when received."""
    run = run_inputs(
        inputs, method=Method.FIFO, scope=Scope.UNIVERSAL, lots=None, tz=tz, allow_shortfalls=True, run_args=run_args, keep_frames=False
    )
    lines = income_lines(run.result.income, year)
    rows = [line.cells() for line in lines]
    if run_args.json_out:
        if output:
            emit_csv(output, HEADER, rows)
        lines_json = [dict(zip(HEADER, row, strict=True)) for row in rows]
        print_json(
            {
                "command": "income",
                "year": year,
                "total": f"{total(lines):.2f}",
                "lines": lines_json,
                "output": str(output) if output else None,
            }
        )
        return
    if output or not render.is_terminal():
        emit_csv(output, HEADER, rows)
        if output:
            render.note(f"Wrote {len(rows)} income lines ({total(lines):,.2f} USD) to {output}")
        return
    title = f"Income {year}" if year else "Income"
    rows.append(("Total", "", "", str(sum(line.receipts for line in lines)), "", f"{total(lines):.2f}", ""))
    render.table(title, HEADER, rows, Console(highlight=False, soft_wrap=True), right=("receipts", "quantity", "usd_value"))
