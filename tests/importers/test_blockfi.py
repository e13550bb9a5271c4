"""BlockFi transaction history: the sample (values from the rate), skips, fee rows and errors."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

from taxlots import ingest
from taxlots.importers import IMPORTERS, blockfi
from taxlots.model.diagnostics import Code
from tests.importers._ledger import rows, ts

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "blockfi_2024.csv"


def load(path: Path) -> ingest.Ledger:
    return ingest.load([str(path)], importers=(blockfi,))


def test_sample_rows() -> None:
    ledger = load(SAMPLE)
    f = str(SAMPLE)
    assert rows(ledger) == [
        (12, ts(2022, 9, 14, 10, 2, 17), "deposit", None, None, "BTC", D("0.15"), None, None, f"{f}:12", "Crypto Transfer"),
        (11, ts(2022, 9, 28, 18, 31, 44), "deposit", None, None, "GUSD", D("5000"), None, None, f"{f}:11", "ACH Deposit"),
        (10, ts(2022, 10, 2, 5), "income", None, None, "BTC", D("0.001"), None, None, f"{f}:10", "Bonus Payment"),
        (8, ts(2022, 10, 21, 9, 14, 6), "income", None, None, "GUSD", D("15"), None, None, f"{f}:8", "Referral Bonus"),
        (6, ts(2022, 11, 1), "income", None, None, "BTC", D("0.00041234"), None, None, f"{f}:6", "Interest Payment"),
        (7, ts(2022, 11, 1), "income", None, None, "ETH", D("0.00512"), None, None, f"{f}:7", "Interest Payment"),
        # The withdrawal fee is its own row: a fee (a disposal of the BTC it took).
        (2, ts(2023, 1, 5, 16, 20, 11), "fee", "BTC", D("0.0025"), None, None, None, None, f"{f}:2", "Withdrawal Fee"),
        (3, ts(2023, 1, 5, 16, 20, 11), "withdrawal", "BTC", D("0.1"), None, None, None, None, f"{f}:3", "Withdrawal"),
    ]
    assert ledger.files[0].skipped == {
        "trade leg (the BlockFi trade report lists each trade whole)": 2,
        "move out of the BlockFi Interest Account": 1,
        "unconfirmed transaction (Confirmed At is blank)": 1,
    }
    assert [d for d in ledger.diagnostics if d.code is not Code.SKIPPED_ROWS] == []


def test_income_and_fees_are_valued_at_the_rate() -> None:
    frame = load(SAMPLE).frame.sort("line")
    values = {line: D(v) for line, v in zip(frame["line"], frame["usd_value"], strict=True) if v is not None}
    assert values == {
        2: D("0.0025") * D("42150.25"),  # 105.375625
        6: D("0.00041234") * D("20487.10"),  # 8.447650814
        7: D("0.00512") * D("1572.88"),  # 8.0531456
        8: D("15"),
        10: D("0.001") * D("19101.30"),  # 19.1013
    }
    assert values[2] == D("105.375625")  # by hand: 0.0025 x 42150.25


def test_errors(tmp_path: Path) -> None:
    path = tmp_path / "b.csv"
    path.write_text(
        "Cryptocurrency,Amount,Transaction Type,Exchange Rate Per Coin (USD),Confirmed At\n"
        "BTC,0.1,Withdrawal,20000,2022-05-01 10:00:00\n"
        "BTC,-0.1,Interest Payment,20000,2022-05-01 10:00:00\n"
        "BTC,0.1,Loan Collateral,20000,2022-05-01 10:00:00\n"
        "BTC,0.1,Deposit,20000,May 1 2022\n"
    )
    got = sorted((d.source.line, d.message) for d in load(path).diagnostics if d.code is Code.BAD_ROW and d.source)
    assert got[0] == (2, "a 'Withdrawal' row should take coins, but Amount is 0.1")
    assert got[1] == (3, "a 'Interest Payment' row should add coins, but Amount is -0.1")
    assert got[2][0] == 4 and got[2][1].startswith("unknown Transaction Type 'Loan Collateral'; taxlots knows: Deposit, ")
    assert got[3] == (5, "Confirmed At 'May 1 2022' is not a date and time like 2021-03-01 00:04:55")


def test_header_without_rate(tmp_path: Path) -> None:
    path = tmp_path / "b.csv"
    path.write_text("Cryptocurrency,Amount,Transaction Type,Confirmed At\nETH,0.01,Interest Payment,2022-05-01 00:00:00\n")
    ledger = load(path)
    assert rows(ledger) == [(2, ts(2022, 5, 1), "income", None, None, "ETH", D("0.01"), None, None, f"{path}:2", "Interest Payment")]
    assert ledger.frame["usd_value"].to_list() == [None]


def test_claimed_by_blockfi_alone() -> None:
    sniffed, diag = ingest.sniff(str(SAMPLE), IMPORTERS)
    assert diag is None and sniffed is not None and sniffed.importer is blockfi
