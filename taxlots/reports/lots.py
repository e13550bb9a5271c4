"""Open lots as rows: asset, wallet, quantity, acquired, unit cost and basis."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from taxlots.model.lots import Lot
from taxlots.model.money import cents, decimal_context, plain

HEADER = ("lot_id", "asset", "wallet", "quantity", "date_acquired", "unit_cost", "cost_basis")


def unit_cost(lot: Lot) -> str:
    """Cents for a unit worth a dollar or more; eight decimals below that (a cent says nothing there)."""
    cost = lot.basis / lot.quantity
    return f"{cents(cost):.2f}" if cost >= 1 else f"{cost.quantize(Decimal('0.00000001')):.8f}"


def lot_rows(lots: Iterable[Lot]) -> list[tuple[str, ...]]:
    with decimal_context():
        return _rows(lots)


def _rows(lots: Iterable[Lot]) -> list[tuple[str, ...]]:
    return [
        (lot.id, lot.asset, lot.wallet, plain(lot.quantity), lot.acquired_date.isoformat(), unit_cost(lot), f"{cents(lot.basis):.2f}")
        for lot in lots
    ]
