"""Realized gains: one row per (disposal, lot) pair, in USD rounded to cents, each disposal adding up exactly.

A disposal's proceeds are split across its lots in proportion to quantity; each row is rounded to cents and
the rounding remainder goes to the disposal's last row, so the rows of a disposal add up to its rounded
total. Cost basis is rounded the same way, and gain is proceeds minus basis on every row, so every column
foots. A slice that no lot covered (a shortfall) has lot ``MISSING``, no acquisition date and zero basis.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import islice
from typing import NamedTuple

import polars as pl

from taxlots.model import grains
from taxlots.model.lots import Disposal, Income, MatchResult
from taxlots.model.money import ZERO, cents, decimal_context, plain
from taxlots.reports.frames import MISSING_LOT, split_cents
from taxlots.reports.frames import slices as slice_frame
from taxlots.reports.money import cents_text, plain_amount, to_cents

HEADER = ("disposal_id", "lot_id", "wallet", "asset", "quantity", "date_acquired", "date_sold", "proceeds", "cost_basis", "gain", "term")
#: ``gains --explain`` adds where each disposal's USD value came from, and what identified its lots.
EXPLAIN = ("price_source", "identification")


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
            plain_amount(to_cents(self.proceeds)),
            plain_amount(to_cents(self.cost_basis)),
            plain_amount(to_cents(self.gain)),
            self.term,
        )

    def explained(self) -> tuple[str, ...]:
        """:meth:`cells`, the price source and the identification (``gains --explain``)."""
        return (*self.cells(), self.price_source or "export", self.identification)


def disposal_rows(d: Disposal) -> list[GainRow]:
    """The rows of one disposal."""
    with decimal_context():
        return _rows(d)


def _rows(d: Disposal) -> list[GainRow]:
    proceeds, basis = ([_dollars(c) for c in column] for column in split_cents(d))
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


def table(slices: pl.DataFrame, *, explain: bool = False) -> pl.DataFrame:
    """The gains CSV's cells (``HEADER``, and ``EXPLAIN`` when ``explain``) of a ``frames.slices`` frame, as text.

    Vectorized: the same text :meth:`GainRow.cells` makes for one row (``reports.money`` formats cents).
    """

    def day(column: str) -> pl.Expr:
        return pl.col(column).dt.to_string("%Y-%m-%d").fill_null("")

    cells = [
        pl.col("disposal_id"),
        pl.col("lot_id"),
        pl.col("wallet"),
        pl.col("asset"),
        pl.col("quantity"),
        day("date_acquired").alias("date_acquired"),
        day("date_sold").alias("date_sold"),
        cents_text(pl.col("proceeds")).alias("proceeds"),
        cents_text(pl.col("cost_basis")).alias("cost_basis"),
        cents_text(pl.col("gain")).alias("gain"),
        pl.when(pl.col("long_term")).then(pl.lit("long")).otherwise(pl.lit("short")).alias("term"),
    ]
    if explain:
        source = pl.when(pl.col("price_source") == "").then(pl.lit("export")).otherwise(pl.col("price_source"))
        cells += [source.alias("price_source"), pl.col("identification")]
    return slices.select(cells)


def summary(slices: pl.DataFrame, result: MatchResult, year: int | None = None) -> Summary:
    """Short- and long-term totals of a ``frames.slices`` frame (so the summary is the sum of the file's rows),
    with the income of ``result`` received in ``year`` (or in all years)."""
    short, long, disposals = _term_totals(slices)
    income = _dollars(grains.cents(result.income_usd(year)))
    return Summary(short=short, long=long, income=income, disposals=disposals, rows=slices.height)


def _term_totals(slices: pl.DataFrame) -> tuple[Totals, Totals, int]:
    """Short-term and long-term totals of a ``frames.slices`` frame, and how many disposals its rows hold."""
    sums = slices.group_by("long_term").agg(pl.col("proceeds", "cost_basis", "gain").sum())
    by_term = {term: (p, b, g) for term, p, b, g in sums.iter_rows()}
    short, long = (
        Totals(**{name: _dollars(v) for name, v in zip(("proceeds", "cost_basis", "gain"), by_term.get(t, (0, 0, 0)), strict=True)})
        for t in (False, True)
    )
    ids = slices["disposal_id"]
    disposals = int((ids != ids.shift(1)).fill_null(True).sum())  # a disposal's rows come together
    return short, long, disposals


def _earned(income: Iterable[Income], year: int | None) -> Decimal:
    """The USD income received in ``year`` (or in all years), in cents."""
    with decimal_context():
        return cents(sum((i.usd_value for i in income if year is None or i.received_date.year == year), ZERO))


def _dollars(cents_: int) -> Decimal:
    return Decimal(cents_).scaleb(-2)


def iter_gain_cells(
    disposals: Iterable[Disposal], year: int | None = None, *, explain: bool = False, tally: Tally | None = None, batch: int = 4096
) -> Iterator[tuple[str, ...]]:
    """The text cells of every row of :func:`iter_gain_rows` (with :data:`EXPLAIN` when ``explain``), counted in ``tally``.

    The rows of :func:`table` (the gains CSV's own path), for callers that want tuples; ``batch`` is unused.
    """
    frame = slice_frame(disposals, year)
    if tally is not None:
        tally.add(frame)
    yield from table(frame, explain=explain).iter_rows()


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

    def add(self, slices: pl.DataFrame) -> None:
        """Add the rows of a ``frames.slices`` frame to the totals."""
        short, long, disposals = _term_totals(slices)
        for term, totals in ((False, short), (True, long)):
            acc = self.sums[term]
            acc[0] += totals.proceeds
            acc[1] += totals.cost_basis
            acc[2] += totals.gain
        self.rows += slices.height
        self.disposals += disposals

    def summary(self, income: Iterable[Income], year: int | None = None) -> Summary:
        """The totals so far, with the USD income received in ``year`` (or in all years)."""
        short, long = (Totals(proceeds=p, cost_basis=b, gain=g) for p, b, g in (self.sums[False], self.sums[True]))
        return Summary(short=short, long=long, income=_earned(income, year), disposals=self.disposals, rows=self.rows)


def summarize(rows: Iterable[GainRow], income: Iterable[Income], year: int | None = None) -> Summary:
    """Short- and long-term totals of ``rows`` and the income received in ``year``."""
    tally = Tally()
    for _ in tally.count(rows):
        pass
    return tally.summary(income, year)
