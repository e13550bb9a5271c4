"""Spreadsheet plumbing: risky text stays text, money stays exact, saves are reproducible."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from taxlots.reports import xlsx


def test_risky_text_is_a_string_cell_and_money_is_exact(tmp_path: Path) -> None:
    wb = xlsx.new_workbook(2025)
    ws = xlsx.table_sheet(wb, "T", ["x", "y"], [10, 10], 6)
    for value in ("=1+2", "+1", "-1", "@A1", "\tx", "plain"):
        ws.append([xlsx.text(ws, value), xlsx.money(ws, 123456789012345)])
    xlsx.save(wb, tmp_path / "t.xlsx", 2025)
    rows = list(load_workbook(tmp_path / "t.xlsx")["T"].iter_rows(min_row=2))
    assert [(r[0].value, r[0].data_type) for r in rows][:5] == [("=1+2", "s"), ("+1", "s"), ("-1", "s"), ("@A1", "s"), ("\tx", "s")]
    # 1,234,567,890,123.45 written as the Decimal's text: no float rounding on the way out.
    with __import__("zipfile").ZipFile(tmp_path / "t.xlsx") as z:
        assert b"<v>1234567890123.45</v>" in z.read("xl/worksheets/sheet1.xml")


def test_saves_are_byte_identical(tmp_path: Path) -> None:
    for name in ("a.xlsx", "b.xlsx"):
        wb = xlsx.new_workbook(2025)
        ws = xlsx.table_sheet(wb, "T", ["x"], [10], 1)
        ws.append(["v"])
        xlsx.save(wb, tmp_path / name, 2025)
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
