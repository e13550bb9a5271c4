"""Binance Transaction History statement importer, and the statement loaded with the Trade History."""

from __future__ import annotations

from pathlib import Path

import pytest

from taxlots.importers import binance_statement
from tests.importers._binance import (
    HERE,
    STATEMENT,
    STATEMENT_OTHERS,
    STATEMENT_SKIPS,
    STATEMENT_TRADES,
    TRADE_ROWS,
    TRADES,
    WITHDRAW,
    by_time,
    claimants,
    claimed_by,
    errors,
    load,
    row,
    single,
    table,
    trade,
)  # fmt: skip


def test_statement_sample() -> None:
    ledger = load(STATEMENT, importers=(binance_statement,))
    assert errors(ledger) == []
    assert table(ledger) == by_time(STATEMENT_OTHERS + STATEMENT_TRADES)
    assert ledger.files[0].skipped == STATEMENT_SKIPS


@pytest.mark.parametrize("order", ["trades first", "statement first"])
def test_trade_history_and_statement_count_each_trade_once(order: str) -> None:
    paths = (TRADES, STATEMENT) if order == "trades first" else (STATEMENT, TRADES)
    ledger = load(*paths)
    assert errors(ledger) == []
    assert table(ledger) == by_time(STATEMENT_OTHERS + TRADE_ROWS)
    spot = ledger.frame.filter(ledger.frame["note"].str.starts_with("BUY ") | ledger.frame["note"].str.starts_with("SELL "))
    assert set(spot["importer"]) == {"binance-trades"} and spot.height == 15
    duplicates = {f.importer: f.duplicates for f in ledger.files}
    assert duplicates == {"binance-trades": 0, "binance-statement": 15}


def test_statement_2021_header_and_old_operations() -> None:
    path = HERE / "statement_2021.csv"
    ledger = load(path, importers=(binance_statement,))
    assert errors(ledger) == []
    assert table(ledger) == [
        trade(2, "2021-03-01 10:00:00", ("USDT", "300"), ("ETH", "0.2"), ("ETH", "0.0002"), "spot trade"),
        trade(5, "2021-03-02 11:00:00", ("ETH", "0.1"), ("USDT", "160"), ("BNB", "0.0005"), "spot trade"),
        # Fees in BTC (received) and BNB: the BTC fee is netted out, the id keeps the gross 0.01.
        row(8, "2021-03-03 08:00:00", "trade", sent=("USDT", "500"), received=("BTC", "0.00999"), fee=("BNB", "0.001"),
            id="binance:2021-03-03T08:00:00Z:USDT:BTC:500:0.01", note="spot trade"),
        single(path, 12, "2021-03-04 09:15:00", "deposit", "Fiat Deposit", received=("EUR", "500")),
        single(path, 15, "2021-03-06 00:00:00", "income", "ETH 2.0 Staking Rewards", received=("ETH", "0.000012")),  # BETH is ETH
        single(path, 16, "2021-03-07 00:00:00", "income", "POS savings interest", received=("DOT", "0.015")),
        single(path, 17, "2021-03-08 00:00:00", "income", "Commission History", received=("BNB", "0.0002")),
        single(path, 18, "2021-03-09 10:00:00", "withdrawal", "Fiat Withdraw", sent=("EUR", "100")),
        single(path, 19, "2021-03-10 10:00:00", "withdrawal", "Send", sent=("USDT", "20")),
    ]  # fmt: skip
    assert ledger.files[0].skipped == {
        "internal move between Binance accounts (ETH 2.0 Staking)": 2,
        "internal move between Binance accounts (transfer_out)": 1,
        "internal move between Binance accounts (transfer_in)": 1,
    }


def test_statement_2025_header_two_digit_years_in_utc_by_default() -> None:
    path = HERE / "statement_2025.csv"
    ledger = load(path, importers=(binance_statement,))
    assert errors(ledger) == []
    assert table(ledger) == [
        trade(2, "2025-03-14 10:22:01", ("EUR", "98.4"), ("BTC", "0.0012"), None, "Binance Convert", prefix="binance:convert"),
        single(path, 4, "2025-03-15 00:00:00", "income", "Simple Earn Locked Rewards", received=("DOT", "0.0152")),
        trade(5, "2025-03-16 09:00:00", ("USDC", "25000"), ("BTC", "0.3012"), None, "Large OTC trading", prefix="binance:otc"),
        single(path, 7, "2025-03-17 10:00:00", "deposit", "Deposit", received=("SOL", "3.5")),
        single(path, 8, "2025-03-18 11:30:00", "income", "Card Cashback", received=("BNB", "0.0015")),
        single(path, 9, "2025-03-30 01:30:00", "withdrawal", WITHDRAW, sent=("SOL", "1")),
    ]


