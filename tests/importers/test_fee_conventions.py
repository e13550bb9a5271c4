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
    bitstamp,
    bittrex_trades,
    bybit_spot,
    coinbase,
    coinbase_pro,
    cryptocom_exchange,
    kraken_ledgers,
    kraken_trades,
    kucoin,
    okx_trades,
    poloniex_trades,
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
    # Bybit spot (unified account): no fee coin column; the fee is in the coin received (the base on a buy,
    # the quote on a sell), as fifo-calc's real rows show; Filled Value and Filled Quantity are gross.
    "bybit-spot": (
        bybit_spot,
        "Spot Pairs,Order Type,Direction,Filled Value,Filled Price,Filled Quantity,Fees,Transaction ID,Order No.,Timestamp (UTC)\n"
        "SOLUSDT,LIMIT,BUY,1150,115,10,0.01,1, 1,16:20 2024-03-02\n"
        "BTCUSDT,LIMIT,SELL,2596.4,51928,0.05,2.5964,2, 2,07:05 2024-03-20\n",
        [(("USDT", "1150"), ("SOL", "10"), ("SOL", "0.01")), (("BTC", "0.05"), ("USDT", "2596.4"), ("USDT", "2.5964"))],
    ),
    # OKX trading account: Fee is in the leg's Unit, negative when charged (OKX API ``fee``: "negative
    # number represents the user transaction fee charged"), and sits on the leg received.
    "okx-trades": (
        okx_trades,
        "id,Order id,Time,Trade Type,Instrument,Type,Amount,Unit,PL,Fee,Position Change,Position Balance,Balance Change,Balance,Unit\n"
        "2,20,2024-03-15 04:20:00,Spot,ETH-BTC,Sell,-0.04,BTC,0,0,0,0,-0.04,0.0099,BTC\n"
        "2,20,2024-03-15 04:20:00,Spot,ETH-BTC,Buy,0.8,ETH,0,-0.0008,0,0,0.7992,1.7977,ETH\n"
        "1,10,2024-03-01 23:59:59,Spot,BTC-USDT,Buy,2150,USDT,0,-2.15,0,0,2147.85,3221.65,USDT\n"
        "1,10,2024-03-01 23:59:59,Spot,BTC-USDT,Sell,-0.05,BTC,0,0,0,0,-0.05,0.0499,BTC\n",
        [(("BTC", "0.05"), ("USDT", "2150"), ("USDT", "2.15")), (("BTC", "0.04"), ("ETH", "0.8"), ("ETH", "0.0008"))],
    ),
    # Crypto.com Exchange: |fee| in fee_currency (the API: "the negative sign means a deduction on balance");
    # the quote amount is traded_price x traded_quantity: 0.05125 x 0.8 = 0.041, 66120.5 x 0.015 = 991.8075.
    "cryptocom-exchange": (
        cryptocom_exchange,
        "account_type,order_id,trade_id,create_time_utc,symbol,side,liquditiy_indicator,traded_price,traded_quantity,fee,fee_currency\n"
        "SPOT,1,11,2024-03-06 21:45:03.990,BTC_USDT,SELL,TAKER,66120.5,0.015,-0.99180750,USDT\n"
        "SPOT,2,12,2024-03-28 08:02:10.104,ETH_BTC,BUY,MAKER,0.05125,0.8,-0.00080000,ETH\n",
        [(("BTC", "0.015"), ("USDT", "991.8075"), ("USDT", "0.9918075")), (("BTC", "0.041"), ("ETH", "0.8"), ("ETH", "0.0008"))],
    ),
    # Poloniex: the fee is taken from what is received and given by Fee Currency / Fee Total (BittyTax's
    # Poloniex parser); Amount and Total are gross.
    "poloniex-trades": (
        poloniex_trades,
        "Date,Market,Category,Type,Price,Amount,Total,Fee,Order Number,Base Total Less Fee,Quote Total Less Fee,Fee Currency,Fee Total\n"
        "2024-03-28 19:04:51,TRX/USDT,Exchange,Sell,0.1241,8000,992.8,0.15%,2,991.3108,-8000,USDT,1.4892\n"
        "2024-01-30 23:59:58,ETH/USDT,Exchange,Buy,2300,0.75,1725,0.15%,1,-1725,0.748875,ETH,0.001125\n",
        [(("USDT", "1725"), ("ETH", "0.75"), ("ETH", "0.001125")), (("TRX", "8000"), ("USDT", "992.8"), ("USDT", "1.4892"))],
    ),
    # Bittrex order history: Commission is in the market's base currency (USDT of USDT-BTC) on buys and
    # sells alike, on top of Price (the total) for a buy and out of it for a sell (BittyTax's Bittrex parser).
    "bittrex-trades": (
        bittrex_trades,
        "Uuid,Exchange,TimeStamp,OrderType,Limit,Quantity,QuantityRemaining,Commission,Price,PricePerUnit,IsConditional,"
        "Condition,ConditionTarget,ImmediateOrCancel,Closed,TimeInForceTypeId,TimeInForce\n"
        "u1,USDT-BTC,1/8/2022 2:14:09 PM,LIMIT_BUY,41950,0.05,0,5.24375,2097.5,41950,False,NONE,0,False,1/8/2022 3:02:41 PM,1,GTC\n"
        "u2,USDT-ETH,4/1/2022 8:00:00 AM,LIMIT_SELL,3500,0.8,0,7,2800,3500,False,NONE,0,False,4/2/2022 10:20:30 PM,1,GTC\n",
        [(("USDT", "2097.5"), ("BTC", "0.05"), ("USDT", "5.24375")), (("ETH", "0.8"), ("USDT", "2800"), ("USDT", "7"))],
    ),
    # Bitstamp (2023 export): Value = Amount x Rate excludes the fee, which is separate in Fee currency.
    "bitstamp": (
        bitstamp,
        "ID,Account,Type,Subtype,Datetime,Amount,Amount currency,Value,Value currency,Rate,Rate currency,Fee,Fee currency,Order ID\n"
        "1,Main Account,Market,Buy,2023-12-05T10:41:06Z,0.16,BTC,6700.00,USD,41875.00,USD,20.10,USD,11\n"
        "2,Main Account,Market,Sell,2024-02-05T10:41:06Z,0.1,BTC,4500.00,USD,45000.00,USD,13.50,USD,12\n",
        [(("USD", "6700"), ("BTC", "0.16"), ("USD", "20.10")), (("BTC", "0.1"), ("USD", "4500"), ("USD", "13.50"))],
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
