"""The lot engine: walk the ledger in ``seq`` order and turn it into disposals, open lots and income.

How each kind of row is booked (``V`` is the row's USD value: the USD side of a trade, else ``usd_value``):

- ``trade``: the sent asset, if it is property, is disposed of for ``V`` minus the fee's value; the
  received asset, if property, opens a lot with basis ``V`` (plus the fee's value when bought with USD:
  a fee on a purchase is part of its cost, while a crypto-to-crypto fee belongs to the disposed side).
- a fee paid in property is itself a disposal of the fee units at their value (``fee_qty`` priced at the
  unit value of the trade side in the same asset); a fee withheld from the received asset comes out of the
  lot just received (Treas. Reg. 1.1012-1(j)(3)(iii)). A fee in a third asset cannot be priced: an error.
- ``deposit`` of property opens a lot at ``usd_value`` (its basis); ``withdrawal`` removes units from the
  wallet without a gain (they left the tracked wallets); ``income`` records ordinary income at ``usd_value``
  and opens a lot at that basis; ``spend`` disposes of the units for ``usd_value``.
- ``transfer``: ``sent_qty - received_qty`` is the network fee, disposed of at the unit value of
  ``usd_value`` (the value of what was sent); under the per-wallet scope the received quantity's lots move
  to ``to_wallet`` with their basis and original acquisition date, picked in the method's order. With the
  ``NetworkFee.BASIS`` policy the fee units (and a fee column in the sent asset) are not sold: they leave
  their lots and their basis is added to the units that arrived, so the total basis stays the same.
- a fee in a third asset is valued by ``fee_usd`` (the price step's value); a deposit may carry its own
  acquisition time (``acquired_at``: a gift received keeps the donor's date, a declared purchase its date),
  and a gift its fair market value at receipt (``gift_fmv``): see :meth:`_Run.gift_basis`.

Every quantity and amount is an exact integer count of 1e-18 grains (:mod:`taxlots.model.grains`); computed
shares (a lot's basis split, a fee priced from its row) are rounded half even to a grain, so a lot's parts add
back to the whole exactly and sums never lose a digit. The engine reads :class:`~taxlots.lots.rows.Row` values
(integers, a row's provenance its position) and writes disposals as columns (``DisposalColumns``).

Lots live in pools (per asset, or per asset and wallet). Under FIFO and LIFO a pool is a deque in acquisition
order as long as lots arrive in that order (taken from its front or its back); a lot that arrives out of order
(a transfer brings an older one) turns it into a heap ordered by the method's key, as HIFO pools always are.
Each pool has an index by lot id for specific identification; exhausted lots leave lazily. Taking from a pool is
the greedy loop: take whole lots in key order, and split the last one, its basis in proportion to quantity
(the remaining basis is what is left, so the parts always add back to the whole). Nothing is rounded to cents here.

Problems never stop the walk: a missing price books the row at zero value, a shortfall books the uncovered
units with no basis (``missing_basis``); both add an error, so one run reports every problem at once.
"""

from __future__ import annotations

import gc
import heapq
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, tzinfo
from enum import StrEnum
from typing import Any

from taxlots.lots import aside, transition
from taxlots.lots.holding import long_term_from
from taxlots.lots.methods import LotKey, Method, StandingOrder, governing, sort_key
from taxlots.lots.pool import Scope, pool_key
from taxlots.lots.rows import Row, TaxDays, from_ledger, micros
from taxlots.model import grains
from taxlots.model.diagnostics import Code, Diagnostic, Severity
from taxlots.model.grains import share
from taxlots.model.ledger import CASH, Kind, LedgerRow
from taxlots.model.lots import (
    DISPOSAL_FIELDS,
    SLICE_FIELDS,
    DisposalColumns,
    IncomeColumns,
    Lot,
    LotColumns,
    LotSlice,
    MatchResult,
    Removal,
    Selection,
    Sources,
)
from taxlots.model.money import decimal_context
from taxlots.model.source import SourceRef

#: How to give a price to a row that came from an exchange export, until prices can be looked up.
_FROM_EXPORT = "; for an exchange export, write the ledger with 'taxlots import' and fill it there"
_plain = grains.plain


class NetworkFee(StrEnum):
    """What the network fee of a transfer between the user's own wallets is (US_RULES §4: unsettled)."""

    DISPOSAL = "disposal"  # the fee units are sold at their fair market value (gain or loss): the default
    BASIS = "basis"  # no sale: the fee units' basis is added to the units that arrived


@dataclass(frozen=True, slots=True, kw_only=True)
class Config:
    """How to match: method, pool scope, tax zone, specific selections, network-fee policy, opening lots.

    ``opening_lots`` are held before the first row (a year's closing lots, or the 2025 per-wallet allocation).
    """

    method: Method = Method.FIFO
    scope: Scope = Scope.UNIVERSAL
    zone: tzinfo = UTC
    selections: Mapping[str, tuple[Selection, ...]] = field(default_factory=dict)
    network_fee: NetworkFee = NetworkFee.DISPOSAL
    opening_lots: tuple[Lot, ...] = ()
    allocation: tuple[transition.Assignment, ...] = ()  # the user's 2025 allocation (per-wallet-from-2025 only)
    standing_orders: tuple[StandingOrder, ...] = ()  # with them, a sale no order covers falls back to FIFO


