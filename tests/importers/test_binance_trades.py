"""Binance Trade History importer: both header forms, fills summed per second, ids, problems, detection."""

from __future__ import annotations

from pathlib import Path

import pytest

from taxlots.importers import binance_trades
from tests.importers._binance import HERE, TRADE_ROWS, TRADES, claimants, claimed_by, errors, load, row, table, trade, ts


def test_trades_sample() -> None:
    ledger = load(TRADES, importers=(binance_trades,))
    assert errors(ledger) == []
    assert table(ledger) == TRADE_ROWS
    assert ledger.files[0].rows == 15 and ledger.files[0].skipped == {}


def test_trades_overlapping_exports_keep_each_trade_once() -> None:
    ledger = load(TRADES, HERE / "trades_2024_q4.csv", importers=(binance_trades,))
    new = trade(6, "2024-12-30 22:41:17", ("USDT", "467.4"), ("BTC", "0.005"), ("BNB", "0.00050068"), "BUY BTCUSDT")
    assert table(ledger) == [*TRADE_ROWS, new]
    assert [f.duplicates for f in ledger.files] == [0, 3]


def test_trades_2020_market_form() -> None:
    path = HERE / "trades_2020_market.csv"
    ledger = load(path, importers=(binance_trades,))
    assert table(ledger) == [
        trade(2, "2020-11-02 10:11:12", ("BTC", "0.0642"), ("ETH", "2"), ("BNB", "0.0015"), "BUY ETHBTC, 2 fills"),
        trade(4, "2020-11-03 09:00:00", ("BNB", "10"), ("USDT", "285"), ("USDT", "0.285"), "SELL BNBUSDT"),
        trade(5, "2020-12-28 14:30:01", ("BTC", "0.0034"), ("1INCH", "100"), ("1INCH", "0.1"), "BUY 1INCHBTC"),
    ]
    quotes = ", ".join(binance_trades.QUOTES)
    assert errors(ledger) == [(path.name, 6, f"Market 'FOOBAR' does not end with a known quote asset ({quotes})")]


def test_trades_bom_crlf_quantity_fee_coin_two_digit_years_and_utc_plus_one() -> None:
    ledger = load(HERE / "trades_bom_quantity_utc+1.csv", importers=(binance_trades,))
    assert errors(ledger) == []
    assert table(ledger) == [
        # 25-01-01 00:30 at UTC+1 is still 2024 in UTC.
        trade(2, "2024-12-31 23:30:00", ("EUR", "900"), ("BTC", "0.01"), ("BTC", "0.00001"), "BUY BTCEUR"),
        trade(3, "2025-03-08 09:15:42", ("SOL", "2"), ("EUR", "300"), ("EUR", "0.3"), "SELL SOLEUR"),
    ]


def test_trades_semicolon_copy() -> None:
    ledger = load(HERE / "trades_semicolon.csv", importers=(binance_trades,))
    assert table(ledger) == [trade(2, "2024-05-06 07:08:09", ("ETH", "0.2"), ("BTC", "0.01"), ("BTC", "0.00001"), "SELL ETHBTC")]


