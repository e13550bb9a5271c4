"""Strike's older statements (2022 to mid 2024): ``Amount 1``/``Currency 1``, ``Amount 2``/``Currency 2``.

Headers (as public parsers register them; the exact one depends on the download):

- annual: ``Transaction ID,Initiated Time (UTC),Completed Time (UTC),Transaction Type,State,Amount 1,
  Currency 1,Amount 2,Currency 2,BTC Price,Balance 1,Currency 1,Balance - BTC,Destination,Description``
  (times ``Jan 01 2022 00:41:59``);
- monthly: ``Transaction ID,Initiated Date (UTC),Initiated Time (UTC),Completed Date (UTC),Completed Time
  (UTC),Transaction Type,State,Amount 1,Currency 1,Fee 1,Amount 2,Currency 2,Fee 2,BTC Price,Balance 1,
  Currency 1,Balance - BTC,Destination,Description[,Note]`` (dates ``Jun 28 2024`` and times ``00:00:01`` in
  separate columns; the earliest monthly files name the completed date column ``Completed Time (UTC)``
  twice, so the first of the two is read as the date).

Amounts are signed from the account's side (a trade reads ``-1.00 USD`` and ``0.00002144 BTC``; a deposit
``10.00 USD``), so the sign gives the direction: a negative side was sent, a positive one received.
``Fee 1``/``Fee 2`` are in ``Currency 1``/``Currency 2`` and come on top (UNCONFIRMED: no sample with a fee
was found). Only ``State`` ``Completed`` rows moved value (a deposit appears first as ``Pending``, and
``Reversed`` ones are undone): the others are skipped. The time is the completion time. A deposit or
withdrawal with two sides of one sign, one of them USD, is read as the other asset moving (the USD amount
its value; a converter reads withdrawals from ``Amount 2``).

Mapping (wallet "Strike"; id ``strike:<Transaction ID>``): ``Trade`` -> a trade (one side negative, one
positive); ``Deposit`` -> a deposit (one positive side); ``Withdrawal``, ``Lightning``, ``Send`` -> a
withdrawal (one negative side; ``Destination`` -> ``address``); ``Receive`` -> a deposit. Signs that do not
fit the type, and other types, are errors.
"""

from __future__ import annotations

import polars as pl

from taxlots.importers import _exprs as ex
from taxlots.importers.base import Context

NAME = "strike-monthly"
TITLE = "Strike statement CSV (2022-2024 layout with Amount 1/Amount 2)"
WALLET = "Strike"
SIGNATURES = (("transaction id", "transaction type", "state", "amount 1", "currency 1", "amount 2", "currency 2", "balance - btc"),)
_TYPES = {"trade": "trade", "deposit": "deposit", "receive": "deposit", "withdrawal": "withdrawal", "lightning": "withdrawal"}
_TYPES |= {"send": "withdrawal"}
_KNOWN = "Trade, Deposit, Receive, Withdrawal, Lightning, Send"


def _completed(ctx: Context) -> pl.Expr:
    """The completion time as one string (date and time joined when they sit in two columns)."""
    h = ctx.header
    if "completed date (utc)" in h:
        return pl.concat_str([pl.col("completed date (utc)"), pl.col("completed time (utc)")], separator=" ")
    second = next((c for c in h if c.startswith("completed time (utc)_")), None)
    if second is not None:  # the first "Completed Time (UTC)" holds the date
        return pl.concat_str([pl.col("completed time (utc)"), pl.col(second)], separator=" ")
    return pl.col("completed time (utc)")


def _timestamp(ctx: Context) -> tuple[pl.Expr, pl.Expr]:
    raw = _completed(ctx)
    s = ex.blank_to_null(raw)
    ts = s.str.to_datetime("%b %d %Y %H:%M:%S", strict=False, time_zone="UTC")
    return ts, ex.timestamp_error(raw.fill_null(""), ts, "the completed time", "a date like 'Jun 28 2024 00:00:01'")


def _side(ctx: Context, n: int) -> dict[str, pl.Expr]:
    """Side ``n``'s asset, magnitude, sign, fee and errors, as ``_a{n}``, ``_q{n}``, ``_neg{n}``, ``_f{n}``, ``_e{n}``."""
    value, error = ex.checked_number(pl.col(f"amount {n}"), f"Amount {n}", money=True)
    fee, fee_err = ex.checked_number(ex.column(ctx, f"fee {n}"), f"Fee {n}", money=True)
    magnitude = ex.nonzero(ex.expand_exponent(ex.unsigned(value)))
    negative = ex.is_negative(value).fill_null(False)
    asset = ex.asset_code(pl.col(f"currency {n}"))  # the first "Currency 1"; the second one names Balance 1
    return {
        f"_a{n}": asset,
        f"_q{n}": magnitude,
        f"_neg{n}": negative,
        f"_f{n}": ex.nonzero(ex.unsigned(fee)),
        f"_e{n}": ex.join_errors(error, fee_err),
    }


