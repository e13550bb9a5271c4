"""Every sample export is recognized by exactly one importer: its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from taxlots import ingest
from taxlots.importers import IMPORTERS, matches

ROOT = Path(__file__).resolve().parent.parent.parent
EXPECTED = {
    "ledger_2024.csv": "generic",
    "coinbase_2024.csv": "coinbase",
    "coinbase_pro_fills_2024.csv": "coinbase-pro-fills",
    "koinly_ledger_nano_2024.csv": "koinly",
    "cointracker_2024.csv": "cointracker",
    "coinledger_2024.csv": "coinledger",
    "kraken_ledgers_2024.csv": "kraken-ledgers",
    "kraken_trades_2024.csv": "kraken-trades",
    "binance_trades_2024.csv": "binance-trades",
    "binance_statement_2024.csv": "binance-statement",
    "gemini_2024.csv": "gemini",
    "bitstamp_2024.csv": "bitstamp",
    "bitfinex_trades_2024.csv": "bitfinex-trades",
    "kucoin_trades_2024.csv": "kucoin-trades",
    "etherscan_2024.csv": "etherscan",
    "etherscan_internal_2024.csv": "etherscan",
    "etherscan_tokens_2024.csv": "etherscan",
    "uphold_2024.csv": "uphold",
    "bitpanda_2024.csv": "bitpanda",
    "strike_2024.csv": "strike",
    "strike_monthly_2024.csv": "strike-monthly",
    "cashapp_2024.csv": "cashapp",
    "cointracking_2024.csv": "cointracking",
    "coinledger_export_2024.csv": "coinledger-export",
}
REGISTERED = {imp.NAME for imp in IMPORTERS}
SAMPLES = sorted((ROOT / "samples").glob("*.csv"))


def test_every_sample_is_listed() -> None:
    assert sorted(p.name for p in SAMPLES) == sorted(EXPECTED)


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_sample_is_claimed_by_exactly_its_importer(path: Path) -> None:
    sniffed, problem = ingest.sniff(str(path))
    assert problem is None, problem.render() if problem else ""
    assert sniffed is not None
    assert sniffed.importer.NAME == EXPECTED[path.name]
    assert [imp.NAME for imp in IMPORTERS if matches(imp, sniffed.header)] == [EXPECTED[path.name]]


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_sample_imports_without_errors(path: Path) -> None:
    ledger = ingest.load([str(path)])
    assert [d.render() for d in ledger.diagnostics if d.severity == "error"] == []
    assert ledger.frame.height > 0


def test_all_samples_together() -> None:
    ledger = ingest.load([str(p) for p in SAMPLES])
    assert [d.render() for d in ledger.diagnostics if d.severity == "error"] == []
    assert sum(r.kept for r in ledger.files) == ledger.frame.height
