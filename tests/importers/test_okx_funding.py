"""OKX funding account history: the sample, the withdrawal fee convention, skips and errors."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

from taxlots import ingest
from taxlots.importers import IMPORTERS, okx_funding
from taxlots.model.diagnostics import Code
from tests.importers._ledger import rows, ts

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "okx_funding_2024.csv"
HEADER = "id,Time,Type,Amount,Before Balance,After Balance,Fee,Symbol\n"


def load(path: Path) -> ingest.Ledger:
    return ingest.load([str(path)], importers=(okx_funding,))


def test_sample_rows() -> None:
    ledger = load(SAMPLE)
    assert rows(ledger) == [
        (10, ts(2024, 1, 2, 8, 41, 17), "deposit", None, None, "USDT", D("10000"), None, None, "okx:funding:880004", "Deposit"),
        (7, ts(2024, 1, 31, 21, 5, 12), "deposit", None, None, "ETH", D("1"), None, None, "okx:funding:880007", "Deposit"),
        (5, ts(2024, 3, 5, 7, 12, 40), "income", None, None, "USDT", D("0.35"), None, None, "okx:funding:880009", "Fee rebate"),
        (3, ts(2024, 4, 1), "income", None, None, "ETH", D("0.00021"), None, None, "okx:funding:880011", "Staking Yield"),
        # Amount -0.5 ETH, Fee 0.00101 ETH on top: 1.00021 - 0.5 - 0.00101 = 0.4992, the file's After Balance.
        (2, ts(2024, 4, 2, 18, 30), "withdrawal", "ETH", D("0.5"), None, None, "ETH", D("0.00101"), "okx:funding:880012", "Withdrawal"),
    ]
    assert set(ledger.frame["wallet"]) == {"OKX"}


def test_sample_skips_moves_inside_okx() -> None:
    ledger = load(SAMPLE)
    assert ledger.files[0].skipped == {
        "move inside OKX (Redeem staking)": 1,
        "move inside OKX (Stake)": 1,
        "move inside OKX (From unified trading account)": 1,
        "move inside OKX (To unified trading account)": 1,
    }
    assert [d for d in ledger.diagnostics if d.code is not Code.SKIPPED_ROWS] == []


def test_fee_convention_and_errors(tmp_path: Path) -> None:
    """BittyTax (parse_okx_funding) reads a withdrawal as |Amount| plus Fee in Symbol; a zero fee is no fee."""
    path = tmp_path / "funding.csv"
    path.write_text(
        HEADER
        + "1,2024-05-01 10:00:00,Withdrawal,-100,100,0,0,USDT\n"  # 2: no fee
        + "2,2024-05-01 11:00:00,Deposit,-5,5,0,0,USDT\n"  # 3: a deposit that takes coins away
        + "3,2024-05-01 12:00:00,Savings yield,1,0,1,0,USDT\n"  # 4: a type taxlots does not know
        + "4,2024-05-01 13:00:00,Deposit,1,0,1,0,\n"  # 5: no symbol
        + "5,yesterday,Deposit,1,0,1,0,BTC\n"  # 6: bad time
    )
    ledger = load(path)
    assert rows(ledger) == [(2, ts(2024, 5, 1, 10), "withdrawal", "USDT", D("100"), None, None, None, None, "okx:funding:1", "Withdrawal")]
    known = (
        "Deposit, Withdrawal, Staking Yield, Fee rebate, Stake, Redeem staking, Savings subscription, Savings redemption, "
        "From unified trading account, To unified trading account"
    )
    assert sorted((d.source.line, d.message) for d in ledger.diagnostics if d.code is Code.BAD_ROW and d.source) == [
        (3, "a 'Deposit' row should add to the balance, but Amount is -5"),
        (4, f"unknown Type 'Savings yield'; taxlots knows: {known}"),
        (5, "Symbol is blank"),
        (6, "Time 'yesterday' is not a date and time like 2024-01-15 10:23:45"),
    ]


def test_blank_column_after_id_variant(tmp_path: Path) -> None:
    path = tmp_path / "funding.csv"
    path.write_text("id,,Time,Type,Amount,Before Balance,After Balance,Fee,Symbol\n7,,2024-05-01 10:00:00,Deposit,2,0,2,0,SOL\n")
    assert rows(load(path)) == [(2, ts(2024, 5, 1, 10), "deposit", None, None, "SOL", D("2"), None, None, "okx:funding:7", "Deposit")]


def test_claimed_by_okx_funding_alone() -> None:
    sniffed, diag = ingest.sniff(str(SAMPLE), IMPORTERS)
    assert diag is None and sniffed is not None and sniffed.importer is okx_funding
