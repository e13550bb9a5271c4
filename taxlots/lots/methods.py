"""Lot-identification methods as data: each is a sort key over open lots; the first lot in order goes first.

FIFO orders by original acquisition time (a transfer keeps it), LIFO the reverse, HIFO by highest unit cost
(then earliest). Every key ends on the acquiring row's ``seq``, so ties never depend on anything but input.
Specific identification picks the lots a selection file names and falls back to nothing: see ``engine``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from taxlots.model.source import SourceRef


class Method(StrEnum):
    FIFO = "fifo"
    LIFO = "lifo"
    HIFO = "hifo"
    SPECIFIC = "specific"


LotKey = tuple[int, ...]
#: HIFO's unit cost is compared as ``basis * 2**256 // quantity``: distinct unit costs of quantities under 2**128
#: grains differ by more than 2**-256, so the floored integers order them exactly as the fractions are ordered.
_UNIT_COST_BITS = 256


def sort_key(method: Method, acquired_us: int, seq: int, basis: int, quantity: int) -> LotKey:
    """The heap key of a lot: smaller keys are taken first.

    Args:
        method: the identification method (specific uses FIFO order for transfers it does not name).
        acquired_us: original acquisition time, microseconds since the epoch.
        seq: the ``seq`` of the ledger row that created the lot.
        basis: the lot's total basis, in grains; with ``quantity``, its unit cost.
        quantity: the lot's quantity, in grains.
    """
    if method is Method.LIFO:
        return (-acquired_us, -seq)
    if method is Method.HIFO:
        return (-((basis << _UNIT_COST_BITS) // quantity), acquired_us, seq)
    return (acquired_us, seq)


@dataclass(frozen=True, slots=True, kw_only=True)
class StandingOrder:
    """A lot-identification method recorded before the sales it governs (Treas. Reg. 1.1012-1(j)(3)(ii), US_RULES §3.2).

    It applies to disposals on or after ``effective`` (a tax date), in ``wallet`` or, when ``wallet`` is None,
    in every wallet; never to earlier sales. Of the orders that apply to a sale, the latest ``effective`` wins,
    and on the same day a wallet's own order wins over one for every wallet.
    """

    method: Method
    effective: date
    wallet: str | None = None
    source: SourceRef | None = None

    def describe(self) -> str:
        where = f" at {self.wallet}" if self.wallet else ""
        return f"standing order {self.method} from {self.effective.isoformat()}{where}"


def governing(orders: tuple[StandingOrder, ...], wallet: str, day: date) -> StandingOrder | None:
    """The standing order that governs a sale in ``wallet`` on ``day``, if any (see :class:`StandingOrder`)."""
    best: StandingOrder | None = None
    for order in orders:
        applies = order.effective <= day and order.wallet in (None, wallet)
        if applies and (best is None or (order.effective, order.wallet is not None) > (best.effective, best.wallet is not None)):
            best = order
    return best
