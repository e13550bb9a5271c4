"""Golden files for every output of ``taxlots report`` on the bundled 2024 sample.

Text outputs are compared byte for byte; the PDFs by their field values (and the statement by its text);
the workbooks by every cell's value and number format and by their charts. To rewrite the golden files after
an intended change, run ``TAXLOTS_UPDATE_GOLDEN=1 pytest tests/reports/test_golden.py`` and review the diff.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import typer
from openpyxl import load_workbook
from pypdf import PdfReader
from typer.testing import CliRunner

from taxlots.cli import app as cli_app
from taxlots.cli.commands.report import report

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("TAXLOTS_UPDATE_GOLDEN") == "1"
CASES = {
    "sample-2024": ["--broker", "Kraken=proceeds-only", "--name", "Jane Doe", "--tin", "123-45-6789"],
    "sample-2024-dollars-statement": ["--rounding", "dollars", "--statement", "--turbotax-rows", "10"],
}
TEXT_FILES = ("form8949.csv", "schedule_d.csv", "taxlots.txf")

app = typer.Typer()
app.command("report")(report)
app.command("noop")(lambda: None)


def pdf_fields(path: Path) -> str:
    fields = PdfReader(path).get_fields() or {}
    return "".join(f"{name} = {f.get('/V')}\n" for name, f in fields.items() if f.get("/V") not in (None, "", "/Off"))


def pdf_text(path: Path) -> str:
    return "".join(f"--- page {i}\n{page.extract_text()}\n" for i, page in enumerate(PdfReader(path).pages, start=1))


def workbook_cells(path: Path) -> str:
    lines = []
    wb = load_workbook(path)
    for ws in wb.worksheets:
        lines.append(f"== {ws.title} freeze={ws.freeze_panes} filter={ws.auto_filter.ref}")
        for chart in ws._charts:
            lines.append(f"chart {type(chart).__name__}: {chart.title.tx.rich.p[0].r[0].t}")
        for row in ws.iter_rows():
            for c in row:
                if c.value is not None:
                    fmt = "" if c.number_format == "General" else f" [{c.number_format}]"
                    lines.append(f"{c.coordinate} {c.value!r}{fmt}")
    return "\n".join(lines) + "\n"


def check(name: str, actual: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(actual.encode("utf-8"))
    assert path.exists(), f"missing golden file {name}: run with TAXLOTS_UPDATE_GOLDEN=1"
    assert actual == path.read_bytes().decode("utf-8"), f"{name} differs from its golden file"


def check_outputs(case: str, out: Path, stdout: str) -> None:
    """Every file ``report`` wrote into ``out`` (and its ``--json`` document) against the golden files of ``case``."""
    json.loads(stdout)  # one JSON document, nothing else on standard output
    check(f"{case}/report.json", stdout)  # byte for byte: sorted keys, amounts as text
    written = sorted(p.name for p in out.iterdir())
    expected = sorted(p.name.removesuffix(".fields.txt").removesuffix(".cells.txt").removesuffix(".txt") for p in (GOLDEN / case).iterdir())
    if not UPDATE:
        assert written == sorted(set(expected) - {"report.json"}), "the files written are not the golden set"
    for name in written:
        path = out / name
        if name in TEXT_FILES or name.startswith("turbotax-"):
            check(f"{case}/{name}", path.read_bytes().decode("utf-8"))
        elif name == "form8949-statement.pdf":
            check(f"{case}/{name}.txt", pdf_text(path))
        elif name.endswith(".pdf"):
            check(f"{case}/{name}.fields.txt", pdf_fields(path))
        else:
            assert name.endswith(".xlsx")
            check(f"{case}/{name}.cells.txt", workbook_cells(path))


@pytest.mark.parametrize("case", list(CASES))
def test_report_outputs_match_their_golden_files(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # relative input path: the outputs name "samples/ledger_2024.csv", nothing of this machine
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["report", "samples/ledger_2024.csv", "--year", "2024", "--out", str(out), "--json", *CASES[case]])
    assert result.exit_code == 0, result.output
    check_outputs(case, out, result.stdout)


def test_the_sample_year_folder_reports_with_no_arguments(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``taxlots report`` inside (a copy of) samples/year-2024: year, inputs, prices, out and filer from its taxlots.toml."""
    folder = tmp_path / "year-2024"
    shutil.copytree(ROOT / "samples" / "year-2024", folder, ignore=shutil.ignore_patterns("out"))
    monkeypatch.chdir(folder)
    result = CliRunner().invoke(cli_app, ["report", "--json"])
    assert result.exit_code == 0, result.output
    out = folder / "out"  # [report] out = "out"
    check_outputs("year-2024", out, result.stdout)
    # The hand-computed totals of tests/test_sample_year.py, read back from each output on its own.
    short, long = ("8401.65", "5869.51", "2532.14"), ("24504.12", "7682.50", "16821.62")
    assert form8949_csv_totals(out / "form8949.csv") == {"I": short, "II": long}
    lines = {r["line"]: r for r in csv.DictReader((out / "schedule_d.csv").open(encoding="utf-8"))}
    assert (lines["3"]["proceeds"], lines["3"]["cost_basis"], lines["3"]["gain"]) == short  # box C (2024: no 1099)
    assert (lines["10"]["proceeds"], lines["10"]["cost_basis"], lines["10"]["gain"]) == long  # box F
    assert (lines["7"]["gain"], lines["15"]["gain"], lines["16"]["gain"]) == ("2532.14", "16821.62", "19353.76")
    assert txf_totals(out / "taxlots.txf") == {"712": short, "714": long}
    fields = PdfReader(out / "schedule_d.pdf").get_fields() or {}
    value = {name.split(".")[-1]: f.get("/V") for name, f in fields.items()}
    assert (value["f1_15[0]"], value["f1_16[0]"], value["f1_18[0]"]) == ("8,401.65", "5,869.51", "2,532.14")  # line 3 (d) (e) (h)
    assert (value["f1_35[0]"], value["f1_36[0]"], value["f1_38[0]"]) == ("24,504.12", "7,682.50", "16,821.62")  # line 10
    assert (value["f1_01[0]"], value["f1_02[0]"]) == ("Sam Sample", "XXX-XX-1234")
    doc = json.loads(result.stdout)
    assert doc["income"] == "55.00"
    assert doc["schedule_d"]["16"] == "19353.76"


def form8949_csv_totals(path: Path) -> dict[str, tuple[str, str, str]]:
    sums: dict[str, list[Decimal]] = {}
    for row in csv.DictReader(path.open(encoding="utf-8")):
        part = sums.setdefault(row["part"], [Decimal(0)] * 3)
        for i, col in enumerate(("proceeds", "cost_basis", "gain")):
            part[i] += Decimal(row[col])
    return {part: (str(p), str(b), str(g)) for part, (p, b, g) in sums.items()}


def txf_totals(path: Path) -> dict[str, tuple[str, str, str]]:
    """Sum the TD records of a TXF file by refnum: (proceeds, cost, proceeds - cost); cost is the first $ line."""
    sums: dict[str, list[Decimal]] = {}
    for record in path.read_text(encoding="ascii").split("^")[1:]:
        lines = [x for x in record.splitlines() if x]
        if not lines:
            continue
        refnum = next(x[1:] for x in lines if x.startswith("N"))
        cost, proceeds = (Decimal(x[1:]) for x in lines if x.startswith("$") and x != "$")
        t = sums.setdefault(refnum, [Decimal(0)] * 2)
        t[0] += proceeds
        t[1] += cost
    return {n: (str(p), str(c), str(p - c)) for n, (p, c) in sums.items()}