def test_trades_problems() -> None:
    ledger = load(HERE / "trades_problems.csv", importers=(binance_trades,))
    name = "trades_problems.csv"
    split = "is not a number followed by a quote asset that ends the pair"
    assert errors(ledger) == [
        (name, 2, "Side 'HOLD' is not BUY or SELL"),
        (name, 3, f"cannot split Pair 'ETHUSDT' into base and quote: Amount 'oops' {split} (so its trade, lines 3, 4, was left out)"),
        (name, 5, "Date(UTC) '2024-13-02 03:04:07' is not a date like 2024-03-08 10:15:42"),
        (name, 6, "Fee 'abcBNB' is not a number followed by an asset"),
        (name, 11, "Amount is blank"),
        (name, 12, f"cannot split Pair 'ETH' into base and quote: Amount '200.00000000ETH' {split}"),
    ]  # fmt: skip
    # Lines 7-8: fees in ETH (the received asset) and in BNB; the ETH fee is netted out of what arrives,
    # while the id keeps the gross 0.2 ETH, as the statement would.
    assert table(ledger) == [
        row(7, "2024-01-02 03:04:09", "trade", sent=("USDT", "400"), received=("ETH", "0.1999"), fee=("BNB", "0.00005"),
            id="binance:2024-01-02T03:04:09Z:USDT:ETH:400:0.2", note="BUY ETHUSDT, 2 fills"),
        # Lines 9-10: fees in USDT and BNB (neither received): BNB (first by ticker) stays on the trade, the
        # 0.2 USDT is a fee row of its own on the other fill's line (line 9 is the trade's).
        row(9, "2024-01-02 03:04:10", "trade", sent=("USDT", "400"), received=("ETH", "0.2"), fee=("BNB", "0.00005"),
            id="binance:2024-01-02T03:04:10Z:USDT:ETH:400:0.2", note="BUY ETHUSDT, 2 fills"),
        row(10, "2024-01-02 03:04:10", "fee", sent=("USDT", "0.2"), id="binance:2024-01-02T03:04:10Z:USDT:ETH:400:0.2:fee2",
            note="trade fee of binance:2024-01-02T03:04:10Z:USDT:ETH:400:0.2 charged in a second asset"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("header", "when", "utc"),
    [
        ("Date(UTC)", "2024-06-30 23:30:00", "2024-06-30 23:30:00"),
        ("Date(UTC+08:00)", "24-07-01 07:30:00", "2024-06-30 23:30:00"),
        ("Date(UTC-5:30)", "2024-06-30 18:00:00", "2024-06-30 23:30:00"),
        ("Date(UTC+0)", "2024-06-30 23:30:00", "2024-06-30 23:30:00"),
    ],
)
def test_trades_zone_in_header(tmp_path: Path, header: str, when: str, utc: str) -> None:
    path = tmp_path / "part-00000.csv"
    path.write_text(f"{header},Pair,Side,Price,Executed,Amount,Fee\n{when},SOLUSDT,BUY,150,1.0SOL,150.0USDT,0.001SOL\n")
    ledger = load(path, importers=(binance_trades,))
    assert [r.timestamp for r in ledger.rows()] == [ts(utc)]


@pytest.mark.parametrize(
    "path",
    [TRADES, *(HERE / n for n in ("trades_2020_market.csv", "trades_2024_q4.csv", "trades_bom_quantity_utc+1.csv", "trades_semicolon.csv",
                                 "trades_problems.csv"))],
    ids=lambda p: p.name,
)  # fmt: skip
def test_file_is_claimed_by_this_importer_only(path: Path) -> None:
    assert claimed_by(path) is binance_trades


@pytest.mark.parametrize(
    ("header", "claimed"),
    [
        ("Date(UTC),Pair,Side,Price,Executed,Amount,Fee", True),
        ("\ufeffDate(UTC),Pair,Side,Price,Executed,Amount,Fee", True),
        ("Date(UTC),Pair,Side,Price,Quantity,Amount,Fee", True),
        ("Date(UTC),Pair,Side,Price,Executed,Amount,Fee,Fee Coin", True),
        ("Date(UTC+1),Pair,Side,Price,Executed,Amount,Fee", True),
        ("Date(UTC-05:30),Pair,Side,Price,Executed,Amount,Fee", True),
        ("Date(UTC),Market,Type,Price,Amount,Total,Fee,Fee Coin", True),
        ("Pair,Side,Price,Executed,Amount,Fee", False),  # no Date(UTC...) column
        ("Date,Pair,Type,Sell,Buy,Price,Inverse Price,Date Updated,Status", False),  # Binance Convert history
        ("Date(UTC+0),Coin,Network,Amount,Fee,Address,TXID,Status", False),  # Binance withdrawal history
    ],
)
def test_header_variants(header: str, claimed: bool) -> None:
    assert claimants(header) == ([binance_trades] if claimed else [])


def test_fees_in_three_assets_are_an_error(tmp_path: Path) -> None:
    path = tmp_path / "three_fees.csv"
    path.write_text(
        "Date(UTC),Pair,Side,Price,Executed,Amount,Fee\n"
        "2024-01-02 03:04:10,ETHUSDT,BUY,2000,0.1ETH,200USDT,0.2USDT\n"
        "2024-01-02 03:04:10,ETHUSDT,BUY,2000,0.1ETH,200USDT,0.00005BNB\n"
        "2024-01-02 03:04:10,ETHUSDT,BUY,2000,0.1ETH,200USDT,0.000002BTC\n",
        encoding="utf-8",
    )
    ledger = load(path, importers=(binance_trades,))
    assert errors(ledger) == [(path.name, 2, "fees were paid in 3 assets (BNB, …, USDT); taxlots reads at most two fee assets per trade")]
    assert ledger.frame.height == 0
