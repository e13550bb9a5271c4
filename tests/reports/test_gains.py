from __future__ import annotations

from decimal import Decimal

from taxlots.lots.engine import Config, match
from taxlots.reports.gains import gain_rows, summarize
from taxlots.testing import ledger


def test_proceeds_split_in_proportion_with_remainder_on_the_last_row() -> None:
    result = match(
        ledger("""
        2024-01-01 K trade 10 USD -> 1 BTC id A
        2024-01-02 K trade 20 USD -> 1 BTC id B
        2024-01-03 K trade 30.01 USD -> 1 BTC id C
        2024-02-01 K trade 3 BTC -> 100 USD id S
    """)
    )
    rows = [r.cells() for r in gain_rows(result.disposals)]
    assert rows == [
        ("S", "A", "K", "BTC", "1", "2024-01-01", "2024-02-01", "33.33", "10.00", "23.33", "short"),
        ("S", "B", "K", "BTC", "1", "2024-01-02", "2024-02-01", "33.33", "20.00", "13.33", "short"),
        ("S", "C", "K", "BTC", "1", "2024-01-03", "2024-02-01", "33.34", "30.01", "3.33", "short"),
    ]


def test_basis_rounding_remainder_keeps_the_disposal_exact() -> None:
    # Two half-cent bases: each rounds up to 0.01 on its own, but the disposal's basis is 0.01 in all.
    result = match(
        ledger("""
        2024-01-01 K trade 0.005 USD -> 1 DOGE id A
        2024-01-02 K trade 0.005 USD -> 1 DOGE id B
        2024-02-01 K trade 2 DOGE -> 0.30 USD id S
    """)
    )
    rows = gain_rows(result.disposals)
    assert [(r.cost_basis, r.gain) for r in rows] == [(Decimal("0.01"), Decimal("0.14")), (Decimal("0.00"), Decimal("0.15"))]


def test_year_filter_and_summary() -> None:
    result = match(
        ledger("""
        2022-06-01 K trade 1000 USD -> 2 BTC id A
        2023-03-01 K trade 0.5 BTC -> 400 USD id S1
        2024-01-01 K income -> 1 ETH usd 2000 id I1
        2024-03-01 K trade 1 BTC -> 3000 USD id S2
        2024-04-01 K trade 1 ETH -> 2500 USD id S3
    """),
        Config(),
    )
    rows = gain_rows(result.disposals, 2024)
    assert [(r.disposal_id, r.term, r.gain) for r in rows] == [("S2", "long", Decimal("2500.00")), ("S3", "short", Decimal("500.00"))]
    s = summarize(rows, result.income, 2024)
    assert (s.short.proceeds, s.short.cost_basis, s.short.gain) == (Decimal("2500.00"), Decimal("2000.00"), Decimal("500.00"))
    assert (s.long.proceeds, s.long.cost_basis, s.long.gain) == (Decimal("3000.00"), Decimal("500.00"), Decimal("2500.00"))
    assert s.income == Decimal("2000.00")
    assert summarize(gain_rows(result.disposals, 2023), result.income, 2023).income == Decimal("0.00")


def test_shortfall_row_is_flagged_missing() -> None:
    result = match(
        ledger("""
        2024-01-01 K trade 100 USD -> 1 BTC id A
        2024-02-01 K trade 2 BTC -> 300 USD id S
    """)
    )
    rows = [r.cells() for r in gain_rows(result.disposals)]
    assert rows[1] == ("S", "MISSING", "K", "BTC", "1", "", "2024-02-01", "150.00", "0.00", "150.00", "short")
