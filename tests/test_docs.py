"""The documentation stays true: docs/cli.md is the CLI's own help, and the README names every command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from taxlots.cli import app

ROOT = Path(__file__).resolve().parent.parent


def test_cli_reference_is_current(tmp_path: Path) -> None:
    out = tmp_path / "cli.md"
    command = [sys.executable, "-m", "typer", "taxlots.cli", "utils", "docs", "--name", "taxlots", "--output"]
    subprocess.run([*command, str(out)], check=True, cwd=ROOT)
    regenerate = "regenerate it: python -m typer taxlots.cli utils docs --name taxlots --output docs/cli.md"
    assert (ROOT / "docs" / "cli.md").read_text() == out.read_text(), regenerate


def test_readme_names_every_command_and_the_ledger_header() -> None:
    readme = (ROOT / "README.md").read_text()
    for command in app.registered_commands:
        assert f"taxlots {command.name}" in readme
    assert "timestamp,wallet,type,sent_asset,sent_qty,received_asset,received_qty,fee_asset,fee_qty,usd_value,to_wallet,id,note" in readme


def test_every_command_has_help_text() -> None:
    assert all(command.callback is not None and command.callback.__doc__ for command in app.registered_commands)


def test_readme_library_example_runs(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    readme = (ROOT / "README.md").read_text()
    code = readme.split("## Library", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(ROOT)
    exec(compile(code, "README.md", "exec"), {})
    assert capsys.readouterr().out.splitlines()[0].startswith("kr-0101 ")  # the sample's first disposal
