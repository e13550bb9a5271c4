"""The overrides resolved against the ledger's rows: what to force, forbid and declare, and what does not fit.

Pure: the glue (``taxlots.pairing``) looks up the rows the overrides name and passes them as :class:`Row`.
An id that names no row, or more than one, a kind applied to the wrong sort of row, a match between rows
that cannot be one transfer, and a second override for a row are errors at the override's file and line.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from taxlots.model.diagnostics import Code, Diagnostic
from taxlots.model.ledger import Kind
from taxlots.model.source import SourceRef
from taxlots.transfers import overrides as ov
from taxlots.transfers.match import Reason, Unmatched
from taxlots.transfers.overrides import Override, Overrides

#: The ledger columns a :class:`Row` holds, in order.
ROW_COLUMNS = ("id", "seq", "type", "wallet", "sent_asset", "sent_qty", "received_asset", "received_qty")


class Row(NamedTuple):
    """What resolving needs of a ledger row an override names (quantities as canonical decimal text)."""

    id: str
    seq: int
    type: str
    wallet: str
    sent_asset: str | None
    sent_qty: str | None
    received_asset: str | None
    received_qty: str | None


def named_ids(overrides: Overrides) -> list[str]:
    """Every ledger id the overrides name, sorted."""
    return sorted({o.id for o in overrides.items} | {o.with_id for o in overrides.items if o.with_id})


@dataclass(slots=True)
class Plan:
    """What the overrides decide: forced pairs, forbidden pairs, rows kept out of matching, declarations."""

    forced: list[tuple[int, int]] = field(default_factory=list)  # (withdrawal seq, deposit seq)
    forbidden: set[tuple[int, int]] = field(default_factory=set)
    fixed: set[int] = field(default_factory=set)  # seqs kept out of matching (forced, declared, forbidden alone)
    declared: list[tuple[int, Override]] = field(default_factory=list)
    unmatched: list[Unmatched] = field(default_factory=list)  # the forbidden-alone and declared rows, with why
    diagnostics: list[Diagnostic] = field(default_factory=list)


def resolve(overrides: Overrides, rows: Mapping[str, Sequence[Row]]) -> Plan:
    """Check each override against the rows it names, in file order.

    Args:
        overrides: the overrides file.
        rows: the ledger rows by id (every id of :func:`named_ids` that exists; a list when an id repeats).

    Returns:
        The :class:`Plan`; its diagnostics list every override that does not fit.
    """
    plan = _Resolver(Plan(), rows)
    for o in overrides.items:
        plan.apply(o)
    return plan.plan


class _Resolver:
    def __init__(self, plan: Plan, rows: Mapping[str, Sequence[Row]]) -> None:
        self.plan, self.rows = plan, rows
        self.claimed: dict[int, SourceRef] = {}

    def bad(self, o: Override, message: str, hint: str = "") -> None:
        self.plan.diagnostics.append(Diagnostic(code=Code.BAD_OVERRIDE, message=message, source=o.source, hint=hint))

    def row(self, o: Override, rid: str) -> Row | None:
        found = self.rows.get(rid, ())
        if not found:
            self.bad(o, f"no ledger row has id '{rid}'", "an override names a row by the id column of the ledger `taxlots import` writes")
        elif len(found) > 1:
            self.bad(o, f"id '{rid}' names {len(found)} ledger rows; it must name one")
        return found[0] if len(found) == 1 else None

    def claim(self, o: Override, row: Row) -> bool:
        if row.seq in self.claimed:
            self.bad(o, f"'{row.id}' already has an override at {self.claimed[row.seq]}")
            return False
        self.claimed[row.seq] = o.source
        return True

    def apply(self, o: Override) -> None:
        row = self.row(o, o.id)
        other = self.row(o, o.with_id) if o.with_id else None
        if row is None or (o.with_id and other is None):
            return
        plan = self.plan
        if other is not None:
            self.pair(o, row, other)
        elif o.kind is ov.Kind.FORBID:
            if row.type not in (Kind.WITHDRAWAL, Kind.DEPOSIT):
                self.bad(o, f"forbid names a withdrawal or a deposit, but '{o.id}' is a {row.type}")
            elif self.claim(o, row):
                plan.fixed.add(row.seq)
                plan.unmatched.append(Unmatched(seq=row.seq, side=row.type, reason=Reason.FORBIDDEN, detail=f"forbid at {o.source}"))
        else:
            wants = Kind.DEPOSIT if o.kind in ov.DEPOSIT_KINDS else Kind.WITHDRAWAL
            if row.type != wants:
                self.bad(o, f"{o.kind} applies to a {wants}, but '{o.id}' is a {row.type}")
            elif self.claim(o, row):
                plan.fixed.add(row.seq)
                plan.declared.append((row.seq, o))
                plan.unmatched.append(Unmatched(seq=row.seq, side=row.type, reason=Reason.DECLARED, detail=f"{o.kind} at {o.source}"))

    def pair(self, o: Override, row: Row, other: Row) -> None:
        """A match or a forbidden pair: one withdrawal and one deposit (a forbid may name them in either order)."""
        w, d = (other, row) if o.kind is ov.Kind.FORBID and row.type == Kind.DEPOSIT else (row, other)
        if w.type != Kind.WITHDRAWAL or d.type != Kind.DEPOSIT:
            self.bad(o, f"{o.kind} names a withdrawal and a deposit, but '{w.id}' is a {w.type} and '{d.id}' is a {d.type}")
        elif o.kind is ov.Kind.FORBID:
            self.plan.forbidden.add((w.seq, d.seq))
        elif w.sent_asset != d.received_asset:
            self.bad(o, f"withdrawal '{w.id}' sends {w.sent_asset} but deposit '{d.id}' receives {d.received_asset}")
        elif w.wallet == d.wallet:
            self.bad(o, f"withdrawal '{w.id}' and deposit '{d.id}' are both in wallet {w.wallet}; a transfer moves between two wallets")
        elif Decimal(d.received_qty or "0") > Decimal(w.sent_qty or "0"):
            self.bad(
                o, f"deposit '{d.id}' receives {d.received_qty} {d.received_asset}, more than the {w.sent_qty} withdrawal '{w.id}' sends"
            )
        elif self.claim(o, w) and self.claim(o, d):
            self.plan.forced.append((w.seq, d.seq))
            self.plan.fixed.update((w.seq, d.seq))
