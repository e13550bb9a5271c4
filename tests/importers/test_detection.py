"""Every sample export is recognized by exactly one importer: its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from taxlots import ingest, inputs
from taxlots.importers import IMPORTERS, matches

ROOT = Path(__file__).resolve().parent.parent.parent
EXPECTED = {
    "ledger_2024.csv": "generic",
    "coinbase_2024.csv": "coinbase",
    "coinbase_pro_fills_2024.csv": "coinbase-pro-fills",
    "coinbase_pro_account_2021.csv": "coinbase-pro-account",
    "coinbase_transactions_2018.csv": "coinbase-transactions",
    "coinbase_transfers_2018.csv": "coinbase-transfers",
    "koinly_ledger_nano_2024.csv": "koinly",
    "cointracker_2024.csv": "cointracker",
    "coinledger_2024.csv": "coinledger",
    "kraken_ledgers_2024.csv": "kraken-ledgers",
    "kraken_trades_2024.csv": "kraken-trades",
    "binance_trades_2024.csv": "binance-trades",
    "binance_statement_2024.csv": "binance-statement",
    "binance_orders_2024.csv": "binance-orders",
    "gemini_2024.csv": "gemini",
    "bitstamp_2024.csv": "bitstamp",
    "bitfinex_trades_2024.csv": "bitfinex-trades",
    "bitfinex_ledgers_2024.csv": "bitfinex-ledgers",
    "kucoin_trades_2024.csv": "kucoin-trades",
    "okx_trades_2024.csv": "okx-trades",
    "okx_funding_2024.csv": "okx-funding",
    "bybit_spot_2024.csv": "bybit-spot",
    "bybit_uta_2024.csv": "bybit-uta",
    "bybit_funding_2024.csv": "bybit-funding",
    "cryptocom_app_2024.csv": "cryptocom-app",
    "cryptocom_exchange_2024.csv": "cryptocom-exchange",
    "gateio_2024.csv": "gateio",
    "poloniex_trades_2024.csv": "poloniex-trades",
    "poloniex_transfers_2024.csv": "poloniex-transfers",
    "bittrex_trades_2024.csv": "bittrex-trades",
    "bittrex_transfers_2024.csv": "bittrex-transfers",
    "nexo_2024.csv": "nexo",
    "blockfi_2024.csv": "blockfi",
    "blockfi_trades_2024.csv": "blockfi-trades",
    "etherscan_2024.csv": "etherscan",
    "etherscan_internal_2024.csv": "etherscan",
    "etherscan_tokens_2024.csv": "etherscan",
    "uphold_2024.csv": "uphold",
    "bitpanda_2024.csv": "bitpanda",
    "strike_2024.csv": "strike",
    "strike_monthly_2024.csv": "strike-monthly",
    "cashapp_2024.csv": "cashapp",
    "robinhood_gains_2024.csv": "robinhood",
    "cointracking_2024.csv": "cointracking",
    "coinledger_export_2024.csv": "coinledger-export",
}
REGISTERED = {imp.NAME for imp in IMPORTERS}
SAMPLES = sorted((ROOT / "samples").glob("*.csv"))
CASES = SAMPLES


def test_every_sample_is_listed() -> None:
    assert sorted(p.name for p in SAMPLES) == sorted(EXPECTED)


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.name)
def test_sample_is_claimed_by_exactly_its_importer(path: Path, tmp_path: Path) -> None:
    source, problems = inputs.prepare(str(path), tmp_path, 0)  # Gate.io's UTF-16 is read as UTF-8 text first
    assert source is not None and [d.severity for d in problems if d.severity != "info"] == []
    sniffed, problem = ingest.sniff(source.path, name=source.name)
    assert problem is None, problem.render() if problem else ""
    assert sniffed is not None
    assert sniffed.importer.NAME == EXPECTED[path.name]
    assert [imp.NAME for imp in IMPORTERS if matches(imp, sniffed.header)] == [EXPECTED[path.name]]


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.name)
def test_sample_imports_without_errors(path: Path) -> None:
    ledger = ingest.load([str(path)])
    assert [d.render() for d in ledger.diagnostics if d.severity == "error"] == []
    assert ledger.frame.height > 0


def test_all_samples_together() -> None:
    ledger = ingest.load([str(p) for p in SAMPLES])
    assert [d.render() for d in ledger.diagnostics if d.severity == "error"] == []
    assert sum(r.kept for r in ledger.files) == ledger.frame.height


def test_all_samples_together_drop_only_the_designed_duplicates() -> None:
    # Exports that describe the same events (Kraken trades vs ledgers, Binance statement vs Trade History,
    # Coinbase Transactions vs Transfers) drop their copies; no other sample may share an id by accident.
    ledger = ingest.load([str(p) for p in SAMPLES])
    dropped = {Path(r.path).name: r.duplicates for r in ledger.files if r.duplicates}
    assert dropped == {"binance_statement_2024.csv": 15, "kraken_trades_2024.csv": 8, "coinbase_transactions_2018.csv": 2}


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.name)
def test_a_header_missing_one_column_is_never_taken_for_another_format(path: Path, tmp_path: Path) -> None:
    """Drop each signature column of the sample's header in turn: the file is then unknown, or a near miss of
    its own format, never "looks like" another one (a Bitfinex ledger is not a Koinly template)."""
    source, _ = inputs.prepare(str(path), tmp_path, 0)
    assert source is not None
    sniffed, _ = ingest.sniff(source.path, name=source.name)
    assert sniffed is not None
    own = sniffed.importer
    signature = next(sig for sig in own.SIGNATURES if set(sig) <= set(sniffed.header))
    titles = {imp.TITLE for imp in IMPORTERS}
    for column in signature:
        cells = [raw for raw, norm in zip(sniffed.raw_header, sniffed.header, strict=True) if norm != column]
        cut = tmp_path / "cut.csv"
        cut.write_text(sniffed.separator.join(cells) + "\n", encoding="utf-8")
        found, problem = ingest.sniff(str(cut))
        if found is not None:
            assert found.importer is own, f"without {column!r}: claimed by {found.importer.NAME}"
            continue
        named = [t for t in titles if problem is not None and f"looks like {t} but" in problem.message]
        assert named in ([], [own.TITLE]), f"without {column!r}: {problem.message if problem else ''}"


def test_a_ledger_of_common_words_is_named_only_with_its_own_evidence(tmp_path: Path) -> None:
    """Bitfinex's ledger has no column of its own (currency, description, amount, balance, date are common
    words): lacking one, it is named when it has its '#' or 'Wallet' column, and a bank file is not."""
    cases = {
        "#,DESCRIPTION,CURRENCY,AMOUNT,BALANCE,WALLET": "header looks like Bitfinex ledgers report CSV but lacks column(s): date",
        "Description,Currency,Amount,Date,Wallet": "header looks like Bitfinex ledgers report CSV but lacks column(s): balance",
        "Date,Amount,Currency,Description": "not a format taxlots knows; first line: 'Date,Amount,Currency,Description'",
        "#,Currency,Amount,Date": "not a format taxlots knows; first line: '#,Currency,Amount,Date'",  # two lacking
    }
    for header, message in cases.items():
        path = tmp_path / "f.csv"
        path.write_text(header + "\n", encoding="utf-8")
        found, problem = ingest.sniff(str(path))
        assert found is None and problem is not None and problem.message == message, header
