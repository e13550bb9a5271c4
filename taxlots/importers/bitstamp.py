"""Bitstamp "Transactions" export, in both shapes.

- **Old format** ``Type,Datetime,Account,Amount,Value,Rate,Fee,Sub Type``: ``Datetime`` like
  ``"Mar. 02, 2021, 09:20 AM"`` (abbreviated month with a period, 12-hour clock, no seconds, no zone),
  and every money cell carries its unit after a space (``0.03000000 BTC``, ``1265.16 EUR``). The export
  has no ids. Month spellings such as ``May``, ``June`` or ``Sept.`` are read by their first three letters.
- **RFC-4180 format** (from 2023-12) ``ID,Account,Type,Subtype,Datetime,Amount,Amount currency,Value,
  Value currency,Rate,Rate currency,Fee,Fee currency,Order ID``: ISO 8601 datetimes in UTC, bare numbers
  (some signed, e.g. a negative ``Deposit reverted``), currencies in their own columns.

The old format's datetimes carry no zone and none is documented: they are read in the run's zone
(``ctx.tz``, UTC by default, which is how the known parsers read them). The new format's are UTC.

Mapping (wallet ``Bitstamp``; every ``Account``, main or sub-account, is that one wallet):

- ``Market`` with ``Sub Type`` ``Buy``: sent ``Value`` of the quote, received ``Amount`` of the base;
  ``Sell`` the reverse. ``Value`` = Amount x Rate and excludes the fee, which is separate, in its own
  currency.
- ``Deposit``/``Ripple deposit`` -> deposit; ``Withdrawal``/``Ripple payment`` -> withdrawal (the amount
  excludes the fee, which is separate); ``Staking reward`` -> income; ``Deposit reverted`` -> withdrawal
  of the amount (the coins leave again; the original deposit stays in the ledger, note "Deposit reverted").
- ``Sub Account Transfer``/``Inter Account Transfer``: moves between accounts of one exchange: skipped.
- ``ETH2``/``ETH2R`` (staked ETH and its rewards) are ETH. Quantities are magnitudes; the type gives the
  direction. ``id`` is ``bitstamp:<ID>`` in the new format, null in the old.
"""

from __future__ import annotations

import polars as pl

from taxlots.importers import _exprs as ex
from taxlots.importers.base import Context

NAME = "bitstamp"
TITLE = "Bitstamp transactions CSV"
SIGNATURES = (
    ("type", "datetime", "account", "amount", "value", "rate", "fee", "sub type"),
    ("id", "account", "type", "subtype", "datetime", "amount", "amount currency", "value", "value currency", "fee", "fee currency"),
)

WALLET = "Bitstamp"
ALIASES = {"ETH2": "ETH", "ETH2R": "ETH"}
_KINDS = {
    "market": "trade",
    "deposit": "deposit",
    "ripple deposit": "deposit",
    "withdrawal": "withdrawal",
    "ripple payment": "withdrawal",
    "deposit reverted": "withdrawal",
    "staking reward": "income",
}
_INTERNAL = ("sub account transfer", "inter account transfer")
_KNOWN = (
    "Market, Deposit, Withdrawal, Ripple deposit, Ripple payment, Staking reward, Deposit reverted, "
    "Sub Account Transfer, Inter Account Transfer"
)
_OLD_DATE_FORMAT = "%b %d, %Y, %I:%M %p"


def _unit_cell(col: str) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """An old-format ``0.03000000 BTC`` cell: ``(number, currency, error)``."""
    raw = ex.blank_to_null(pl.col(col))
    parts = raw.str.extract_groups(r"^(\S+)\s+([A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*)$")
    value, _ = ex.checked_number(parts.struct.field("1"), col)
    bad = raw.is_not_null() & value.is_null()
    label = col.capitalize()
    error = pl.when(bad).then(pl.format(f"{label} '{{}}' is not a number followed by a currency (0.03000000 BTC)", raw))
    return value, ex.asset_code(parts.struct.field("2"), ALIASES), error


def _old(ctx: Context) -> tuple[dict[str, pl.Expr], list[pl.Expr]]:
    cols: dict[str, pl.Expr] = {}
    errors: list[pl.Expr] = []
    for name in ("amount", "value", "fee"):
        cols[name], cols[f"{name}_ccy"], err = _unit_cell(name)
        errors.append(err)
    raw = pl.col("datetime")
    month = ex.blank_to_null(raw).str.replace(r"^([A-Za-z]{3})[A-Za-z]*\.?\s+", "$1 ")
    ts = ex.local_time(month, [_OLD_DATE_FORMAT], ctx.tz)
    errors.append(ex.timestamp_error(raw, ts, "Datetime", "a date like 'Mar. 02, 2021, 09:20 AM'"))
    cols.update(timestamp=ts, subtype=ex.blank_to_null(pl.col("sub type")), id=pl.lit(None, pl.String))
    return cols, errors


