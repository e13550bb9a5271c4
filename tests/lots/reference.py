"""A plain reference lot matcher, written from the booking rules (engine docstring, US_RULES.md), not from the engine.

It imports nothing from ``taxlots.lots``: lots are plain lists in plain dicts, sorted afresh for every take, and
unit costs are exact fractions. It books FIFO, LIFO and HIFO under both pool scopes, for ledgers that never sell
more than is held (it asserts that). The property tests run it and the engine on the same random ledgers and
compare every disposal, slice by slice, every withdrawal and every open lot.

The rules, in short (V = the USD side of a trade, else usd_value):

- trade: the sent asset (unless USD) is disposed of for V minus the fee's value; the received asset (unless USD)
  opens a lot at V, plus the fee's value when bought with USD; a fee in property is then disposed of at its value,
  taken from the lot just opened when it is in the received asset;
- a fee's value: USD fees are their amount; otherwise the fee's share of V by the side in the same asset;
- deposit and income open a lot at usd_value; withdrawal removes units (no gain); spend disposes for usd_value
  minus the fee; transfer disposes of the network fee (sent - received) at its share of usd_value, and under the
  per-wallet scope moves the received units' lots to to_wallet (same basis, same acquisition date and order).
- a lot split keeps ``basis * part / whole`` rounded half-even to 1e-18 in the piece, the rest in the lot.
- long-term: sold on or after the anniversary of the day after acquisition (29 February + 1 year = 1 March).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from typing import Any

USD = "USD"
GRAIN = Decimal("1e-18")


def part_of(value: Decimal, part: Decimal, whole: Decimal) -> Decimal:
    if part == whole:
        return value
    return (value * part / whole).quantize(GRAIN, rounding=ROUND_HALF_EVEN)


def long_term(acquired: date, sold: date) -> bool:
    start = acquired + timedelta(days=1)
    leap_day = start.month == 2 and start.day == 29
    first = date(start.year + 1, 3, 1) if leap_day else date(start.year + 1, start.month, start.day)
    return sold >= first


@dataclass
class RefLot:
    id: str
    asset: str
    wallet: str
    qty: Decimal
    basis: Decimal
    acquired: Any  # the datetime it was first acquired
    seq: int
    unit: Fraction  # unit cost when the lot was opened (HIFO order)


class Reference:
    def __init__(self, method: str, per_wallet: bool) -> None:
        self.method, self.per_wallet = method, per_wallet
        self.pools: dict[tuple[str, str], list[RefLot]] = {}
        self.disposals: list[tuple[Any, ...]] = []
        self.removals: list[tuple[Any, ...]] = []

    def pool(self, asset: str, wallet: str) -> list[RefLot]:
        return self.pools.setdefault((asset, wallet if self.per_wallet else ""), [])

    def order(self, lots: list[RefLot]) -> list[RefLot]:
        if self.method == "fifo":
            return sorted(lots, key=lambda lot: (lot.acquired, lot.seq))
        if self.method == "lifo":
            return sorted(lots, key=lambda lot: (lot.acquired, lot.seq), reverse=True)
        assert self.method == "hifo"
        return sorted(lots, key=lambda lot: (-lot.unit, lot.acquired, lot.seq))

    def take_from(self, lot: RefLot, qty: Decimal) -> tuple[RefLot, Decimal, Decimal]:
        basis = part_of(lot.basis, qty, lot.qty)
        lot.qty -= qty
        lot.basis -= basis
        return lot, qty, basis

    def take(self, asset: str, wallet: str, qty: Decimal) -> list[tuple[RefLot, Decimal, Decimal]]:
        lots = self.pool(asset, wallet)
        pieces = []
        for lot in self.order([lot for lot in lots if lot.qty > 0]):
            if qty == 0:
                break
            q = min(qty, lot.qty)
            pieces.append(self.take_from(lot, q))
            qty -= q
        assert qty == 0, "the reference only books ledgers that never sell more than is held"
        return pieces

    def open(self, row: Any, asset: str, qty: Decimal, basis: Decimal, wallet: str) -> RefLot:
        lot = RefLot(row.id, asset, wallet, qty, basis, row.timestamp, row.seq, Fraction(basis) / Fraction(qty))
        self.pool(asset, wallet).append(lot)
        return lot

    def dispose(self, row: Any, asset: str, qty: Decimal, proceeds: Decimal, disposal_id: str, from_lot: RefLot | None = None) -> None:
        pieces = [self.take_from(from_lot, qty)] if from_lot is not None else self.take(asset, row.wallet, qty)
        sold = row.timestamp.date()
        slices = tuple((lot.id, q, b, lot.acquired.date(), long_term(lot.acquired.date(), sold)) for lot, q, b in pieces)
        self.disposals.append((disposal_id, asset, row.wallet, qty, proceeds, sold, slices))

    def fee_value(self, row: Any, value: Decimal | None) -> Decimal:
        if row.fee_asset is None or not row.fee_qty:
            return Decimal(0)
        if row.fee_asset == USD:
            return row.fee_qty
        if getattr(row, "fee_usd", None) is not None:  # a fee in a third asset, valued by the price step
            return row.fee_usd
        assert value is not None, "the reference books priced rows only"
        if row.fee_asset == row.sent_asset:
            return part_of(value, row.fee_qty, row.sent_qty)
        assert row.fee_asset == row.received_asset
        return part_of(value, row.fee_qty, row.received_qty)

    def pay_fee(self, row: Any, fee: Decimal, lot: RefLot | None) -> None:
        if row.fee_asset is None or not row.fee_qty or row.fee_asset == USD:
            return
        from_lot = lot if lot is not None and lot.asset == row.fee_asset else None
        self.dispose(row, row.fee_asset, row.fee_qty, fee, f"{row.id}:fee", from_lot)

    def book(self, row: Any) -> None:
        kind = row.kind.value
        if kind == "trade":
            value = row.sent_qty if row.sent_asset == USD else row.received_qty if row.received_asset == USD else row.usd_value
            fee = self.fee_value(row, value)
            if row.sent_asset != USD:
                self.dispose(row, row.sent_asset, row.sent_qty, value - fee, row.id)
            lot = None
            if row.received_asset != USD:
                lot = self.open(row, row.received_asset, row.received_qty, value + fee if row.sent_asset == USD else value, row.wallet)
            self.pay_fee(row, fee, lot)
        elif kind in ("deposit", "income"):
            lot = self.open(row, row.received_asset, row.received_qty, row.usd_value, row.wallet)
            self.pay_fee(row, self.fee_value(row, row.usd_value), lot)
        elif kind == "withdrawal":
            fee = self.fee_value(row, row.usd_value)
            pieces = self.take(row.sent_asset, row.wallet, row.sent_qty)
            self.removals.append((row.id, row.sent_asset, row.wallet, tuple((lot.id, q, b) for lot, q, b in pieces)))
            self.pay_fee(row, fee, None)
        elif kind == "spend":
            fee = self.fee_value(row, row.usd_value)
            self.dispose(row, row.sent_asset, row.sent_qty, row.usd_value - fee, row.id)
            self.pay_fee(row, fee, None)
        elif kind == "transfer":
            network = row.sent_qty - row.received_qty
            fee = self.fee_value(row, row.usd_value)
            if network > 0:
                self.dispose(row, row.sent_asset, network, part_of(row.usd_value, network, row.sent_qty), f"{row.id}:network-fee")
            if self.per_wallet:
                for lot, q, b in self.take(row.sent_asset, row.wallet, row.received_qty):
                    self.arrive(lot, q, b, row.to_wallet)
            self.pay_fee(row, fee, None)
        else:
            raise AssertionError(f"the reference does not book {kind} rows")

    def arrive(self, lot: RefLot, qty: Decimal, basis: Decimal, wallet: str) -> None:
        """A moved piece joins the lot of the same id already in the pool, else it is a lot of its own."""
        pool = self.pool(lot.asset, wallet)
        for other in pool:
            if other.id == lot.id:
                other.qty += qty
                other.basis += basis
                return
        pool.append(RefLot(lot.id, lot.asset, wallet, qty, basis, lot.acquired, lot.seq, lot.unit))

    def open_lots(self) -> list[tuple[Any, ...]]:
        lots = [lot for pool in self.pools.values() for lot in pool if lot.qty > 0]
        lots.sort(key=lambda lot: (lot.asset, lot.wallet, lot.acquired, lot.seq))
        return [(lot.id, lot.asset, lot.wallet, lot.qty, lot.basis, lot.acquired.date()) for lot in lots]


def reference_match(rows: list[Any], method: str, per_wallet: bool) -> Reference:
    """Book ``rows`` (in seq order) with the reference rules."""
    ref = Reference(method, per_wallet)
    for row in rows:
        ref.book(row)
    return ref
