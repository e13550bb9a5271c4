"""The CLI's finish: --json on detect, import and transfers, --encoding, old FILE:LINE lot ids, help, progress, tables."""

from __future__ import annotations

import io
import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
import typer
from rich.console import Console
from typer.testing import CliRunner

from taxlots.cli import app, render
from taxlots.cli.options import hours

runner = CliRunner()
HEADER = "timestamp,wallet,type,sent_asset,sent_qty,received_asset,received_qty,fee_asset,fee_qty,usd_value,to_wallet,id,note\n"
# No ids: ingest gives each row a content id (row-<hash>-<k>); old lots files named these rows FILE:LINE.
LEDGER = """\
2023-01-10T10:00:00Z,Börse,trade,USD,1000,BTC,1,USD,10,,,,
2024-01-10T10:00:00Z,Börse,trade,USD,3000,BTC,1,,,,,,
2024-07-01T10:00:00Z,Börse,trade,BTC,1,USD,70000,USD,70,,,,
"""
TRANSFERS = """\
2024-01-01T00:00:00Z,Kraken,trade,USD,1000,BTC,1,,,,,B1,
2024-02-01T00:00:00Z,Kraken,withdrawal,BTC,0.5,,,,,,,W1,
2024-02-01T01:00:00Z,Coinbase,deposit,,,BTC,0.5,,,,,D1,
2024-03-01T00:00:00Z,Coinbase,withdrawal,BTC,0.1,,,,,,,W2,
"""


