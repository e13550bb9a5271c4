"""Kraken ``trades.csv``: one row per execution (``txid``), the order it belongs to in ``ordertxid``.

Header variants (matched by name; the user picks the fields, so columns beyond the core may be missing):
the classic 13 columns, 22 columns (+ position fields ``postxid ... trades``, 2020) and the 2025 form with
``aclass``/``subclass`` and ``posttxid``/``posstatuscode``. ``time`` is UTC with fractional seconds.

Mapping decisions:

- ``pair`` is split into base and quote: ``ETH/USD`` at the slash; a legacy 8-letter pair ending in a
  4-letter code (``XXBTZEUR``, ``XETHXXBT``, ``USDTZUSD``) in half; otherwise the longest known quote code
  that ends the pair (``DOTEUR``, ``XBTUSDT``, ``ETHPYUSD``; ``XTZEUR`` is XTZ/EUR). Codes are mapped like
  the ledgers (``XXBT`` -> BTC, ``ZEUR`` -> EUR). A pair with no known quote is an error naming it.
- ``buy``: sent quote ``cost``, received base ``vol``; ``sell``: the reverse. ``cost`` excludes the fee,
  which is charged in the quote (``fee``). Kraken documents that ``fee`` is the fee's value in the quote,
  not always the asset debited (KFEE or base fees): the ledgers export is exact and wins.
- id ``kraken:<txid>``: the ledgers' ``refid`` of the same trade, so a trade read from both exports is
  kept once, from the ledgers (``PRIORITY`` 0 < 10). ``costusd`` (rare) is the usd_value of a trade with
  no USD side.
- a row with a non-zero ``margin`` is a margin position: an error (taxlots reads spot activity only).
"""

from __future__ import annotations

import polars as pl

from taxlots.importers import _exprs as ex
from taxlots.importers.base import Context
from taxlots.importers.kraken_ledgers import WALLET, asset_code

NAME = "kraken-trades"
TITLE = "Kraken trades.csv"
PRIORITY = 0

_CORE = ("txid", "ordertxid", "pair", "time", "type", "ordertype", "price", "cost", "fee", "vol")
_CLASSIC = (*_CORE, "margin", "misc", "ledgers")
SIGNATURES: tuple[tuple[str, ...], ...] = (
    _CORE + ("ledgers",),  # fields deselected: no margin/misc
    _CLASSIC,  # classic 13 columns
    _CLASSIC + ("postxid", "posstatus", "cprice", "ccost", "cfee", "cvol", "cmargin", "net", "trades"),  # 22 columns
    ("txid", "ordertxid", "pair", "aclass", "subclass", "time", "type", "ordertype", "price", "cost", "fee", "vol")
    + ("margin", "misc", "ledgers", "posttxid", "posstatuscode", "cprice", "ccost", "cfee", "cvol", "cmargin", "net", "trades"),  # 2025
)

#: Legacy 4-letter quote codes of 8-letter pairs (``XXBTZEUR``).
LEGACY_QUOTES = ("ZUSD", "ZEUR", "ZGBP", "ZCAD", "ZJPY", "ZAUD", "ZCHF", "XXBT", "XETH")
#: Quote codes of the other concatenated pairs; the longest that ends a pair wins.
QUOTES = ("PYUSD", "USDT", "USDC", "AED", "AUD", "CAD", "CHF", "DAI", "DOT", "ETH", "EUR", "GBP", "JPY", "USD", "XBT", "BTC")


def split_pair(raw: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """``(base, quote)`` raw codes of a pair, null when it cannot be split."""
    pair = ex.blank_to_null(raw).str.to_uppercase()
    parts = pair.str.split("/")
    slash = pair.str.contains("/") & (parts.list.len() == 2)
    legacy = (pair.str.len_chars() == 8) & pair.str.slice(4).is_in(LEGACY_QUOTES)
    plain_re = r"^(.+?)(" + "|".join(QUOTES) + r")$"
    base = (
        pl.when(slash).then(parts.list.first())
        .when(legacy).then(pair.str.slice(0, 4))
        .when(~pair.str.contains("/")).then(pair.str.extract(plain_re, 1))
    )  # fmt: skip
    quote = (
        pl.when(slash).then(parts.list.last())
        .when(legacy).then(pair.str.slice(4))
        .when(~pair.str.contains("/")).then(pair.str.extract(plain_re, 2))
    )  # fmt: skip
    return ex.blank_to_null(base), ex.blank_to_null(quote)


def normalize(lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """Read a Kraken trades export: one trade per row, fee in the quote currency."""
    cols = set(ctx.header)
    ts = ex.iso_utc(pl.col("time"))
    side = ex.blank_to_null(pl.col("type")).str.to_lowercase()
    base_raw, quote_raw = split_pair(pl.col("pair"))
    base, quote = asset_code(base_raw), asset_code(quote_raw)
    cost, cost_err = ex.checked_number(pl.col("cost"), "cost")
    vol, vol_err = ex.checked_number(pl.col("vol"), "vol")
    fee, fee_err = ex.checked_number(pl.col("fee"), "fee")
    margin, margin_err = ex.checked_number(pl.col("margin") if "margin" in cols else pl.lit(None, pl.String), "margin")
    usd, usd_err = ex.checked_number(pl.col("costusd") if "costusd" in cols else pl.lit(None, pl.String), "costusd")
    buy, sell = side == "buy", side == "sell"
    cost, vol, fee = ex.unsigned(cost), ex.unsigned(vol), ex.unsigned(fee)
    has_fee = fee.is_not_null() & ~ex.is_zero(fee)
    pair = pl.col("pair").str.strip_chars()
    errors = [
        ex.timestamp_error(pl.col("time"), ts, "time", "a UTC time like 2024-03-01 12:00:00.1234"),
        pl.when(base.is_null()).then(
            pl.format("pair '{}' does not end in a quote currency taxlots knows ({})", pair, pl.lit(", ".join(QUOTES)))
        ),
        pl.when(~buy & ~sell).then(pl.format("type '{}' is not buy or sell", pl.col("type").str.strip_chars())),
        pl.when(margin.is_not_null() & ~ex.is_zero(margin)).then(
            pl.format("margin trade (margin '{}') is not supported; taxlots reads spot activity only", margin)
        ),
        *(
            pl.when(v.is_null() & e.is_null()).then(pl.lit(f"{name} is blank"))
            for v, e, name in ((cost, cost_err, "cost"), (vol, vol_err, "vol"))
        ),
        cost_err,
        vol_err,
        fee_err,
        margin_err,
        usd_err,
    ]
    return lf.select(
        ex.unified(
            timestamp=ts,
            wallet=pl.lit(WALLET),
            type=pl.lit("trade"),
            sent_asset=pl.when(sell).then(base).otherwise(quote),
            sent_qty=pl.when(sell).then(vol).otherwise(cost),
            received_asset=pl.when(sell).then(quote).otherwise(base),
            received_qty=pl.when(sell).then(cost).otherwise(vol),
            fee_asset=pl.when(has_fee).then(quote),
            fee_qty=pl.when(has_fee).then(fee),
            usd_value=pl.when((base != "USD") & (quote != "USD")).then(ex.unsigned(usd)),
            id=pl.format("kraken:{}", ex.blank_to_null(pl.col("txid"))),
            note=pl.concat_str([side, ex.blank_to_null(pl.col("ordertype"))], separator=" ", ignore_nulls=True).fill_null(""),
            error=ex.join_errors(*errors),
        )
    )
