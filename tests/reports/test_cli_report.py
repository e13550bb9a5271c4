"""``taxlots report`` end to end on the bundled sample: files, JSON, errors, and byte-identical reruns."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import typer
from typer.testing import CliRunner

from taxlots.cli.commands.report import report

app = typer.Typer()
app.command("report")(report)
app.command("noop")(lambda: None)  # a second command keeps "report" as a subcommand name
runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]
SAMPLE = str(ROOT / "samples" / "ledger_2024.csv")


def test_report_writes_the_directory_and_json(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["report", SAMPLE, "--year", "2024", "--out", str(out), "--broker", "Kraken=proceeds-only", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert set(doc["files"]) == {p.name for p in out.iterdir()}
    assert [b["box"] for b in doc["boxes"]] == ["B", "C", "E", "F"]  # Kraken's rows B/E, Coinbase's C/F (2024 boxes)
    # The same total as `taxlots gains --year 2024` on the sample (short 14492.93 + long 32679.32).
    assert doc["schedule_d"]["16"] == "47172.25"
    assert "Schedule D line 7" in result.stderr


def test_bad_broker_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["report", SAMPLE, "--year", "2024", "--out", str(tmp_path / "o"), "--broker", "Kraken=maybe"])
    assert result.exit_code == 2
    assert "WALLET=basis-reported" in result.stderr
    assert not (tmp_path / "o").exists()


def test_input_errors_write_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "timestamp,wallet,type,sent_asset,sent_qty,received_asset,received_qty,fee_asset,fee_qty,usd_value,to_wallet,id,note\n"
        "2024-01-01T00:00:00Z,K,trade,USD,oops,BTC,1,,,,,X1,\n"
    )
    result = runner.invoke(app, ["report", str(bad), "--year", "2024", "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert "bad.csv:2" in result.stderr
    assert not (tmp_path / "o").exists()


def _run_in_process(out: Path, env: dict[str, str]) -> dict[str, str]:
    code = (
        "import sys, typer; from taxlots.cli.commands.report import report; app = typer.Typer(); "
        "app.command('report')(report); app.command('noop')(lambda: None); app(sys.argv[1:])"
    )
    args = ["report", SAMPLE, "--year", "2024", "--out", str(out), "--json", "--statement", "--broker", "Kraken=basis-reported"]
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, check=True, env={**os.environ, **env})
    hashes = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.iterdir())}
    hashes["stdout"] = hashlib.sha256(done.stdout.replace(str(out).encode(), b"OUT")).hexdigest()
    return hashes


def test_two_runs_in_separate_processes_give_identical_bytes(tmp_path: Path) -> None:
    """Every file byte for byte, whatever the hash seed and the machine's zone (no clock, no random id)."""
    first = _run_in_process(tmp_path / "a", {"PYTHONHASHSEED": "1", "TZ": "UTC"})
    second = _run_in_process(tmp_path / "b", {"PYTHONHASHSEED": "4242", "TZ": "Pacific/Kiritimati"})
    assert {"form8949.csv", "form8949.pdf", "form8949-statement.pdf", "schedule_d.pdf", "taxlots.txf", "taxlots-2024.xlsx"} <= set(first)
    assert first == second


def test_a_rerun_with_fewer_turbotax_files_removes_the_old_extra_ones(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out).mkdir()
    (out / "mine.txt").write_text("kept")
    first = runner.invoke(app, ["report", SAMPLE, "--year", "2024", "--out", str(out), "--turbotax-rows", "5"])
    assert first.exit_code == 0, first.output
    assert {p.name for p in out.glob("turbotax-gains-*.csv")} == {f"turbotax-gains-{i}.csv" for i in (1, 2, 3, 4)}  # 18 rows
    again = runner.invoke(app, ["report", SAMPLE, "--year", "2024", "--out", str(out)])
    assert again.exit_code == 0, again.output
    assert sorted(p.name for p in out.glob("turbotax-gains-*.csv")) == ["turbotax-gains-1.csv"]
    assert (out / "mine.txt").read_text() == "kept"
