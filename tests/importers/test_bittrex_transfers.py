"""Bittrex deposits and withdrawals: the combined sample, the older deposit and withdrawal files."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

from taxlots import ingest
from taxlots.importers import IMPORTERS, bittrex_transfers
from tests.importers._ledger import rows, ts

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "bittrex_transfers_2024.csv"


def load(path: Path) -> ingest.Ledger:
    return ingest.load([str(path)], importers=(bittrex_transfers,))


def test_sample_rows_hashes_and_addresses() -> None:
    ledger = load(SAMPLE)
    f = str(SAMPLE)
    assert rows(ledger) == [
        (5, ts(2022, 1, 7, 10, 30), "deposit", None, None, "USDT", D("5000"), None, None, f"{f}:5", "Deposit"),
        (4, ts(2022, 2, 1, 17, 45), "deposit", None, None, "ETH", D("2"), None, None, f"{f}:4", "Deposit"),
        (3, ts(2022, 6, 20, 8, 14, 30), "deposit", None, None, "XRP", D("250"), None, None, f"{f}:3", "Deposit"),
        # Amount -1200: a withdrawal of the magnitude.
        (2, ts(2022, 6, 30, 12, 0, 5), "withdrawal", "USDT", D("1200"), None, None, None, None, f"{f}:2", "Withdrawal"),
    ]
    by_line = {r["line"]: (r["tx_hash"], r["address"]) for r in ledger.frame.iter_rows(named=True)}
    assert by_line[3] == ("5A3C8E1F7B2D9A4C6E0F8B1D3A5C7E9F2B4D6A8C0E1F3B5D7A9C2E4F6B8D0A1C", "rLHzPsX6oXkzU2qL12kHCH8G8cnZv1rBJh")


def test_older_deposit_file_skips_unconfirmed(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text(
        "Id,Currency,Amount,Confirmations,LastUpdatedDate,TxId,CryptoAddress,Source,PropertyBagError,BankInfo,DepositUuid,State\n"
        "91,BTC,0.5,3,12/1/2019 10:00:00 AM,abc,bc1qaddr,,,,u1,CONFIRMED\n"
        "92,BTC,0.2,0,12/2/2019 10:00:00 AM,def,bc1qaddr,,,,u2,PENDING\n"
    )
    ledger = load(path)
    assert rows(ledger) == [(2, ts(2019, 12, 1, 10), "deposit", None, None, "BTC", D("0.5"), None, None, "bittrex:deposit:91", "Deposit")]
    assert ledger.files[0].skipped == {"deposit state 'PENDING'": 1}


def test_withdrawal_fee_is_on_top(tmp_path: Path) -> None:
    """BittyTax (parse_bittrex_withdrawals): sell Amount, fee TxFee in the same currency; cancelled rows dropped."""
    path = tmp_path / "w.csv"
    path.write_text(
        "PaymentUuid,Currency,Amount,Address,OpenedDate,Authorized,Pending,TxId,TxFee,Target,BankInfo,Canceled\n"
        "p1,ETH,1.5,0xabc,3/1/2020 8:00:00 PM,true,false,0xhash,0.006,,,false\n"
        "p2,ETH,1.0,0xabc,3/2/2020 8:00:00 PM,true,false,,0.006,,,true\n"
    )
    ledger = load(path)
    assert rows(ledger) == [
        (2, ts(2020, 3, 1, 20), "withdrawal", "ETH", D("1.5"), None, None, "ETH", D("0.006"), "bittrex:p1", "Withdrawal")
    ]
    assert ledger.files[0].skipped == {"withdrawal not authorized or cancelled": 1}


def test_claimed_by_bittrex_transfers_alone() -> None:
    sniffed, diag = ingest.sniff(str(SAMPLE), IMPORTERS)
    assert diag is None and sniffed is not None and sniffed.importer is bittrex_transfers
