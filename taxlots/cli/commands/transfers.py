"""``taxlots transfers``: which withdrawals became deposits in another of your wallets, and what is left unmatched."""

from __future__ import annotations

import sys
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from taxlots import ingest, pairing
from taxlots.cli import options as o
from taxlots.cli import render
from taxlots.cli.commands.common import emit_csv
from taxlots.model.diagnostics import has_errors, sort_key
from taxlots.reports.transfers import HEADER, TABLE, table_rows, transfer_rows


class MissingBasis(StrEnum):
    ERROR = "error"
    ZERO = "zero"


# Options of this command (the lead may move them to cli/options.py).
WindowOpt = Annotated[
    str, typer.Option("--transfer-window", help="Hours a deposit may arrive after its withdrawal and still match it.", metavar="HOURS")
]
ToleranceOpt = Annotated[
    str,
    typer.Option(
        "--transfer-tolerance",
        help="Percent of a withdrawal its deposit may be short by (at least the withdrawal's own fee).",
        metavar="PCT",
    ),
]
OverridesOpt = Annotated[
    Path | None,
    typer.Option(
        "--overrides",
        help="Overrides file (CSV, or TOML for *.toml): force, forbid or declare rows; see docs/overrides.md.",
        show_default=False,
    ),
]
MissingBasisOpt = Annotated[
    MissingBasis,
    typer.Option("--missing-basis", help="A crypto deposit with no match, override or usd_value: an error, or zero basis with a warning."),
]


def _number(text: str, flag: str, what: str) -> Decimal:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise typer.BadParameter(f"'{text}' is not a number of {what}", param_hint=flag) from None
    if not value.is_finite() or value < 0:
        raise typer.BadParameter(f"'{text}' must be zero or more {what}", param_hint=flag)
    return value


def window_of(text: str) -> timedelta:
    """``--transfer-window`` hours (a decimal, never a float) as a whole number of microseconds."""
    hours = _number(text, "--transfer-window", "hours")
    return timedelta(microseconds=int(hours * 3_600_000_000))


def tolerance_of(text: str) -> Decimal:
    """``--transfer-tolerance`` percent as a fraction (``1`` -> ``0.01``)."""
    return _number(text, "--transfer-tolerance", "percent") / 100


def transfers(
    inputs: o.Inputs,
    *,
    transfer_window: WindowOpt = "48",
    transfer_tolerance: ToleranceOpt = "1",
    overrides: OverridesOpt = None,
    missing_basis: MissingBasisOpt = MissingBasis.ERROR,
    output: o.OutOpt = None,
) -> None:
    """Match withdrawals to the deposits they became in your other wallets; list pairs, then unmatched rows with reasons."""
    window, tolerance = window_of(transfer_window), tolerance_of(transfer_tolerance)
    ledger = ingest.load([str(p) for p in inputs])
    diags = list(ledger.diagnostics)
    table = None
    if overrides is not None:
        table, problems = pairing.read_overrides(str(overrides))
        diags += problems
    if has_errors(diags):  # unreadable input or overrides: nothing to report on
        render.diagnostics(sorted(diags, key=sort_key))
        raise typer.Exit(1)
    _, report, linked = pairing.link(ledger.frame, window=window, tolerance=tolerance, overrides=table, missing_basis=missing_basis.value)
    diags = sorted(diags + linked, key=sort_key)
    rows = transfer_rows(report)
    if output or not sys.stdout.isatty():  # a pipe or a file gets CSV, a person gets a table
        emit_csv(output, HEADER, rows)
    else:
        render.table("Transfers", TABLE, table_rows(rows), Console(highlight=False, soft_wrap=True), right=("sent", "received"))
    render.diagnostics(diags, stop_note=False)
    summary = f"{report.pairs.height} transfer(s) matched, {report.unmatched.height} row(s) unmatched"
    render.err.print(summary + (f"; wrote {output}" if output else ""))
    if has_errors(diags):
        raise typer.Exit(1)
