"""Cash App CSVs: the activity export, read for its bitcoin rows, and the bitcoin transactions CSV.

- activity (Activity -> Statements -> Export CSV): ``Transaction ID,Date,Transaction Type,Currency,Amount,
  Fee,Net Amount,Asset Type,Asset Price,Asset Amount,Status,Notes,Name of sender/receiver,Account``
  (BittyTax's cashapp parser registers this order as v1 and one starting ``Date,Transaction ID`` as v2;
  columns are matched by name, so both read the same);
- bitcoin (Account -> Documents & Statements -> Bitcoin -> Transactions CSV, per year): the first ten of
  those columns, without ``Status`` and ``Notes``, with ``Asset Amount`` written with its unit
  (``0.00160713 BTC``) (rows shown in BTC-Tracker issue #214).

 ``Date`` is
local wall time with a US zone abbreviation (``2024-03-04 15:22:10 EST``); the abbreviation fixes the
offset (EST -5, EDT -4, CST -6, ... HST -10, UTC/GMT 0), so no zone setting is needed. Money is written
``$1,284.20``, ``-$10.00`` or ``($10.00)``: magnitudes are taken, the type gives the direction.

Mapping (wallet "Cash App"; id ``cashapp:<Transaction ID>``):

- ``Bitcoin Buy``: a trade of ``|Amount|`` USD for ``Asset Amount`` of ``Asset Type`` (BTC), ``|Fee|`` USD
  on top (BittyTax's reading; in the issue's rows ``-$98.15``, fee ``-$2.00``, ``Net Amount`` ``-$100.15``).
  ``Bitcoin Sale``: the reverse, the fee taken from the proceeds (``$50.00``, fee ``-$1.49``, net ``$48.51``),
  which taxlots writes as ``received = |Amount|`` with the fee on top.
- ``Bitcoin Withdrawal``, ``Bitcoin Lightning Withdrawal``: a withdrawal of ``Asset Amount`` BTC, with any
  ``|Fee|`` in USD. ``Bitcoin Deposit``, ``Bitcoin Lightning Deposit``: a deposit of it (``Amount`` is only
  its value then).
- ``Bitcoin Boost``: bitcoin cash back on a card purchase, read as income of ``Asset Amount`` valued at
  ``|Amount|`` USD (as Koinly's ``cashback`` label is; a purchase rebate may instead lower the purchase
  price, a choice taxlots leaves to the user's review).
- Cash rows (``Received P2P``, ``Sent P2P``, ``Cash in``, ``Cash out``, ``Cash Card Debit``, ``Boost
  Payment``, ``P2P``, ``Deposits``, ``Withdrawal``, ``Account Notifications``) in USD are skipped and
  counted: US dollars carry no lots. In another currency (bitcoin sent or received by $cashtag) they are a
  deposit or withdrawal by the sign of ``Amount``.
- ``Status`` ``FAILED`` (also ``CANCELED``, ``DECLINED``) rows are skipped; an unknown type is an error.
"""

from __future__ import annotations

import polars as pl

from taxlots.importers import _exprs as ex
from taxlots.importers.base import Context

NAME = "cashapp"
TITLE = "Cash App activity or bitcoin transactions CSV"
WALLET = "Cash App"
SIGNATURES = (
    (
        "transaction id", "date", "transaction type", "currency", "amount", "fee", "net amount", "asset type", "asset price",
        "asset amount",
    ),
)  # fmt: skip
#: Hours east of UTC of the zone abbreviations Cash App writes (US zones; standard and daylight time).
ZONES = {
    "UTC": 0, "GMT": 0, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
    "AKST": -9, "AKDT": -8, "HST": -10,
}  # fmt: skip
_BITCOIN = {"bitcoin buy": "buy", "bitcoin sale": "sell", "bitcoin withdrawal": "withdraw", "bitcoin boost": "boost"}
_BITCOIN |= {"bitcoin lightning withdrawal": "withdraw", "bitcoin deposit": "deposit", "bitcoin lightning deposit": "deposit"}
_CASH = ("received p2p", "sent p2p", "cash in", "cash out", "cash card debit", "boost payment", "p2p", "deposits", "withdrawal")
_KINDS = _BITCOIN | dict.fromkeys(_CASH, "cash") | {"account notifications": "cash"}
_KNOWN = ", ".join(name.title() for name in _BITCOIN)
_FAILED = ("failed", "canceled", "cancelled", "declined")


