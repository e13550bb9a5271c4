"""Lot methods side by side: what FIFO, LIFO and HIFO (universal or per wallet) would report for one year.

A comparison is for choosing a **standing order before the sales**: a method picked after the fact, to
lower a past year's tax, is not a valid identification (Treas. Reg. §1.1012-1(j); US_RULES §3).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import polars as pl

from taxlots.reports.money import plain_amount

NOTE = (
    "A method must be chosen before the sales (a standing order), not after: comparing is for deciding how to "
    "identify future sales, and a past year must be reported with the method that was in force when each sale was made."
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Outcome:
    """One method and scope's totals for the year, in cents."""

    method: str
    scope: str
    proceeds: int
    cost_basis: int
    short_gain: int
    long_gain: int
    rows: int

    @property
    def gain(self) -> int:
        return self.short_gain + self.long_gain


def outcome(method: str, scope: str, slices: pl.DataFrame) -> Outcome:
    """Totals of one run's slices (``frames.slices``) for the year."""
    short = slices.filter(~pl.col("long_term"))["gain"].sum()
    long = slices.filter(pl.col("long_term"))["gain"].sum()
    return Outcome(
        method=method,
        scope=scope,
        proceeds=int(slices["proceeds"].sum()),
        cost_basis=int(slices["cost_basis"].sum()),
        short_gain=int(short),
        long_gain=int(long),
        rows=slices.height,
    )


COLUMNS = ("method", "scope", "proceeds", "cost_basis", "short_term_gain", "long_term_gain", "total_gain", "rows")


def table_rows(outcomes: Iterable[Outcome]) -> list[tuple[str, ...]]:
    return [
        (
            o.method,
            o.scope,
            plain_amount(o.proceeds),
            plain_amount(o.cost_basis),
            plain_amount(o.short_gain),
            plain_amount(o.long_gain),
            plain_amount(o.gain),
            str(o.rows),
        )
        for o in outcomes
    ]


def document(year: int, outcomes: Iterable[Outcome]) -> dict[str, Any]:
    """The ``--json`` document: the year, the note, and one object per method and scope (amounts as text)."""
    return {"year": year, "note": NOTE, "methods": [dict(zip(COLUMNS, row, strict=True)) for row in table_rows(outcomes)]}
