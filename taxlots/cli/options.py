"""Options shared by several commands, declared once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from taxlots.lots.methods import Method
from taxlots.lots.pool import Scope

Inputs = Annotated[list[Path], typer.Argument(help="Ledger or exchange export CSV files.", show_default=False, metavar="INPUT")]
MethodOpt = Annotated[Method, typer.Option("--method", "-m", help="Lot identification: fifo, lifo, hifo, or specific (needs --lots).")]
ScopeOpt = Annotated[
    Scope, typer.Option("--scope", help="One lot pool per asset (universal) or per asset and wallet (per-wallet, the US rule from 2025).")
]
LotsOpt = Annotated[
    Path | None, typer.Option("--lots", help="Specific-identification CSV: disposal_id,lot_id,quantity.", show_default=False)
]
TzOpt = Annotated[str, typer.Option("--tz", help="Zone whose calendar dates are the tax dates (IANA name, e.g. America/New_York).")]
OutOpt = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write the CSV here (atomically) instead of to standard output.", show_default=False)
]
AllowShortfallsOpt = Annotated[
    bool,
    typer.Option(
        "--allow-shortfalls",
        help="Write the report even when a disposal exceeds the lots held; the uncovered units get lot MISSING and zero basis.",
    ),
]
