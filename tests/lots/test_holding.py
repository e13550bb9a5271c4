from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from taxlots.lots.holding import is_long_term, long_term_from, tax_date


@pytest.mark.parametrize(
    ("acquired", "last_short", "first_long"),
    [
        ("2024-01-15", "2025-01-15", "2025-01-16"),  # the anniversary is short-term although it is 366 days later
        ("2024-01-31", "2025-01-31", "2025-02-01"),  # Pub. 550: sold 29 Jan 2025 short, 6 Feb 2025 long
        ("2023-02-28", "2024-02-29", "2024-03-01"),  # 28 Feb before a leap year: 29 Feb 2024 is still short-term
        ("2024-02-29", "2025-02-28", "2025-03-01"),  # leap-day purchase: long-term from 1 March
        ("2024-02-28", "2025-02-28", "2025-03-01"),  # the day before a leap day: the anniversary stays short-term
        ("2023-03-01", "2024-03-01", "2024-03-02"),
        ("2023-12-31", "2024-12-31", "2025-01-01"),
    ],
)
def test_long_term_boundary(acquired: str, last_short: str, first_long: str) -> None:
    bought = date.fromisoformat(acquired)
    assert long_term_from(bought) == date.fromisoformat(first_long)
    assert not is_long_term(bought, date.fromisoformat(last_short))
    assert is_long_term(bought, date.fromisoformat(first_long))


def test_pub_550_example() -> None:
    assert not is_long_term(date(2024, 1, 31), date(2025, 1, 29))
    assert is_long_term(date(2024, 1, 31), date(2025, 2, 6))


def test_tax_date_in_zone() -> None:
    moment = datetime(2025, 1, 1, 6, 0, tzinfo=UTC)  # 31 December 2024 22:00 in Los Angeles
    assert tax_date(moment, UTC) == date(2025, 1, 1)
    assert tax_date(moment, ZoneInfo("America/Los_Angeles")) == date(2024, 12, 31)
