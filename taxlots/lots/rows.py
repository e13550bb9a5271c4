"""The engine's input: one ledger row as integers (:class:`Row`), and its conversion from ``LedgerRow`` values.

Quantities and money are grains (:mod:`taxlots.model.grains`), moments microseconds since the epoch (UTC),
days proleptic ordinals of the taxpayer's calendar (``date.toordinal``). A row's provenance is its position
``i`` in the input; the run's ``Sources`` turns a position into a ``SourceRef`` only for what needs one (a
problem, a disposal a report names). ``ingest.engine_rows`` builds the same rows from a ledger frame, whole
columns at a time; :func:`from_ledger` builds them from ``LedgerRow`` values (tests, library callers).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta, tzinfo
from decimal import Decimal
from typing import NamedTuple

from taxlots.lots.holding import tax_date
from taxlots.model import grains
from taxlots.model.ledger import Kind, LedgerRow
from taxlots.model.source import SourceRef

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


class Row(NamedTuple):
    seq: int
    i: int  # the position of the row in the run's input: its source, by the run's ``Sources``
    moment: int  # microseconds since the epoch, UTC
    day: int  # the tax day of ``moment``
    wallet: str
    kind: Kind
    id: str
    sent_asset: str | None
    sent_qty: int | None
    received_asset: str | None
    received_qty: int | None
    fee_asset: str | None
    fee_qty: int | None
    usd_value: int | None
    to_wallet: str | None
    fee_usd: int | None
    acquired_moment: int | None  # a carried-over acquisition time
    acquired_day: int | None
    gift_fmv: int | None
    price_source: str
    fee_source: str
    disposition: str
    note: str


def micros(moment: datetime) -> int:
    """Microseconds since the epoch of an aware datetime."""
    return (moment - _EPOCH) // _MICROSECOND


def moment_of(us: int) -> datetime:
    return _EPOCH + timedelta(microseconds=us)


class TaxDays:
    """The tax day (ordinal) of moments in one zone, remembering the last (rows come in time order)."""

    __slots__ = ("zone", "last", "day")

    def __init__(self, zone: tzinfo) -> None:
        self.zone, self.last, self.day = zone, -1, 0

    def of(self, moment: datetime) -> int:
        return tax_date(moment, self.zone).toordinal()

    def of_us(self, us: int) -> int:
        if us != self.last:
            self.last, self.day = us, tax_date(moment_of(us), self.zone).toordinal()
        return self.day


def _g(value: Decimal | None, row: LedgerRow) -> int | None:
    if value is None:
        return None
    try:
        return grains.of(value)
    except grains.TooPrecise as exc:
        raise ValueError(f"{row.source}: {exc}; taxlots keeps amounts to 1e-18") from None


def from_ledger(rows: Iterable[LedgerRow], zone: tzinfo) -> tuple[list[Row], list[SourceRef]]:
    """``LedgerRow`` values as engine rows, with the sources of their positions."""
    days = TaxDays(zone)
    out: list[Row] = []
    sources: list[SourceRef] = []
    for i, r in enumerate(rows):
        us = micros(r.timestamp)
        acquired = micros(r.acquired_at) if r.acquired_at is not None else None
        out.append(
            Row(
                r.seq,
                i,
                us,
                days.of_us(us),
                r.wallet,
                r.kind,
                r.id,
                r.sent_asset,
                _g(r.sent_qty, r),
                r.received_asset,
                _g(r.received_qty, r),
                r.fee_asset,
                _g(r.fee_qty, r),
                _g(r.usd_value, r),
                r.to_wallet,
                _g(r.fee_usd, r),
                acquired,
                days.of(r.acquired_at) if r.acquired_at is not None else None,
                _g(r.gift_fmv, r),
                r.price_source,
                r.fee_source,
                r.disposition,
                r.note,
            )
        )
        sources.append(r.source)
    return out, sources