def test_statement_2025_time_column_read_in_the_given_zone() -> None:
    # The newer Time column names no zone: with --tz Europe/Berlin (CET, UTC+1, until 30 March 02:00)
    # every wall time is one hour ahead of UTC.
    path = HERE / "statement_2025.csv"
    ledger = load(path, importers=(binance_statement,), tz="Europe/Berlin")
    assert table(ledger) == [
        trade(2, "2025-03-14 09:22:01", ("EUR", "98.4"), ("BTC", "0.0012"), None, "Binance Convert", prefix="binance:convert"),
        single(path, 4, "2025-03-14 23:00:00", "income", "Simple Earn Locked Rewards", received=("DOT", "0.0152")),
        trade(5, "2025-03-16 08:00:00", ("USDC", "25000"), ("BTC", "0.3012"), None, "Large OTC trading", prefix="binance:otc"),
        single(path, 7, "2025-03-17 09:00:00", "deposit", "Deposit", received=("SOL", "3.5")),
        single(path, 8, "2025-03-18 10:30:00", "income", "Card Cashback", received=("BNB", "0.0015")),
        single(path, 9, "2025-03-30 00:30:00", "withdrawal", WITHDRAW, sent=("SOL", "1")),
    ]


def test_statement_problems() -> None:
    path = HERE / "statement_problems.csv"
    ledger = load(path, importers=(binance_statement,))
    name = path.name
    advice = "; load the Trade History export, which lists every fill, and delete these statement lines"
    stamped = "the rest of the trade may be stamped a second earlier or later, and taxlots does not guess"
    assert errors(ledger) == [
        (name, 2, f"spot trade legs at 2024-05-01 10:00:00 (line 2) send nothing and receive ETH: {stamped}{advice}"),
        (name, 3, f"spot trade legs at 2024-05-01 10:00:01 (lines 3, 4) send USDT and receive nothing: {stamped}{advice}"),
        (name, 5, f"spot trade legs at 2024-05-01 10:00:02 (lines 5, 6) may include legs of the incomplete trade a second away (lines 3, 4)"
                  f"{advice}"),
        (name, 7, "spot trade legs at 2024-05-02 12:00:00 (lines 7, 8, 9, 10) send USDT and receive ETH, SOL: legs of several trades in one"
                  f" second cannot be paired{advice}"),
        (name, 11, "Small Assets Exchange BNB legs at 2024-05-03 08:00:00 (lines 11, 12, 13) turn ADA, XLM into BNB; splitting the BNB"
                   " per coin needs prices the statement lacks: put one BNB line per coin right after that coin's line, or record the dust"
                   " by hand"),
        (name, 18, "unknown operation 'Futures Liquidation Insurance' (account 'Cross Margin'); taxlots knows the operations listed"
                   " in its Binance statement"
                   " importer"),
        (name, 19, "operation 'Token Swap - Redenomination/Rebranding' is not supported: a token swap renames an asset and must carry"
                   " its lots over, which the ledger cannot express yet"),
        (name, 20, "a 'Deposit' row should increase the balance, but Change is -5.00000000"),
        (name, 21, "Change 'abc' is not a number (so its trade, lines 21, 22, was left out)"),
        (name, 30, "UTC_Time '2024-13-10 09:00:00' is not a time like 2024-03-08 10:15:42"),
        (name, 31, "a 'Transaction Fee' row should reduce the balance, but Change is 0.00010000"),
        (name, 32, "a 'Distribution' row should increase the balance, but Change is -5.00000000"),
        (name, 33, f"Binance Convert legs at 2024-05-13 09:00:00 (line 33) send USDT and receive nothing: {stamped}"),
    ]  # fmt: skip
    # Dust whose coin lines are each followed by their own BNB line is one trade per coin; a zero fee leg is no fee.
    assert table(ledger) == [
        trade(14, "2024-05-04 08:00:00", ("ADA", "1.2"), ("BNB", "0.0012"), None, "Small Assets Exchange BNB", prefix="binance:dust"),
        trade(16, "2024-05-04 08:00:00", ("XLM", "3.41"), ("BNB", "0.001712"), None, "Small Assets Exchange BNB", prefix="binance:dust"),
        trade(23, "2024-05-09 09:00:00", ("USDT", "60"), ("BTC", "0.001"), None, "spot trade"),
        # fees in BNB (line 28) and USDT (line 29): BNB on the trade, USDT on a fee row of its own
        trade(26, "2024-05-10 09:00:00", ("USDT", "60"), ("BTC", "0.001"), ("BNB", "0.0001"), "spot trade"),
        row(
            29,
            "2024-05-10 09:00:00",
            "fee",
            sent=("USDT", "0.06"),
            id="binance:2024-05-10T09:00:00Z:USDT:BTC:60:0.001:fee2",
            note="trade fee of binance:2024-05-10T09:00:00Z:USDT:BTC:60:0.001 charged in a second asset",
        ),
    ]


@pytest.mark.parametrize(
    "path",
    [STATEMENT, *(HERE / n for n in ("statement_2021.csv", "statement_2025.csv", "statement_problems.csv", "statement_operations.csv"))],
    ids=lambda p: p.name,
)
def test_file_is_claimed_by_this_importer_only(path: Path) -> None:
    assert claimed_by(path) is binance_statement