_long_from_cache: dict[int, int] = {}


def _long_from(day: int) -> int:
    """The first sale day (ordinal) on which units acquired on ``day`` are long-term (``holding.long_term_from``)."""
    first = _long_from_cache.get(day)
    if first is None:
        first = _long_from_cache[day] = long_term_from(date.fromordinal(day)).toordinal()
    return first


class _Gift:
    """A gift received: its fair market value at receipt for ``quantity`` units, and the day it was received."""

    __slots__ = ("fmv", "quantity", "received")

    def __init__(self, fmv: int, quantity: int, received: int) -> None:
        self.fmv, self.quantity, self.received = fmv, quantity, received


# An open lot while the engine runs is a list (mutable working state, exported as a frozen ``Lot``): a list
# literal costs a fifth of a slots object's constructor, and a run opens a lot for most of its rows. The
# fields, by position: ``origin`` is where the lot came from (the position of the row that opened it, or an
# opening lot's own source); ``long_from`` the first day its units are long-term (``holding.long_term_from``).
_Lot = list[Any]
QTY, BASIS, MOMENT, SEQ, DAY, LONG_FROM, ID, ORIGIN, GIFT, ASSET, WALLET = range(11)

_PER_DISPOSAL, _PER_SLICE = len(DISPOSAL_FIELDS), len(SLICE_FIELDS)  # fields in the run's buffers (``_Run.move_buffers``)
_BUFFERED = _PER_DISPOSAL * 4096  # 4096 disposals' fields are held before they move into the columns

_Piece = tuple[_Lot, int, int]  # the lot a piece came from, its quantity, its basis
#: A slice as the run collects it: lot id (None: a shortfall), quantity, basis, acquired day, long-term.
_Slice = tuple[str | None, int, int, int, bool]


def _key(method: Method, lot: _Lot) -> LotKey:
    return sort_key(method, lot[MOMENT], lot[SEQ], lot[BASIS], lot[QTY])


class _Pool:
    """The open lots of one asset (in one wallet, under the per-wallet scope).

    ``line`` holds the lots in acquisition order (``moment``, then ``seq``) while they arrive in it: FIFO takes
    from its front, LIFO from its back. ``heap`` replaces it (None until then) once a lot arrives out of order,
    and always under HIFO: ``(key, n, lot)`` with the method's key, ``n`` breaking ties of an emptied lot and
    its successor.
    """

    __slots__ = ("line", "heap", "by_id", "total", "pushed", "method", "back")

    def __init__(self, method: Method) -> None:
        self.line: deque[_Lot] = deque()
        self.heap: list[tuple[LotKey, int, _Lot]] | None = [] if method is Method.HIFO else None
        self.pushed = 0
        self.by_id: dict[str, _Lot] = {}
        self.total = 0
        self.method = method  # the order the lots are in
        self.back = method is Method.LIFO  # the line is taken from its back

    def reorder(self, method: Method) -> None:
        """Put the lots in ``method``'s order (a standing order changed the method of this pool's sales)."""
        lots = sorted((lot for lot in self.by_id.values() if lot[QTY] > 0), key=lambda lot: (lot[MOMENT], lot[SEQ]))
        self.by_id = {lot[ID]: lot for lot in lots}
        self.method = method
        self.back = method is Method.LIFO
        self.line = deque(lots)
        self.heap = None
        self.pushed = 0
        if method is Method.HIFO:
            self._to_heap()

    def _to_heap(self) -> None:
        self.heap = [(_key(self.method, lot), n, lot) for n, lot in enumerate(self.line)]
        heapq.heapify(self.heap)
        self.pushed = len(self.heap)
        self.line = deque()

    def add(self, lot: _Lot) -> None:
        """Add a lot (see :meth:`_Run.add_lot`, which first merges it with a part of it already here)."""
        self.total += lot[QTY]
        self.by_id[lot[ID]] = lot
        if self.heap is None:
            line = self.line
            if not line or (lot[MOMENT], lot[SEQ]) >= (line[-1][MOMENT], line[-1][SEQ]):
                line.append(lot)
                return
            self._to_heap()
            assert self.heap is not None
        self.pushed += 1
        heapq.heappush(self.heap, (_key(self.method, lot), self.pushed, lot))

    def discard(self, lot: _Lot) -> None:
        """Empty ``lot`` (it leaves lazily); its units are about to come back merged into a new lot."""
        self.total -= lot[QTY]
        lot[QTY], lot[BASIS] = 0, 0

    def take_from(self, lot: _Lot, quantity: int) -> _Piece:
        """Take ``quantity`` (at most what it holds) out of ``lot``; basis in proportion."""
        if quantity >= lot[QTY]:
            piece = (lot, lot[QTY], lot[BASIS])
            lot[QTY], lot[BASIS] = 0, 0
        else:
            basis = share(lot[BASIS], quantity, lot[QTY])
            piece = (lot, quantity, basis)
            lot[QTY] -= quantity
            lot[BASIS] -= basis
        self.total -= piece[1]
        return piece

    def _first(self) -> _Lot | None:
        """The lot the method takes next, after dropping emptied ones; None when the pool is empty."""
        heap, by_id = self.heap, self.by_id
        if heap is not None:
            while heap:
                lot = heap[0][2]
                if lot[QTY]:
                    return lot
                heapq.heappop(heap)
                if by_id.get(lot[ID]) is lot:
                    del by_id[lot[ID]]
            return None
        line, back = self.line, self.back
        while line:
            lot = line[-1] if back else line[0]
            if lot[QTY]:
                return lot
            line.pop() if back else line.popleft()
            if by_id.get(lot[ID]) is lot:
                del by_id[lot[ID]]
        return None

    def take(self, quantity: int) -> tuple[list[_Piece], int]:
        """Greedy: whole lots in the method's order, splitting the last. Returns the pieces and the shortfall."""
        pieces: list[_Piece] = []
        taken = quantity
        line = self.line if self.heap is None else None
        back = self.back
        while quantity > 0:
            lot = (line[-1] if back else line[0]) if line else None  # the usual case: the end of the line holds units
            if lot is None or not lot[QTY]:
                lot = self._first()
                if lot is None:
                    break
            held = lot[QTY]
            if quantity >= held:
                pieces.append((lot, held, lot[BASIS]))
                lot[QTY], lot[BASIS] = 0, 0
                quantity -= held
            else:
                basis = share(lot[BASIS], quantity, held)
                pieces.append((lot, quantity, basis))
                lot[QTY] = held - quantity
                lot[BASIS] -= basis
                quantity = 0
        self.total -= taken - quantity
        return pieces, quantity

    def open_lots(self) -> list[_Lot]:
        return [lot for lot in self.by_id.values() if lot[QTY] > 0]


