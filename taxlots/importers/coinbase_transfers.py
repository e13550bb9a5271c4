"""Coinbase's pre-2020 "Transfers" report ("Buys, Sells, and Merchant Payouts"; EXCHANGE_FORMATS.md §1.6).

``Timestamp,Type,<ASSET>,Subtotal,Fees,Total,Currency,Price Per Coin,Payment Method,ID,Share``: the third
column's *name* is the crypto ticker (``BTC``) and its cells the quantity; money is in ``Currency`` (the
account fiat, which stays an asset unless it is USD). Timestamps carry the user's offset or are UTC ISO.

Mapping (wallet "Coinbase"; id ``coinbase-transfer:<ID>``, which the per-wallet Transactions report gives
the same transfer as its ``Transfer ID``, so both can be loaded):

- ``Buy``: sends ``Subtotal`` of the fiat, receives the quantity, fee ``Fees`` in the fiat (Total =
  Subtotal + Fees). ``Sell``: sends the quantity, receives ``Subtotal``, fee ``Fees`` (Total = Subtotal - Fees).
- ``Deposit`` / ``Withdrawal``: fiat moved to or from the bank: ``Total`` of the fiat, fee ``Fees``.
- Any other type (``Merchant Payout`` too: what a merchant's payout sold is not in the row) is an error
  naming it.
"""

from __future__ import annotations

import polars as pl

from taxlots.importers import _exprs as ex
from taxlots.importers.base import Context
from taxlots.importers.coinbase_transactions import offset_time

NAME = "coinbase-transfers"
TITLE = "Coinbase Transfers report CSV (Buys, Sells, and Merchant Payouts)"
WALLET = "Coinbase"
SIGNATURES = (("timestamp", "type", "subtotal", "fees", "total", "currency", "price per coin", "payment method", "id", "share"),)
_TYPES = {"buy": "trade", "sell": "trade", "deposit": "deposit", "withdrawal": "withdrawal"}


def claims(header: tuple[str, ...]) -> bool:
    """The third column names the asset (a ticker), not a fixed label."""
    return len(header) > 2 and header[1] == "type" and header[2].isalnum()


def normalize(lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """Read a Transfers report into the unified schema (see the module docstring)."""
    ticker, label = ctx.header[2].upper(), ctx.raw_header[2]
    qty, qty_err = ex.checked_number(pl.col(ctx.header[2]), label)
    subtotal, sub_err = ex.checked_number(pl.col("subtotal"), "Subtotal", money=True)
    fees, fees_err = ex.checked_number(pl.col("fees"), "Fees", money=True)
    total, total_err = ex.checked_number(pl.col("total"), "Total", money=True)
    t = ex.blank_to_null(pl.col("type")).str.to_lowercase()
    lf = lf.with_columns(
        _ts=offset_time(pl.col("timestamp")),
        _t=t,
        _qty=ex.unsigned(qty),
        _sub=ex.unsigned(subtotal),
        _fee=ex.nonzero(ex.unsigned(fees)),
        _total=ex.unsigned(total),
        _fiat=ex.asset_code(pl.col("currency")),
        _errs=ex.join_errors(qty_err, sub_err, fees_err, total_err),
    )
    t, fiat, buy, sell = pl.col("_t"), pl.col("_fiat"), pl.col("_t") == "buy", pl.col("_t") == "sell"
    fee = pl.col("_fee")
    errors = ex.join_errors(
        ex.timestamp_error(pl.col("timestamp"), pl.col("_ts"), "Timestamp", "a date and time like 2017-01-01 12:00:00 -0700"),
        pl.col("_errs"),
        pl.when(t.is_null())
        .then(pl.lit("Type is blank"))
        .when(~t.is_in(list(_TYPES)))
        .then(pl.format("unknown type '{}'; taxlots knows: Buy, Sell, Deposit, Withdrawal", pl.col("type").str.strip_chars())),
        pl.when(fiat.is_null()).then(pl.lit("Currency is blank")),
    )
    return lf.select(
        ex.unified(
            timestamp=pl.col("_ts"),
            wallet=pl.lit(WALLET),
            type=t.replace_strict(_TYPES, default=None),
            sent_asset=pl.when(buy).then(fiat).when(sell).then(pl.lit(ticker)).when(t == "withdrawal").then(fiat),
            sent_qty=pl.when(buy).then("_sub").when(sell).then("_qty").when(t == "withdrawal").then("_total"),
            received_asset=pl.when(buy).then(pl.lit(ticker)).when(sell).then(fiat).when(t == "deposit").then(fiat),
            received_qty=pl.when(buy).then("_qty").when(sell).then("_sub").when(t == "deposit").then("_total"),
            fee_asset=pl.when(fee.is_not_null()).then(fiat),
            fee_qty=fee,
            id=pl.format("coinbase-transfer:{}", ex.blank_to_null(pl.col("id"))),
            note=ex.note(pl.col("type"), ex.column(ctx, "payment method")),
            error=errors,
        )
    )
