"""Coinbase's per-wallet Transactions report (2017-2019): buys and sells by transfer, chain movements, moves."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

from taxlots import ingest
from taxlots.importers import IMPORTERS, coinbase_transactions, coinbase_transfers
from tests.importers._ledger import rows, ts

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "coinbase_transactions_2018.csv"
TRANSFERS = ROOT / "samples" / "coinbase_transfers_2018.csv"
HASH = "4c0ffee0000000000000000000000000000000000000000000000000000000"


def load(*paths: Path) -> ingest.Ledger:
    return ingest.load([str(p) for p in paths], importers=(coinbase_transactions, coinbase_transfers))


def test_sample_rows() -> None:
    ledger = load(SAMPLE)
    assert [d.render() for d in ledger.diagnostics if d.severity == "error"] == []
    assert rows(ledger) == [
        # -0800: 10:15 local is 18:15 UTC. A buy: Transfer Total 810.32 includes the 12.07 fee, so 798.25 USD
        # paid for 0.05 BTC (810.32 - 12.07 = 798.25).
        (5, ts(2018, 1, 5, 18, 15), "trade", "USD", D("798.25"), "BTC", D("0.05"), "USD", D("12.07"),
         "coinbase-transfer:5a4f00000000000000000001", "Bought 0.05 BTC for $810.32 USD."),
        # a sell: 165.43 is net of the 2.47 fee, so 167.90 gross (165.43 + 2.47)
        (6, ts(2018, 2, 10, 16, 0), "trade", "BTC", D("0.02"), "USD", D("167.90"), "USD", D("2.47"),
         "coinbase-transfer:5a7e00000000000000000002", "Sold 0.02 BTC for $165.43 USD."),
        (7, ts(2018, 3, 1, 20, 0), "withdrawal", "BTC", D("0.02"), None, None, None, None, "coinbase:5a980000000000000000aaa3", ""),
        # -0700 (summer time): 09:30 local is 16:30 UTC
        (8, ts(2018, 3, 15, 16, 30), "deposit", None, None, "BTC", D("0.1"), None, None, "coinbase:5aaa0000000000000000aaa4", ""),
    ]  # fmt: skip
    chain = ledger.frame.select("line", "tx_hash", "address").rows()
    assert chain == [
        (5, None, None),
        (6, None, None),
        (7, HASH + "01", "1BoatSLRHtKNngkdXEeobR76b53LETtpyT"),
        (8, HASH + "02", None),
    ]
    move = "no chain hash and no transfer id: a move within Coinbase (to Coinbase Pro, a vault, another wallet) or a bonus"
    assert ledger.files[0].skipped == {move: 1}


def test_with_the_transfers_report_each_buy_and_sell_counts_once() -> None:
    ledger = load(SAMPLE, TRANSFERS)
    assert [d.render() for d in ledger.diagnostics if d.severity == "error"] == []
    trades = ledger.frame.filter(ledger.frame["type"] == "trade")
    assert trades.height == 2 and set(trades["importer"]) == {"coinbase-transfers"}
    assert {f.importer: f.duplicates for f in ledger.files} == {"coinbase-transactions": 2, "coinbase-transfers": 0}


def test_claimed_by_this_importer_only() -> None:
    sniffed, problem = ingest.sniff(str(SAMPLE), IMPORTERS)
    assert problem is None and sniffed is not None and sniffed.importer is coinbase_transactions
    assert sniffed.header_line == 4


def test_usd_wallet_bank_deposit_and_withdrawal() -> None:
    # Same currency on both sides of the transfer: a fiat deposit or withdrawal of Transfer Total, with its fee.
    path = Path(__file__).resolve().parent / "samples" / "coinbase" / "transactions_usd_wallet.csv"
    ledger = load(path)
    assert [d.render() for d in ledger.diagnostics if d.severity == "error"] == []
    assert rows(ledger) == [
        (5, ts(2018, 1, 4, 17, 0), "deposit", None, None, "USD", D("1000.00"), None, None,
         "coinbase-transfer:5a4e00000000000000000009", "Deposit from bank"),
        (6, ts(2018, 3, 10, 17, 0), "withdrawal", "USD", D("500.00"), None, None, "USD", D("0.15"),
         "coinbase-transfer:5aa300000000000000000010", "Withdrawal to bank"),
    ]  # fmt: skip
