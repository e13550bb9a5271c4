"""prices fetch, with a fake exchange (no network, no ccxt): what it asks for, what it writes, its errors."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from taxlots.cli.commands.prices import prices_app, write_prices
from taxlots.pricing import attach_prices
from taxlots.pricing import fetch as f
from tests.pricing._ledger import HEADER, ledger, write

runner = CliRunner()
DAY_MS = 86_400_000


def ms(*parts: int) -> int:
    return int(datetime(*parts, tzinfo=UTC).timestamp()) * 1000  # type: ignore[arg-type]


class FakeExchange:
    """Daily candles from a table of closes; pages of ``page`` candles, as exchanges cap each answer."""

    def __init__(self, closes: dict[str, dict[int, Any]], page: int = 2) -> None:
        self.closes = closes
        self.page = page
        self.calls: list[tuple[str, str, int | None]] = []

    def load_markets(self) -> dict[str, Any]:
        return {symbol: {} for symbol in self.closes}

    def fetch_ohlcv(self, symbol: str, timeframe: str, since: int | None = None, limit: int | None = None) -> list[list[Any]]:
        self.calls.append((symbol, timeframe, since))
        assert since is not None
        opens = sorted(t for t in self.closes[symbol] if t >= since)[: self.page]
        return [[t, 1.0, 1.0, 1.0, self.closes[symbol][t], 10.0] for t in opens]


@pytest.fixture(autouse=True)
def _here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


ROWS = (
    "2024-03-02T10:00:00Z,K,income,,,SOL,3,,,,,i1,",
    "2024-03-03T10:00:00Z,K,income,,,SOL,1,,,,,i2,",
    "2024-03-05T10:00:00Z,B,trade,ETH,1,BTC,0.05,BNB,0.01,,,t1,",
    "2024-03-06T10:00:00Z,K,trade,USD,100,ETH,0.03,,,,,b1,",  # a USD side: no price needed
    "2024-03-07T10:00:00Z,K,deposit,,,DOGE,100,,,,,d1,",  # a deposit without a fee: not priced
)


def test_needs_lists_each_asset_that_could_price_a_row_and_its_days() -> None:
    assert f.needs(ledger(*ROWS)) == [
        f.Need("BNB", (date(2024, 3, 5),)),  # the third-asset fee
        f.Need("BTC", (date(2024, 3, 5),)),  # a trade's received side ...
        f.Need("ETH", (date(2024, 3, 5),)),  # ... and its sent side
        f.Need("SOL", (date(2024, 3, 2), date(2024, 3, 3))),
    ]


def test_day_ranges_and_timeframes() -> None:
    d = date
    assert f.day_ranges([d(2024, 3, 5), d(2024, 3, 2), d(2024, 3, 3)]) == [(d(2024, 3, 2), d(2024, 3, 3)), (d(2024, 3, 5), d(2024, 3, 5))]
    assert [f.timeframe_seconds(t) for t in ("1m", "15m", "1h", "4h", "1d", "1w")] == [60, 900, 3600, 14400, 86400, 604800]
    with pytest.raises(f.FetchError, match="timeframe '90s' is not like"):
        f.timeframe_seconds("90s")


@pytest.mark.parametrize(("value", "text"), [(0.1, "0.1"), (4.2e-05, "0.000042"), (61234.5, "61234.5"), (3, "3"), ("12.50", "12.5")])
def test_price_text_is_the_floats_own_decimal(value: object, text: str) -> None:
    assert f.price_text(value) == text


@pytest.mark.parametrize("value", [0.0, -1.5, float("nan"), float("inf"), None, True, "x"])
def test_price_text_refuses_what_is_no_price(value: object) -> None:
    assert f.price_text(value) is None


def fake() -> FakeExchange:
    return FakeExchange(
        {
            # SOL needs 03-02 and 03-03: candles opening 03-01 .. 03-03 (one before the first day); 03-04 is outside
            "SOL/USD": {ms(2024, 3, 1): 120.5, ms(2024, 3, 2): 0.1, ms(2024, 3, 3): 125.25, ms(2024, 3, 4): 999.0},
            "BTC/USD": {ms(2024, 3, 4): 60000.0, ms(2024, 3, 5): 61000.5},
            "ETH/USDT": {ms(2024, 3, 4): 3400.0, ms(2024, 3, 5): 3500.0},  # no ETH/USD market: the USDT pair
        }
    )


def test_fetch_prices_writes_each_close_at_the_candles_end() -> None:
    client = fake()
    rows, diags = f.fetch_prices(ledger(*ROWS), client, exchange="kraken", timeframe="1d")
    assert rows == [
        ("2024-03-05T00:00:00Z", "BTC", "60000", "kraken BTC/USD 1d close"),  # opened 03-04, closed 03-05
        ("2024-03-06T00:00:00Z", "BTC", "61000.5", "kraken BTC/USD 1d close"),
        ("2024-03-05T00:00:00Z", "ETH", "3400", "kraken ETH/USDT 1d close (USDT taken as 1 USD)"),
        ("2024-03-06T00:00:00Z", "ETH", "3500", "kraken ETH/USDT 1d close (USDT taken as 1 USD)"),
        ("2024-03-02T00:00:00Z", "SOL", "120.5", "kraken SOL/USD 1d close"),
        ("2024-03-03T00:00:00Z", "SOL", "0.1", "kraken SOL/USD 1d close"),
        ("2024-03-04T00:00:00Z", "SOL", "125.25", "kraken SOL/USD 1d close"),
    ]
    assert [d.message for d in diags] == ["kraken has no BNB/USD or BNB/USDT market; no prices for BNB"]
    # pages of two: SOL is asked from 03-01, then from 03-03 (after the last candle it got)
    assert [c for c in client.calls if c[0] == "SOL/USD"] == [("SOL/USD", "1d", ms(2024, 3, 1)), ("SOL/USD", "1d", ms(2024, 3, 3))]


def test_a_range_without_candles_is_a_warning() -> None:
    client = FakeExchange({"SOL/USD": {}})
    rows, diags = f.fetch_prices(ledger(*ROWS[:2]), client, exchange="kraken", timeframe="1h")
    assert rows == []
    assert [d.message for d in diags] == ["kraken returned no SOL/USD candles for 2024-03-02 – 2024-03-03"]


def test_the_written_file_prices_the_ledger() -> None:
    frame = ledger(*ROWS[:3])
    rows, _ = f.fetch_prices(frame, fake(), exchange="kraken", timeframe="1d")
    write_prices("prices.csv", rows)
    assert Path("prices.csv").read_bytes().startswith(b"timestamp,asset,usd_price,source\n2024-03-05T00:00:00Z,BTC,60000,")
    out, report, _ = attach_prices(frame, price_files=["prices.csv"])
    # i1 at 03-02 10:00: the close at 03-02 00:00 is 120.5 -> 3 * 120.5 = 361.5; i2: 1 * 0.1 (03-03 00:00)
    # t1 at 03-05 10:00: 0.05 BTC * 60000 = 3000; fee 0.01 BNB: no BNB price (the exchange had none)
    assert [tuple(r) for r in out.select("id", "usd_value").rows()] == [("i1", "361.5"), ("i2", "0.1"), ("t1", "3000")]
    assert len(report.unpriced) == 1


def test_cli_fetch_writes_the_price_file(monkeypatch: pytest.MonkeyPatch) -> None:
    write("ledger.csv", HEADER, *ROWS[:2])
    monkeypatch.setattr(f, "make_client", lambda name: fake())
    result = runner.invoke(prices_app, ["fetch", "ledger.csv", "--exchange", "kraken", "--timeframe", "1d", "-o", "prices.csv"])
    assert result.exit_code == 0, result.output
    assert Path("prices.csv").read_text().splitlines() == [
        "timestamp,asset,usd_price,source",
        "2024-03-02T00:00:00Z,SOL,120.5,kraken SOL/USD 1d close",
        "2024-03-03T00:00:00Z,SOL,0.1,kraken SOL/USD 1d close",
        "2024-03-04T00:00:00Z,SOL,125.25,kraken SOL/USD 1d close",
    ]
    assert "Wrote 3 price(s) for 1 asset(s) to prices.csv" in result.stderr


def test_cli_without_ccxt_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    write("ledger.csv", HEADER, *ROWS[:1])
    monkeypatch.setitem(sys.modules, "ccxt", None)  # import ccxt now raises ImportError
    result = runner.invoke(prices_app, ["fetch", "ledger.csv", "-o", "prices.csv"])
    assert result.exit_code == 1
    assert result.stderr.strip() == "error prices fetch needs ccxt: pip install 'taxlots[fetch]'"
    assert not Path("prices.csv").exists()


def test_cli_refuses_to_overwrite_an_input() -> None:
    write("ledger.csv", HEADER, *ROWS[:1])
    result = runner.invoke(prices_app, ["fetch", "ledger.csv", "-o", "./ledger.csv"])
    assert result.exit_code == 2
    assert "refusing to overwrite the input ledger.csv" in result.stderr
    assert Path("ledger.csv").read_text().startswith(HEADER)


def test_cli_reports_an_exchange_failure_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    class Down(FakeExchange):
        def load_markets(self) -> dict[str, Any]:
            raise ConnectionError("kraken.com unreachable")

    write("ledger.csv", HEADER, *ROWS[:1])
    monkeypatch.setattr(f, "make_client", lambda name: Down({}))
    result = runner.invoke(prices_app, ["fetch", "ledger.csv", "-o", "prices.csv"])
    assert result.exit_code == 1
    assert result.stderr.strip() == "error kraken: ConnectionError: kraken.com unreachable"
    assert not Path("prices.csv").exists()


def test_cli_stops_on_ledger_errors() -> None:
    write("ledger.csv", HEADER, "2024-03-02T10:00:00Z,K,income,,,SOL,oops,,,,,i1,")
    result = runner.invoke(prices_app, ["fetch", "ledger.csv", "-o", "prices.csv"])
    assert result.exit_code == 1
    assert "ledger.csv:2" in result.stderr
