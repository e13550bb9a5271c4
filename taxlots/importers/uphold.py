"""Uphold transaction history CSV (Activity -> Export).

``Date,Destination,Destination Amount,Destination Currency,Fee Amount,Fee Currency,Id,Origin,Origin Amount,
Origin Currency,Status,Type`` (the header BittyTax's uphold parser registers as its v2, and the one other
public parsers' fixtures show). ``Date`` is JavaScript's ``Date.toString()`` form,
``Mon Sep 01 2025 19:27:17 GMT+0000`` (a trailing ``(zone name)`` is tolerated; the offset is applied);
ISO 8601 is accepted too. ``Origin``/``Destination`` name where value came from or went to: ``uphold`` (an
Uphold card), a network (``bitcoin``, ``ethereum``, ``xrp-ledger``), ``bank``, ``credit-card``,
``alternative-payment-method`` and so on.

Amounts and fees (Uphold's API, "Transactions": ``origin.amount`` is what was debited, fee included when
the fee targets the origin; ``destination.amount`` is what was credited, net of a fee that targets the
destination). So ``Origin Amount`` and ``Destination Amount`` are the real flows and ``Fee Amount`` is
already inside one of them. taxlots writes a fee on top of the sent amount, so a fee in the origin
currency is taken out of the sent side (``sent = Origin Amount - Fee``) and one in the destination
currency is added to the received side (``received = Destination Amount + Fee``), keeping the wallet's
net movement exactly the export's. A fee in a third currency is an error (the export cannot say where it
came from).

Mapping (wallet "Uphold"; id ``uphold:<Id>``; rows whose ``Status`` is not ``completed`` are skipped):

- ``in`` with one currency: a deposit of it (``received = Destination + Fee``); ``in`` with two
  currencies (a card or bank purchase, ``Origin`` ``credit-card``/``bank``): a trade of the origin
  currency for the destination currency.
- ``out`` with one currency: a withdrawal (``sent = Origin Amount - Fee``, the fee on top); ``out`` with
  two (crypto sold straight to a bank or card): a trade.
- ``transfer`` between two currencies: a trade; within one currency: a move between the account's own
  cards, skipped.
- Any other ``Type`` is an error naming the known ones.
"""

from __future__ import annotations

import polars as pl

from taxlots.importers import _exprs as ex
from taxlots.importers.base import Context

NAME = "uphold"
TITLE = "Uphold transaction history CSV"
WALLET = "Uphold"
SIGNATURES = (
    (
        "date", "destination", "destination amount", "destination currency", "fee amount", "fee currency", "id", "origin",
        "origin amount", "origin currency", "status", "type",
    ),
)  # fmt: skip
_TYPES = ("in", "out", "transfer")


