"""Binance Order History with nested fill rows: fills are the trades, order rows counted skips."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from taxlots import ingest
from taxlots.importers import IMPORTERS, binance_orders, binance_trades
from tests.importers._ledger import rows, ts

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "binance_orders_2024.csv"
PROBLEMS = Path(__file__).resolve().parent / "samples" / "binance" / "orders_orderno_problems.csv"


def load(*paths: Path) -> ingest.Ledger:
    return ingest.load([str(p) for p in paths], importers=(binance_orders, binance_trades))


def errors(ledger: ingest.Ledger) -> list[tuple[int, str]]:
    return sorted((d.source.line, d.message) for d in ledger.diagnostics if d.severity == "error" and d.source)


def test_sample_rows() -> None:
    ledger = load(SAMPLE)
    assert errors(ledger) == []
    assert rows(ledger) == [
        # two fills of one SELL in one second are one trade: 0.2 + 0.3 = 0.5 ETH for 600 + 900.15 = 1500.15 USDT,
        # fees 0.6 + 0.90015 = 1.50015 USDT (the received asset)
        (7, ts(2024, 5, 8, 18, 51, 31), "trade", "ETH", D("0.5"), "USDT", D("1500.15"), "USDT", D("1.50015"),
         "binance:2024-05-08T18:51:31Z:ETH:USDT:0.5:1500.15", "SELL ETHUSDT (order history)"),
        # the fill's time (06:03:14), not the order's (06:02:54); BUY sends the quote Total, receives Filled
        (4, ts(2024, 5, 12, 6, 3, 14), "trade", "USDT", D("39.99306"), "CAKE", D("22.38"), "BNB", D("0.00009936"),
         "binance:2024-05-12T06:03:14Z:USDT:CAKE:39.99306:22.38", "BUY CAKEUSDT (order history)"),
    ]  # fmt: skip
    assert ledger.files[0].skipped == {
        "fill sub-header line": 2,
        "order summary, status 'Filled' (its fills are read from the rows under it)": 2,
        "order summary, status 'Canceled' (its fills are read from the rows under it)": 1,
    }


def test_unpadded_fill_rows_read_like_padded_ones(tmp_path: Path) -> None:
    """Fill rows saved without the trailing ``;;;`` (six fields under a nine-field header) are the same
    trades; a row of five fields is still too short (an error naming it), one of ten too long."""
    text = SAMPLE.read_text().replace(";;;\n", "\n")
    assert ";;;" not in text
    unpadded = tmp_path / "orders.csv"
    unpadded.write_text(text)
    ledger = load(unpadded)
    assert errors(ledger) == []
    assert [r[1:] for r in rows(ledger)] == [r[1:] for r in rows(load(SAMPLE))]
    short = tmp_path / "short.csv"
    short.write_text(text + ";2024-05-13 01:00:00;1;2;3\n;2024-05-13 01:00:00;1;2;3;4BNB;;;;;\n")
    assert errors(load(short)) == [(10, "row has 5 fields, the header has 9"), (11, "row has 11 fields, the header has 9")]


def test_order_numbers_digit_tickers_and_problems() -> None:
    ledger = load(PROBLEMS)
    assert errors(ledger) == [
        (4, "Fee '0.03 1INCH' is not a number followed by its asset (0.00009936BNB)"),
        (6, "order (SELL AVAXUSDT, status 'Filled') has a filled quantity but no fill rows under it"),
    ]
    assert rows(ledger) == [
        # "0.02001INCH" is 0.02 of the base 1INCH, not 0.02001 of "INCH"
        (5, ts(2023, 5, 8, 18, 45, 40), "trade", "USDT", D("8"), "1INCH", D("20"), "1INCH", D("0.02"),
         "binance:2023-05-08T18:45:40Z:USDT:1INCH:8:20", "BUY 1INCHUSDT (order history)"),
        (9, ts(2023, 5, 10, 9, 0, 1), "trade", "USDT", D("15"), "AVAX", D("1"), "BNB", D("0.00004691"),
         "binance:2023-05-10T09:00:01Z:USDT:AVAX:15:1", "BUY AVAXUSDT (order history)"),
    ]  # fmt: skip


def test_with_the_trade_history_each_fill_counts_once(tmp_path: Path) -> None:
    history = tmp_path / "trades.csv"
    history.write_text(
        "Date(UTC),Pair,Side,Price,Executed,Amount,Fee\n2024-05-12 06:03:14,CAKEUSDT,BUY,1.787,22.38CAKE,39.99306USDT,0.00009936BNB\n",
        encoding="utf-8",
    )
    ledger = load(SAMPLE, history)
    assert errors(ledger) == []
    cake = ledger.frame.filter(ledger.frame["received_asset"] == "CAKE")
    assert cake.height == 1 and cake["importer"].to_list() == ["binance-trades"]


@pytest.mark.parametrize("path", [SAMPLE, PROBLEMS], ids=lambda p: p.name)
def test_claimed_by_this_importer_only(path: Path) -> None:
    sniffed, problem = ingest.sniff(str(path), IMPORTERS)
    assert problem is None and sniffed is not None and sniffed.importer is binance_orders
