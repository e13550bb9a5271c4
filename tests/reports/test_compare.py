"""Methods compared: hand-computed totals for FIFO, LIFO and HIFO, universal and per wallet."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from taxlots.cli import app as cli_app
from taxlots.cli.commands.compare import compare
from taxlots.lots.engine import Config, match
from taxlots.lots.methods import Method
from taxlots.lots.pool import Scope
from taxlots.reports import compare as cmp
from taxlots.reports import frames
from taxlots.testing import ledger

TEXT = """
    2024-01-05 A trade 100 USD -> 1 BTC id L1
    2025-01-10 A trade 300 USD -> 1 BTC id L2
    2025-01-20 B trade 200 USD -> 1 BTC id L3
    2025-06-01 A trade 1 BTC -> 250 USD id S
"""


def _outcome(method: Method, scope: Scope) -> cmp.Outcome:
    result = match(ledger(TEXT), Config(method=method, scope=scope))
    return cmp.outcome(str(method), str(scope), frames.slices(result.disposals, 2025))


def test_each_method_picks_its_lot() -> None:
    # FIFO: L1 (100, held > 1 year: long) -> long gain 150. LIFO universal: L3 (200, short) -> short 50.
    # LIFO per wallet (A only): L2 (300) -> short (50). HIFO: L2 (300) in both scopes -> short (50).
    got = {
        (o.method, o.scope): (o.short_gain, o.long_gain)
        for o in [_outcome(m, s) for m in Method if m != Method.SPECIFIC for s in (Scope.UNIVERSAL, Scope.PER_WALLET)]
    }
    assert got == {
        ("fifo", "universal"): (0, 15000),
        ("fifo", "per-wallet"): (0, 15000),
        ("lifo", "universal"): (5000, 0),
        ("lifo", "per-wallet"): (-5000, 0),
        ("hifo", "universal"): (-5000, 0),
        ("hifo", "per-wallet"): (-5000, 0),
    }


def test_cli_json_says_the_method_must_be_chosen_before(tmp_path: Path) -> None:
    src = tmp_path / "l.csv"
    src.write_text(
        "timestamp,wallet,type,sent_asset,sent_qty,received_asset,received_qty,fee_asset,fee_qty,usd_value,to_wallet,id,note\n"
        "2024-01-05T00:00:00Z,A,trade,USD,100,BTC,1,,,,,L1,\n"
        "2025-01-10T00:00:00Z,A,trade,USD,300,BTC,1,,,,,L2,\n"
        "2025-06-01T00:00:00Z,A,trade,BTC,1,USD,250,,,,,S,\n"
    )
    app = typer.Typer()
    app.command("compare")(compare)
    app.command("noop")(lambda: None)
    result = CliRunner().invoke(app, ["compare", str(src), "--year", "2025", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert "before the sales" in doc["note"]
    rows = {(m["method"], m["scope"]): m for m in doc["methods"]}
    assert len(rows) == 6
    # FIFO: L1 (100) -> 150.00 long. HIFO and LIFO: L2 (300) -> (50.00) short.
    assert (rows[("fifo", "universal")]["long_term_gain"], rows[("hifo", "per-wallet")]["short_term_gain"]) == ("150.00", "-50.00")
    assert "standing order" in result.stderr


def test_a_problem_of_a_later_run_is_shown_with_its_method(tmp_path: Path) -> None:
    src = tmp_path / "l.csv"
    src.write_text(  # B sells a coin only A holds: fine in a universal pool, a shortfall per wallet
        "timestamp,wallet,type,sent_asset,sent_qty,received_asset,received_qty,fee_asset,fee_qty,usd_value,to_wallet,id,note\n"
        "2025-01-05T00:00:00Z,A,trade,USD,100,BTC,1,,,,,L1,\n"
        "2025-06-01T00:00:00Z,B,trade,BTC,1,USD,250,,,,,S,\n"
    )
    app = typer.Typer()
    app.command("compare")(compare)
    app.command("noop")(lambda: None)
    result = CliRunner().invoke(app, ["compare", str(src), "--year", "2025"])
    assert result.exit_code == 1
    assert "with --method fifo --scope per-wallet:" in result.stderr
    assert "shortfall" in result.stderr


def test_standing_orders_of_the_project_do_not_make_every_method_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With a standing order in taxlots.toml, each run still uses its own method (FIFO and LIFO differ on the sample)."""
    folder = tmp_path / "year"
    shutil.copytree(Path(__file__).resolve().parents[2] / "samples" / "year-2024", folder, ignore=shutil.ignore_patterns("out"))
    with (folder / "taxlots.toml").open("a", encoding="utf-8") as fh:
        fh.write('\n[[standing_orders]]\nmethod = "hifo"\nfrom = 2024-01-01\n')
    monkeypatch.chdir(folder)
    result = CliRunner().invoke(cli_app, ["compare", "--json"])
    assert result.exit_code == 0, result.output
    short = {(m["method"], m["scope"]): m["short_term_gain"] for m in json.loads(result.stdout)["methods"]}
    assert short[("fifo", "universal")] == "2532.14"  # tests/test_sample_year.py, by hand
    assert short[("lifo", "universal")] != short[("fifo", "universal")]
    assert "set aside" in result.stderr


def test_the_table_shows_every_amount_whole_in_80_columns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "year"
    shutil.copytree(Path(__file__).resolve().parents[2] / "samples" / "year-2024", folder, ignore=shutil.ignore_patterns("out"))
    monkeypatch.chdir(folder)
    result = CliRunner().invoke(cli_app, ["compare"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert "32905.77" in result.stdout and "19347.83" in result.stdout and "…" not in result.stdout.split("Note:")[0]
    assert "chosen before the sales" in result.stdout