def write(tmp_path: Path, body: str, name: str = "ledger.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes((HEADER + body).encode(encoding))
    return path


# -- --json -------------------------------------------------------------------------------------------------


def test_detect_json_lists_each_file(tmp_path: Path) -> None:
    src = write(tmp_path, LEDGER)
    result = runner.invoke(app, ["detect", str(src), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["version"] == 1 and data["command"] == "detect"
    (entry,) = data["files"]
    assert entry["file"] == str(src) and entry["format"] == "generic"
    assert (entry["rows"], entry["kept"], entry["duplicates"], entry["errors"]) == (3, 3, 0, 0)
    assert entry["first"].startswith("2023-01-10") and entry["last"].startswith("2024-07-01")
    assert entry["assets"] == ["BTC", "USD"] and entry["wallets"] == ["Börse"]


def test_detect_json_unknown_file_is_an_errors_object(tmp_path: Path) -> None:
    odd = tmp_path / "odd.csv"
    odd.write_text("a,b,c\n1,2,3\n")
    result = runner.invoke(app, ["detect", str(odd), "--json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["version"] == 1 and data["warnings"] == [] and len(data["errors"]) == 1
    (err,) = data["errors"]
    assert set(err) == {"file", "line", "code", "severity", "message", "hint"}
    assert err["file"] == str(odd) and err["code"] == "unknown-format" and err["severity"] == "error"


def test_import_json_counts_rows_and_writes_the_ledger(tmp_path: Path) -> None:
    src, out = write(tmp_path, LEDGER), tmp_path / "out.csv"
    result = runner.invoke(app, ["import", str(src), "-o", str(out), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["command"], data["output"], data["rows"], data["duplicates"], data["skipped"]) == ("import", str(out), 3, 0, 0)
    assert len(out.read_text().splitlines()) == 4  # header and the three rows


def test_import_json_error_writes_nothing(tmp_path: Path) -> None:
    src, out = write(tmp_path, "2024-01-01T00:00:00Z,W,trade,USD,abc,BTC,1,,,,,X1,\n"), tmp_path / "out.csv"
    result = runner.invoke(app, ["import", str(src), "-o", str(out), "--json"])
    assert result.exit_code == 1
    (err,) = json.loads(result.stdout)["errors"]
    assert (err["file"], err["line"]) == (str(src), 2)
    assert not out.exists()


def test_transfers_json_pairs_and_unmatched(tmp_path: Path) -> None:
    src = write(tmp_path, TRANSFERS)
    result = runner.invoke(app, ["transfers", str(src), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["command"], data["matched"], data["unmatched"]) == ("transfers", 1, 1)
    pair, left = data["transfers"]
    assert (pair["status"], pair["withdrawal_id"], pair["deposit_id"], pair["network_fee"]) == ("matched", "W1", "D1", "0")
    assert (left["status"], left["withdrawal_id"], left["sent"]) == ("unmatched", "W2", "0.1")


def test_transfers_json_bad_overrides_is_an_errors_object(tmp_path: Path) -> None:
    src, ovr = write(tmp_path, TRANSFERS), tmp_path / "o.csv"
    ovr.write_text("kind,id\nforbid,NOPE\n")
    result = runner.invoke(app, ["transfers", str(src), "--overrides", str(ovr), "--json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    (err,) = data["errors"]
    assert (err["file"], err["line"], err["code"]) == (str(ovr), 2, "bad-override")
    assert "transfers" not in data


# -- --encoding ---------------------------------------------------------------------------------------------


RUSSIAN = LEDGER.replace("Börse", "Биржа")  # in cp1251 every byte is also a cp1252 letter: Áèðæà


def test_encoding_is_forced_on_every_reading_command(tmp_path: Path) -> None:
    # Not UTF-8, so detection falls back to cp1252 (with a warning) and reads the wallet as Áèðæà.
    src = write(tmp_path, RUSSIAN, "ledger.csv", "cp1251")
    detected = runner.invoke(app, ["detect", str(src)])
    assert "Áèðæà" in detected.stdout and "Биржа" not in detected.stdout
    forced = runner.invoke(app, ["detect", str(src), "--encoding", "cp1251"])
    assert forced.exit_code == 0, forced.output
    assert "taxlots generic ledger CSV,3,3" in forced.stdout and "Биржа" in forced.stdout
    assert "read every input as cp1251 (--encoding)" in forced.stderr and "is not UTF-8" not in forced.stderr
    assert "is not UTF-8 (byte 0xc1 on line 2); read it as Windows-1252" in detected.stderr  # detection says so
    lots = runner.invoke(app, ["lots", str(src), "--encoding", "cp1251"])
    assert lots.exit_code == 0, lots.output
    # FIFO: the sale takes the 2023 lot; the 2024 lot (3000 USD for 1 BTC) is left, in wallet Биржа
    assert [line.split(",")[1:7] for line in lots.stdout.splitlines()[1:]] == [["BTC", "Биржа", "1", "2024-01-10", "3000.00", "3000.00"]]
    out = tmp_path / "u.csv"
    imported = runner.invoke(app, ["import", str(src), "-o", str(out), "--encoding", "cp1251"])
    assert imported.exit_code == 0, imported.output
    assert out.read_text(encoding="utf-8").count("Биржа") == 3
    transfers = runner.invoke(app, ["transfers", str(src), "--encoding", "cp1251", "--json"])
    assert transfers.exit_code == 0, transfers.output
    assert json.loads(transfers.stdout)["problems"]["warnings"] == []  # forced: no fallback warning


def test_encoding_from_the_project_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, RUSSIAN, "ledger.csv", "cp1251")
    (tmp_path / "taxlots.toml").write_text('inputs = ["ledger.csv"]\nencoding = "cp1251"\n')
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["lots"])
    assert result.exit_code == 0, result.output
    assert "Биржа,1,2024-01-10" in result.stdout
    other = runner.invoke(app, ["lots", "--encoding", "cp1252"])  # the command line wins
    assert other.exit_code == 0, other.output
    assert "Áèðæà,1,2024-01-10" in other.stdout


def test_unknown_encoding_is_an_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["lots", str(write(tmp_path, LEDGER)), "--encoding", "no-such-codec"])
    assert result.exit_code == 1
    assert "unknown encoding 'no-such-codec'" in result.stderr


# -- lots files with the old FILE:LINE ids -----------------------------------------------------------------


def test_old_file_line_ids_resolve_to_the_rows_read_there(tmp_path: Path) -> None:
    src, lots = write(tmp_path, LEDGER), tmp_path / "lots.csv"
    # The sale (line 4) takes half of each buy: full path for one, the file name alone for the other.
    lots.write_text(f"disposal_id,lot_id,quantity\n{src}:4,{src}:2,0.5\nledger.csv:4,ledger.csv:3,0.5\n")
    result = runner.invoke(app, ["gains", str(src), "--method", "specific", "--lots", str(lots)])
    assert result.exit_code == 0, result.output
    # proceeds 70000 - 70 = 69930, half each: 34965.00. Basis: (1000 + 10) / 2 = 505.00 and 3000 / 2 = 1500.00.
    rows = [line.split(",") for line in result.stdout.splitlines()[1:]]
    assert [r[4:] for r in rows] == [
        ["0.5", "2023-01-10", "2024-07-01", "34965.00", "505.00", "34460.00", "long"],
        ["0.5", "2024-01-10", "2024-07-01", "34965.00", "1500.00", "33465.00", "short"],
    ]
    assert all(re.fullmatch(r"row-[0-9a-f]+-1", r[0]) and re.fullmatch(r"row-[0-9a-f]+-1", r[1]) for r in rows)
    assert rows[0][0] == rows[1][0] and rows[0][1] != rows[1][1]


def test_old_file_line_id_that_names_no_row_is_an_error_on_its_line(tmp_path: Path) -> None:
    src, lots = write(tmp_path, LEDGER), tmp_path / "lots.csv"
    lots.write_text(f"disposal_id,lot_id,quantity\n{src}:4,{src}:9,1\n")
    result = runner.invoke(app, ["gains", str(src), "--method", "specific", "--lots", str(lots)])
    assert result.exit_code == 1
    text = " ".join(result.stderr.split())
    assert f"{lots}:2: error[lot-selection] lot_id '{src}:9' names no row read from that file and line" in text
    assert "taxlots lots" in text and result.stdout == ""


# -- --transfer-window HOURS ---------------------------------------------------------------------------------


def test_transfer_window_takes_whole_or_decimal_hours() -> None:
    assert hours("48") == timedelta(hours=48)
    assert hours("5.5") == timedelta(hours=5, minutes=30)
    assert hours(2) == timedelta(hours=2)  # the project file's integer
    assert hours("0.0001") == timedelta(microseconds=360_000)
    for bad in ("-1", "two", "nan", "1e9"):
        with pytest.raises(typer.BadParameter):
            hours(bad)


def test_bad_transfer_window_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["transfers", str(write(tmp_path, TRANSFERS)), "--transfer-window", "soon"])
    assert result.exit_code == 2
    assert "'soon' is not a number of hours" in result.stderr


# -- help, progress, tables ----------------------------------------------------------------------------------

COMMANDS = ["detect", "import", "gains", "lots", "income", "init", "check", "transfers", "report", "compare", "prices fetch"]


@pytest.mark.parametrize("command", COMMANDS)
def test_help_shows_no_python_type_names(command: str) -> None:
    result = runner.invoke(app, [*command.split(), "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    for name in ("<list[", "<Path>", "<path>", "<str>", "<int", "<bool>", "<float>", "<text>"):
        assert name not in result.stdout, f"{command} --help shows {name}"
    assert "INPUT" in result.stdout or command in ("init", "prices fetch")


def _terminal() -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    return Console(file=buffer, force_terminal=True, width=80, highlight=False), buffer


def test_progress_names_each_file_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(render, "verbosity", 1)
    console, buffer = _terminal()
    with render.Steps(console).step("reading") as on_file:
        on_file(0, 2, "exports/kraken.csv")
        console.file.flush()
        on_file(1, 2, "exports/coinbase.csv")
        render.Steps(console)  # a second one is harmless
    shown = buffer.getvalue()
    assert "reading exports/coinbase.csv" in shown and "1/2" in shown


def test_progress_is_off_with_quiet_and_off_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    console, buffer = _terminal()
    monkeypatch.setattr(render, "verbosity", 0)
    with render.Steps(console).step("reading") as on_file:
        on_file(0, 1, "a.csv")
    assert buffer.getvalue() == ""
    monkeypatch.setattr(render, "verbosity", 1)
    plain = io.StringIO()
    with render.Steps(Console(file=plain, width=80)).step("reading") as on_file:  # a file, not a terminal
        on_file(0, 1, "a.csv")
    assert plain.getvalue() == ""


def test_quiet_run_prints_no_progress(tmp_path: Path) -> None:
    result = runner.invoke(app, ["--quiet", "lots", str(write(tmp_path, LEDGER))])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""


@pytest.mark.parametrize("where", ["before", "after"])
def test_quiet_and_verbose_work_before_or_after_the_command(tmp_path: Path, where: str) -> None:
    ledger = str(write(tmp_path, LEDGER))
    for flag, command in (("-q", "lots"), ("--quiet", "gains"), ("-q", "detect")):
        args = [flag, command, ledger] if where == "before" else [command, ledger, flag]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        assert result.stderr == "", args  # no notes, summary or progress
    args = ["-v", "gains", ledger] if where == "before" else ["gains", ledger, "-v"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert re.search(r"matching \d+ rows to lots: [\d.]+ s", result.stderr)  # -v: how long each step took
    assert "Realized gains" in result.stderr


def test_tables_fold_long_ids_rather_than_cut_them() -> None:
    console, buffer = _terminal()
    long_id = "row-" + "0123456789abcdef" * 4 + "-1"
    path = "exports/" + "very-long-folder-name/" * 3 + "kraken_ledgers_2024.csv"
    render.table("Lots", ("lot_id", "source", "qty"), [(long_id, path, "1")], console)
    lines = re.sub(r"\x1b\[[0-9;]*m", "", buffer.getvalue()).splitlines()
    assert all(len(line) <= 80 for line in lines)
    assert "…" not in "".join(lines)
    cells = [[c.strip() for c in line.split("│")[1:-1]] for line in lines if line.startswith("│")]
    assert "".join(c[0] for c in cells) == long_id
    assert "".join(c[1] for c in cells) == path


# -- errors outside a run are JSON too with --json -----------------------------------------------------------


def test_usage_error_with_json_is_an_errors_object(tmp_path: Path) -> None:
    result = runner.invoke(app, ["lots", str(write(tmp_path, LEDGER)), "--method", "specific", "--json"])
    assert result.exit_code == 2
    (err,) = json.loads(result.stdout)["errors"]
    assert (err["file"], err["line"], err["code"]) == (None, None, "bad-option")
    assert err["message"] == "--method specific needs --lots FILE (disposal_id,lot_id,quantity)"


def test_unwritable_output_with_json_is_an_errors_object(tmp_path: Path) -> None:
    out = tmp_path / "missing" / "out.csv"
    result = runner.invoke(app, ["import", str(write(tmp_path, LEDGER)), "-o", str(out), "--json"])
    assert result.exit_code == 1
    (err,) = json.loads(result.stdout)["errors"]
    assert (err["file"], err["code"]) == (str(out), "file-unwritable") and "does not exist" in err["message"]


def test_bad_project_file_with_json_is_an_errors_object(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "taxlots.toml").write_text('inputs = ["a.csv"]\nmethd = "fifo"\n')
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["transfers", "--json"])
    assert result.exit_code == 2
    (err,) = json.loads(result.stdout)["errors"]
    assert Path(err["file"]).name == "taxlots.toml" and (err["line"], err["code"]) == (2, "bad-option")


@pytest.mark.parametrize("command", [c for c in COMMANDS if c != "init"])
def test_every_command_that_reads_exports_takes_encoding(command: str) -> None:
    result = runner.invoke(app, [*command.split(), "--help"], env={"COLUMNS": "200"})
    assert "--encoding" in result.stdout


def test_old_file_line_ids_resolve_through_a_ledger_taxlots_wrote(tmp_path: Path) -> None:
    src, ledger, lots = write(tmp_path, LEDGER), tmp_path / "written.csv", tmp_path / "lots.csv"
    assert runner.invoke(app, ["import", str(src), "-o", str(ledger)]).exit_code == 0
    lots.write_text(f"disposal_id,lot_id,quantity\n{src}:4,{src}:3,1\n")  # the export's lines, not the ledger's
    result = runner.invoke(app, ["gains", str(ledger), "--method", "specific", "--lots", str(lots)])
    assert result.exit_code == 0, result.output
    # the sale takes the 2024 lot: basis 3000.00, proceeds 70000 - 70 = 69930.00, short term
    assert [line.split(",")[4:] for line in result.stdout.splitlines()[1:]] == [
        ["1", "2024-01-10", "2024-07-01", "69930.00", "3000.00", "66930.00", "short"]
    ]


def test_detect_formats_json_without_inputs() -> None:
    result = runner.invoke(app, ["detect", "--formats", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    from taxlots.importers import IMPORTERS

    assert data["files"] == [] and len(data["formats"]) == sum(len(imp.SIGNATURES) for imp in IMPORTERS)
    generic = next(f for f in data["formats"] if f["name"] == "generic")
    assert generic["signature"] == HEADER.strip().split(",")
