"""Cash App activity: the sample, zone abbreviations, the buy-fee convention, both column orders, bad rows."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest

from taxlots import ingest
from taxlots.importers import cashapp
from tests.importers._rows import line_errors, sides_table, write_csv

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "cashapp_2024.csv"
V2_HEADER = (
    "Date,Transaction ID,Transaction Type,Currency,Amount,Fee,Net Amount,Asset Type,Asset Price,Asset Amount,Status,Notes,"
    "Name of sender/receiver,Account\n"
)


def load(path: Path) -> ingest.Ledger:
    return ingest.load([str(path)], importers=(cashapp,))


def write(tmp_path: Path, *rows: str) -> Path:
    return write_csv(tmp_path / "cash_app_report.csv", V2_HEADER, *rows)


def table(ledger: ingest.Ledger) -> list[tuple[Any, ...]]:
    return sides_table(ledger, lambda r: (None if r["usd_value"] is None else D(r["usd_value"]), r["id"]), wallet="Cash App")


errors = line_errors


def ts(*p: int) -> datetime:
    return datetime(*p, tzinfo=UTC)  # type: ignore[arg-type]


def test_sample_rows() -> None:
    ledger = load(SAMPLE)
    assert table(ledger) == [
        # line 2: USD cash in (skipped). 09:15:02 EST = 14:15:02 UTC.
        (3, ts(2024, 1, 4, 14, 15, 2), "trade", ("USD", D("200")), ("BTC", D("0.00465116")), ("USD", D("3.50")), None, "cashapp:h3t9wp"),
        (4, ts(2024, 2, 1, 13, 0, 0), "trade", ("USD", D("50")), ("BTC", D("0.00112994")), ("USD", D("0.88")), None, "cashapp:m5v7xa"),
        # 19:40:31 EST on the 17th is the 18th in UTC; the boost is income valued at its $1.25.
        (5, ts(2024, 2, 18, 0, 40, 31), "income", None, ("BTC", D("0.000025")), None, D("1.25"), "cashapp:p1c4nb"),
        # line 6: USD sent P2P (skipped). 07:05:19 EDT (daylight time from 10 March) = 11:05:19 UTC.
        (7, ts(2024, 3, 20, 11, 5, 19), "withdrawal", ("BTC", D("0.003")), None, None, None, "cashapp:w2f8jr"),
        # line 8: FAILED (skipped)
        (9, ts(2024, 5, 6, 14, 10, 10), "trade", ("BTC", D("0.004")), ("USD", D("300")), ("USD", D("5.40")), None, "cashapp:y4h6qs"),
        # line 10: card spend in USD (skipped)
        (11, ts(2024, 6, 15, 1, 21, 21), "withdrawal", ("BTC", D("0.0015")), None, ("USD", D("1.20")), None, "cashapp:z5k8uw"),
    ]
    assert ledger.files[0].skipped == {"status 'FAILED'": 1, "US dollar cash movement (no crypto)": 3}
    assert errors(ledger) == []


def test_buy_pays_amount_plus_fee(tmp_path: Path) -> None:
    """BittyTax's Cash App parser: a Bitcoin Buy sells |Amount| USD and pays |Fee| USD on top, so the cash out
    is |Net Amount| = |Amount| + |Fee|; accounting parentheses and a minus sign mean the same."""
    rows = ['2024-01-02 10:00:00 PST,b1,Bitcoin Buy,USD,"($1,000.00)",($12.50),"($1,012.50)",BTC,"$40,000.00",0.025,COMPLETE,,,']
    r = load(write(tmp_path, *rows)).frame.row(0, named=True)
    assert D(r["sent_qty"]) + D(r["fee_qty"]) == D("1012.50")  # 1000 + 12.50
    assert (r["sent_asset"], r["received_asset"], r["received_qty"]) == ("USD", "BTC", "0.025")
    assert r["timestamp"] == ts(2024, 1, 2, 18, 0, 0)  # PST is UTC-8


@pytest.mark.parametrize(
    ("written", "utc"),
    [
        ("2024-07-01 12:00:00 CDT", ts(2024, 7, 1, 17, 0, 0)),
        ("2024-07-01 12:00:00 MDT", ts(2024, 7, 1, 18, 0, 0)),
        ("2024-07-01 12:00:00 HST", ts(2024, 7, 1, 22, 0, 0)),
        ("2024-07-01 12:00 UTC", ts(2024, 7, 1, 12, 0, 0)),
        ("2024-07-01T12:00:00Z", ts(2024, 7, 1, 12, 0, 0)),
    ],
)
def test_zone_abbreviations(tmp_path: Path, written: str, utc: datetime) -> None:
    path = write(tmp_path, f'{written},b1,Bitcoin Boost,USD,$1.00,$0,$1.00,BTC,"$50,000.00",0.00002,COMPLETE,,,')
    assert load(path).frame.get_column("timestamp").to_list() == [utc]


def test_bitcoin_sent_or_received_by_cashtag(tmp_path: Path) -> None:
    rows = [
        "2024-01-02 10:00:00 EST,p1,P2P,BTC,0.0002,0,0.0002,,,,COMPLETE,,Sam,",
        "2024-01-03 10:00:00 EST,p2,P2P,BTC,-0.0001,0,-0.0001,,,,COMPLETE,,Sam,",
    ]
    frame = load(write(tmp_path, *rows)).frame.sort("line")
    assert frame.select("type", "sent_asset", "sent_qty", "received_asset", "received_qty").rows() == [
        ("deposit", None, None, "BTC", "0.0002"),
        ("withdrawal", "BTC", "0.0001", None, None),
    ]


KNOWN = (
    "Bitcoin Buy, Bitcoin Sale, Bitcoin Withdrawal, Bitcoin Boost, Bitcoin Lightning Withdrawal, Bitcoin Deposit, Bitcoin Lightning Deposit"
)
BITCOIN_HEADER = "Transaction ID,Date,Transaction Type,Currency,Amount,Fee,Net Amount,Asset Type,Asset Price,Asset Amount\n"


def test_bitcoin_transactions_csv(tmp_path: Path) -> None:
    """The per-year bitcoin CSV: no Status or Notes, the unit inside Asset Amount (rows of BTC-Tracker issue #214)."""
    rows = [
        '"vy3oz1","2025-12-30 23:22:22 PST","Bitcoin Buy","USD","-$0.41","$0.00","-$0.41","BTC","$88,341.37","0.00000464 BTC"',
        '"k2m9qa","2025-10-06 08:52:24 PDT","Bitcoin Withdrawal","USD","$1,252.41","$0.00","$1,252.41","BTC","$125,241.22","0.01 BTC"',
        '"p8d1xc","2024-12-13 14:40:23 PST",'
        '"Bitcoin Lightning Withdrawal","USD","$10.13","$0.00","$10.13","BTC","$101,308.58","0.0001 BTC"',
        '"t5r7wb","2025-08-30 09:38:05 PDT","Bitcoin Sale","USD","$50.00","-$1.49","$48.51","BTC","$107,642.54","0.0004645 BTC"',
        '"z0c4ne","2024-05-31 18:41:15 PDT","Bitcoin Deposit","USD","-$67.39","$0.00","-$67.39","BTC","$67,397.09","0.001 BTC"',
        '"h6j2lf","2024-03-30 15:06:06 PDT",'
        '"Bitcoin Lightning Deposit","USD","-$0.69","$0.00","-$0.69","BTC","$69,776.08","0.00000993 BTC"',
        '"q3w8er","2025-10-02 14:28:27 PDT","Bitcoin Buy","USD","-$98.15","-$2.00","-$100.15","BTC","$61,071.57","0.00160713 BTC"',
    ]
    path = tmp_path / "cash_app_bitcoin_2025.csv"
    path.write_text(BITCOIN_HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    ledger = load(path)
    assert errors(ledger) == []
    assert table(ledger) == [
        (2, ts(2025, 12, 31, 7, 22, 22), "trade", ("USD", D("0.41")), ("BTC", D("0.00000464")), None, None, "cashapp:vy3oz1"),
        (3, ts(2025, 10, 6, 15, 52, 24), "withdrawal", ("BTC", D("0.01")), None, None, None, "cashapp:k2m9qa"),
        (4, ts(2024, 12, 13, 22, 40, 23), "withdrawal", ("BTC", D("0.0001")), None, None, None, "cashapp:p8d1xc"),
        # $50.00 proceeds less the $1.49 fee = the $48.51 Net Amount
        (5, ts(2025, 8, 30, 16, 38, 5), "trade", ("BTC", D("0.0004645")), ("USD", D("50")), ("USD", D("1.49")), None, "cashapp:t5r7wb"),
        (6, ts(2024, 6, 1, 1, 41, 15), "deposit", None, ("BTC", D("0.001")), None, None, "cashapp:z0c4ne"),
        (7, ts(2024, 3, 30, 22, 6, 6), "deposit", None, ("BTC", D("0.00000993")), None, None, "cashapp:h6j2lf"),
        # $98.15 for the bitcoin + $2.00 fee = the $100.15 Net Amount
        (8, ts(2025, 10, 2, 21, 28, 27), "trade", ("USD", D("98.15")), ("BTC", D("0.00160713")), ("USD", D("2")), None, "cashapp:q3w8er"),
    ]


def test_asset_amount_in_another_unit_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "cash_app_bitcoin.csv"
    path.write_text(BITCOIN_HEADER + '"a1","2025-01-01 10:00:00 EST","Bitcoin Deposit","USD","-$1","$0","-$1","BTC","$1","100 SATS"\n')
    assert errors(load(path)) == [(2, "Asset Amount '100 SATS' is not in the Asset Type 'BTC'")]


def test_bad_rows_name_the_line(tmp_path: Path) -> None:
    rows = [
        "2024-01-02 10:00:00 EST,e1,Bitcoin Lending,USD,$1,$0,$1,BTC,$1,0.1,COMPLETE,,,",
        "2024-01-02 10:00:00 XYZ,e2,Bitcoin Buy,USD,-$1,$0,-$1,BTC,$1,0.1,COMPLETE,,,",
        "2024-01-02 10:00:00 EST,e3,Bitcoin Buy,USD,-$1,$0,-$1,BTC,$1,,COMPLETE,,,",
        "2024-01-02 10:00:00 EST,e4,Bitcoin Buy,USD,-$1.2.3,$0,-$1,BTC,$1,0.1,COMPLETE,,,",
        "2024-01-02 10:00:00 EST,e5,Bitcoin Buy,USD,-$1,$0,-$1,BTC,$1,0.1,FAILED,,,",  # skipped, not an error
    ]
    ledger = load(write(tmp_path, *rows))
    expected_date = "a date like '2024-03-04 15:22:10 EST' (a US zone abbreviation)"
    assert errors(ledger) == [
        (2, f"unknown Transaction Type 'Bitcoin Lending'; taxlots knows: {KNOWN}"),
        (3, f"Date '2024-01-02 10:00:00 XYZ' is not {expected_date}"),
        (4, "a Bitcoin Buy needs Asset Amount and Asset Type"),
        (5, "Amount '-$1.2.3' is not a number"),
    ]
    assert ledger.frame.height == 0
    assert ledger.files[0].skipped == {"status 'FAILED'": 1}
