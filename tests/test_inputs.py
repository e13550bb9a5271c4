"""Inputs that are not plain UTF-8 CSV files: other encodings, XLSX, Parquet, directories, standard input."""

from __future__ import annotations

import csv
import io
from datetime import datetime, time
from decimal import Decimal
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from typer.testing import CliRunner

from taxlots import ingest, inputs
from taxlots.cli import app
from taxlots.model.diagnostics import Code, Severity

runner = CliRunner()
SAMPLES = Path(__file__).resolve().parent.parent / "samples"
HERE = Path(__file__).resolve().parent / "importers" / "samples"
HEADER = "timestamp,wallet,type,sent_asset,sent_qty,received_asset,received_qty,fee_asset,fee_qty,usd_value,to_wallet,id,note"
BORSE = [
    HEADER,
    "2024-01-01T00:00:00Z,Börse,deposit,,,BTC,1,,,100,,D1,Einzahlung über SEPA",
    "2024-02-01T00:00:00Z,Börse,trade,BTC,1,USD,250,,,,,S1,",
]


def content(ledger: ingest.Ledger) -> list[tuple[object, ...]]:
    """What a ledger says, without where it was read from."""
    return ledger.frame.drop("file", "line", "src_file", "src_line", "order", "seq", "priority").rows()


def write_bytes(path: Path, data: bytes) -> str:
    path.write_bytes(data)
    return str(path)


def test_latin1_is_read_as_cp1252_with_a_warning_and_one_wallet(tmp_path: Path) -> None:
    src = write_bytes(tmp_path / "l.csv", "\n".join(BORSE).encode("latin-1") + b"\n")
    led = ingest.load([src])
    assert sorted(set(led.frame["wallet"])) == ["Börse"]  # one wallet, not "B\ufffdrse" next to "Börse"
    assert led.frame["note"].to_list()[0] == "Einzahlung über SEPA"
    (warning,) = [d for d in led.diagnostics if d.code is Code.ENCODING]
    # 0xf6 is "ö" in Latin-1; the first one is on line 2
    assert (warning.severity, warning.source and warning.source.line) == (Severity.WARNING, 2)
    assert warning.message == "is not UTF-8 (byte 0xf6 on line 2); read it as Windows-1252 (cp1252)"


def test_forced_encoding_that_does_not_fit_is_an_error_naming_the_line(tmp_path: Path) -> None:
    src = write_bytes(tmp_path / "l.csv", "\n".join(BORSE).encode("latin-1") + b"\n")
    led = ingest.load([src], encoding="utf-8")
    assert [(d.code, d.source and d.source.line, d.message) for d in led.diagnostics] == [
        (Code.FILE_UNREADABLE, 2, "byte 0xf6 cannot be read as utf-8")
    ]
    assert led.frame.height == 0
    forced = ingest.load([src], encoding="latin-1")
    assert forced.diagnostics == [] and sorted(set(forced.frame["wallet"])) == ["Börse"]


def test_a_byte_no_fallback_can_read_is_an_error_not_a_replacement(tmp_path: Path) -> None:
    # 0x81 is undefined in Windows-1252 and not UTF-8: the row must not come through as "B\ufffdrse"
    src = write_bytes(tmp_path / "l.csv", (HEADER + "\n").encode() + b"2024-01-01T00:00:00Z,B\x81rse,deposit,,,BTC,1,,,100,,D1,\n")
    led = ingest.load([src])
    assert [(d.severity, d.source and d.source.line, d.message) for d in led.diagnostics] == [
        (Severity.ERROR, 2, "byte 0x81 cannot be read as cp1252")
    ]


def test_cp1252_euro_in_coinbase_money_cells_reads_like_the_utf8_file(tmp_path: Path) -> None:
    original = HERE / "coinbase" / "v1_eur.csv"
    assert "€" in original.read_text(encoding="utf-8")
    copy = tmp_path / "v1_eur.csv"
    copy.write_bytes(original.read_text(encoding="utf-8").encode("cp1252"))
    want, got = ingest.load([str(original)]), ingest.load([str(copy)])
    assert [d for d in want.diagnostics if d.severity is Severity.ERROR] == []
    assert [d.message for d in got.diagnostics if d.severity is not Severity.INFO][:1] == [
        f"is not UTF-8 (byte 0x80 on line {next(i for i, t in enumerate(original.read_text().splitlines(), 1) if '€' in t)}); "
        "read it as Windows-1252 (cp1252)"
    ]
    assert content(got) == content(want) and got.frame.height > 0


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_tab_separated_with_or_without_a_mark(tmp_path: Path, codec: str) -> None:
    text = "\r\n".join(line.replace(",", "\t") for line in BORSE) + "\r\n"
    src = write_bytes(tmp_path / "gate.csv", text.encode(codec))
    led = ingest.load([src])
    assert [d.severity for d in led.diagnostics] == [Severity.INFO]  # "read as utf-16..."
    plain = ingest.load([write_bytes(tmp_path / "plain.csv", "\n".join(BORSE).encode() + b"\n")])
    assert content(led) == content(plain)
    assert led.frame["line"].to_list() == [2, 3]