class _Run:
    """One walk over the ledger: the pools, the configuration and what has been produced so far."""

    def __init__(self, config: Config, sources: Sources, carried: Sequence[transition.Part] = ()) -> None:
        self.config = config
        self.sources = sources
        self.pools: dict[tuple[str, str], _Pool] = {}
        self.pool_of: dict[tuple[str, str], _Pool] = {}
        self.days = TaxDays(config.zone)
        columns, income = DisposalColumns(sources), IncomeColumns(sources)
        self.result = MatchResult(columns, income=income)
        # Disposals and slices are recorded into flat buffers, one ``extend`` of a tuple each (cheaper than an
        # append per field), and moved into the columns, a field at a time, whenever the buffer fills.
        self.disposal_buffer: list[Any] = []
        self.slice_buffer: list[Any] = []
        self.slices_moved = 0  # slices already in the columns
        i = income
        self.add_income = (i.id.append, i.asset.append, i.wallet.append, i.quantity.append, i.usd_value.append)
        self.add_income_rest = (i.moment.append, i.day.append, i.row.append, i.price_source.append, i.note.append)
        self.used_selections: set[str] = set()
        self.trace_only = False  # True: move the units and record nothing (``_match_transition``'s tracing walk)
        method = config.method
        self.base_method = Method.FIFO if config.standing_orders or method is Method.SPECIFIC else method
        self.label = "FIFO default" if method is Method.FIFO else f"method {method} (the run's --method)"
        self.specific = method is Method.SPECIFIC
        self.by_method = not self.specific and not config.standing_orders  # every disposal is the run's method's
        self.wants = {k: sum((grains.of(s.quantity) for s in v), 0) for k, v in config.selections.items()}
        for seq, lot in enumerate(config.opening_lots, start=-len(config.opening_lots)):  # before every row
            moment = micros(lot.acquired_at)
            day = self.days.of(lot.acquired_at)
            self.add_lot(lot.id, lot.asset, lot.wallet, grains.of(lot.quantity), grains.of(lot.basis), moment, day, seq, lot.source)
        # The 2025 allocation (``_match_transition``): parts of the universal lots, with their dates, source and gift.
        for seq, (held, wallet, quantity, basis) in enumerate(carried, start=-len(carried)):
            lot = held.lot
            self.add_lot(held.id, held.asset, wallet, quantity, basis, lot[MOMENT], lot[DAY], seq, lot[ORIGIN], lot[GIFT])

    # -- helpers ---------------------------------------------------------------------------------------
    def pool(self, asset: str, wallet: str) -> _Pool:
        pool = self.pool_of.get((asset, wallet))  # the pools by (asset, wallet) as rows name them: one lookup
        if pool is None:
            key = pool_key(self.config.scope, asset, wallet)
            pool = self.pools.get(key)
            if pool is None:
                pool = self.pools[key] = _Pool(self.base_method)
            self.pool_of[(asset, wallet)] = pool
        return pool

    def identify(self, pool: _Pool, row: Row) -> str:
        """Put ``pool`` in the order that governs ``row`` (a standing order, the run's method, or FIFO); say which."""
        if self.config.standing_orders:
            order = governing(self.config.standing_orders, row.wallet, date.fromordinal(row.day))
            method, label = (order.method, order.describe()) if order else (Method.FIFO, "FIFO default")
            if pool.method is not method:
                pool.reorder(method)
            return label
        return self.label

    def error(self, code: Code, message: str, row: Row, hint: str = "", severity: Severity = Severity.ERROR) -> None:
        if self.trace_only:  # a tracing walk reports nothing: its problems are the universal walk's own
            return
        source = self.sources[row.i]
        self.result.diagnostics.append(Diagnostic(code=code, message=message, source=source, hint=hint, severity=severity))

    def open_lot(self, row: Row, asset: str, quantity: int, basis: int, wallet: str, gift: _Gift | None = None) -> _Lot:
        """A new lot from ``row``: acquired when the row happened, or at its carried-over ``acquired_at``."""
        if row.acquired_moment is not None:
            assert row.acquired_day is not None
            return self.add_lot(row.id, asset, wallet, quantity, basis, row.acquired_moment, row.acquired_day, row.seq, row.i, gift)
        return self.add_lot(row.id, asset, wallet, quantity, basis, row.moment, row.day, row.seq, row.i, gift)

    def add_lot(
        self,
        id: str,
        asset: str,
        wallet: str,
        quantity: int,
        basis: int,
        moment: int,
        day: int,
        seq: int,
        origin: int | SourceRef,
        gift: _Gift | None = None,
    ) -> _Lot:
        pool = self.pool_of.get((asset, wallet)) or self.pool(asset, wallet)
        same = pool.by_id.get(id)
        if same is not None and same[QTY] > 0:  # part of a lot back in a pool that holds the rest: one lot again
            quantity, basis = quantity + same[QTY], basis + same[BASIS]
            pool.discard(same)
        long_from = _long_from_cache.get(day) or _long_from(day)
        lot = [quantity, basis, moment, seq, day, long_from, id, origin, gift, asset, wallet]  # the fields QTY ... WALLET
        line = pool.line
        last = line[-1] if line else None
        if pool.heap is None and (last is None or moment > last[MOMENT] or (moment == last[MOMENT] and seq >= last[SEQ])):  # in order
            pool.total += quantity
            pool.by_id[id] = lot
            line.append(lot)
        else:
            pool.add(lot)
        return lot

    def unpriced(self, row: Row, what: str, hint: str) -> None:
        """Report that ``row`` needs ``usd_value`` to book ``what``."""
        self.error(Code.MISSING_PRICE, f"{what}: usd_value is blank", row, hint=f"fill usd_value with {hint}{_FROM_EXPORT}")

    def price_of(self, row: Row, asset: str, quantity: int, value: int | None, what: str) -> int:
        """The USD value of ``quantity`` of ``asset`` on this row, priced from the row's own sides."""
        if asset == CASH:
            return quantity
        if value is not None:
            if asset == row.sent_asset and row.sent_qty:
                return share(value, quantity, row.sent_qty)
            if asset == row.received_asset and row.received_qty:
                return share(value, quantity, row.received_qty)
        if value is None and asset in (row.sent_asset, row.received_asset):
            self.unpriced(row, f"{what} of {_plain(quantity)} {asset} needs a price", "the USD market value of the row")
        else:
            self.error(
                Code.MISSING_PRICE,
                f"{what} of {_plain(quantity)} {asset} needs a price: {asset} is neither side of the row",
                row,
                hint=f"pay the fee in one of the row's assets, or record the {asset} fee as a spend row with its usd_value",
            )
        return 0

    def selected(self, disposal_id: str, row: Row, pool: _Pool, quantity: int, asset: str) -> tuple[list[_Piece], int]:
        """Specific identification: take the lots the selection names; problems are errors, then FIFO."""
        chosen = self.config.selections.get(disposal_id)
        if chosen is None:
            self.error(
                Code.LOT_SELECTION,
                f"disposal '{disposal_id}' of {_plain(quantity)} {asset} is not in the lot selection file",
                row,
                hint="add lines 'disposal_id,lot_id,quantity' for it; it was matched first-in first-out meanwhile",
            )
            return pool.take(quantity)
        self.used_selections.add(disposal_id)
        pieces: list[_Piece] = []
        named = self.wants[disposal_id]
        if named != quantity:
            self.error(
                Code.LOT_SELECTION,
                f"the selection for '{disposal_id}' names {_plain(named)} {asset}, the disposal is {_plain(quantity)} {asset}",
                row,
                hint="make the selected quantities add up to the disposal",
            )
        remaining = quantity
        for sel in chosen:
            lot = pool.by_id.get(sel.lot_id)
            wanted = grains.of(sel.quantity)
            take = min(wanted, remaining)
            if lot is None or lot[QTY] < take:
                held = "is not held" if lot is None or lot[QTY] == 0 else f"holds only {_plain(lot[QTY])}"
                self.error(
                    Code.LOT_SELECTION,
                    f"the selection for '{disposal_id}' takes {_plain(wanted)} {asset} from lot '{sel.lot_id}', "
                    f"which {held} in the pool the disposal draws from",
                    row,
                    hint=f"selection at {sel.source}",
                )
                continue
            if take > 0:
                pieces.append(pool.take_from(lot, take))
                remaining -= take
        more, short = pool.take(remaining) if remaining > 0 else ([], 0)
        return pieces + more, short

    # -- disposals and moves ---------------------------------------------------------------------------
    def dispose(
        self,
        row: Row,
        asset: str,
        quantity: int,
        proceeds: int,
        disposal_id: str,
        what: str,
        from_lot: _Lot | None = None,
        price_source: str = "",
    ) -> None:
        """Book a disposal of ``quantity`` of ``asset`` from ``row.wallet`` for ``proceeds``."""
        pool = self.pool_of.get((asset, row.wallet)) or self.pool(asset, row.wallet)
        if self.by_method and from_lot is None:  # the usual case: the run's method picks the lots
            identification = self.label
            pieces, short = pool.take(quantity)
        elif from_lot is not None:
            piece = pool.take_from(from_lot, quantity)
            pieces, short = [piece], quantity - piece[1]
            identification = "withheld from the units received"
        elif self.specific and (disposal_id in self.config.selections or not self.config.standing_orders):
            identification = self.identify(pool, row)
            if disposal_id in self.config.selections:
                identification = f"selection {self.config.selections[disposal_id][0].source}"
            pieces, short = self.selected(disposal_id, row, pool, quantity, asset)
        else:
            identification = self.identify(pool, row) if self.config.standing_orders else self.label
            pieces, short = pool.take(quantity)
        if self.trace_only:  # the lots taken are all a tracing walk needs
            return
        sold = row.day
        slices = self.slice_buffer
        for lot, q, b in pieces:
            if lot[GIFT] is None:
                slices.extend((lot[ID], q, b, lot[DAY], sold >= lot[LONG_FROM]))  # holding.is_long, inlined
            else:
                slices.extend(_gift_slice(lot, lot[GIFT], q, b, share(proceeds, q, quantity), sold))
        if short > 0:
            slices.extend((None, short, 0, 0, False))
            self.shortfall(row, asset, quantity, short, what)
        end = self.slices_moved + len(slices) // _PER_SLICE
        buffer = self.disposal_buffer
        buffer.extend(
            (
                disposal_id,
                asset,
                row.wallet,
                quantity,
                proceeds,
                row.moment,
                sold,
                end,
                row.i,
                short > 0,
                price_source or row.price_source,
                identification,
            )
        )
        if len(buffer) >= _BUFFERED:
            self.move_buffers()

    def move_buffers(self) -> None:
        """Move the buffered disposals and slices into the result's columns."""
        c, buffer, slices = self.result.columns, self.disposal_buffer, self.slice_buffer
        for k, column in enumerate(DISPOSAL_FIELDS):
            getattr(c, column).extend(buffer[k::_PER_DISPOSAL])
        for k, column in enumerate(SLICE_FIELDS):
            getattr(c, column).extend(slices[k::_PER_SLICE])
        self.slices_moved += len(slices) // _PER_SLICE
        buffer.clear()
        slices.clear()

    def shortfall(self, row: Row, asset: str, quantity: int, short: int, what: str) -> None:
        where = f"wallet '{row.wallet}'" if self.config.scope is Scope.PER_WALLET else "all wallets"
        self.error(
            Code.SHORTFALL,
            f"{what} of {_plain(quantity)} {asset} from {row.wallet} exceeds the {asset} held in {where} by {_plain(short)} {asset}",
            row,
            hint="an earlier acquisition, deposit or transfer is missing from the inputs, or this quantity is wrong",
        )

    def pick(self, row: Row, pool: _Pool, quantity: int, asset: str) -> tuple[list[_Piece], int]:
        """Lots for a move or a withdrawal (not a disposal): the selection when it names the row, else method order."""
        if self.specific and row.id in self.config.selections:
            return self.selected(row.id, row, pool, quantity, asset)
        self.identify(pool, row)
        return pool.take(quantity)

    def move(self, row: Row, asset: str, quantity: int, to_wallet: str, carried: int = 0) -> None:
        """Move ``quantity`` of ``asset`` from ``row.wallet`` to ``to_wallet``, lots keeping basis and date.

        ``carried`` units (a network fee under the ``basis`` policy) leave the pool after the moved units, and
        their basis is added to the moved units in proportion to quantity.
        """
        pool = self.pool(asset, row.wallet)
        if self.config.scope is not Scope.PER_WALLET and not carried:
            if pool.total < quantity:
                self.shortfall(row, asset, quantity, quantity - pool.total, "transfer")
            return
        pieces, short = self.pick(row, pool, quantity, asset)
        if short > 0:
            self.shortfall(row, asset, quantity, short, "transfer")
        if carried:
            fee_pieces, fee_short = pool.take(carried)
            if fee_short > 0:
                self.shortfall(row, asset, carried, fee_short, "network fee")
            extra = sum(b for _, _, b in fee_pieces)
            pieces = _spread(pieces, extra)
        target = to_wallet if self.config.scope is Scope.PER_WALLET else row.wallet
        for lot, q, b in pieces:
            self.add_lot(lot[ID], asset, target, q, b, lot[MOMENT], lot[DAY], lot[SEQ], lot[ORIGIN], lot[GIFT])

    def remove(self, row: Row, asset: str, quantity: int) -> None:
        """Units withdrawn to outside: they leave the pool with their basis, without a gain."""
        pieces, short = self.pick(row, self.pool(asset, row.wallet), quantity, asset)
        if self.trace_only:  # the lots taken are all a tracing walk needs
            return
        if short > 0:
            self.shortfall(row, asset, quantity, short, "withdrawal")
        slices = tuple(
            LotSlice(lot_id=lot[ID], quantity=grains.dec(q), basis=grains.dec(b), acquired_date=date.fromordinal(lot[DAY]), long_term=False)
            for lot, q, b in pieces
        )
        source = self.sources[row.i]
        self.result.removals.append(
            Removal(id=row.id, asset=asset, wallet=row.wallet, slices=slices, source=source, disposition=row.disposition)
        )

    def pay_fee(self, row: Row, fee_value: int, withheld_from: _Lot | None) -> None:
        """A fee paid in property is a disposal of the fee units at their value."""
        asset, qty = row.fee_asset, row.fee_qty
        if asset is None or qty is None or qty == 0 or asset == CASH:
            return
        from_lot = withheld_from if withheld_from is not None and withheld_from[ASSET] == asset else None
        source = row.fee_source if row.fee_usd is not None else row.price_source
        self.dispose(row, asset, qty, fee_value, f"{row.id}:fee", "fee", from_lot, source)

    def fee_value(self, row: Row, value: int | None, *, priced: bool = True) -> int:
        """The fee's USD value; ``priced=False`` when the row's missing price was already reported."""
        if row.fee_asset is None or not row.fee_qty:
            return 0
        if row.fee_usd is not None:  # valued by a price source (a fee in a third asset)
            return row.fee_usd
        if row.fee_asset == CASH:
            return row.fee_qty
        if not priced and row.fee_asset in (row.sent_asset, row.received_asset):
            return 0
        return self.price_of(row, row.fee_asset, row.fee_qty, value, "the fee")

    # -- one method per kind of row ------------------------------------------------------------------
    def trade(self, row: Row) -> None:
        sent, sent_qty, got, got_qty = row.sent_asset, row.sent_qty, row.received_asset, row.received_qty
        assert sent is not None and sent_qty is not None and got is not None and got_qty is not None
        value = sent_qty if sent == CASH else got_qty if got == CASH else row.usd_value
        if value is None:
            what = f"trade of {_plain(sent_qty)} {sent} for {_plain(got_qty)} {got} needs a price (neither side is USD)"
            self.unpriced(row, what, "the USD market value of what was received")
        fee = self.fee_value(row, value, priced=value is not None) if row.fee_asset is not None else 0
        value = value if value is not None else 0
        if sent != CASH:
            self.dispose(row, sent, sent_qty, value - fee, row.id, "sale" if got == CASH else "trade")
        lot = None
        if got != CASH:
            lot = self.open_lot(row, got, got_qty, value + fee if sent == CASH else value, row.wallet)
        if row.fee_asset is not None and row.fee_asset != CASH:  # a USD fee is only part of the value
            self.pay_fee(row, fee, lot)

    def deposit(self, row: Row) -> None:
        """Property from outside opens a lot at ``usd_value`` (a gift received: the donor's basis and date)."""
        asset, qty = row.received_asset, row.received_qty
        assert asset is not None and qty is not None
        lot = None
        if asset != CASH:
            if row.usd_value is None:
                what = f"deposit of {_plain(qty)} {asset} needs a cost basis"
                self.unpriced(row, what, "its basis, or record it as a transfer from the wallet it came from")
            gift = _Gift(row.gift_fmv, qty, row.day) if row.gift_fmv is not None else None
            lot = self.open_lot(row, asset, qty, row.usd_value or 0, row.wallet, gift)
        self.pay_fee(row, self.fee_value(row, row.usd_value), lot)

    def withdrawal(self, row: Row) -> None:
        asset, qty = row.sent_asset, row.sent_qty
        assert asset is not None and qty is not None
        fee = self.fee_value(row, row.usd_value)
        if asset != CASH:
            self.remove(row, asset, qty)
        self.pay_fee(row, fee, None)

    def transfer(self, row: Row) -> None:
        asset, sent, got, to = row.sent_asset, row.sent_qty, row.received_qty, row.to_wallet
        assert asset is not None and sent is not None and got is not None and to is not None
        if got > sent:
            self.error(
                Code.BAD_ROW,
                f"transfer receives {_plain(got)} {asset} but sends only {_plain(sent)}",
                row,
                hint="received_qty is what arrived: at most sent_qty (the difference is the network fee)",
            )
            got = sent
        network = sent - got
        if self.config.network_fee is NetworkFee.BASIS and asset != CASH:
            self.carry_fee(row, asset, got, network, to)
            return
        fee = self.fee_value(row, row.usd_value)
        if asset != CASH and network > 0:
            if row.usd_value is None:
                self.unpriced(
                    row, f"transfer's network fee of {_plain(network)} {asset} needs a price", "the USD market value of what was sent"
                )
            value = share(row.usd_value, network, sent) if row.usd_value is not None else 0
            self.dispose(row, asset, network, value, f"{row.id}:network-fee", "network fee")
        if asset != CASH:
            self.move(row, asset, got, to)
        self.pay_fee(row, fee, None)

    def carry_fee(self, row: Row, asset: str, got: int, network: int, to: str) -> None:
        """The ``basis`` policy: the network fee (and a fee column in the sent asset) is no sale; its basis moves."""
        carried = network
        if row.fee_asset == asset and row.fee_qty:
            carried += row.fee_qty
        self.move(row, asset, got, to, carried)
        if row.fee_asset is not None and row.fee_asset != asset:  # a fee in another asset is still paid with it
            self.pay_fee(row, self.fee_value(row, row.usd_value), None)

    def income(self, row: Row) -> None:
        asset, qty = row.received_asset, row.received_qty
        assert asset is not None and qty is not None
        if row.usd_value is None:
            self.unpriced(row, f"income of {_plain(qty)} {asset} needs its fair market value", "the USD value when it was received")
        value = row.usd_value or 0
        i_id, i_asset, i_wallet, i_quantity, i_value = self.add_income
        i_id(row.id), i_asset(asset), i_wallet(row.wallet), i_quantity(qty), i_value(value)
        i_moment, i_day, i_row, i_price, i_note = self.add_income_rest
        i_moment(row.moment), i_day(row.day), i_row(row.i), i_price(row.price_source), i_note(row.note)
        lot = self.open_lot(row, asset, qty, value, row.wallet) if asset != CASH else None
        self.pay_fee(row, self.fee_value(row, row.usd_value), lot)

    def spend(self, row: Row) -> None:
        """A spend, or a fee paid in property on a row of its own: a disposal of the units at ``usd_value``."""
        asset, qty = row.sent_asset, row.sent_qty
        assert asset is not None and qty is not None
        what = "fee" if row.kind is Kind.FEE else "spend"
        if row.usd_value is None:
            self.unpriced(row, f"{what} of {_plain(qty)} {asset} needs a price", "the USD value of what was paid for")
        fee = self.fee_value(row, row.usd_value)
        if asset != CASH:
            self.dispose(row, asset, qty, (row.usd_value or 0) - fee, row.id, what)
        self.pay_fee(row, fee, None)

    def finish(self, *, report_unused: bool = True) -> MatchResult:
        result = self.result
        lots = [lot for pool in self.pools.values() for lot in pool.open_lots()]
        sources = self.sources
        result.open_lots_when_asked(lambda: _open_lots(lots, sources))  # ``gains`` never reads them
        if report_unused:
            result.diagnostics += _unused(self.config, self.used_selections)
        return result


