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

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from typing import Any, NamedTuple

from taxlots.model import grains
from taxlots.model.diagnostics import Code, Diagnostic, Severity
from taxlots.model.lots import MatchResult, joined, joined_income
from taxlots.model.money import share
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


class Held(NamedTuple):
    """An open lot at the snapshot as the engine holds it (amounts in grains), and the engine's own lot."""

    asset: str
    id: str
    wallet: str
    quantity: int
    basis: int
    moment: int  # acquired, microseconds since the epoch
    seq: int  # the order it was opened in: breaks ties between lots acquired at the same moment
    lot: Any  # the engine's lot, handed back with each part so the part keeps its dates, source and gift


class Part(NamedTuple):
    """``quantity`` units (and ``basis``) of the universal lot ``held``, allocated to ``wallet``."""

    held: Held
    wallet: str
    quantity: int
    basis: int


def allocate(
    universal: Sequence[Held], traced: Sequence[Held], given: Sequence[Assignment], source: Callable[[Held], SourceRef]
) -> tuple[list[Part], list[Diagnostic]]:
    """Allocate the open universal lots to wallets (see the module docstring).

    Args:
        universal: the open lots of the universal run at the snapshot, by asset, wallet and acquisition.
        traced: the open lots of a per-wallet run over the same rows (where the units physically are), in
            the same order.
        given: the user's own allocation lines, applied first.
        source: where a universal lot came from (named by a warning).

    Returns:
        The per-wallet lots that open 2025, one per (asset, wallet, lot), sorted by asset, wallet and
        acquisition; and the problems found.
    """
    diags: list[Diagnostic] = []
    left = {(h.asset, h.id): (h.quantity, h.basis) for h in universal}  # what is still unallocated of each lot
    room: dict[tuple[str, str], int] = {}
    for t in traced:
        room[(t.asset, t.wallet)] = room.get((t.asset, t.wallet), 0) + t.quantity
    out: list[Part] = []

    def take(h: Held, quantity: int, wallet: str) -> None:
        key = (h.asset, h.id)
        units, basis = left[key]
        part_basis = basis if quantity == units else _share(basis, quantity, units)
        left[key] = units - quantity, basis - part_basis
        room[(h.asset, wallet)] = room.get((h.asset, wallet), 0) - quantity
        out.append(Part(h, wallet, quantity, part_basis))

    by_id = {h.id: h for h in universal}
    for a in given:
        named = by_id.get(a.lot_id)
        wanted = grains.of(a.quantity)
        units = left[(named.asset, named.id)][0] if named is not None else 0
        if named is None or units < wanted:
            held = "is not an open lot at the snapshot" if named is None else f"has only {grains.plain(units)} left"
            diags.append(Diagnostic(code=Code.BAD_OPTION, message=f"allocation of lot '{a.lot_id}': it {held}", source=a.source))
            continue
        take(named, wanted, a.wallet)
    lots = {(h.asset, h.id): h for h in universal}
    for t in traced:  # 1. each wallet keeps the units of a lot it physically holds
        same = lots.get((t.asset, t.id))
        if same is not None:
            wanted = min(t.quantity, left[(same.asset, same.id)][0], room.get((t.asset, t.wallet), 0))
            if wanted > 0:
                take(same, wanted, t.wallet)
    wallets = sorted({w for (_, w) in room})
    for h in sorted(universal, key=lambda h: (h.asset, h.moment, h.seq, h.id)):  # 2. the rest, earliest first
        key = (h.asset, h.id)
        for wallet in wallets:
            space = room.get((h.asset, wallet), 0)
            if left[key][0] <= 0:
                break
            if space > 0:
                take(h, min(left[key][0], space), wallet)
        if (units := left[key][0]) > 0:
            diags.append(
                Diagnostic(
                    code=Code.SHORTFALL,
                    severity=Severity.WARNING,
                    source=source(h),
                    message=f"allocation: {grains.plain(units)} {h.asset} of lot '{h.id}' exceed what the wallets hold at "
                    f"the 2025 snapshot; left in {h.wallet}",
                )
            )
            take(h, units, h.wallet)
    out.sort(key=lambda p: (p.held.asset, p.wallet, p.held.moment, p.held.seq, p.held.id))
    return _merge(out), diags


def _share(value: int, part: int, whole: int) -> int:
    """``money.share`` of grains: the allocation splits a lot's basis exactly as it did in ``Decimal`` (call in
    ``decimal_context``). ``grains.share`` can differ from it by a grain (its docstring says when)."""
    return grains.of(share(grains.dec(value), grains.dec(part), grains.dec(whole)))


def _merge(parts: list[Part]) -> list[Part]:
    """One part per (asset, wallet, lot id): parts of one lot allocated to the same wallet in two steps."""
    merged: dict[tuple[str, str, str], Part] = {}
    for p in parts:
        key = (p.held.asset, p.wallet, p.held.id)
        same = merged.get(key)
        merged[key] = p if same is None else same._replace(quantity=same.quantity + p.quantity, basis=same.basis + p.basis)
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
