"""Coinbase Pro / Coinbase Advanced "Account" statement CSV (EXCHANGE_FORMATS.md §2.3).

``portfolio,type,time,amount,balance,amount/balance unit,transfer id,trade id,order id``; the GDAX-era
file has no ``portfolio``, and the 2022 statements capitalize the names (``Portfolio,Type,...,Order ID``,
the same after normalizing). One row per balance change of one asset; ``amount`` is signed; ``time`` is
UTC ISO 8601 with milliseconds.

Mapping (wallet "Coinbase", like the fills report and the retail history):

- ``match`` rows are the legs of a fill and ``fee`` rows its fee, linked by ``order id`` and ``trade id``: the
  negative match is sent, the positive one received (both exclude the fee), the fee (in the quote) is the
  fee. A fill that does not resolve into one sent and one received asset, or whose fees are in two assets,
  is an error naming its trade id and lines. The trade row is on the fill's first line.
- The fill's id is the fills report's, ``coinbase-pro:<BASE>-<QUOTE>:<trade id>``, so loading both reports
  counts each trade once (the fills report's row is kept: ``PRIORITY`` -1 < 0). The quote is the fee's
  asset; for a fill without a fee, the leg whose asset comes first in :data:`QUOTES`. Like the fills,
  these trades are authoritative over the retail history's Advanced Trade rows (``AUTHORITATIVE``).
- ``deposit``/``withdrawal``: a deposit or withdrawal of the asset, id ``coinbase-pro:transfer:<transfer
  id>``. The statement does not say whether the other side was an outside wallet or Coinbase retail
  (whose own "Pro/Exchange Deposit/Withdrawal" rows are skipped as internal moves): the rows are kept
  (nothing dropped) and noted, for transfer matching and review.
- ``conversion`` (USD <-> USDC at 1:1): the two legs of one time are a trade. ``rebate``: income.
- Any other type is an error naming it.
"""

from __future__ import annotations

import polars as pl

from taxlots.importers import _exprs as ex
from taxlots.importers.base import Context

NAME = "coinbase-pro-account"
TITLE = "Coinbase Pro / Advanced account statement CSV"
WALLET = "Coinbase"
PRIORITY = -1  # below the fills report, which describes the same fills under the same ids
ADVANCED_TRADE = "coinbase-advanced-trade"
AUTHORITATIVE = (ADVANCED_TRADE,)

_GDAX = ("type", "time", "amount", "balance", "amount/balance unit", "transfer id", "trade id", "order id")
SIGNATURES = (("portfolio", *_GDAX), _GDAX)

#: Quote currencies of Coinbase products, most quote-like first: a fee-less fill's quote is the first found.
QUOTES = ("USD", "USDC", "USDT", "EUR", "GBP", "DAI", "BTC", "ETH")
_LEG_TYPES = ("match", "fee")
_SINGLE = {"deposit": "deposit", "withdrawal": "withdrawal", "rebate": "income"}
_KNOWN = "conversion, deposit, fee, match, rebate, withdrawal"


def _read(lf: pl.LazyFrame) -> pl.LazyFrame:
    """Each source column read once; the row's own errors."""
    amount, amount_err = ex.checked_number(pl.col("amount"), "amount")
    lf = lf.with_columns(
        _ts=ex.iso_utc(pl.col("time")),
        _type=ex.blank_to_null(pl.col("type")).str.to_lowercase(),
        _amount=ex.expand_exponent(amount),
        _asset=ex.asset_code(pl.col("amount/balance unit")),
        _trade=ex.blank_to_null(pl.col("trade id")),
        _order=ex.blank_to_null(pl.col("order id")),
        _transfer=ex.blank_to_null(pl.col("transfer id")),
        _amount_err=amount_err,
    )
    t = pl.col("_type")
    known = t.is_in([*_LEG_TYPES, "conversion", *_SINGLE])
    errors = ex.join_errors(
        ex.timestamp_error(pl.col("time"), pl.col("_ts"), "time", "an ISO 8601 UTC time (2021-03-15T14:02:11.418Z)"),
        pl.when(t.is_null()).then(pl.lit("type is blank")).when(~known).then(pl.format(f"unknown type '{{}}'; taxlots knows: {_KNOWN}", t)),
        pl.when(pl.col("_amount").is_null() & amount_err.is_null()).then(pl.lit("amount is blank")).otherwise(amount_err),
        pl.when(pl.col("_asset").is_null()).then(pl.lit("amount/balance unit is blank")),
        pl.when(t.is_in(_LEG_TYPES) & (pl.col("_trade").is_null() | pl.col("_order").is_null())).then(
            pl.format("a '{}' row needs its trade id and order id (they link a fill's legs)", t)
        ),
    )
    return lf.with_columns(_error=errors, _neg=ex.is_negative(pl.col("_amount")).fill_null(False))


def _singles(rows: pl.LazyFrame) -> pl.LazyFrame:
    """Deposits, withdrawals, rebates, and the rows with their own errors."""
    t, qty, asset = pl.col("_type"), ex.unsigned(pl.col("_amount")), pl.col("_asset")
    kind = t.replace_strict(_SINGLE, default=None)
    inbound = kind.is_in(["deposit", "income"])
    moved = pl.format("Coinbase Pro {} (transfer {}): from or to an outside wallet or Coinbase retail", t, pl.col("_transfer"))
    wrong = (kind.is_in(["deposit", "income"]) & pl.col("_neg")) | ((kind == "withdrawal") & ~pl.col("_neg"))
    return rows.select(
        ex.unified(
            timestamp=pl.col("_ts"),
            wallet=pl.lit(WALLET),
            type=kind,
            sent_asset=pl.when(~inbound).then(asset),
            sent_qty=pl.when(~inbound).then(qty),
            received_asset=pl.when(inbound).then(asset),
            received_qty=pl.when(inbound).then(qty),
            id=pl.when(pl.col("_transfer").is_not_null()).then(pl.format("coinbase-pro:transfer:{}", pl.col("_transfer"))),
            note=pl.when(t == "rebate").then(pl.lit("maker rebate")).otherwise(moved).fill_null(t.fill_null("")),
            error=ex.join_errors(
                pl.col("_error"),
                pl.when(wrong & pl.col("_error").is_null()).then(pl.format("a '{}' row's amount {} has the wrong sign", t, "_amount")),
            ),
        )
    )


