"""Spreadsheet plumbing: risky text stays text, money stays exact, saves are reproducible."""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from openpyxl import load_workbook
from openpyxl.cell import WriteOnlyCell

from taxlots.reports import workbook, xlsx
from tests.reports._build import year_report


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


# The fast tables: rows built as XML in polars (xlsx.rows_xml) and spliced into openpyxl's sheet on save.

SAMPLE = pl.DataFrame(
    {
        "text": ["a&b <c> \"q\" 'r'", "=1+2", "-3", "@A1", "\tx", "\rcr", " pad ", "", None, "é\u2028ü"],
        "money": [70457, -5, 18000, 15010, 0, None, 123456789012345678, -1, 99, 100],
        "day": [date(2024, 1, 2), None, date(1999, 12, 31), date(2024, 2, 29), date(2025, 12, 31)] * 2,
        "line": [1, 2, None, 4, 5, 6, 7, 8, 9, 2**40],
    },
    schema_overrides={"day": pl.Date},
)
KINDS: list[xlsx.Kind] = ["text", "money", "date", "number"]


def _fast(path: Path, frame: pl.DataFrame, kinds: list[xlsx.Kind]) -> None:
    wb = xlsx.new_workbook(2025)
    ws = xlsx.table_sheet(wb, "T", frame.columns, [10] * frame.width, frame.height)
    xlsx.save(wb, path, 2025, {"T": xlsx.rows_xml(ws, frame, kinds)})


def test_fast_rows_read_back_through_openpyxl_as_typed_cells(tmp_path: Path) -> None:
    _fast(tmp_path / "f.xlsx", SAMPLE, KINDS)
    ws = load_workbook(tmp_path / "f.xlsx")["T"]
    text = [(c.value, c.data_type) for c in ws["A"][1:]]
    assert text[:8] == [
        ("a&b <c> \"q\" 'r'", "s"),
        ("=1+2", "s"),
        ("-3", "s"),
        ("@A1", "s"),
        ("\tx", "s"),
        ("\rcr", "s"),  # the carriage return survives: written as &#13;
        (" pad ", "s"),  # outer spaces kept (xml:space="preserve")
        (None, "inlineStr"),  # an empty string is an empty string cell, as openpyxl writes (and reads) it
    ]
    assert ws["A10"].value is None and ws["A11"].value == "é\u2028ü"
    money = [c.value for c in ws["B"][1:]]
    assert money == [704.57, -0.05, 180, 150.1, 0, None, 1234567890123456.78, -0.01, 0.99, 1]
    assert {ws[f"B{r}"].number_format for r in (2, 3, 4)} == {xlsx.MONEY_FORMAT}
    assert [c.value for c in ws["C"][1:4]] == [datetime(2024, 1, 2), None, datetime(1999, 12, 31)]
    assert ws["C2"].number_format == xlsx.DATE_FORMAT and ws["C5"].value == datetime(2024, 2, 29)
    assert [c.value for c in ws["D"][1:]][:3] == [1, 2, None] and ws["D11"].value == 2**40
    with zipfile.ZipFile(tmp_path / "f.xlsx") as z:
        sheet = z.read("xl/worksheets/sheet1.xml")
    # Exact decimal text, never a float's: openpyxl's %.16g wrote 704.5700000000001 and lost the last cents here.
    assert b"<v>704.57</v>" in sheet and b"<v>1234567890123456.78</v>" in sheet
    assert b'<c r="A3" t="inlineStr"><is><t>=1+2</t></is></c>' in sheet  # a string, never <f>
    assert b"<f>" not in sheet


