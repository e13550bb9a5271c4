"""Nexo transaction history: the sample, signs and USD values, Zurich times, loans and unknown types."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

from taxlots import ingest
from taxlots.importers import IMPORTERS, nexo
from taxlots.model.diagnostics import Code
from tests.importers._ledger import rows, ts

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "nexo_2024.csv"
COLUMNS = "Transaction,Type,Input Currency,Input Amount,Output Currency,Output Amount,USD Equivalent,Details"


def load(path: Path) -> ingest.Ledger:
    return ingest.load([str(path)], importers=(nexo,))


def test_sample_rows() -> None:
    ledger = load(SAMPLE)
    assert rows(ledger) == [
        (
            10,
            ts(2024, 1, 10, 16, 45, 12),
            "deposit",
            None,
            None,
            "USDC",
            D("1500"),
            None,
            None,
            "nexo:NXT4qW6eR8tY0",
            "Deposit; approved / 0x7d2a…e90c",
        ),
        # NEXONEXO is NEXO.
        (
            9,
            ts(2024, 1, 15, 10, 30, 2),
            "trade",
            "USDC",
            D("1000"),
            "NEXO",
            D("800"),
            None,
            None,
            "nexo:NXT6aS8dF0gH1",
            "Exchange; approved / Exchange USD Coin to NEXO Token",
        ),
        (
            8,
            ts(2024, 1, 22, 8, 15, 44),
            "deposit",
            None,
            None,
            "BTC",
            D("0.05"),
            None,
            None,
            "nexo:NXT3zX5cV7bN8",
            "Deposit; approved / bc1q9h…7kfp",
        ),
        (
            7,
            ts(2024, 2, 1, 6),
            "income",
            None,
            None,
            "NEXO",
            D("0.4821"),
            None,
            None,
            "nexo:NXT9wE2rT4yU6",
            "Interest; approved / AMOUNT_EARNED",
        ),
        (
            6,
            ts(2024, 2, 20, 17, 8, 31),
            "income",
            None,
            None,
            "NEXO",
            D("1.25"),
            None,
            None,
            "nexo:NXT1dF4gH6jK2",
            "Exchange Cashback; approved / 0.5% on top of your Exchange",
        ),
        (
            4,
            ts(2024, 3, 18, 9, 41, 55),
            "trade",
            "BTC",
            D("0.01"),
            "ETH",
            D("0.195"),
            None,
            None,
            "nexo:NXT2pQ6sT8vX1",
            "Exchange; approved / Exchange Bitcoin to Ethereum",
        ),
        # Negative interest is loan interest paid in USDC: a spend.
        (
            3,
            ts(2024, 4, 1, 6),
            "spend",
            "USDC",
            D("1.84"),
            None,
            None,
            None,
            None,
            "nexo:NXT8fG3hJ5kL0",
            "Interest; approved / Loan interest",
        ),
        (
            2,
            ts(2024, 4, 5, 14, 22, 10),
            "withdrawal",
            "USDT",
            D("250"),
            None,
            None,
            None,
            None,
            "nexo:NXTq7R2k9WmZ4",
            "Withdrawal; approved / 0x4c9e…b21d",
        ),
    ]
    assert ledger.files[0].skipped == {"move inside Nexo (Locking Term Deposit)": 1, "rejected transaction": 1}
    assert [d for d in ledger.diagnostics if d.code is not Code.SKIPPED_ROWS] == []


def test_usd_equivalent_is_the_value_except_on_transfers() -> None:
    frame = load(SAMPLE).frame.sort("line")
    assert dict(zip(frame["line"], frame["usd_value"], strict=True)) == {
        2: None, 3: "1.84", 4: "685.30", 6: "1.56", 7: "0.60", 8: None, 9: "1000.00", 10: None,
    }  # fmt: skip


def test_older_header_is_zurich_time_and_sell_order(tmp_path: Path) -> None:
    path = tmp_path / "n.csv"
    path.write_text(
        f"{COLUMNS},Outstanding Loan,Date / Time\n"
        'NXT1,Manual Sell Order,BTC,-0.01,BTC,-0.01,"$1,250.50",approved,$0.00,2021-07-01 12:00:00\n'
    )
    # 12:00 in Zurich in July (CEST, UTC+2) is 10:00 UTC; the BTC is sold for its USD equivalent.
    assert rows(load(path)) == [
        (2, ts(2021, 7, 1, 10), "trade", "BTC", D("0.01"), "USD", D("1250.50"), None, None, "nexo:NXT1", "Manual Sell Order; approved")
    ]


def test_loans_and_unknown_types_are_errors(tmp_path: Path) -> None:
    path = tmp_path / "n.csv"
    path.write_text(
        f"{COLUMNS},Date / Time (UTC)\n"
        "NXT1,Withdrawal Credit,USD,-1000,USD,-1000,$1000,approved,2024-05-01 10:00:00\n"
        "NXT2,Deposit,USDC,1000,USDC,1000,$1000,approved / Credit line conversion,2024-05-01 10:00:00\n"
        "NXT3,Mystery,BTC,1,BTC,1,$1,approved,2024-05-01 10:00:00\n"
        "NXT4,Deposit,BTC,-1,BTC,-1,$1,approved,2024-05-01 10:00:00\n"
        "NXT5,Exchange,BTC,-1,,,$1,approved,2024-05-01 10:00:00\n"
    )
    got = sorted((d.source.line, d.message) for d in load(path).diagnostics if d.code is Code.BAD_ROW and d.source)
    assert got == [
        (2, "'Withdrawal Credit' is a loan movement; taxlots does not model loans yet"),
        (3, "'Deposit' is a loan movement; taxlots does not model loans yet"),
        (4, "unknown Type 'Mystery'; taxlots knows the types listed in its Nexo importer"),
        (5, "a 'Deposit' row should add coins, but Output Amount is -1"),
        (6, "Output Currency and Output Amount are required"),
    ]


def test_claimed_by_nexo_alone() -> None:
    sniffed, diag = ingest.sniff(str(SAMPLE), IMPORTERS)
    assert diag is None and sniffed is not None and sniffed.importer is nexo
