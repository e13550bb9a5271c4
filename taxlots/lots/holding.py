"""Holding periods, counted in calendar terms (US_RULES.md §2.1).

A sale is long-term when the asset was held more than one year. The holding period starts the day after
acquisition and includes the day of sale, and a year is counted in calendar months, not days. So the first
long-term sale date is one calendar year after the day after acquisition:

- bought 2024-01-15: start 2024-01-16, long-term from 2025-01-16 (a sale on the anniversary is short-term,
  although 2024-01-15 to 2025-01-15 is 366 days);
- bought 2023-02-28: start 2023-03-01, long-term from 2024-03-01 (a sale on 2024-02-29 is short-term);
- bought 2024-02-29: start 2024-03-01, long-term from 2025-03-01;
- bought 2024-02-28: start 2024-02-29, and a year after 29 February is 1 March (not 28 February, where
  ``relativedelta`` would clip it), so a sale on the anniversary 2025-02-28 stays short-term.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo


def long_term_from(acquired: date) -> date:
    """The first sale date on which units acquired on ``acquired`` are long-term."""
    start = acquired + timedelta(days=1)
    try:
        return start.replace(year=start.year + 1)
    except ValueError:  # 29 February + 1 year: the year ends with 28 February, so long-term from 1 March
        return date(start.year + 1, 3, 1)


def is_long(long_from: date, sold: date) -> bool:
    """Whether a sale on ``sold`` is long-term for units long-term from ``long_from`` (see :func:`long_term_from`)."""
    return sold >= long_from


def is_long_term(acquired: date, sold: date) -> bool:
    """Whether a sale on ``sold`` of units acquired on ``acquired`` is long-term."""
    return is_long(long_term_from(acquired), sold)


def tax_date(moment: datetime, zone: tzinfo) -> date:
    """The calendar date of a UTC instant in the taxpayer's zone."""
    return moment.astimezone(zone).date()