def _open_lots(lots: list[_Lot], sources: Sources) -> LotColumns:
    """The lots still held at the end of a run, by asset, wallet and acquisition, as columns."""
    lots.sort(key=_report_order)
    out = LotColumns(sources)
    out.id, out.asset, out.wallet = [lot[ID] for lot in lots], [lot[ASSET] for lot in lots], [lot[WALLET] for lot in lots]
    out.quantity, out.basis = [lot[QTY] for lot in lots], [lot[BASIS] for lot in lots]
    out.moment, out.day, out.seq = [lot[MOMENT] for lot in lots], [lot[DAY] for lot in lots], [lot[SEQ] for lot in lots]
    out.origin = [lot[ORIGIN] for lot in lots]
    return out


def _report_order(lot: _Lot) -> tuple[str, str, int, int]:
    """Open lots by asset, wallet and acquisition (the order of the ``lots`` report and of the 2025 allocation)."""
    return lot[ASSET], lot[WALLET], lot[MOMENT], lot[SEQ]


def _unused(config: Config, used: set[str]) -> list[Diagnostic]:
    """A warning for every disposal the selection file names that the run never met."""
    return [
        Diagnostic(
            code=Code.LOT_SELECTION,
            severity=Severity.WARNING,
            source=config.selections[disposal_id][0].source,
            message=f"the selection names '{disposal_id}', which is not a disposal of this run",
        )
        for disposal_id in sorted(set(config.selections) - used)
    ]


