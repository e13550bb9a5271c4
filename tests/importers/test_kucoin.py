"""KuCoin trade history: the sample and every header variant, zones, statuses, ids of several fills."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from taxlots import ingest
from taxlots.importers import bitfinex, bitstamp, gemini, generic, kucoin
from taxlots.model.diagnostics import Code
from tests.importers._ledger import rows, ts

HERE = Path(__file__).resolve().parent / "samples" / "kucoin"
SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "kucoin_trades_2024.csv"
ALL = (generic, gemini, bitstamp, bitfinex, kucoin)
V2024_08 = (
    "UID,Account Type,Order ID,Order Time({z}),Symbol,Side,Order Type,Order Price,Order Amount,Avg. Filled Price,Filled Amount,"
    "Filled Volume,Filled Volume (USDT),Filled Time({z}),Fee,Fee Currency,Tax,Status\n"
)


def load(*paths: Path, **kw: str) -> ingest.Ledger:
    return ingest.load([str(p) for p in paths], importers=(kucoin,), **kw)


def test_sample_rows() -> None:
    ledger = load(SAMPLE)
    lim, mkt = "LIMIT, Trading Account", "MARKET, Trading Account"
    assert rows(ledger) == [
        # 2024-01-01 03:15:20 at UTC+08:00 is still 2023 in UTC.
        (
            12,
            ts(2023, 12, 31, 19, 15, 20),
            "trade",
            "USDT",
            D("3435.75"),
            "ETH",
            D("1.5"),
            "USDT",
            D("3.43575"),
            "kucoin:658f3a21c4e9b10007a1d2e3:2023-12-31T19:15:20Z",
            lim,
        ),
        (
            11,
            ts(2024, 1, 2, 2, 20, 5),
            "trade",
            "USDT",
            D("197"),
            "KCS",
            D("20"),
            "USDT",
            D("0.197"),
            "kucoin:659234e0a1b2c30007f4e5d6:2024-01-02T02:20:05Z",
            mkt,
        ),
        # KCS fee deduction: the fee is in a third asset.
        (
            10,
            ts(2024, 1, 3, 12, 30, 2),
            "trade",
            "BTC",
            D("0.1"),
            "USDT",
            D("4421"),
            "KCS",
            D("0.35907"),
            "kucoin:6595b7c2d8e9f00007123abc:2024-01-03T12:30:02Z",
            lim,
        ),
        # Two fills of one order at different times.
        (
            9,
            ts(2024, 1, 11, 14, 3, 17),
            "trade",
            "USDT",
            D("2380"),
            "SOL",
            D("25"),
            "USDT",
            D("2.38"),
            "kucoin:65a0c1d2e3f4a50007b6c7d8:2024-01-11T14:03:17Z",
            lim,
        ),
        (
            8,
            ts(2024, 1, 11, 14, 7, 45),
            "trade",
            "USDT",
            D("1428"),
            "SOL",
            D("15"),
            "USDT",
            D("1.428"),
            "kucoin:65a0c1d2e3f4a50007b6c7d8:2024-01-11T14:07:45Z",
            lim,
        ),
        # Two fills of one order in the same second: the fill amount keeps their ids apart.
        (
            6,
            ts(2024, 1, 30, 1, 12, 44),
            "trade",
            "SOL",
            D("5.5"),
            "USDT",
            D("557.48"),
            "USDT",
            D("0.55748"),
            "kucoin:65b8e9f0a1b2c30007d8e9f0:2024-01-30T01:12:44Z:5.5",
            mkt,
        ),
        (
            7,
            ts(2024, 1, 30, 1, 12, 44),
            "trade",
            "SOL",
            D("9.5"),
            "USDT",
            D("962.015"),
            "USDT",
            D("0.962015"),
            "kucoin:65b8e9f0a1b2c30007d8e9f0:2024-01-30T01:12:44Z:9.5",
            mkt,
        ),
        (
            5,
            ts(2024, 2, 10, 7, 41, 9),
            "trade",
            "ETH",
            D("1.2"),
            "BTC",
            D("0.06576"),
            "KCS",
            D("0.2284"),
            "kucoin:65c5f1e2d3c4b50007a9b8c7:2024-02-10T07:41:09Z",
            lim,
        ),
        (
            4,
            ts(2024, 3, 1, 0, 0, 31),
            "trade",
            "USDT",
            D("2999.4"),
            "USDC",
            D("3000"),
            "USDT",
            D("2.9994"),
            "kucoin:65e0a9b8c7d6e50007f1e2d3:2024-03-01T00:00:31Z",
            lim,
        ),
        (
            3,
            ts(2024, 3, 7, 18, 10, 10),
            "trade",
            "USDT",
            D("3124.005"),
            "BTC",
            D("0.05"),
            "USDT",
            D("3.124005"),
            "kucoin:65e9f3a07b2c4e0007d1a2b3:2024-03-07T18:10:10Z",
            lim,
        ),
        (
            2,
            ts(2024, 3, 25, 3, 11, 11),
            "trade",
            "ETH",
            D("0.3"),
            "USDT",
            D("1086.12"),
            "KCS",
            D("0.0877"),
            "kucoin:66013c5ea8f1d20007e3b4c5:2024-03-25T03:11:11Z",
            mkt,
        ),
    ]
    assert set(ledger.frame["wallet"]) == {"KuCoin"}
    assert ledger.frame["usd_value"].null_count() == ledger.frame.height  # Filled Volume (USDT) is not USD
    assert ledger.diagnostics == []


def test_2019_oid_header_is_utc_plus_8_and_fee_is_in_the_base() -> None:
    # The oid export has no fee currency. KuCoin's 2018-19 fee was 0.1% of the traded coin: 1 ETH bought
    # -> 0.001 ETH fee (1 x 0.001), 0.4 ETH sold -> 0.0004 ETH (0.4 x 0.001); 0.1% of the BTC side
    # (0.0000345, 0.00001408) would be the quote reading this test rules out.
    assert rows(load(HERE / "v1_2019.csv")) == [
        (3, ts(2019, 3, 18, 1, 15, 2), "trade", "BTC", D("0.0345"), "ETH", D("1"), "ETH", D("0.001"),
         "kucoin:5c8f1a2b3c4d5e0007a1b2c3:2019-03-18T01:15:02Z", ""),
        (2, ts(2019, 3, 26, 13, 40, 55), "trade", "ETH", D("0.4"), "BTC", D("0.01408"), "ETH", D("0.0004"),
         "kucoin:5c9a0b1c2d3e4f0007b2c3d4:2019-03-26T13:40:55Z", ""),
    ]  # fmt: skip


def test_2018_header_with_repeated_coin_columns() -> None:
    # Each number's asset is the Coin cell after it; times are UTC+8 (08:30:12 +08 = 00:30:12 UTC).
    # The fee is in its own Coin: KCS on the buy (the coin received), BTC on the sell.
    path = HERE / "coins_2018.csv"
    assert rows(load(path)) == [
        (2, ts(2018, 1, 14, 0, 30, 12), "trade", "ETH", D("1.0224"), "KCS", D("120"), "KCS", D("0.12"), f"{path}:2", ""),
        (3, ts(2018, 2, 2, 15, 5, 40), "trade", "NEO", D("3.5"), "BTC", D("0.04235"), "BTC", D("0.00004235"), f"{path}:3", ""),
    ]


def test_2019_header_with_named_coin_columns() -> None:
    path = HERE / "named_coins_2019.csv"
    assert rows(load(path)) == [
        # 10:00:00 +08 = 02:00:00 UTC; BUY sends Volume 491 USDT, receives Amount 2 ETH
        (2, ts(2019, 6, 3, 2, 0, 0), "trade", "USDT", D("491"), "ETH", D("2"), "USDT", D("0.491"), f"{path}:2", ""),
        # 02:12:09 +08 is the previous day 18:12:09 UTC
        (3, ts(2019, 7, 20, 18, 12, 9), "trade", "BTC", D("0.1"), "USDT", D("1051.23"), "USDT", D("1.05123"), f"{path}:3", ""),
    ]


def test_2022_header_with_bom_is_utc_plus_8() -> None:
    assert rows(load(HERE / "v2_2022.csv")) == [
        (
            3,
            ts(2021, 12, 31, 23, 59, 59),
            "trade",
            "USDT",
            D("942.01"),
            "BTC",
            D("0.02"),
            "USDT",
            D("0.94201"),
            "kucoin:61cf9a0b1c2d3e0001a2b3c4:2021-12-31T23:59:59Z",
            "market",
        ),
        (
            2,
            ts(2022, 5, 12, 8, 20),
            "trade",
            "SOL",
            D("10"),
            "USDT",
            D("551"),
            "KCS",
            D("0.3"),
            "kucoin:627c1b2c3d4e5f0001b2c3d4:2022-05-12T08:20:00Z",
            "limit",
        ),
    ]


def test_2024_03_header_with_utc_zone() -> None:
    assert rows(load(HERE / "v3_2024_03.csv")) == [
        (
            2,
            ts(2024, 3, 12, 6),
            "trade",
            "USDT",
            D("700"),
            "ETH",
            D("0.2"),
            "USDT",
            D("0.7"),
            "kucoin:65f0b1c2d3e4f50007a8b9c0:2024-03-12T06:00:00Z",
            "LIMIT, Trading Account",
        ),
    ]


def test_bundle_header_without_zone_is_utc_plus_8_and_keeps_tax_in_the_note() -> None:
    assert rows(load(HERE / "bundle.csv")) == [
        (
            2,
            ts(2024, 5, 31, 16, 30),
            "trade",
            "BTC",
            D("0.01"),
            "USDT",
            D("677.5"),
            "USDT",
            D("0.6775"),
            "kucoin:665a1b2c3d4e5f0007c1d2e3:2024-05-31T16:30:00Z",
            "LIMIT, Trading Account, tax 0.12",
        ),
    ]


def test_2026_header_with_account_mode_and_half_hour_zone() -> None:
    assert rows(load(HERE / "v5_2026.csv")) == [
        (
            2,
            ts(2026, 6, 15, 4, 30),
            "trade",
            "USDC",
            D("2050"),
            "ETH",
            D("0.5"),
            "USDC",
            D("2.05"),
            "kucoin:6a6f1b2c3d4e5f0007e1f2a3:2026-06-15T04:30:00Z",
            "LIMIT, Trading Account",
        ),
    ]


def test_empty_export_is_a_counted_skip() -> None:
    ledger = load(HERE / "empty.csv")
    assert rows(ledger) == []
    assert ledger.files[0].skipped == {"empty export (No matching records found.)": 1}
    assert [d for d in ledger.diagnostics if d.code is not Code.SKIPPED_ROWS] == []


def test_statuses_identical_fills_and_bad_rows() -> None:
    path = HERE / "statuses.csv"
    ledger = load(path)
    order = "kucoin:6630a1b2c3d4e5f600aa0001:2024-05-01T01:00:05Z:0.1"
    assert rows(ledger) == [
        (2, ts(2024, 5, 1, 1, 0, 5), "trade", "USDT", D("6300"), "BTC", D("0.1"), "USDT", D("6.3"), f"{order}:1", "LIMIT, Trading Account"),
        (3, ts(2024, 5, 1, 1, 0, 5), "trade", "USDT", D("6300"), "BTC", D("0.1"), "USDT", D("6.3"), f"{order}:2", "LIMIT, Trading Account"),
    ]
    assert ledger.files[0].skipped == {
        "status 'cancel' (only deal/done rows are filled trades)": 1,
        "status 'part_deal' (only deal/done rows are filled trades)": 1,
    }
    bad = sorted((d.source.file, d.source.line, d.message) for d in ledger.diagnostics if d.code is Code.BAD_ROW)
    f = str(path)
    assert bad == [
        (f, 6, "unknown side 'HOLD'; expected BUY or SELL"),
        (f, 7, "symbol 'ETHUSDT' is not BASE-QUOTE (ETH-USDT)"),
        (f, 8, "fee 'x' is not a number"),
    ]


def test_one_fill_exported_in_two_zones_has_one_id(tmp_path: Path) -> None:
    other = tmp_path / "spot_orders_utc8.csv"
    other.write_text(
        V2024_08.format(z="UTC+08:00")
        + "48213377,Trading Account,65f0b1c2d3e4f50007a8b9c0,2024-03-12 13:59:58,ETH-USDT,BUY,LIMIT,3500,0.2,"
        "3500,0.2,700,700,2024-03-12 14:00:00,0.7,USDT,,deal\n"
    )
    ledger = load(HERE / "v3_2024_03.csv", other)
    assert [r.id for r in ledger.rows()] == ["kucoin:65f0b1c2d3e4f50007a8b9c0:2024-03-12T06:00:00Z"]
    assert ledger.files[1].duplicates == 1


def test_unreadable_zone_in_header_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "odd_zone.csv"
    path.write_text(
        V2024_08.format(z="GMT+8")
        + "48213377,Trading Account,66aa,2024-08-01 10:00:00,ETH-USDT,BUY,LIMIT,3000,1,3000,1,3000,3000,2024-08-01 10:00:05,3,USDT,,deal\n"
    )
    bad = sorted((d.source.line, d.message) for d in load(path).diagnostics if d.code is Code.BAD_ROW)
    assert bad == [(2, "cannot read the time zone of header 'Filled Time(GMT+8)'; expected e.g. (UTC+08:00)")]


@pytest.mark.parametrize(
    "name",
    [
        "coins_2018.csv",
        "named_coins_2019.csv",
        "v1_2019.csv",
        "v2_2022.csv",
        "v3_2024_03.csv",
        "bundle.csv",
        "statuses.csv",
        "v5_2026.csv",
        "empty.csv",
    ],
)
def test_every_header_variant_is_claimed_by_kucoin_alone(name: str) -> None:
    sniffed, diag = ingest.sniff(str(HERE / name), ALL)
    assert diag is None and sniffed is not None
    assert sniffed.importer is kucoin


def test_sample_is_claimed_by_kucoin_alone() -> None:
    sniffed, _ = ingest.sniff(str(SAMPLE), ALL)
    assert sniffed is not None and sniffed.importer is kucoin


def test_a_trade_header_without_a_filled_time_is_not_claimed() -> None:
    header = (
        "uid",
        "account type",
        "order id",
        "symbol",
        "side",
        "order type",
        "avg. filled price",
        "filled amount",
        "filled volume",
        "filled volume (usdt)",
        "fee",
        "maker/taker",
        "fee currency",
    )
    assert not kucoin.claims(header)
    assert kucoin.claims((*header, "filled time(utc+08:00)"))
