"""TurboTax Online gains CSV: the documented columns, one row per lot, split files, no negatives."""

from __future__ import annotations

import csv
from pathlib import Path

from taxlots.reports import turbotax, yearly
from tests.reports._build import year_report
from tests.reports.test_form8949 import FEE_ABOVE_PROCEEDS, _sales
from tests.reports.test_schedule_d import BROKERS, SALES


def test_rows_in_the_documented_columns() -> None:
    report = year_report(SALES, 2025, brokers=BROKERS)
    assert turbotax.rows(report.form).rows() == [
        ("1 BTC", "06/01/2024", "100.00", "02/01/2025", "150.25"),
        ("1 ETH", "06/01/2024", "80.00", "02/01/2025", "60.10"),  # a loss: still no negative number anywhere
        ("1 SOL", "01/01/2023", "10.00", "02/01/2025", "40.00"),
        ("1 ADA", "01/01/2023", "5.00", "02/01/2025", "1.00"),
    ]


def test_split_into_files_of_at_most_n_rows(tmp_path: Path) -> None:
    report = year_report(_sales(7, 2025), 2025)
    options = yearly.ReportOptions(form=report.form.options, turbotax_rows=3)
    writers = yearly.writers(yearly.YearReport(frames=report.frames, form=report.form, schedule=report.schedule, options=options))
    names = [n for n in writers if n.startswith("turbotax")]
    assert names == ["turbotax-gains-1.csv", "turbotax-gains-2.csv", "turbotax-gains-3.csv"]  # 3 + 3 + 1 rows
    for name in names:
        writers[name](tmp_path / name)
    counts = []
    for name in names:
        with (tmp_path / name).open(newline="") as fh:
            table = list(csv.reader(fh))
        assert table[0] == list(turbotax.HEADER)
        counts.append(len(table) - 1)
    assert counts == [3, 3, 1]


def test_no_sales_still_gives_one_file_with_the_header() -> None:
    assert turbotax.file_names(0, 100) == ["turbotax-gains-1.csv"]


def test_a_fee_above_the_proceeds_goes_into_the_cost_not_a_negative_proceeds() -> None:
    report = year_report(FEE_ABOVE_PROCEEDS, 2025)
    assert turbotax.rows(report.form).rows() == [
        ("0.0001 BTC", "06/01/2024", "1.41", "03/01/2025", "0.00"),  # 0 - 1.41 = the row's gain (h)
        ("0.5 BTC", "06/01/2024", "50.00", "03/02/2025", "60.00"),
    ]
