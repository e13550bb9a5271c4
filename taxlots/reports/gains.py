"""Realized gains: one row per (disposal, lot) pair, in USD rounded to cents, each disposal adding up exactly.

A disposal's proceeds are split across its lots in proportion to quantity; each row is rounded to cents and
the rounding remainder goes to the disposal's last row, so the rows of a disposal add up to its rounded
total. Cost basis is rounded the same way, and gain is proceeds minus basis on every row, so every column
foots. A slice that no lot covered (a shortfall) has lot ``MISSING``, no acquisition date and zero basis.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import islice
from typing import NamedTuple

from taxlots.model.lots import Disposal, Income
from taxlots.model.money import ZERO, cents, decimal_context, plain

HEADER = ("disposal_id", "lot_id", "wallet", "asset", "quantity", "date_acquired", "date_sold", "proceeds", "cost_basis", "gain", "term")
#: ``gains --explain`` adds where each disposal's USD value came from, and what identified its lots.
EXPLAIN = ("price_source", "identification")
MISSING_LOT = "MISSING"


class GainRow(NamedTuple):
    """One (disposal, lot) row; money in cents. A NamedTuple: a million of them are made per run."""

    disposal_id: str
    lot_id: str
    wallet: str
    asset: str
    quantity: Decimal
    date_acquired: date | None
    date_sold: date
    proceeds: Decimal
    cost_basis: Decimal
    gain: Decimal
    long_term: bool
    price_source: str = ""
    identification: str = ""

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

    def explained(self) -> tuple[str, ...]:
        """:meth:`cells`, the price source and the identification (``gains --explain``)."""
        return (*self.cells(), self.price_source or "export", self.identification)


def _split(total: Decimal, parts: list[Decimal]) -> list[Decimal]:
    """Round each part to cents; the last takes the remainder so the parts add up to ``cents(total)``."""
    rounded = [cents(p) for p in parts[:-1]]
    return [*rounded, cents(total) - sum(rounded, ZERO)]


def disposal_rows(d: Disposal) -> list[GainRow]:
    """The rows of one disposal."""
    with decimal_context():
        return _rows(d)


def _rows(d: Disposal) -> list[GainRow]:
    proceeds = _split(d.proceeds, [d.proceeds * s.quantity / d.quantity for s in d.slices])
    basis = _split(d.basis, [s.basis for s in d.slices])
    return [
        GainRow(
            d.id,
            s.lot_id or MISSING_LOT,
            d.wallet,
            d.asset,
            s.quantity,
            s.acquired_date,
            d.sold_date,
            p,
            b,
            p - b,
            s.long_term,
            d.price_source,
            d.identification,
        )
        for s, p, b in zip(d.slices, proceeds, basis, strict=True)
    ]


def iter_gain_rows(disposals: Iterable[Disposal], year: int | None = None, batch: int = 4096) -> Iterator[GainRow]:
    """Every (disposal, lot) row, in disposal order; only disposals sold in ``year`` when it is given.

    Rows are computed ``batch`` disposals at a time inside the Decimal context, and yielded outside it.
    """
    chosen = (d for d in disposals if year is None or d.sold_date.year == year)
    while chunk := list(islice(chosen, batch)):
        with decimal_context():
            rows = [row for d in chunk for row in _rows(d)]
        yield from rows


def iter_gain_cells(
    disposals: Iterable[Disposal], year: int | None = None, *, explain: bool = False, tally: Tally | None = None, batch: int = 4096
) -> Iterator[tuple[str, ...]]:
    """The text cells of every row of :func:`iter_gain_rows` (with :data:`EXPLAIN` when ``explain``), counted in ``tally``.

    The same numbers as ``GainRow.cells()`` (the same Decimal operations in the same order, so the same bytes,
    down to the sign of a zero), without a ``GainRow`` per row: the gains CSV of a million trades.
    """
    tally = tally if tally is not None else Tally()
    sums, last = tally.sums, tally._last
    chosen = (d for d in disposals if year is None or d.sold_date.year == year)
    while chunk := list(islice(chosen, batch)):
        out: list[tuple[str, ...]] = []
        rows = tally.rows
        paused = gc.isenabled()
        gc.disable()  # a batch makes many tuples and no cycles: the collector would only rescan them
        try:
            with decimal_context():
                for d in chunk:
                    slices = d.slices
                    sold = d.sold_date.isoformat()
                    extra = (d.price_source or "export", d.identification) if explain else ()
                    if d.id != last:
                        tally.disposals, last = tally.disposals + 1, d.id
                    proceeds = _split(d.proceeds, [d.proceeds * s.quantity / d.quantity for s in slices])
                    basis = _split(d.basis, [s.basis for s in slices])
                    for s, p, b in zip(slices, proceeds, basis, strict=True):
                        g = p - b
                        acc = sums[s.long_term]
                        acc[0] += p
                        acc[1] += b
                        acc[2] += g
                        acquired = s.acquired_date
                        out.append(
                            (
                                d.id,
                                s.lot_id or MISSING_LOT,
                                d.wallet,
                                d.asset,
                                plain(s.quantity),
                                acquired.isoformat() if acquired else "",
                                sold,
                                f"{p:.2f}",
                                f"{b:.2f}",
                                f"{g:.2f}",
                                "long" if s.long_term else "short",
                                *extra,
                            )
                        )
                    rows += len(slices)
        finally:
            if paused:
                gc.enable()
        tally.rows, tally._last = rows, last
        yield from out


def gain_rows(disposals: Iterable[Disposal], year: int | None = None) -> list[GainRow]:
    """:func:`iter_gain_rows` as a list."""
    return list(iter_gain_rows(disposals, year))


@dataclass(frozen=True, slots=True, kw_only=True)
class Totals:
    proceeds: Decimal = ZERO
    cost_basis: Decimal = ZERO
    gain: Decimal = ZERO


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


class Tally:
    """Short- and long-term totals of the rows that pass through :meth:`count` (so a summary matches its file)."""

    def __init__(self) -> None:
        self.sums = {False: [ZERO, ZERO, ZERO], True: [ZERO, ZERO, ZERO]}  # by long_term: proceeds, basis, gain
        self.rows = 0
        self.disposals = 0
        self._last = ""

    def count(self, rows: Iterable[GainRow]) -> Iterator[GainRow]:
        """Yield the rows unchanged, adding each to the totals (a disposal's rows come together)."""
        with decimal_context():
            for row in rows:
                sums = self.sums[row.long_term]
                sums[0] += row.proceeds
                sums[1] += row.cost_basis
                sums[2] += row.gain
                self.rows += 1
                if row.disposal_id != self._last:
                    self.disposals, self._last = self.disposals + 1, row.disposal_id
                yield row

    def summary(self, income: Iterable[Income], year: int | None = None) -> Summary:
        """The totals so far, with the USD income received in ``year`` (or in all years)."""
        with decimal_context():
            earned = cents(sum((i.usd_value for i in income if year is None or i.received_date.year == year), ZERO))
        short, long = (Totals(proceeds=p, cost_basis=b, gain=g) for p, b, g in (self.sums[False], self.sums[True]))
        return Summary(short=short, long=long, income=earned, disposals=self.disposals, rows=self.rows)


def summarize(rows: Iterable[GainRow], income: Iterable[Income], year: int | None = None) -> Summary:
    """Short- and long-term totals of ``rows`` and the income received in ``year``."""
    tally = Tally()
    for _ in tally.count(rows):
        pass
    return tally.summary(income, year)
