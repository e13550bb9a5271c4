"""CoinLedger universal manual import: every expected value below is written out by hand from the sample rows."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from taxlots import ingest
from taxlots.importers import coinledger
from taxlots.importers.base import matches, normalize_header
from tests.importers._rows import MINE, ROOT, errors, row, table

SAMPLE = ROOT / "samples" / "coinledger_2024.csv"
FIXTURES = Path(__file__).resolve().parent / "samples" / "coinledger"


def load(path: Path) -> ingest.Ledger:
    return ingest.load([str(path)], importers=(coinledger,))


def test_sample__every_row() -> None:
    p = SAMPLE
    ledger = load(p)
    assert table(ledger) == [
        row(
            p,
            2,
            "2023-11-28 18:04:12",
            "trade",
            sent=("USD", "2500"),
            received=("BTC", "0.0655"),
            fee=("BTC", "0.000131"),
            wallet="Bisq",
            note="Buy; P2P buy paid by bank transfer",
        ),  # fmt: skip
        row(
            p,
            3,
            "2024-01-16 20:41:37",
            "trade",
            sent=("BTC", "0.03"),
            received=("USD", "1285.5"),
            fee=("BTC", "0.00006"),
            wallet="Bisq",
            note="Sell; P2P sell paid by bank transfer",
        ),  # fmt: skip
        # Platform "kraken" is spelled as the Kraken importer spells its wallet
        row(
            p,
            4,
            "2024-02-07 13:00:00",
            "trade",
            sent=("USDT", "50000"),
            received=("BTC", "1.1737"),
            wallet="Kraken",
            note="Trade; OTC desk block trade",
        ),  # fmt: skip
        row(
            p,
            5,
            "2024-02-20 10:12:45",
            "deposit",
            received=("USDC", "1000"),
            wallet="Nexo",
            note="Deposit; From Binance; tx 0xe69432fd4872e1589661329c11fd48ed536ddeaac7d7c09209df4c9f46847b1e",
        ),  # fmt: skip
        row(p, 6, "2024-03-01 00:00:00", "income", received=("USDC", "1.97"), wallet="Nexo", note="Interest; February interest"),
        row(p, 7, "2024-04-01 00:00:00", "income", received=("USDC", "6.58"), wallet="Nexo", note="Interest; March interest"),
        row(p, 8, "2024-05-01 00:00:00", "income", received=("USDC", "6.37"), wallet="Nexo", note="Interest; April interest"),
        # a zero fee is no fee
        row(
            p,
            9,
            "2024-05-15 09:30:00",
            "withdrawal",
            sent=("USDC", "1014.92"),
            wallet="Nexo",
            note="Withdrawal; To Binance (fee waived); tx 0xc8918849f5408459362a1a49a0e9052418fe8995004b0a358d50f646999d041f",
        ),  # fmt: skip
        # a blank Platform: the file's name stem
        row(p, 10, "2024-06-28 14:45:10", "deposit", received=("ETH", "0.2"), note="Deposit; From Coinbase"),
        row(
            p,
            11,
            "2024-07-04 16:20:00",
            "spend",
            sent=("ETH", "0.05"),
            fee=("ETH", "0.0004"),
            note="Merchant Payment; Conference ticket; tx 0xf82085938ac19ceaade501b23451bf6bc77be205b893962f425de02851639d17",
        ),  # fmt: skip
    ]
    assert errors(ledger) == []
    report = ledger.files[0]
    assert (report.importer, report.rows, report.kept, report.skipped) == ("coinledger", 10, 10, {})
    assert report.wallets == ("Bisq", "Kraken", "Nexo", "coinledger_2024")


def test_sample__nexo_interest_adds_up_to_the_withdrawal() -> None:
    rows = [r for r in load(SAMPLE).rows() if r.wallet == "Nexo"]
    received = sum((r.received_qty for r in rows if r.received_qty), start=Decimal(0))
    sent = sum((r.sent_qty for r in rows if r.sent_qty), start=Decimal(0))
    assert received == sent == Decimal("1014.92")


def test_template_without_optional_suffixes__types_any_case() -> None:
    p = FIXTURES / "no_optional_suffix.csv"
    ledger = load(p)
    assert table(ledger) == [
        row(p, 2, "2024-02-20 10:12:45", "deposit", received=("USDC", "1000"), note="deposit; From Binance; tx 0xe694"),
        row(p, 3, "2024-03-01 00:00:00", "income", received=("USDC", "1.97"), wallet="Binance", note="other_income; Learn and earn"),
        # a blank Type with both sides is a trade (staketaxcsv writes trades this way)
        row(p, 4, "2024-03-05 08:00:00", "trade", sent=("USD", "100"), received=("BTC", "0.0016"), wallet="Bisq"),
        row(p, 5, "2024-03-06 08:00:00", "income", received=("ETH", "0.01"), wallet="Gemini", note="Hard Fork"),
    ]
    assert errors(ledger) == []


def test_bad_rows__each_names_its_line_and_problem() -> None:
    p = FIXTURES / "bad_rows.csv"
    f = str(p)
    ledger = load(p)
    known = "airdrop, buy, deposit, hard fork, income, interest, merchant payment, mining, other income, sell, staking, trade, withdrawal"
    got = errors(ledger)
    assert [g for g in got if g[1] != 8] == [
        (f, 2, "Date (UTC) '13/01/2024 10:00:00' is not a CoinLedger date (MM/DD/YYYY HH:MM:SS, UTC)"),
        (f, 3, "CoinLedger type 'Gift Sent' is not supported yet"),
        (f, 4, f"unknown CoinLedger type 'Swap'; taxlots knows: {known}"),
        (f, 5, f"Type is blank; use one of {known}"),
        # the ledger rules check that the sides fit the type
        (f, 6, "an income row needs received_asset; an income row has no sent_asset; leave it blank"),
        # strict numbers: CoinLedger's template has no currency symbols
        (f, 7, "Fee Amount '$0.50' is not a number"),
    ]
    # line 8: `1,650.2` unquoted, 12 fields for 11 columns with an empty last one: ingest counts the fields
    assert [g[2] for g in got if g[1] == 8] == ["row has 12 fields, the header has 11"]
    assert ledger.frame.height == 0


HEADERS = {
    "template": "Date (UTC),Platform (Optional),Asset Sent,Amount Sent,Asset Received,Amount Received,Fee Currency (Optional),"
    "Fee Amount (Optional),Type,Description (Optional),TxHash (Optional)",
    "no (Optional) suffixes": "Date (UTC),Platform,Asset Sent,Amount Sent,Asset Received,Amount Received,Fee Currency,Fee Amount,Type,"
    "Description,TxHash",
    "required only": "Date (UTC),Asset Sent,Amount Sent,Asset Received,Amount Received,Type",
}


@pytest.mark.parametrize("header", HEADERS.values(), ids=HEADERS.keys())
def test_header_variants__claimed_by_coinledger_only(header: str) -> None:
    cells = tuple(normalize_header(c) for c in header.split(","))
    assert [m.NAME for m in MINE if matches(m, cells)] == ["coinledger"]


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.csv")), ids=lambda p: p.name)
def test_fixtures__claimed_by_coinledger_only(path: Path) -> None:
    sniffed, diag = ingest.sniff(str(path), MINE)
    assert diag is None and sniffed is not None
    found: str = sniffed.importer.NAME
    assert found == "coinledger"
