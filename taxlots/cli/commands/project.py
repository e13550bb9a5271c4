"""``taxlots init`` and ``taxlots check``: start a year's project file, and check a year without writing anything."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import polars as pl
import typer

from taxlots import pipeline, project
from taxlots.cli import options as o
from taxlots.cli import render
from taxlots.cli.commands.common import options_from, said_encoding, zone
from taxlots.lots.methods import Method
from taxlots.lots.pool import Scope
from taxlots.model.diagnostics import Code, Diagnostic, Severity, sort_key
from taxlots.model.source import SourceRef


def init() -> None:
    """Write a commented taxlots.toml in the current folder (never over an existing one)."""
    target = Path.cwd() / project.FILENAME
    if target.exists():
        render.err.print(
            f"{project.FILENAME}: [bold red]error[/] already exists; taxlots never overwrites it (edit it, or remove it first)"
        )
        raise typer.Exit(1)
    text = resources.files("taxlots").joinpath("templates/taxlots.toml").read_text(encoding="utf-8")
    with open(target, "x", encoding="utf-8") as fh:  # "x": fails if the file appeared meanwhile
        fh.write(text)
    render.note(f"Wrote {project.FILENAME}: list your exports under inputs, then run [bold]taxlots check[/].")


@o.run_options
def check(
    inputs: o.Inputs = None,
    *,
    method: o.MethodOpt = Method.FIFO,
    scope: o.ScopeOpt = Scope.UNIVERSAL,
    lots: o.LotsOpt = None,
    year: o.YearOpt = None,
    tz: o.TzOpt = "UTC",
    allow_shortfalls: o.AllowShortfallsOpt = False,
    run_args: o.RunArgs,
) -> None:
    """Run everything and write nothing: list every problem (errors, then warnings), and exit 1 on any error."""
    options = options_from(method=method, scope=scope, lots=lots, allow_shortfalls=allow_shortfalls, run_args=run_args)
    said_encoding(options.encoding)
    run = pipeline.run([str(p) for p in inputs or ()], zone=zone(tz), options=options, progress=render.Steps())
    diags = sorted([*run.diagnostics, *_unmatched(run)], key=sort_key)
    errors = [d for d in diags if d.severity is Severity.ERROR]
    if run_args.json_out:
        render.print_problems(diags)
    else:
        render.diagnostics(diags, stop_note=False)
        warnings = sum(d.severity is Severity.WARNING for d in diags)
        verdict = "[bold red]not ready[/]" if errors else "[bold green]ready[/]"
        render.err.print(f"{len(errors)} error(s), {warnings} warning(s): {verdict} to report {year or ''}".rstrip())
    raise typer.Exit(1 if errors else 0)


def _unmatched(run: pipeline.Run) -> list[Diagnostic]:
    """Withdrawals no deposit matched: not errors (they may have left your wallets), but worth a look."""
    if run.transfers is None:
        return []
    rows = run.transfers.unmatched.filter(pl.col("side") == "withdrawal")
    return [
        Diagnostic(
            code=Code.UNMATCHED_TRANSFER,
            severity=Severity.WARNING,
            source=SourceRef(file, line),
            message=f"withdrawal of {qty} {asset} from {wallet} matched no deposit: {reason}" + (f" ({detail})" if detail else ""),
            hint="if it went to a wallet of yours, add that wallet's export; else say what it was in the overrides file",
        )
        for file, line, qty, asset, wallet, reason, detail in rows.select(
            "file", "line", "quantity", "asset", "wallet", "reason", "detail"
        ).iter_rows()
    ]