def _gift_slice(lot: _Lot, gift: _Gift, quantity: int, basis: int, proceeds: int, sold: int) -> _Slice:
    """The slice of gifted units, with their dual basis (Treas. Reg. 1.1015-1(a), Pub. 551).

    For a gain the donor's basis (and holding period) is used. For a loss the basis is the lower of the
    donor's basis and the fair market value at receipt, and the holding period starts the day after the
    gift. A sale in between gives neither gain nor loss: the basis is then the proceeds themselves.
    """
    day, long_from = lot[DAY], lot[LONG_FROM]
    if proceeds < basis:
        fmv = share(gift.fmv, quantity, gift.quantity)
        if proceeds >= fmv:  # neither gain nor loss
            basis = proceeds
        else:
            basis, day = fmv, gift.received
            long_from = _long_from(day)
    return (lot[ID], quantity, basis, day, sold >= long_from)


def _spread(pieces: list[_Piece], extra: int) -> list[_Piece]:
    """Add ``extra`` basis to ``pieces`` in proportion to quantity; the last takes the remainder (exact)."""
    if not pieces or not extra:
        return pieces
    total = sum(q for _, q, _ in pieces)
    out: list[_Piece] = []
    left = extra
    for i, (lot, q, b) in enumerate(pieces):
        add = left if i == len(pieces) - 1 else share(extra, q, total)
        left -= add
        out.append((lot, q, b + add))
    return out


