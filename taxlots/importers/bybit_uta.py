"""Bybit Unified Trading Account transaction log (Assets -> Unified Trading -> Transaction Log / Data Export).

Header ``Uid,Currency,Contract,Type,Direction,Quantity,Position,Filled Price,Funding,Fee Paid,Cash Flow,Change,
Wallet Balance,Action,Time(UTC)`` after a ``UID: ...`` preamble line (everytrade's tests hold a real export);
other exports leave out ``Uid``, add ``OrderId,TradeId`` or write ``Time``. Bybit's API documents the same
fields (``GET /v5/account/transaction-log``: ``cashFlow``, ``fee``, ``change``). One row is one balance change
of one coin; the times are UTC.

Mapping (wallet ``Bybit``):

- A spot trade is two ``TRADE`` rows with one ``Time``, ``Contract`` and ``Direction``: one per coin of the
  pair. Rows of one second, contract and direction are summed per coin (several fills); the coin whose
  ``Cash Flow`` is negative is sent, the positive one received, both gross. ``Fee Paid`` is in the row's
  coin and negative when charged (the real export: ``Change`` = ``Cash Flow`` + ``Fee Paid``, the fee on
  the received coin). A group that is not one coin out and one in, or whose coins do not spell the
  ``Contract`` (base then quote), is an error: a derivatives trade books one settlement-coin row.
- ``TRANSFER_IN``/``TRANSFER_OUT`` (moves from and to the funding account): skipped.
- Derivatives (``SETTLEMENT``, ``DELIVERY``, ``LIQUIDATION``, ``TRADE`` rows with ``Action`` ``OPEN``/``CLOSE``)
  and any other type are errors: taxlots does not read derivatives.

The log has no ids: rows are named ``FILE:LINE`` and deduplicated by content across files. It lists the
same spot trades as the spot trade history (:mod:`taxlots.importers.bybit_spot`), which is authoritative for
them: these trades carry ``event_class`` ``bybit-spot-trade:<Contract>``, and those within the span a spot
history covers for that pair are counted skips when both are loaded.
"""

from __future__ import annotations

import polars as pl

from taxlots.importers import _exprs as ex
from taxlots.importers._legs import lines_text
from taxlots.importers.base import Context
from taxlots.importers.bybit_spot import SPOT_TRADE
from taxlots.query import ENGINE

NAME = "bybit-uta"
TITLE = "Bybit Unified Trading Account transaction log CSV"
SIGNATURES = (
    (
        "currency", "contract", "type", "direction", "quantity", "position", "filled price", "funding", "fee paid", "cash flow",
        "change", "wallet balance", "action",
    ),
)  # fmt: skip

WALLET = "Bybit"
_DERIVATIVES = ("settlement", "delivery", "liquidation")
_KEYS = ["_k_time", "_contract", "_dir"]


def _time_column(ctx: Context) -> str:
    return "time(utc)" if "time(utc)" in ctx.header else "time"


