"""CoinTracker CSV template: every expected value below is written out by hand from the sample rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from taxlots import ingest
from taxlots.importers import cointracker
from taxlots.importers.base import matches, normalize_header
from taxlots.model.diagnostics import Code
from tests.importers._rows import MINE, ROOT, errors, row, table

SAMPLE = ROOT / "samples" / "cointracker_2024.csv"
FIXTURES = Path(__file__).resolve().parent / "samples" / "cointracker"


def load(path: Path) -> ingest.Ledger:
    return ingest.load([str(path)], importers=(cointracker,))


def test_sample__every_row_month_first() -> None:
    p = SAMPLE
    ledger = load(p)
    assert table(ledger) == [
        row(p, 2, "2023-12-18 19:20:44", "deposit", received=("SOL", "25")),
        row(p, 3, "2024-01-31 15:02:11", "income", received=("JUP", "812.5"), note="airdrop"),
        # "02/05/2024" is 5 February (month first), and a date without a time is midnight UTC
        row(p, 4, "2024-02-05 00:00:00", "income", received=("SOL", "0.094"), note="staking"),
        # the fee is paid in a third asset
        row(p, 5, "2024-02-13 10:44:09", "trade", sent=("JUP", "812.5"), received=("USDC", "458.25"), fee=("SOL", "0.000105")),
        row(p, 6, "2024-03-05 00:00:00", "income", received=("SOL", "0.101"), note="staking"),
        row(p, 7, "2024-03-14 16:30:00", "trade", sent=("SOL", "10"), received=("USDC", "1482.1"), fee=("SOL", "0.00008")),
        # a received "payment" (for a service) is income
        row(p, 8, "2024-04-02 09:00:00", "income", received=("USDC", "150"), note="payment"),
        row(p, 9, "2024-04-11 13:25:37", "withdrawal", sent=("USDC", "2090.35"), fee=("SOL", "0.000005")),
        row(p, 10, "2024-05-06 00:00:00", "income", received=("SOL", "0.087"), note="staking"),
        row(p, 11, "2024-06-04 00:00:00", "income", received=("SOL", "0.081"), note="staking"),
        row(p, 12, "2024-06-20 11:11:11", "deposit", received=("SOL", "30")),
        row(p, 13, "2024-07-08 00:00:00", "income", received=("SOL", "0.176"), note="staking"),
        # a sent "payment" is a spend
        row(p, 14, "2024-08-22 20:05:48", "spend", sent=("SOL", "0.8"), fee=("SOL", "0.000005"), note="payment"),
        row(p, 15, "2024-09-03 00:00:00", "income", received=("SOL", "0.182"), note="staking"),
        row(p, 16, "2024-10-14 06:40:19", "withdrawal", sent=("SOL", "40"), fee=("SOL", "0.000005")),
        row(p, 17, "2024-11-05 00:00:00", "income", received=("SOL", "0.021"), note="staking"),
        row(p, 18, "2024-12-09 00:00:00", "income", received=("SOL", "0.019"), note="staking"),
    ]
    assert errors(ledger) == []
    report = ledger.files[0]
    assert (report.importer, report.rows, report.kept, report.skipped) == ("cointracker", 17, 17, {})


def test_staketaxcsv_variant__transaction_id_kept_in_note_not_as_id() -> None:
    """staketaxcsv appends "Transaction ID"; a trade and a separate fee row share it, so it cannot be the id."""
    p = FIXTURES / "staketaxcsv.csv"
    ledger = load(p)
    assert table(ledger) == [
        row(p, 2, "2024-03-01 04:12:09", "income", received=("ATOM", "0.0731"), note="staked; tx 9F1C2B"),
        row(
            p, 3, "2024-03-02 11:45:00", "trade", sent=("ATOM", "2.5"), received=("OSMO", "14.2"), fee=("OSMO", "0.0025"), note="tx A4E0D7"
        ),
        row(p, 4, "2024-03-02 11:45:00", "withdrawal", sent=("ATOM", "0.001"), note="tx A4E0D7"),
    ]


def test_reordered_columns__single_digit_month_and_minutes() -> None:
    p = FIXTURES / "reordered.csv"
    ledger = load(p)
    assert table(ledger) == [
        row(p, 2, "2024-01-31 15:02:00", "income", received=("JUP", "812.5"), note="airdrop"),
        row(p, 3, "2024-12-31 00:00:00", "trade", sent=("SOL", "10"), received=("USDC", "1890.5"), fee=("SOL", "0.00008")),
    ]


def test_bad_rows__each_names_its_line_and_problem() -> None:
    p = FIXTURES / "bad_rows.csv"
    f = str(p)
    ledger = load(p)
    known = "(blank), airdrop, fork, forked, income, interest, mined, mining, other income, payment, reward, staked, staking"
    got = errors(ledger)
    assert [g for g in got if g[1] != 10] == [
        # day-first is never read: 14 is not a month
        (f, 2, "Date '14/04/2024 10:41:00' is not a CoinTracker date (MM/DD/YYYY HH:MM:SS, UTC)"),
        # a two-digit year is not read as the year 24
        (f, 3, "Date '04/14/24 10:41:00' is not a CoinTracker date (MM/DD/YYYY HH:MM:SS, UTC)"),
        (f, 4, "Date '2024-04-14 10:41:00' is not a CoinTracker date (MM/DD/YYYY HH:MM:SS, UTC)"),
        (f, 5, "CoinTracker tag 'gift' is not supported yet"),
        (f, 6, "CoinTracker tag 'staking' needs a row with only a received side"),
        (f, 7, f"unknown CoinTracker tag 'rug pull'; taxlots knows: {known}"),
        (f, 8, "Received Quantity '-1' is negative; amounts are positive here (the column gives the direction)"),
        (f, 9, "fee_qty is given but fee_asset is blank"),
    ]
    # line 10: `1,650.2` unquoted, 9 fields for 8 columns with an empty last one: ingest counts the fields
    assert [g[2] for g in got if g[1] == 10] == ["row has 9 fields, the header has 8"]
    assert ledger.frame.height == 0


def test_cointracker_own_export__not_claimed() -> None:
    """CoinTracker's download (Type, wallets, cost basis; no Tag) is another format."""
    ledger = ingest.load([str(FIXTURES / "cointracker_export.csv")], importers=MINE)
    assert [(d.code, d.message) for d in ledger.diagnostics] == [
        (Code.MISSING_COLUMN, "header looks like CoinTracker CSV template but lacks column(s): tag")
    ]


HEADERS = {
    "template": "Date,Received Quantity,Received Currency,Sent Quantity,Sent Currency,Fee Amount,Fee Currency,Tag",
    "staketaxcsv": "Date,Received Quantity,Received Currency,Sent Quantity,Sent Currency,Fee Amount,Fee Currency,Tag,Transaction ID",
    "any order": "Tag,Fee Currency,Fee Amount,Sent Currency,Sent Quantity,Received Currency,Received Quantity,Date",
}


@pytest.mark.parametrize("header", HEADERS.values(), ids=HEADERS.keys())
def test_header_variants__claimed_by_cointracker_only(header: str) -> None:
    cells = tuple(normalize_header(c) for c in header.split(","))
    assert [m.NAME for m in MINE if matches(m, cells)] == ["cointracker"]


@pytest.mark.parametrize("path", sorted(p for p in FIXTURES.glob("*.csv") if p.name != "cointracker_export.csv"), ids=lambda p: p.name)
def test_fixtures__claimed_by_cointracker_only(path: Path) -> None:
    sniffed, diag = ingest.sniff(str(path), MINE)
    assert diag is None and sniffed is not None
    found: str = sniffed.importer.NAME
    assert found == "cointracker"
