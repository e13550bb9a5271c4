"""Strike's older Amount 1/Amount 2 statements: the sample, the three header forms, signs, states, bad rows."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest

from taxlots import ingest
from taxlots.importers import IMPORTERS, matches, normalize_header, strike_monthly
from tests.importers._rows import line_errors, sides_table, write_csv

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "strike_monthly_2024.csv"
ANNUAL = (
    "Transaction ID,Initiated Time (UTC),Completed Time (UTC),Transaction Type,State,Amount 1,Currency 1,Amount 2,Currency 2,"
    "BTC Price,Balance 1,Currency 1,Balance - BTC,Destination,Description\n"
)
# The earliest monthly header, with "Completed Time (UTC)" twice (the first is the date).
MONTHLY_V1 = (
    "Transaction ID,Initiated Date (UTC),Initiated Time (UTC),Completed Time (UTC),Completed Time (UTC),Transaction Type,State,"
    "Amount 1,Currency 1,Fee 1,Amount 2,Currency 2,Fee 2,BTC Price,Balance 1,Currency 1,Balance - BTC,Destination,Description\n"
)
MONTHLY_V3 = MONTHLY_V1.replace("Completed Time (UTC),Completed Time", "Completed Date (UTC),Completed Time").replace(
    "Description\n", "Description,Note\n"
)


def load(path: Path) -> ingest.Ledger:
    return ingest.load([str(path)], importers=(strike_monthly,))


def write(tmp_path: Path, header: str, *rows: str) -> Path:
    return write_csv(tmp_path / "strike_statement.csv", header, *rows)


def table(ledger: ingest.Ledger) -> list[tuple[Any, ...]]:
    return sides_table(ledger, lambda r: (r["address"],))


errors = line_errors


def ts(*p: int) -> datetime:
    return datetime(*p, tzinfo=UTC)  # type: ignore[arg-type]


def test_sample_rows() -> None:
    ledger = load(SAMPLE)
    assert table(ledger) == [
        # lines 2-3: the deposit pending, then reversed (skipped); the completed one counts at its completion time
        (4, ts(2024, 7, 3, 21, 25, 27), "deposit", None, ("USD", D("250")), None, None),
        # -200.00 USD sent, 0.00345120 BTC received
        (5, ts(2024, 7, 4, 14, 0, 2), "trade", ("USD", D("200")), ("BTC", D("0.0034512")), None, None),
        (6, ts(2024, 7, 15, 9, 30, 1), "trade", ("USD", D("50")), ("BTC", D("0.00078125")), None, None),
        # a Lightning payment from the USD balance
        (7, ts(2024, 7, 20, 18, 13, 10), "withdrawal", ("USD", D("4.25")), None, None, None),
        # both sides negative, one USD: the BTC left (the -240.10 USD is its value)
        (8, ts(2024, 8, 2, 11, 40, 51), "withdrawal", ("BTC", D("0.004")), None, None, "bc1qsynthetic0strike0cold0storage00000000"),
        (9, ts(2024, 8, 9, 16, 20, 1), "trade", ("BTC", D("0.00023245")), ("USD", D("14.10")), None, None),
    ]
    assert ledger.files[0].skipped == {
        "state 'Pending' (only Completed rows moved value)": 1,
        "state 'Reversed' (only Completed rows moved value)": 1,
    }
    assert errors(ledger) == []


def test_annual_and_first_monthly_headers(tmp_path: Path) -> None:
    annual = write(
        tmp_path,
        ANNUAL,
        "0456418c,Jan 01 2022 00:41:50,Jan 01 2022 00:41:59,Trade,Completed,-1.00,USD,0.00002144,BTC,,85.00,USD,0.01331688,,",
    )
    assert table(load(annual)) == [(2, ts(2022, 1, 1, 0, 41, 59), "trade", ("USD", D("1")), ("BTC", D("0.00002144")), None, None)]
    v1 = tmp_path / "v1.csv"
    v1.write_text(MONTHLY_V1 + "a1,Mar 01 2024,10:00:00,Mar 01 2024,10:00:05,Deposit,Completed,20.00,USD,,,,,,20.00,USD,,,\n")
    assert table(load(v1)) == [(2, ts(2024, 3, 1, 10, 0, 5), "deposit", None, ("USD", D("20")), None, None)]


def test_fees_come_on_top_in_their_sides_currency(tmp_path: Path) -> None:
    """UNCONFIRMED (no sample with a fee found): Fee 1 is in Currency 1 and leaves in addition to Amount 1."""
    path = write(tmp_path, MONTHLY_V3, "f1,Mar 01 2024,10:00:00,Mar 01 2024,10:00:05,Trade,Completed,-100.00,USD,1.00,0.0015,BTC,,,,,,,,")
    r = load(path).frame.row(0, named=True)
    assert (r["sent_qty"], r["fee_asset"], r["fee_qty"], r["received_qty"]) == ("100.00", "USD", "1.00", "0.0015")


def test_bad_rows_name_the_line(tmp_path: Path) -> None:
    rows = [
        "e1,Mar 01 2024,10:00:00,Mar 01 2024,10:00:05,Loan,Completed,-1.00,USD,,,,,,,,,,,",
        "e2,Mar 01 2024,10:00:00,Mar 01 2024,10:00:05,Trade,Completed,1.00,USD,,0.1,BTC,,,,,,,,",
        "e3,Mar 01 2024,10:00:00,Mar 01 2024,10:00:05,Deposit,Completed,-5.00,USD,,,,,,,,,,,",
        "e4,Mar 01 2024,10:00:00,2024-03-01,10:00:05,Deposit,Completed,5.00,USD,,,,,,,,,,,",
        "e5,Mar 01 2024,10:00:00,Mar 01 2024,10:00:05,Deposit,,5.00,USD,,,,,,,,,,,",
        "e6,Mar 01 2024,10:00:00,,,Loan,Pending,1.00,USD,,,,,,,,,,,",  # skipped: not completed
    ]
    ledger = load(write(tmp_path, MONTHLY_V3, *rows))
    signs = "the signs of Amount 1 and Amount 2 do not fit a {} (a sent side is negative, a received one positive)"
    assert errors(ledger) == [
        (2, "unknown Transaction Type 'Loan'; taxlots knows: Trade, Deposit, Receive, Withdrawal, Lightning, Send"),
        (3, signs.format("Trade")),
        (4, signs.format("Deposit")),
        (5, "the completed time '2024-03-01 10:00:05' is not a date like 'Jun 28 2024 00:00:01'"),
        (6, "State is blank"),
    ]
    assert ledger.files[0].skipped == {"state 'Pending' (only Completed rows moved value)": 1}


@pytest.mark.parametrize("header", [ANNUAL, MONTHLY_V1, MONTHLY_V3])
def test_claimed_by_strike_monthly_alone(header: str) -> None:
    cells = tuple(normalize_header(c) for c in header.strip().split(","))
    assert [imp.NAME for imp in IMPORTERS if matches(imp, cells)] == ["strike-monthly"]
