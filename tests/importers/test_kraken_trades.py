"""Kraken trades.csv: the sample, header variants, pairs, bad rows, and the overlap with the ledgers export."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from taxlots import ingest
from taxlots.importers import kraken_ledgers, kraken_trades
from tests.importers._kraken import EVERY, HERE, LEDGERS, MINE, SAMPLE_LEDGER_ROWS, TRADES, errors, load, row, table

# --- the sample and its overlap with the ledgers export ----------------------------------------------------


def test_sample_trades_rows() -> None:
    ledger = load(TRADES, importers=(kraken_trades,))
    assert errors(ledger) == []
    assert table(ledger) == [
        row(2, "2024-01-05 11:47:09.341200", "trade", "TSL2PQ-9XW4K-BZ7MNA", s="USD 4950", r="SOL 50", f="USD 7.92", note="buy limit"),
        row(3, "2024-01-15 19:22:37.081100", "trade", "TSF8KQ-3NZ7W-XC2LPD", s="SOL 20", r="USD 2100", f="USD 3.36", note="sell market"),
        row(4, "2024-02-03 15:38:21.556700", "trade", "TEX9WN-5KQ2Z-RM7PLB", s="ETH 5", r="USD 11500", f="USD 18.4", note="sell limit"),
        row(
            5, "2024-02-10 09:15:03.220900", "trade", "TUS3MK-7PZQ4-WN2XRC", s="USD 5000.5", r="USDT 5000", f="USD 1.0001", note="buy limit"
        ),
        row(6, "2024-02-12 13:52:47.903400", "trade", "TBT6QW-4ZM8K-XP3NVE", s="USDT 4800", r="BTC 0.1", f="USDT 7.68", note="buy limit"),
        row(7, "2024-05-20 10:33:19.117800", "trade", "TBS4ZX-8QW2M-KN7PLF", s="BTC 0.2", r="USD 13400", f="USD 21.44", note="sell limit"),
        row(8, "2024-06-03 08:41:55.662000", "trade", "TUC7NQ-2WX5Z-MK8PRG", s="USD 3000", r="USDC 3000", f="USD 0.6", note="buy market"),
        row(9, "2024-07-16 14:27:08.440500", "trade", "TSU5KX-9MZ3W-QP2NLH", s="SOL 70", r="USDC 10150", f="USDC 16.24", note="sell limit"),
    ]


@pytest.mark.parametrize("order", [(LEDGERS, TRADES), (TRADES, LEDGERS)], ids=["ledgers-first", "trades-first"])
def test_both_exports_count_each_trade_once_from_the_ledgers(order: tuple[Path, Path]) -> None:
    ledger = load(*order, importers=MINE)
    assert errors(ledger) == []
    assert table(ledger) == SAMPLE_LEDGER_ROWS
    assert ledger.frame["id"].n_unique() == ledger.frame.height
    assert set(ledger.frame["importer"]) == {"kraken-ledgers"}
    reports = {r.importer: r for r in ledger.files}
    assert (reports["kraken-trades"].rows, reports["kraken-trades"].kept, reports["kraken-trades"].duplicates) == (8, 0, 8)
    assert (reports["kraken-ledgers"].kept, reports["kraken-ledgers"].duplicates) == (21, 0)
    # The KFEE-paid sale: the ledgers' exact fee (336 KFEE), not the trades export's quote estimate (3.36 USD).
    sale = ledger.frame.filter(pl.col("id") == "kraken:TSF8KQ-3NZ7W-XC2LPD").row(0, named=True)
    assert (sale["fee_asset"], Decimal(sale["fee_qty"]), sale["file"]) == ("KFEE", Decimal("336"), str(LEDGERS))


def test_ledgers_2026_and_trades_2025_overlap_once() -> None:
    ledger = load(HERE / "trades_2025_24col_costusd.csv", HERE / "ledgers_2026_usd.csv", importers=MINE)
    assert errors(ledger) == []
    trade = ledger.frame.filter(pl.col("id") == "kraken:TEB6WQ-3KZX8-MN2PLA")
    assert trade.height == 1 and trade["importer"].to_list() == ["kraken-ledgers"]
    assert ledger.frame.height == 5 + 3  # five ledger events, three trades only in the trades export


# --- header variants ---------------------------------------------------------------------------------------

TRADE_HEADERS = {
    "classic-13": '"txid","ordertxid","pair","time","type","ordertype","price","cost","fee","vol","margin","misc","ledgers"',
    "no-margin-misc": '"txid","ordertxid","pair","time","type","ordertype","price","cost","fee","vol","ledgers"',
    "22-column": '"txid","ordertxid","pair","time","type","ordertype","price","cost","fee","vol","margin","misc","ledgers","postxid",'
    '"posstatus","cprice","ccost","cfee","cvol","cmargin","net","trades"',
    "2025": '"txid","ordertxid","pair","aclass","subclass","time","type","ordertype","price","cost","fee","vol","margin","misc","ledgers",'
    '"posttxid","posstatuscode","cprice","ccost","cfee","cvol","cmargin","net","trades"',
    "2025-costusd": '"txid","ordertxid","pair","aclass","subclass","time","type","ordertype","price","cost","fee","vol","margin","misc",'
    '"ledgers","posttxid","posstatuscode","cprice","ccost","cfee","cvol","cmargin","net","trades","costusd"',
}


@pytest.mark.parametrize("header", TRADE_HEADERS.values(), ids=TRADE_HEADERS.keys())
def test_header_variant_is_claimed_by_kraken_trades_only(tmp_path: Path, header: str) -> None:
    path = tmp_path / "trades.csv"
    path.write_text("\ufeff" + header + "\r\n")
    sniffed, problem = ingest.sniff(str(path), EVERY)
    assert problem is None
    assert sniffed is not None and sniffed.importer.NAME == "kraken-trades"


# --- older and newer files, bad rows -----------------------------------------------------------------------


def test_trades_2020_22_columns() -> None:
    path = HERE / "trades_2020_22col.csv"
    ledger = load(path, importers=(kraken_trades,))
    assert errors(ledger) == [(str(path), 4, "margin trade (margin '146.00000') is not supported; taxlots reads spot activity only")]
    assert table(ledger) == [
        row(2, "2020-04-05 14:03:27.125400", "trade", "TQ4LCV-7HZPX-2BQW3D", s="EUR 843", r="BTC 0.02", f="EUR 1.3488", note="buy limit"),
        # the trades export states the fee in the quote (0.032 EUR); the ledgers show 16 DOGE
        row(3, "2020-04-06 10:00:00.003100", "trade", "TDG4PA-9QMZ1-L7XCVB", s="EUR 20", r="DOGE 10000", f="EUR 0.032", note="buy market"),
    ]


def test_trades_2025_slash_pairs_and_costusd() -> None:
    ledger = load(HERE / "trades_2025_24col_costusd.csv", importers=(kraken_trades,))
    assert errors(ledger) == []
    assert table(ledger) == [
        row(2, "2025-12-30 18:02:11.884200", "trade", "TEH2QW-8ZKX3-MN4PLA", s="USD 3500", r="ETH 1", f="USD 5.6", note="buy limit"),
        row(
            3,
            "2026-01-10 10:00:00.220700",
            "trade",
            "TEB6WQ-3KZX8-MN2PLA",
            s="ETH 1",
            r="BTC 0.035",
            f="BTC 0.000091",
            usd="3499.65",
            note="sell limit",
        ),
        row(
            4,
            "2026-01-11 07:30:45",
            "trade",
            "TAL9ZX-4QWK7-PN2MLC",
            s="ALGO 1000",
            r="EUR 250",
            f="EUR 0.4",
            usd="291.25",
            note="sell market",
        ),
        row(
            5,
            "2026-01-12 21:15:03.007000",
            "trade",
            "TDT5QW-2ZXK9-MN7PLD",
            s="USDT 650",
            r="DOT 100",
            f="USDT 1.04",
            usd="649.87",
            note="buy limit",
        ),
    ]


def test_trades_bad_rows() -> None:
    path = HERE / "trades_bad_rows.csv"
    ledger = load(path, importers=(kraken_trades,))
    f = str(path)
    quotes = "PYUSD, USDT, USDC, AED, AUD, CAD, CHF, DAI, DOT, ETH, EUR, GBP, JPY, USD, XBT, BTC"
    assert errors(ledger) == [
        (f, 2, f"pair 'ABCXYZ' does not end in a quote currency taxlots knows ({quotes})"),
        (f, 3, "type 'settle' is not buy or sell"),
        (f, 4, "cost 'n/a' is not a number"),
        (f, 5, "vol is blank"),
        (f, 6, "time 'yesterday' is not a UTC time like 2024-03-01 12:00:00.1234"),
        (f, 7, "margin trade (margin '1200.00000') is not supported; taxlots reads spot activity only"),
        (f, 8, "a trade's sent_asset and received_asset are the same"),  # ETH2.S and ETH are both ETH
    ]
    assert table(ledger) == [
        row(9, "2024-03-01 10:07:00.800000", "trade", "TBX008-AAAAA-000008", s="XTZ 100", r="EUR 110", f="EUR 0.176", note="sell limit"),
    ]


# --- pairs -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pair", "base", "quote"),
    [
        ("XXBTZEUR", "BTC", "EUR"), ("XETHZUSD", "ETH", "USD"), ("XETHXXBT", "ETH", "BTC"), ("USDTZUSD", "USDT", "USD"),
        ("XXDGXXBT", "DOGE", "BTC"), ("DOTEUR", "DOT", "EUR"), ("XBTUSDT", "BTC", "USDT"), ("ETHPYUSD", "ETH", "PYUSD"),
        ("XTZEUR", "XTZ", "EUR"), ("BLZEUR", "BLZ", "EUR"), ("TRXETH", "TRX", "ETH"), ("ZRXXBT", "ZRX", "BTC"),
        ("USDCUSD", "USDC", "USD"), ("USDCUSDT", "USDC", "USDT"), ("KSMDOT", "KSM", "DOT"), ("SOLUSDC", "SOL", "USDC"),
        ("ETH/USD", "ETH", "USD"), ("ALGO/EUR", "ALGO", "EUR"), ("ETH/XBT", "ETH", "BTC"), ("xdgusd", "DOGE", "USD"),
        ("ABCXYZ", None, None), ("A/B/C", None, None), ("", None, None),
    ],
)  # fmt: skip
def test_split_pair(pair: str, base: str | None, quote: str | None) -> None:
    b, q = kraken_trades.split_pair(pl.col("pair"))
    got = pl.DataFrame({"pair": [pair]}).select(b=kraken_ledgers.asset_code(b), q=kraken_ledgers.asset_code(q)).row(0)
    assert got == (base, quote)