_BOOKERS = {
    Kind.TRADE: _Run.trade,
    Kind.DEPOSIT: _Run.deposit,
    Kind.WITHDRAWAL: _Run.withdrawal,
    Kind.TRANSFER: _Run.transfer,
    Kind.INCOME: _Run.income,
    Kind.SPEND: _Run.spend,
    Kind.FEE: _Run.spend,
}


def match(rows: Iterable[LedgerRow], config: Config | None = None) -> MatchResult:
    """Match every disposal of the ledger to lots.

    Args:
        rows: the ledger, in ``seq`` order (as ``ingest`` yields it); consumed once, never mutated.
        config: method, pool scope, tax zone and specific selections; FIFO, universal and UTC by default.

    Returns:
        Disposals (with their lot slices), open lots, income, withdrawals, and every problem found.
    """
    config = config or Config()
    engine_rows, sources = from_ledger(rows, config.zone)
    return match_rows(engine_rows, sources, config)


def match_rows(rows: Iterable[Row], sources: Sources, config: Config | None = None) -> MatchResult:
    """:func:`match` for rows already in the engine's integers (``ingest.engine_rows`` builds them from a frame)."""
    config = config or Config()
    paused = gc.isenabled()
    gc.disable()  # the run makes millions of objects and no cycles: the collector would only rescan them
    try:
        if config.scope is Scope.PER_WALLET_FROM_2025:
            return _match_transition(rows, sources, config)
        return _walk(rows, sources, config).finish()
    finally:
        if paused:
            gc.enable()


