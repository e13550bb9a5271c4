"""Poloniex trade history: the sample, the fee worked out from the net columns, and errors."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

from taxlots import ingest
from taxlots.importers import IMPORTERS, poloniex_trades
from taxlots.model.diagnostics import Code
from tests.importers._ledger import rows, ts

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "poloniex_trades_2024.csv"
OLD = "Date,Market,Category,Type,Price,Amount,Total,Fee,Order Number,Base Total Less Fee,Quote Total Less Fee\n"


def load(path: Path) -> ingest.Ledger:
    return ingest.load([str(path)], importers=(poloniex_trades,))


def test_sample_rows() -> None:
    ledger = load(SAMPLE)
    f = str(SAMPLE)
    assert rows(ledger) == [
        (
            7,
            ts(2024, 1, 12, 8, 40, 17),
            "trade",
            "USDT",
            D("2300.525"),
            "BTC",
            D("0.05"),
            "BTC",
            D("0.000075"),
            f"{f}:7",
            "BTC/USDT; 400290018245",
        ),
        # Two identical fills of one order in one second: both kept.
        (
            5,
            ts(2024, 1, 30, 23, 59, 58),
            "trade",
            "USDT",
            D("1725"),
            "ETH",
            D("0.75"),
            "ETH",
            D("0.001125"),
            f"{f}:5",
            "ETH/USDT; 400551923377",
        ),
        (
            6,
            ts(2024, 1, 30, 23, 59, 58),
            "trade",
            "USDT",
            D("1725"),
            "ETH",
            D("0.75"),
            "ETH",
            D("0.001125"),
            f"{f}:6",
            "ETH/USDT; 400551923377",
        ),
        (
            4,
            ts(2024, 2, 11, 11, 22, 9),
            "trade",
            "ETH",
            D("1.2"),
            "BTC",
            D("0.0654"),
            "BTC",
            D("0.0000981"),
            f"{f}:4",
            "ETH/BTC; 400763120853",
        ),
        (3, ts(2024, 3, 2, 6, 15, 30), "trade", "USDT", D("1080"), "TRX", D("8000"), "TRX", D("12"), f"{f}:3", "TRX/USDT; 401117339442"),
        (
            2,
            ts(2024, 3, 28, 19, 4, 51),
            "trade",
            "TRX",
            D("8000"),
            "USDT",
            D("992.8"),
            "USDT",
            D("1.4892"),
            f"{f}:2",
            "TRX/USDT; 401558870911",
        ),
    ]
    assert ledger.diagnostics == []


def test_fee_from_the_net_columns(tmp_path: Path) -> None:
    """Without Fee Total the fee is gross - |net| of the received asset (BittyTax: Poloniex takes it from what is
    received): buy 0.5 ETH at 0.25%: 0.5 - 0.49875 = 0.00125 ETH; sell for 0.03 BTC: 0.03 - 0.029925 = 0.000075 BTC."""
    path = tmp_path / "p.csv"
    path.write_text(
        OLD
        + "2019-06-01 10:00:00,ETH/BTC,Exchange,Buy,0.06,0.5,0.03,0.25%,1,-0.03,0.49875\n"
        + "2019-06-02 10:00:00,ETH/BTC,Exchange,Sell,0.06,0.5,0.03,0.25%,2,0.029925,-0.5\n"
    )
    f = str(path)
    assert rows(load(path)) == [
        (2, ts(2019, 6, 1, 10), "trade", "BTC", D("0.03"), "ETH", D("0.5"), "ETH", D("0.00125"), f"{f}:2", "ETH/BTC; 1"),
        (3, ts(2019, 6, 2, 10), "trade", "ETH", D("0.5"), "BTC", D("0.03"), "BTC", D("0.000075"), f"{f}:3", "ETH/BTC; 2"),
    ]


def test_errors(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text(
        OLD
        + "2019-06-01 10:00:00,ETH/BTC,Margin Trade,Buy,0.06,0.5,0.03,0.25%,1,-0.03,0.49875\n"  # 2
        + "2019-06-01 10:00:00,ETH/BTC,Exchange,Lend,0.06,0.5,0.03,0.25%,1,-0.03,0.49875\n"  # 3
        + "2019-06-01 10:00:00,ETHBTC,Exchange,Buy,0.06,0.5,0.03,0.25%,1,-0.03,0.49875\n"  # 4
        + "2019-06-01 10:00:00,ETH/BTC,Exchange,Buy,0.06,0.5,0.03,0.25%,1,-0.03,0.6\n"  # 5: net above gross
        + "2019-06-01 10:00:00,ETH/BTC,Exchange,Buy,0.06,0.5,0.03,0.25%,1,-0.03,\n"  # 6: no net
    )
    got = sorted((d.source.line, d.message) for d in load(path).diagnostics if d.code is Code.BAD_ROW and d.source)
    assert got == [
        (2, "Category 'Margin Trade' is not supported; taxlots reads Exchange trades"),
        (3, "unknown Type 'Lend'; expected Buy or Sell"),
        (4, "Market 'ETHBTC' is not COIN/BASE (ETH/BTC)"),
        (5, "the net amount exceeds the gross one by 0.1"),
        (6, "the fee cannot be worked out: the net column is blank"),
    ]


def test_claimed_by_poloniex_trades_alone() -> None:
    sniffed, diag = ingest.sniff(str(SAMPLE), IMPORTERS)
    assert diag is None and sniffed is not None and sniffed.importer is poloniex_trades
