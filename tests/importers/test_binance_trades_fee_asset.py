"""A Trade History fee that names no asset is an error, not a fee in an unknown asset."""

from __future__ import annotations

from pathlib import Path

from taxlots.importers import binance_trades
from tests.importers._binance import errors, load


def test_a_bare_fee_number_without_fee_coin_is_an_error(tmp_path: Path) -> None:
    # Before, the bare 0.001 became a fee leg without an asset: it was dropped, and next to the BNB fee of
    # the same second it made a second fee row that counted the BNB fee again.
    path = tmp_path / "trades.csv"
    path.write_text(
        "Date(UTC),Pair,Side,Price,Executed,Amount,Fee\n"
        "2024-01-02 03:04:05,ETHUSDT,BUY,2000,0.1000000000ETH,200.00000000USDT,0.0010000000\n"
        "2024-01-02 03:04:05,ETHUSDT,BUY,2000,0.1000000000ETH,200.00000000USDT,0.0020000000BNB\n"
        "2024-01-02 03:04:06,ETHUSDT,BUY,2000,0.1000000000ETH,200.00000000USDT,0.0010000000\n"
        "2024-01-02 03:04:07,ETHUSDT,BUY,2000,0.1000000000ETH,200.00000000USDT,0\n"
    )
    ledger = load(path, importers=(binance_trades,))
    missing = "Fee '0.0010000000' does not name its asset (no asset after the number, no Fee Coin)"
    assert errors(ledger) == [("trades.csv", 2, f"{missing} (so its trade, lines 2, 3, was left out)"), ("trades.csv", 4, missing)]
    # a zero fee names no asset and needs none
    assert ledger.frame.select("line", "type", "fee_asset", "fee_qty").rows() == [(5, "trade", None, None)]
