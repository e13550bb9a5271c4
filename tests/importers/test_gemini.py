"""Gemini transaction history: the sample, the older fee header, totals rows, skips and bad rows."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from taxlots import ingest
from taxlots.importers import bitfinex, bitstamp, gemini, generic, kucoin
from taxlots.model.diagnostics import Code
from tests.importers._ledger import rows, ts

HERE = Path(__file__).resolve().parent / "samples" / "gemini"
SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "gemini_2024.csv"
ALL = (generic, gemini, bitstamp, bitfinex, kucoin)


def load(path: Path, **kw: str) -> ingest.Ledger:
    return ingest.load([str(path)], importers=(gemini,), **kw)


def test_sample_rows() -> None:
    ledger = load(SAMPLE)
    s = str(SAMPLE)
    assert rows(ledger) == [
        (
            2,
            ts(2023, 12, 18, 15, 4, 11, 208000),
            "deposit",
            None,
            None,
            "USD",
            D("25000"),
            None,
            None,
            f"{s}:2",
            "Credit USD Deposit (ACH)",
        ),
        (
            3,
            ts(2023, 12, 18, 16, 20, 45, 733000),
            "trade",
            "USD",
            D("10300"),
            "BTC",
            D("0.25"),
            "USD",
            D("10.30"),
            "gemini:99120456781",
            "Buy BTCUSD Limit",
        ),
        (
            4,
            ts(2023, 12, 27, 9, 12, 3, 114000),
            "trade",
            "USD",
            D("4462.50"),
            "ETH",
            D("2"),
            "USD",
            D("17.85"),
            "gemini:99287310044",
            "Buy ETHUSD Market",
        ),
        (
            5,
            ts(2024, 1, 3, 11, 45, 30, 902000),
            "withdrawal",
            "BTC",
            D("0.1"),
            None,
            None,
            None,
            None,
            "gemini:5d2c0000000000000000000000000000000000000000000000000000000000b7:1",
            "Debit BTC Withdrawal (BTC)",
        ),
        (
            6,
            ts(2024, 1, 9, 14, 2, 17, 512000),
            "trade",
            "USD",
            D("3950"),
            "SOL",
            D("40"),
            "USD",
            D("3.95"),
            "gemini:99514872210",
            "Buy SOLUSD Limit",
        ),
        (8, ts(2024, 2, 1), "income", None, None, "SOL", D("0.05"), None, None, f"{s}:8", "Credit SOL Staking Reward"),
        (
            9,
            ts(2024, 2, 14, 17, 25, 49, 310000),
            "trade",
            "ETH",
            D("1.5"),
            "USD",
            D("4170"),
            "USD",
            D("4.17"),
            "gemini:99806611437",
            "Sell ETHUSD Limit",
        ),
        (10, ts(2024, 3, 1), "income", None, None, "SOL", D("0.06"), None, None, f"{s}:10", "Credit SOL Staking Reward"),
        (
            11,
            ts(2024, 3, 5, 10, 10, 10, 10000),
            "trade",
            "BTC",
            D("0.0265"),
            "ETH",
            D("0.5"),
            "BTC",
            D("0.0000265"),
            "gemini:100114530876",
            "Buy ETHBTC Limit",
        ),
        (
            12,
            ts(2024, 3, 11, 13, 0, 5, 421000),
            "deposit",
            None,
            None,
            "ETH",
            D("1.2"),
            None,
            None,
            "gemini:0x8a41000000000000000000000000000000000000000000000000000000003c2e",
            "Credit ETH Deposit (ETH)",
        ),
        (
            13,
            ts(2024, 4, 2, 19, 41, 7, 886000),
            "trade",
            "BTC",
            D("0.12"),
            "USD",
            D("8220"),
            "USD",
            D("8.22"),
            "gemini:100498817302",
            "Sell BTCUSD Limit",
        ),
        (
            14,
            ts(2024, 4, 15, 16, 5, 52, 3000),
            "withdrawal",
            "USD",
            D("5000"),
            None,
            None,
            None,
            None,
            f"{s}:14",
            "Debit USD Withdrawal (ACH)",
        ),
    ]
    assert set(ledger.frame["wallet"]) == {"Gemini"}
    assert ledger.frame["usd_value"].null_count() == ledger.frame.height
    assert ledger.frame["to_wallet"].null_count() == ledger.frame.height


def test_sample_skips_staking_transfer_and_totals_row() -> None:
    ledger = load(SAMPLE)
    assert ledger.files[0].skipped == {"internal move between Gemini trading and Earn/staking balances": 1, "totals row (no Date)": 1}
    assert [d for d in ledger.diagnostics if d.code is not Code.SKIPPED_ROWS] == []


def test_trading_fee_header_bom_crlf_and_full_timestamp_in_date() -> None:
    path = HERE / "trading_fee_header.csv"
    ledger = load(path)
    assert rows(ledger) == [
        (
            2,
            ts(2021, 6, 14, 9, 30, 12, 345000),
            "deposit",
            None,
            None,
            "USD",
            D("5000"),
            None,
            None,
            f"{path}:2",
            "Credit USD Deposit (Wire)",
        ),
        (
            3,
            ts(2021, 6, 14, 10, 2, 51, 20000),
            "trade",
            "USD",
            D("3300"),
            "BTC",
            D("0.15"),
            "USD",
            D("1.32"),
            "gemini:61003417728",
            "Buy BTCUSD Limit",
        ),
        # BTCGUSD: the longest quote that leaves a known base wins (GUSD, not USD).
        (
            4,
            ts(2021, 6, 20, 18, 44, 3, 918000),
            "trade",
            "BTC",
            D("0.05"),
            "GUSD",
            D("1105"),
            "GUSD",
            D("0.38675"),
            "gemini:61400982215",
            "Sell BTCGUSD Limit",
        ),
        (5, ts(2021, 7, 1), "income", None, None, "BTC", D("0.00012"), None, None, f"{path}:5", "Credit BTC Earn Interest"),
        (
            8,
            ts(2021, 8, 9, 7, 15, 40, 111000),
            "withdrawal",
            "BTC",
            D("0.0995"),
            None,
            None,
            "BTC",
            D("0.0005"),
            "gemini:9b1f00000000000000000000000000000000000000000000000000000000c4d2:0",
            "Debit BTC Withdrawal (BTC)",
        ),
    ]
    assert ledger.files[0].skipped == {"internal move between Gemini trading and Earn/staking balances": 2, "totals row (no Date)": 1}


def test_bad_rows_are_reported_with_file_and_line() -> None:
    path = HERE / "bad_rows.csv"
    ledger = load(path)
    bad = sorted((d.source.file, d.source.line, d.message) for d in ledger.diagnostics if d.code is Code.BAD_ROW)
    f = str(path)
    assert bad == [
        (f, 3, "unknown transaction type 'Conversion'; taxlots knows: Buy, Sell, Credit, Debit"),
        (f, 4, "Symbol 'BTCEUR' is not a pair of two assets of this file's columns"),
        (f, 5, "BTC Amount BTC '0.001 ETH' is not an amount of BTC"),
        (f, 6, "Date/Time (UTC) '14/05/2024 13:00:00.000' is not a date and time like 2024-03-01 14:02:17.512"),
        (f, 7, "Sell BTCUSD: the USD amount '-60.00' should be a credit (positive)"),
        (f, 8, "Symbol 'SOL' has no '<asset> Amount <asset>' column in this file"),
    ]
    assert [r[0] for r in rows(ledger)] == [2, 9]
    assert ledger.files[0].errors == 6
    assert ledger.files[0].skipped == {"totals row (no Date)": 1}


@pytest.mark.parametrize("path", [SAMPLE, HERE / "trading_fee_header.csv", HERE / "bad_rows.csv"])
def test_every_header_variant_is_claimed_by_gemini_alone(path: Path) -> None:
    sniffed, diag = ingest.sniff(str(path), ALL)
    assert diag is None and sniffed is not None
    assert sniffed.importer is gemini


def test_header_without_asset_columns_is_not_claimed() -> None:
    header = ("date", "time (utc)", "type", "symbol", "specification", "liquidity indicator", "trading fee rate (bps)", "trade id")
    assert not gemini.claims(header)
    assert gemini.claims((*header, "usd amount usd", "fee (usd) usd", "usd balance usd"))


def test_credit_specifications_decide_income_deposit_or_internal_move(tmp_path: Path) -> None:
    header = (
        "Date,Time (UTC),Type,Symbol,Specification,Liquidity Indicator,Trading Fee Rate (bps),"
        "ETH Amount ETH,Fee (ETH) ETH,ETH Balance ETH,Trade ID,Tx Hash\n"
    )
    specs = ["Staking Reward", "Earn Interest", "Staking Withdrawal", "Deposit (ETH)", "Learning Bonus"]
    body = "".join(f"2024-06-0{i + 1},12:00:00.000,Credit,ETH,{spec},,,0.01 ETH ,,{i + 1}.0 ETH ,,\n" for i, spec in enumerate(specs))
    path = tmp_path / "credits.csv"
    path.write_text(header + body)
    ledger = load(path)
    assert [(r.source.line, r.kind.value) for r in ledger.rows()] == [(2, "income"), (3, "income"), (5, "deposit"), (6, "deposit")]
    assert ledger.files[0].skipped == {"internal move between Gemini trading and Earn/staking balances": 1}
