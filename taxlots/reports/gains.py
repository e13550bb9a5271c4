"""Realized gains: one row per (disposal, lot) pair, in USD rounded to cents, each disposal adding up exactly.

A disposal's proceeds are split across its lots in proportion to quantity; each row is rounded to cents and
the rounding remainder goes to the disposal's last row, so the rows of a disposal add up to its rounded
total. Cost basis is rounded the same way, and gain is proceeds minus basis on every row, so every column
foots. A slice that no lot covered (a shortfall) has lot ``MISSING``, no acquisition date and zero basis.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from taxlots.model.lots import Disposal, Income
from taxlots.model.money import ZERO, cents, decimal_context, plain

HEADER = ("disposal_id", "lot_id", "wallet", "asset", "quantity", "date_acquired", "date_sold", "proceeds", "cost_basis", "gain", "term")
MISSING_LOT = "MISSING"


@dataclass(frozen=True, slots=True, kw_only=True)
class GainRow:
    disposal_id: str
    lot_id: str
    wallet: str
    asset: str
    quantity: Decimal
    date_acquired: date | None
    date_sold: date
    proceeds: Decimal  # cents
    cost_basis: Decimal  # cents
    gain: Decimal  # cents
    long_term: bool

    @property
    def term(self) -> str:
        return "long" if self.long_term else "short"

    def cells(self) -> tuple[str, ...]:
        acquired = self.date_acquired.isoformat() if self.date_acquired else ""
        return (
            self.disposal_id,
            self.lot_id,
            self.wallet,
            self.asset,
            plain(self.quantity),
            acquired,
            self.date_sold.isoformat(),
            f"{self.proceeds:.2f}",
            f"{self.cost_basis:.2f}",
            f"{self.gain:.2f}",
            self.term,
        )


def _split(total: Decimal, parts: list[Decimal]) -> list[Decimal]:
    """Round each part to cents; the last takes the remainder so the parts add up to ``cents(total)``."""
    rounded = [cents(p) for p in parts[:-1]]
    return [*rounded, cents(total) - sum(rounded, ZERO)]


def disposal_rows(d: Disposal) -> list[GainRow]:
    """The rows of one disposal."""
    proceeds = _split(d.proceeds, [d.proceeds * s.quantity / d.quantity for s in d.slices])
    basis = _split(d.basis, [s.basis for s in d.slices])
    return [
        GainRow(
            disposal_id=d.id,
            lot_id=s.lot_id or MISSING_LOT,
            wallet=d.wallet,
            asset=d.asset,
            quantity=s.quantity,
            date_acquired=s.acquired_date,
            date_sold=d.sold_date,
            proceeds=p,
            cost_basis=b,
            gain=p - b,
            long_term=s.long_term,
        )
        for s, p, b in zip(d.slices, proceeds, basis, strict=True)
    ]


def gain_rows(disposals: Iterable[Disposal], year: int | None = None) -> list[GainRow]:
    """Every (disposal, lot) row, in disposal order; only disposals sold in ``year`` when it is given."""
    with decimal_context():
        return [row for d in disposals if year is None or d.sold_date.year == year for row in disposal_rows(d)]


@dataclass(frozen=True, slots=True, kw_only=True)
class Totals:
    proceeds: Decimal = ZERO
    cost_basis: Decimal = ZERO
    gain: Decimal = ZERO

    def add(self, row: GainRow) -> Totals:
        return Totals(proceeds=self.proceeds + row.proceeds, cost_basis=self.cost_basis + row.cost_basis, gain=self.gain + row.gain)


@dataclass(frozen=True, slots=True, kw_only=True)
class Summary:
    short: Totals
    long: Totals
    income: Decimal
    disposals: int
    rows: int

    @property
    def total(self) -> Totals:
        return Totals(
            proceeds=self.short.proceeds + self.long.proceeds,
            cost_basis=self.short.cost_basis + self.long.cost_basis,
            gain=self.short.gain + self.long.gain,
        )


def summarize(rows: list[GainRow], income: Iterable[Income], year: int | None = None) -> Summary:
    """Short- and long-term totals of the rows (so they match the file to the cent) and income in USD."""
    short, long = Totals(), Totals()
    with decimal_context():
        for row in rows:
            if row.long_term:
                long = long.add(row)
            else:
                short = short.add(row)
        earned = sum((i.usd_value for i in income if year is None or i.received_date.year == year), ZERO)
    return Summary(short=short, long=long, income=cents(earned), disposals=len({r.disposal_id for r in rows}), rows=len(rows))
