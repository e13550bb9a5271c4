"""Robinhood Crypto's gains and losses report: each lot sold becomes its buy and its sale, by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal as D
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from taxlots import ingest, pipeline
from taxlots.importers import robinhood
from taxlots.lots.holding import tax_date
from taxlots.lots.methods import Method
from tests.importers._rows import line_errors, sides_table, write_csv

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "robinhood_gains_2024.csv"
PREAMBLE = "Provider: Robinhood Crypto LLC,,,\nDisclaimer: ,,,,\n,,,,\n,,,,\n,,,,\n,,,,\n"
HEADER = "ASSET NAME,RECEIVED DATE,COST BASIS(USD),DATE SOLD,PROCEEDS,AMOUNT SOLD,DURATION,NONCOVERED,BASIS REPORTED\n"


def load(*paths: Path) -> ingest.Ledger:
    return ingest.load([str(p) for p in paths], importers=(robinhood,))


def write(tmp_path: Path, *rows: str, name: str = "robinhood_gains.csv") -> Path:
    return write_csv(tmp_path / name, PREAMBLE + HEADER, *rows)


def table(ledger: ingest.Ledger) -> list[tuple[Any, ...]]:
    """By line, the acquisition before the sale (as the ledger orders them in time)."""
    rows = sides_table(ledger, lambda r: (None if r["usd_value"] is None else D(r["usd_value"]),), wallet="Robinhood")
    return sorted(rows, key=lambda r: (r[0], r[1]))


def at(y: int, m: int, d: int, second: int = 0) -> datetime:
    return datetime(y, m, d, 12, 0, second, tzinfo=UTC)


def test_sample_rows() -> None:
    ledger = load(SAMPLE)
    assert line_errors(ledger) == []
    assert ledger.files[0].header_line == 7  # under the six preamble lines
    assert table(ledger) == [
        # line 8: received 11/14/22 for $1,654.20, sold 03/13/24 for $7,287.63
        (8, at(2022, 11, 14), "trade", ("USD", D("1654.20")), ("BTC", D("0.1")), None, None),
        (8, at(2024, 3, 13, 1), "trade", ("BTC", D("0.1")), ("USD", D("7287.63")), None, None),
        (9, at(2024, 1, 22), "trade", ("USD", D("4012.50")), ("BTC", D("0.1")), None, None),
        (9, at(2024, 3, 13, 1), "trade", ("BTC", D("0.1")), ("USD", D("7287.63")), None, None),
        (10, at(2024, 2, 5), "trade", ("USD", D("1150")), ("ETH", D("0.5")), None, None),
        (10, at(2024, 4, 17, 1), "trade", ("ETH", D("0.5")), ("USD", D("1552.10")), None, None),
        # line 11: bought and sold on one day; "1,500" units
        (11, at(2024, 4, 30), "trade", ("USD", D("250")), ("DOGE", D("1500")), None, None),
        (11, at(2024, 4, 30, 1), "trade", ("DOGE", D("1500")), ("USD", D("262.35")), None, None),
        (12, at(2024, 5, 2), "trade", ("USD", D("161.70")), ("DOGE", D("1470")), None, None),
        (12, at(2024, 8, 19, 1), "trade", ("DOGE", D("1470")), ("USD", D("151.05")), None, None),
        # line 13: a $0.00 cost basis (a reward) is a deposit valued at 0, not a trade of nothing
        (13, at(2024, 6, 18), "deposit", None, ("SOL", D("0.095")), None, D("0")),
        (13, at(2024, 9, 25, 1), "trade", ("SOL", D("0.095")), ("USD", D("14.52")), None, None),
        (14, at(2023, 3, 1), "trade", ("USD", D("426")), ("LTC", D("5.4")), None, None),
        (14, at(2024, 10, 16, 1), "trade", ("LTC", D("5.4")), ("USD", D("356.40")), None, None),
        (15, at(2024, 2, 5), "trade", ("USD", D("690")), ("ETH", D("0.3")), None, None),
        (15, at(2024, 12, 27, 1), "trade", ("ETH", D("0.3")), ("USD", D("1003.47")), None, None),
    ]
    notes = ledger.frame.filter(ledger.frame["line"] == 14).sort("timestamp")["note"].to_list()
    assert notes == [
        "lot sold 10/16/24; Long Term; NONCOVERED Y; BASIS REPORTED N",
        "lot received 03/01/23; Long Term; NONCOVERED Y; BASIS REPORTED N",
    ]


def test_the_sample_year_gives_back_every_lot_as_robinhood_reported_it() -> None:
    """FIFO over the rebuilt rows pairs each sale with its own row's lot: proceeds, basis and term per row."""
    run = pipeline.run([str(SAMPLE)], zone=ZoneInfo("America/New_York"), method=Method.FIFO)
    assert [d.render() for d in run.diagnostics if d.severity == "error"] == []
    got = [
        (d.asset, d.quantity, s.acquired_date, d.sold_date, d.proceeds, s.basis, s.long_term)
        for d in run.result.disposals
        for s in d.slices
    ]
    assert got == [
        ("BTC", D("0.1"), date(2022, 11, 14), date(2024, 3, 13), D("7287.63"), D("1654.20"), True),
        ("BTC", D("0.1"), date(2024, 1, 22), date(2024, 3, 13), D("7287.63"), D("4012.50"), False),
        ("ETH", D("0.5"), date(2024, 2, 5), date(2024, 4, 17), D("1552.10"), D("1150"), False),
        ("DOGE", D("1500"), date(2024, 4, 30), date(2024, 4, 30), D("262.35"), D("250"), False),
        ("DOGE", D("1470"), date(2024, 5, 2), date(2024, 8, 19), D("151.05"), D("161.70"), False),
        ("SOL", D("0.095"), date(2024, 6, 18), date(2024, 9, 25), D("14.52"), D("0"), False),
        ("LTC", D("5.4"), date(2023, 3, 1), date(2024, 10, 16), D("356.40"), D("426"), True),
        ("ETH", D("0.3"), date(2024, 2, 5), date(2024, 12, 27), D("1003.47"), D("690"), False),
    ]


