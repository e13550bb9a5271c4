"""Each exchange importer's fee asset and sign, against what the exchange documents (one small file each).

A wrong fee asset is a wrong tax number (a fee in the base is part of what was bought or sold; one in the
quote changes proceeds or basis), so every importer is checked on one buy and one sell written by hand,
with the source of the convention cited. Fees are positive in the ledger whatever sign the export uses.
Each case would catch an importer that reads the fee in the other asset of the pair, keeps the export's
negative sign, or folds the fee into the traded quantity.
"""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path
from types import ModuleType

import pytest

from taxlots import ingest
from taxlots.importers import (
    binance_trades,
    bitfinex,
    coinbase,
    coinbase_pro,
    kraken_ledgers,
    kraken_trades,
    kucoin,
)

Side = tuple[str, str]
#: (importer, file text, [(sent, received, fee)] in file order).
CASES: dict[str, tuple[ModuleType, str, list[tuple[Side, Side, Side]]]] = {
    # KuCoin 2018 API/export: no fee currency column; the fee was 0.1% of the coin traded (the base):
    # 0.5 x 0.001 = 0.0005 ETH on the buy and the sell alike.
    "kucoin-oid": (
        kucoin,
        "oid,symbol,dealPrice,dealValue,amount,fee,direction,createdDate\n"
        "a1,ETH-BTC,0.05,0.025,0.5,0.0005,BUY,2018-06-01 08:00:00\n"
        "a2,ETH-BTC,0.06,0.03,0.5,0.0005,SELL,2018-06-02 08:00:00\n",
        [(("BTC", "0.025"), ("ETH", "0.5"), ("ETH", "0.0005")), (("ETH", "0.5"), ("BTC", "0.03"), ("ETH", "0.0005"))],
    ),
    # KuCoin 2020-23: feeCurrency states the fee's asset (EXCHANGE_FORMATS.md §5.4), quote or KCS.
    "kucoin-2022": (
        kucoin,
        "tradeCreatedAt,orderId,symbol,side,price,size,funds,fee,liquidity,feeCurrency,orderType\n"
        "2022-01-01 08:00:00,b1,BTC-USDT,buy,40000,0.01,400,0.4,taker,USDT,market\n"
        "2022-01-02 08:00:00,b2,BTC-USDT,sell,41000,0.01,410,0.02,maker,KCS,limit\n",
        [(("USDT", "400"), ("BTC", "0.01"), ("USDT", "0.4")), (("BTC", "0.01"), ("USDT", "410"), ("KCS", "0.02"))],
    ),
    # Kraken trades.csv: `fee` is in the quote currency and `cost` excludes it (Kraken support, "trades
    # history export"; EXCHANGE_FORMATS.md §3.3).
    "kraken-trades": (
        kraken_trades,
        '"txid","ordertxid","pair","time","type","ordertype","price","cost","fee","vol","margin","misc","ledgers"\n'
        '"T1","O1","XETHZUSD","2024-01-05 11:00:00.1","buy","limit",2000.00,1000.00000,1.60000,0.50000000,0.00000,"",""\n'
        '"T2","O2","XETHZUSD","2024-01-06 11:00:00.1","sell","limit",2100.00,1050.00000,1.68000,0.50000000,0.00000,"",""\n',
        [(("USD", "1000"), ("ETH", "0.5"), ("USD", "1.6")), (("ETH", "0.5"), ("USD", "1050"), ("USD", "1.68"))],
    ),
    # Kraken ledgers.csv: a leg's fee is in that leg's asset and leaves in addition to `amount`
    # (balance = previous + amount - fee; EXCHANGE_FORMATS.md §3.2).
    "kraken-ledgers": (
        kraken_ledgers,
        '"txid","refid","time","type","subtype","aclass","asset","amount","fee","balance"\n'
        '"L1","R1","2024-01-05 11:00:00","trade","tradespot","currency","ZUSD",-1000.0000,1.6000,0\n'
        '"L2","R1","2024-01-05 11:00:00","trade","tradespot","currency","XETH",0.5000000000,0.0000000000,0.5\n'
        '"L3","R2","2024-01-06 11:00:00","trade","tradespot","currency","XETH",-0.5000000000,0.0000000000,0\n'
        '"L4","R2","2024-01-06 11:00:00","trade","tradespot","currency","ZUSD",1050.0000,1.6800,1048.32\n',
        [(("USD", "1000"), ("ETH", "0.5"), ("USD", "1.6")), (("ETH", "0.5"), ("USD", "1050"), ("USD", "1.68"))],
    ),
    # Coinbase retail: Fees are in the account fiat; Subtotal excludes them (Total = Subtotal + Fees on a
    # buy, Subtotal - Fees on a sell; EXCHANGE_FORMATS.md §1.4).
    "coinbase": (
        coinbase,
        "Timestamp,Transaction Type,Asset,Quantity Transacted,Spot Price Currency,Spot Price at Transaction,Subtotal,"
        "Total (inclusive of fees and/or spread),Fees and/or Spread,Notes\n"
        "2023-02-14T10:01:09Z,Buy,ETH,0.5,USD,2000,1000.00,1014.99,14.99,Bought 0.5 ETH for 1014.99 USD\n"
        "2023-02-15T10:01:09Z,Sell,ETH,0.5,USD,2100,1050.00,1034.26,15.74,Sold 0.5 ETH for 1034.26 USD\n",
        [(("USD", "1000.00"), ("ETH", "0.5"), ("USD", "14.99")), (("ETH", "0.5"), ("USD", "1050.00"), ("USD", "15.74"))],
    ),
    # Coinbase Pro fills: `fee` is in `price/fee/total unit` (the quote); total = -(size x price + fee) on a
    # buy, size x price - fee on a sell (EXCHANGE_FORMATS.md §2.2): gross 0.5 x 2000 = 1000.
    "coinbase-pro-fills": (
        coinbase_pro,
        "portfolio,trade id,product,side,created at,size,size unit,price,fee,total,price/fee/total unit\n"
        "default,1,ETH-USD,BUY,2021-03-15T14:02:11.418Z,0.5,ETH,2000,5,-1005,USD\n"
        "default,2,ETH-USD,SELL,2021-03-16T14:02:11.418Z,0.5,ETH,2100,5.25,1044.75,USD\n",
        [(("USD", "1000"), ("ETH", "0.5"), ("USD", "5")), (("ETH", "0.5"), ("USD", "1050"), ("USD", "5.25"))],
    ),
    # Binance Trade History: the fee carries its own asset (BNB when BNB fee deduction is on, else the
    # asset received); Executed and Amount are gross (Binance "Trade History" export help page).
    "binance-trades": (
        binance_trades,
        "Date(UTC),Pair,Side,Price,Executed,Amount,Fee\n"
        "2024-01-05 11:00:00,ETHUSDT,BUY,2000,0.5ETH,1000USDT,0.0005ETH\n"
        "2024-01-06 11:00:00,ETHUSDT,SELL,2100,0.5ETH,1050USDT,0.003BNB\n",
        [(("USDT", "1000"), ("ETH", "0.5"), ("ETH", "0.0005")), (("ETH", "0.5"), ("USDT", "1050"), ("BNB", "0.003"))],
    ),
    # Bitfinex trades: FEE is negative and in FEE CURRENCY, the currency received (BittyTax's Bitfinex
    # parser; EXCHANGE_FORMATS.md §5.3); the ledger shows it as a row of its own, so AMOUNT stays gross.
    "bitfinex-trades": (
        bitfinex,
        "#,PAIR,AMOUNT,PRICE,FEE,FEE PERC,FEE CURRENCY,DATE,ORDER ID\n"
        "1,ETH/USD,0.5,2000,-0.001,0.20%,ETH,05-01-24 11:00:00,11\n"
        "2,ETH/USD,-0.5,2100,-2.1,0.20%,USD,06-01-24 11:00:00,12\n",
        [(("USD", "1000"), ("ETH", "0.5"), ("ETH", "0.001")), (("ETH", "0.5"), ("USD", "1050"), ("USD", "2.1"))],
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_fee_asset_and_sign(case: str, tmp_path: Path) -> None:
    importer, text, expected = CASES[case]
    path = tmp_path / f"{case}.csv"
    path.write_text(text, encoding="utf-8")
    ledger = ingest.load([str(path)], importers=(importer,))
    assert [d.render() for d in ledger.diagnostics if d.severity == "error"] == []
    got = [((r.sent_asset, r.sent_qty), (r.received_asset, r.received_qty), (r.fee_asset, r.fee_qty)) for r in ledger.rows()]
    assert got == [tuple((a, D(q)) for a, q in trade) for trade in expected]
    assert all(r.fee_qty is not None and r.fee_qty > 0 for r in ledger.rows())
