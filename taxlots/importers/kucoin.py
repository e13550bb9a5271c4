"""KuCoin spot trade history, every known header.

- 2017-18 ``Time,Coins,Sell/Buy,Filled Price,Coin,Amount,Coin,Volume,Coin,Fee,Coin``: each number is
  followed by a ``Coin`` column naming its asset (``Amount`` the base, ``Volume`` the quote, ``Fee`` the
  fee's own asset); ``Coins`` is the pair (``KCS/BTC`` or ``KCS-BTC``). The repeated ``Coin`` cells are
  read by position.
- 2019 ``Time,Pair,Side,FilledPrice,FilledPriceCoin,Amount,AmountCoin,Volume,VolumeCoin,Fee,FeeCoin``: the
  same with named coin columns.
- <=2020 ``oid,symbol,dealPrice,dealValue,amount,fee,direction,createdDate``: ``amount`` is the base,
  ``dealValue`` the quote; there is no fee currency column. The fee is in the **base** asset, 0.1% of
  ``amount`` (KuCoin's 2018 schedule charged the fee on the traded coin, and the numbers show it:
  ``fee`` = ``amount`` x 0.001, not ``dealValue`` x 0.001; the cryptoTaxes project reads this header the
  same way, citing KuCoin's FAQ: "the trade fee is deducted from the token you bought or sold").
- 2020-2023 ``tradeCreatedAt,orderId,symbol,side,price,size,funds,fee,liquidity,feeCurrency,orderType``:
  ``size`` base, ``funds`` quote, ``side`` lower-case.
- 2024-03 ``UID,Account Type,Order ID,Symbol,Side,Order Type,Avg. Filled Price,Filled Amount,Filled Volume,
  Filled Volume (USDT),Filled Time(UTC+08:00),Fee,Maker/Taker,Fee Currency``; 2024-08 adds ``Order
  Time(...)``, ``Order Price``, ``Order Amount``, ``Tax`` and ``Status``; 2026-06 adds ``Account Mode``;
  the download-centre bundle writes ``Filled Time`` with no zone (and ``Tax``, ``Maker/Taker``).
  ``Filled Amount`` is the base, ``Filled Volume`` the quote.

Times: the zone of the newer files is in the header (``Filled Time(UTC+08:00)``, ``(UTC)``,
``(UTC-05:30)``: the user's setting) and is read from ``ctx.raw_header``; the older files and the bundle
have none and are UTC+8 (KuCoin's server time; BittyTax reads them as Asia/Singapore).

Mapping: wallet ``KuCoin`` (trading, margin and other accounts alike). BUY sends the quote and receives the
base; SELL the reverse; the fee is in ``Fee Currency`` (the quote, or ``KCS`` when KCS fee deduction is
on: a fee in a third asset). ``Filled Volume (USDT)`` is a USDT value, not USD, so ``usd_value`` stays
blank. A non-zero ``Tax`` is kept in the note only. Rows whose ``Status`` is not ``deal``/``done`` are
skipped with their status (note: a partially filled order that was then cancelled is skipped too); the
``No matching records found.`` row of an empty export is skipped.

``id`` is ``kucoin:<order id>:<filled time in UTC, ISO 8601>``. Several fills of one order in one file
are distinct rows; when two rows of a file would share an id, the base quantity is appended, and when
they still do, their rank in the file (``:1``, ``:2``, ...).
"""

from __future__ import annotations

import re

import polars as pl

from taxlots.importers import _exprs as ex
from taxlots.importers.base import Context

NAME = "kucoin-trades"
TITLE = "KuCoin spot trade history CSV"
_MODERN = (
    "uid",
    "account type",
    "order id",
    "symbol",
    "side",
    "order type",
    "avg. filled price",
    "filled amount",
    "filled volume",
    "fee",
    "fee currency",
)
_Y2017 = ("time", "coins", "sell/buy", "filled price", "coin", "amount", "volume", "fee")
_Y2019 = ("time", "pair", "side", "filledprice", "filledpricecoin", "amount", "amountcoin", "volume", "volumecoin", "fee", "feecoin")
SIGNATURES = (
    _Y2017,
    _Y2019,
    ("oid", "symbol", "dealprice", "dealvalue", "amount", "fee", "direction", "createddate"),
    ("tradecreatedat", "orderid", "symbol", "side", "price", "size", "funds", "fee", "liquidity", "feecurrency", "ordertype"),
    (*_MODERN, "filled volume (usdt)", "maker/taker"),  # 2024-03; the bundle adds tax
    (*_MODERN, "filled volume (usdt)", "order price", "order amount", "tax", "status"),  # 2024-08
    (*_MODERN, "filled volume (usdt)", "order price", "order amount", "tax", "status", "account mode"),  # 2026-06
)

WALLET = "KuCoin"
_FILLED_RE = re.compile(r"^filled time\s*(\(.*\))?$", re.IGNORECASE)
_ZONE_RE = re.compile(r"^\(\s*UTC\s*(?:([+-])(\d{1,2})(?::?(\d{2}))?)?\s*\)$", re.IGNORECASE)
_KCS_TIME = 8 * 60  # minutes east of UTC for exports that carry no zone
_EMPTY = "No matching records found."
_FILLED = ("deal", "done")