def _timestamp(raw: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    s = ex.blank_to_null(raw).str.replace(r"^[A-Za-z]{3}\s+", "").str.replace(r"\s*\(.*\)$", "")
    js = s.str.to_datetime("%b %d %Y %H:%M:%S GMT%z", strict=False, time_zone="UTC")
    ts = pl.coalesce(js, ex.iso_utc(raw))
    return ts, ex.timestamp_error(raw, ts, "Date", "a date like 'Mon Sep 01 2025 19:27:17 GMT+0000'")


def _quantity(raw: pl.Expr, label: str) -> tuple[pl.Expr, pl.Expr]:
    value, error = ex.checked_number(raw, label)
    negative = pl.when(ex.is_negative(value)).then(pl.format(f"{label} '{{}}' is negative", value))
    return ex.expand_exponent(value), ex.join_errors(error, negative)


def _plus(a: pl.Expr, b: pl.Expr) -> pl.Expr:
    return ex.plain_decimal(ex.as_decimal(a) + ex.as_decimal(b))


def _minus(a: pl.Expr, b: pl.Expr) -> pl.Expr:
    return ex.plain_decimal(ex.as_decimal(a) - ex.as_decimal(b))


def normalize(lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """Uphold transactions -> unified trades, deposits and withdrawals (one per row)."""
    ts, ts_err = _timestamp(pl.col("date"))
    o_qty, o_err = _quantity(pl.col("origin amount"), "Origin Amount")
    d_qty, d_err = _quantity(pl.col("destination amount"), "Destination Amount")
    f_qty, f_err = _quantity(pl.col("fee amount"), "Fee Amount")
    lf = lf.with_columns(
        _ts=ts, _o=o_qty, _d=d_qty, _f=ex.nonzero(f_qty), _oc=ex.asset_code(pl.col("origin currency")),
        _dc=ex.asset_code(pl.col("destination currency")), _fc=ex.asset_code(pl.col("fee currency")),
        _type=ex.blank_to_null(pl.col("type")).str.to_lowercase(), _status=ex.blank_to_null(pl.col("status")),
        _errs=ex.join_errors(ts_err, o_err, d_err, f_err),
    )  # fmt: skip
    o, d, f, oc, dc, fc, typ = (pl.col(c) for c in ("_o", "_d", "_f", "_oc", "_dc", "_fc", "_type"))
    one = (oc == dc).fill_null(False)
    trade = typ.is_in(_TYPES) & ~one
    deposit, withdrawal = (typ == "in") & one, (typ == "out") & one
    has_fee = f.is_not_null()
    fee_in_origin, fee_in_dest = has_fee & (fc == oc).fill_null(False), has_fee & (fc == dc).fill_null(False)
    completed = (pl.col("_status").str.to_lowercase() == "completed").fill_null(False)
    skip = (
        pl.when(~completed).then(pl.format("status '{}' (only completed transactions moved value)", pl.col("_status").fill_null("")))
        .when((typ == "transfer") & one).then(pl.lit("transfer between the account's own cards"))
    )  # fmt: skip
    shown = pl.col("type").str.strip_chars()
    error = ex.join_errors(
        pl.col("_errs"),
        pl.when(typ.is_null()).then(pl.lit("Type is blank")),
        pl.when(typ.is_not_null() & ~typ.is_in(_TYPES)).then(pl.format("unknown Type '{}'; taxlots knows: in, out, transfer", shown)),
        pl.when(oc.is_null() | dc.is_null()).then(pl.lit("Origin Currency and Destination Currency must both be given")),
        pl.when(has_fee & fc.is_null()).then(pl.lit("Fee Amount is given but Fee Currency is blank")),
        pl.when(has_fee & fc.is_not_null() & ~fee_in_origin & ~fee_in_dest).then(
            pl.format("Fee Currency '{}' is neither the origin nor the destination currency", fc)
        ),
    )
    # Trades: a fee in the origin currency is inside Origin Amount, one in the destination currency is
    # already taken from Destination Amount. Deposits and withdrawals have one currency: the fee is on top.
    trade_sent = pl.when(fee_in_origin).then(_minus(o, f)).otherwise(o)
    trade_received = pl.when(fee_in_dest & ~fee_in_origin).then(_plus(d, f)).otherwise(d)
    fee_asset = pl.when(has_fee & (trade | deposit | withdrawal)).then(fc)
    note = ex.note(pl.format("{} from {} to {}", shown, ex.blank_to_null(pl.col("origin")), ex.blank_to_null(pl.col("destination"))))
    kind = pl.when(trade).then(pl.lit("trade")).when(deposit).then(pl.lit("deposit")).when(withdrawal).then(pl.lit("withdrawal"))
    err = pl.col("_err")
    lf = lf.with_columns(_err=error).with_columns(_skip=pl.when(err.is_null()).then(skip))
    return lf.select(
        ex.unified(
            timestamp=pl.col("_ts"),
            wallet=pl.lit(WALLET),
            type=kind,
            sent_asset=pl.when(trade | withdrawal).then(oc),
            sent_qty=pl.when(trade).then(trade_sent).when(withdrawal).then(pl.when(has_fee).then(_minus(o, f)).otherwise(o)),
            received_asset=pl.when(trade | deposit).then(dc),
            received_qty=pl.when(trade).then(trade_received).when(deposit).then(pl.when(has_fee).then(_plus(d, f)).otherwise(d)),
            fee_asset=fee_asset,
            fee_qty=pl.when(fee_asset.is_not_null()).then(f),
            id=pl.lit("uphold:") + ex.blank_to_null(pl.col("id")),
            note=note,
            error=err,
            skip=pl.col("_skip"),
        )
    )
