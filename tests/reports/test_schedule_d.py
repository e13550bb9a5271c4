"""Schedule D: each line is the sum of its boxes, and lines 7, 15 and 16 add up."""

from __future__ import annotations

from taxlots.reports import yearly
from taxlots.reports.form8949 import Broker
from tests.reports._build import year_report

SALES = """
    2024-06-01 A trade 100 USD -> 1 BTC id AB
    2025-02-01 A trade 1 BTC -> 150.25 USD id AS     # short, A proceeds-only -> H (line 2): 150.25 / 100.00 / 50.25
    2024-06-01 B trade 80 USD -> 1 ETH id BB
    2025-02-01 B trade 1 ETH -> 60.10 USD id BS      # short, unmarked -> I (line 3): 60.10 / 80.00 / (19.90)
    2023-01-01 C trade 10 USD -> 1 SOL id CB
    2025-02-01 C trade 1 SOL -> 40 USD id CS         # long, C basis-reported -> J (line 8b): 40.00 / 10.00 / 30.00
    2023-01-01 B trade 5 USD -> 1 ADA id DB
    2025-02-01 B trade 1 ADA -> 1 USD id DS          # long, unmarked -> L (line 10): 1.00 / 5.00 / (4.00)
"""
BROKERS = {"A": Broker.PROCEEDS_ONLY, "C": Broker.BASIS_REPORTED}


def test_lines_take_their_boxes_and_the_net_lines_add_up() -> None:
    s = year_report(SALES, 2025, brokers=BROKERS).schedule
    assert s.lines == {"2": (15025, 10000, 0, 5025), "3": (6010, 8000, 0, -1990), "8b": (4000, 1000, 0, 3000), "10": (100, 500, 0, -400)}
    assert (s.line7, s.line15, s.line16) == (5025 - 1990, 3000 - 400, 3035 + 2600)


def test_csv_lists_the_lines_then_the_net_lines() -> None:
    report = year_report(SALES, 2025, brokers=BROKERS)
    assert yearly.schedule_d_rows(report) == [
        ("2", "150.25", "100.00", "0.00", "50.25"),
        ("3", "60.10", "80.00", "0.00", "-19.90"),
        ("8b", "40.00", "10.00", "0.00", "30.00"),
        ("10", "1.00", "5.00", "0.00", "-4.00"),
        ("7", "", "", "", "30.35"),
        ("15", "", "", "", "26.00"),
        ("16", "", "", "", "56.35"),
    ]


def test_schedule_d_equals_the_8949_totals_in_whole_dollars() -> None:
    from taxlots.reports.form8949 import SCHEDULE_D_LINE, Rounding

    report = year_report(SALES, 2025, brokers=BROKERS, rounding=Rounding.DOLLARS)
    by_line: dict[str, list[int]] = {}
    for box, values in report.form.totals(report.form.form).items():
        acc = by_line.setdefault(SCHEDULE_D_LINE[box], [0, 0, 0, 0])
        by_line[SCHEDULE_D_LINE[box]] = [a + v for a, v in zip(acc, values, strict=True)]
    assert {k: tuple(v) for k, v in by_line.items()} == report.schedule.lines
    # line 2: 150 - 100 = 50; line 3: 60 - 80 = -20; 8b: 40 - 10 = 30; 10: 1 - 5 = -4.
    assert [v[3] for v in report.schedule.lines.values()] == [5000, -2000, 3000, -400]
