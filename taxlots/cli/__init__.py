"""The command line: a thin layer that parses options, calls the library and renders the result."""

from __future__ import annotations

from typing import Annotated

import typer
import typer.core

from taxlots import __version__
from taxlots.cli import render
from taxlots.cli.commands.compare import compare
from taxlots.cli.commands.gains import gains
from taxlots.cli.commands.income import income
from taxlots.cli.commands.ingest import detect, import_
from taxlots.cli.commands.lots import lots
from taxlots.cli.commands.prices import prices_app
from taxlots.cli.commands.project import check, init
from taxlots.cli.commands.report import report
from taxlots.cli.commands.transfers import transfers
from taxlots.cli.options import QuietOpt, VerboseOpt, set_verbosity

_option_type = typer.core.TyperOption.display_type_rich


def _argument_type(self: typer.core.TyperArgument, ctx: object) -> str | None:
    return None  # the argument's name (INPUT, FILE) says what it is; typer would add a Python type name


#: Python type names typer would print for an option without a metavar, and the word shown instead.
_PLAIN = {"int": "N", "int range": "N", "str": "TEXT", "path": "PATH", "file": "FILE", "float": "NUMBER"}


def _option_type_or_none(self: typer.core.TyperOption, ctx: typer.Context) -> str | None:
    if self.is_flag:
        return None  # a flag takes no value: no "<bool>"
    shown = _option_type(self, ctx)
    if shown and shown.startswith("<") and not self.type_descriptor.is_choice:
        bare = shown.strip("<>.").removeprefix("list[").removesuffix("]")
        return _PLAIN.get(bare, bare.upper())
    return shown


# Help panels show metavars (FILE, HOURS) and choices, never Python type names such as <list[Path]> or <bool>.
typer.core.TyperArgument.display_type_rich = _argument_type  # type: ignore[method-assign,assignment]
typer.core.TyperOption.display_type_rich = _option_type_or_none  # type: ignore[method-assign,assignment]

app = typer.Typer(
    name="taxlots",
    help="Exact, auditable US tax-lot reports from crypto exchange exports.",
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"taxlots {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.", callback=_version, is_eager=True)] = False,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Exact, auditable US tax-lot reports from crypto exchange exports."""
    render.verbosity = 1
    set_verbosity(quiet, verbose)  # a command's own -q / -v (after its name) applies the same way


app.command("detect")(detect)
app.command("import")(import_)
app.command("gains")(gains)
app.command("lots")(lots)
app.command("income")(income)
app.command("init")(init)
app.command("check")(check)
app.command("transfers")(transfers)
app.command("report")(report)
app.command("compare")(compare)
app.add_typer(prices_app, name="prices")


def main() -> None:
    app()
