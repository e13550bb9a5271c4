"""Crypto.com Exchange spot trades: the sample (quote = price x quantity), fees, and errors."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

from taxlots import ingest
from taxlots.importers import IMPORTERS, cryptocom_exchange
from taxlots.model.diagnostics import Code
from tests.importers._ledger import rows, ts

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "cryptocom_exchange_2024.csv"
HEADER = "account_type,order_id,trade_id,create_time_utc,symbol,side,liquditiy_indicator,traded_price,traded_quantity,fee,fee_currency\n"


def load(path: Path) -> ingest.Ledger:
    return ingest.load([str(path)], importers=(cryptocom_exchange,))


def test_sample_rows() -> None:
    ledger = load(SAMPLE)
    c = "cryptocom:57556004604421"
    assert rows(ledger) == [
        # 43951.2 x 0.02 = 879.024 USDT for 0.02 BTC; the fee -0.00002 BTC is 0.00002 BTC.
        (
            8,
            ts(2024, 1, 8, 13, 4, 27, 250000),
            "trade",
            "USDT",
            D("879.024"),
            "BTC",
            D("0.02"),
            "BTC",
            D("0.00002"),
            f"{c}86120",
            "BTC_USDT; MAKER",
        ),
        # Two fills of one order: 2215.37 x 0.45 = 996.9165 and 2215.36 x 0.55 = 1218.448.
        (
            6,
            ts(2024, 1, 25, 6, 30, 58, 377000),
            "trade",
            "USDT",
            D("996.9165"),
            "ETH",
            D("0.45"),
            "ETH",
            D("0.00045"),
            f"{c}87003",
            "ETH_USDT; TAKER",
        ),
        (
            7,
            ts(2024, 1, 25, 6, 30, 58, 377000),
            "trade",
            "USDT",
            D("1218.448"),
            "ETH",
            D("0.55"),
            "ETH",
            D("0.00055"),
            f"{c}87002",
            "ETH_USDT; TAKER",
        ),
        # 0.0921 x 10000 = 921.
        (5, ts(2024, 2, 19, 11, 11, 11), "trade", "USDT", D("921"), "CRO", D("10000"), "CRO", D("10"), f"{c}87951", "CRO_USDT; MAKER"),
        # A sell: 66120.5 x 0.015 = 991.8075 USDT received, fee in USDT.
        (
            4,
            ts(2024, 3, 6, 21, 45, 3, 990000),
            "trade",
            "BTC",
            D("0.015"),
            "USDT",
            D("991.8075"),
            "USDT",
            D("0.9918075"),
            f"{c}88701",
            "BTC_USDT; TAKER",
        ),
        # 0.05125 x 0.8 = 0.041 BTC for 0.8 ETH.
        (
            3,
            ts(2024, 3, 28, 8, 2, 10, 104000),
            "trade",
            "BTC",
            D("0.041"),
            "ETH",
            D("0.8"),
            "ETH",
            D("0.0008"),
            f"{c}89533",
            "ETH_BTC; MAKER",
        ),
        (
            2,
            ts(2024, 4, 12, 15, 20, 44, 512000),
            "trade",
            "CRO",
            D("5000"),
            "USDT",
            D("642.5"),
            "USDT",
            D("0.6425"),
            f"{c}90017",
            "CRO_USDT; TAKER",
        ),
    ]
    assert ledger.diagnostics == []
    assert set(ledger.frame["wallet"]) == {"Crypto.com Exchange"}


def test_fee_magnitude_and_errors(tmp_path: Path) -> None:
    """Crypto.com's API (private/get-trades ``fees``): "the negative sign means a deduction on balance"; the
    magnitude is the fee. A zero fee is no fee."""
    path = tmp_path / "cdc.csv"
    path.write_text(
        HEADER
        + "SPOT,1,11,2024-05-01T10:00:00Z,BTC_USDT,BUY,TAKER,60000,0.01,0,USDT\n"  # 2: no fee
        + "MARGIN,2,12,2024-05-01T10:00:00Z,BTC_USDT,BUY,TAKER,60000,0.01,-0.6,USDT\n"  # 3
        + "SPOT,3,13,2024-05-01T10:00:00Z,BTCUSDT,BUY,TAKER,60000,0.01,-0.6,USDT\n"  # 4
        + "SPOT,4,14,2024-05-01T10:00:00Z,BTC_USDT,BUY,TAKER,0.1234567890,0.1234567890,-0.6,USDT\n"  # 5: 20 decimals
        + "SPOT,5,15,2024-05-01T10:00:00Z,BTC_USDT,HOLD,TAKER,60000,0.01,-0.6,USDT\n"  # 6
        + "SPOT,6,16,2024-05-01T10:00:00Z,BTC_USDT,BUY,TAKER,60000,0.01,-0.6,\n"  # 7
    )
    ledger = load(path)
    assert rows(ledger) == [
        (2, ts(2024, 5, 1, 10), "trade", "USDT", D("600"), "BTC", D("0.01"), None, None, "cryptocom:11", "BTC_USDT; TAKER")
    ]
    assert sorted((d.source.line, d.message) for d in ledger.diagnostics if d.code is Code.BAD_ROW and d.source) == [
        (3, "account_type 'MARGIN' is not supported; taxlots reads SPOT trades"),
        (4, "symbol 'BTCUSDT' is not BASE_QUOTE (BTC_USDT)"),
        (5, "traded_price x traded_quantity (0.1234567890 x 0.1234567890) cannot be computed exactly in 18 decimals"),
        (6, "unknown side 'HOLD'; expected BUY or SELL"),
        (7, "fee is given but fee_currency is blank"),
    ]


def test_claimed_by_cryptocom_exchange_alone() -> None:
    sniffed, diag = ingest.sniff(str(SAMPLE), IMPORTERS)
    assert diag is None and sniffed is not None and sniffed.importer is cryptocom_exchange
