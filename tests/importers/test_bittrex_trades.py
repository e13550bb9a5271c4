"""Bittrex order history: the v2 sample (partial fills, cancelled orders), v1 and v4 headers, errors."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

from taxlots import ingest
from taxlots.importers import IMPORTERS, bittrex_trades
from taxlots.model.diagnostics import Code
from tests.importers._ledger import rows, ts

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "bittrex_trades_2024.csv"


def load(path: Path) -> ingest.Ledger:
    return ingest.load([str(path)], importers=(bittrex_trades,))


def test_sample_rows() -> None:
    ledger = load(SAMPLE)
    u = "bittrex:"
    assert rows(ledger) == [
        # 0.05 BTC for 2097.5 USDT, the commission 5.24375 USDT (0.25%) on top; the time is Closed (3:02:41 PM).
        (
            2,
            ts(2022, 1, 8, 15, 2, 41),
            "trade",
            "USDT",
            D("2097.5"),
            "BTC",
            D("0.05"),
            "USDT",
            D("5.24375"),
            f"{u}3f7a1c2e-9b4d-4e8f-a6c1-2d5e7f9b0a13",
            "USDT-BTC; LIMIT_BUY",
        ),
        (
            3,
            ts(2022, 2, 11, 9, 30),
            "trade",
            "BTC",
            D("0.1396"),
            "ETH",
            D("2"),
            "BTC",
            D("0.000349"),
            f"{u}8c2d4e6f-1a3b-4c5d-9e7f-0b1c2d3e4f50",
            "BTC-ETH; MARKET_BUY",
        ),
        # A partial fill: 2 - 1.2 remaining = 0.8 ETH sold for 0.0552 BTC (the commission taken from it).
        (
            4,
            ts(2022, 3, 4, 1, 5, 55),
            "trade",
            "ETH",
            D("0.8"),
            "BTC",
            D("0.0552"),
            "BTC",
            D("0.000138"),
            f"{u}5e9f0a1b-2c3d-4e5f-8a9b-0c1d2e3f4a5b",
            "BTC-ETH; LIMIT_SELL",
        ),
        (
            5,
            ts(2022, 4, 2, 22, 20, 30),
            "trade",
            "ETH",
            D("0.8"),
            "USDT",
            D("2800"),
            "USDT",
            D("7"),
            f"{u}a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
            "USDT-ETH; LIMIT_SELL",
        ),
        (
            7,
            ts(2022, 6, 18, 16, 44, 45),
            "trade",
            "BTC",
            D("0.03"),
            "USDT",
            D("555"),
            "USDT",
            D("1.3875"),
            f"{u}c2d3e4f5-a6b7-4c8d-9e0f-1a2b3c4d5e6f",
            "USDT-BTC; MARKET_SELL",
        ),
    ]
    assert ledger.files[0].skipped == {"order filled nothing (cancelled)": 1}
    assert [d for d in ledger.diagnostics if d.code is not Code.SKIPPED_ROWS] == []


def test_v1_and_v4_headers(tmp_path: Path) -> None:
    v1 = tmp_path / "v1.csv"
    v1.write_text(
        "OrderUuid,Exchange,Type,Quantity,Limit,CommissionPaid,Price,Opened,Closed\n"
        "0a1b,BTC-LTC,LIMIT_BUY,10.00000000,0.01600000,0.00040000,0.16000000,12/20/2017 5:33:13 PM,12/20/2017 5:35:11 PM\n"
    )
    assert rows(load(v1)) == [
        (
            2,
            ts(2017, 12, 20, 17, 35, 11),
            "trade",
            "BTC",
            D("0.16"),
            "LTC",
            D("10"),
            "BTC",
            D("0.0004"),
            "bittrex:0a1b",
            "BTC-LTC; LIMIT_BUY",
        )
    ]
    v4 = tmp_path / "v4.csv"
    v4.write_text("Date,Market,Side,Type,Price,Quantity,Total\n2021-05-01T10:00:00Z,ETH/USDT,SELL,LIMIT,2900,0.5,1450\n")
    assert rows(load(v4)) == [(2, ts(2021, 5, 1, 10), "trade", "ETH", D("0.5"), "USDT", D("1450"), None, None, f"{v4}:2", "ETH/USDT; SELL")]


def test_errors(tmp_path: Path) -> None:
    path = tmp_path / "v1.csv"
    path.write_text(
        "OrderUuid,Exchange,Type,Quantity,Limit,CommissionPaid,Price,Opened,Closed\n"
        "1,BTC-LTC,LIMIT_HOLD,10,0.016,0.0004,0.16,12/20/2017 5:33:13 PM,12/20/2017 5:35:11 PM\n"  # 2
        "2,BTCLTC,LIMIT_BUY,10,0.016,0.0004,0.16,12/20/2017 5:33:13 PM,12/20/2017 5:35:11 PM\n"  # 3
        "3,BTC-LTC,LIMIT_BUY,10,0.016,0.0004,,12/20/2017 5:33:13 PM,12/20/2017 5:35:11 PM\n"  # 4
        "4,BTC-LTC,LIMIT_BUY,10,0.016,0.0004,0.16,12/20/2017 5:33:13 PM,2017-13-45\n"  # 5
    )
    got = sorted((d.source.line, d.message) for d in load(path).diagnostics if d.code is Code.BAD_ROW and d.source)
    assert got == [
        (2, "unknown order type 'HOLD'; expected a BUY or SELL order"),
        (3, "market 'BTCLTC' is not a pair taxlots can read"),
        (4, "the order's total (Price or Total) is blank"),
        (5, "Closed '2017-13-45' is not an ISO 8601 or MM/DD/YYYY date and time"),
    ]


def test_claimed_by_bittrex_trades_alone() -> None:
    sniffed, diag = ingest.sniff(str(SAMPLE), IMPORTERS)
    assert diag is None and sniffed is not None and sniffed.importer is bittrex_trades
