"""The report's JSON summary and file list."""

from __future__ import annotations

from taxlots.reports import yearly
from tests.reports._build import year_report
from tests.reports.test_schedule_d import BROKERS, SALES


def test_summary_document() -> None:
    report = year_report(SALES, 2025, brokers=BROKERS)
    doc = yearly.summary(report, ["a", "b"])
    assert [b["box"] for b in doc["boxes"]] == ["H", "I", "J", "L"]
    # Short: 150.25 + 60.10 = 210.35; 100 + 80 = 180.00; 50.25 - 19.90 = 30.35. Long: 41.00, 15.00, 26.00.
    assert doc["terms"]["short"] == {"proceeds": "210.35", "cost_basis": "180.00", "adjustment": "0.00", "gain": "30.35"}
    assert doc["terms"]["long"]["gain"] == "26.00"
    assert (doc["schedule_d"]["7"], doc["schedule_d"]["15"], doc["schedule_d"]["16"]) == ("30.35", "26.00", "56.35")
    assert doc["rows"] == 4 and doc["files"] == ["a", "b"] and doc["income"] == "0.00"


def test_every_output_file_is_named() -> None:
    names = list(yearly.writers(year_report(SALES, 2025, brokers=BROKERS)))
    assert names == [
        "form8949.pdf",
        "form8949-statement.pdf",
        "form8949.csv",
        "form8949.xlsx",
        "schedule_d.pdf",
        "schedule_d.csv",
        "taxlots.txf",
        "turbotax-gains-1.csv",
        "taxlots-2025.xlsx",
    ]
