"""Price files: each format, detected by its first line; exact prices; bad rows named by file and line."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from taxlots.model.diagnostics import Code, Severity
from taxlots.pricing.files import PriceSpec, coingecko_asset, kraken_pair, parse_spec, read_prices
from tests.pricing._ledger import write


@pytest.fixture(autouse=True)
def _here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def ts(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[arg-type]


def rows(specs: list[str]) -> list[tuple[object, ...]]:
    prices, _ = read_prices(specs)
    return list(prices.select("asset", "timestamp", "price", "source", "line").iter_rows())


def test_simple_csv_keeps_each_price_as_its_exact_text() -> None:
    path = write(
        "p.csv",
        "timestamp,asset,usd_price",
        "2024-03-01,btc,42261.0446",  # a date alone is midnight UTC; the asset is upper-cased
        "2024-03-01T10:30:00Z,SHIB,4.2e-05",
        "2024-03-01 11:00:00+02:00,ETH,3500",  # an offset: 09:00 UTC
    )
    prices, diags = read_prices([path])
    assert diags == []
    assert rows([path]) == [
        ("BTC", ts(2024, 3, 1), "42261.0446", "file:p.csv", 2),
        ("SHIB", ts(2024, 3, 1, 10, 30), "0.000042", "file:p.csv", 3),  # 4.2e-05 exactly, without the exponent
        ("ETH", ts(2024, 3, 1, 9), "3500", "file:p.csv", 4),
    ]
    # the text is the exact number: 4.2e-05 is 42 millionths, not a binary fraction near it
    assert Decimal(prices["price"][1]) == Decimal("0.000042")
    assert prices.schema["price"] == pl.String  # a string column, never Float64


def test_simple_csv_may_say_where_each_price_came_from() -> None:
    path = write("p.csv", "timestamp,asset,usd_price,source", "2024-03-01,SOL,120.5,kraken SOL/USD 1h close")
    assert rows([path]) == [("SOL", ts(2024, 3, 1), "120.5", "file:p.csv", 2)]


def test_bad_rows_are_errors_with_file_and_line_and_blank_lines_are_counted() -> None:
    path = write(
        "p.csv",
        "timestamp,asset,usd_price",
        "2024-03-01,BTC,60000",
        "",
        "yesterday,BTC,1",
        "2024-03-02,BTC,-5",
        "2024-03-03,BTC,",
        "2024-03-04,BTC,1.2.3",
        "2024-03-05,,7",
        "2024-03-06,BTC,0",
        "2024-03-07,BTC,1,extra,more",
        "2024-03-08,BTC,1e30",
    )
    prices, diags = read_prices([path])
    assert prices["line"].to_list() == [2]
    assert [(d.source.line if d.source else 0, d.code, d.severity, d.message) for d in diags] == [
        (4, Code.PRICE_FILE, Severity.ERROR, "timestamp 'yesterday' is not an ISO 8601 timestamp"),
        (5, Code.PRICE_FILE, Severity.ERROR, "usd_price '-5' is negative"),
        (6, Code.PRICE_FILE, Severity.ERROR, "usd_price is blank"),
        (7, Code.PRICE_FILE, Severity.ERROR, "usd_price '1.2.3' is not a number"),
        (8, Code.PRICE_FILE, Severity.ERROR, "asset is blank"),
        (9, Code.PRICE_FILE, Severity.ERROR, "usd_price is zero (a price must be positive)"),
        (10, Code.PRICE_FILE, Severity.ERROR, "row has more fields than the 3 expected"),
        (11, Code.PRICE_FILE, Severity.ERROR, "usd_price '1e30' is out of range (at most 20 digits before the point)"),
        (1, Code.SKIPPED_ROWS, Severity.INFO, "skipped 1 blank line(s)"),
    ]
    assert all(d.source and d.source.file == "p.csv" for d in diags)


def test_an_unknown_header_is_an_error_naming_the_file() -> None:
    path = write("prices.csv", "date,coin,close", "2024-03-01,BTC,60000")
    prices, diags = read_prices([path])
    assert prices.is_empty()
    assert len(diags) == 1
    assert str(diags[0].source) == "prices.csv:1"
    assert diags[0].message == "not a price file taxlots knows; first line: 'date,coin,close'"
    assert diags[0].severity is Severity.ERROR


def test_a_missing_file_is_an_error() -> None:
    _, diags = read_prices(["nope.csv"])
    assert [(str(d.source), d.message) for d in diags] == [("nope.csv:0", "no such price file")]


def test_kraken_ohlcvt_uses_the_close_at_the_end_of_each_candle() -> None:
    # 1709251200 = 2024-03-01T00:00:00Z; a 60-minute candle opening then closes at 01:00
    path = write("XBTUSD_60.csv", "1709251200,61000.1,61500,60900,61234.5,12.5,300", "1709254800,61234.5,61300,61000,61100,3.2,90")
    assert rows([path]) == [
        ("BTC", ts(2024, 3, 1, 1), "61234.5", "file:XBTUSD_60.csv", 1),
        ("BTC", ts(2024, 3, 1, 2), "61100", "file:XBTUSD_60.csv", 2),
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("XBTUSD_60.csv", ("BTC", "USD", 60)),
        ("XXBTZUSD_1440.csv", ("BTC", "USD", 1440)),
        ("XDGUSD_5.csv", ("DOGE", "USD", 5)),
        ("SOLUSD_1.csv", ("SOL", "USD", 1)),
        ("ETHUSDT_60.csv", ("ETH", "USDT", 60)),
        ("XBTUSDC_60.csv", ("BTC", "USDC", 60)),
        ("XBTEUR_60.csv", "pair XBTEUR is not quoted in USD, USDT or USDC"),
        ("XBTUSD.csv", "a Kraken OHLCVT file is named PAIR_MINUTES.csv (e.g. XBTUSD_60.csv)"),
    ],
)
def test_kraken_pair_from_the_file_name(name: str, expected: object) -> None:
    assert kraken_pair(name) == expected


def test_kraken_stablecoin_quote_is_taken_as_usd_and_says_so_once() -> None:
    path = write("ETHUSDT_60.csv", "1709251200,1,1,1,3400.25,1,1", "1709254800,1,1,1,3401,1,1")
    prices, diags = read_prices([path])
    assert prices["price"].to_list() == ["3400.25", "3401"]
    assert prices["rank"].to_list() == [1, 1]  # loses a tie with a USD quote
    assert [(d.code, d.severity, d.message) for d in diags] == [
        (
            Code.PRICE_ASSUMED,
            Severity.WARNING,
            "ETH/USDT closes taken as USD prices (USDT peg assumed; a ETH/USD file would override them)",
        )
    ]


def test_kraken_other_quote_is_an_error_naming_the_file() -> None:
    path = write("XBTEUR_60.csv", "1709251200,1,1,1,55000,1,1")
    prices, diags = read_prices([path])
    assert prices.is_empty()
    assert [(str(d.source), d.message) for d in diags] == [("XBTEUR_60.csv:1", "pair XBTEUR is not quoted in USD, USDT or USDC")]


def test_kraken_bad_time_and_close() -> None:
    path = write("XBTUSD_60.csv", "1709251200,1,1,1,61000,1,1", "1709254800,1,1,1,abc,1,1", "1.5e9,1,1,1,61000,1,1")
    prices, diags = read_prices([path])
    assert prices["line"].to_list() == [1]
    assert [(str(d.source), d.message) for d in diags] == [
        ("XBTUSD_60.csv:2", "close 'abc' is not a number"),
        ("XBTUSD_60.csv:3", "unix_time '1.5e9' is not whole seconds since 1970"),
    ]


def test_coingecko_export_takes_the_coin_from_the_file_name() -> None:
    path = write(
        "btc-usd-max.csv",
        "snapped_at,price,market_cap,total_volume",
        "2024-03-01 00:00:00 UTC,61179.6183,1200000000000,30000000000",
        "2024-03-02 00:00:00 UTC,6.2e4,,",
    )
    assert rows([path]) == [
        ("BTC", ts(2024, 3, 1), "61179.6183", "file:btc-usd-max.csv", 2),
        ("BTC", ts(2024, 3, 2), "62000", "file:btc-usd-max.csv", 3),
    ]


def test_coingecko_asset_form_names_the_coin() -> None:
    write("export.csv", "snapped_at,price,market_cap,total_volume", "2024-03-01 00:00:00 UTC,1.5,,")
    assert rows(["sol=export.csv"]) == [("SOL", ts(2024, 3, 1), "1.5", "file:export.csv", 2)]
    _, diags = read_prices(["export.csv"])
    assert [(str(d.source), d.message, d.hint) for d in diags] == [
        (
            "export.csv:1",
            "cannot tell the coin from the file name (CoinGecko names it like btc-usd-max.csv)",
            "name the coin: --prices ASSET=export.csv",
        )
    ]


def test_coingecko_in_another_currency_is_an_error() -> None:
    assert coingecko_asset("eth-eur-max.csv") == (None, "prices are quoted in EUR, not USD (download the USD export)")
    assert coingecko_asset("eth-usd-365.csv") == ("ETH", "")


def test_asset_form_needs_a_one_coin_file() -> None:
    write("p.csv", "timestamp,asset,usd_price", "2024-03-01,BTC,1")
    _, diags = read_prices(["BTC=p.csv"])
    assert [d.message for d in diags] == ["BTC= is for one-coin files; this file names the asset of each row"]


def test_parse_spec_prefers_an_existing_file_with_an_equals_sign() -> None:
    write("a=b.csv", "x")
    assert parse_spec("a=b.csv") == PriceSpec(path="a=b.csv")
    assert parse_spec("eth=other.csv") == PriceSpec(path="other.csv", asset="ETH")
    assert parse_spec("plain.csv") == PriceSpec(path="plain.csv")


def test_two_files_that_disagree_on_a_moment_give_one_warning_naming_both_and_the_one_used() -> None:
    a = write("a.csv", "timestamp,asset,usd_price", "2024-03-01,BTC,42000", "2024-03-02,BTC,43000", "2024-03-03,ETH,3000")
    b = write("b.csv", "timestamp,asset,usd_price", "2024-03-01,BTC,42000.0", "2024-03-02,BTC,43100", "2024-03-03,ETH,3001")
    _, diags = read_prices([a, b])
    # 42000 and 42000.0 are the same number; BTC on the 2nd and ETH on the 3rd differ: one warning for the pair
    assert [(d.code, d.severity, d.source.file, d.source.line) for d in diags if d.source] == [
        (Code.PRICE_CONFLICT, Severity.WARNING, "a.csv", 3)
    ]
    assert diags[0].message == (
        "2 price(s) disagree with b.csv: e.g. BTC at 2024-03-02 00:00:00 UTC is 43000 here (used) and 43100 there (line 3)"
    )


def test_one_file_that_prices_a_moment_twice_differently_is_a_warning() -> None:
    path = write("p.csv", "timestamp,asset,usd_price", "2024-03-01,BTC,42000", "2024-03-01T00:00:00Z,BTC,41000")
    _, diags = read_prices([path])
    assert [d.message for d in diags] == [
        "1 price(s) of this file disagree with a later line: e.g. BTC at 2024-03-01 00:00:00 UTC is 42000 here (used) and 41000 at line 3"
    ]


def test_files_that_agree_or_price_different_moments_give_no_warning() -> None:
    a = write("a.csv", "timestamp,asset,usd_price", "2024-03-01,BTC,42000", "2024-03-01,ETH,3000")
    b = write("b.csv", "timestamp,asset,usd_price", "2024-03-01,BTC,42000.00", "2024-03-01T00:00:01Z,ETH,3100")
    assert read_prices([a, b])[1] == []
