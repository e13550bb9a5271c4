"""The official forms filled in and read back with pypdf: field values, checkboxes, totals, pages."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader

from taxlots.reports import pdf
from taxlots.reports.form8949 import Broker, Rounding
from tests.reports._build import year_report
from tests.reports.test_form8949 import _sales
from tests.reports.test_schedule_d import BROKERS, SALES

FILER = pdf.Filer("Jane Q. Doe", "123-45-6789")


def values(path: Path) -> dict[str, str]:
    fields = PdfReader(path).get_fields() or {}
    return {name: str(f.get("/V")) for name, f in fields.items() if f.get("/V") not in (None, "", "/Off")}


def test_form8949_2025_fields_read_back(tmp_path: Path) -> None:
    path = tmp_path / "f.pdf"
    pdf.write_form8949(path, year_report(SALES, 2025, brokers=BROKERS).form, FILER)
    reader = PdfReader(path)
    assert len(reader.pages) == 4  # one page each for boxes H, I (Part I) and J, L (Part II)
    assert "/XFA" not in reader.trailer["/Root"]["/AcroForm"]
    assert reader.trailer["/Root"]["/AcroForm"]["/NeedAppearances"]
    got = values(path)
    # Page 1, box H = the 5th checkbox of Part I (A, B, C, G, H, I): c1_1[4] on state /5.
    assert {k: v for k, v in got.items() if k.startswith("p1.")} == {
        "p1.f1_01[0]": "Jane Q. Doe",
        "p1.f1_02[0]": "123-45-6789",
        "p1.c1_1[4]": "/5",
        "p1.f1_03[0]": "1 BTC",
        "p1.f1_04[0]": "06/01/2024",
        "p1.f1_05[0]": "02/01/2025",
        "p1.f1_06[0]": "150.25",
        "p1.f1_07[0]": "100.00",
        "p1.f1_10[0]": "50.25",
        "p1.f1_91[0]": "150.25",
        "p1.f1_92[0]": "100.00",
        "p1.f1_95[0]": "50.25",
    }
    assert got["p2.c1_1[5]"] == "/6"  # box I
    assert got["p2.f1_10[0]"] == got["p2.f1_95[0]"] == "(19.90)"  # a loss in parentheses
    assert got["p3.c2_1[3]"] == "/4"  # box J = 4th of Part II (D, E, F, J, K, L)
    assert got["p4.c2_1[5]"] == "/6" and got["p4.f2_03[0]"] == "1 ADA"


def test_text_of_the_filled_form_shows_rows_and_totals(tmp_path: Path) -> None:
    path = tmp_path / "f.pdf"
    pdf.write_form8949(path, year_report(SALES, 2025, brokers=BROKERS).form, FILER)
    widgets = [a.get_object() for a in PdfReader(path).pages[0]["/Annots"]]
    shown = [w["/AP"]["/N"].get_data().decode("latin-1") for w in widgets if w.get("/T") == "f1_06[0]"]
    assert "150.25" in shown[0]  # the appearance stream carries the value, for readers that do not regenerate


def test_twelve_rows_make_two_pages_in_2025_one_in_2024(tmp_path: Path) -> None:
    pdf.write_form8949(tmp_path / "a.pdf", year_report(_sales(12, 2025), 2025).form, FILER)
    pdf.write_form8949(tmp_path / "b.pdf", year_report(_sales(12, 2024), 2024).form, FILER)
    a, b = values(tmp_path / "a.pdf"), values(tmp_path / "b.pdf")
    assert len(PdfReader(tmp_path / "a.pdf").pages) == 2 and len(PdfReader(tmp_path / "b.pdf").pages) == 1
    # 2025: 11 rows on page 1 (total 11 x 15.00 = 165.00), 1 row on page 2 (15.00). Row 11's (h) is f1_03 + 10*8 + 7 = f1_90.
    assert (a["p1.f1_90[0]"], a["p1.f1_91[0]"], a["p2.f1_91[0]"]) == ("5.00", "165.00", "15.00")
    assert "p1.f1_98[0]" not in a
    # 2024: 14 rows a page, cells not zero-padded; row 12's (d) is f1_(3 + 11*8 + 3) = f1_94; totals start at f1_115.
    assert (b["p1.f1_94[0]"], b["p1.f1_115[0]"], b["p1.c1_1[2]"]) == ("15.00", "180.00", "/3")  # box C


def test_whole_dollars_on_the_form(tmp_path: Path) -> None:
    path = tmp_path / "f.pdf"
    pdf.write_form8949(path, year_report(SALES, 2025, brokers=BROKERS, rounding=Rounding.DOLLARS).form, FILER)
    got = values(path)
    # 150.25 -> 150, 100.00 -> 100, h = 50; 60.10 -> 60, 80 -> 80, h = (20).
    assert (got["p1.f1_06[0]"], got["p1.f1_07[0]"], got["p1.f1_10[0]"], got["p2.f1_95[0]"]) == ("150", "100", "50", "(20)")


def test_schedule_d_fields(tmp_path: Path) -> None:
    report = year_report(SALES, 2025, brokers=BROKERS)
    path = tmp_path / "sd.pdf"
    pdf.write_schedule_d(path, report.schedule, 2025, False, FILER)
    got = values(path)
    assert got == {
        "p1.f1_1[0]": "Jane Q. Doe",
        "p1.f1_2[0]": "123-45-6789",
        "p1.f1_11[0]": "150.25",  # line 2 (box H)
        "p1.f1_12[0]": "100.00",
        "p1.f1_14[0]": "50.25",
        "p1.f1_15[0]": "60.10",  # line 3 (box I)
        "p1.f1_16[0]": "80.00",
        "p1.f1_18[0]": "(19.90)",
        "p1.f1_22[0]": "30.35",  # line 7 = 50.25 - 19.90
        "p1.f1_27[0]": "40.00",  # line 8b (box J)
        "p1.f1_28[0]": "10.00",
        "p1.f1_30[0]": "30.00",
        "p1.f1_35[0]": "1.00",  # line 10 (box L)
        "p1.f1_36[0]": "5.00",
        "p1.f1_38[0]": "(4.00)",
        "p1.f1_43[0]": "26.00",  # line 15 = 30.00 - 4.00
        "p2.f2_1[0]": "56.35",  # line 16 = 30.35 + 26.00
    }


def test_schedule_d_2024_uses_its_own_field_names(tmp_path: Path) -> None:
    text = SALES.replace("2025-02-01", "2024-12-01").replace("2024-06-01", "2024-01-05")
    report = year_report(text, 2024, brokers={"A": Broker.PROCEEDS_ONLY})
    path = tmp_path / "sd.pdf"
    pdf.write_schedule_d(path, report.schedule, 2024, False, FILER)
    got = values(path)
    assert got["p1.f1_01[0]"] == "Jane Q. Doe"
    assert got["p1.f1_11[0]"] == "150.25"  # line 2 (box B)
    assert "p2.f2_01[0]" in got
