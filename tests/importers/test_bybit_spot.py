"""Bybit spot trade history: the unified-account sample, the classic shape, the fee coin, and bad rows."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from taxlots import ingest
from taxlots.importers import IMPORTERS, bybit_spot
from taxlots.model.diagnostics import Code
from tests.importers._ledger import rows, ts

HERE = Path(__file__).resolve().parent / "samples" / "bybit"
SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "bybit_spot_2024.csv"
HEADER = "Spot Pairs,Order Type,Direction,Filled Value,Filled Price,Filled Quantity,Fees,Transaction ID,Order No.,Timestamp (UTC)\n"


def load(path: Path) -> ingest.Ledger:
    return ingest.load([str(path)], importers=(bybit_spot,))


def bad(ledger: ingest.Ledger) -> list[tuple[int, str]]:
    return sorted((d.source.line, d.message) for d in ledger.diagnostics if d.code is Code.BAD_ROW and d.source)


def test_sample_rows() -> None:
    ledger = load(SAMPLE)
    assert rows(ledger) == [
        # USDCUSDT: the quote is the last known coin (USDT), not USDC.
        (
            9,
            ts(2024, 1, 1, 0, 4),
            "trade",
            "USDT",
            D("3000.3"),
            "USDC",
            D("3000"),
            "USDC",
            D("3"),
            "bybit:2200000000338870140",
            "MARKET; USDCUSDT",
        ),
        (
            8,
            ts(2024, 1, 9, 8, 15),
            "trade",
            "USDC",
            D("2520"),
            "ETH",
            D("1"),
            "ETH",
            D("0.001"),
            "bybit:2200000000340012988",
            "LIMIT; ETHUSDC",
        ),
        # Two fills of one order in one minute: distinct Transaction IDs.
        (
            6,
            ts(2024, 1, 22, 11, 30),
            "trade",
            "USDT",
            D("2150"),
            "BTC",
            D("0.05"),
            "BTC",
            D("0.00005"),
            "bybit:2200000000349870065",
            "MARKET; BTCUSDT",
        ),
        (
            7,
            ts(2024, 1, 22, 11, 30),
            "trade",
            "USDT",
            D("2149.57"),
            "BTC",
            D("0.05"),
            "BTC",
            D("0.00005"),
            "bybit:2200000000349870064",
            "MARKET; BTCUSDT",
        ),
        (
            5,
            ts(2024, 2, 20, 7, 5),
            "trade",
            "BTC",
            D("0.05"),
            "USDT",
            D("2596.4"),
            "USDT",
            D("2.5964"),
            "bybit:2200000000366004211",
            "LIMIT; BTCUSDT",
        ),
        (
            4,
            ts(2024, 3, 2, 16, 20),
            "trade",
            "USDT",
            D("1150"),
            "SOL",
            D("10"),
            "SOL",
            D("0.01"),
            "bybit:2200000000371100954",
            "LIMIT; SOLUSDT",
        ),
        (
            3,
            ts(2024, 3, 31, 23, 59),
            "trade",
            "SOL",
            D("10"),
            "USDT",
            D("1462.5"),
            "USDT",
            D("1.4625"),
            "bybit:2200000000398811203",
            "MARKET; SOLUSDT",
        ),
        # A crypto quote: ETHBTC sells ETH for BTC, the fee in the BTC received.
        (
            2,
            ts(2024, 4, 18, 9, 41),
            "trade",
            "ETH",
            D("1"),
            "BTC",
            D("0.0492"),
            "BTC",
            D("0.0000492"),
            "bybit:2200000000412230017",
            "LIMIT; ETHBTC",
        ),
    ]
    assert ledger.diagnostics == []
    assert set(ledger.frame["wallet"]) == {"Bybit"}


def test_fee_is_in_the_coin_received() -> None:
    """The unified export names no fee coin. Real rows (fifo-calc docs, Bybit-Spot-OrderHistory) show it: a BUY of
    10 ICP paid 0.01 (0.1% of 10 ICP) and a SELL for 49.973424 USDT paid 0.049973424 (0.1% of the USDT); the classic
    export names the coin: a Buy of 1123.59 NEIRO paid "2.24718 NEIRO" (0.2%), a Sell "0.199374252 USDT".
    """
    path = HERE / "fee_coin.csv"
    ledger = load(path)
    assert [(r[3], r[5], r[7], r[8]) for r in rows(ledger)] == [
        ("USDT", "ICP", "ICP", D("0.01")),  # BUY: the base
        ("ICP", "USDT", "USDT", D("0.049973424")),  # SELL: the quote
    ]


def test_classic_shape_reads_coins_from_the_cells() -> None:
    path = HERE / "classic_spot.csv"
    ledger = load(path)
    assert rows(ledger) == [
        (
            3,
            ts(2024, 9, 27, 21, 2, 35),
            "trade",
            "USDT",
            D("99.99951"),
            "NEIRO",
            D("1123.59"),
            "NEIRO",
            D("2.24718"),
            "bybit:98282240",
            "Market; NEIRO/USDT",
        ),
        (
            2,
            ts(2024, 9, 27, 21, 52, 4),
            "trade",
            "NEIRO",
            D("1121.34"),
            "USDT",
            D("99.687126"),
            "USDT",
            D("0.199374252"),
            "bybit:67006208",
            "Market; NEIRO/USDT",
        ),
    ]
    assert bad(ledger) == [
        (4, "Filled Value is in USDC but the pair's coin is USDT"),
        (5, "Filled Value 'twelve USDT' is not a number and a coin (99.68 USDT)"),
    ]


def test_bad_rows(tmp_path: Path) -> None:
    path = tmp_path / "bybit.csv"
    path.write_text(
        HEADER
        + "BTCUSDT,LIMIT,HOLD,100,50000,0.002,0,1,1,10:00 2024-05-01\n"  # 2: direction
        + "BTCXYZ,LIMIT,BUY,100,50000,0.002,0,2,2,10:00 2024-05-01\n"  # 3: unknown quote
        + "BTCUSDT,LIMIT,BUY,100,50000,0.002,0,3,3,2024/05/01 10:00\n"  # 4: time
        + "BTCUSDT,LIMIT,BUY,,50000,0.002,0,4,4,10:00 2024-05-01\n"  # 5: no value
    )
    quotes = ", ".join(bybit_spot.QUOTES)
    assert bad(load(path)) == [
        (2, "unknown Direction 'HOLD'; expected BUY or SELL"),
        (3, f"Spot Pairs 'BTCXYZ' does not end in a quote coin taxlots knows ({quotes})"),
        (4, "Timestamp (UTC) '2024/05/01 10:00' is not a time like 14:35 2024-11-16"),
        (5, "Filled Quantity and Filled Value are required"),
    ]


@pytest.mark.parametrize("path", [SAMPLE, HERE / "classic_spot.csv"])
def test_claimed_by_bybit_spot_alone(path: Path) -> None:
    sniffed, diag = ingest.sniff(str(path), IMPORTERS)
    assert diag is None and sniffed is not None and sniffed.importer is bybit_spot


def test_xlsx_download_reads_like_the_csv(tmp_path: Path) -> None:
    """Bybit's XLSX download holds the same header; numbers in numeric cells (Excel's storage) and the ids as
    text. Written here with openpyxl from two hand-picked rows; the rows must equal the CSV's."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.strip().split(","))
    sheet.append(["SOLUSDT", "MARKET", "SELL", 1462.5, 146.25, 10, 1.4625, "2200000000398811203", "58834120", "23:59 2024-03-31"])
    sheet.append(["ETHBTC", "LIMIT", "SELL", 0.0492, 0.0492, 1, 0.0000492, "2200000000412230017", "61200457", "09:41 2024-04-18"])
    xlsx = tmp_path / "bybit_spot.xlsx"
    book.save(xlsx)
    csv = tmp_path / "bybit_spot.csv"
    csv.write_text(
        HEADER
        + "SOLUSDT,MARKET,SELL,1462.5,146.25,10,1.4625,2200000000398811203,58834120,23:59 2024-03-31\n"
        + "ETHBTC,LIMIT,SELL,0.0492,0.0492,1,0.0000492,2200000000412230017,61200457,09:41 2024-04-18\n"
    )
    from_xlsx, from_csv = load(xlsx), load(csv)
    assert [d for d in from_xlsx.diagnostics if d.severity == "error"] == []
    assert (
        [r[1:9] for r in rows(from_xlsx)]
        == [r[1:9] for r in rows(from_csv)]
        == [
            (ts(2024, 3, 31, 23, 59), "trade", "SOL", D("10"), "USDT", D("1462.5"), "USDT", D("1.4625")),
            (ts(2024, 4, 18, 9, 41), "trade", "ETH", D("1"), "BTC", D("0.0492"), "BTC", D("0.0000492")),
        ]
    )