def _timestamp() -> tuple[pl.Expr, pl.Expr]:
    raw = pl.col("date")
    parts = ex.blank_to_null(raw).str.extract_groups(r"^(\d{4}-\d\d-\d\d \d\d:\d\d(?::\d\d)?)\s+([A-Za-z]{2,4})$")
    wall, zone = parts.struct.field("1"), parts.struct.field("2").str.to_uppercase()
    naive = pl.coalesce(wall.str.to_datetime(f, strict=False) for f in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"))
    hours = zone.replace_strict(ZONES, default=None, return_dtype=pl.Int64)
    ts = (naive - pl.duration(hours=hours)).dt.replace_time_zone("UTC")
    ts = pl.coalesce(ts, ex.iso_utc(raw))
    return ts, ex.timestamp_error(raw, ts, "Date", "a date like '2024-03-04 15:22:10 EST' (a US zone abbreviation)")


def _asset_amount() -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """``Asset Amount`` as a number (``0.00160713 BTC`` -> ``0.00160713``), its error, and a unit mismatch error."""
    parts = ex.blank_to_null(pl.col("asset amount")).str.extract_groups(r"^(.*?)\s*([A-Za-z]+)?$")
    value, error = ex.checked_number(parts.struct.field("1"), "Asset Amount")
    unit, asset = parts.struct.field("2").str.to_uppercase(), ex.asset_code(pl.col("asset type"))
    error = pl.when(error.is_not_null()).then(pl.format("Asset Amount '{}' is not a number", pl.col("asset amount").str.strip_chars()))
    mismatch = pl.when(unit.is_not_null() & (unit != asset).fill_null(True)).then(
        pl.format("Asset Amount '{}' is not in the Asset Type '{}'", pl.col("asset amount").str.strip_chars(), asset.fill_null(""))
    )
    return value, error, mismatch


def _money(name: str, label: str) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """``(magnitude, negative, error)`` of a money cell."""
    value, error = ex.checked_number(pl.col(name), label, money=True)
    return ex.nonzero(ex.unsigned(value)), ex.is_negative(value).fill_null(False), error


def normalize(lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """Cash App activity rows -> unified bitcoin trades, withdrawals and income."""
    amount, negative, amount_err = _money("amount", "Amount")
    fee, _, fee_err = _money("fee", "Fee")
    qty, qty_err, unit_err = _asset_amount()
    ts, ts_err = _timestamp()
    raw_type = ex.blank_to_null(pl.col("transaction type"))
    lf = lf.with_columns(
        _ts=ts, _amount=amount, _neg=negative, _fee=fee, _qty=ex.nonzero(ex.unsigned(qty)), _ccy=ex.asset_code(pl.col("currency")),
        _asset=ex.asset_code(pl.col("asset type")), _k=raw_type.str.to_lowercase().replace_strict(_KINDS, default="unknown"),
        _status=ex.blank_to_null(ex.column(ctx, "status")).str.to_lowercase(),
        _errs=ex.join_errors(ts_err, amount_err, fee_err, qty_err, unit_err),
    )  # fmt: skip
    k, amount, fee, qty, ccy, asset = (pl.col(c) for c in ("_k", "_amount", "_fee", "_qty", "_ccy", "_asset"))
    crypto_cash = (k == "cash") & ccy.is_not_null() & (ccy != "USD")
    cash_in, cash_out = crypto_cash & ~pl.col("_neg"), crypto_cash & pl.col("_neg")
    buy, sell, withdraw, boost, deposit = k == "buy", k == "sell", k == "withdraw", k == "boost", k == "deposit"
    shown = pl.col("transaction type").str.strip_chars()
    error = ex.join_errors(
        pl.col("_errs"),
        pl.when(raw_type.is_null())
        .then(pl.lit("Transaction Type is blank"))
        .when(k == "unknown")
        .then(pl.format(f"unknown Transaction Type '{{}}'; taxlots knows: {_KNOWN}", shown)),
        pl.when((buy | sell | withdraw | boost | deposit) & (qty.is_null() | asset.is_null())).then(
            pl.format("a {} needs Asset Amount and Asset Type", shown)
        ),
        pl.when((buy | sell) & ex.blank_to_null(pl.col("amount")).is_null()).then(pl.format("a {} needs Amount", shown)),
    )
    status = pl.col("_status")
    skip = (
        pl.when(status.is_in(_FAILED).fill_null(False)).then(pl.format("status '{}'", ex.column(ctx, "status").str.strip_chars()))
        .when((k == "cash") & ~crypto_cash).then(pl.lit("US dollar cash movement (no crypto)"))
    )  # fmt: skip
    lf = lf.with_columns(_err=error).with_columns(_skip=pl.when(pl.col("_err").is_null()).then(skip))
    fee_asset = pl.when((buy | sell | withdraw) & fee.is_not_null()).then(pl.lit("USD"))
    kind = pl.when(buy | sell).then(pl.lit("trade")).when(withdraw | cash_out).then(pl.lit("withdrawal"))
    kind = kind.when(boost).then(pl.lit("income")).when(cash_in | deposit).then(pl.lit("deposit"))
    return lf.select(
        ex.unified(
            timestamp=pl.col("_ts"),
            wallet=pl.lit(WALLET),
            type=kind,
            sent_asset=pl.when(buy).then(pl.lit("USD")).when(sell | withdraw).then(asset).when(cash_out).then(ccy),
            sent_qty=pl.when(buy | cash_out).then(amount).when(sell | withdraw).then(qty),
            received_asset=pl.when(sell).then(pl.lit("USD")).when(buy | boost | deposit).then(asset).when(cash_in).then(ccy),
            received_qty=pl.when(sell | cash_in).then(amount).when(buy | boost | deposit).then(qty),
            fee_asset=fee_asset,
            fee_qty=pl.when(fee_asset.is_not_null()).then(fee),
            usd_value=pl.when(boost).then(amount),
            id=pl.lit("cashapp:") + ex.blank_to_null(pl.col("transaction id")),
            note=ex.note(pl.col("transaction type"), ex.column(ctx, "notes"), ex.column(ctx, "name of sender/receiver")),
            error=pl.col("_err"),
            skip=pl.col("_skip"),
        )
    )
