"""Bybit UTA transaction log: the sample's combined legs, the fee sign, derivatives and other errors."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

from taxlots import ingest
from taxlots.importers import IMPORTERS, bybit_spot, bybit_uta
from taxlots.model.diagnostics import Code
from tests.importers._ledger import rows, ts

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "bybit_uta_2024.csv"
COLUMNS = "Uid,Currency,Contract,Type,Direction,Quantity,Position,Filled Price,Funding,Fee Paid,Cash Flow,Change,Wallet Balance"
HEADER = COLUMNS + ",Action,Time(UTC)\n"


def load(path: Path) -> ingest.Ledger:
    return ingest.load([str(path)], importers=(bybit_uta,))


def bad(ledger: ingest.Ledger) -> list[tuple[int, str]]:
    return sorted((d.source.line, d.message) for d in ledger.diagnostics if d.code is Code.BAD_ROW and d.source)


def test_sample_rows() -> None:
    ledger = load(SAMPLE)
    f = str(SAMPLE)
    assert rows(ledger) == [
        (12, ts(2024, 1, 10, 9, 30, 15), "trade", "USDT", D("840"), "BTC", D("0.02"), "BTC", D("0.00002"), f"{f}:12", "spot BTCUSDT"),
        # Two fills in one second, summed per coin: 0.2 + 0.3 ETH out, 500 + 750 USDT in, fees 0.5 + 0.75 USDT.
        (7, ts(2024, 2, 14, 18, 0, 1), "trade", "ETH", D("0.5"), "USDT", D("1250"), "USDT", D("1.25"), f"{f}:7", "spot ETHUSDT"),
        (4, ts(2024, 3, 3, 7, 7, 7), "trade", "USDC", D("500"), "SOL", D("5"), "SOL", D("0.005"), f"{f}:4", "spot SOLUSDC"),
    ]
    assert ledger.files[0].skipped == {"move between Bybit accounts": 4}
    assert [d for d in ledger.diagnostics if d.code is not Code.SKIPPED_ROWS] == []


def test_fee_sign_convention(tmp_path: Path) -> None:
    """A real UTA row (everytrade's BybitEuUtaBeanV1Test): BTC BUY, Cash Flow 0.00007, Fee Paid -0.000000175,
    Change 0.000069825 = 0.00007 - 0.000000175. So Cash Flow is gross and a negative Fee Paid is a fee charged,
    in the row's coin; a positive one (a rebate) is refused.
    """
    path = tmp_path / "uta.csv"
    path.write_text(
        HEADER
        + "1,BTC,BTCEUR,TRADE,BUY,0.00007,0,53873.6,0,-0.000000175,0.00007,0.000069825,0.0001396,--,2026-06-05 08:22:20\n"
        + "1,EUR,BTCEUR,TRADE,BUY,-3.771152,0,53873.6,0,0,-3.771152,-3.771152,9.462111675,--,2026-06-05 08:22:20\n"
        + "1,EUR,BTCEUR,TRADE,SELL,1.615287,0,53842.9,0,0.004,1.615287,1.619287,12,--,2026-06-05 08:22:50\n"
        + "1,BTC,BTCEUR,TRADE,SELL,-0.00003,0,53842.9,0,0,-0.00003,-0.00003,0.0000896,--,2026-06-05 08:22:50\n"
    )
    ledger = load(path)
    assert rows(ledger) == [
        (
            2,
            ts(2026, 6, 5, 8, 22, 20),
            "trade",
            "EUR",
            D("3.771152"),
            "BTC",
            D("0.00007"),
            "BTC",
            D("0.000000175"),
            f"{path}:2",
            "spot BTCEUR",
        )
    ]
    rebate = "Fee Paid '0.004' is positive: a rebate, which taxlots does not read yet (so its trade, lines 4, 5, was left out)"
    assert bad(ledger) == [(4, rebate)]


def test_errors(tmp_path: Path) -> None:
    path = tmp_path / "uta.csv"
    path.write_text(
        HEADER
        + "1,USDT,BTCUSDT,TRADE,BUY,0.01,0.01,50000,0,-0.3,0,-0.3,100,OPEN,2024-05-01 10:00:00\n"  # 2: perpetual
        + "1,USDT,BTCUSDT,SETTLEMENT,BUY,--,0.01,--,-0.01,0,0,-0.01,100,--,2024-05-01 16:00:00\n"  # 3: funding fee
        + "1,USDT,,BONUS,--,0,0,0,0,0,5,5,105,--,2024-05-02 10:00:00\n"  # 4: unknown type
        + "1,ETH,ETHUSDT,TRADE,BUY,1,0,3000,0,0,1,1,1,--,2024-05-03 10:00:00\n"  # 5: one leg only
        + "1,ETH,SOLUSDT,TRADE,BUY,1,0,3000,0,0,1,1,1,--,2024-05-04 10:00:00\n"  # 6, 7: coins not of the contract
        + "1,USDT,SOLUSDT,TRADE,BUY,-3000,0,3000,0,0,-3000,-3000,1,--,2024-05-04 10:00:00\n"
        + "1,ETH,ETHUSDT,TRADE,BUY,1,0,3000,0,0,abc,1,1,--,2024-05-05 10:00:00\n"  # 8, 9: a bad leg
        + "1,USDT,ETHUSDT,TRADE,BUY,-3000,0,3000,0,0,-3000,-3000,1,--,2024-05-05 10:00:00\n"
    )
    ledger = load(path)
    assert rows(ledger) == []
    not_read = "a derivatives trade is not read"
    derivative = "row of contract 'BTCUSDT' is a derivatives event; taxlots reads spot trades only"
    assert bad(ledger) == [
        (2, f"'TRADE' {derivative}"),
        (3, f"'SETTLEMENT' {derivative}"),
        (4, "unknown Type 'BONUS'; taxlots knows TRADE (spot), TRANSFER_IN and TRANSFER_OUT"),
        (
            5,
            f"TRADE rows of ETHUSDT BUY at 2024-05-03 10:00:00 (line 5) do not move one coin out and one coin in; {not_read}",
        ),
        (6, "TRADE rows of SOLUSDT BUY at 2024-05-04 10:00:00 (lines 6, 7) move USDT and ETH, which do not make the contract"),
        (8, "Cash Flow 'abc' is not a number (so its trade, lines 8, 9, was left out)"),
    ]


def test_claimed_by_bybit_uta_alone() -> None:
    sniffed, diag = ingest.sniff(str(SAMPLE), IMPORTERS)
    assert diag is None and sniffed is not None and sniffed.importer is bybit_uta and sniffed.header_line == 2


SPOT_HEADER = "Spot Pairs,Order Type,Direction,Filled Value,Filled Price,Filled Quantity,Fees,Transaction ID,Order No.,Timestamp (UTC)\n"


def uta_trade(pair: str, base: str, quote: str, base_qty: str, quote_qty: str, time: str) -> str:
    """The two TRADE rows of one spot BUY in the log (no fee)."""
    return (
        f"1,{base},{pair},TRADE,BUY,{base_qty},0,0,0,0,{base_qty},{base_qty},0,--,{time}\n"
        + f"1,{quote},{pair},TRADE,BUY,-{quote_qty},0,0,0,0,-{quote_qty},-{quote_qty},0,--,{time}\n"
    )


def test_spot_history_is_authoritative_over_the_log_spot_trades(tmp_path: Path) -> None:
    """Loaded together, each spot trade counts once: the spot history (minutes) covers the log's rows of that
    pair within the minutes it spans; a pair it does not list, or a time past its last minute, stays.
    """
    spot = tmp_path / "spot.csv"
    spot.write_text(
        SPOT_HEADER
        + "BTCUSDT,LIMIT,BUY,840,42000,0.02,0.00002,2200000000000000001, 1,09:30 2024-01-10\n"
        + "BTCUSDT,LIMIT,BUY,420,42000,0.01,0.00001,2200000000000000002, 2,11:05 2024-01-10\n"
    )
    log = tmp_path / "uta.csv"
    log.write_text(
        HEADER
        + uta_trade("BTCUSDT", "BTC", "USDT", "0.02", "840", "2024-01-10 09:30:15")  # lines 2-3: in the first minute
        + uta_trade("BTCUSDT", "BTC", "USDT", "0.01", "420", "2024-01-10 11:05:59")  # lines 4-5: in the last minute
        + uta_trade("BTCUSDT", "BTC", "USDT", "0.03", "1260", "2024-01-10 11:06:00")  # lines 6-7: after the span
        + uta_trade("ETHUSDT", "ETH", "USDT", "1", "2500", "2024-01-10 10:00:00")  # lines 8-9: a pair not in the history
    )
    ledger = ingest.load([str(spot), str(log)], importers=(bybit_spot, bybit_uta))
    s, u = str(spot), str(log)
    assert rows(ledger) == [
        (
            2,
            ts(2024, 1, 10, 9, 30),
            "trade",
            "USDT",
            D("840"),
            "BTC",
            D("0.02"),
            "BTC",
            D("0.00002"),
            "bybit:2200000000000000001",
            "LIMIT; BTCUSDT",
        ),
        (8, ts(2024, 1, 10, 10, 0), "trade", "USDT", D("2500"), "ETH", D("1"), None, None, f"{u}:8", "spot ETHUSDT"),
        (
            3,
            ts(2024, 1, 10, 11, 5),
            "trade",
            "USDT",
            D("420"),
            "BTC",
            D("0.01"),
            "BTC",
            D("0.00001"),
            "bybit:2200000000000000002",
            "LIMIT; BTCUSDT",
        ),
        (6, ts(2024, 1, 10, 11, 6), "trade", "USDT", D("1260"), "BTC", D("0.03"), None, None, f"{u}:6", "spot BTCUSDT"),
    ]
    by_file = {f.path: f.skipped for f in ledger.files}
    assert by_file[u] == {f"covered by {s} (the authoritative export of these trades)": 2}
