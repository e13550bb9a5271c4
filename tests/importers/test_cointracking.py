"""CoinTracking trade list: the sample, repeated Cur. columns, locales (decimal comma, dates), values, bad rows."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest

from taxlots import ingest
from taxlots.importers import IMPORTERS, cointracking, matches, normalize_header
from tests.importers._rows import line_errors, side, write_csv

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "cointracking_2024.csv"
SHORT = '"Type","Buy","Cur.","Sell","Cur.","Fee","Cur.","Exchange","Group","Comment","Date"\n'
# BittyTax's layout: values per side, no fee.
FULL = "Type,Buy,Cur.,Value in BTC,Value in USD,Sell,Cur.,Value in BTC,Value in USD,Spread,Exchange,Group,Date\n"
HASH = "5c0f6a2b9d8e7f1a3c5b7d9e1f3a5c7b9d1e3f5a7c9b1d3e5f7a9c1b3d5e7f9a"


def load(path: Path, **kw: str) -> ingest.Ledger:
    return ingest.load([str(path)], importers=(cointracking,), **kw)


def write(tmp_path: Path, header: str, *rows: str) -> Path:
    return write_csv(tmp_path / "CoinTracking_Trade_List.csv", header, *rows)


def table(ledger: ingest.Ledger) -> list[tuple[Any, ...]]:
    return [
        (r["line"], r["timestamp"], r["wallet"], r["type"], side(r, "sent"), side(r, "received"), side(r, "fee"), r["id"], r["note"])
        for r in ledger.frame.sort("line").iter_rows(named=True)
    ]


errors = line_errors


def ts(*p: int) -> datetime:
    return datetime(*p, tzinfo=UTC)  # type: ignore[arg-type]


def test_sample_rows() -> None:
    ledger = load(SAMPLE)
    ct = "cointracking:CT-10"
    assert table(ledger) == [
        (2, ts(2024, 1, 2, 9, 58, 31), "Kraken", "deposit", None, ("USD", D("5000")), None, ct + "01", "Deposit; Bank wire"),
        # Buy 0.1 BTC for Sell 4250 USD, the 6.80 USD fee on top.
        (3, ts(2024, 1, 3, 7, 41, 12), "Kraken", "trade", ("USD", D("4250")), ("BTC", D("0.1")), ("USD", D("6.8")), ct + "02", "Trade"),
        (
            4,
            ts(2024, 1, 10, 11, 5, 47),
            "Kraken",
            "trade",
            ("BTC", D("0.06")),
            ("ETH", D("1.5")),
            ("BTC", D("0.00015")),
            ct + "03",
            "Trade",
        ),
        (
            5,
            ts(2024, 1, 20, 11, 59, 2),
            "Kraken",
            "withdrawal",
            ("BTC", D("0.04")),
            None,
            ("BTC", D("0.0001")),
            ct + "04",
            "Withdrawal; To Ledger",
        ),  # fmt: skip
        (6, ts(2024, 1, 20, 12, 31, 40), "Ledger Nano", "deposit", None, ("BTC", D("0.04")), None, ct + "05", "Deposit; From Kraken"),
        (7, ts(2024, 2, 1, 0, 0, 9), "Kraken", "income", None, ("ETH", D("0.0125")), None, ct + "06", "Staking; ETH staking reward"),
        (8, ts(2024, 3, 23, 9, 12, 0), "MetaMask", "income", None, ("ARB", D("120")), None, ct + "07", "Airdrop"),
        (9, ts(2024, 4, 2, 17, 45, 30), "Ledger Nano", "spend", ("BTC", D("0.005")), None, None, ct + "08", "Spend; Laptop"),
        (10, ts(2024, 4, 5, 8, 20, 11), "MetaMask", "fee", ("ETH", D("0.0003")), None, None, ct + "09", "Other Fee; Approve"),
        (
            11,
            ts(2024, 5, 14, 15, 30, 0),
            "Kraken",
            "trade",
            ("ETH", D("0.6")),
            ("USD", D("2000")),
            ("USD", D("3.2")),
            ct + "10",
            "Trade; Rebalance",
        ),
        (12, ts(2024, 6, 1, 0, 0, 0), "Pool", "income", None, ("BTC", D("0.0008")), None, ct + "11", "Mining"),
        (13, ts(2024, 6, 20, 10, 0, 0), "Kraken", "withdrawal", ("USD", D("1000")), None, None, ct + "12", "Withdrawal; To bank"),
    ]
    assert errors(ledger) == []
    chain = ledger.frame.filter(ledger.frame["tx_hash"].is_not_null()).sort("line").select("line", "tx_hash", "address").rows()
    # the withdrawal's To Address and the deposit's From Address
    assert chain == [(5, HASH, "bc1qsynthetic0withdrawal0address000000000"), (6, HASH, "bc1qsynthetic0krakenhotwallet00000000000")]


def test_fee_is_on_top_of_the_sell_amount(tmp_path: Path) -> None:
    """CoinTracking books a trade's fee as its own balance change, on top of Sell (its balances subtract
    Sell and Fee); so the wallet gives up sell + fee of that currency, exactly as taxlots' fee column reads."""
    path = write(tmp_path, SHORT, '"Trade","1","ETH","3000","USD","5","USD","Kraken","","","2024-01-01 00:00:00"')
    r = load(path).frame.row(0, named=True)
    assert (r["sent_qty"], r["fee_qty"], r["received_qty"]) == ("3000", "5", "1")  # 3005 USD leave, 1 ETH arrives


