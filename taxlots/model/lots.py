"""What lot matching produces: disposals cut into lot slices, open lots, income, and the problems found."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import NamedTuple, Protocol, TypeVar

from taxlots.model import grains
from taxlots.model.diagnostics import Diagnostic
from taxlots.model.source import SourceRef

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_C = TypeVar("_C", "DisposalColumns", "IncomeColumns")


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


class Sources(Protocol):
    """Where each input row of a run came from, by its position: built into a ``SourceRef`` only when asked."""

    def __getitem__(self, row: int, /) -> SourceRef: ...


#: The columns of :class:`DisposalColumns`: one entry per disposal, and one per lot slice (the engine records them in this order).
DISPOSAL_FIELDS = (
    "id",
    "asset",
    "wallet",
    "quantity",
    "proceeds",
    "moment",
    "day",
    "start",
    "row",
    "missing",
    "price_source",
    "identification",
)
SLICE_FIELDS = ("lot_id", "slice_quantity", "slice_basis", "acquired_day", "long_term")


class DisposalColumns:
    """The disposals of a run as columns: the engine fills them as it goes, reports read them whole.

    One entry per disposal (``id`` ... ``identification``, in event order) and one per lot slice (``lot_id`` ...
    ``long_term``, in the same order; disposal ``k`` owns slices ``start[k]`` to ``start[k + 1]``). Quantities
    and money are exact integer grains (:mod:`taxlots.model.grains`), days are proleptic ordinals
    (``date.toordinal``), ``moment`` is microseconds since the epoch (UTC) and ``row`` is the position of the
    input row, whose source ``sources[row]`` gives. :meth:`rows` builds the public ``Disposal`` values.

    Columns, not a tuple per disposal: a million rows' tuples cost as much again to turn into columns (the
    tuples lie all over memory) as to build, and double the peak memory while both exist.
    """

    __slots__ = (*DISPOSAL_FIELDS, *SLICE_FIELDS, "sources", "_rows")

    def __init__(self, sources: Sources) -> None:
        self.id: list[str] = []
        self.asset: list[str] = []
        self.wallet: list[str] = []
        self.quantity: list[int] = []
        self.proceeds: list[int] = []
        self.moment: list[int] = []
        self.day: list[int] = []
        self.start: list[int] = [0]  # one more than there are disposals: the end of the last one's slices
        self.row: list[int] = []
        self.missing: list[bool] = []
        self.price_source: list[str] = []
        self.identification: list[str] = []
        self.lot_id: list[str | None] = []  # None: units no lot covered (a shortfall)
        self.slice_quantity: list[int] = []
        self.slice_basis: list[int] = []
        self.acquired_day: list[int] = []  # 0 for a shortfall
        self.long_term: list[bool] = []
        self.sources = sources
        self._rows: list[Disposal] | None = None

    def __len__(self) -> int:
        return len(self.id)

    def source(self, k: int) -> SourceRef:
        return self.sources[self.row[k]]

    def rows(self) -> list[Disposal]:
        """The disposals as ``Disposal`` values with ``Decimal`` amounts and dates (built once, when the run is done)."""
        if self._rows is None:
            self._rows = [self._disposal(k) for k in range(len(self.id))]
        return self._rows

    def _disposal(self, k: int) -> Disposal:
        a, b = self.start[k], self.start[k + 1]
        slices = tuple(
            LotSlice(
                self.lot_id[j],
                grains.dec(self.slice_quantity[j]),
                grains.dec(self.slice_basis[j]),
                date.fromordinal(self.acquired_day[j]) if self.lot_id[j] is not None else None,
                self.long_term[j],
            )
            for j in range(a, b)
        )
        return Disposal(
            self.id[k],
            self.asset[k],
            self.wallet[k],
            grains.dec(self.quantity[k]),
            grains.dec(self.proceeds[k]),
            _EPOCH + timedelta(microseconds=self.moment[k]),
            date.fromordinal(self.day[k]),
            slices,
            self.source(k),
            self.missing[k],
            self.price_source[k],
            self.identification[k],
        )


def joined(first: DisposalColumns, second: DisposalColumns) -> DisposalColumns:
    """The disposals of ``first`` then ``second``: two runs over parts of one input (they share its sources)."""
    out = _concatenated(DisposalColumns(first.sources), first, second, but=("start",))
    offset = first.start[-1]
    out.start = first.start + [offset + s for s in second.start[1:]]
    return out


class IncomeColumns:
    """The income of a run as columns, in event order, appended to by the engine (as :class:`DisposalColumns`).

    ``quantity`` and ``usd_value`` are grains, ``moment`` microseconds since the epoch (UTC), ``day`` the tax day
    (a proleptic ordinal) and ``row`` the position of the input row, whose source ``sources[row]`` gives.
    :meth:`rows` builds the public ``Income`` values, once, when a report asks for them.
    """

    __slots__ = ("id", "asset", "wallet", "quantity", "usd_value", "moment", "day", "row", "price_source", "note", "sources", "_rows")

    def __init__(self, sources: Sources) -> None:
        self.id: list[str] = []
        self.asset: list[str] = []
        self.wallet: list[str] = []
        self.quantity: list[int] = []
        self.usd_value: list[int] = []
        self.moment: list[int] = []
        self.day: list[int] = []
        self.row: list[int] = []
        self.price_source: list[str] = []
        self.note: list[str] = []
        self.sources = sources
        self._rows: list[Income] | None = None

    def __len__(self) -> int:
        return len(self.id)

    def rows(self) -> list[Income]:
        """The income as ``Income`` values with ``Decimal`` amounts and dates (built once)."""
        if self._rows is None:
            self._rows = [
                Income(
                    id=self.id[k],
                    asset=self.asset[k],
                    wallet=self.wallet[k],
                    quantity=grains.dec(self.quantity[k]),
                    usd_value=grains.dec(self.usd_value[k]),
                    received_at=_EPOCH + timedelta(microseconds=self.moment[k]),
                    received_date=date.fromordinal(self.day[k]),
                    source=self.sources[self.row[k]],
                    price_source=self.price_source[k],
                    note=self.note[k],
                )
                for k in range(len(self.id))
            ]
        return self._rows


class LotColumns:
    """Open lots as columns, by asset, wallet, acquisition and ``seq`` (the order of the ``lots`` report).

    ``quantity`` and ``basis`` are grains, ``moment`` microseconds since the epoch (UTC), ``day`` the tax day of
    acquisition (a proleptic ordinal). ``origin`` is where a lot came from: the position of the input row that
    opened it (its source is ``sources[origin]``), or an opening lot's own ``SourceRef``.
    """

    __slots__ = ("id", "asset", "wallet", "quantity", "basis", "moment", "day", "seq", "origin", "sources", "_rows")

    def __init__(self, sources: Sources) -> None:
        self.id: list[str] = []
        self.asset: list[str] = []
        self.wallet: list[str] = []
        self.quantity: list[int] = []
        self.basis: list[int] = []
        self.moment: list[int] = []
        self.day: list[int] = []
        self.seq: list[int] = []
        self.origin: list[int | SourceRef] = []
        self.sources = sources
        self._rows: list[Lot] | None = None

    def __len__(self) -> int:
        return len(self.id)

    def source(self, k: int) -> SourceRef:
        origin = self.origin[k]
        return origin if isinstance(origin, SourceRef) else self.sources[origin]

    def rows(self) -> list[Lot]:
        """The lots as ``Lot`` values with ``Decimal`` amounts and dates (built once)."""
        if self._rows is None:
            self._rows = [
                Lot(
                    id=self.id[k],
                    asset=self.asset[k],
                    wallet=self.wallet[k],
                    quantity=grains.dec(self.quantity[k]),
                    basis=grains.dec(self.basis[k]),
                    acquired_at=_EPOCH + timedelta(microseconds=self.moment[k]),
                    acquired_date=date.fromordinal(self.day[k]),
                    source=self.source(k),
                    seq=self.seq[k],
                )
                for k in range(len(self.id))
            ]
        return self._rows


def joined_income(first: IncomeColumns, second: IncomeColumns) -> IncomeColumns:
    """The income of ``first`` then ``second``: two runs over parts of one input (they share its sources)."""
    return _concatenated(IncomeColumns(first.sources), first, second)


def _concatenated(out: _C, first: _C, second: _C, but: tuple[str, ...] = ()) -> _C:
    """``out`` with each column of ``first`` followed by the same column of ``second`` (``but`` those named)."""
    for name in type(out).__slots__:
        if name not in ("sources", "_rows", *but):
            setattr(out, name, getattr(first, name) + getattr(second, name))
    return out


class MatchResult:
    """Everything one run of the engine produces, in event order.

    ``disposals`` are the public ``Disposal`` values, built on first use from ``columns`` (which the reports
    of a large run read instead: a million disposals never become objects there). ``income`` is built the
    same way from ``income_columns`` when the engine made it (given as a list, it is that list), and
    ``open_lots`` from ``lot_columns``, which the engine leaves to a function (:meth:`open_lots_when_asked`):
    a command that never reads them never pays for them.
    """

    __slots__ = ("columns", "income_columns", "_lot_columns", "_open_lots", "_income", "removals", "diagnostics")

    def __init__(
        self,
        columns: DisposalColumns | None = None,
        open_lots: list[Lot] | None = None,
        income: list[Income] | IncomeColumns | None = None,
        removals: list[Removal] | None = None,
        diagnostics: list[Diagnostic] | None = None,
    ) -> None:
        self.columns = columns if columns is not None else DisposalColumns(_NoSources())
        self._open_lots: list[Lot] | None = open_lots if open_lots is not None else []
        self._lot_columns: LotColumns | Callable[[], LotColumns] | None = None
        self.income_columns = income if isinstance(income, IncomeColumns) else None
        self._income = income if isinstance(income, list) else None
        self.removals = removals if removals is not None else []
        self.diagnostics = diagnostics if diagnostics is not None else []

    @property
    def disposals(self) -> list[Disposal]:
        return self.columns.rows()

    @property
    def open_lots(self) -> list[Lot]:
        if self._open_lots is None:
            columns = self.lot_columns
            self._open_lots = columns.rows() if columns is not None else []
        return self._open_lots

    @property
    def lot_columns(self) -> LotColumns | None:
        """The open lots as columns, when the engine left them so (None when they were given as a list)."""
        if callable(self._lot_columns):
            self._lot_columns = self._lot_columns()
        return self._lot_columns

    def open_lots_when_asked(self, build: Callable[[], LotColumns]) -> None:
        """Let ``build`` make the open lots' columns on first use of :attr:`lot_columns` or :attr:`open_lots`."""
        self._lot_columns, self._open_lots = build, None

    @property
    def income(self) -> list[Income]:
        if self._income is None:
            self._income = self.income_columns.rows() if self.income_columns is not None else []
        return self._income

    def income_usd(self, year: int | None = None) -> int:
        """The USD value (grains) of the income received in ``year``, or in all years, without building ``income``."""
        cols = self.income_columns
        if cols is None:
            return sum((grains.of(i.usd_value) for i in self.income if year is None or i.received_date.year == year), 0)
        if year is None:
            return sum(cols.usd_value)
        first, last = date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal()
        return sum(value for value, day in zip(cols.usd_value, cols.day, strict=True) if first <= day <= last)


class _NoSources:
    def __getitem__(self, row: int, /) -> SourceRef:
        raise IndexError(row)


@dataclass(frozen=True, slots=True, kw_only=True)
class Selection:
    """One line of a specific-identification file: take ``quantity`` of lot ``lot_id`` for ``disposal_id``."""

    disposal_id: str
    lot_id: str
    quantity: Decimal
    source: SourceRef
