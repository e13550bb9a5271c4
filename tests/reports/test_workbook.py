"""The workbooks reopened with openpyxl: sheets, cells, number formats, formulas, charts, and no injection."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from taxlots.reports import workbook, xlsx
from taxlots.reports.form8949 import Broker
from tests.reports._build import year_report
from tests.reports.test_form8949 import _sales
from tests.reports.test_schedule_d import BROKERS, SALES


def test_audit_workbook_sheets_cells_and_charts(tmp_path: Path) -> None:
    report = year_report(SALES, 2025, brokers=BROKERS)
    path = tmp_path / "t.xlsx"
    workbook.write(path, report.frames, report.form)
    wb = load_workbook(path)
    assert wb.sheetnames == ["Summary", "Disposals", "Open lots", "Income", "Transfers", "Problems"]
    summary = [r for r in wb["Summary"].iter_rows(values_only=True)]
    # Short: 150.25 + 60.10 = 210.35 proceeds, 180.00 basis, 30.35 gain; long: 41.00 / 15.00 / 26.00.
    assert summary[3][:4] == ("Short-term", 210.35, 180, 30.35)
    assert summary[4][:4] == ("Long-term", 41, 15, 26)
    assert summary[5][:4] == ("Total", 251.35, 195, 56.35)
    assert [r[0] for r in summary[8:12]] == ["H", "I", "J", "L"]
    titles = [c.title.tx.rich.p[0].r[0].t for c in wb["Summary"]._charts]
    assert titles == ["Realized gain by month (USD)", "Realized gain by asset (USD)", "Cost basis held per wallet (USD, month end)"]
    feb = next(r for r in summary if r[0] == "Feb")
    assert feb[1:3] == (30.35, 26)  # every sale was on 2025-02-01
    disposals = wb["Disposals"]
    assert disposals.freeze_panes == "A2" and disposals.auto_filter.ref == "A1:Q5"
    first = [c.value for c in disposals[2]]
    assert first[:12] == ["AS", "AB", "A", "BTC", "1", datetime(2024, 6, 1), datetime(2025, 2, 1), "short", "H", 150.25, 100, 50.25]
    assert first[13:] == ["ledger.txt", 3, "ledger.txt", 2]  # sold on line 3, acquired on line 2 of the text ledger
    assert disposals["J2"].number_format == "#,##0.00;[Red]-#,##0.00"


def test_basis_held_counts_lots_until_they_are_sold() -> None:
    text = """
        2024-06-01 W trade 100 USD -> 1 BTC id B1
        2025-03-10 W trade 50 USD -> 1 ETH id B2
        2025-05-20 W trade 1 BTC -> 300 USD id S1
    """
    report = year_report(text, 2025)
    wallets, months = workbook.basis_held(report.frames)
    assert wallets == ["W"]
    # Jan, Feb: BTC 100.00. Mar, Apr: + ETH 50.00. May on: ETH only (BTC sold 20 May).
    assert [levels[0] for _, levels in months] == [10000, 10000, 15000, 15000] + [5000] * 8


def test_form8949_workbook_totals_are_formulas(tmp_path: Path) -> None:
    report = year_report(SALES, 2025, brokers=BROKERS)
    path = tmp_path / "f.xlsx"
    workbook.write_form8949(path, report.form)
    wb = load_workbook(path)
    assert wb.sheetnames == ["Box H", "Box I", "Box J", "Box L"]
    ws = wb["Box I"]
    assert [c.value for c in ws[2]][:8] == ["1 ETH", "06/01/2024", "02/01/2025", 60.1, 80, None, 0, -19.9]
    assert [ws.cell(3, col).value for col in (4, 5, 7, 8)] == ["=SUM(D2:D2)", "=SUM(E2:E2)", "=SUM(G2:G2)", "=SUM(H2:H2)"]
    assert ws.print_title_rows == "$1:$1" and ws.page_setup.orientation == "landscape"


def test_untrusted_text_never_becomes_a_formula(tmp_path: Path) -> None:
    text = """
        2024-06-01 =cmd|calc!A1 trade 100 USD -> 1 @SUM(1) id =1+1
        2025-02-01 =cmd|calc!A1 trade 1 @SUM(1) -> 150 USD id -2+3
    """
    report = year_report(text, 2025, brokers={"=cmd|calc!A1": Broker.PROCEEDS_ONLY})
    workbook.write(tmp_path / "t.xlsx", report.frames, report.form)
    workbook.write_form8949(tmp_path / "f.xlsx", report.form)
    row = load_workbook(tmp_path / "t.xlsx")["Disposals"][2]
    assert [(c.value, c.data_type) for c in row[:4]] == [("-2+3", "s"), ("=1+1", "s"), ("=cmd|calc!A1", "s"), ("@SUM(1)", "s")]
    form_row = load_workbook(tmp_path / "f.xlsx")["Box H"][2]
    assert all(c.data_type != "f" for c in form_row)
    assert form_row[10].value == "=cmd|calc!A1"


def test_workbooks_are_byte_identical_across_runs(tmp_path: Path) -> None:
    report = year_report(SALES, 2025, brokers=BROKERS)
    workbook.write(tmp_path / "a.xlsx", report.frames, report.form)
    workbook.write(tmp_path / "b.xlsx", report.frames, report.form)
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()


def test_a_table_past_excels_row_limit_continues_on_more_sheets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With the limit made 6 rows (header included), 7 sales take three Box I sheets and the box total adds them."""
    monkeypatch.setattr(xlsx, "MAX_ROWS", 6)  # form8949.xlsx: 3 rows per sheet (header and two total rows)
    report = year_report(_sales(7, 2025), 2025)
    workbook.write_form8949(tmp_path / "f.xlsx", report.form)
    wb = load_workbook(tmp_path / "f.xlsx")
    assert wb.sheetnames == ["Box I", "Box I (2)", "Box I (3)"]
    assert [wb[n].max_row for n in wb.sheetnames] == [5, 5, 4]  # header + rows + sheet total (+ box total on the last)
    last = wb["Box I (3)"]
    assert last["D4"].value == "='Box I'!D5+'Box I (2)'!D5+'Box I (3)'!D3"
    workbook.write(tmp_path / "a.xlsx", report.frames, report.form)
    audit = load_workbook(tmp_path / "a.xlsx")
    assert [n for n in audit.sheetnames if n.startswith("Disposals")] == ["Disposals", "Disposals (2)"]  # 5 + 2 rows
    ids = [c.value for n in ("Disposals", "Disposals (2)") for c in audit[n]["A"][1:]]
    assert len(ids) == 7 and len(set(ids)) == 7
