"""Bitfinex ledgers report: trades rebuilt from Exchange and Trading fees rows, movements, fees, income."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import polars as pl
import pytest

from taxlots import ingest
from taxlots.importers import IMPORTERS, bitfinex, bitfinex_ledgers
from tests.importers._ledger import rows, ts

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "bitfinex_ledgers_2024.csv"
HERE = Path(__file__).resolve().parent / "samples" / "bitfinex"
BOTH = (bitfinex, bitfinex_ledgers)


def load(*paths: Path) -> ingest.Ledger:
    return ingest.load([str(p) for p in paths], importers=BOTH)


def errors(ledger: ingest.Ledger) -> list[tuple[int, str]]:
    return sorted((d.source.line, d.message) for d in ledger.diagnostics if d.severity == "error" and d.source)


def test_sample_rows() -> None:
    # DD-MM-YY dates (15-01-24 = 15 Jan 2024). A trade is its two Exchange rows plus its Trading fees row:
    # buy 0.75 ETH for 0.75 x 2290.4 = 1717.8 UST, fee 0.0015 ETH (the currency received); sell 0.5 ETH for
    # 0.5 x 2510 = 1255 UST, fee 2.51 UST. UST is Bitfinex's code for USDT.
    ledger = load(SAMPLE)
    assert errors(ledger) == []
    assert rows(ledger) == [
        (2, ts(2024, 1, 2, 9, 12, 44), "deposit", None, None, "USDT", D("5000"), None, None, "bitfinex:ledger:2611223301",
         "Deposit (TETHERUSE) #18820011 on wallet exchange"),
        (3, ts(2024, 1, 15, 11, 42, 7), "trade", "USDT", D("1717.8"), "ETH", D("0.75"), "ETH", D("0.0015"), "bitfinex:ledger:2611223344",
         "Exchange 0.75 ETH for UST @ 2290.4 on wallet exchange"),
        (6, ts(2024, 2, 20, 18, 3, 55), "trade", "ETH", D("0.5"), "USDT", D("1255"), "USDT", D("2.51"), "bitfinex:ledger:2611229001",
         "Exchange 0.5 ETH for UST @ 2510.0 on wallet exchange"),
        (11, ts(2024, 3, 2, 1, 30), "income", None, None, "USDT", D("1.3742"), None, None, "bitfinex:ledger:2611231500",
         "Margin Funding Payment on wallet funding"),
        (12, ts(2024, 4, 10, 16, 20), "withdrawal", "ETH", D("0.2"), None, None, None, None, "bitfinex:ledger:2611240777",
         "Ethereum Withdrawal #19004411 on wallet exchange"),
        # the network fee is a row of its own: a fee paid in property, priced later
        (13, ts(2024, 4, 10, 16, 20), "fee", "ETH", D("0.00135"), None, None, None, None, "bitfinex:ledger:2611240778",
         "Crypto Withdrawal fee on wallet exchange"),
    ]  # fmt: skip
    assert ledger.files[0].skipped == {"move between Bitfinex wallets": 2}
    assert ledger.frame["usd_value"].null_count() == ledger.frame.height


def test_plain_header_usd_fee_and_problems() -> None:
    path = HERE / "ledgers_plain.csv"
    ledger = load(path)
    assert errors(ledger) == [
        (7, "trade legs on lines 7 do not resolve into one sent and one received currency"),
        (8, "margin trading ('Position #7788 funding cost on wallet margin') is not supported; taxlots reads spot activity only"),
        (9, "AMOUNT 'oops' is not a number"),
        (10, "unknown ledger description 'Mystery entry on wallet exchange'; taxlots knows the descriptions listed in its Bitfinex"
             " ledgers importer"),
    ]  # fmt: skip
    assert rows(ledger) == [
        (2, ts(2019, 6, 5, 10), "deposit", None, None, "USD", D("2000"), None, None, f"{path}:2",
         "Deposit (WIRE) #5501 on wallet exchange"),
        (3, ts(2019, 6, 5, 10), "fee", "USD", D("2"), None, None, None, None, f"{path}:3", "Deposit Fee (WIRE) 5501 on wallet exchange"),
        # 0.25 x 7800 = 1950 USD
        (4, ts(2019, 6, 6, 12, 30, 15), "trade", "USD", D("1950"), "BTC", D("0.25"), "BTC", D("0.0005"), f"{path}:4",
         "Exchange 0.25 BTC for USD @ 7800.0 on wallet exchange"),
        # a canceled withdrawal gives the coins back
        (11, ts(2019, 6, 11), "deposit", None, None, "BTC", D("0.05"), None, None, f"{path}:11",
         "Canceled withdrawal request #881 on wallet exchange"),
    ]  # fmt: skip
    # a USD fee is its own USD value; others are priced later
    assert ledger.frame.filter(ledger.frame["line"] == 3)["usd_value"].to_list() == ["2.0"]


def test_trades_report_covers_the_rebuilt_trades() -> None:
    # The trades report lists the same two trades under its own ids: the ledger's copies are counted skips.
    ledger = load(HERE / "trades_covering_ledgers.csv", SAMPLE)
    assert errors(ledger) == []
    trades = ledger.frame.filter(ledger.frame["type"] == "trade")
    assert sorted(trades["id"]) == ["bitfinex:1499887766", "bitfinex:1499887799"]
    ledger_report = next(f for f in ledger.files if f.importer == "bitfinex-ledgers")
    assert sum(n for reason, n in ledger_report.skipped.items() if reason.startswith("covered by")) == 2


@pytest.mark.parametrize("path", [SAMPLE, HERE / "ledgers_plain.csv", HERE / "ledgers_income_and_wires.csv"], ids=lambda p: p.name)
def test_claimed_by_this_importer_only(path: Path) -> None:
    sniffed, problem = ingest.sniff(str(path), IMPORTERS)
    assert problem is None and sniffed is not None and sniffed.importer is bitfinex_ledgers


def test_fee_asset_and_sign_convention() -> None:
    # Bitfinex charges the trading fee in the currency received (BittyTax's Bitfinex parser and the report's
    # FEE CURRENCY column agree); the ledger writes it as a negative row of its own, so the received leg
    # is gross. The fee is reported positive, in the received asset.
    for r in load(SAMPLE).frame.filter(pl.col("type") == "trade").iter_rows(named=True):
        assert r["fee_asset"] == r["received_asset"]
        assert not r["fee_qty"].startswith("-")


def test_income_descriptions_wire_withdrawal_and_a_refunded_fee() -> None:
    path = HERE / "ledgers_income_and_wires.csv"
    ledger = load(path)
    assert errors(ledger) == []
    got = [(r.source.line, r.kind.value, r.sent_asset, r.sent_qty, r.received_asset, r.received_qty) for r in ledger.rows()]
    assert got == [
        (2, "income", None, None, "USD", D("0.18")),  # Trading rebate for ...
        (3, "income", None, None, "USD", D("0.05")),  # Affiliate Rebate
        (4, "income", None, None, "USD", D("0.03")),  # Earned fees from user
        (5, "income", None, None, "EOS", D("4.2")),  # <coin> airdrop
        (6, "income", None, None, "USD", D("0.91")),  # Interest Payment
        (7, "withdrawal", "USD", D("100"), None, None),  # Wire Transfer Withdrawal
        (8, "deposit", None, None, "USD", D("1")),  # Canceled withdrawal fee: given back
    ]


def test_a_ledger_of_another_tool_with_more_columns_is_not_claimed() -> None:
    header = ("date", "description", "amount", "balance", "currency", "category", "account")
    assert not bitfinex_ledgers.claims(header)
    assert bitfinex_ledgers.claims(("#", "description", "currency", "amount", "balance", "date", "wallet"))
