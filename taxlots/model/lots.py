"""What lot matching produces: disposals cut into lot slices, open lots, income, and the problems found."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple

from taxlots.model.diagnostics import Diagnostic
from taxlots.model.source import SourceRef


@dataclass(frozen=True, slots=True, kw_only=True)
class Lot:
    """Units of one asset acquired together, still held. ``basis`` is the total basis of ``quantity``."""

    id: str  # the id of the ledger row that created the lot
    asset: str
    wallet: str
    quantity: Decimal
    basis: Decimal
    acquired_at: datetime
    acquired_date: date  # the tax date of ``acquired_at`` in the configured zone
    source: SourceRef
    seq: int = 0  # the ledger order of the row that created it: lots acquired at the same moment keep this order

    @property
    def unit_cost(self) -> Decimal:
        return self.basis / self.quantity


class LotSlice(NamedTuple):
    """The part of one lot that a disposal used. ``lot_id`` is None for a shortfall (no lot covered it).

    Immutable; a NamedTuple because a run makes one or more per disposal.
    """

    lot_id: str | None
    quantity: Decimal
    basis: Decimal
    acquired_date: date | None
    long_term: bool


class Disposal(NamedTuple):
    """A sale, a trade's given-up side, a spend or a fee paid in property (immutable; a NamedTuple for speed).

    ``proceeds`` is exact (never rounded here); the slices cover ``quantity`` exactly. ``missing_basis`` is
    True when the pool held too little and the last slice has no lot.
    """

    id: str
    asset: str
    wallet: str
    quantity: Decimal
    proceeds: Decimal
    sold_at: datetime
    sold_date: date
    slices: tuple[LotSlice, ...]
    source: SourceRef
    missing_basis: bool = False
    price_source: str = ""  # where the proceeds' USD value came from (export, override, file:<path>, ledger, peg)
    identification: str = ""  # what chose the lots: a selection, a standing order, the run's method, or the FIFO default

    @property
    def basis(self) -> Decimal:
        return sum((s.basis for s in self.slices), Decimal(0))


@dataclass(frozen=True, slots=True, kw_only=True)
class Income:
    """Property (or USD) received as ordinary income, at its fair market value in USD."""

    id: str
    asset: str
    wallet: str
    quantity: Decimal
    usd_value: Decimal
    received_at: datetime
    received_date: date
    source: SourceRef
    price_source: str = ""  # where ``usd_value`` came from
    note: str = ""  # the export's own description (staking, airdrop, interest, ...)


@dataclass(frozen=True, slots=True, kw_only=True)
class Removal:
    """Units that left the tracked wallets without a sale (a withdrawal to outside), with their basis."""

    id: str
    asset: str
    wallet: str
    slices: tuple[LotSlice, ...]
    source: SourceRef
    disposition: str = ""  # what the withdrawal was, when the user said: gift, donation, lost, stolen


@dataclass(slots=True, kw_only=True)
class MatchResult:
    """Everything one run of the engine produces, in event order."""

    disposals: list[Disposal] = field(default_factory=list)
    open_lots: list[Lot] = field(default_factory=list)
    income: list[Income] = field(default_factory=list)
    removals: list[Removal] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


@dataclass(frozen=True, slots=True, kw_only=True)
class Selection:
    """One line of a specific-identification file: take ``quantity`` of lot ``lot_id`` for ``disposal_id``."""

    disposal_id: str
    lot_id: str
    quantity: Decimal
    source: SourceRef
