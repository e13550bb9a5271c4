"""Coinbase's Transfers report (Buys, Sells, and Merchant Payouts): the asset named by the third column."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

from taxlots import ingest
from taxlots.importers import IMPORTERS, coinbase_transfers
from tests.importers._ledger import rows, ts

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "coinbase_transfers_2018.csv"


def load(path: Path) -> ingest.Ledger:
    return ingest.load([str(path)], importers=(coinbase_transfers,))


def test_sample_rows() -> None:
    # Buy: Subtotal 798.25 + Fees 12.07 = Total 810.32; 798.25 / 0.05 = 15965.00 per coin. Sell: 167.90 - 2.47 = 165.43.
    ledger = load(SAMPLE)
    assert rows(ledger) == [
        (2, ts(2018, 1, 5, 18, 15), "trade", "USD", D("798.25"), "BTC", D("0.05"), "USD", D("12.07"),
         "coinbase-transfer:5a4f00000000000000000001", "Buy; Bank of Example ****1234"),
        (3, ts(2018, 2, 10, 16, 0), "trade", "BTC", D("0.02"), "USD", D("167.90"), "USD", D("2.47"),
         "coinbase-transfer:5a7e00000000000000000002", "Sell; Bank of Example ****1234"),
        (4, ts(2018, 2, 20, 17, 0), "deposit", None, None, "USD", D("500.00"), None, None,
         "coinbase-transfer:5a8c00000000000000000003", "Deposit; Bank of Example ****1234"),
    ]  # fmt: skip


def test_local_currency_stays_an_asset_and_unknown_types_are_errors(tmp_path: Path) -> None:
    path = tmp_path / "transfers_eur.csv"
    path.write_text(
        "Timestamp,Type,ETH,Subtotal,Fees,Total,Currency,Price Per Coin,Payment Method,ID,Share\n"
        "2019-05-02T10:00:00Z,Buy,0.5,€120.00,€1.80,€121.80,EUR,240.00,SEPA,5ccb0000000000000000000a,\n"
        "2019-05-03T10:00:00Z,Mystery Type,0.1,€24.00,€0.00,€24.00,EUR,240.00,,5ccb0000000000000000000b,\n",
        encoding="utf-8",
    )
    ledger = load(path)
    assert rows(ledger) == [
        (2, ts(2019, 5, 2, 10), "trade", "EUR", D("120.00"), "ETH", D("0.5"), "EUR", D("1.80"),
         "coinbase-transfer:5ccb0000000000000000000a", "Buy; SEPA"),
    ]  # fmt: skip
    assert ledger.frame["usd_value"].to_list() == [None]  # EUR needs a USD price: never read as USD
    messages = [(d.source.line, d.message) for d in ledger.diagnostics if d.severity == "error" and d.source]
    assert messages == [(3, "unknown type 'Mystery Type'; taxlots knows: Buy, Sell, Deposit, Withdrawal")]


def test_claimed_by_this_importer_only() -> None:
    sniffed, problem = ingest.sniff(str(SAMPLE), IMPORTERS)
    assert problem is None and sniffed is not None and sniffed.importer is coinbase_transfers


def test_withdrawal_to_the_bank(tmp_path: Path) -> None:
    path = tmp_path / "transfers.csv"
    path.write_text(
        "Timestamp,Type,BTC,Subtotal,Fees,Total,Currency,Price Per Coin,Payment Method,ID,Share\n"
        "2018-03-10 09:00:00 -0800,Withdrawal,,$500.00,$0.15,$500.00,USD,,Bank ****1234,5aa300000000000000000010,\n",
        encoding="utf-8",
    )
    assert rows(load(path)) == [
        (2, ts(2018, 3, 10, 17, 0), "withdrawal", "USD", D("500.00"), None, None, "USD", D("0.15"),
         "coinbase-transfer:5aa300000000000000000010", "Withdrawal; Bank ****1234"),
    ]  # fmt: skip
