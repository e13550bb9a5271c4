"""The income report: grouping by month, type and asset, types read from the exports' words, and footing."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from taxlots.model.lots import Income
from taxlots.model.source import SourceRef
from taxlots.reports.income import income_lines, income_type, total


def item(day: str, asset: str, qty: str, usd: str, note: str, source: str = "") -> Income:
    d = date.fromisoformat(day)
    return Income(
        id=f"{day}-{asset}",
        asset=asset,
        wallet="Kraken",
        quantity=Decimal(qty),
        usd_value=Decimal(usd),
        received_at=datetime(d.year, d.month, d.day, tzinfo=UTC),
        received_date=d,
        source=SourceRef("x.csv", 2),
        price_source=source,
        note=note,
    )


@pytest.mark.parametrize(
    ("note", "kind"),
    [
        ("Staking Income", "staking"),
        ("Learning Reward", "learning"),
        ("HODLer Airdrops Distribution", "airdrop"),
        ("Simple Earn Flexible Interest", "interest"),
        ("earn reward", "interest"),
        ("Receive: Received 10 USDC from Coinbase Referral", "referral"),
        ("Mission Reward Distribution", "reward"),
        ("mined block 812345", "mining"),
        ("", "other"),
    ],
)
def test_income_type_from_the_exports_words(note: str, kind: str) -> None:
    assert income_type(note) == kind


def test_an_override_names_the_type() -> None:
    assert income_type("Receive", "airdrop") == "airdrop"


def test_lines_group_by_month_type_and_asset_and_foot() -> None:
    items = [
        item("2024-01-09", "ETH", "0.001", "2.225", "Staking Income"),
        item("2024-01-20", "ETH", "0.002", "5.005", "staking", "ledger"),
        item("2024-01-21", "SOL", "0.1", "9.99", "staking"),
        item("2024-02-01", "ETH", "0.001", "2.5", "Staking Income", "file:prices.csv"),
        item("2023-12-31", "ETH", "1", "2000", "Staking Income"),
    ]
    lines = income_lines(items, 2024)
    cells = [line.cells() for line in lines]
    # January ETH: 2.225 + 5.005 = 7.23 exactly (rounded once, not 2.23 + 5.01 = 7.24)
    assert cells == [
        ("2024-01", "staking", "ETH", "2", "0.003", "7.23", "export ledger"),
        ("2024-01", "staking", "SOL", "1", "0.1", "9.99", "export"),
        ("2024-02", "staking", "ETH", "1", "0.001", "2.50", "file:prices.csv"),
    ]
    assert total(lines) == Decimal("19.72")
    assert len(income_lines(items)) == 4  # without a year, 2023 too
