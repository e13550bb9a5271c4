"""Poloniex trade history (legacy ``tradeHistory.csv``, Wallet -> History -> Trades -> Export).

Header ``Date,Market,Category,Type,Price,Amount,Total,Fee,Order Number,Base Total Less Fee,Quote Total Less
Fee`` and, in later files, ``Fee Currency,Fee Total`` (BittyTax registers both). ``Market`` is ``COIN/BASE``
(``ETH/BTC``): ``Amount`` is the coin, ``Total`` (= Price x Amount) the base currency; ``Fee`` is a rate
(``0.25%``). ``Date`` is UTC.

Mapping (wallet ``Poloniex``): ``Buy`` sends ``Total`` of the base and receives ``Amount`` of the coin, ``Sell``
the reverse, both gross. Poloniex takes the fee from what is received, so the fee is that asset: its amount
is ``Fee Total`` when the file has it, else exact from the net column the file gives (a buy: ``Amount`` -
|``Quote Total Less Fee``|; a sell: ``Total`` - |``Base Total Less Fee``|) rather than rate x amount, which
BittyTax rounds. ``Category`` ``Exchange`` only: margin trades and lending are errors. The export has no
per-fill id (``Order Number`` is shared by fills), so rows are named ``FILE:LINE``.
"""

from __future__ import annotations

import polars as pl

from taxlots.importers import _exprs as ex
from taxlots.importers.base import Context

NAME = "poloniex-trades"
TITLE = "Poloniex trade history CSV"
SIGNATURES = (
    (
        "date", "market", "category", "type", "price", "amount", "total", "fee", "order number", "base total less fee",
        "quote total less fee",
    ),
)  # fmt: skip

WALLET = "Poloniex"


def normalize(lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """Poloniex fills -> one trade per row."""
    amount, amount_err = ex.checked_number(pl.col("amount"), "Amount")
    total, total_err = ex.checked_number(pl.col("total"), "Total")
    base_net, base_err = ex.checked_number(pl.col("base total less fee"), "Base Total Less Fee")
    quote_net, quote_err = ex.checked_number(pl.col("quote total less fee"), "Quote Total Less Fee")
    fee_total, fee_total_err = ex.checked_number(ex.column(ctx, "fee total"), "Fee Total")
    ts = ex.local_time(pl.col("date"), ["%Y-%m-%d %H:%M:%S"], "UTC")
    pair = ex.blank_to_null(pl.col("market")).str.to_uppercase().str.extract_groups(r"^([A-Z0-9]+)/([A-Z0-9]+)$")
    side = ex.blank_to_null(pl.col("type")).str.to_lowercase()
    lf = lf.with_columns(
        _amount=ex.unsigned(amount),
        _total=ex.unsigned(total),
        _base_net=ex.unsigned(base_net),
        _quote_net=ex.unsigned(quote_net),
        _fee_total=ex.unsigned(fee_total),
        _ts=ts,
        _coin=pair.struct.field("1"),
        _base=pair.struct.field("2"),
        _side=side,
        _parse_err=ex.join_errors(amount_err, total_err, base_err, quote_err, fee_total_err),
    )
    buy, sell = (pl.col("_side") == "buy").fill_null(False), (pl.col("_side") == "sell").fill_null(False)
    gross = pl.when(buy).then(pl.col("_amount")).otherwise(pl.col("_total"))
    net = pl.when(buy).then(pl.col("_quote_net")).otherwise(pl.col("_base_net"))
    derived = ex.plain_decimal(ex.as_decimal(gross) - ex.as_decimal(net))
    lf = lf.with_columns(_fee=pl.coalesce(pl.col("_fee_total"), derived))
    coin, base, fee = pl.col("_coin"), pl.col("_base"), pl.col("_fee")
    received = pl.when(buy).then(coin).when(sell).then(base)
    fee_ccy = ex.asset_code(ex.column(ctx, "fee currency"))
    has_fee = fee.is_not_null() & ~ex.is_zero(fee)
    category = ex.blank_to_null(pl.col("category"))
    errors = ex.join_errors(
        ex.timestamp_error(pl.col("date"), pl.col("_ts"), "Date", "a date and time like 2017-12-24 22:20:36"),
        pl.col("_parse_err"),
        pl.when(category.str.to_lowercase() != "exchange").then(
            pl.format("Category '{}' is not supported; taxlots reads Exchange trades", category)
        ),
        pl.when(~buy & ~sell).then(pl.format("unknown Type '{}'; expected Buy or Sell", pl.col("type").str.strip_chars().fill_null(""))),
        pl.when(coin.is_null()).then(pl.format("Market '{}' is not COIN/BASE (ETH/BTC)", pl.col("market").fill_null(""))),
        pl.when(pl.col("_amount").is_null() | pl.col("_total").is_null()).then(pl.lit("Amount and Total are required")),
        pl.when(pl.col("_fee_total").is_null() & net.is_null()).then(pl.lit("the fee cannot be worked out: the net column is blank")),
        pl.when(ex.is_negative(fee)).then(pl.format("the net amount exceeds the gross one by {}", ex.unsigned(fee))),
        pl.when(fee_ccy.is_not_null() & received.is_not_null() & (fee_ccy != received)).then(
            pl.format("Fee Currency {} is not the asset received ({})", fee_ccy, received)
        ),
    )
    return lf.select(
        ex.unified(
            timestamp=pl.col("_ts"),
            wallet=pl.lit(WALLET),
            type=pl.lit("trade"),
            sent_asset=pl.when(buy).then(base).when(sell).then(coin),
            sent_qty=pl.when(buy).then(pl.col("_total")).when(sell).then(pl.col("_amount")),
            received_asset=received,
            received_qty=pl.when(buy).then(pl.col("_amount")).when(sell).then(pl.col("_total")),
            fee_asset=pl.when(has_fee).then(received),
            fee_qty=pl.when(has_fee).then(fee),
            note=ex.note(pl.col("market"), pl.col("order number")),
            error=errors,
        )
    ).sort("line")