@pytest.mark.parametrize(
    "header",
    [
        "UTC_Time,Account,Operation,Coin,Change,Remark",
        "User_ID,UTC_Time,Account,Operation,Coin,Change,Remark",
        "\ufeffUser_ID,UTC_Time,Account,Operation,Coin,Change,Remark",
        "\ufeffUser ID,Time,Account,Operation,Coin,Change,Remark",
    ],
)
def test_header_variants(header: str) -> None:
    assert claimants(header) == [binance_statement]


def test_every_fixture_is_tested() -> None:
    names = {p.name for p in HERE.glob("*.csv")}
    tested = {p for p in names if p.startswith(("trades_", "statement_", "orders_"))}
    assert names == tested == {
        "trades_2020_market.csv", "trades_2024_q4.csv", "trades_bom_quantity_utc+1.csv", "trades_semicolon.csv", "trades_problems.csv",
        "statement_2021.csv", "statement_2025.csv", "statement_problems.csv", "statement_operations.csv",
        "orders_orderno_problems.csv",
    }  # fmt: skip


def test_statement_operations_once_rejected() -> None:
    # Each row written out from the file by hand. Fiat purchases and sales and the liquid-staking
    # purchases (WBETH, BNSOL: tokens worth more than 1 ETH / 1 SOL, so trades, not moves) pair their two
    # legs of one second; rewards, airdrops, rebates and a claimed Crypto Box are income; a sent Crypto
    # Box leaves (a gift, not a disposal); a margin loan arrives and its repayment leaves like a transfer
    # (borrowed principal is neither income nor a sale); futures funding and realized P&L are income
    # when positive and a spend of the settlement asset when negative, tagged "derivatives P&L".
    path = HERE / "statement_operations.csv"
    ledger = load(path, importers=(binance_statement,))
    assert errors(ledger) == []
    pnl, funding, loan = "derivatives P&L: Realized Profit and Loss", "derivatives P&L: Funding Fee", "borrowed principal, not income: "
    assert table(ledger) == [
        trade(2, "2024-04-01 09:00:00", ("EUR", "100"), ("BTC", "0.0016"), None, "Buy Crypto", prefix="binance:buycrypto"),
        trade(4, "2024-04-02 10:00:00", ("USD", "50"), ("ETH", "0.015"), None, "Buy Crypto With Fiat", prefix="binance:buyfiat"),
        trade(6, "2024-04-03 11:00:00", ("SOL", "2"), ("EUR", "290"), None, "Sell Crypto To Fiat", prefix="binance:sellfiat"),
        single(path, 8, "2024-04-04 12:00:00", "income", "Crypto Box", received=("USDT", "5")),
        single(path, 9, "2024-04-04 13:00:00", "withdrawal", "Crypto Box", sent=("USDT", "2")),
        single(path, 10, "2024-04-05 00:00:00", "income", "Mission Reward Distribution", received=("BNB", "0.01")),
        single(path, 11, "2024-04-06 00:00:00", "income", "Launchpool Airdrop - User Claim Distribution", received=("ENA", "12.5")),
        single(path, 12, "2024-04-06 00:00:00", "income", "Launchpool Airdrop - System Distribution", received=("SAGA", "3.2")),
        trade(13, "2024-04-07 08:00:00", ("ETH", "1"), ("WBETH", "0.968"), None, "WBETH2.0 - Staking", prefix="binance:wbeth"),
        trade(15, "2024-04-08 08:00:00", ("SOL", "10"), ("BNSOL", "9.87"), None, "SOL Staking - Purchase", prefix="binance:bnsol"),
        single(path, 17, "2024-04-09 00:00:00", "income", "BNSOL Staking - Extra Rewards", received=("BNSOL", "0.0042")),
        single(path, 18, "2024-04-10 15:00:00", "income", "Merchant Acquiring", received=("USDT", "25")),
        single(path, 21, "2024-04-12 00:00:00", "income", "Strategy Trading Fee Rebate", received=("USDT", "0.15")),
        single(path, 22, "2024-04-13 10:00:00", "deposit", loan + "Isolated Margin Loan", received=("USDT", "500")),
        single(path, 23, "2024-04-14 10:00:00", "withdrawal", loan + "Isolated Margin Repayment", sent=("USDT", "500")),
        single(path, 24, "2024-04-15 08:00:00", "spend", funding, sent=("USDT", "0.42")),
        single(path, 25, "2024-04-15 16:00:00", "income", funding, received=("USDT", "0.13")),
        single(path, 26, "2024-04-16 12:00:00", "income", pnl, received=("USDT", "37.5")),
        single(path, 27, "2024-04-17 12:00:00", "spend", pnl, sent=("USDT", "12.25")),
    ]
    assert ledger.files[0].skipped == {
        "internal move between Binance accounts (Transfer Between Spot and Strategy Account)": 2,
        "'Realized Profit and Loss' row with a zero Change (no money moved)": 1,
    }
    # derivatives P&L is told apart from lots by its event class (a report can total it on its own)
    classes = ledger.frame.filter(ledger.frame["event_class"].is_not_null())
    assert classes["line"].to_list() == [24, 25, 26, 27]
    assert set(classes["event_class"]) == {"derivatives-pnl:funding fee", "derivatives-pnl:realized profit and loss"}
