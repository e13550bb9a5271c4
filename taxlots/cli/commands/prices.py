"""``taxlots prices fetch``: write a price file for the rows of a ledger that need one (the only network command)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import IO, Annotated

import typer
from rich.markup import escape

from taxlots import ingest
from taxlots.cli import options as o
from taxlots.cli import render
from taxlots.cli.commands.common import cannot_write
from taxlots.model.diagnostics import has_errors, sort_key
from taxlots.pricing import fetch as f
from taxlots.reports.files import write_atomic, write_csv

prices_app = typer.Typer(
    name="prices",
    help="Price files: the USD values that exports lack (crypto-to-crypto trades, income, fees in a third coin).",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@prices_app.callback()
def _prices() -> None:
    """Price files: the USD values that exports lack (crypto-to-crypto trades, income, fees in a third coin)."""


ExchangeOpt = Annotated[
    str, typer.Option("--exchange", metavar="ID", help="The exchange to download candles from, by its ccxt id (kraken, coinbase, ...).")
]
PriceOut = Annotated[
    Path, typer.Option("--output", "-o", metavar="FILE", help="The price file to write (timestamp,asset,usd_price,source), atomically.")
]
TimeframeOpt = Annotated[str, typer.Option("--timeframe", metavar="LENGTH", help="Candle length: 1m, 5m, 15m, 1h, 4h, 1d.")]


@prices_app.command("fetch")
@o.project_options
def fetch(
    inputs: o.Inputs = None,
    *,
    output: PriceOut,
    exchange: ExchangeOpt = "kraken",
    timeframe: TimeframeOpt = "1h",
    encoding: o.EncodingOpt = None,
) -> None:
    """Download the prices the inputs need (ASSET/USD candles, else ASSET/USDT) into a price file for --prices."""
    names = [str(p) for p in inputs or ()]
    if not names:
        raise typer.BadParameter("give the ledger or export files to fetch prices for", param_hint="INPUT")
    try:
        f.timeframe_seconds(timeframe)
        f.check_output(str(output), names)
    except f.FetchError as err:
        raise typer.BadParameter(str(err)) from None
    ledger = ingest.load(names, encoding=encoding)
    diags = sorted(ledger.diagnostics, key=sort_key)
    if has_errors(diags):
        render.diagnostics(diags)
        raise typer.Exit(1)
    try:
        client = f.make_client(exchange)
        rows, problems = f.fetch_prices(ledger.frame, client, exchange=exchange, timeframe=timeframe)
    except f.FetchError as err:
        render.err.print(f"[bold red]error[/] {escape(str(err))}")
        raise typer.Exit(1) from None
    except Exception as err:  # a network or exchange failure (ccxt's own errors) ends the command in one line
        render.err.print(f"[bold red]error[/] {exchange}: {escape(f'{type(err).__name__}: {err}')}")
        raise typer.Exit(1) from None
    render.diagnostics([*diags, *problems], stop_note=False)
    with cannot_write(output):
        write_prices(str(output), rows)
    assets = len({r[1] for r in rows})
    render.err.print(f"Wrote {len(rows)} price(s) for {assets} asset(s) to {output}")


def write_prices(output: str, rows: Iterable[tuple[str, str, str, str]]) -> None:
    """Write the simple price file atomically (``\\n`` line endings, so the same prices give the same bytes)."""

    def write(fh: IO[str]) -> None:
        write_csv(fh, f.HEADER, rows)

    write_atomic(output, write)
