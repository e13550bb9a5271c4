"""Bitstamp transactions: the RFC-4180 sample, the old format, a semicolon save, skips and bad rows."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from taxlots import ingest
from taxlots.importers import bitfinex, bitstamp, gemini, generic, kucoin
from taxlots.model.diagnostics import Code
from tests.importers._ledger import rows, ts

HERE = Path(__file__).resolve().parent / "samples" / "bitstamp"
SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "bitstamp_2024.csv"
ALL = (generic, gemini, bitstamp, bitfinex, kucoin)


def load(path: Path, **kw: str) -> ingest.Ledger:
    return ingest.load([str(path)], importers=(bitstamp,), **kw)


def test_sample_rows() -> None:
    ledger = load(SAMPLE)
    assert rows(ledger) == [
        (2, ts(2023, 11, 28, 15, 22, 9), "deposit", None, None, "USD", D("20000"), None, None, "bitstamp:301104417", "Deposit"),
        (3, ts(2023, 12, 5, 10, 41, 6), "trade", "USD", D("6700"), "BTC", D("0.16"), "USD", D("20.10"), "bitstamp:301108236", "Market Buy"),
        (4, ts(2024, 1, 10, 9, 3, 27), "trade", "USD", D("5300"), "ETH", D("2.5"), "USD", D("15.90"), "bitstamp:301115902", "Market Buy"),
        (
            5,
            ts(2024, 1, 16, 18, 47, 55),
            "trade",
            "USD",
            D("5000.50"),
            "USDC",
            D("5000"),
            "USD",
            D("1.50"),
            "bitstamp:301117480",
            "Market Buy",
        ),
        (6, ts(2024, 1, 17, 8, 12, 30), "withdrawal", "USDC", D("4999"), None, None, "USDC", D("1"), "bitstamp:301118803", "Withdrawal"),
        (7, ts(2024, 2, 1), "income", None, None, "ETH", D("0.00123456"), None, None, "bitstamp:301120011", "Staking reward"),
        (8, ts(2024, 2, 5, 14, 40, 18), "deposit", None, None, "SOL", D("25"), None, None, "bitstamp:301120954", "Deposit"),
        (9, ts(2024, 2, 5, 15, 2, 44), "trade", "SOL", D("25"), "USD", D("2605"), "USD", D("7.82"), "bitstamp:301121377", "Market Sell"),
        (10, ts(2024, 2, 20, 16, 30), "deposit", None, None, "USD", D("2500"), None, None, "bitstamp:301122508", "Deposit"),
        # The reversal takes the deposited USD back out: a withdrawal of the magnitude.
        (11, ts(2024, 2, 22, 11, 5, 12), "withdrawal", "USD", D("2500"), None, None, None, None, "bitstamp:301122731", "Deposit reverted"),
        (
            12,
            ts(2024, 2, 26, 13, 18, 39),
            "trade",
            "BTC",
            D("0.1"),
            "USD",
            D("5230"),
            "USD",
            D("15.69"),
            "bitstamp:301123089",
            "Market Sell",
        ),
        # ETH2R (staked-ETH reward) is ETH.
        (13, ts(2024, 3, 1), "income", None, None, "ETH", D("0.00131022"), None, None, "bitstamp:301124100", "Staking reward"),
        (
            16,
            ts(2024, 3, 11, 12, 52, 40),
            "withdrawal",
            "ETH",
            D("1.2"),
            None,
            None,
            "ETH",
            D("0.0025"),
            "bitstamp:301125390",
            "Withdrawal",
        ),
        (17, ts(2024, 3, 18, 10, 15), "withdrawal", "BTC", D("0.0595"), None, None, "BTC", D("0.0005"), "bitstamp:301126021", "Withdrawal"),
        (18, ts(2024, 4, 1), "income", None, None, "ETH", D("0.0012784"), None, None, "bitstamp:301126877", "Staking reward"),
        (19, ts(2024, 4, 8, 14, 20, 31), "withdrawal", "USD", D("8000"), None, None, "USD", D("25"), "bitstamp:301127455", "Withdrawal"),
    ]
    assert set(ledger.frame["wallet"]) == {"Bitstamp"}
    assert ledger.frame["usd_value"].null_count() == ledger.frame.height


def test_sample_skips_transfers_between_accounts() -> None:
    ledger = load(SAMPLE)
    assert ledger.files[0].skipped == {"internal move between Bitstamp accounts": 2}
    assert [d for d in ledger.diagnostics if d.code is not Code.SKIPPED_ROWS] == []


def test_old_format_rows() -> None:
    path = HERE / "old_format.csv"
    ledger = load(path)
    f = str(path)
    assert rows(ledger) == [
        (2, ts(2021, 3, 2, 9, 15), "deposit", None, None, "EUR", D("1500"), None, None, f"{f}:2", "Deposit"),
        (3, ts(2021, 3, 2, 9, 20), "trade", "EUR", D("1265.16"), "BTC", D("0.03"), "EUR", D("6.33"), f"{f}:3", "Market Buy"),
        (4, ts(2021, 5, 14, 12, 0), "deposit", None, None, "XRP", D("250"), None, None, f"{f}:4", "Ripple deposit"),
        (5, ts(2021, 6, 1, 15, 45), "trade", "BTC", D("0.01"), "EUR", D("301.50"), "EUR", D("1.51"), f"{f}:5", "Market Sell"),
        (6, ts(2021, 9, 30, 23, 59), "income", None, None, "ETH", D("0.00045"), None, None, f"{f}:6", "Staking reward"),
        (8, ts(2021, 12, 20, 16, 5), "withdrawal", "BTC", D("0.0199"), None, None, "BTC", D("0.0001"), f"{f}:8", "Withdrawal"),
    ]
    assert ledger.files[0].skipped == {"internal move between Bitstamp accounts": 1}


def test_old_format_bad_rows() -> None:
    path = HERE / "old_format.csv"
    bad = sorted((d.source.file, d.source.line, d.message) for d in load(path).diagnostics if d.code is Code.BAD_ROW)
    f = str(path)
    known = (
        "Market, Deposit, Withdrawal, Ripple deposit, Ripple payment, Staking reward, Deposit reverted, "
        "Sub Account Transfer, Inter Account Transfer"
    )
    assert bad == [
        (f, 9, f"unknown transaction type 'Card Purchase'; taxlots knows: {known}"),
        (f, 10, "Amount 'abc BTC' is not a number followed by a currency (0.03000000 BTC)"),
        (f, 11, "Market row with sub type ''; expected Buy or Sell"),
        (f, 12, "Datetime 'Dec. 32, 2021, 10:00 AM' is not a date like 'Mar. 02, 2021, 09:20 AM'"),
    ]


def test_old_format_is_read_in_the_run_zone_new_format_stays_utc() -> None:
    old = load(HERE / "old_format.csv", tz="America/New_York")
    assert next(old.rows()).timestamp == ts(2021, 3, 2, 14, 15)  # 09:15 EST
    new = load(SAMPLE, tz="America/New_York")
    assert next(new.rows()).timestamp == ts(2023, 11, 28, 15, 22, 9)


def test_semicolon_separated_crlf_export() -> None:
    ledger = load(HERE / "semicolon.csv")
    assert rows(ledger) == [
        (2, ts(2024, 5, 2, 8), "trade", "EUR", D("1180"), "BTC", D("0.02"), "EUR", D("3.54"), "bitstamp:301130001", "Market Buy"),
        (3, ts(2024, 5, 3, 9, 30), "withdrawal", "XRP", D("100"), None, None, None, None, "bitstamp:301130002", "Ripple payment"),
    ]


@pytest.mark.parametrize("path", [SAMPLE, HERE / "old_format.csv", HERE / "semicolon.csv"])
def test_both_formats_are_claimed_by_bitstamp_alone(path: Path) -> None:
    sniffed, diag = ingest.sniff(str(path), ALL)
    assert diag is None and sniffed is not None
    assert sniffed.importer is bitstamp
