"""``taxlots detect --formats``: every known format, without any input file."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

from taxlots.cli import app
from taxlots.importers import IMPORTERS

runner = CliRunner()


def test_formats_lists_every_importer_and_signature_without_inputs() -> None:
    result = runner.invoke(app, ["detect", "--formats"])
    assert result.exit_code == 0, result.output
    table = list(csv.reader(io.StringIO(result.stdout)))
    assert table[0] == ["name", "title", "signature"]
    # Written out for two importers, by hand from their modules, so a wrong join or a missing variant shows.
    ledger = "timestamp,wallet,type,sent_asset,sent_qty,received_asset,received_qty,fee_asset,fee_qty,usd_value,to_wallet,id,note"
    assert ["generic", "taxlots generic ledger CSV", ledger] in table[1:]
    kraken_trades = [r for r in table[1:] if r[0] == "kraken-trades"]
    assert len(kraken_trades) == 4  # four header variants
    assert kraken_trades[0] == ["kraken-trades", "Kraken trades.csv", "txid,ordertxid,pair,time,type,ordertype,price,cost,fee,vol,ledgers"]
    # One row per header variant of every importer, nothing more.
    assert len(table) - 1 == sum(len(imp.SIGNATURES) for imp in IMPORTERS)
    assert {r[0] for r in table[1:]} == {imp.NAME for imp in IMPORTERS}


def test_formats_with_inputs_lists_formats_then_detects(tmp_path: Path) -> None:
    src = tmp_path / "l.csv"
    header = "timestamp,wallet,type,sent_asset,sent_qty,received_asset,received_qty,fee_asset,fee_qty,usd_value,to_wallet,id,note"
    src.write_text(f"{header}\n2024-01-02,W,deposit,,,BTC,1,,,,,,\n")
    result = runner.invoke(app, ["detect", "--formats", str(src)])
    assert result.exit_code == 0, result.output
    assert "name,title,signature" in result.stdout
    assert f"{src},taxlots generic ledger CSV,1,1" in result.stdout


def test_detect_without_inputs_or_formats_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no taxlots.toml here or above: nothing names the inputs
    result = runner.invoke(app, ["detect"])
    assert result.exit_code == 2
    assert "needs INPUT files" in result.stderr
    assert "Detected exports" not in result.stdout and result.stdout == ""
