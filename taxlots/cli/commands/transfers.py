"""``taxlots transfers``: which withdrawals became deposits in another of your wallets, and what is left unmatched."""

from __future__ import annotations

import sys

import typer
from rich.console import Console

from taxlots import pairing
from taxlots.cli import options as o
from taxlots.cli import render
from taxlots.cli.commands.common import check_paths, emit_csv, fail, options_from, print_json, read_inputs
from taxlots.lots.methods import Method
from taxlots.lots.pool import Scope
from taxlots.model.diagnostics import has_errors, sort_key
from taxlots.reports.transfers import HEADER, TABLE, table_rows, transfer_rows


@o.run_options
def transfers(inputs: o.Inputs = None, *, output: o.OutOpt = None, run_args: o.RunArgs) -> None:
    """Match withdrawals to the deposits they became in your other wallets; list pairs, then unmatched rows with reasons."""
    check_paths(inputs or (), output)
    opts = options_from(method=Method.FIFO, scope=Scope.UNIVERSAL, lots=None, allow_shortfalls=False, run_args=run_args)
    steps = render.Steps()
    ledger = read_inputs(inputs, encoding=opts.encoding, steps=steps)
    diags = list(ledger.diagnostics)
    table = None
    if opts.overrides is not None:
        table, problems = pairing.read_overrides(opts.overrides)
        diags += problems
    if has_errors(diags):  # unreadable input or overrides: nothing to report on
        fail(sorted(diags, key=sort_key), as_json=run_args.json_out)
    with steps.step("pairing transfers"):
        _, report, linked = pairing.link(
            ledger.frame, window=opts.transfer_window, tolerance=opts.transfer_tolerance, overrides=table, missing_basis=opts.missing_basis
        )
    diags = sorted(diags + linked, key=sort_key)
    rows = transfer_rows(report)
    if run_args.json_out:
        if output:  # written on errors too, as without --json: it is how you find the deposits without basis
            emit_csv(output, HEADER, rows)
        if has_errors(diags):
            fail(diags, as_json=True)
        print_json(
            {
                "command": "transfers",
                "output": str(output) if output else None,
                "matched": report.pairs.height,
                "unmatched": report.unmatched.height,
                "transfers": [dict(zip(HEADER, row, strict=True)) for row in rows],
                "problems": render.problems_json(diags),
            }
        )
        return
    if output or not sys.stdout.isatty():  # a pipe or a file gets CSV, a person gets a table
        emit_csv(output, HEADER, rows)
    else:
        render.table("Transfers", TABLE, table_rows(rows), Console(highlight=False, soft_wrap=True), right=("sent", "received"))
    render.diagnostics(diags, stop_note=False)
    summary = f"{report.pairs.height} transfer(s) matched, {report.unmatched.height} row(s) unmatched"
    render.err.print(summary + (f"; wrote {output}" if output else ""))
    if has_errors(diags):
        raise typer.Exit(1)
