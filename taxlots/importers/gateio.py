"""Gate.io account book (Wallet -> Account Book / Bills -> Export): UTF-16 text, tab-separated.

Header ``no,time,action_desc,action_data,type,change_amount,amount,total`` (BittyTax's Gate.io parser). One
row is one balance change: ``type`` is the currency, ``change_amount`` the signed change, ``action_data``
ties the rows of one event (an order, a dust swap). The file is UTF-16 with a byte-order mark and tabs
between fields; reading that encoding is ingest's job, this module sees decoded text.

``time`` carries no zone and Gate.io documents none: it is read in the run's zone (``--tz``, UTC by default).

Mapping (wallet ``Gate.io``):

- ``Order Placed``, ``Order Filled`` and ``Trading Fees`` rows of one ``action_data`` make one trade: legs
  summed per currency; the negative non-fee currency is sent, the positive one received, the fee is the
  ``Trading Fees`` currency; the trade's time is its first fill (``Order Filled``), not the placement. A
  group that is not one currency out and one in, or has fees in two currencies, is an error naming its
  lines (so is an order whose rows fall in two exports, or one cancelled after a part fill: ``Order
  Cancelled`` is not a known description).
- ``Dust Swap-Small Balances Deducted`` and ``Dust Swap-GT Added`` of one ``action_data``: a trade when one
  coin became GT; several coins into one GT amount cannot be split without prices, so that is an error.
- ``Deposits`` -> deposit, ``Withdrawals`` -> withdrawal (the magnitude); ``Referral Superior Rebate``,
  ``Airdrop`` and ``HODL Interest`` -> income. A sign that contradicts the kind, and any other
  ``action_desc``, is an error.

The ``no`` column is not used as an id (it may only number the file's rows): rows are named ``FILE:LINE``
and deduplicated by content across files.
"""

from __future__ import annotations

import polars as pl

from taxlots.importers import _exprs as ex
from taxlots.importers._legs import lines_text
from taxlots.importers.base import Context
from taxlots.query import ENGINE

NAME = "gateio"
TITLE = "Gate.io account book (UTF-16, tab-separated)"
SIGNATURES = (("no", "time", "action_desc", "action_data", "type", "change_amount", "amount", "total"),)

WALLET = "Gate.io"
_ORDER = ("order placed", "order filled", "trading fees")
_DUST = ("dust swap-small balances deducted", "dust swap-gt added")
_SINGLES = {
    "deposits": "deposit",
    "withdrawals": "withdrawal",
    "referral superior rebate": "income",
    "airdrop": "income",
    "hodl interest": "income",
}
_KNOWN = (
    "Order Placed, Order Filled, Trading Fees, Dust Swap-Small Balances Deducted, Dust Swap-GT Added, Deposits, Withdrawals, "
    "Referral Superior Rebate, Airdrop, HODL Interest"
)
_KEYS = ["_group", "_key"]