def test_lots_file_in_latin1_is_read_not_a_traceback(tmp_path: Path) -> None:
    src = tmp_path / "l.csv"
    src.write_text("\n".join([HEADER, "2024-01-01T00:00:00Z,K,deposit,,,BTC,1,,,100,,Kauf-ä,", BORSE[2].replace("Börse", "K")]) + "\n")
    lots = tmp_path / "lots.csv"
    lots.write_bytes("disposal_id,lot_id,quantity\nS1,Kauf-ä,1\n".encode("latin-1"))
    result = runner.invoke(app, ["gains", str(src), "--method", "specific", "--lots", str(lots)])
    assert result.exit_code == 0, result.output
    # the lot named in Latin-1 is found: basis 100, proceeds 250
    assert result.stdout.splitlines()[1] == "S1,Kauf-ä,K,BTC,1,2024-01-01,2024-02-01,250.00,100.00,150.00,short"
    assert f"{lots}:2: warning[encoding] is not UTF-8 (byte 0xe4 on line 2)" in result.stderr
    lots.write_bytes(b"disposal_id,lot_id,quantity\nS1,K\x81,1\n")
    bad = runner.invoke(app, ["gains", str(src), "--method", "specific", "--lots", str(lots)])
    assert bad.exit_code == 1 and bad.stdout == ""
    assert f"{lots}:2: error[file-unreadable] byte 0x81 cannot be read as cp1252" in bad.stderr
    assert "Traceback" not in bad.output


def _workbook_from_csv(csv_path: Path, out: Path, *, typed: bool) -> None:
    """An XLSX like the exchange's: the CSV's cells, with dates, times and plain numbers as typed cells."""
    book = openpyxl.Workbook()
    sheet = book.active
    for cells in csv.reader(io.StringIO(csv_path.read_text(encoding="utf-8-sig"))):
        row: list[object] = []
        for cell in cells:
            value: object = cell
            if typed and len(cell) == 10 and cell[4:5] == "-" and cell[:4].isdigit():
                value = datetime.fromisoformat(cell)
            elif typed and len(cell) == 12 and cell[2:3] == ":" and cell[:2].isdigit():
                value = time.fromisoformat(cell)
            row.append(value)
        sheet.append(row)
    book.save(out)


def test_gemini_xlsx_reads_like_its_csv(tmp_path: Path) -> None:
    xlsx = tmp_path / "gemini_2024.xlsx"
    _workbook_from_csv(SAMPLES / "gemini_2024.csv", xlsx, typed=True)
    want, got = ingest.load([str(SAMPLES / "gemini_2024.csv")]), ingest.load([str(xlsx)])
    assert [d.message for d in got.diagnostics if d.code is Code.ENCODING] == ["read sheet 'Sheet' of the workbook"]
    assert [d for d in got.diagnostics if d.severity is Severity.ERROR] == []
    assert content(got) == content(want) and got.frame.height > 0
    assert got.frame["line"].to_list() == want.frame["line"].to_list()  # line numbers are sheet rows


