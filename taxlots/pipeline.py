"""The library's whole job in one call: read the inputs, pair transfers, price every event, match lots.

The data flows one way, each step in its own package: ``ingest`` (exports -> one ledger frame) ->
``pairing`` (withdrawals matched with the deposits they became, and the user's overrides) -> ``pricing``
(a USD value for every taxable row, with its source) -> ``lots.engine`` (disposals, lots, income) -> reports.
Every step returns its problems as diagnostics; this module gathers them, ordered by file and line.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from typing import Protocol

import polars as pl

from taxlots import allocation, ingest, lotfile, openinglots, pairing
from taxlots.ingest import Ledger
from taxlots.lots.engine import Config, NetworkFee, match_rows
from taxlots.lots.methods import Method, StandingOrder
from taxlots.lots.pool import Scope
from taxlots.lots.transition import PER_WALLET_FROM, Assignment
from taxlots.model.diagnostics import Code, Diagnostic, Severity, sort_key
from taxlots.model.ledger import NOT_PROPERTY
from taxlots.model.lots import Lot, MatchResult, Selection
from taxlots.model.source import SourceRef
from taxlots.pairing import TransferReport
from taxlots.pricing import DEFAULT_PEGGED, PriceReport, attach_prices


@dataclass(frozen=True, slots=True, kw_only=True)
class Options:
    """Everything a run can be told, with the defaults the CLI documents."""

    method: Method = Method.FIFO
    scope: Scope = Scope.UNIVERSAL
    lots_file: str | None = None
    as_of: date | None = None
    allow_shortfalls: bool = False
    price_files: Sequence[str] = ()
    pegged: Sequence[str] = DEFAULT_PEGGED
    price_window: timedelta = timedelta(hours=1)
    staleness: timedelta = timedelta(hours=24)
    transfer_window: timedelta = timedelta(hours=48)
    transfer_tolerance: Decimal = Decimal("0.01")
    overrides: str | None = None
    network_fee: NetworkFee = NetworkFee.DISPOSAL
    missing_basis: str = "error"  # or "zero"
    allocation: str | None = None
    opening_lots: str | None = None
    standing_orders: tuple[StandingOrder, ...] = ()
    encoding: str | None = None  # read every export in this encoding instead of detecting it


@dataclass(slots=True)
class Run:
    """A ledger read, paired, priced and matched. ``diagnostics`` holds every problem, by file and line."""

    ledger: Ledger
    result: MatchResult
    diagnostics: list[Diagnostic]
    frame: pl.DataFrame = field(default_factory=pl.DataFrame)  # the ledger as the engine saw it (paired, priced)
    transfers: TransferReport | None = None
    prices: PriceReport | None = None


#: Told as each input file starts: (index from 0, number of files, path).
OnFile = Callable[[int, int, str], None]


class Progress(Protocol):
    """Where a run says what it is doing (the CLI shows it on a terminal); the library stays silent by default.

    ``step`` may yield an :data:`OnFile` callable that the step tells how far it is (reading: per file).
    """

    def step(self, name: str) -> AbstractContextManager[OnFile | None]: ...


class _Silent:
    def step(self, name: str) -> AbstractContextManager[OnFile | None]:
        return nullcontext()


def run(
    paths: Sequence[str],
    *,
    zone: tzinfo,
    options: Options | None = None,
    progress: Progress | None = None,
    keep_frames: bool = True,
    **kwargs: object,
) -> Run:
    """Read ``paths``, pair transfers, price the events, match every disposal to lots, gather every problem.

    Args:
        paths: input files, in order.
        zone: the taxpayer's zone: tax dates (holding periods, years, ``as_of``) are its calendar dates.
        options: what to do (see :class:`Options`); keyword arguments override single fields of it.
        progress: told when each step starts and ends.
        keep_frames: False for a caller that reads only the result and the problems (``taxlots gains``): the
            ledger frames are let go before the engine runs, and ``Run.ledger.frame`` and ``Run.frame`` are
            empty. At a million rows they hold about half a gigabyte the engine does not need.
    """
    opts = Options(**{**_fields(options or Options()), **kwargs})  # type: ignore[arg-type]
    say = progress or _Silent()
    with say.step(f"reading {len(paths)} file(s)") as on_file:
        ledger = ingest.load(paths, tz="UTC", encoding=opts.encoding, on_file=on_file)
    diagnostics = list(ledger.diagnostics)
    selections = _selections(opts, diagnostics, ledger.frame)
    assigned = _allocation(opts, diagnostics)
    opening: tuple[Lot, ...] = ()
    if opts.opening_lots:
        opening, problems = openinglots.read(opts.opening_lots)
        diagnostics += problems
    frame, credits = _fee_credits(ledger.frame)
    diagnostics += credits
    rules = None
    if opts.overrides:
        rules, problems = pairing.read_overrides(opts.overrides)
        diagnostics += problems
    with say.step("pairing transfers"):
        frame, transfers, problems = pairing.link(
            frame, window=opts.transfer_window, tolerance=opts.transfer_tolerance, overrides=rules, missing_basis=opts.missing_basis
        )
    diagnostics += problems
    with say.step("pricing"):
        frame, prices, problems = attach_prices(
            frame, price_files=opts.price_files, pegged=opts.pegged, window=opts.price_window, staleness=opts.staleness
        )
    diagnostics += problems
    if opts.as_of is not None:
        frame = frame.filter(pl.col("timestamp") < datetime.combine(opts.as_of + timedelta(days=1), time(), tzinfo=zone))
    config = Config(
        method=opts.method,
        scope=opts.scope,
        zone=zone,
        selections=selections,
        network_fee=opts.network_fee,
        allocation=assigned,
        opening_lots=opening,
        standing_orders=opts.standing_orders,
    )
    with say.step(f"matching {frame.height:,} rows to lots"):
        rows, sources = ingest.engine_rows(frame, zone)  # the rows' own columns: the ledger frames can go
        if not keep_frames:
            ledger.frame, frame = ledger.frame.clear(), frame.clear()
        result = match_rows(rows, sources, config)
    diagnostics += _engine_problems(result, prices, opts.allow_shortfalls)
    diagnostics += _scope_warning(result, opts.scope)
    diagnostics.sort(key=sort_key)
    return Run(ledger=ledger, result=result, diagnostics=diagnostics, frame=frame, transfers=transfers, prices=prices)


def _fields(options: Options) -> dict[str, object]:
    return {name: getattr(options, name) for name in Options.__dataclass_fields__}


def _selections(opts: Options, diagnostics: list[Diagnostic], frame: pl.DataFrame) -> dict[str, tuple[Selection, ...]]:
    if opts.method is not Method.SPECIFIC:
        return {}
    if opts.lots_file is None:
        diagnostics.append(Diagnostic(code=Code.BAD_OPTION, message="--method specific needs --lots FILE (disposal_id,lot_id,quantity)"))
        return {}
    selections, problems = lotfile.read(opts.lots_file)
    selections, unresolved = lotfile.resolve(selections, frame)  # old FILE:LINE ids -> row ids
    diagnostics += problems + unresolved
    return selections


def _allocation(opts: Options, diagnostics: list[Diagnostic]) -> tuple[Assignment, ...]:
    if opts.allocation is None:
        return ()
    if opts.scope is not Scope.PER_WALLET_FROM_2025:
        diagnostics.append(Diagnostic(code=Code.BAD_OPTION, message="--allocation applies only with --scope per-wallet-from-2025"))
        return ()
    assigned, problems = allocation.read(opts.allocation)
    diagnostics += problems
    return assigned


def _fee_credits(frame: pl.DataFrame) -> tuple[pl.DataFrame, list[Diagnostic]]:
    """Fee credits (Kraken's KFEE) are not property: a fee paid with them costs nothing, and their grants book nothing.

    A fee in credits is cleared from the fee columns (the note keeps it); a row that only moves credits (a KFEE
    deposit) leaves the ledger, counted and reported per file like any skipped row.
    """
    credit = pl.col("fee_asset").is_in(list(NOT_PROPERTY))
    said = pl.format("fee paid with {} {} credits (not property, no USD value)", pl.col("fee_qty"), pl.col("fee_asset"))
    note = pl.when(pl.col("note").fill_null("") == "").then(said).otherwise(pl.concat_str([pl.col("note"), said], separator="; "))
    frame = frame.with_columns(
        note=pl.when(credit).then(note).otherwise(pl.col("note")),
        fee_asset=pl.when(credit).then(None).otherwise(pl.col("fee_asset")),
        fee_qty=pl.when(credit).then(None).otherwise(pl.col("fee_qty")),
    )
    only_credits = pl.coalesce("received_asset", "sent_asset").is_in(list(NOT_PROPERTY)) & pl.col("type").is_in(["deposit", "withdrawal"])
    dropped = frame.filter(only_credits)
    diags = [
        Diagnostic(
            code=Code.SKIPPED_ROWS,
            severity=Severity.INFO,
            message=f"skipped {n} row(s): fee credits ({', '.join(NOT_PROPERTY)}) are not property",
            source=SourceRef(str(file), int(line)),
        )
        for file, line, n in dropped.group_by("file", maintain_order=True).agg(pl.col("line").min(), pl.len()).iter_rows()
    ]
    return frame.filter(~only_credits), diags


def _engine_problems(result: MatchResult, prices: PriceReport, allow_shortfalls: bool) -> list[Diagnostic]:
    """The engine's problems, less the per-row missing prices the price step already reported in groups."""
    grouped = {(src.file, src.line) for src in prices.unpriced}
    out: list[Diagnostic] = []
    for diag in result.diagnostics:
        if diag.code is Code.MISSING_PRICE and diag.source is not None and (diag.source.file, diag.source.line) in grouped:
            continue
        if allow_shortfalls and diag.code is Code.SHORTFALL and diag.severity is Severity.ERROR:
            diag = Diagnostic(code=diag.code, message=diag.message + " (zero basis assumed)", source=diag.source, severity=Severity.WARNING)
        out.append(diag)
    return out


def _scope_warning(result: MatchResult, scope: Scope) -> list[Diagnostic]:
    """Universal pools for sales after 2024 contradict Treas. Reg. 1.1012-1(j): say so once."""
    if scope is not Scope.UNIVERSAL:
        return []
    first = PER_WALLET_FROM.toordinal()
    late = int((pl.Series(result.columns.day, dtype=pl.Int32) >= first).sum())
    if not late:
        return []
    return [
        Diagnostic(
            code=Code.BAD_OPTION,
            severity=Severity.WARNING,
            message=f"{late} disposal(s) from 2025 on were matched with universal pools; from 2025-01-01 US rules "
            "(Treas. Reg. 1.1012-1(j)) identify units per wallet or account",
            hint="use --scope per-wallet-from-2025 (or per-wallet)",
        )
    ]