def _parse(lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    time_col = _time_column(ctx)
    raw_time = ex.column(ctx, time_col)
    cash, cash_err = ex.checked_number(pl.col("cash flow"), "Cash Flow")
    fee, fee_err = ex.checked_number(pl.col("fee paid"), "Fee Paid")
    ts = ex.local_time(raw_time, ["%Y-%m-%d %H:%M:%S%.f"], "UTC")
    lf = lf.with_columns(
        _ts=ts,
        _k_time=ex.blank_to_null(raw_time).str.replace(r"\.\d+$", ""),
        _typ=ex.blank_to_null(pl.col("type")).str.to_lowercase(),
        _contract=ex.blank_to_null(pl.col("contract")).str.to_uppercase(),
        _dir=ex.blank_to_null(pl.col("direction")).str.to_lowercase(),
        _action=ex.blank_to_null(pl.col("action")).str.to_lowercase(),
        _asset=ex.asset_code(pl.col("currency")),
        _cash=cash,
        _fee=fee,
    )
    typ, shown = pl.col("_typ"), pl.col("type").str.strip_chars()
    derivative = typ.is_in(_DERIVATIVES) | ((typ == "trade") & pl.col("_action").is_in(["open", "close"]))
    known = typ.is_in(["trade", "transfer_in", "transfer_out"])
    errors = ex.join_errors(
        ex.timestamp_error(raw_time, ts, time_col.capitalize().replace("(utc)", "(UTC)"), "a date and time like 2024-06-05 08:22:50"),
        cash_err,
        fee_err,
        pl.when(derivative.fill_null(False))
        .then(
            pl.format(
                "'{}' row of contract '{}' is a derivatives event; taxlots reads spot trades only", shown, pl.col("contract").fill_null("")
            )
        )
        .when(typ.is_null())
        .then(pl.lit("Type is blank"))
        .when(~known)
        .then(pl.format("unknown Type '{}'; taxlots knows TRADE (spot), TRANSFER_IN and TRANSFER_OUT", shown)),
        pl.when((typ == "trade") & pl.col("_asset").is_null()).then(pl.lit("Currency is blank")),
        pl.when((typ == "trade") & pl.col("_contract").is_null()).then(pl.lit("Contract is blank")),
        pl.when((typ == "trade") & ex.blank_to_null(pl.col("cash flow")).is_null()).then(pl.lit("Cash Flow is blank")),
        pl.when((typ == "trade") & ~pl.col("_dir").is_in(["buy", "sell"]).fill_null(False)).then(
            pl.format("Direction '{}' of a TRADE row; expected BUY or SELL", pl.col("direction").fill_null(""))
        ),
        pl.when(ex.is_negative(fee).not_() & ~ex.is_zero(fee)).then(
            pl.format("Fee Paid '{}' is positive: a rebate, which taxlots does not read yet", fee)
        ),
    )
    return lf.with_columns(_error=errors)


def _trades(legs: pl.LazyFrame) -> pl.LazyFrame:
    """One unified row per (second, contract, direction) group of good TRADE legs, or an error for the group."""
    per_coin = legs.group_by([*_KEYS, "_asset"]).agg(
        _cash=ex.as_decimal(pl.col("_cash")).sum(),
        _fee=ex.as_decimal(pl.col("_fee").fill_null("0")).sum(),
        _ts=pl.col("_ts").min(),
        line=pl.col("line").min(),
    )
    # Each side is masked before grouping, so the aggregations below stay simple (a filter inside an aggregation
    # is evaluated group by group, which is slow on a large file); a side with one coin has that coin as its max.
    out, into, paid = pl.col("_cash") < 0, pl.col("_cash") > 0, pl.col("_fee") != 0
    per_coin = per_coin.with_columns(
        _out=out,
        _in=into,
        _paid=paid,
        _s=pl.when(out).then(pl.col("_asset")),
        _sq=pl.when(out).then(-pl.col("_cash")),
        _r=pl.when(into).then(pl.col("_asset")),
        _rq=pl.when(into).then(pl.col("_cash")),
        _fa=pl.when(paid).then(pl.col("_asset")),
        _fq=pl.when(paid).then(-pl.col("_fee")),
    )
    groups = per_coin.group_by(_KEYS).agg(
        line=pl.col("line").min(),
        _ts=pl.col("_ts").min(),
        _n_out=pl.col("_out").sum(),
        _n_in=pl.col("_in").sum(),
        _n_coins=pl.len(),
        _sent=pl.col("_s").max(),
        _sent_qty=pl.col("_sq").max(),
        _received=pl.col("_r").max(),
        _received_qty=pl.col("_rq").max(),
        _fee_asset=pl.col("_fa").max(),
        _fee_qty=pl.col("_fq").max(),
        _n_fees=pl.col("_paid").sum(),
    )
    buy = pl.col("_dir") == "buy"
    spelled = pl.when(buy).then(pl.col("_received") + pl.col("_sent")).otherwise(pl.col("_sent") + pl.col("_received"))
    pair = (pl.col("_n_out") == 1) & (pl.col("_n_in") == 1) & (pl.col("_n_coins") == 2)
    problem = (
        pl.when(~pair)
        .then(pl.lit("do not move one coin out and one coin in; a derivatives trade is not read"))
        .when(spelled != pl.col("_contract"))
        .then(pl.format("move {} and {}, which do not make the contract", pl.col("_sent"), pl.col("_received")))
        .when(pl.col("_n_fees") > 1)
        .then(pl.lit("carry fees in two coins; one row holds one fee"))
    )
    groups = groups.with_columns(_problem=problem).cache()
    # The lines are named only for the groups with a problem (few), not joined onto every trade.
    lines = legs.join(groups.filter(pl.col("_problem").is_not_null()).select(_KEYS), on=_KEYS, how="semi")
    lines = lines.group_by(_KEYS).agg(_lines=lines_text(pl.col("line")))
    groups = groups.join(lines, on=_KEYS, how="left")
    where = pl.format(
        "TRADE rows of {} {} at {} ({})", pl.col("_contract"), pl.col("_dir").str.to_uppercase(), pl.col("_k_time"), pl.col("_lines")
    )
    return groups.select(
        ex.unified(
            line=pl.col("line"),
            timestamp=pl.col("_ts"),
            wallet=pl.lit(WALLET),
            type=pl.lit("trade"),
            sent_asset=pl.col("_sent"),
            sent_qty=ex.plain_decimal(pl.col("_sent_qty")),
            received_asset=pl.col("_received"),
            received_qty=ex.plain_decimal(pl.col("_received_qty")),
            fee_asset=pl.when(pl.col("_n_fees") == 1).then(pl.col("_fee_asset")),
            fee_qty=pl.when(pl.col("_n_fees") == 1).then(ex.plain_decimal(pl.col("_fee_qty"))),
            note=pl.format("spot {}", pl.col("_contract")),
            event_class=pl.format(f"{SPOT_TRADE}:{{}}", pl.col("_contract")),
            error=pl.when(pl.col("_problem").is_not_null()).then(pl.format("{} {}", where, pl.col("_problem"))),
        )
    )


def normalize(lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """Bybit UTA log rows -> spot trades (legs combined), skipped transfers, errors for the rest."""
    rows = _parse(lf, ctx).collect(engine=ENGINE).lazy()  # read once: the branches below would each re-run the parse
    is_trade = (pl.col("_typ") == "trade").fill_null(False) & pl.col("_contract").is_not_null()
    # Group keys without nulls, so joins on them match as a window would.
    legs = rows.filter(is_trade).with_columns(pl.col("_k_time").fill_null(""), pl.col("_dir").fill_null(""))
    bad_keys = legs.filter(pl.col("_error").is_not_null()).select(_KEYS).unique()
    bad_groups = legs.join(bad_keys, on=_KEYS, how="semi").group_by(_KEYS).agg(_group_lines=lines_text(pl.col("line")), _group_n=pl.len())
    left_out = pl.when(pl.col("_group_n") > 1).then(pl.format(" (so its trade, {}, was left out)", pl.col("_group_lines")))
    common = {"timestamp": pl.col("_ts"), "wallet": pl.lit(WALLET), "note": ex.note(pl.col("type"), pl.col("contract"))}
    others = rows.filter(~is_trade).select(
        ex.unified(
            **common,
            error=pl.col("_error"),
            skip=pl.when(pl.col("_error").is_null()).then(pl.lit("move between Bybit accounts")),
        )
    )
    bad = (
        legs.filter(pl.col("_error").is_not_null())
        .join(bad_groups, on=_KEYS, how="left")
        .select(ex.unified(**common, type=pl.lit("trade"), error=pl.col("_error") + left_out.otherwise(pl.lit(""))))
    )
    return pl.concat([others, bad, _trades(legs.join(bad_keys, on=_KEYS, how="anti"))]).sort("line")
