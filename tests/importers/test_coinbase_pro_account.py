"""Coinbase Pro / Advanced account statement: fills rebuilt from match and fee rows, transfers, conversions."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from taxlots import ingest
from taxlots.importers import IMPORTERS, coinbase_pro, coinbase_pro_account
from tests.importers._ledger import rows, ts

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "coinbase_pro_account_2021.csv"
FIXTURES = Path(__file__).resolve().parent / "samples" / "coinbase"
BOTH = (coinbase_pro, coinbase_pro_account)


def load(*paths: Path) -> ingest.Ledger:
    return ingest.load([str(p) for p in paths], importers=BOTH)


def errors(ledger: ingest.Ledger) -> list[tuple[int, str]]:
    return sorted((d.source.line, d.message) for d in ledger.diagnostics if d.severity == "error" and d.source)


MOVED = "Coinbase Pro {} (transfer {}): from or to an outside wallet or Coinbase retail"
DEPOSIT_ID = "1d0c7a8e-0000-4000-8000-00000000abcd"
WITHDRAWAL_ID = "9a1e0000-2222-4333-8444-555566667777"


def test_sample_rows() -> None:
    # Written from the file: each fill's match legs (negative sent, positive received) and fee row; the fee
    # is apart from the legs (the BUY's USD match is 0.05 x 55120 = 2756, the fee 13.78 more).
    ledger = load(SAMPLE)
    assert errors(ledger) == []
    assert rows(ledger) == [
        (2, ts(2021, 3, 15, 13, 58, 40, 120000), "deposit", None, None, "USD", D("3000"), None, None,
         f"coinbase-pro:transfer:{DEPOSIT_ID}", MOVED.format("deposit", DEPOSIT_ID)),
        (3, ts(2021, 3, 15, 14, 2, 11, 418000), "trade", "USD", D("2756"), "BTC", D("0.05"), "USD", D("13.78"),
         "coinbase-pro:BTC-USD:48211907", "match BTC-USD"),
        # 0.02 x 56000.10 = 1120.002 received; fee 5.60001 USD
        (6, ts(2021, 3, 15, 16, 45, 3, 2000), "trade", "BTC", D("0.02"), "USD", D("1120.002"), "USD", D("5.60001"),
         "coinbase-pro:BTC-USD:48211955", "match BTC-USD"),
        # 1.5 x 0.0315 = 0.04725 BTC sent; the fee's asset (BTC) is the quote: product ETH-BTC
        (9, ts(2021, 3, 16, 9, 12, 0, 500000), "trade", "BTC", D("0.04725"), "ETH", D("1.5"), "BTC", D("0.00023625"),
         "coinbase-pro:ETH-BTC:9120377", "match ETH-BTC"),
        (12, ts(2021, 3, 17, 10, 0, 0), "trade", "USD", D("500"), "USDC", D("500"), None, None, f"{SAMPLE}:12", "conversion"),
        (14, ts(2021, 3, 18), "income", None, None, "USDC", D("0.012"), None, None, f"{SAMPLE}:14", "maker rebate"),
        (15, ts(2021, 3, 20, 10, 0, 0), "withdrawal", "BTC", D("0.03"), None, None, None, None,
         f"coinbase-pro:transfer:{WITHDRAWAL_ID}", MOVED.format("withdrawal", WITHDRAWAL_ID)),
    ]  # fmt: skip
    assert set(ledger.frame["wallet"]) == {"Coinbase"}


@pytest.mark.parametrize("order", ["fills first", "account first"])
def test_fills_and_account_count_each_trade_once(order: str) -> None:
    fills = FIXTURES / "pro_fills_2021.csv"
    paths = (fills, SAMPLE) if order == "fills first" else (SAMPLE, fills)
    ledger = load(*paths)
    assert errors(ledger) == []
    trades = ledger.frame.filter(ledger.frame["id"].str.contains(r"^coinbase-pro:[A-Z]+-"))
    # three fills, kept once each, from the fills report (the account's PRIORITY is lower)
    assert sorted(trades["id"]) == ["coinbase-pro:BTC-USD:48211907", "coinbase-pro:BTC-USD:48211955", "coinbase-pro:ETH-BTC:9120377"]
    assert set(trades["importer"]) == {"coinbase-pro-fills"}
    assert {f.importer: f.duplicates for f in ledger.files} == {"coinbase-pro-fills": 0, "coinbase-pro-account": 3}
    # and the numbers agree: the fills' gross quote (|total| - fee for a buy, total + fee for a sell)
    by_id = {r["id"]: (D(r["sent_qty"]), D(r["received_qty"]), D(r["fee_qty"])) for r in trades.iter_rows(named=True)}
    assert by_id["coinbase-pro:BTC-USD:48211907"] == (D("2769.78") - D("13.78"), D("0.05"), D("13.78"))
    assert by_id["coinbase-pro:BTC-USD:48211955"] == (D("0.02"), D("1114.401990") + D("5.600010"), D("5.60001"))


def test_2022_capitalized_header_fee_less_fill_and_problems() -> None:
    path = FIXTURES / "pro_account_2022_caps.csv"
    ledger = load(path)
    assert errors(ledger) == [
        (4, "trade id 3302 (lines 4) does not resolve into one sent and one received asset"),
        (5, "amount 'oops' is not a number"),
        (5, "trade id 3303 (lines 5, 6) was left out with its unreadable row"),
        (7, "unknown type 'margin interest'; taxlots knows: conversion, deposit, fee, match, rebate, withdrawal"),
        (8, "a 'deposit' row's amount -5.0000000000000000 has the wrong sign"),
    ]
    # no fee row: the quote is the leg whose asset comes first among Coinbase's quotes (USDC before ETH)
    assert rows(ledger) == [
        (2, ts(2022, 6, 1, 8, 0, 0, 100000), "trade", "USDC", D("100"), "ETH", D("0.055"), None, None,
         "coinbase-pro:ETH-USDC:3301", "match ETH-USDC"),
    ]  # fmt: skip


@pytest.mark.parametrize("path", [SAMPLE, FIXTURES / "pro_account_2022_caps.csv"], ids=lambda p: p.name)
def test_claimed_by_this_importer_only(path: Path) -> None:
    sniffed, problem = ingest.sniff(str(path), IMPORTERS)
    assert problem is None and sniffed is not None and sniffed.importer is coinbase_pro_account


def test_fee_asset_and_sign_convention() -> None:
    # EXCHANGE_FORMATS.md §2.3 (and the Coinbase Exchange API's ledger entries): a fill writes a quote
    # `match`, a base `match` and a negative quote `fee`; the fee is not inside the match amounts.
    ledger = load(SAMPLE)
    for r in ledger.frame.filter(ledger.frame["type"] == "trade").iter_rows(named=True):
        if r["fee_asset"] is not None:
            quote = r["id"].split(":")[1].split("-")[1]
            assert r["fee_asset"] == quote
            assert not r["fee_qty"].startswith("-")
