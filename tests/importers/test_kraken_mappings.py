"""Kraken's legacy asset codes that are easy to lose: ZCHF (Swiss franc) and XXMR (Monero), in both exports."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from taxlots import ingest
from taxlots.importers import kraken_ledgers, kraken_trades

LEDGERS = """\
"txid","refid","time","type","aclass","asset","amount","fee","balance"
"L1AAAA-AAAAA-AAAAAA","TR1AAA-AAAAA-AAAAAA","2021-03-01 10:00:00","trade","currency","ZCHF",-150.0000,0.2400,850.0000
"L2AAAA-AAAAA-AAAAAA","TR1AAA-AAAAA-AAAAAA","2021-03-01 10:00:00","trade","currency","XXMR",0.7500000000,0,0.7500000000
"""
TRADES = (
    '"txid","ordertxid","pair","time","type","ordertype","price","cost","fee","vol","margin","misc","ledgers"\n'
    '"TQ1AAA-AAAAA-AAAAAA","O1AAAA-AAAAA-AAAAAA","XXMRZCHF","2021-03-01 10:00:00.0000","buy","limit",'
    '200.00000,150.00000,0.24000,0.75000000,0.00000,"","L1AAAA-AAAAA-AAAAAA"\n'
)
COLUMNS = ("type", "sent_asset", "sent_qty", "received_asset", "received_qty", "fee_asset", "fee_qty")


def test_ledgers_map_zchf_to_chf_and_xxmr_to_xmr(tmp_path: Path) -> None:
    path = tmp_path / "ledgers.csv"
    path.write_text(LEDGERS)
    led = ingest.load([str(path)], importers=(kraken_ledgers,))
    assert led.diagnostics == []
    # 150 CHF (plus 0.24 CHF fee) paid for 0.75 XMR
    assert led.frame.select(COLUMNS).rows() == [("trade", "CHF", "150", "XMR", "0.75", "CHF", "0.24")]


def test_trades_split_the_legacy_pair_xxmrzchf(tmp_path: Path) -> None:
    path = tmp_path / "trades.csv"
    path.write_text(TRADES)
    led = ingest.load([str(path)], importers=(kraken_trades,))
    assert led.diagnostics == []
    # a buy of vol 0.75 XMR for cost 150 CHF, fee 0.24 CHF
    (row,) = led.frame.select(COLUMNS).rows()
    assert row[:2] + row[3:4] + row[5:6] == ("trade", "CHF", "XMR", "CHF")
    assert (Decimal(row[2]), Decimal(row[4]), Decimal(row[6])) == (Decimal("150"), Decimal("0.75"), Decimal("0.24"))
