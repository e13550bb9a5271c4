"""The US move from universal to per-wallet basis on 2025-01-01 (Rev. Proc. 2024-28; US_RULES.md §3.3).

Disposals before the snapshot (the end of the taxpayer's day on 2024-12-31) draw on one pool per asset; from
2025 on, each wallet is its own pool. At the snapshot the *unused basis* (the universal lots still open) is
allocated to the wallets, so that each wallet holds lots adding up to exactly the units it actually holds:

1. The units are traced: a per-wallet run over the same rows says which acquisitions sit in which wallet
   (transfers move them). Each wallet first receives, of every universal lot, as much as it physically holds
   of that same lot.
2. What is left of the universal lots (earlier sales took different units than the ones that physically left)
   fills the wallets' remaining holdings in FIFO order of the lots (acquisition time, then the order they
   were opened), wallets in name order.

Each lot keeps its original acquisition date, and basis splits in proportion to quantity with the remainder
on the last part, so the allocation never changes total quantity or total basis. A user-given allocation
(``lot_id, wallet, quantity`` lines) is applied first and the rule above allocates the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal

from taxlots.model.diagnostics import Code, Diagnostic, Severity
from taxlots.model.lots import Lot, MatchResult, joined, joined_income
from taxlots.model.money import ZERO, plain, share
from taxlots.model.source import SourceRef

#: The first day of per-wallet basis for US taxpayers.
PER_WALLET_FROM = date(2025, 1, 1)


@dataclass(frozen=True, slots=True, kw_only=True)
class Assignment:
    """One line of a user-given allocation: put ``quantity`` of universal lot ``lot_id`` in ``wallet``."""

    lot_id: str
    wallet: str
    quantity: Decimal
    source: SourceRef


def snapshot(zone: tzinfo, first_day: date = PER_WALLET_FROM) -> datetime:
    """The instant of the snapshot: the start of ``first_day`` in the taxpayer's zone."""
    return datetime.combine(first_day, time(), tzinfo=zone)


class _Left:
    """What is still unallocated of one universal lot."""

    __slots__ = ("lot", "units", "basis")

    def __init__(self, lot: Lot) -> None:
        self.lot, self.units, self.basis = lot, lot.quantity, lot.basis


def allocate(
    universal: Sequence[Lot], traced: Sequence[Lot], given: Sequence[Assignment] = (), order: dict[str, int] | None = None
) -> tuple[list[Lot], list[Diagnostic]]:
    """Allocate the open universal lots to wallets (see the module docstring).

    Args:
        universal: the open lots of the universal run at the snapshot.
        traced: the open lots of a per-wallet run over the same rows: where the units physically are.
        given: the user's own allocation lines, applied first.
        order: each lot's ``seq`` (the order it was opened in), which breaks ties between lots acquired at the
            same moment, as the engine's own keys do.

    Returns:
        The per-wallet lots that open 2025, sorted by asset, wallet, acquisition; and problems found.
    """
    diags: list[Diagnostic] = []
    left = {(lot.asset, lot.id): _Left(lot) for lot in universal}
    room: dict[tuple[str, str], Decimal] = {}
    for lot in traced:
        room[(lot.asset, lot.wallet)] = room.get((lot.asset, lot.wallet), ZERO) + lot.quantity
    out: list[Lot] = []

    def take(entry: _Left, quantity: Decimal, wallet: str) -> None:
        part_basis = entry.basis if quantity == entry.units else share(entry.basis, quantity, entry.units)
        entry.units -= quantity
        entry.basis -= part_basis
        asset = entry.lot.asset
        room[(asset, wallet)] = room.get((asset, wallet), ZERO) - quantity
        out.append(replace(entry.lot, wallet=wallet, quantity=quantity, basis=part_basis))

    by_id = {lot.id: left[(lot.asset, lot.id)] for lot in universal}
    for a in given:
        entry = by_id.get(a.lot_id)
        if entry is None or entry.units < a.quantity:
            held = "is not an open lot at the snapshot" if entry is None else f"has only {plain(entry.units)} left"
            diags.append(Diagnostic(code=Code.BAD_OPTION, message=f"allocation of lot '{a.lot_id}': it {held}", source=a.source))
            continue
        take(entry, a.quantity, a.wallet)
    for lot in traced:  # 1. each wallet keeps the units of a lot it physically holds
        entry = left.get((lot.asset, lot.id))
        if entry is not None:
            wanted = min(lot.quantity, entry.units, room.get((lot.asset, lot.wallet), ZERO))
            if wanted > 0:
                take(entry, wanted, lot.wallet)
    wallets = sorted({w for (_, w) in room})
    seq = order or {}
    for lot in sorted(universal, key=lambda lot: (lot.asset, lot.acquired_at, seq.get(lot.id, 0), lot.id)):  # 2. the rest, earliest first
        entry = left[(lot.asset, lot.id)]
        for wallet in wallets:
            space = room.get((lot.asset, wallet), ZERO)
            if entry.units <= 0:
                break
            if space > 0:
                take(entry, min(entry.units, space), wallet)
        if entry.units > 0:
            diags.append(
                Diagnostic(
                    code=Code.SHORTFALL,
                    severity=Severity.WARNING,
                    source=lot.source,
                    message=f"allocation: {plain(entry.units)} {lot.asset} of lot '{lot.id}' exceed what the wallets hold at "
                    f"the 2025 snapshot; left in {lot.wallet}",
                )
            )
            take(entry, entry.units, lot.wallet)
    out.sort(key=lambda lot: (lot.asset, lot.wallet, lot.acquired_at, seq.get(lot.id, 0), lot.id))
    return _merge(out), diags


def _merge(lots: list[Lot]) -> list[Lot]:
    """One lot per (asset, wallet, lot id): parts of one lot allocated to the same wallet in two steps."""
    merged: dict[tuple[str, str, str], Lot] = {}
    for lot in lots:
        key = (lot.asset, lot.wallet, lot.id)
        same = merged.get(key)
        merged[key] = lot if same is None else replace(same, quantity=same.quantity + lot.quantity, basis=same.basis + lot.basis)
    return list(merged.values())


def combine(before: MatchResult, after: MatchResult, diags: list[Diagnostic]) -> MatchResult:
    """The results of the universal run before the snapshot and the per-wallet run after it, as one."""
    early, late, lots = before.income_columns, after.income_columns, after.lot_columns
    out = MatchResult(
        columns=joined(before.columns, after.columns),
        open_lots=after.open_lots if lots is None else None,
        income=joined_income(early, late) if early is not None and late is not None else before.income + after.income,
        removals=before.removals + after.removals,
        diagnostics=before.diagnostics + diags + after.diagnostics,
    )
    if lots is not None:  # kept as columns, as a run leaves them
        out.open_lots_when_asked(lambda: lots)
    return out


def last_day_before(first_day: date = PER_WALLET_FROM) -> date:
    return first_day - timedelta(days=1)
