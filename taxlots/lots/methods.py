"""Lot-identification methods as data: each is a sort key over open lots; the first lot in order goes first.

FIFO orders by original acquisition time (a transfer keeps it), LIFO the reverse, HIFO by highest unit cost
(then earliest). Every key ends on the acquiring row's ``seq``, so ties never depend on anything but input.
Specific identification picks the lots a selection file names and falls back to nothing: see ``engine``.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum


class Method(StrEnum):
    FIFO = "fifo"
    LIFO = "lifo"
    HIFO = "hifo"
    SPECIFIC = "specific"


LotKey = tuple[int | Decimal, ...]


def sort_key(method: Method, acquired_us: int, seq: int, basis: Decimal, quantity: Decimal) -> LotKey:
    """The heap key of a lot: smaller keys are taken first.

    Args:
        method: the identification method (specific uses FIFO order for transfers it does not name).
        acquired_us: original acquisition time, microseconds since the epoch.
        seq: the ``seq`` of the ledger row that created the lot.
        basis: the lot's total basis; with ``quantity``, its unit cost.
        quantity: the lot's quantity.
    """
    if method is Method.LIFO:
        return (-acquired_us, -seq)
    if method is Method.HIFO:
        return (-(basis / quantity), acquired_us, seq)
    return (acquired_us, seq)
