"""Bitfinex trades report: the sample, the header without FEE PERC, and the inferred date order."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal as D
from pathlib import Path

import pytest

from taxlots import ingest
from taxlots.importers import bitfinex, bitstamp, gemini, generic, kucoin
from taxlots.model.diagnostics import Code

HERE = Path(__file__).resolve().parent / "samples" / "bitfinex"
SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "bitfinex_trades_2024.csv"
ALL = (generic, gemini, bitstamp, bitfinex, kucoin)
HEADER = "#,PAIR,AMOUNT,PRICE,FEE,FEE PERC,FEE CURRENCY,DATE,ORDER ID\n"


def load(path: Path, **kw: str) -> ingest.Ledger:
    return ingest.load([str(path)], importers=(bitfinex,), **kw)


def rows(ledger: ingest.Ledger) -> list[tuple[object, ...]]:
    return [
        (r.source.line, r.timestamp, r.kind.value, r.sent_asset, r.sent_qty, r.received_asset, r.received_qty, r.fee_asset, r.fee_qty, r.id)
        for r in ledger.rows()
    ]


def ts(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_sample_rows() -> None:
    ledger = load(SAMPLE)
    assert rows(ledger) == [
        (11, ts(2023, 12, 20, 14, 5, 31), "trade", "USD", D("8430"), "BTC", D("0.2"), "BTC", D("0.0004"), "bitfinex:1524471865"),
        # UST is Bitfinex's code for Tether: USDT; the fee is in the received currency.
        (10, ts(2024, 1, 5, 16, 52, 38), "trade", "BTC", D("0.05"), "USDT", D("2206.025"), "USDT", D("4.41205"), "bitfinex:1530058243"),
        # Two fills of one order stay two rows, each with its own #.
        (9, ts(2024, 1, 12, 10, 5, 11), "trade", "USD", D("3269.25"), "ETH", D("1.25"), "ETH", D("0.0025"), "bitfinex:1533486390"),
        (8, ts(2024, 1, 12, 10, 5, 12), "trade", "USD", D("1961.625"), "ETH", D("0.75"), "ETH", D("0.0015"), "bitfinex:1533486511"),
        (7, ts(2024, 2, 2, 15, 47, 26), "trade", "USD", D("2943.6"), "SOL", D("30"), "SOL", D("0.06"), "bitfinex:1539904122"),
        (6, ts(2024, 2, 9, 21, 18, 9), "trade", "SOL", D("29.94"), "USD", D("3288.909"), "USD", D("6.577818"), "bitfinex:1541772095"),
        (5, ts(2024, 2, 20, 6, 33, 17), "trade", "ETH", D("1"), "BTC", D("0.05452"), "BTC", D("0.00010904"), "bitfinex:1545018826"),
        (4, ts(2024, 3, 7, 12, 0, 41), "trade", "USD", D("2500.5"), "USDC", D("2500"), "USDC", D("2.5"), "bitfinex:1549920318"),
        (3, ts(2024, 3, 22, 19, 40, 3), "trade", "ETH", D("0.99"), "USD", D("3445.299"), "USD", D("6.890598"), "bitfinex:1553310447"),
        (2, ts(2024, 4, 10, 8, 14, 52), "trade", "BTC", D("0.1"), "USD", D("7051.2"), "USD", D("14.1024"), "bitfinex:1558207794"),
    ]
    assert set(ledger.frame["wallet"]) == {"Bitfinex"}
    assert ledger.diagnostics == []


def test_sample_in_the_export_zone() -> None:
    ledger = load(SAMPLE, tz="Europe/Berlin")
    assert next(ledger.rows()).timestamp == ts(2023, 12, 20, 13, 5, 31)  # 14:05:31 CET


def test_header_without_fee_perc_pairs_fractions_and_exponents() -> None:
    path = HERE / "no_fee_perc.csv"
    ledger = load(path)
    assert rows(ledger) == [
        (7, ts(2019, 11, 14, 9, 12, 44), "trade", "USD", D("460.75"), "ETH", D("2.5"), "ETH", D("0.005"), "bitfinex:412233445"),
        (6, ts(2019, 11, 15, 10, 0), "trade", "XAUT", D("0.5"), "USD", D("740.1"), "USD", D("1.4802"), "bitfinex:412233502"),
        (5, ts(2019, 11, 16, 11, 30), "trade", "USDT", D("0.00087"), "BTC", D("1e-7"), "BTC", D("2e-10"), "bitfinex:412233617"),
    ]
    bad = sorted((d.source.line, d.message) for d in ledger.diagnostics if d.code is Code.BAD_ROW)
    assert bad == [
        (2, "PAIR 'BTCUSDT' is not BASE/QUOTE (ETH/USD)"),
        (3, "AMOUNT 'abc' is not a number"),
        (4, "AMOUNT x PRICE (0.123456789012 x 0.0000012345678) cannot be computed exactly in 18 decimals"),
    ]


def test_month_first_file_recognized_by_a_middle_field_above_12() -> None:
    ledger = load(HERE / "month_first.csv")
    assert [(r.source.line, r.timestamp) for r in ledger.rows()] == [(3, ts(2024, 3, 26, 9, 5)), (2, ts(2024, 4, 2, 17, 30))]


def _write(tmp_path: Path, *dates: str) -> Path:
    path = tmp_path / "trades.csv"
    lines = [f"{1000 + i},BTC/USD,0.01,60000,-0.00002,0.20%,BTC,{d},{9000 + i}\n" for i, d in enumerate(dates)]
    path.write_text(HEADER + "".join(lines))
    return path


def test_first_field_above_31_makes_the_whole_file_year_first(tmp_path: Path) -> None:
    ledger = load(_write(tmp_path, "32-01-15 10:00:00", "24-03-05 09:00:00"))
    assert [r.timestamp for r in ledger.rows()] == [ts(2024, 3, 5, 9), ts(2032, 1, 15, 10)]


def test_a_file_that_fits_every_order_is_read_day_first(tmp_path: Path) -> None:
    # Documented limit: a YY-MM-DD export from 2024 is indistinguishable from DD-MM-YY.
    ledger = load(_write(tmp_path, "24-03-05 09:00:00.000"))
    assert [r.timestamp for r in ledger.rows()] == [ts(2005, 3, 24, 9)]


def test_the_order_with_fewest_impossible_dates_wins_and_the_rest_are_errors(tmp_path: Path) -> None:
    path = _write(tmp_path, "03-26-24 09:00:00", "04-13-24 09:00:00", "15-01-24 10:00:00")
    ledger = load(path)
    assert [r.timestamp for r in ledger.rows()] == [ts(2024, 3, 26, 9), ts(2024, 4, 13, 9)]
    bad = sorted((d.source.file, d.source.line, d.message) for d in ledger.diagnostics if d.code is Code.BAD_ROW)
    assert bad == [(str(path), 4, "DATE '15-01-24 10:00:00' is not a date and time in this file's month-first (MM-DD-YY) order")]


def test_four_digit_years_are_read_as_written(tmp_path: Path) -> None:
    ledger = load(_write(tmp_path, "2024-03-05 09:00:00", "05-03-2024 10:00:00"))
    assert [r.timestamp for r in ledger.rows()] == [ts(2024, 3, 5, 9), ts(2024, 3, 5, 10)]


@pytest.mark.parametrize("path", [SAMPLE, HERE / "no_fee_perc.csv", HERE / "month_first.csv"])
def test_both_headers_are_claimed_by_bitfinex_alone(path: Path) -> None:
    sniffed, diag = ingest.sniff(str(path), ALL)
    assert diag is None and sniffed is not None
    assert sniffed.importer is bitfinex


def test_2014_header_with_margin_flag() -> None:
    path = HERE / "trades_2014.csv"
    ledger = load(path)
    # buy 0.5 BTC at 450: 225 USD, fee in BTC (received); sell 0.2 at 470.5: 94.1 USD, fee in USD (received)
    assert rows(ledger) == [
        (2, ts(2014, 5, 1, 10), "trade", "USD", D("225"), "BTC", D("0.5"), "BTC", D("0.001"), "bitfinex:10002"),
        (3, ts(2014, 5, 3, 18, 30), "trade", "BTC", D("0.2"), "USD", D("94.1"), "USD", D("0.1882"), "bitfinex:10009"),
    ]
    messages = [(d.source.line, d.message) for d in ledger.diagnostics if d.severity == "error" and d.source]
    assert messages == [(4, "Margin 'true': margin trading is not supported; taxlots reads spot activity only")]
