"""``taxlots report``: the tax year's forms and reports, written atomically into one directory."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from taxlots.cli import options as o
from taxlots.cli import render
from taxlots.cli.commands.common import cannot_write, print_json, run_inputs
from taxlots.lots.methods import Method
from taxlots.lots.pool import Scope
from taxlots.reports import bundle, frames, txf, yearly
from taxlots.reports.form8949 import Broker, Options, Rounding

TaxYearOpt = Annotated[
    int | None,
    typer.Option(
        "--year",
        metavar="YYYY",
        help="The tax year to report (earlier lots still count; default: year in taxlots.toml).",
        show_default=False,
    ),
]
OutDirOpt = Annotated[
    Path | None,
    typer.Option(
        "--out",
        metavar="DIR",
        help="Directory to write the reports into, all files or none (default: [report] out in taxlots.toml).",
        show_default=False,
    ),
]
BrokerOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--broker",
        help="WALLET=basis-reported|proceeds-only: the wallet's broker sent a 1099-DA (1099-B before 2025); repeatable. "
        "Unmarked wallets go in box I/L (C/F before 2025). Adds to the [brokers] table of taxlots.toml, wallet by wallet.",
        show_default=False,
    ),
]
RoundingOpt = Annotated[Rounding, typer.Option("--rounding", help="Amounts on the forms in cents, or whole dollars (rounded per row).")]
MaxPagesOpt = Annotated[
    int, typer.Option("--max-pages", min=1, help="Form 8949 pages per box beyond which the box is summarized with an attached statement.")
]
StatementOpt = Annotated[
    bool, typer.Option("--statement", help="Summarize every box on Form 8949 and list all rows on the attached statement.")
]
Exception1Opt = Annotated[
    bool,
    typer.Option("--exception1", help="Report basis-reported boxes (A/G, D/J) straight on Schedule D lines 1a/8a, without Form 8949."),
]
NameOpt = Annotated[str, typer.Option("--name", help="The filer's name as printed on the forms.")]
TinOpt = Annotated[str, typer.Option("--tin", help="The filer's SSN or TIN as printed on the forms.")]
TurboTaxRowsOpt = Annotated[
    int, typer.Option("--turbotax-rows", min=1, help="Rows per TurboTax Online gains CSV; more rows make more files.")
]
JsonOpt = Annotated[
    bool, typer.Option("--json", help="Print totals and the files written as JSON on standard output (schema in docs/report.md).")
]


T = TypeVar("T")


def required(value: T | None, option: str, key: str) -> T:
    """An option the command line or the project file must give; neither is a usage error saying both ways."""
    if value is None:
        raise typer.BadParameter(f"give {option}, or run where a taxlots.toml sets {key}", param_hint=option)
    return value


def brokers(values: list[str] | None) -> dict[str, Broker]:
    """Parse ``--broker WALLET=KIND`` options; a bad one is a usage error."""
    out: dict[str, Broker] = {}
    kinds = (Broker.BASIS_REPORTED, Broker.PROCEEDS_ONLY)
    for value in values or []:
        wallet, sep, kind = value.rpartition("=")
        if not sep or not wallet or kind not in kinds:
            raise typer.BadParameter(f"'{value}' is not WALLET=basis-reported or WALLET=proceeds-only", param_hint="--broker")
        out[wallet] = Broker(kind)
    return out


@o.run_options
def report(
    inputs: o.Inputs = None,
    *,
    year: TaxYearOpt = None,
    out: OutDirOpt = None,
    method: o.MethodOpt = Method.FIFO,
    scope: o.ScopeOpt = Scope.UNIVERSAL,
    lots: o.LotsOpt = None,
    tz: o.TzOpt = "UTC",
    allow_shortfalls: o.AllowShortfallsOpt = False,
    broker: BrokerOpt = None,
    rounding: RoundingOpt = Rounding.CENTS,
    max_pages: MaxPagesOpt = 20,
    statement: StatementOpt = False,
    exception1: Exception1Opt = False,
    name: NameOpt = "",
    tin: TinOpt = "",
    turbotax_rows: TurboTaxRowsOpt = 2000,
    run_args: o.RunArgs,
) -> None:
    """Write the Form 8949, Schedule D, TXF, TurboTax CSV and audit workbook of a tax year into a directory."""
    year = required(year, "--year", "year = YYYY")
    out = required(out, "--out", "[report] out = DIR")
    table = run_args.project.values.get("broker", []) if run_args.project else []
    marked = {**brokers(table), **brokers(broker)}  # --broker changes the project's [brokers] wallet by wallet
    json_out = run_args.json_out
    run = run_inputs(
        inputs, method=method, scope=scope, lots=lots, tz=tz, allow_shortfalls=allow_shortfalls, as_of=date(year, 12, 31), run_args=run_args
    )
    form_options = Options(
        year=year, brokers=marked, rounding=rounding, max_pages=max_pages, statement_all=statement, exception1=exception1
    )
    options = yearly.ReportOptions(form=form_options, name=name, tin=tin, turbotax_rows=turbotax_rows)
    result = yearly.build(frames.from_run(run.result, run.ledger.frame, run.diagnostics, year, tz), options)
    del run  # the year's frames hold what the files need: the run's ledger frames go before they are written
    with cannot_write(out):
        files = bundle.write_dir(out, yearly.writers(result), stale=yearly.SERIES, slow=yearly.slow(result))
    doc = yearly.summary(result, files)
    if json_out:
        print_json(doc)
    console = render.err if json_out else Console(highlight=False, soft_wrap=True)
    show(doc, console, f"Tax year {year} ({method}, {scope})")
    if (warning := txf.warning(result.form)) is not None:
        render.err.print(f"[yellow]warning[/] {warning}")
    console.print(f"Wrote {len(files)} files to {out}")


def show(doc: dict[str, Any], console: Console, title: str) -> None:
    """The boxes and Schedule D totals as a table."""
    table = Table(title=title, title_justify="left")
    rows = [(b["box"], str(b["rows"]), b["route"], b["proceeds"], b["cost_basis"], b["adjustment"], b["gain"]) for b in doc["boxes"]]
    for i, column in enumerate(("Box", "Rows", "Route", "Proceeds", "Cost basis", "Adjustment", "Gain")):  # no cell is ever cut
        table.add_column(
            column, justify="left" if column in ("Box", "Route") else "right", min_width=max((len(r[i]) for r in rows), default=1)
        )
    for row in rows:
        table.add_row(*row)
    console.print(table)
    sd = doc["schedule_d"]
    console.print(f"Schedule D line 7 (short-term): {sd['7']}   line 15 (long-term): {sd['15']}   line 16: {sd['16']}")
    console.print(f"Ordinary income (Schedule 1, not Form 8949): {doc['income']} USD")
