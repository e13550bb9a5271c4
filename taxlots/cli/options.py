"""Options shared by several commands, declared once."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from taxlots import project
from taxlots.cli import render
from taxlots.lots.engine import NetworkFee
from taxlots.lots.methods import Method
from taxlots.lots.pool import Scope
from taxlots.model.diagnostics import Code, Diagnostic
from taxlots.model.source import SourceRef
from taxlots.pricing import DEFAULT_PEGGED
from taxlots.project import Project, ProjectError

Inputs = Annotated[
    list[Path] | None,
    typer.Argument(help="Ledger or exchange export files (default: the inputs of taxlots.toml).", show_default=False, metavar="INPUT"),
]
ConfigOpt = Annotated[
    Path | None,
    typer.Option(
        "--config", metavar="FILE", help="The project file (default: taxlots.toml here or in a parent folder).", show_default=False
    ),
]
MethodOpt = Annotated[Method, typer.Option("--method", "-m", help="Lot identification: fifo, lifo, hifo, or specific (needs --lots).")]
ScopeOpt = Annotated[
    Scope,
    typer.Option(
        "--scope",
        help="One lot pool per asset (universal), per asset and wallet (per-wallet, the US rule from 2025), or universal "
        "before 2025 and per wallet after, the unused basis allocated to wallets at the snapshot (per-wallet-from-2025).",
    ),
]
LotsOpt = Annotated[
    Path | None,
    typer.Option("--lots", metavar="FILE", help="Specific-identification CSV: disposal_id,lot_id,quantity.", show_default=False),
]
TzOpt = Annotated[
    str, typer.Option("--tz", metavar="ZONE", help="Zone whose calendar dates are the tax dates (IANA name, e.g. America/New_York).")
]
OutOpt = Annotated[
    Path | None,
    typer.Option(
        "--output", "-o", metavar="FILE", help="Write the CSV here (atomically) instead of to standard output.", show_default=False
    ),
]
YearOpt = Annotated[
    int | None,
    typer.Option("--year", metavar="YYYY", help="Keep the disposals sold in this tax year (earlier lots still count).", show_default=False),
]
AllowShortfallsOpt = Annotated[
    bool,
    typer.Option(
        "--allow-shortfalls",
        metavar="",
        help="Write the report even when a disposal exceeds the lots held; the uncovered units get lot MISSING and zero basis.",
    ),
]

# -- transfers, prices and income (the steps between reading and matching) --------------------------------------
PricesOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--prices",
        metavar="FILE",
        help="A price file (timestamp,asset,usd_price; Kraken OHLCVT; CoinGecko export). Repeatable.",
        show_default=False,
    ),
]
PeggedOpt = Annotated[
    str,
    typer.Option(
        "--usd-pegged",
        metavar="LIST",
        help="Comma-separated stablecoins valued at 1.00 USD when no price file or trade prices them (an assumption, reported).",
    ),
]
PriceWindowOpt = Annotated[
    int,
    typer.Option(
        "--price-window",
        metavar="MINUTES",
        help="Minutes around an event within which the ledger's own USD trades of an asset price it.",
        min=0,
    ),
]
StalenessOpt = Annotated[
    int, typer.Option("--price-staleness", metavar="HOURS", help="Hours a price-file price stays valid after its timestamp.", min=0)
]
TransferWindowOpt = Annotated[
    str,
    typer.Option(
        "--transfer-window",
        metavar="HOURS",
        help="Hours after a withdrawal within which its deposit in another wallet is looked for (decimals allowed: 1.5).",
    ),
]
TransferToleranceOpt = Annotated[
    str,
    typer.Option(
        "--transfer-tolerance", metavar="PCT", help="Percent by which a deposit may be smaller than its withdrawal (the network fee)."
    ),
]
OverridesOpt = Annotated[
    Path | None,
    typer.Option(
        "--overrides",
        metavar="FILE",
        help="Overrides file (CSV or TOML): force or forbid matches, say what a deposit or withdrawal was.",
        show_default=False,
    ),
]
NetworkFeeOpt = Annotated[
    NetworkFee,
    typer.Option(
        "--network-fee",
        help="A transfer's network fee is a sale of the fee units (disposal) or moves their basis onto what arrived (basis).",
    ),
]
MissingBasisOpt = Annotated[
    str,
    typer.Option(
        "--missing-basis",
        metavar="error|zero",
        help="A crypto deposit with no matching withdrawal and no basis: an error (error) or zero basis, listed (zero).",
    ),
]
AllocationOpt = Annotated[
    Path | None,
    typer.Option(
        "--allocation",
        metavar="FILE",
        help="Your 2025 allocation of unused basis to wallets (lot_id,wallet,quantity); with --scope per-wallet-from-2025.",
        show_default=False,
    ),
]
OpeningLotsOpt = Annotated[
    Path | None,
    typer.Option(
        "--opening-lots",
        metavar="FILE",
        help="Lots held before the first row: a closing-lots file of 'taxlots lots --as-of YYYY-12-31 -o FILE'.",
        show_default=False,
    ),
]
EncodingOpt = Annotated[
    str | None,
    typer.Option(
        "--encoding",
        metavar="CODEC",
        help="Read every export in this text encoding (utf-8, cp1252, latin-1, utf-16) instead of detecting it.",
        show_default=False,
    ),
]
JsonOpt = Annotated[
    bool, typer.Option("--json", metavar="", help="Print the result (or the problems) as JSON on standard output; schema in docs/json.md.")
]


@dataclass(frozen=True, slots=True)
class RunArgs:
    """The values of the options every matching command shares (see :func:`run_options`)."""

    prices: list[Path] | None
    usd_pegged: str
    price_window: int
    price_staleness: int
    transfer_window: str
    transfer_tolerance: str
    overrides: Path | None
    network_fee: NetworkFee
    missing_basis: str
    allocation: Path | None
    opening_lots: Path | None
    json_out: bool
    encoding: str | None = None
    project: Project | None = None


#: name, annotation, default: the shared options, declared once.
_SHARED: tuple[tuple[str, object, object], ...] = (
    ("prices", PricesOpt, None),
    ("usd_pegged", PeggedOpt, ",".join(DEFAULT_PEGGED)),
    ("price_window", PriceWindowOpt, 60),
    ("price_staleness", StalenessOpt, 24),
    ("transfer_window", TransferWindowOpt, "48"),
    ("transfer_tolerance", TransferToleranceOpt, "1"),
    ("overrides", OverridesOpt, None),
    ("network_fee", NetworkFeeOpt, NetworkFee.DISPOSAL),
    ("missing_basis", MissingBasisOpt, "error"),
    ("allocation", AllocationOpt, None),
    ("opening_lots", OpeningLotsOpt, None),
    ("json_out", JsonOpt, False),
    ("encoding", EncodingOpt, None),
)


def hours(text: str | int, option: str = "--transfer-window") -> timedelta:
    """A duration in hours, whole or decimal (``48``, ``5.5``), exactly (to the microsecond); a bad one is a usage error."""
    try:
        value = Decimal(str(text).strip())
    except InvalidOperation:
        value = Decimal(-1)
    if not value.is_finite() or value < 0 or value > 24 * 366:
        raise typer.BadParameter(f"'{text}' is not a number of hours between 0 and {24 * 366}", param_hint=option)
    return timedelta(microseconds=int(value * 3_600_000_000))


F = TypeVar("F", bound=Callable[..., Any])


def _load_project(path: Path | None, *, as_json: bool = False) -> Project | None:
    """The project file named by ``--config``, else the one found here or above; errors stop with status 2."""
    found = path if path is not None else project.find()
    if found is None:
        return None
    try:
        return project.load(found)
    except (ProjectError, OSError) as err:
        problems = err.diagnostics if isinstance(err, ProjectError) else []
        if as_json:
            if not problems:
                problems = [
                    Diagnostic(code=Code.FILE_UNREADABLE, message=f"cannot read the project file: {err}", source=SourceRef(str(found), 0))
                ]
            render.print_problems(problems)
            raise typer.Exit(2) from None
        for diag in problems:
            typer.echo(diag.render(), err=True)
        if not problems:
            typer.echo(f"{found}: error cannot read the project file: {err}", err=True)
        raise typer.Exit(2) from None


def _apply(ctx: typer.Context, proj: Project | None, kwargs: dict[str, Any]) -> None:
    """Fill every option left at its default from the project file; the command line wins."""
    if proj is not None:
        for name, value in proj.values.items():
            source = ctx.get_parameter_source(name)
            if name in kwargs and (source is None or source.name == "DEFAULT"):
                default = kwargs[name]
                kwargs[name] = type(default)(value) if isinstance(default, Enum) else value
    if "inputs" in kwargs and not kwargs["inputs"] and not kwargs.get("formats"):  # detect --formats needs none
        raise typer.BadParameter(
            "needs INPUT files: name them, or run where a taxlots.toml lists them (inputs = [...])", param_hint="INPUT"
        )


def _with_params(func: Callable[..., Any], extra: list[inspect.Parameter], call: Callable[..., Any]) -> Callable[..., Any]:
    signature = inspect.signature(func, eval_str=True)
    own = [p for p in signature.parameters.values() if p.name != "run_args"]
    functools.update_wrapper(call, func)
    call.__signature__ = signature.replace(parameters=own + extra)  # type: ignore[attr-defined]
    call.__annotations__ = {p.name: p.annotation for p in own + extra}
    return call


QuietOpt = Annotated[
    bool, typer.Option("--quiet", "-q", help="Only errors and warnings on standard error: no notes, summaries or progress.")
]
VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help="Also say how long each step took.")]


def set_verbosity(quiet: bool, verbose: bool) -> None:
    """``-q``/``-v`` as given before the command (``taxlots -q gains``) or after it (``taxlots gains -q``)."""
    if quiet:
        render.verbosity = 0
    elif verbose:
        render.verbosity = 2


_CONFIG = inspect.Parameter("config", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=ConfigOpt)
_QUIET = inspect.Parameter("quiet", inspect.Parameter.KEYWORD_ONLY, default=False, annotation=QuietOpt)
_VERBOSE = inspect.Parameter("verbose", inspect.Parameter.KEYWORD_ONLY, default=False, annotation=VerboseOpt)
_CTX = inspect.Parameter("ctx", inspect.Parameter.KEYWORD_ONLY, annotation=typer.Context)  # typer passes the click context


def project_options(func: F) -> F:
    """Give a command ``--config`` and the project file's defaults (see :mod:`taxlots.project`)."""

    def command(*args: Any, **kwargs: Any) -> Any:
        ctx = kwargs.pop("ctx")
        set_verbosity(kwargs.pop("quiet"), kwargs.pop("verbose"))
        render.json_mode = bool(kwargs.get("json_out"))
        _apply(ctx, _load_project(kwargs.pop("config"), as_json=render.json_mode), kwargs)
        return func(*args, **kwargs)

    return _with_params(func, [_CONFIG, _QUIET, _VERBOSE, _CTX], command)  # type: ignore[return-value]


def run_options(func: F) -> F:
    """Give a command the transfer, price and basis options once, as keyword ``run_args: RunArgs``, and ``--config``.

    Typer reads a command's parameters from its signature: this decorator appends the shared options to it,
    fills defaults from the project file, and gathers the shared values into one :class:`RunArgs`, so each
    option is declared here only.
    """
    shared = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=ann) for name, ann, default in _SHARED]

    def command(*args: Any, **kwargs: Any) -> Any:
        ctx = kwargs.pop("ctx")
        set_verbosity(kwargs.pop("quiet"), kwargs.pop("verbose"))
        render.json_mode = bool(kwargs.get("json_out"))
        proj = _load_project(kwargs.pop("config"), as_json=render.json_mode)
        _apply(ctx, proj, kwargs)
        picked = {name: kwargs.pop(name) for name, _, _ in _SHARED}
        return func(*args, run_args=RunArgs(**picked, project=proj), **kwargs)

    return _with_params(func, [*shared, _CONFIG, _QUIET, _VERBOSE, _CTX], command)  # type: ignore[return-value]