def test_fast_rows_are_the_xml_openpyxl_writes_for_the_same_cells(tmp_path: Path) -> None:
    """The same sheet written cell by cell through openpyxl (money as a Decimal, as before) is the same file."""
    # Only amounts openpyxl's float formatting still got right (it wrote 704.57 as 704.5700000000001).
    exact = (pl.col("money").abs() < 10**12) & (pl.col("money") != 70457)
    frame = SAMPLE.filter(exact | pl.col("money").is_null())
    wb = xlsx.new_workbook(2025)
    ws = xlsx.table_sheet(wb, "T", frame.columns, [10] * frame.width, frame.height)
    for text, cents, day, line in frame.iter_rows():
        cell = WriteOnlyCell(ws, value=Decimal(cents).scaleb(-2)) if cents is not None else None
        if cell is not None:
            cell.number_format = xlsx.MONEY_FORMAT
        ws.append([None if text is None else xlsx.text(ws, text), cell, xlsx.day(ws, day), line])
    xlsx.save(wb, tmp_path / "slow.xlsx", 2025)
    _fast(tmp_path / "fast.xlsx", frame, KINDS)
    with zipfile.ZipFile(tmp_path / "slow.xlsx") as slow, zipfile.ZipFile(tmp_path / "fast.xlsx") as fast:
        assert slow.namelist() == fast.namelist()
        for name in slow.namelist():
            if name == "xl/worksheets/sheet1.xml":  # openpyxl writes non-ASCII text as character references
                assert slow.read(name).replace(b"&#233;&#8232;&#252;", "é\u2028ü".encode()) == fast.read(name)
            else:
                assert slow.read(name) == fast.read(name), name


def test_characters_xml_forbids_are_written_escaped_instead_of_failing(tmp_path: Path) -> None:
    """openpyxl refuses control characters (IllegalCharacterError, and the report stopped); they become _xHHHH_."""
    frame = pl.DataFrame({"text": ["a\x01b", "tab\tand\nnewline", "\x1f\ufffe"], "n": [1, 2, 3]})
    _fast(tmp_path / "f.xlsx", frame, ["text", "number"])
    ws = load_workbook(tmp_path / "f.xlsx")["T"]
    assert [c.value for c in ws["A"][1:]] == ["a_x0001_b", "tab\tand\nnewline", "_x001F__xFFFE_"]
    assert xlsx.escape("<\x0b&") == "&lt;_x000B_&amp;"
    assert len(xlsx.escape("x" * 40_000)) == xlsx.MAX_TEXT  # cut at Excel's limit, as openpyxl does


def test_a_control_character_in_the_inputs_no_longer_stops_the_workbooks(tmp_path: Path) -> None:
    report = year_report("2024-06-01 W\x01x trade 100 USD -> 1 BTC id B1\n2025-02-01 W\x01x trade 1 BTC -> 150 USD id S1", 2025)
    workbook.write(tmp_path / "t.xlsx", report.frames, report.form)
    workbook.write_form8949(tmp_path / "f.xlsx", report.form)
    audit = load_workbook(tmp_path / "t.xlsx")
    assert audit["Disposals"]["C2"].value == "W_x0001_x"
    assert "W_x0001_x" in [c.value for c in audit["Summary"]["A"]]  # the By wallet block, written by openpyxl
    assert load_workbook(tmp_path / "f.xlsx")["Box I"]["K2"].value == "W_x0001_x"


@pytest.mark.parametrize(
    ("cents", "text"),
    [(0, "0"), (5, "0.05"), (-5, "-0.05"), (10, "0.1"), (18000, "180"), (15010, "150.1"), (70457, "704.57"), (-100, "-1")],
)
def test_money_text_is_the_exact_decimal_with_trailing_zeros_dropped(cents: int, text: str) -> None:
    assert xlsx.money_text(cents) == text  # the openpyxl cells (Summary)
    assert pl.DataFrame({"c": [cents]}).select(xlsx._money_text("c")).item() == text  # the fast tables


def test_rows_xml_refuses_a_column_it_would_misrepresent() -> None:
    ws = xlsx.new_workbook(2025).create_sheet("T")
    with pytest.raises(TypeError, match="not written as money"):
        xlsx.rows_xml(ws, pl.DataFrame({"x": [1.5]}), ["money"])
