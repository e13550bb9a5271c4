"""Bybit funding account history ("Asset Change Details", Assets -> Funding -> Data Export).

Headers (each one balance change of one coin, ``QTY``/``Amount`` signed):

- ``Uid,Date & Time(UTC),Coin,QTY,Type,Account Balance,Description`` (2025 on, after a ``UID: ...,Company
  Name: ,Country:`` preamble line); the same without ``Uid`` before (BittyTax's "Bybit Deposits/Withdrawals").
  ``Type`` is the category (``TRANSFER``, ``Transfer in``, ``Fiat``, ``Airdrop``, ``Earn``, ``Bybit Card``) and
  ``Description`` the event (``Deposit``, ``Withdrawal``, ``Transfer to Derivatives Account``, ...).
- ``Type,Coin,Amount,Wallet Balance,Time(UTC)`` (older): ``userDeposit``, ``internalAccountTransferDeposit``,
  ``internalAccountTransferWithdrawal``.

Names come from BittyTax's and everytrade's Bybit parsers and the real rows in their tests. Mapping
(wallet ``Bybit``):

- Description ``Deposit`` -> deposit, ``Withdrawal`` -> withdrawal (the magnitude; no fee column), and
  ``userDeposit`` -> deposit.
- Description ``Transfer to|from ... Account`` and the ``internalAccountTransfer*`` types: moves between
  Bybit accounts, skipped. So are ``Earn`` subscriptions and redemptions.
- ``Airdrop`` and ``Earn`` interest, reward or distribution rows -> income (no USD value in the file).
- ``Bybit Card`` ``Purchase`` (QTY negative) -> spend (no USD value in the file).
- ``Fiat`` ``Buy Crypto with Card`` is an error: the export lacks the price paid, so it is no plain
  deposit; record it as a trade. Any other pair of type and description is an error naming both.

Times are UTC. The export has no ids, so rows are named ``FILE:LINE`` and deduplicated by content.
"""

from __future__ import annotations

import polars as pl

from taxlots.importers import _exprs as ex
from taxlots.importers.base import Context

NAME = "bybit-funding"
TITLE = "Bybit funding account history CSV"
SIGNATURES = (
    ("date & time(utc)", "coin", "qty", "type", "account balance", "description"),
    ("type", "coin", "amount", "wallet balance", "time(utc)"),
)

WALLET = "Bybit"
_INCOME_WORDS = r"interest|reward|distribution|yield|bonus"
_INTERNAL_WORDS = r"subscription|redemption|subscribe|redeem"


def _classify(typ: pl.Expr, desc: pl.Expr, negative: pl.Expr) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """``(kind, skip, error)`` from the row's type and description (both lower-case, may be null)."""
    desc0 = desc.fill_null("")
    transfer_between = desc0.str.contains(r"^transfer (to|from) .*account$") | typ.is_in(
        ["internalaccounttransferdeposit", "internalaccounttransferwithdrawal"]
    )
    earn = typ == "earn"
    kind = (
        pl.when((desc0 == "deposit") | (typ == "userdeposit"))
        .then(pl.lit("deposit"))
        .when(desc0 == "withdrawal")
        .then(pl.lit("withdrawal"))
        .when((typ == "airdrop") | (earn & desc0.str.contains(_INCOME_WORDS) & ~negative))
        .then(pl.lit("income"))
        .when((typ == "bybit card") & (desc0 == "purchase") & negative)
        .then(pl.lit("spend"))
    )
    skip = (
        pl.when(kind.is_not_null())
        .then(None)
        .when(transfer_between)
        .then(pl.lit("move between Bybit accounts"))
        .when(earn & desc0.str.contains(_INTERNAL_WORDS))
        .then(pl.lit("move into or out of Bybit Earn"))
    )
    card = (typ == "fiat") & (desc0 == "buy crypto with card")
    error = (
        pl.when(kind.is_not_null() | skip.is_not_null())
        .then(None)
        .when(card)
        .then(pl.lit("'Buy Crypto with Card' lacks the price paid in this export; record the purchase as a trade"))
        .otherwise(pl.lit("unknown Type/Description; taxlots knows the ones listed in its Bybit funding importer"))
    )
    return kind, skip, error


def normalize(lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """Bybit funding rows -> deposits, withdrawals, income and spends; moves between accounts skipped."""
    new = "qty" in ctx.header
    time_col, qty_col = ("date & time(utc)", "qty") if new else ("time(utc)", "amount")
    raw_time = pl.col(time_col)
    ts = ex.local_time(raw_time, ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"], "UTC")
    qty, qty_err = ex.checked_number(pl.col(qty_col), qty_col.upper() if new else "Amount")
    typ = ex.blank_to_null(pl.col("type")).str.to_lowercase().str.replace_all(r"\s+", " ")
    desc = ex.blank_to_null(ex.column(ctx, "description")).str.to_lowercase().str.replace_all(r"\s+", " ")
    lf = lf.with_columns(_ts=ts, _qty=qty, _typ=typ, _desc=desc, _asset=ex.asset_code(pl.col("coin")))
    qty, asset = pl.col("_qty"), pl.col("_asset")
    negative = ex.is_negative(qty).fill_null(False)
    kind, skip, kind_err = _classify(pl.col("_typ"), pl.col("_desc"), negative)
    lf = lf.with_columns(_kind=kind, _skip=skip, _kind_err=kind_err)
    kind = pl.col("_kind")
    shown = ex.note(pl.col("type"), ex.column(ctx, "description"))
    label = "QTY" if new else "Amount"
    wrong_sign = (kind.is_in(["deposit", "income"]) & negative) | ((kind == "withdrawal") & ~negative & ~ex.is_zero(qty))
    errors = ex.join_errors(
        ex.timestamp_error(raw_time, pl.col("_ts"), ctx.raw_header[ctx.header.index(time_col)], "a date and time like 2024-04-01 09:00:00"),
        qty_err,
        pl.when(ex.blank_to_null(pl.col(qty_col)).is_null()).then(pl.lit(f"{label} is blank")),
        pl.when(asset.is_null()).then(pl.lit("Coin is blank")),
        pl.when(pl.col("_kind_err").is_not_null()).then(pl.format("{} ({})", pl.col("_kind_err"), shown)),
        pl.when(wrong_sign.fill_null(False)).then(pl.format(f"a {{}} row with {label} {{}} has the wrong sign", kind, qty)),
    )
    inbound, outbound = kind.is_in(["deposit", "income"]), kind.is_in(["withdrawal", "spend"])
    return lf.select(
        ex.unified(
            timestamp=pl.col("_ts"),
            wallet=pl.lit(WALLET),
            type=kind,
            sent_asset=pl.when(outbound).then(asset),
            sent_qty=pl.when(outbound).then(ex.unsigned(qty)),
            received_asset=pl.when(inbound).then(asset),
            received_qty=pl.when(inbound).then(ex.unsigned(qty)),
            note=shown,
            error=pl.when(pl.col("_skip").is_null()).then(errors),
            skip=pl.col("_skip"),
        )
    ).sort("line")