def _groups(legs: pl.LazyFrame, key: list[str]) -> pl.LazyFrame:
    """One row per fill (or conversion): its sent, received and fee sides summed, and how many of each."""
    amt, asset, t = ex.as_decimal(pl.col("_amount")), pl.col("_asset"), pl.col("_type")
    match = t != "fee"
    sent, recv, fee = match & (amt < 0), match & (amt > 0), (t == "fee") & (amt != 0)
    return legs.group_by(key).agg(
        pl.col("line").min(),
        pl.col("_ts").min(),
        _lines=pl.col("line").sort().cast(pl.String).str.join(", "),
        _n_sent=asset.filter(sent).n_unique(),
        _n_recv=asset.filter(recv).n_unique(),
        _n_fee=asset.filter(fee).n_unique(),
        _sent=asset.filter(sent).first(),
        _sent_qty=amt.filter(sent).sum().abs(),
        _recv=asset.filter(recv).first(),
        _recv_qty=amt.filter(recv).sum(),
        _fee=asset.filter(fee).first(),
        _fee_qty=amt.filter(fee).sum().abs(),
        _bad=pl.col("_error").is_not_null().any(),
    )


def _quote_rank(asset: pl.Expr) -> pl.Expr:
    return asset.replace_strict({q: i for i, q in enumerate(QUOTES)}, default=len(QUOTES), return_dtype=pl.Int64)


def _trades(legs: pl.LazyFrame, conversions: pl.LazyFrame) -> pl.LazyFrame:
    """Fills and conversions as trades; those that do not resolve as errors naming their lines."""
    fills = _groups(legs, ["_order", "_trade"]).with_columns(_what=pl.format("trade id {}", pl.col("_trade")))
    conv = _groups(conversions, ["time"]).with_columns(_what=pl.format("conversion at {}", pl.col("time")), _trade=pl.lit(None, pl.String))
    groups = pl.concat([fills.drop("_order"), conv.drop("time")], how="diagonal")
    sent, recv = pl.col("_sent"), pl.col("_recv")
    by_rank = pl.when(_quote_rank(sent) <= _quote_rank(recv)).then(sent).otherwise(recv)
    fee_side = (pl.col("_fee") == sent) | (pl.col("_fee") == recv)
    quote = pl.coalesce(pl.when(fee_side).then("_fee"), by_rank)
    base = pl.when(quote == sent).then(recv).otherwise(sent)
    product = pl.format("{}-{}", base, quote)
    ok = (pl.col("_n_sent") == 1) & (pl.col("_n_recv") == 1) & (pl.col("_n_fee") <= 1) & ~pl.col("_bad")
    has_fee = pl.col("_n_fee") == 1
    error = (
        pl.when(pl.col("_bad"))
        .then(pl.format("{} (lines {}) was left out with its unreadable row", "_what", "_lines"))
        .when(pl.col("_n_fee") > 1)
        .then(pl.format("{} (lines {}) has fees in more than one asset", "_what", "_lines"))
        .otherwise(pl.format("{} (lines {}) does not resolve into one sent and one received asset", "_what", "_lines"))
    )
    is_fill = pl.col("_trade").is_not_null()
    return groups.select(
        ex.unified(
            timestamp=pl.col("_ts"),
            wallet=pl.lit(WALLET),
            type=pl.lit("trade"),
            sent_asset=sent,
            sent_qty=ex.plain_decimal(pl.col("_sent_qty")),
            received_asset=recv,
            received_qty=ex.plain_decimal(pl.col("_recv_qty")),
            fee_asset=pl.when(has_fee).then("_fee"),
            fee_qty=pl.when(has_fee).then(ex.plain_decimal(pl.col("_fee_qty"))),
            id=pl.when(is_fill).then(pl.format("coinbase-pro:{}:{}", product, pl.col("_trade"))),
            note=pl.when(is_fill).then(pl.format("match {}", product)).otherwise(pl.lit("conversion")),
            error=pl.when(~ok).then(error),
            event_class=pl.when(is_fill).then(pl.format("{}:{}", pl.lit(ADVANCED_TRADE), product)),
        )
    )


def normalize(lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """Read an account statement into the unified schema (see the module docstring)."""
    rows = _read(lf).cache()
    t = pl.col("_type")
    linked = pl.col("_trade").is_not_null() & pl.col("_order").is_not_null()
    leg = t.is_in(_LEG_TYPES) & linked
    single = ~leg & (t != "conversion")
    bad_legs = rows.filter((leg | (t == "conversion")).fill_null(False) & pl.col("_error").is_not_null())
    parts = [
        _singles(rows.filter(single.fill_null(True))),
        bad_legs.select(ex.unified(error=pl.col("_error"))),
        _trades(rows.filter(leg.fill_null(False)), rows.filter((t == "conversion").fill_null(False))),
    ]
    return pl.concat(parts, how="vertical").sort("line")