def test_german_locale_decimal_comma_and_dates(tmp_path: Path) -> None:
    rows = [
        '"Trade","1,5","ETH","4.500,25","USD","0,001","ETH","Kraken","","","26.03.2024 14:30:00"',
        '"Trade","1,500","ADA","900","USD","-","-","Kraken","","","27.03.2024 09:00"',  # decided by the file: 1.5
    ]
    frame = load(write(tmp_path, SHORT, *rows)).frame.sort("line")
    assert frame.select("received_qty", "sent_qty", "fee_qty", "timestamp").rows() == [
        ("1.5", "4500.25", "0.001", ts(2024, 3, 26, 14, 30, 0)),
        ("1.500", "900", None, ts(2024, 3, 27, 9, 0, 0)),
    ]


def test_dotted_dates_do_not_mean_decimal_commas(tmp_path: Path) -> None:
    """rotki's CoinTracking fixture: German-style dates with decimal points (and "" for an empty Cur.)."""
    rows = [
        '"Withdrawal","-","","0.00136700","ETH","0.0001","ETH","ETH Transaction","","","20.09.2019 13:00:00"',
        '"Trade","0.05772716","ETH","10.99000000","EUR","0.02","EUR","Coinbase","","","24.08.2019 23:01:59"',
    ]
    frame = load(write(tmp_path, SHORT, *rows)).frame.sort("line")
    assert frame.select("type", "sent_qty", "received_qty", "fee_qty", "timestamp").rows() == [
        ("withdrawal", "0.00136700", None, "0.0001", ts(2019, 9, 20, 13, 0, 0)),
        ("trade", "10.99000000", "0.05772716", "0.02", ts(2019, 8, 24, 23, 1, 59)),
    ]


def test_a_file_with_both_decimal_marks_is_an_error(tmp_path: Path) -> None:
    rows = [
        '"Deposit","0,5","ETH","-","-","-","-","Kraken","","","2024-01-01 00:00:00"',
        '"Deposit","0.25","ETH","-","-","-","-","Kraken","","","2024-01-02 00:00:00"',
    ]
    message = "the file writes both decimal commas and decimal points; export it again with one"
    assert errors(load(write(tmp_path, SHORT, *rows))) == [(2, message), (3, message)]


def test_english_locale_thousands_commas(tmp_path: Path) -> None:
    path = write(tmp_path, SHORT, '"Trade","1,500","ADA","900.50","USD","-","-","Kraken","","","2024/03/27 09:00:00"')
    assert load(path).frame.select("received_qty", "sent_qty").rows() == [("1500", "900.50")]


def test_times_are_read_in_the_run_zone(tmp_path: Path) -> None:
    path = write(tmp_path, SHORT, '"Deposit","1","BTC","-","-","-","-","Kraken","","","2024-07-01 12:00:00"')
    assert load(path, tz="America/New_York").frame.get_column("timestamp").to_list() == [ts(2024, 7, 1, 16, 0, 0)]


def test_old_layout_with_values(tmp_path: Path) -> None:
    rows = [
        "Trade,0.5,ETH,0.03,1500.00,0.03,BTC,0.03,1510.00,0.66%,Binance,,2024-02-01 10:00:00",
        "Staking,0.01,ETH,0.0006,30.10,-,-,-,-,-,Binance,,2024-02-02 10:00:00",
    ]
    frame = load(write(tmp_path, FULL, *rows)).frame.sort("line")
    # usd_value is the Buy side's value (the value received)
    assert frame.select("type", "sent_asset", "sent_qty", "received_asset", "received_qty", "usd_value").rows() == [
        ("trade", "BTC", "0.03", "ETH", "0.5", "1500.00"),
        ("income", None, None, "ETH", "0.01", "30.10"),
    ]


def test_bad_rows_name_the_line(tmp_path: Path) -> None:
    rows = [
        '"Gift/Tip","1","BTC","-","-","-","-","Kraken","","","2024-01-01 00:00:00"',
        '"Swap","1","BTC","-","-","-","-","Kraken","","","2024-01-01 00:00:00"',
        '"Deposit","1","BTC","-","-","-","-","Kraken","","","01/02/2024 10:00"',
        '"Deposit","one","BTC","-","-","-","-","Kraken","","","2024-01-01 00:00:00"',
        '"Trade","1","BTC","100","USD","1","-","Kraken","","","2024-01-01 00:00:00"',
    ]
    ledger = load(write(tmp_path, SHORT, *rows))
    known = "Trade, Deposit, Withdrawal, Spend, Other Fee, Income, Other Income, Reward/Bonus, Mining, Airdrop, Staking, Masternode"
    assert errors(ledger) == [
        (2, "CoinTracking type 'Gift/Tip' is not supported yet"),
        (3, f"unknown CoinTracking type 'Swap'; taxlots knows: {known}, Minting, Interest Income, Lending Income"),
        (4, "Date '01/02/2024 10:00' is ambiguous (day/month or month/day); export with YYYY-MM-DD dates"),
        (5, "Buy 'one' is not a number"),
        (6, "Fee is given but its Cur. is blank"),
    ]


@pytest.mark.parametrize("header", [SHORT, FULL])
def test_claimed_by_cointracking_alone(header: str) -> None:
    cells = tuple(normalize_header(c) for c in header.strip().split(","))
    assert [imp.NAME for imp in IMPORTERS if matches(imp, cells)] == ["cointracking"]
