"""OKX trading account history (Assets -> Order center / Bills -> Trading account -> Download).

Header ``id,Order id,Time,Trade Type,Instrument,Type,Amount,Unit,PL,Fee,Position Change,Position Balance,
Balance Change,Balance,Unit`` (the first cell may carry a BOM; ``Unit`` appears twice: the second names
the balance's unit). Confirmed from BittyTax's OKX parser (``parse_okx_trades_v2``); OKX documents no CSV
layout, so the sign and zone rules below are the API's (``GET /api/v5/trade/fills``) and BittyTax's.

One row is one balance change of one asset; a spot trade is two rows: ``Type`` ``Buy`` for the asset
received and ``Sell`` for the asset given, sharing ``id`` (some exports give the two legs different ids:
they are then paired by ``Order id``, as BittyTax does). Mapping (wallet ``OKX``):

- ``Trade Type`` ``Spot``: the Buy and Sell legs of one ``id`` (else of one ``Order id``) make one trade.
  A leg without exactly one partner (a Buy and a Sell) is an error naming its lines, never a guess.
- Quantities: ``Amount`` is gross; its sign is ignored, ``Type`` gives the direction. ``Fee`` is in the
  leg's ``Unit`` (the received asset for spot: OKX charges the fee in what you receive) and is negative
  when charged (OKX API, ``fee``: "negative number represents the user transaction fee charged by the
  platform; positive number represents rebate"). A positive fee, a maker rebate, is an error: taxlots
  does not model rebates yet. A fee on both legs is an error too (one row holds one fee).
- ``Transfer`` (moves between the trading and funding accounts): skipped with the reason.
- Any other trade type (margin, futures, perpetual swaps, options) is an error: derivatives are not read.

``Time`` is read as ISO 8601; a time without an offset is UTC (as BittyTax reads it). ``id`` is
``okx:<id>`` (or ``okx:order:<Order id>`` for legs paired by order).
"""

from __future__ import annotations

import polars as pl

from taxlots.importers import _exprs as ex
from taxlots.importers._legs import lines_text
from taxlots.importers.base import Context
from taxlots.query import ENGINE

NAME = "okx-trades"
TITLE = "OKX trading account history CSV"
SIGNATURES = (
    (
        "order id", "time", "trade type", "instrument", "type", "amount", "unit", "pl", "fee", "position change",
        "position balance", "balance change", "balance",
    ),
)  # fmt: skip

WALLET = "OKX"
_ID = ("id",)


def _id_column(ctx: Context) -> pl.Expr:
    """The first column, named ``id`` in OKX's files (its header cell may hold a BOM or be blank)."""
    return ex.blank_to_null(pl.col(ctx.header[0])) if ctx.header[0] in _ID else pl.lit(None, pl.String)