def _filled_column(ctx: Context) -> tuple[str | None, str]:
    """The ``Filled Time`` column's name and its raw header cell."""
    for name, raw in zip(ctx.header, ctx.raw_header, strict=True):
        if _FILLED_RE.match(name):
            return name, raw
    return None, ""


def claims(header: tuple[str, ...]) -> bool:
    if "sell/buy" in header or "feecoin" in header:
        return True
    return any(c in header for c in ("createddate", "tradecreatedat")) or any(_FILLED_RE.match(c) for c in header)


def _coin_after(ctx: Context, number: str) -> pl.Expr:
    """The 2017-18 header's ``Coin`` cell that follows the column ``number`` (ingest names repeats ``coin_<i>``)."""
    i = ctx.header.index(number) + 1
    if i < len(ctx.header) and ctx.header[i].startswith("coin"):
        return ex.blank_to_null(pl.col(ctx.header[i]))
    return pl.lit(None, pl.String)


def _offset(raw_header_cell: str) -> int | None:
    """Minutes east of UTC from ``Filled Time(UTC+08:00)``; UTC+8 when the cell names no zone."""
    zone = _FILLED_RE.match(raw_header_cell.strip())
    if zone is None or zone.group(1) is None:
        return _KCS_TIME
    m = _ZONE_RE.match(zone.group(1))
    if m is None:
        return None
    if m.group(1) is None:
        return 0
    minutes = int(m.group(2)) * 60 + int(m.group(3) or 0)
    return minutes if m.group(1) == "+" else -minutes


def _columns(ctx: Context) -> tuple[dict[str, pl.Expr], str, int | None]:
    """The variant's columns as common names, the time column's label, and its zone offset in minutes."""
    h = ctx.header

    def col(name: str) -> pl.Expr:
        return ex.blank_to_null(ex.column(ctx, name))

    if "sell/buy" in h or "feecoin" in h:
        old = "sell/buy" in h
        coins = (
            dict(base_ccy=_coin_after(ctx, "amount"), quote_ccy=_coin_after(ctx, "volume"), fee_ccy=_coin_after(ctx, "fee"))
            if old
            else dict(base_ccy=col("amountcoin"), quote_ccy=col("volumecoin"), fee_ccy=col("feecoin"))
        )
        symbol = col("coins" if old else "pair").str.replace("/", "-", literal=True)
        names = dict(side=col("sell/buy" if old else "side"), base=col("amount"), quote=col("volume"), time=col("time"))
        return {**names, **coins, "order_id": pl.lit(None, pl.String), "symbol": symbol, "fee": col("fee")}, "Time", _KCS_TIME
    if "oid" in h:
        base = col("symbol").str.split("-").list.get(0, null_on_oob=True)
        names = dict(
            order_id=col("oid"), side=col("direction"), base=col("amount"), quote=col("dealvalue"), fee_ccy=base, time=col("createddate")
        )
        return {**names, "symbol": col("symbol"), "fee": col("fee")}, "createdDate", _KCS_TIME
    if "tradecreatedat" in h:
        names = dict(
            order_id=col("orderid"),
            side=col("side"),
            base=col("size"),
            quote=col("funds"),
            fee_ccy=col("feecurrency"),
            time=col("tradecreatedat"),
        )
        return {**names, "symbol": col("symbol"), "fee": col("fee"), "kind": col("ordertype")}, "tradeCreatedAt", _KCS_TIME
    filled, raw = _filled_column(ctx)
    names = dict(
        order_id=col("order id"), side=col("side"), base=col("filled amount"), quote=col("filled volume"), fee_ccy=col("fee currency")
    )
    extra = dict(status=col("status"), tax=col("tax"), kind=col("order type"), account=col("account type"))
    return {**names, **extra, "symbol": col("symbol"), "fee": col("fee"), "time": col(filled or "")}, raw, _offset(raw)


def _timestamp(time: pl.Expr, label: str, offset: int | None) -> tuple[pl.Expr, pl.Expr]:
    if offset is None:
        return pl.lit(None, pl.Datetime("us", "UTC")), pl.lit(f"cannot read the time zone of header '{label}'; expected e.g. (UTC+08:00)")
    naive = pl.coalesce(
        time.str.to_datetime(f, strict=False) for f in ("%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f", "%Y/%m/%d %H:%M:%S")
    )
    ts = (naive - pl.duration(minutes=offset)).dt.replace_time_zone("UTC")
    return ts, ex.timestamp_error(time.fill_null(""), ts, label, "a date and time like 2024-09-24 16:03:40")