def test_xlsx_numeric_cells_become_their_exact_text(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    # 0.1 and 1e-05 are stored as doubles; their shortest text is what the file holds, never 0.1000000000000000055...
    sheet.append([datetime(2024, 1, 1, 12, 30), "K", "deposit", None, None, "BTC", 0.1, None, None, 1234567, None, "D1", None])
    sheet.append([datetime(2024, 1, 2), "K", "trade", "BTC", 0.00001, "USD", 2.5, None, None, None, None, "S1", None])
    path = tmp_path / "ledger.xlsx"
    book.save(path)
    led = ingest.load([str(path)])
    assert [d for d in led.diagnostics if d.severity is not Severity.INFO] == []
    frame = led.frame.sort("seq")
    assert frame["received_qty"].to_list() == ["0.1", "2.5"]
    assert frame["sent_qty"].to_list() == [None, "0.00001"]
    assert frame["usd_value"].to_list() == ["1234567", None]
    assert [r.received_qty for r in led.rows()] == [Decimal("0.1"), Decimal("2.5")]
    assert [t.isoformat() for t in frame["timestamp"]] == ["2024-01-01T12:30:00+00:00", "2024-01-02T00:00:00+00:00"]


def test_a_zip_that_is_no_workbook_is_named(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "kraken.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("ledgers.csv", "a,b\n")
    led = ingest.load([str(path)])
    assert [(d.code, d.message) for d in led.diagnostics] == [(Code.FILE_UNREADABLE, "is a ZIP archive, not a CSV or XLSX export")]


def test_parquet_ledger_reads_back_in_gains(tmp_path: Path) -> None:
    src, pq = SAMPLES / "ledger_2024.csv", tmp_path / "ledger.parquet"
    assert runner.invoke(app, ["import", str(src), "-o", str(pq)]).exit_code == 0
    from_csv = runner.invoke(app, ["gains", str(src)])
    from_parquet = runner.invoke(app, ["gains", str(pq)])
    assert from_parquet.exit_code == 0, from_parquet.output
    assert from_parquet.stdout == from_csv.stdout and from_csv.stdout.count("\n") > 5
    again = tmp_path / "again.csv"
    assert runner.invoke(app, ["import", str(pq), "-o", str(again)]).exit_code == 0
    direct = tmp_path / "direct.csv"
    assert runner.invoke(app, ["import", str(src), "-o", str(direct)]).exit_code == 0
    assert again.read_bytes() == direct.read_bytes()  # provenance points at the original export either way
    assert pl.read_parquet(pq).height == pl.read_csv(direct).height


def test_a_directory_stands_for_its_files_sorted(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "b.csv").write_text(HEADER + "\n2024-01-01T00:00:00Z,K,deposit,,,BTC,1,,,100,,B1,\n")
    (folder / "a.csv").write_text(HEADER + "\n2024-01-01T00:00:00Z,K,deposit,,,BTC,1,,,100,,A1,\n")
    (folder / ".hidden.csv").write_text("junk\n")
    (folder / "sub").mkdir()
    led = ingest.load([str(folder)])
    assert [f.path for f in led.files] == [str(folder / "a.csv"), str(folder / "b.csv")]
    assert [r.id for r in led.rows()] == ["A1", "B1"]  # same time: file order, and a.csv sorts first
    assert [d.message for d in led.diagnostics] == ["left out 2 hidden file(s) or subdirectories: .hidden.csv, sub"]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert [d.message for d in ingest.load([str(empty)]).diagnostics] == ["is a directory with no files in it"]


def test_dash_reads_standard_input(tmp_path: Path) -> None:
    text = "\n".join(BORSE) + "\n"
    result = runner.invoke(app, ["gains", "-"], input=text.encode())
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1] == "S1,D1,Börse,BTC,1,2024-01-01,2024-02-01,250.00,100.00,150.00,short"
    bad = runner.invoke(app, ["gains", "-"], input=(HEADER + "\n2024-01-01T00:00:00Z,K,trade,USD,x,BTC,1,,,,,,\n").encode())
    assert bad.exit_code == 1
    assert "<stdin>:2: error[bad-row] sent_qty 'x' is not a number" in bad.stderr


def test_prepare_names_a_missing_file_and_a_non_file(tmp_path: Path) -> None:
    assert inputs.prepare(str(tmp_path / "nope.csv"), tmp_path, 0)[1][0].message == "no such file"


def test_utf8_check_across_chunk_boundaries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Chunks of 8 bytes: ASCII chunks are skipped, so what matters is a character cut by a chunk's end.
    monkeypatch.setattr(inputs, "_CHUNK", 8)
    cases = {
        "ascii.csv": (b"abc\ndef\nghijklmn\nopq\n", None),
        "split.csv": (b"abcdefg\xc3\xb6\nxyzxyzx\n", None),  # 'ö' straddles bytes 7-8: valid
        "cut.csv": (b"abc\ndef\xc3abcdefgh\n", (2, 0xC3)),  # a lead byte whose next chunk is ASCII: not UTF-8
        "late.csv": (b"abcdefg\nabcdefg\nabcdefg\nab\xf6cdef\n", (4, 0xF6)),  # after skipped ASCII chunks
        "end.csv": (b"abcdefg\xc3", (1, -1)),  # cut at the end of the file
    }
    for name, (data, want) in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        got = inputs._utf8_error(str(path))
        assert (got if got is None or got[1] == -1 else (got[0], got[1] & 0xFF)) == want, name