def _parse(lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    amount, amount_err = ex.checked_number(pl.col("amount"), "Amount")
    fee, fee_err = ex.checked_number(pl.col("fee"), "Fee")
    ts = ex.iso_utc(pl.col("time"))
    lf = lf.with_columns(
        _id=_id_column(ctx),
        _order=ex.blank_to_null(pl.col("order id")),
        _ts=ts,
        _tt=ex.blank_to_null(pl.col("trade type")).str.to_lowercase(),
        _side=ex.blank_to_null(pl.col("type")).str.to_lowercase(),
        _qty=ex.unsigned(amount),
        _unit=ex.asset_code(pl.col("unit")),
        _fee=fee,
        _parse_err=ex.join_errors(
            ex.timestamp_error(pl.col("time"), ts, "Time", "a date and time like 2024-01-15 10:23:45"), amount_err, fee_err
        ),
    )
    side, tt, fee = pl.col("_side"), pl.col("_tt"), pl.col("_fee")
    rebate = fee.is_not_null() & ~ex.is_negative(fee) & ~ex.is_zero(fee)
    spot_err = ex.join_errors(
        pl.col("_parse_err"),
        pl.when(~side.is_in(["buy", "sell"]).fill_null(False)).then(
            pl.format("unknown Type '{}' for a Spot row; expected Buy or Sell", pl.col("type").str.strip_chars().fill_null(""))
        ),
        pl.when(ex.blank_to_null(pl.col("amount")).is_null()).then(pl.lit("Amount is blank")),
        pl.when(pl.col("_unit").is_null()).then(pl.lit("Unit is blank")),
        pl.when(rebate).then(pl.format("Fee '{}' is positive: a maker rebate, which taxlots does not read yet", fee)),
    )
    other_err = (
        pl.when(tt.is_null())
        .then(pl.lit("Trade Type is blank"))
        .otherwise(
            pl.format(
                "Trade Type '{}' is not supported (taxlots reads Spot trades; Transfer rows are skipped)",
                pl.col("trade type").str.strip_chars(),
            )
        )
    )
    return lf.with_columns(
        _fee=pl.when(fee.is_not_null() & ~ex.is_zero(fee)).then(ex.unsigned(fee)),
        _error=pl.when(tt == "spot").then(spot_err).when(tt != "transfer").then(other_err),
    )


def _pair_key(lf: pl.LazyFrame) -> pl.LazyFrame:
    """``_key``: ``<id>`` when the row's id has exactly one Buy and one Sell leg, else ``order:<Order id>`` when its order does."""

    def pairs(by: str) -> pl.Expr:
        buys = (pl.col("_side") == "buy").sum().over(by)
        return (pl.len().over(by) == 2) & (buys == 1) & pl.col(by).is_not_null()

    key = pl.when(pairs("_id")).then(pl.col("_id")).when(pairs("_order")).then(pl.lit("order:") + pl.col("_order"))
    return lf.with_columns(_key=key)


def normalize(lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """OKX trading account rows -> one trade per Buy/Sell pair, skipped transfers, and errors."""
    rows = _parse(lf, ctx).collect(engine=ENGINE).lazy()  # read once: the branches below would each re-run the parse
    spot = pl.col("_tt") == "spot"
    # Pair every spot leg, bad ones too: a bad leg then names its partner, which is left out with it. Messages
    # are built for the few bad pairs only (a window naming lines on every row is costly on large files).
    legs = _pair_key(rows.filter(spot)).cache()
    bad_keys = legs.filter(pl.col("_error").is_not_null() & pl.col("_key").is_not_null()).select("_key").unique()
    bad_pairs = legs.join(bad_keys, on="_key", how="semi").group_by("_key").agg(_pair_lines=lines_text(pl.col("line")))
    left_out = pl.format(" (so its trade, {}, was left out)", pl.col("_pair_lines")).fill_null("")
    common = {"timestamp": pl.col("_ts"), "wallet": pl.lit(WALLET), "note": ex.note(pl.col("trade type"), pl.col("instrument"))}
    others = rows.filter(~spot.fill_null(False)).select(
        ex.unified(
            **common,
            error=pl.col("_error"),
            skip=pl.when(pl.col("_error").is_null()).then(pl.lit("transfer between OKX accounts")),
        )
    )
    bad = (
        legs.filter(pl.col("_error").is_not_null())
        .join(bad_pairs, on="_key", how="left")
        .select(ex.unified(**common, type=pl.lit("trade"), error=pl.col("_error") + left_out))
    )
    orphans = legs.filter(pl.col("_key").is_null() & pl.col("_error").is_null())
    orphans = orphans.with_columns(_lines=lines_text(pl.col("line")).over("_id", "_order"))
    unpaired = orphans.select(
        ex.unified(
            **common,
            type=pl.lit("trade"),
            error=pl.format(
                "Spot {} leg ({}) has no single partner leg by id or Order id (legs of this id/order: {}); expected one Buy and one Sell",
                pl.col("type").str.strip_chars(),
                pl.col("_unit"),
                pl.col("_lines"),
            ),
        )
    )
    good = legs.filter(pl.col("_key").is_not_null()).join(bad_keys, on="_key", how="anti")
    return pl.concat([others, bad, _trades(good), unpaired]).sort("line")


def _trades(legs: pl.LazyFrame) -> pl.LazyFrame:
    """One trade per pair (exactly one Buy and one Sell leg). Each side is masked before grouping, so the
    aggregations stay simple (a filter inside an aggregation runs group by group, slow on large files)."""
    buy, sell = pl.col("_side") == "buy", pl.col("_side") == "sell"
    fees = pl.col("_fee").is_not_null()
    masked = legs.with_columns(
        _r=pl.when(buy).then(pl.col("_unit")),
        _rq=pl.when(buy).then(pl.col("_qty")),
        _s=pl.when(sell).then(pl.col("_unit")),
        _sq=pl.when(sell).then(pl.col("_qty")),
        _fa=pl.when(fees).then(pl.col("_unit")),
        _has_fee=fees,
    )
    trades = masked.group_by("_key").agg(
        line=pl.col("line").min(),
        _last=pl.col("line").max(),
        _ts=pl.col("_ts").min(),
        _instrument=pl.col("instrument").min(),
        _received=pl.col("_r").max(),
        _received_qty=pl.col("_rq").max(),
        _sent=pl.col("_s").max(),
        _sent_qty=pl.col("_sq").max(),
        _fee_asset=pl.col("_fa").max(),
        _fee_qty=pl.col("_fee").max(),
        _fees=pl.col("_has_fee").sum(),
    )
    trades = trades.with_columns(_lines=pl.format("lines {}, {}", pl.col("line"), pl.col("_last")))
    two_fees = pl.col("_fees") > 1
    return trades.select(
        ex.unified(
            line=pl.col("line"),
            timestamp=pl.col("_ts"),
            wallet=pl.lit(WALLET),
            type=pl.lit("trade"),
            sent_asset=pl.col("_sent"),
            sent_qty=pl.col("_sent_qty"),
            received_asset=pl.col("_received"),
            received_qty=pl.col("_received_qty"),
            fee_asset=pl.when(~two_fees).then(pl.col("_fee_asset")),
            fee_qty=pl.when(~two_fees).then(pl.col("_fee_qty")),
            id=pl.lit("okx:") + pl.col("_key"),
            note=ex.note(pl.lit("Spot"), pl.col("_instrument")),
            error=pl.when(two_fees).then(pl.format("both legs of the trade ({}) carry a fee; one row holds one fee", pl.col("_lines"))),
        )
    )