def _sides() -> dict[str, pl.Expr]:
    """Which side was sent and which received, from the signs: ``_out`` and ``_in`` are 1, 2 or null."""
    present1, present2 = pl.col("_q1").is_not_null(), pl.col("_q2").is_not_null()
    out1, out2 = present1 & pl.col("_neg1"), present2 & pl.col("_neg2")
    in1, in2 = present1 & ~pl.col("_neg1"), present2 & ~pl.col("_neg2")
    usd1, usd2 = (pl.col("_a1") == "USD").fill_null(False), (pl.col("_a2") == "USD").fill_null(False)

    def one(first: pl.Expr, second: pl.Expr) -> pl.Expr:
        # one side of that sign, or two where one is USD: then the other is the asset (the USD its value)
        both = first & second
        return (
            pl.when(first & ~second)
            .then(1)
            .when(second & ~first)
            .then(2)
            .when(both & usd1 & ~usd2)
            .then(2)
            .when(both & usd2 & ~usd1)
            .then(1)
        )

    return {
        "_out": one(out1, out2),
        "_in": one(in1, in2),
        "_n_out": out1.cast(pl.Int32) + out2.cast(pl.Int32),
        "_n_in": in1.cast(pl.Int32) + in2.cast(pl.Int32),
    }


def _pick(which: str, column: str) -> pl.Expr:
    """Column ``column`` (``_a``, ``_q``, ``_f``) of the side ``which`` (``_out`` or ``_in``) points at."""
    return pl.when(pl.col(which) == 1).then(pl.col(f"{column}1")).when(pl.col(which) == 2).then(pl.col(f"{column}2"))


def normalize(lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """Strike statement rows of the Amount 1/Amount 2 layout -> unified rows (one per completed row)."""
    ts, ts_err = _timestamp(ctx)
    raw_type = ex.blank_to_null(pl.col("transaction type"))
    lf = lf.with_columns(
        **_side(ctx, 1), **_side(ctx, 2), _ts=ts, _ts_err=ts_err, _k=raw_type.str.to_lowercase().replace_strict(_TYPES, default="unknown")
    ).with_columns(**_sides())
    k, n_out, n_in = pl.col("_k"), pl.col("_n_out"), pl.col("_n_in")
    shown = pl.col("transaction type").str.strip_chars()
    has_in, has_out = pl.col("_in").is_not_null(), pl.col("_out").is_not_null()
    fits = pl.when(k == "trade").then((n_out == 1) & (n_in == 1)).when(k == "deposit").then(has_in & (n_out == 0))
    fits = fits.when(k == "withdrawal").then(has_out & (n_in == 0))
    error = ex.join_errors(
        pl.col("_e1"),
        pl.col("_e2"),
        pl.col("_ts_err"),
        pl.when(raw_type.is_null())
        .then(pl.lit("Transaction Type is blank"))
        .when(k == "unknown")
        .then(pl.format(f"unknown Transaction Type '{{}}'; taxlots knows: {_KNOWN}", shown))
        .when(~fits.fill_null(False))
        .then(pl.format("the signs of Amount 1 and Amount 2 do not fit a {} (a sent side is negative, a received one positive)", shown)),
    )
    state = ex.blank_to_null(pl.col("state"))
    skip = pl.when(state.str.to_lowercase() != "completed").then(pl.format("state '{}' (only Completed rows moved value)", state))
    completed = (state.str.to_lowercase() == "completed").fill_null(False)
    error = ex.join_errors(pl.when(state.is_null()).then(pl.lit("State is blank")), error)
    lf = lf.with_columns(_skip=skip, _err=pl.when(completed | state.is_null()).then(error))
    sent, received = k.is_in(["trade", "withdrawal"]), k.is_in(["trade", "deposit"])
    fee = pl.coalesce(_pick("_out", "_f"), _pick("_in", "_f"))
    fee_asset = (
        pl.when(_pick("_out", "_f").is_not_null()).then(_pick("_out", "_a")).when(_pick("_in", "_f").is_not_null()).then(_pick("_in", "_a"))
    )
    return lf.select(
        ex.unified(
            timestamp=pl.col("_ts"),
            wallet=pl.lit(WALLET),
            type=pl.when(k != "unknown").then(k),
            sent_asset=pl.when(sent).then(_pick("_out", "_a")),
            sent_qty=pl.when(sent).then(_pick("_out", "_q")),
            received_asset=pl.when(received).then(_pick("_in", "_a")),
            received_qty=pl.when(received).then(_pick("_in", "_q")),
            fee_asset=fee_asset,
            fee_qty=pl.when(fee_asset.is_not_null()).then(fee),
            id=pl.lit("strike:") + ex.blank_to_null(pl.col("transaction id")),
            note=ex.note(pl.col("transaction type"), pl.col("description"), ex.column(ctx, "note")),
            address=pl.when(k == "withdrawal").then(ex.blank_to_null(pl.col("destination"))),
            error=pl.col("_err"),
            skip=pl.when(pl.col("_err").is_null()).then(pl.col("_skip")),
        )
    )
