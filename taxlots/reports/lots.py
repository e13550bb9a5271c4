"""Open lots as rows, and the closing-lots file that starts the next year (``--opening-lots``).

The CSV ``taxlots lots`` writes is both a report and a contract: ``lot_id, asset, wallet, quantity,
date_acquired, unit_cost, cost_basis`` for people (money in cents), then ``acquired_at`` (the exact UTC
acquisition time), ``basis`` (the exact total basis) and ``source_file, source_line`` (where the lot was
opened). :func:`taxlots.openinglots.read` reads it back, exactly, as a year's starting inventory.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from taxlots.model.lots import Lot
from taxlots.model.money import cents, decimal_context, plain

HEADER = (
    "lot_id",
    "asset",
    "wallet",
    "quantity",
    "date_acquired",
    "unit_cost",
    "cost_basis",
    "acquired_at",
    "basis",
    "source_file",
    "source_line",
)
#: The columns a terminal table shows (the exact ones are for files).
TABLE = HEADER[:7]


def unit_cost(lot: Lot) -> str:
    """Cents for a unit worth a dollar or more; eight decimals below that (a cent says nothing there)."""
    cost = lot.basis / lot.quantity
    return f"{cents(cost):.2f}" if cost >= 1 else f"{cost.quantize(Decimal('0.00000001')):.8f}"


def lot_rows(lots: Iterable[Lot]) -> list[tuple[str, ...]]:
    """The rows of ``lots`` in acquisition order, ties in ledger order.

    That order is part of the closing-lots contract: opening lots are numbered in file order, and LIFO, FIFO
    and HIFO break ties between lots acquired at the same moment by that number. Grouped by wallet instead,
    a lot that moves next year into a wallet holding another lot of the same moment would swap places.
    """
    with decimal_context():
        return _rows(sorted(lots, key=lambda lot: (lot.acquired_at, lot.seq)))


def _rows(lots: Iterable[Lot]) -> list[tuple[str, ...]]:
    return [
        (
            lot.id,
            lot.asset,
            lot.wallet,
            plain(lot.quantity),
            lot.acquired_date.isoformat(),
            unit_cost(lot),
            f"{cents(lot.basis):.2f}",
            lot.acquired_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            plain(lot.basis),
            lot.source.file,
            str(lot.source.line),
        )
        for lot in lots
    ]
