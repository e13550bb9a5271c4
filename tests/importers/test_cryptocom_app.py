"""Crypto.com App transaction history: the sample, USD values and hashes, signs, skips and errors."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

from taxlots import ingest
from taxlots.importers import IMPORTERS, cryptocom_app
from taxlots.model.diagnostics import Code
from tests.importers._ledger import rows, ts

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "cryptocom_app_2024.csv"
HEADER = (
    "Timestamp (UTC),Transaction Description,Currency,Amount,To Currency,To Amount,Native Currency,Native Amount,"
    "Native Amount (in USD),Transaction Kind\n"
)


def load(path: Path) -> ingest.Ledger:
    return ingest.load([str(path)], importers=(cryptocom_app,))


def bad(ledger: ingest.Ledger) -> list[tuple[int, str]]:
    return sorted((d.source.line, d.message) for d in ledger.diagnostics if d.code is Code.BAD_ROW and d.source)


def test_sample_rows() -> None:
    ledger = load(SAMPLE)
    f = str(SAMPLE)
    assert rows(ledger) == [
        # A card purchase: 0.01 BTC for the 430 USD of Native Amount.
        (15, ts(2024, 1, 3, 14), "trade", "USD", D("430"), "BTC", D("0.01"), None, None, f"{f}:15", "Buy BTC; crypto_purchase"),
        (14, ts(2024, 1, 5, 9), "deposit", None, None, "ETH", D("1.5"), None, None, f"{f}:14", "Deposit ETH; crypto_deposit"),
        (
            13,
            ts(2024, 1, 10, 10, 10, 10),
            "trade",
            "ETH",
            D("0.5"),
            "CRO",
            D("12500"),
            None,
            None,
            f"{f}:13",
            "ETH -> CRO; crypto_exchange",
        ),
        (
            11,
            ts(2024, 2, 1, 0, 0, 3),
            "income",
            None,
            None,
            "CRO",
            D("25.5"),
            None,
            None,
            f"{f}:11",
            "Crypto Earn; crypto_earn_interest_paid",
        ),
        (
            10,
            ts(2024, 2, 14, 19, 30),
            "income",
            None,
            None,
            "CRO",
            D("12.25"),
            None,
            None,
            f"{f}:10",
            "Card Cashback; referral_card_cashback",
        ),
        (8, ts(2024, 3, 1, 12), "spend", "USDC", D("45.5"), None, None, None, None, f"{f}:8", "Crypto Payment; crypto_payment"),
        (
            7,
            ts(2024, 3, 5, 16, 45),
            "withdrawal",
            "BTC",
            D("0.005"),
            None,
            None,
            None,
            None,
            f"{f}:7",
            "Transfer to Exchange; crypto_to_exchange_transfer",
        ),
        (
            6,
            ts(2024, 3, 10, 11, 11, 11),
            "withdrawal",
            "ETH",
            D("0.4"),
            None,
            None,
            None,
            None,
            f"{f}:6",
            "Withdraw ETH; crypto_withdrawal",
        ),
        (5, ts(2024, 3, 15, 13), "trade", "BTC", D("0.002"), "USD", D("134.5"), None, None, f"{f}:5", "BTC -> USD; crypto_viban_exchange"),
        (
            4,
            ts(2024, 3, 20, 7, 7, 7),
            "trade",
            "USDC",
            D("100"),
            "SOL",
            D("0.55"),
            None,
            None,
            f"{f}:4",
            "Recurring Buy; recurring_buy_order",
        ),
        # Crypto.com Pay from another user: a deposit by its sign.
        (3, ts(2024, 3, 25, 10), "deposit", None, None, "USDC", D("20"), None, None, f"{f}:3", "Transfer from alice; crypto_transfer"),
        (
            2,
            ts(2024, 4, 1, 9, 30),
            "income",
            None,
            None,
            "ATOM",
            D("0.1234"),
            None,
            None,
            f"{f}:2",
            "Supercharger Reward; supercharger_reward_to_app_credited",
        ),
    ]
    assert ledger.files[0].skipped == {
        "move inside the Crypto.com App (lockup_lock)": 1,
        "move inside the Crypto.com App (crypto_earn_program_created)": 1,
    }
    assert [d for d in ledger.diagnostics if d.code is not Code.SKIPPED_ROWS] == []


def test_usd_value_and_tx_hash() -> None:
    """usd_value is Native Amount (in USD) unless a side is USD cash (lines 15 and 5), and not on transfers;
    tx_hash comes from Transaction Hash on deposits and withdrawals."""
    frame = load(SAMPLE).frame.sort("line")
    got = {r["line"]: (r["usd_value"], r["tx_hash"]) for r in frame.iter_rows(named=True)}
    assert got == {
        2: ("1.36", None),
        3: (None, None),
        4: ("100", None),
        5: (None, None),
        6: (None, "0x5f1a8c2e9b7d4f03a6e1c8b2d9f4a7e3c1b5d8f2a6e9c3b7d1f4a8e2c6b9d3f7"),
        7: (None, None),
        8: ("45.5", None),
        10: ("1.05", None),
        11: ("2.3", None),
        13: ("1125", None),
        14: (None, "0x9c3e7a1f5b2d8e4c6a0f3b9d7e1c5a2f8b4d6e0c3a7f9b1d5e2c8a4f6b0d3e7a"),
        15: (None, None),
    }


def test_sign_convention_and_errors(tmp_path: Path) -> None:
    """Amount is signed (BittyTax takes abs() of outgoing rows): negative leaves the wallet. A row whose sign
    contradicts its kind is an error, not silently flipped."""
    path = tmp_path / "cdc.csv"
    path.write_text(
        HEADER
        + "2024-05-01 10:00:00,Withdraw,BTC,0.1,,,USD,6000,6000,crypto_withdrawal\n"  # 2: positive withdrawal
        + "2024-05-01 10:00:00,Earn,CRO,-5,,,USD,0.5,0.5,crypto_earn_interest_paid\n"  # 3: negative income
        + "2024-05-01 10:00:00,Convert,DOGE,-12,,,USD,1.2,1.2,dust_conversion_debited\n"  # 4: dust
        + "2024-05-01 10:00:00,Mystery,BTC,1,,,USD,1,1,brand_new_kind\n"  # 5: unknown kind
        + "2024-05-01 10:00:00,ETH -> CRO,ETH,-1,,,USD,3000,3000,crypto_exchange\n"  # 6: exchange without To
        + "2024-05-01 10:00:00,USD Deposit,USD,500,,,USD,500,500,\n"  # 7: fiat deposit (fine)
        + "2024-05-01 10:00:00,Card refund,USD,5,,,USD,5,5,\n"  # 8: blank kind, no deposit/withdrawal
        + "05/01/2024,Deposit,BTC,1,,,USD,60000,60000,crypto_deposit\n"  # 9: time
    )
    ledger = load(path)
    assert rows(ledger) == [(7, ts(2024, 5, 1, 10), "deposit", None, None, "USD", D("500"), None, None, f"{path}:7", "USD Deposit")]
    assert bad(ledger) == [
        (2, "a 'crypto_withdrawal' row should take from the wallet, but Amount is 0.1"),
        (3, "a 'crypto_earn_interest_paid' row should add to the wallet, but Amount is -5"),
        (
            4,
            "'dust_conversion_debited': a dust conversion lists each coin on its own row and the CRO it became on another; "
            "record it by hand",
        ),
        (5, "unknown Transaction Kind 'brand_new_kind'; taxlots knows the kinds listed in its Crypto.com App importer"),
        (6, "an exchange row needs To Currency and To Amount"),
        (8, "blank Transaction Kind and description 'Card refund' names no deposit or withdrawal"),
        (9, "Timestamp (UTC) '05/01/2024' is not a date and time like 2024-01-02 10:11:12"),
    ]


def test_header_without_transaction_hash(tmp_path: Path) -> None:
    path = tmp_path / "cdc.csv"
    path.write_text(HEADER + "2024-05-01 10:00:00,Deposit,BTC,1,,,USD,60000,60000,crypto_deposit\n")
    ledger = load(path)
    assert rows(ledger) == [
        (2, ts(2024, 5, 1, 10), "deposit", None, None, "BTC", D("1"), None, None, f"{path}:2", "Deposit; crypto_deposit")
    ]
    assert ledger.frame["tx_hash"].to_list() == [None]


def test_claimed_by_cryptocom_app_alone() -> None:
    sniffed, diag = ingest.sniff(str(SAMPLE), IMPORTERS)
    assert diag is None and sniffed is not None and sniffed.importer is cryptocom_app