def _walk(
    rows: Iterable[Row], sources: Sources, config: Config, *, trace_only: bool = False, carried: Sequence[transition.Part] = ()
) -> _Run:
    """Book every row; with ``trace_only``, only move units between lots and record no disposal."""
    run = _Run(config, sources, carried)
    run.trace_only = trace_only
    bookers = {kind: getattr(run, book.__name__) for kind, book in _BOOKERS.items()}
    trade, trade_kind = run.trade, Kind.TRADE
    for row in rows:
        if row.kind is trade_kind:
            trade(row)
        else:
            bookers[row.kind](row)
    run.move_buffers()
    return run


def _match_transition(rows: Iterable[Row], sources: Sources, config: Config) -> MatchResult:
    """Universal pools before 2025, per-wallet after, the unused basis allocated at the snapshot (``transition``).

    The opening lots are held by the universal run and reach 2025 through the allocation, as every other lot.
    """
    cutoff = micros(transition.snapshot(config.zone))
    before: list[Row] = []
    after: list[Row] = []
    for row in rows:
        (before if row.moment < cutoff else after).append(row)
    if not before and not config.allocation:
        # Nothing to trace: the opening lots (a closing-lots file of 2024 or later) are the wallets' holdings.
        # Allocating them would merge the parts of a lot held in two wallets and lose their order.
        return _walk(after, sources, replace(config, scope=Scope.PER_WALLET)).finish()
    tracing = Method.FIFO if config.method is Method.SPECIFIC else config.method  # where the units physically are
    trace = replace(config, scope=Scope.PER_WALLET, method=tracing, selections={})
    # The two walks over the rows before the snapshot are independent: the tracing one runs on the other core.
    # It records nothing, so it never reads the run's sources (a polars frame, which ``aside``'s forked child
    # must not touch); it is given sources that say so if it ever did.
    pending = aside.start(lambda: _traced(_walk(before, _UNREAD, trace, trace_only=True)), len(before))
    try:
        universal = _walk(before, sources, replace(config, scope=Scope.UNIVERSAL))
    except BaseException:
        pending.cancel()
        raise
    traced = pending.result()

    def source(held: transition.Held) -> SourceRef:
        origin = held.lot[ORIGIN]
        return origin if isinstance(origin, SourceRef) else sources[origin]

    with decimal_context():
        carried, problems = transition.allocate(_held(universal), traced, config.allocation, source)
    later = _walk(after, sources, replace(config, scope=Scope.PER_WALLET, opening_lots=()), carried=carried)
    result = transition.combine(universal.result, later.finish(report_unused=False), problems)
    result.diagnostics += _unused(config, universal.used_selections | later.used_selections)
    return result


def _traced(run: _Run) -> list[transition.Held]:
    """Where the units of ``run`` (the tracing walk) are: its open lots, without the engine's lot (only the
    wallets, ids and quantities are read), so that the list crosses from ``aside``'s child as plain values."""
    return [held._replace(lot=None) for held in _held(run)]


class _Unread:
    """The sources of the tracing walk, which records nothing (``_Run.trace_only``): reading one is a bug, and in
    ``aside``'s forked child the run's own sources would reach into a polars frame."""

    def __getitem__(self, row: int, /) -> SourceRef:
        raise AssertionError(f"the tracing walk read the source of row {row}: it records nothing")


_UNREAD = _Unread()


def _held(run: _Run) -> list[transition.Held]:
    """The open lots of ``run`` for ``transition.allocate``, in ``_report_order``."""
    lots = sorted((lot for pool in run.pools.values() for lot in pool.open_lots()), key=_report_order)
    return [transition.Held(lot[ASSET], lot[ID], lot[WALLET], lot[QTY], lot[BASIS], lot[MOMENT], lot[SEQ], lot) for lot in lots]