def _parse(lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    change, change_err = ex.checked_number(pl.col("change_amount"), "change_amount")
    ts = ex.local_time(pl.col("time"), ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"], ctx.tz)
    desc = ex.blank_to_null(pl.col("action_desc")).str.to_lowercase().str.replace_all(r"\s+", " ")
    lf = lf.with_columns(
        _ts=ts, _desc=desc, _change=change, _asset=ex.asset_code(pl.col("type")), _key=ex.blank_to_null(pl.col("action_data"))
    )
    desc, change, shown = pl.col("_desc"), pl.col("_change"), pl.col("action_desc").str.strip_chars()
    group = pl.when(desc.is_in(_ORDER)).then(pl.lit("order")).when(desc.is_in(_DUST)).then(pl.lit("dust"))
    kind = desc.replace_strict(_SINGLES, default=None, return_dtype=pl.String)
    negative = ex.is_negative(change).fill_null(False)
    should_add = kind.is_in(["deposit", "income"]) | (desc == "dust swap-gt added")
    should_take = (kind == "withdrawal") | desc.is_in(["dust swap-small balances deducted", "trading fees"])
    errors = ex.join_errors(
        ex.timestamp_error(pl.col("time"), ts, "time", "a date and time like 2024-01-15 10:23:45"),
        change_err,
        pl.when(ex.blank_to_null(pl.col("change_amount")).is_null()).then(pl.lit("change_amount is blank")),
        pl.when(pl.col("_asset").is_null()).then(pl.lit("type (the currency) is blank")),
        pl.when(desc.is_null())
        .then(pl.lit(f"action_desc is blank; expected one of {_KNOWN}"))
        .when(group.is_null() & kind.is_null())
        .then(pl.format(f"unknown action_desc '{{}}'; taxlots knows: {_KNOWN}", shown)),
        pl.when(group.is_not_null() & pl.col("_key").is_null()).then(pl.lit("action_data is blank, so the trade's rows cannot be joined")),
        pl.when(should_add & negative).then(pl.format("a '{}' row should add to the balance, but change_amount is {}", shown, change)),
        pl.when(should_take & ~negative & ~ex.is_zero(change)).then(
            pl.format("a '{}' row should reduce the balance, but change_amount is {}", shown, change)
        ),
    )
    return lf.with_columns(_group=group, _kind=kind, _error=errors)


def _trades(legs: pl.LazyFrame) -> pl.LazyFrame:
    fee_leg = pl.col("_desc") == "trading fees"
    role = pl.when(fee_leg).then(pl.lit("fee")).when(ex.is_negative(pl.col("_change"))).then(pl.lit("sent")).otherwise(pl.lit("received"))
    per = (
        legs.with_columns(_role=role)
        .group_by([*_KEYS, "_role", "_asset"])
        .agg(_qty=ex.as_decimal(ex.unsigned(pl.col("_change"))).sum(), _ts=pl.col("_ts").min(), line=pl.col("line").min())
    )
    # Sides are masked before grouping so the aggregations stay simple (a filter inside an aggregation runs
    # group by group, which is slow on large files); a side with one currency has that currency as its max.
    side = {r: pl.col("_role") == r for r in ("sent", "received", "fee")}
    per = per.with_columns(
        **{f"_is_{r}": is_r for r, is_r in side.items()},
        **{f"_m_{r}": pl.when(is_r).then(pl.col("_asset")) for r, is_r in side.items()},
        **{f"_m_{r}_qty": pl.when(is_r).then(pl.col("_qty")) for r, is_r in side.items()},
        _fill_ts=pl.when(side["received"]).then(pl.col("_ts")),
    )
    groups = per.group_by(_KEYS).agg(
        line=pl.col("line").min(),
        # the fill, not the order's placement (funds are taken when an order is placed, which may be days earlier)
        _ts=pl.coalesce(pl.col("_fill_ts").min(), pl.col("_ts").min()),
        **{f"_n_{r}": pl.col(f"_is_{r}").sum() for r in side},
        **{f"_{r}": pl.col(f"_m_{r}").max() for r in side},
        **{f"_{r}_qty": pl.col(f"_m_{r}_qty").max() for r in side},
    )
    # The lines are named only for the groups with a problem (few), not for every trade.
    ok = (pl.col("_n_sent") == 1) & (pl.col("_n_received") == 1) & (pl.col("_n_fee") <= 1)
    problem_keys = groups.filter(~ok).select(_KEYS)
    lines = legs.join(problem_keys, on=_KEYS, how="semi").group_by(_KEYS).agg(_lines=lines_text(pl.col("line")))
    groups = groups.join(lines, on=_KEYS, how="left")
    one_each = (pl.col("_n_sent") == 1) & (pl.col("_n_received") == 1)
    what = pl.when(pl.col("_group") == "dust").then(pl.lit("dust swap")).otherwise(pl.lit("order"))
    where = pl.format("{} {} ({})", what, pl.col("_key"), pl.col("_lines"))
    error = (
        pl.when(~one_each & (pl.col("_group") == "dust") & (pl.col("_n_sent") > 1))
        .then(pl.format("{} turns several coins into one GT amount; splitting it needs prices the export lacks", where))
        .when(~one_each)
        .then(pl.format("{} does not move one currency out and one in (out: {}, in: {})", where, pl.col("_n_sent"), pl.col("_n_received")))
        .when(pl.col("_n_fee") > 1)
        .then(pl.format("{} has fees in two currencies; one row holds one fee", where))
    )
    has_fee = (pl.col("_n_fee") == 1) & (pl.col("_fee_qty") != 0)
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
            fee_asset=pl.when(has_fee).then(pl.col("_fee")),
            fee_qty=pl.when(has_fee).then(ex.plain_decimal(pl.col("_fee_qty"))),
            note=what,
            error=error,
        )
    )


def normalize(lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """Gate.io account book rows -> trades (legs joined by action_data), deposits, withdrawals, income."""
    rows = _parse(lf, ctx).collect(engine=ENGINE).lazy()  # read once: the branches below would each re-run the parse
    grouped = pl.col("_group").is_not_null() & pl.col("_key").is_not_null()
    legs = rows.filter(grouped)
    # Messages name the lines of the few groups with a bad leg; the other groups are combined into trades.
    bad_keys = legs.filter(pl.col("_error").is_not_null()).select(_KEYS).unique()
    bad_groups = legs.join(bad_keys, on=_KEYS, how="semi").group_by(_KEYS).agg(_n=pl.len(), _all=lines_text(pl.col("line")))
    kind, asset, qty = pl.col("_kind"), pl.col("_asset"), ex.unsigned(pl.col("_change"))
    inbound = kind.is_in(["deposit", "income"])
    singles = rows.filter(~grouped).select(
        ex.unified(
            timestamp=pl.col("_ts"),
            wallet=pl.lit(WALLET),
            type=kind,
            sent_asset=pl.when(kind == "withdrawal").then(asset),
            sent_qty=pl.when(kind == "withdrawal").then(qty),
            received_asset=pl.when(inbound).then(asset),
            received_qty=pl.when(inbound).then(qty),
            note=ex.note(pl.col("action_desc")),
            error=pl.col("_error"),
        )
    )
    left_out = pl.when(pl.col("_n") > 1).then(pl.format(" (so its trade, {}, was left out)", pl.col("_all"))).otherwise(pl.lit(""))
    bad = (
        legs.filter(pl.col("_error").is_not_null())
        .join(bad_groups, on=_KEYS, how="left")
        .select(ex.unified(timestamp=pl.col("_ts"), wallet=pl.lit(WALLET), type=pl.lit("trade"), error=pl.col("_error") + left_out))
    )
    return pl.concat([singles, bad, _trades(legs.join(bad_keys, on=_KEYS, how="anti"))]).sort("line")