@pytest.mark.parametrize("zone", ["Pacific/Honolulu", "America/Los_Angeles", "America/New_York", "UTC", "Asia/Tokyo"])
def test_a_day_is_the_same_tax_date_in_every_zone(tmp_path: Path, zone: str) -> None:
    # read as midnight UTC, 12/31/24 would be 12/30 in New York: a sale in the wrong tax year
    ledger = load(write(tmp_path, "BTC,01/01/24,100,12/31/24,150,0.001,Short Term,N,Y"))
    days = [tax_date(t, ZoneInfo(zone)) for t in ledger.frame.sort("timestamp")["timestamp"].to_list()]
    assert days == [date(2024, 1, 1), date(2024, 12, 31)]


@pytest.mark.parametrize(
    ("written", "day"),
    [("03/15/24", date(2024, 3, 15)), ("3/5/2024", date(2024, 3, 5)), ("12/01/21", date(2021, 12, 1)), ("2024-03-15", date(2024, 3, 15))],
)
def test_dates_are_month_first(tmp_path: Path, written: str, day: date) -> None:
    ledger = load(write(tmp_path, f"ETH,{written},10,12/31/24,20,0.01,,,"))
    assert line_errors(ledger) == []
    assert ledger.frame.sort("timestamp")["timestamp"].to_list()[0] == at(day.year, day.month, day.day)


def test_bad_rows_name_the_line_and_make_no_half_lot(tmp_path: Path) -> None:
    rows = [
        "BTC,15/03/24,100,12/31/24,150,0.001,,,",  # day first: month 15
        "BTC,01/02/24,100,,150,0.001,,,",  # DATE SOLD blank
        "BTC,06/02/24,100,01/02/24,150,0.001,,,",  # sold before it was received
        "BTC,01/02/24,-100,03/02/24,150,0.001,,,",
        "BTC,01/02/24,100,03/02/24,abc,0.001,,,",
        "BTC,01/02/24,100,03/02/24,150,0,,,",
        ",01/02/24,100,03/02/24,150,0.001,,,",
        "BTC,01/02/24,100,03/02/24,150,0.001,,,",  # the one good row
    ]
    ledger = load(write(tmp_path, *rows))
    assert line_errors(ledger) == [
        (8, "RECEIVED DATE '15/03/24' is not a month-first date like '03/15/24'"),
        (9, "DATE SOLD is blank"),
        (10, "DATE SOLD is before RECEIVED DATE"),
        (11, "COST BASIS(USD) '-100' is negative"),
        (12, "PROCEEDS 'abc' is not a number"),
        (13, "AMOUNT SOLD is zero"),
        (14, "ASSET NAME is blank"),
    ]
    # one error per bad line, and none of them leaves a buy or a sale behind
    assert ledger.frame["line"].to_list() == [15, 15]


def test_worthless_sale_is_a_disposal_at_zero(tmp_path: Path) -> None:
    ledger = load(write(tmp_path, "LUNA,01/02/22,500,06/01/22,$0.00,10,,,"))
    assert table(ledger)[1] == (8, at(2022, 6, 1, 1), "spend", ("LUNA", D("10")), None, None, D("0"))


def test_the_same_report_downloaded_twice_is_read_once(tmp_path: Path) -> None:
    rows = ("BTC,01/02/24,100,03/02/24,150,0.001,,,", "BTC,01/02/24,100,03/02/24,150,0.001,,,")  # two equal lots: both kept
    first, second = write(tmp_path, *rows), write(tmp_path, *rows, name="robinhood_gains (1).csv")
    ledger = load(first, second)
    assert ledger.frame.height == 4
    assert [r.duplicates for r in ledger.files] == [0, 4]


def test_the_turbotax_form_without_amounts_is_named_a_near_miss(tmp_path: Path) -> None:
    path = tmp_path / "robinhood_turbotax.csv"
    path.write_text(PREAMBLE + "ASSET NAME,RECEIVED DATE,COST BASIS(USD),DATE SOLD,PROCEEDS\nBTC,01/02/24,100,03/02/24,150\n")
    _, problem = ingest.sniff(str(path))
    assert problem is not None
    assert problem.message == "header looks like Robinhood Crypto gains and losses CSV but lacks column(s): amount sold"


def test_a_coins_full_name_is_read_as_its_ticker(tmp_path: Path) -> None:
    rows = [
        "Bitcoin,01/02/24,100,03/02/24,150,0.001,,,",
        "bitcoin  cash,01/02/24,10,03/02/24,15,0.1,,,",
        "DOGE,01/02/24,5,03/02/24,6,50,,,",
    ]
    ledger = load(write(tmp_path, *rows))
    assert ledger.frame.sort("line", "timestamp")["received_asset"].to_list() == ["BTC", "USD", "BCH", "USD", "DOGE", "USD"]
