"""The project file: found in a parent folder, options from it, the command line winning, and every error."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from taxlots import project
from taxlots.cli import app
from taxlots.lots.methods import Method

runner = CliRunner()
YEAR = Path(__file__).resolve().parent.parent / "samples" / "year-2024"


@pytest.fixture
def year(tmp_path: Path) -> Iterator[Path]:
    """A copy of the sample year folder, as the current folder."""
    folder = tmp_path / "year"
    shutil.copytree(YEAR, folder, ignore=shutil.ignore_patterns("out"))
    here = Path.cwd()
    os.chdir(folder)
    yield folder
    os.chdir(here)


def test_init_writes_a_file_that_loads_and_never_overwrites(tmp_path: Path) -> None:
    here = Path.cwd()
    os.chdir(tmp_path)
    try:
        first = runner.invoke(app, ["init"])
        assert first.exit_code == 0, first.output
        loaded = project.load(tmp_path / "taxlots.toml")
        assert loaded.values["method"] == "fifo" and loaded.values["scope"] == "per-wallet-from-2025"
        (tmp_path / "taxlots.toml").write_text("# mine\n")
        again = runner.invoke(app, ["init"])
        assert again.exit_code == 1
        assert "already exists" in again.stderr
        assert (tmp_path / "taxlots.toml").read_text() == "# mine\n"
    finally:
        os.chdir(here)


def test_commands_read_the_project_and_options_win(year: Path) -> None:
    (year / "sub").mkdir()
    os.chdir(year / "sub")  # found in a parent folder
    result = runner.invoke(app, ["gains"])
    assert result.exit_code == 0, result.output
    assert "Realized gains 2024 (fifo, universal)" in result.stderr
    hifo = runner.invoke(app, ["gains", "--method", "hifo"])
    assert "(hifo, universal)" in hifo.stderr


def test_standing_orders_from_the_project_govern_and_are_named(year: Path) -> None:
    text = (year / "taxlots.toml").read_text()
    (year / "taxlots.toml").write_text(text + '\n[[standing_orders]]\nmethod = "hifo"\nfrom = 2024-06-01\nwallet = "Kraken"\n')
    loaded = project.load(year / "taxlots.toml")
    assert [(o.method, o.effective.isoformat(), o.wallet) for o in loaded.standing_orders] == [(Method.HIFO, "2024-06-01", "Kraken")]
    result = runner.invoke(app, ["gains", "--explain"])
    assert result.exit_code == 0, result.output
    said = {line.split(",")[0]: line.rsplit(",", 1)[1] for line in result.stdout.splitlines()[1:]}
    assert said["kraken:TQ7PX2-4LM8K-ZB3WQA"] == "FIFO default"  # 2024-04-02: before the order's date
    assert said["kraken:TR8QY3-5MN9L-AC4XRB"] == "standing order hifo from 2024-06-01 at Kraken"
    assert said["coinbase:67378c9daebfc0d1e2f3a407"] == "FIFO default"  # another wallet


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ('inputs = ["a.csv"]\nmethd = "fifo"\n', "'methd': not a key taxlots knows here", 2),
        ('[transfers]\n\nwindow_hours = "two"\n', "'transfers.window_hours': must be a number written as a string or an integer", 3),
        ("[transfers]\ntolerance_percent = 0.5\n", "'transfers.tolerance_percent': must be a number written as a string", 2),
        ('scope = "pooled"\n', "'scope': must be one of universal, per-wallet, per-wallet-from-2025", 1),
        ('[brokers]\nCoinbase = "yes"\n', "'brokers.Coinbase': must be basis-reported, proceeds-only or none", 2),
        ('[[standing_orders]]\nmethod = "avg"\nfrom = 2025-01-01\n', "a standing order needs method = fifo|lifo|hifo", 1),
        ("method = \n", "not valid TOML", 1),
    ],
)
def test_a_wrong_key_or_value_names_the_key_file_and_line(tmp_path: Path, text: str, message: str, line: int) -> None:
    path = tmp_path / "taxlots.toml"
    path.write_text(text)
    with pytest.raises(project.ProjectError) as caught:
        project.load(path)
    (diag,) = caught.value.diagnostics
    assert message in diag.message
    assert diag.source is not None and (diag.source.file, diag.source.line) == (str(path), line)


def test_a_bad_project_file_stops_every_command_with_status_2(tmp_path: Path) -> None:
    path = tmp_path / "taxlots.toml"
    path.write_text('methd = "fifo"\n')
    result = runner.invoke(app, ["gains", "--config", str(path)])
    assert result.exit_code == 2
    assert f"{path}:1: error[bad-option] 'methd': not a key taxlots knows here" in result.stderr


def test_without_inputs_or_project_it_is_a_usage_error(tmp_path: Path) -> None:
    here = Path.cwd()
    os.chdir(tmp_path)
    try:
        result = runner.invoke(app, ["gains"])
    finally:
        os.chdir(here)
    assert result.exit_code == 2
    assert "needs INPUT files" in result.output


def test_check_lists_problems_and_writes_nothing(year: Path) -> None:
    before = sorted(p.name for p in year.rglob("*"))
    ok = runner.invoke(app, ["check"])
    assert ok.exit_code == 0, ok.output
    assert "0 error(s)" in ok.stderr and "ready" in ok.stderr
    bad = runner.invoke(app, ["check", "--json", "--prices", str(year / "exports" / "coinbase.csv")])
    assert bad.exit_code == 1
    assert '"errors": [' in bad.stdout and '"version": 1' in bad.stdout
    assert sorted(p.name for p in year.rglob("*")) == before