def _ids(lf: pl.LazyFrame, kept: pl.Expr, order_id: pl.Expr, ts: pl.Expr, base: pl.Expr) -> pl.LazyFrame:
    """``kucoin:<order>:<UTC time>`` for the kept rows; made unique in the file by the base quantity, then rank."""
    first = pl.when(kept).then(pl.lit("kucoin:") + order_id + ":" + ts.dt.strftime("%Y-%m-%dT%H:%M:%SZ"))
    lf = lf.with_columns(_id=first, _base=base)
    by_qty = pl.when(pl.len().over("_id") > 1).then(pl.col("_id") + ":" + pl.col("_base")).otherwise(pl.col("_id"))
    lf = lf.with_columns(_id=by_qty)
    rank = pl.int_range(1, pl.len() + 1).over("_id", order_by="line").cast(pl.String)
    return lf.with_columns(_id=pl.when(pl.len().over("_id") > 1).then(pl.col("_id") + ":" + rank).otherwise(pl.col("_id")))


def _skip(ctx: Context, status: pl.Expr) -> pl.Expr:
    """The reason to leave a row out: the empty-export marker, or a status other than deal/done."""
    empty = pl.any_horizontal([pl.col(name).str.strip_chars() == _EMPTY for name in ctx.header])
    unfilled = (status.is_null() | ~status.str.to_lowercase().is_in(_FILLED)) if "status" in ctx.header else pl.lit(False)
    return (
        pl.when(empty)
        .then(pl.lit("empty export (No matching records found.)"))
        .when(unfilled)
        .then(pl.format("status '{}' (only deal/done rows are filled trades)", status.fill_null("")))
    )


def normalize(lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """KuCoin trade rows -> unified trades (one per row)."""
    cols, label, offset = _columns(ctx)
    lf = lf.with_columns(**{f"_{k}": v for k, v in cols.items()})
    c = {k: pl.col(f"_{k}") for k in cols}
    none = pl.lit(None, pl.String)
    base_qty, base_err = ex.checked_number(c["base"], "filled amount")
    quote_qty, quote_err = ex.checked_number(c["quote"], "filled volume")
    fee, fee_err = ex.checked_number(c["fee"], "fee")
    tax, _ = ex.checked_number(c.get("tax", none), "tax")
    ts, ts_err = _timestamp(c["time"], label, offset)
    pair = c["symbol"].str.to_uppercase().str.extract_groups(r"^([A-Z0-9]+)-([A-Z0-9]+)$")
    lf = lf.with_columns(
        _bq=ex.unsigned(base_qty),
        _qq=ex.unsigned(quote_qty),
        _fq=fee,
        _tax=tax,
        _ts=ts,
        _pair_base=pl.coalesce(ex.asset_code(c.get("base_ccy", none)), pair.struct.field("1")),
        _pair_quote=pl.coalesce(ex.asset_code(c.get("quote_ccy", none)), pair.struct.field("2")),
        _side_lc=c["side"].str.to_lowercase(),
        _number_error=ex.join_errors(base_err, quote_err, fee_err, ts_err),
        _skip=_skip(ctx, c.get("status", none)),
    )
    base, quote, fee, tax = pl.col("_pair_base"), pl.col("_pair_quote"), pl.col("_fq"), pl.col("_tax")
    buy, sell = (pl.col("_side_lc") == "buy").fill_null(False), (pl.col("_side_lc") == "sell").fill_null(False)
    has_fee = fee.is_not_null() & ~ex.is_zero(fee)
    errors = ex.join_errors(
        pl.col("_number_error"),
        pl.when(~buy & ~sell).then(pl.format("unknown side '{}'; expected BUY or SELL", c["side"].fill_null(""))),
        pl.when(base.is_null()).then(pl.format("symbol '{}' is not BASE-QUOTE (ETH-USDT)", c["symbol"].fill_null(""))),
        pl.when(has_fee & c["fee_ccy"].is_null()).then(pl.lit("fee is given but fee currency is blank")),
    )
    taxed = pl.when(tax.is_not_null() & ~ex.is_zero(tax)).then(pl.format("tax {}", tax))
    note = pl.concat_str([c.get("kind", none), c.get("account", none), taxed], separator=", ", ignore_nulls=True)
    canonical_base = pl.col("_bq").str.replace(r"(\.\d*?)0+$", "$1").str.strip_suffix(".")
    lf = _ids(lf, pl.col("_skip").is_null(), c["order_id"], pl.col("_ts"), canonical_base)
    skip = pl.col("_skip")
    return lf.select(
        ex.unified(
            timestamp=pl.col("_ts"),
            wallet=pl.lit(WALLET),
            type=pl.lit("trade"),
            sent_asset=pl.when(buy).then(quote).when(sell).then(base),
            sent_qty=pl.when(buy).then(pl.col("_qq")).when(sell).then(pl.col("_bq")),
            received_asset=pl.when(buy).then(base).when(sell).then(quote),
            received_qty=pl.when(buy).then(pl.col("_bq")).when(sell).then(pl.col("_qq")),
            fee_asset=pl.when(has_fee).then(ex.asset_code(c["fee_ccy"])),
            fee_qty=pl.when(has_fee).then(ex.unsigned(fee)),
            id=pl.col("_id"),
            note=note.fill_null(""),
            error=pl.when(skip.is_null()).then(errors),
            skip=skip,
        )
    ).sort("line")