def _new(ctx: Context) -> tuple[dict[str, pl.Expr], list[pl.Expr]]:
    cols: dict[str, pl.Expr] = {}
    errors: list[pl.Expr] = []
    for name in ("amount", "value", "fee"):
        cols[name], err = ex.checked_number(pl.col(name), name.capitalize())
        cols[f"{name}_ccy"] = ex.asset_code(pl.col(f"{name} currency"), ALIASES)
        errors.append(err)
    ts = ex.iso_utc(pl.col("datetime"))
    errors.append(ex.timestamp_error(pl.col("datetime"), ts, "Datetime", "an ISO 8601 date and time (2024-02-12T10:41:06Z)"))
    row_id = ex.blank_to_null(pl.col("id"))
    cols.update(timestamp=ts, subtype=ex.blank_to_null(pl.col("subtype")), id=pl.lit("bitstamp:") + row_id)
    return cols, errors


def normalize(lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """Bitstamp rows -> unified rows (one event per row)."""
    cols, parse_errors = _new(ctx) if "amount currency" in ctx.header else _old(ctx)
    typ = ex.blank_to_null(pl.col("type")).str.to_lowercase().str.replace_all(r"\s+", " ")
    lf = lf.with_columns(**{f"_{k}": v for k, v in cols.items()}, _parse_error=ex.join_errors(*parse_errors), _typ=typ)
    c = {k: pl.col(f"_{k}") for k in cols}
    typ = pl.col("_typ")
    lf = lf.with_columns(_kind=typ.replace_strict(_KINDS, default=None, return_dtype=pl.String), _sub=c["subtype"].str.to_lowercase())
    kind = pl.col("_kind")
    is_trade = (kind == "trade").fill_null(False)
    buy, sell = is_trade & (pl.col("_sub") == "buy").fill_null(False), is_trade & (pl.col("_sub") == "sell").fill_null(False)
    amount, value = ex.unsigned(c["amount"]), ex.unsigned(c["value"])
    has_fee = c["fee"].is_not_null() & ~ex.is_zero(c["fee"])
    errors = ex.join_errors(
        pl.col("_parse_error"),
        pl.when(typ.is_null()).then(pl.lit(f"Type is blank; expected one of {_KNOWN}")),
        pl.when(typ.is_not_null() & kind.is_null() & ~typ.is_in(_INTERNAL)).then(
            pl.format(f"unknown transaction type '{{}}'; taxlots knows: {_KNOWN}", pl.col("type").str.strip_chars())
        ),
        pl.when(is_trade & ~buy & ~sell).then(pl.format("Market row with sub type '{}'; expected Buy or Sell", c["subtype"].fill_null(""))),
        pl.when(is_trade & (c["value"].is_null() | c["value_ccy"].is_null())).then(pl.lit("Market row without a Value and its currency")),
    )
    out = sell | (kind == "withdrawal")
    into = buy | kind.is_in(["deposit", "income"])
    note = pl.concat_str([ex.blank_to_null(pl.col("type")), c["subtype"]], separator=" ", ignore_nulls=True)
    skip = pl.when(typ.is_in(_INTERNAL)).then(pl.lit("internal move between Bitstamp accounts"))
    return lf.select(
        ex.unified(
            timestamp=c["timestamp"],
            wallet=pl.lit(WALLET),
            type=kind,
            sent_asset=pl.when(buy).then(c["value_ccy"]).when(out).then(c["amount_ccy"]),
            sent_qty=pl.when(buy).then(value).when(out).then(amount),
            received_asset=pl.when(sell).then(c["value_ccy"]).when(into).then(c["amount_ccy"]),
            received_qty=pl.when(sell).then(value).when(into).then(amount),
            fee_asset=pl.when(has_fee).then(c["fee_ccy"]),
            fee_qty=pl.when(has_fee).then(ex.unsigned(c["fee"])),
            id=c["id"],
            note=note.fill_null(""),
            error=pl.when(skip.is_null()).then(errors),
            skip=skip,
        )
    ).sort("line")
