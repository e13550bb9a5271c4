"""Poloniex deposits and withdrawals: statuses, the fee inside a withdrawal, hashes and addresses."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from taxlots import ingest
from taxlots.importers import IMPORTERS, poloniex_transfers
from taxlots.model.diagnostics import Code
from tests.importers._ledger import rows, ts

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "poloniex_transfers_2024.csv"
WITHDRAWALS = Path(__file__).resolve().parent / "samples" / "poloniex" / "withdrawals.csv"


def load(path: Path) -> ingest.Ledger:
    return ingest.load([str(path)], importers=(poloniex_transfers,))


def test_deposit_file_rows() -> None:
    ledger = load(SAMPLE)
    f = str(SAMPLE)
    assert rows(ledger) == [
        (6, ts(2024, 1, 8, 14, 55, 1), "deposit", None, None, "BTC", D("0.05"), None, None, f"{f}:6", "Deposit"),
        (5, ts(2024, 1, 10, 9, 2, 33), "deposit", None, None, "USDT", D("5000"), None, None, f"{f}:5", "Deposit"),
        (4, ts(2024, 2, 5, 16, 20, 40), "deposit", None, None, "ETH", D("1.2"), None, None, f"{f}:4", "Deposit"),
        # A legacy withdrawal listed in the deposit file: its status carries the transaction id.
        (2, ts(2024, 4, 2, 10, 31), "withdrawal", "USDT", D("500"), None, None, None, None, f"{f}:2", "Withdrawal"),
    ]
    assert ledger.files[0].skipped == {"status 'PENDING' (only COMPLETE rows happened)": 1}
    first = ledger.frame.filter(ledger.frame["line"] == 2).row(0, named=True)
    assert first["tx_hash"] == "3e9f5b0c2a7d4e18b6f3a9c1d5e7b2f40a8c6e1d3b5f7a9c2e4d6b8f0a1c3e5d"
    assert first["address"] == "TXqH2JBkDgGWyCFg4GZzg8eUjG5LWZuF6a"


def test_withdrawal_amount_includes_the_fee() -> None:
    """BittyTax (parse_poloniex_withdrawals): sent = Amount - Fee Deducted, fee = Fee Deducted: 0.5 - 0.001 = 0.499 ETH."""
    ledger = load(WITHDRAWALS)
    f = str(WITHDRAWALS)
    assert rows(ledger) == [
        (2, ts(2024, 4, 10, 12), "withdrawal", "ETH", D("0.499"), None, None, "ETH", D("0.001"), f"{f}:2", "Withdrawal"),
        (3, ts(2024, 4, 11, 12), "withdrawal", "BTC", D("0.01"), None, None, None, None, f"{f}:3", "Withdrawal"),  # zero fee: none
    ]
    assert [(d.source.line, d.message) for d in ledger.diagnostics if d.code is Code.BAD_ROW and d.source] == [
        (4, "Fee Deducted is larger than Amount")
    ]
    assert ledger.files[0].skipped == {"status 'AWAITING APPROVAL' (only COMPLETE rows happened)": 1}
    assert ledger.frame.sort("line")["tx_hash"].to_list()[0] == "0x1f2e3d4c5b6a79880716253443526170f8e9d0c1b2a39485766758493a2b1c0d"


@pytest.mark.parametrize("path", [SAMPLE, WITHDRAWALS])
def test_claimed_by_poloniex_transfers_alone(path: Path) -> None:
    sniffed, diag = ingest.sniff(str(path), IMPORTERS)
    assert diag is None and sniffed is not None and sniffed.importer is poloniex_transfers
