"""attach_prices: which rows are priced, by which source, at which exact value; what stays unpriced.

Every expected value is computed by hand in the comment next to it.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import polars as pl
import pytest

from taxlots.model.diagnostics import Code, Severity
from taxlots.model.source import SourceRef
from taxlots.pricing import DEFAULT_PEGGED, attach_prices
from tests.pricing._ledger import by_id, ledger, write

PRICE_HEADER = "timestamp,asset,usd_price"


@pytest.fixture(autouse=True)
def _here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def values(frame: pl.DataFrame) -> dict[str, tuple[object, ...]]:
    return by_id(frame, "usd_value", "price_source")


def test_income_is_priced_from_a_file() -> None:
    frame = ledger("2024-03-02T10:00:00Z,K,income,,,SOL,3,,,,,i1,staking")
    prices = write("p.csv", PRICE_HEADER, "2024-03-02T09:00:00Z,SOL,120.5")
    out, report, diags = attach_prices(frame, price_files=[prices])
    assert diags == []
    assert values(out) == {"i1": ("361.5", "file:p.csv")}  # 3 * 120.5 = 361.5
    assert frame["usd_value"].to_list() == [None]  # the input frame is not changed
    assert report.filled == {"file:p.csv": 1}
    assert report.unpriced == ()


def test_same_rows_same_order_same_columns_plus_three() -> None:
    frame = ledger(
        "2024-03-01T00:00:00Z,K,trade,USD,100,BTC,0.002,,,,,b1,",
        "2024-03-02T00:00:00Z,K,income,,,SOL,1,,,,,i1,",
        "2024-03-03T00:00:00Z,K,deposit,,,ETH,1,,,,,d1,",
    )
    out, _, _ = attach_prices(frame)
    assert out.columns == [*frame.columns, "price_source", "fee_usd", "fee_source"]
    assert out.drop("price_source", "fee_usd", "fee_source").equals(frame)
    assert out.schema["usd_value"] == pl.String and out.schema["fee_usd"] == pl.String


def test_as_of_takes_the_latest_price_at_or_before_never_after() -> None:
    frame = ledger(
        "2024-03-02T12:00:00Z,K,income,,,SOL,2,,,,,at,",  # a price at exactly this moment
        "2024-03-02T12:30:00Z,K,income,,,SOL,2,,,,,between,",  # 12:00 is the latest before; 13:00 is after
        "2024-03-02T11:59:59Z,K,income,,,SOL,2,,,,,before,",  # only 08:00 is before
    )
    prices = write("p.csv", PRICE_HEADER, "2024-03-02T08:00:00Z,SOL,100", "2024-03-02T12:00:00Z,SOL,110", "2024-03-02T13:00:00Z,SOL,999")
    out, _, _ = attach_prices(frame, price_files=[prices])
    # 2 * 110 = 220 at 12:00 and 12:30; 2 * 100 = 200 at 11:59:59
    assert by_id(out, "usd_value") == {"at": ("220",), "between": ("220",), "before": ("200",)}


def test_a_price_older_than_staleness_is_not_used() -> None:
    frame = ledger(
        "2024-03-03T00:00:00Z,K,income,,,SOL,1,,,,,edge,",  # exactly 24 h after the price: still used
        "2024-03-03T00:00:00.000001Z,K,income,,,SOL,1,,,,,stale,",  # 1 microsecond more: too old
    )
    prices = write("p.csv", PRICE_HEADER, "2024-03-02T00:00:00Z,SOL,100")
    out, report, diags = attach_prices(frame, price_files=[prices])
    assert by_id(out, "usd_value") == {"edge": ("100",), "stale": (None,)}
    assert report.unpriced == (SourceRef("ledger.csv", 3, "generic"),)
    out, _, _ = attach_prices(frame, price_files=[prices], staleness=timedelta(hours=25))
    assert by_id(out, "usd_value") == {"edge": ("100",), "stale": ("100",)}


def test_source_order_export_override_file_ledger_peg() -> None:
    frame = ledger(
        "2024-03-01T10:00:00Z,K,trade,USD,60000,BTC,1,,,,,buy,",  # BTC/USD in the ledger: 60000
        "2024-03-01T10:10:00Z,K,income,,,BTC,0.1,,,5000,,exp,",  # the export's value stays
        "2024-03-01T10:10:00Z,K,income,,,ETH,2,,,,,file,",  # ETH only in the file
        "2024-03-01T10:10:00Z,K,income,,,BTC,0.5,,,,,fileovr,",  # BTC in the file and the ledger: the file wins
        "2024-03-01T10:10:00Z,K,income,,,DOGE,100,,,,,ledger,",  # no file price; DOGE/USD trade below
        "2024-03-01T10:20:00Z,K,trade,DOGE,1000,USD,150,,,,,dsell,",  # 150 / 1000 = 0.15 USD/DOGE
        "2024-03-01T10:10:00Z,K,income,,,USDC,25,,,,,peg,",  # nothing else prices USDC
    )
    frame = frame.with_columns(price_source=pl.when(pl.col("id") == "exp").then(pl.lit("override")).otherwise(None))
    prices = write("p.csv", PRICE_HEADER, "2024-03-01T10:00:00Z,ETH,3500", "2024-03-01T10:00:00Z,BTC,61000")
    out, report, diags = attach_prices(frame, price_files=[prices])
    assert values(out) == {
        "buy": (None, "export"),  # a USD side: the engine values it from that side
        "exp": ("5000", "override"),  # an override already in the frame is kept
        "file": ("7000", "file:p.csv"),  # 2 * 3500
        "fileovr": ("30500", "file:p.csv"),  # 0.5 * 61000 (not 0.5 * 60000 from the ledger)
        "ledger": ("15", "ledger"),  # 100 * 150 / 1000
        "dsell": (None, "export"),
        "peg": ("25", "peg"),  # 25 * 1.00
    }
    assert report.filled == {"file:p.csv": 2, "ledger": 1, "peg": 1}
    assert [(d.code, d.severity, d.message, str(d.source)) for d in diags] == [
        (
            Code.PRICE_ASSUMED,
            Severity.WARNING,
            "priced 1 USDC row(s) at 1.00 USD on 2024-03-01 (USD peg assumed; a price file would override it)",
            "ledger.csv:8",
        )
    ]


def test_a_depeg_in_a_price_file_beats_the_peg() -> None:
    frame = ledger("2024-05-10T12:00:00Z,K,trade,BTC,0.02,USDT,1200,,,,,t1,")
    prices = write("p.csv", PRICE_HEADER, "2024-05-10T11:00:00Z,USDT,0.9712")
    out, report, diags = attach_prices(frame, price_files=[prices])
    assert values(out) == {"t1": ("1165.44", "file:p.csv")}  # 1200 * 0.9712 = 1165.44
    assert report.pegged == {} and diags == []
    out, report, diags = attach_prices(frame)  # without the file: the peg
    assert values(out) == {"t1": ("1200", "peg")}
    assert report.pegged == {"USDT": 1}


def test_pegged_list_is_the_callers() -> None:
    frame = ledger("2024-05-10T12:00:00Z,K,income,,,DAI,10,,,,,i1,")
    assert values(attach_prices(frame)[0]) == {"i1": ("10", "peg")}
    out, report, _ = attach_prices(frame, pegged=[c for c in DEFAULT_PEGGED if c != "DAI"])
    assert values(out) == {"i1": (None, None)}
    assert len(report.unpriced) == 1


def test_a_trade_is_valued_by_what_it_received_then_by_what_it_sent() -> None:
    frame = ledger(
        "2024-03-01T12:00:00Z,K,trade,ETH,2,SOL,50,,,,,recv,",  # SOL priced: 50 * 140 = 7000
        "2024-03-01T12:00:00Z,K,trade,ETH,2,XYZ,9999,,,,,sent,",  # XYZ has no price: 2 ETH * 3400 = 6800
    )
    prices = write("p.csv", PRICE_HEADER, "2024-03-01T11:00:00Z,ETH,3400", "2024-03-01T11:00:00Z,SOL,140")
    out, _, diags = attach_prices(frame, price_files=[prices])
    assert values(out) == {"recv": ("7000", "file:p.csv"), "sent": ("6800", "file:p.csv")}
    assert diags == []


def test_a_fee_in_a_third_asset_gets_fee_usd() -> None:
    frame = ledger(
        "2024-03-01T12:00:00Z,B,trade,USDT,6000,BTC,0.1,BNB,0.0125,,,t1,",
        "2024-03-01T12:00:00Z,B,trade,USDT,6000,BTC,0.1,BTC,0.0001,,,own,",  # a fee in the row's own asset: the engine's
        "2024-03-01T12:00:00Z,B,trade,USD,6000,BTC,0.1,BNB,0.0125,,,usd,",  # a USD side, still a BNB fee to price
    )
    prices = write("p.csv", PRICE_HEADER, "2024-03-01T00:00:00Z,BNB,401.6", "2024-03-01T00:00:00Z,BTC,60000")
    out, report, diags = attach_prices(frame, price_files=[prices])
    assert by_id(out, "usd_value", "price_source", "fee_usd", "fee_source") == {
        "t1": ("6000", "file:p.csv", "5.02", "file:p.csv"),  # 0.1 * 60000 = 6000; 0.0125 * 401.6 = 5.02
        "own": ("6000", "file:p.csv", None, None),
        "usd": (None, "export", "5.02", "file:p.csv"),
    }
    assert report.fees_filled == {"file:p.csv": 2}
    assert diags == []


def test_transfers_withdrawals_and_deposits_are_priced_only_when_a_fee_needs_it() -> None:
    frame = ledger(
        "2024-03-01T12:00:00Z,A,transfer,ETH,1,ETH,0.9992,,,,B,net,",  # network fee: 1 * 3400
        "2024-03-01T12:00:00Z,A,transfer,ETH,1,,,,,,B,plain,",  # nothing disposed: not priced
        "2024-03-01T12:00:00Z,A,transfer,ETH,1,ETH,1,ETH,0.001,,B,fee,",  # fee in ETH: 1 * 3400
        "2024-03-01T12:00:00Z,A,withdrawal,ETH,0.5,,,ETH,0.001,,,wfee,",  # 0.5 * 3400 = 1700
        "2024-03-01T12:00:00Z,A,withdrawal,ETH,0.5,,,,,,,w,",
        "2024-03-01T12:00:00Z,A,deposit,,,ETH,0.25,ETH,0.001,,,dfee,",  # 0.25 * 3400 = 850
        "2024-03-01T12:00:00Z,A,deposit,,,ETH,0.25,,,,,d,",  # basis from transfer matching or the user
        "2024-03-01T12:00:00Z,A,spend,ETH,0.1,,,,,,,s,",  # 0.1 * 3400 = 340
        "2024-03-01T12:00:00Z,A,fee,ETH,0.002,,,,,,,f,",  # 0.002 * 3400 = 6.8
    )
    prices = write("p.csv", PRICE_HEADER, "2024-03-01T00:00:00Z,ETH,3400")
    out, report, diags = attach_prices(frame, price_files=[prices])
    src = "file:p.csv"
    assert values(out) == {
        "net": ("3400", src),
        "plain": (None, None),
        "fee": ("3400", src),
        "wfee": ("1700", src),
        "w": (None, None),
        "dfee": ("850", src),
        "d": (None, None),
        "s": ("340", src),
        "f": ("6.8", src),
    }
    assert diags == [] and report.unpriced == ()


def test_ledger_price_takes_the_nearest_trade_within_the_window() -> None:
    frame = ledger(
        "2024-03-01T10:00:00Z,K,trade,USD,600,SOL,5,,,,,far,",  # 120 USD/SOL, 50 min before
        "2024-03-01T11:20:00Z,K,trade,SOL,2,USD,250,,,,,near,",  # 125 USD/SOL, 30 min after
        "2024-03-01T10:50:00Z,K,income,,,SOL,4,,,,,i1,",  # nearest is 11:20: 4 * 125 = 500
        "2024-03-01T13:00:00Z,K,income,,,SOL,4,,,,,i2,",  # 1 h 40 min after the last trade: outside the window
    )
    out, report, diags = attach_prices(frame)
    assert by_id(out, "usd_value", "price_source")["i1"] == ("500", "ledger")
    assert by_id(out, "usd_value")["i2"] == (None,)
    out, _, _ = attach_prices(frame, window=timedelta(hours=2))
    assert by_id(out, "usd_value")["i2"] == ("500",)  # 11:20 is 1 h 40 min away: 4 * 125


def test_ledger_price_pools_trades_that_are_equally_near() -> None:
    frame = ledger(
        "2024-03-01T10:00:00Z,K,trade,USD,100,SOL,1,,,,,a,",  # 10 min before: 1 SOL for 100
        "2024-03-01T10:20:00Z,K,trade,USD,330,SOL,3,,,,,b,",  # 10 min after: 3 SOL for 330
        "2024-03-01T10:20:00Z,K,trade,SOL,2,USD,230,,,,,c,",  # same moment as b: 2 SOL for 230
        "2024-03-01T10:10:00Z,K,income,,,SOL,1.5,,,,,i1,",
        "2024-03-01T10:20:00Z,K,income,,,SOL,1,,,,,i2,",  # at b and c's moment: only they count
    )
    out, _, _ = attach_prices(frame)
    # i1: (100 + 330 + 230) / (1 + 3 + 2) = 660 / 6 = 110 USD/SOL; 1.5 * 110 = 165
    # i2: (330 + 230) / (3 + 2) = 560 / 5 = 112; 1 * 112 = 112
    assert by_id(out, "usd_value") == {"a": (None,), "b": (None,), "c": (None,), "i1": ("165",), "i2": ("112",)}


def test_values_are_rounded_only_to_the_1e_18_grain() -> None:
    frame = ledger(
        "2024-03-01T10:00:00Z,K,trade,USD,100,SOL,3,,,,,a,",  # 100 / 3 USD/SOL
        "2024-03-01T10:00:00Z,K,income,,,SOL,1,,,,,i1,",  # 33.333... rounded half even at 18 places
        "2024-03-01T10:00:00Z,K,income,,,SOL,2,,,,,i2,",  # 66.666... -> ...667
        "2024-03-01T10:00:00Z,K,income,,,ETH,0.123456789012345678,,,,,i3,",  # exact product, 18 + 4 decimals
    )
    prices = write("p.csv", PRICE_HEADER, "2024-03-01T00:00:00Z,ETH,1.0001")
    out, _, _ = attach_prices(frame, price_files=[prices])
    got = by_id(out, "usd_value")
    assert got["i1"] == ("33.333333333333333333",)
    assert got["i2"] == ("66.666666666666666667",)
    # 0.123456789012345678 * 1.0001 = 0.1234691346912469125678 -> 18 places, half even: 0.123469134691246913
    assert got["i3"] == ("0.123469134691246913",)


def test_values_already_in_the_frame_are_kept() -> None:
    frame = ledger("2024-03-01T12:00:00Z,B,trade,ETH,1,BTC,0.05,BNB,0.01,,,t1,")
    frame = frame.with_columns(
        usd_value=pl.lit("3000"), price_source=pl.lit("file:old.csv"), fee_usd=pl.lit("4"), fee_source=pl.lit("file:old.csv")
    )
    prices = write("p.csv", PRICE_HEADER, "2024-03-01T00:00:00Z,BTC,60000", "2024-03-01T00:00:00Z,BNB,400")
    out, report, _ = attach_prices(frame, price_files=[prices])
    assert by_id(out, "usd_value", "price_source", "fee_usd", "fee_source") == {"t1": ("3000", "file:old.csv", "4", "file:old.csv")}
    assert report.filled == {} and report.fees_filled == {}


def test_first_price_file_wins_a_tie_and_a_usd_quote_beats_a_stablecoin_quote() -> None:
    frame = ledger("2024-03-01T01:30:00Z,K,income,,,BTC,1,,,,,i1,", "2024-03-01T01:30:00Z,K,income,,,ETH,1,,,,,i2,")
    a = write("a.csv", PRICE_HEADER, "2024-03-01T01:00:00Z,ETH,3000")
    b = write("b.csv", PRICE_HEADER, "2024-03-01T01:00:00Z,ETH,3100")
    usdt = write("XBTUSDT_60.csv", "1709251200,1,1,1,61000,1,1")  # closes 2024-03-01T01:00Z
    usd = write("XBTUSD_60.csv", "1709251200,1,1,1,60000,1,1")
    out, _, diags = attach_prices(frame, price_files=[usdt, b, a, usd])
    assert values(out) == {"i1": ("60000", "file:XBTUSD_60.csv"), "i2": ("3100", "file:b.csv")}
    # the USDT file, once; and b.csv's ETH disagreeing with a.csv's (b.csv was given first, so it wins)
    assert sorted((d.code, d.source.file if d.source else "") for d in diags) == [
        (Code.PRICE_ASSUMED, "XBTUSDT_60.csv"),
        (Code.PRICE_CONFLICT, "b.csv"),
    ]


def test_unpriced_rows_are_one_error_per_asset_and_run_of_days() -> None:
    frame = ledger(
        "2024-03-02T10:00:00Z,K,income,,,SOL,1,,,,,s1,",
        "2024-03-02T23:59:59Z,K,income,,,SOL,1,,,,,s2,",
        "2024-03-03T00:00:00Z,K,trade,ETH,1,SOL,20,,,,,s3,",  # a trade counts under its received asset
        "2024-03-04T05:00:00Z,K,income,,,SOL,1,,,,,s4,",
        "2024-03-05T05:00:00Z,K,spend,SOL,1,,,,,,,s5,",
        "2024-03-05T06:00:00Z,K,income,,,SOL,1,,,,,s6,",
        "2024-03-05T07:00:00Z,K,income,,,SOL,1,,,,,s7,",
        "2024-03-08T07:00:00Z,K,income,,,SOL,1,,,,,s8,",  # 06 and 07 have none: a new run
        "2024-03-04T12:00:00Z,K,trade,USD,10,BTC,0.0002,ATOM,0.5,,,fee,",  # an unpriced third-asset fee
    )
    out, report, diags = attach_prices(frame)
    hint = (
        "give a price file with --prices FILE (timestamp,asset,usd_price; a Kraken OHLCVT or CoinGecko export), "
        "or write one with `taxlots prices fetch`"
    )
    assert [(str(d.source), d.code, d.severity, d.message, d.hint) for d in diags] == [
        ("ledger.csv:2", Code.MISSING_PRICE, Severity.ERROR, "no USD price for SOL on 2024-03-02 – 2024-03-05 (7 rows)", hint),
        ("ledger.csv:9", Code.MISSING_PRICE, Severity.ERROR, "no USD price for SOL on 2024-03-08 (1 row)", hint),
        ("ledger.csv:10", Code.MISSING_PRICE, Severity.ERROR, "no USD price for ATOM on 2024-03-04 (1 row)", hint),
    ]
    # every unpriced row, in ledger order (seq): the fee row at 03-04 12:00 sorts after s4 at 05:00
    assert [r.line for r in report.unpriced] == [2, 3, 4, 5, 10, 6, 7, 8, 9]
    assert all(r.file == "ledger.csv" for r in report.unpriced)
    assert by_id(out, "usd_value", "price_source")["s1"] == (None, None)


def test_peg_warning_counts_rows_and_gives_the_date_range() -> None:
    frame = ledger(
        "2024-01-02T00:00:00Z,B,trade,BTC,0.01,USDT,450,,,,,t1,",
        "2024-02-02T00:00:00Z,B,income,,,USDT,3,,,,,t2,",
        "2024-05-06T00:00:00Z,B,trade,USDT,100,ETH,0.03,,,,,t3,",  # ETH unpriced: valued by the USDT sent
        "2024-05-06T00:00:00Z,B,income,,,USDC,1,,,,,c1,",
    )
    out, report, diags = attach_prices(frame)
    assert values(out)["t3"] == ("100", "peg")
    assert [(str(d.source), d.message) for d in diags] == [
        ("ledger.csv:2", "priced 3 USDT row(s) at 1.00 USD on 2024-01-02 – 2024-05-06 (USD peg assumed; a price file would override it)"),
        ("ledger.csv:5", "priced 1 USDC row(s) at 1.00 USD on 2024-05-06 (USD peg assumed; a price file would override it)"),
    ]
    assert report.pegged == {"USDC": 1, "USDT": 3}


def test_usd_income_is_its_own_value() -> None:
    frame = ledger("2024-01-02T00:00:00Z,B,income,,,USD,12.34,,,,,i1,interest")
    assert values(attach_prices(frame)[0]) == {"i1": ("12.34", "export")}


def test_price_file_problems_are_returned() -> None:
    frame = ledger("2024-01-02T00:00:00Z,B,income,,,USD,1,,,,,i1,")
    write("bad.csv", "what,is,this")
    _, _, diags = attach_prices(frame, price_files=["bad.csv"])
    assert [(str(d.source), d.code) for d in diags] == [("bad.csv:1", Code.PRICE_FILE)]


def test_the_same_input_gives_the_same_output() -> None:
    rows = [f"2024-03-0{d}T0{h}:00:00Z,K,income,,,SOL,{d}.{h},,,,,i{d}{h}," for d in range(1, 4) for h in range(3)]
    frame = ledger(*rows, "2024-03-01T00:30:00Z,K,trade,USD,7,SOL,0.07,,,,,b,")
    first = attach_prices(frame)
    second = attach_prices(frame)
    assert first[0].equals(second[0]) and first[1] == second[1] and first[2] == second[2]
