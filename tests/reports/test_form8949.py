"""Form 8949: boxes, rounding, pages, the summary route, and totals that always foot."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from taxlots.lots.engine import match
from taxlots.reports.form8949 import Box, Broker, Rounding, box_for, rows_per_page
from taxlots.reports.gains import gain_rows
from taxlots.reports.money import form_amount, round_dollars
from taxlots.testing import ledger
from tests.reports._build import year_report

# One short-term and one long-term sale in each of two wallets, 2025.
TWO_WALLETS = """
    2024-01-10 Kraken trade 1000 USD -> 1 BTC id KB
    2025-01-05 Kraken trade 0.5 BTC -> 700.40 USD id KS
    2023-05-01 Ledger trade 300 USD -> 2 ETH id LB
    2025-06-01 Ledger trade 1 ETH -> 2500.50 USD id LS
"""


@pytest.mark.parametrize(
    ("year", "long_term", "broker", "box"),
    [
        (2025, False, Broker.NONE, Box.I),
        (2025, True, Broker.NONE, Box.L),
        (2025, False, Broker.BASIS_REPORTED, Box.G),
        (2025, True, Broker.BASIS_REPORTED, Box.J),
        (2025, False, Broker.PROCEEDS_ONLY, Box.H),
        (2025, True, Broker.PROCEEDS_ONLY, Box.K),
        (2026, False, Broker.NONE, Box.I),
        (2024, False, Broker.NONE, Box.C),
        (2024, True, Broker.NONE, Box.F),
        (2024, False, Broker.BASIS_REPORTED, Box.A),
        (2024, True, Broker.BASIS_REPORTED, Box.D),
        (2024, False, Broker.PROCEEDS_ONLY, Box.B),
        (2024, True, Broker.PROCEEDS_ONLY, Box.E),
    ],
)
def test_box_by_year_term_and_broker(year: int, long_term: bool, broker: Broker, box: Box) -> None:
    assert box_for(year, long_term, broker) is box


def test_rows_per_page_changed_in_2025() -> None:
    assert (rows_per_page(2024), rows_per_page(2025)) == (14, 11)


def test_unmarked_wallets_are_no_1099_and_marked_ones_take_their_box() -> None:
    report = year_report(TWO_WALLETS, 2025, brokers={"Kraken": Broker.PROCEEDS_ONLY})
    # KS: Kraken, held 2024-01-10 -> 2025-01-05, short, proceeds-only -> H. LS: Ledger, long, unmarked -> L.
    assert report.form.detail.select("box", "part", "disposal_id").rows() == [("H", 1, "KS"), ("L", 2, "LS")]


def test_columns_a_to_h_in_cents() -> None:
    report = year_report(TWO_WALLETS, 2025)
    # KS: 0.5 of a 1000.00 lot -> basis 500.00; gain 700.40 - 500.00 = 200.40.
    # LS: 1 of a 300.00 lot of 2 -> basis 150.00; gain 2500.50 - 150.00 = 2350.50.
    assert report.form.detail.select(*"abcdefgh").rows() == [
        ("0.5 BTC", "01/10/2024", "01/05/2025", 70040, 50000, "", 0, 20040),
        ("1 ETH", "05/01/2023", "06/01/2025", 250050, 15000, "", 0, 235050),
    ]


def test_whole_dollars_round_each_row_and_totals_are_sums_of_rounded_rows() -> None:
    text = """
        2025-01-01 W trade 10.49 USD -> 1 AAA id B1
        2025-01-01 W trade 10.49 USD -> 1 BBB id B2
        2025-02-01 W trade 1 AAA -> 20.50 USD id S1
        2025-02-01 W trade 1 BBB -> 20.50 USD id S2
    """
    report = year_report(text, 2025, rounding=Rounding.DOLLARS)
    # Per row: (d) 20.50 -> 21, (e) 10.49 -> 10, (h) = 21 - 10 = 11 (the cents gain 10.01 would round to 10).
    assert report.form.detail.select("d", "e", "g", "h").rows() == [(2100, 1000, 0, 1100), (2100, 1000, 0, 1100)]
    # Totals: 42 / 20 / 22, the sums of the rounded rows (not round(41.00) = 41, round(20.98) = 21).
    assert report.form.totals() == {Box.I: (4200, 2000, 0, 2200)}
    assert report.schedule.lines == {"3": (4200, 2000, 0, 2200)}


@pytest.mark.parametrize(("cents", "dollars"), [(149, 100), (150, 200), (199, 200), (0, 0), (-149, -100), (-150, -200), (-250, -300)])
def test_whole_dollar_rule_on_one_amount(cents: int, dollars: int) -> None:
    assert round_dollars(cents) == dollars


def test_form_amounts_show_losses_in_parentheses() -> None:
    assert [form_amount(-123456), form_amount(5), form_amount(-100, whole=True)] == ["(1,234.56)", "0.05", "(1)"]


def _sales(n: int, year: int) -> str:
    lines = [f"{year}-01-01 W trade {n * 10} USD -> {n} BTC id B"]
    lines += [f"{date(year, 2, 1) + timedelta(days=i % 300)} W trade 1 BTC -> 15 USD id S{i + 1:02d}" for i in range(n)]
    return "\n".join(lines)


def test_eleven_rows_per_page_from_2025_and_fourteen_before() -> None:
    detail_2025 = year_report(_sales(12, 2025), 2025).form.detail
    detail_2024 = year_report(_sales(12, 2024), 2024).form.detail
    assert detail_2025.select("page", "row").rows()[10:] == [(1, 11), (2, 1)]
    assert detail_2024.select("page", "row").rows()[10:] == [(1, 11), (1, 12)]


def test_a_box_beyond_max_pages_takes_the_summary_route() -> None:
    report = year_report(_sales(12, 2025), 2025, max_pages=1)  # 12 rows need 2 pages of 11
    form = report.form
    assert form.statement_boxes == (Box.I,)
    # 12 sales of 15.00 with 10.00 basis each: 180.00 / 120.00 / 60.00.
    assert form.form.select("box", "a", "b", "c", "f", "d", "e", "g", "h", "page", "row").rows() == [
        ("I", "W see attached statement", "", "", "M", 18000, 12000, 0, 6000, 1, 1)
    ]
    assert form.totals(form.form) == form.totals() == {Box.I: (18000, 12000, 0, 6000)}


def test_statement_all_summarizes_per_wallet() -> None:
    form = year_report(TWO_WALLETS, 2025, statement_all=True).form
    assert form.form.select("box", "a", "f").rows() == [
        ("I", "Kraken see attached statement", "M"),
        ("L", "Ledger see attached statement", "M"),
    ]


def test_exception1_moves_basis_reported_boxes_to_lines_1a_and_8a() -> None:
    report = year_report(TWO_WALLETS, 2025, brokers={"Kraken": Broker.BASIS_REPORTED, "Ledger": Broker.BASIS_REPORTED}, exception1=True)
    assert report.form.exception1_boxes == (Box.G, Box.J)
    assert report.form.form.height == 0
    assert report.schedule.lines == {"1a": (70040, 50000, 0, 20040), "8a": (250050, 15000, 0, 235050)}


def test_form_totals_equal_the_sum_of_the_gains_rows() -> None:
    text = """
        2024-06-01 K trade 10 USD -> 1 BTC id A
        2024-06-02 K trade 20 USD -> 1 BTC id B
        2024-06-03 K trade 30.01 USD -> 1 BTC id C
        2025-02-01 K trade 3 BTC -> 100 USD id S
        2023-01-01 K trade 0.005 USD -> 1 DOGE id D1
        2025-03-01 K trade 1 DOGE -> 0.30 USD id S2
    """
    report = year_report(text, 2025)
    rows = gain_rows(match(ledger(text)).disposals, 2025)
    expect: dict[bool, list[Decimal]] = {False: [Decimal(0)] * 3, True: [Decimal(0)] * 3}
    for r in rows:
        expect[r.long_term] = [expect[r.long_term][0] + r.proceeds, expect[r.long_term][1] + r.cost_basis, expect[r.long_term][2] + r.gain]
    totals = report.form.totals()
    for box, long_term in ((Box.I, False), (Box.L, True)):
        d, e, _, h = totals[box]
        assert [Decimal(d) / 100, Decimal(e) / 100, Decimal(h) / 100] == expect[long_term]


FEE_ABOVE_PROCEEDS = """
    2024-06-01 A trade 100 USD -> 1 BTC id B
    2025-03-01 A trade 0.0001 BTC -> 1 USD fee 2.40 USD id S   # net proceeds 1 - 2.40 = -1.40; basis 0.01
    2025-03-02 A trade 0.5 BTC -> 60 USD id T                  # an ordinary row beside it: 60.00 / 50.00 / 10.00
"""


def test_a_fee_above_the_proceeds_is_a_code_e_adjustment_not_a_negative_proceeds() -> None:
    """(d) is never negative: 0, the excess in (g) with code E, and (h) still the gains row's -1.41."""
    form = year_report(FEE_ABOVE_PROCEEDS, 2025).form
    assert form.detail.select(*"defgh").rows() == [(0, 1, "E", -140, -141), (6000, 5000, "", 0, 1000)]
    dollars = year_report(FEE_ABOVE_PROCEEDS, 2025, rounding=Rounding.DOLLARS).form
    assert dollars.detail.select(*"defgh").rows() == [(0, 0, "E", -100, -100), (6000, 5000, "", 0, 1000)]  # 1.40 -> 1, 0.01 -> 0
    summary = year_report(FEE_ABOVE_PROCEEDS, 2025, statement_all=True).form
    assert summary.form.select(*"adefgh").rows() == [("A see attached statement", 6000, 5001, "EM", -140, 859)]
