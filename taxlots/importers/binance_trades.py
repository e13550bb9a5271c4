"""Binance spot Trade History export (Orders -> Spot Order -> Trade History -> Export).

Two shapes, both one row per fill and without any id:

- 2021 onward: ``Date(UTC),Pair,Side,Price,Executed,Amount,Fee`` (``Quantity`` instead of ``Executed`` in
  some files, sometimes a trailing ``Fee Coin``). ``Executed`` is the base quantity and ``Amount`` the quote
  quantity, each with its asset glued on (``0.5000000000ETH``, ``"1,250.0000000000BTC"``); ``Fee`` too
  (``0.0035768000BNB``). Base tickers may start with digits (``1INCH``), so the base is never read off a
  quantity: the quote is the ticker that ends ``Amount`` (quote assets start with a letter), the pair must
  end with it, the rest of the pair is the base, and ``Executed`` must be a number followed by that base.
  Plain, unglued numbers fall back to the quote list :data:`QUOTES`. The fee's asset is ``Fee Coin`` when
  given, else the base, quote or BNB glued on, else the ticker after the number.
- up to early 2021: ``Date(UTC),Market,Type,Price,Amount,Total,Fee,Fee Coin`` with plain numbers; here
  ``Amount`` is the base and ``Total`` the quote, and ``Market`` is split with :data:`QUOTES`.

Headers translated into the UI language (Czech ``Čas,Pár,Strana,...``) are not recognized yet.

Dates are ``YYYY-MM-DD HH:MM:SS`` or, in newer exports, ``YY-MM-DD HH:MM:SS``, in the zone the header names
(``Date(UTC)``, ``Date(UTC+1)``, ``Date(UTC-05:30)``). A BUY sends the quote and receives the base, a SELL
the reverse; both quantities are gross and the fee leaves in its own asset (BNB, or deducted from the
received asset).

Counting each trade once. Binance gives no trade ids, and the Transaction History statement
(:mod:`binance_statement`) lists the same trades again as legs stamped with the same second. So both
importers aggregate a trade the same way: every fill of one pair and side in one UTC second becomes one
row (quantities and fees summed), with the derived id
``binance:<second>:<sent asset>:<received asset>:<sent qty>:<received qty>`` (gross, trailing zeros
dropped). This importer has the higher :data:`PRIORITY`, so when both exports are loaded its row wins, and
overlapping Trade History exports collapse by the same id. If one second holds fees in the received
asset and in BNB, the received-asset part is netted out of ``received_qty`` (one fee asset per row); fees
in two other assets (BNB and USDT) put the first on the trade and the second on a ``fee`` row of its own
(id ``<trade id>:fee2``, priced later); three or more are an error.
Summing makes one lot per pair, side and second (at the fills' average price) instead of one per fill.
A fill whose value cannot be read makes its whole second's trade an error (nothing partial is kept).
"""

from __future__ import annotations

import re

import polars as pl

from taxlots.importers import _exprs as ex
from taxlots.importers.base import Context

NAME = "binance-trades"
TITLE = "Binance Trade History (spot fills)"
PRIORITY = 10  # above binance-statement: the same trade from both exports is kept from here
SIGNATURES = (
    ("pair", "side", "price", "executed", "amount", "fee"),
    ("pair", "side", "price", "quantity", "amount", "fee"),
    ("market", "type", "price", "amount", "total", "fee", "fee coin"),
)
WALLET = "Binance"
#: Quote assets for splitting a market symbol whose quantities carry no asset (longest match wins).
QUOTES = (
    "FDUSD", "USDT", "BUSD", "USDC", "TUSD", "USDP", "USDS", "IDRT", "BIDR", "BKRW", "AEUR", "BTC", "ETH",
    "BNB", "EUR", "GBP", "TRY", "BRL", "AUD", "RUB", "UAH", "NGN", "ZAR", "JPY", "PLN", "RON", "ARS",
    "MXN", "CZK", "COP", "DAI", "PAX", "TRX", "XRP", "DOGE", "DOT", "VAI",
)  # fmt: skip
#: Binance tickers that name another asset in the unified ledger (BETH is ETH staked 1:1 via "ETH 2.0 Staking").
ALIASES = {"BETH": "ETH"}

_DATE_COLUMN = re.compile(r"^date\(utc(?:\s*([+-])\s*(\d{1,2})(?::?(\d\d))?)?\)$")
_NUM = r"^\d[\d,]*(\.\d+)?$"
_TICKER = r"^\d[\d,]*(?:\.\d+)?([A-Z][A-Z0-9]*)$"  # a number, then a ticker that starts with a letter
_SPLIT = "is not a number followed by a quote asset that ends the pair"
_QUOTE_RE = "^(.+?)(" + "|".join(QUOTES) + ")$"  # the shortest base, so the longest listed quote


def _date_column(header: tuple[str, ...]) -> str | None:
    return next((cell for cell in header if _DATE_COLUMN.match(cell)), None)


def claims(header: tuple[str, ...]) -> bool:
    """A Binance trade export has a ``Date(UTC...)`` column."""
    return _date_column(header) is not None


def short_year(raw: pl.Expr) -> pl.Expr:
    """Whether a date cell has the two-digit year of newer exports (``24-03-08 10:15:42``)."""
    return ex.blank_to_null(raw).str.contains(r"^\d\d-\d{1,2}-\d{1,2} ")


def wall_time(raw: pl.Expr, short: bool | None = None) -> pl.Expr:
    """``2024-03-08 10:15:42`` or ``24-03-08 10:15:42`` as a naive datetime (null when neither).

    ``short``: whether every cell (True) or none (False) has a two-digit year (:func:`short_year`), when the
    caller knows; each cell is then parsed in the one form instead of both.
    """
    s = ex.blank_to_null(raw)
    forms = {True: s.str.to_datetime("%y-%m-%d %H:%M:%S", strict=False), False: s.str.to_datetime("%Y-%m-%d %H:%M:%S", strict=False)}
    if short is not None:
        return forms[short]
    return pl.when(short_year(raw)).then(forms[True]).otherwise(forms[False])


def decimal_text(expr: pl.Expr) -> pl.Expr:
    """A ``Decimal(38, 18)`` as canonical text, what :func:`ex.plain_decimal` gives: its point test always passes on one."""
    return expr.cast(pl.String).str.strip_chars_end("0").str.strip_suffix(".")


def trade_id(prefix: pl.Expr, ts: pl.Expr) -> pl.Expr:
    """The derived id both Binance importers give one :func:`combine_legs` trade: prefix, second, assets, gross quantities."""
    parts = [ts.dt.strftime("%Y-%m-%dT%H:%M:%SZ"), *(pl.col(c) for c in ("sent_asset", "received_asset", "sent_gross", "received_gross"))]
    return pl.concat_str([prefix, *parts], separator=":")


#: The unified columns a :func:`combine_legs` trade fills.
TRADE_COLUMNS = ("sent_asset", "sent_qty", "received_asset", "received_qty", "fee_asset", "fee_qty")


def combine_legs(legs: pl.LazyFrame, keys: list[str], carry: tuple[str, ...] = ()) -> pl.LazyFrame:
    """Sum the legs of each group into one trade.

    Args:
        legs: ``keys``, ``line``, ``role`` (sent, received, fee, or own_fee for a fee in the received asset),
            ``asset``, ``qty`` (a positive number string) and the ``carry`` columns.
        keys: the columns that name a group.
        carry: columns that hold one value per group (it is kept).

    Returns:
        Per group: ``line`` (smallest), ``sent_n``/``received_n`` (distinct assets on each side), the first
        asset of each side (by ticker) with its summed gross quantity (``sent_gross``/``received_gross``,
        canonical), the fee (``fee_asset``/``fee_qty``: one asset; a fee in the received asset next to
        another fee is netted out of ``received_qty``) and ``fee_n``/``fee_min``/``fee_max`` for the fees in
        other assets (two or more cannot be written in one row). Legs of zero quantity count only for ``line``.

    The legs are summed per group, role and asset, and those sums sorted by them: a role's first and last
    sum in its group are then its smallest and largest asset, marked by comparing neighbours. So the one row
    per group is a group-by of plain minima, maxima and counts over columns made beforehand (a group-by
    that filters inside its aggregations runs row by row, seconds on a million trades), grouped by the run
    number of the sorted groups, an integer, instead of by ``keys``.
    """
    role = pl.when(ex.is_zero(pl.col("qty"))).then(pl.lit("zero")).otherwise(pl.col("role"))
    per = (
        legs.with_columns(role=role)
        .group_by([*keys, "role", "asset"])
        .agg(
            ex.as_decimal(pl.col("qty")).sum(),
            pl.col("line").min(),
            pl.col("line").max().alias("_line_max"),
            *(pl.col(c).first() for c in carry),
        )
        .sort([*keys, "role", "asset"])  # a role's null asset (a fee cell without one) first
    )
    run = pl.struct([*keys, "role"]).rle_id()
    per = per.with_columns(
        _gid=pl.struct(keys).rle_id(), _first=(run != run.shift(1)).fill_null(True), _last=(run != run.shift(-1)).fill_null(True)
    )
    asset, first, last = pl.col("asset"), pl.col("_first"), pl.col("_last")
    smallest = asset.is_not_null() & (first | asset.shift(1).is_null())  # the first asset after a null one
    largest = asset.is_not_null() & last
    is_role = {r: pl.col("role") == r for r in ("sent", "received", "fee", "own_fee")}
    fee = is_role["fee"]
    per = per.with_columns(
        **{f"_{side}_n": is_role[side] for side in ("sent", "received", "fee")},
        **{f"_{side}_asset": pl.when(is_role[side]).then(asset) for side in ("sent", "received", "fee")},
        **{f"_{side}_gross": pl.when(is_role[side] & first).then(pl.col("qty")) for side in ("sent", "received")},
        _fee_gross=pl.when(fee & smallest).then(pl.col("qty")),
        _fee2_gross=pl.when(fee & largest).then(pl.col("qty")),
        _fee2_line=pl.when(fee & largest).then(pl.col("line")),
        _own_qty=pl.when(is_role["own_fee"] & first).then(pl.col("qty")),
    )
    agg: dict[str, pl.Expr] = {"line": pl.col("line").min(), "_line_max": pl.col("_line_max").max()}
    for side in ("sent", "received", "fee"):
        agg[f"{side}_n"] = pl.col(f"_{side}_n").sum()
        agg[f"{side}_asset"] = pl.col(f"_{side}_asset").min()
        agg[f"{side}_gross"] = pl.col(f"_{side}_gross").max()  # each of these has one value per group at most
    agg |= {"fee_max": pl.col("_fee_asset").max()} | {name: pl.col(f"_{name}").max() for name in ("fee2_gross", "fee2_line", "own_qty")}
    out = per.group_by("_gid").agg(**{k: pl.col(k).first() for k in keys}, **agg, **{c: pl.col(c).first() for c in carry}).drop("_gid")
    other = pl.col("fee_n") >= 1
    own = pl.col("own_qty").is_not_null()
    quantities = {
        "received_qty": pl.when(other & own).then(pl.col("received_gross") - pl.col("own_qty")).otherwise(pl.col("received_gross")),
        "sent_qty": pl.col("sent_gross"),
        "fee_qty": pl.when(other).then(pl.col("fee_gross")).when(own).then(pl.col("own_qty")),
        "fee2_qty": pl.when(pl.col("fee_n") == 2).then(pl.col("fee2_gross")),
        "sent_gross": pl.col("sent_gross"),
        "received_gross": pl.col("received_gross"),
    }
    return out.with_columns(
        **{name: decimal_text(qty) for name, qty in quantities.items()},
        fee_asset=pl.when(other).then(pl.col("fee_asset")).when(own).then(pl.col("received_asset")),
        fee_min=pl.col("fee_asset"),
        fee2_line=pl.when(pl.col("fee2_line") != pl.col("line")).then(pl.col("fee2_line")).otherwise(pl.col("_line_max")),
    )


def second_fees(trades: pl.LazyFrame, trade_id: pl.Expr) -> pl.LazyFrame:
    """The ``fee`` rows of :func:`combine_legs` trades whose fees were paid in two assets (besides the received one).

    The trade row carries the first fee asset (by ticker); the second is a fee paid in property on a row of
    its own, priced later, id ``<trade id>:fee2``, on the line of a leg that paid it (never the trade's line).
    """
    return trades.filter(pl.col("fee_n") == 2).select(
        ex.unified(
            line=pl.col("fee2_line"),
            timestamp=pl.col("_ts"),
            wallet=pl.lit(WALLET),
            type=pl.lit("fee"),
            sent_asset=pl.col("fee_max"),
            sent_qty=pl.col("fee2_qty"),
            id=trade_id + ":fee2",
            note=pl.format("trade fee of {} charged in a second asset", trade_id),
        )
    )


def line_list(line: pl.Expr) -> pl.Expr:
    """``"line 3"`` or ``"lines 3, 4"``: the lines of a group (an aggregation), for messages."""
    joined = line.sort().cast(pl.String).str.join(", ")
    return pl.when(line.len() > 1).then(pl.lit("lines ")).otherwise(pl.lit("line ")) + joined


def fee_error() -> pl.Expr:
    """The message for a :func:`combine_legs` trade whose fees were paid in three or more assets besides the received one."""
    assets = pl.format("{}, …, {}", pl.col("fee_min"), pl.col("fee_max"))
    return pl.when(pl.col("fee_n") > 2).then(
        pl.format("fees were paid in {} assets ({}); taxlots reads at most two fee assets per trade", pl.col("fee_n"), assets)
    )


def precise(expr: pl.Expr, label: str) -> pl.Expr:
    """An error for a quantity with more fraction digits than the 18 the sums keep."""
    return pl.when(expr.str.contains(r"\.\d{19,}")).then(pl.format(f"{label} '{{}}' has more than 18 decimals", expr))


def _number(text: pl.Expr) -> pl.Expr:
    """A plain positive number, thousands commas removed; null when ``text`` is not one."""
    return pl.when(text.str.contains(_NUM)).then(text.str.replace_all(",", ""))


def _fee_asset(fee: pl.Expr, fee_coin: pl.Expr, base: pl.Expr, quote: pl.Expr) -> pl.Expr:
    """The asset of a fee cell: ``Fee Coin`` when given, else the base, quote or BNB glued on, else its trailing ticker."""
    glued = [
        pl.when(fee.str.ends_with(known) & _number(fee.str.strip_suffix(known)).is_not_null()).then(known)
        for known in (base, quote, pl.lit("BNB"))
    ]
    return pl.coalesce(fee_coin, *glued, fee.str.extract(_TICKER, 1))


def _columns(ctx: Context) -> tuple[str, dict[str, str], int]:
    """The date column, the roles of the other columns in this header variant, and the zone offset in minutes."""
    header = set(ctx.header)
    date_col = _date_column(ctx.header) or "date(utc)"
    sign, hours, minutes = _DATE_COLUMN.match(date_col).groups()  # type: ignore[union-attr]
    offset = (int(hours or 0) * 60 + int(minutes or 0)) * (-1 if sign == "-" else 1)
    if "market" in header and "pair" not in header:
        return date_col, {"pair": "market", "side": "type", "base": "amount", "quote": "total"}, offset
    return date_col, {"pair": "pair", "side": "side", "base": "executed" if "executed" in header else "quantity", "quote": "amount"}, offset


def _parse(lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """One row per fill: UTC time, side, base/quote, quantities, fee, and the row's error.

    Built in stages of plain columns, so that no expression is repeated inside another (polars would
    otherwise plan an expression tree that grows with every reuse).
    """
    date_col, col, offset = _columns(ctx)
    wall = wall_time(pl.col(date_col))
    lf = lf.with_columns(
        _ts=(wall - pl.duration(minutes=offset)).dt.replace_time_zone("UTC"),
        _pair=ex.blank_to_null(pl.col(col["pair"])).str.to_uppercase(),
        _side=ex.blank_to_null(pl.col(col["side"])).str.to_uppercase(),
        _btext=ex.blank_to_null(pl.col(col["base"])).str.to_uppercase(),
        _qtext=ex.blank_to_null(pl.col(col["quote"])).str.to_uppercase(),
        _ftext=ex.blank_to_null(pl.col("fee")).str.to_uppercase(),
        _fcoin=ex.asset_code(ex.column(ctx, "fee coin")),
    )
    plain = _number(pl.col("_btext")).is_not_null() & _number(pl.col("_qtext")).is_not_null()
    glued_quote = pl.col("_qtext").str.extract(_TICKER, 1)
    glued_quote = pl.when(pl.col("_pair").str.ends_with(glued_quote) & (pl.col("_pair") != glued_quote)).then(glued_quote)
    lf = lf.with_columns(_plain=plain, _quote=pl.when(plain).then(pl.col("_pair").str.extract(_QUOTE_RE, 2)).otherwise(glued_quote))
    lf = lf.with_columns(_base=pl.col("_pair").str.strip_suffix(pl.col("_quote")))
    lf = lf.with_columns(_fee_asset=_fee_asset(pl.col("_ftext"), pl.col("_fcoin"), pl.col("_base"), pl.col("_quote")))
    lf = lf.with_columns(
        _exec=_number(pl.col("_btext").str.strip_suffix(pl.col("_base"))),
        _amount=_number(pl.col("_qtext").str.strip_suffix(pl.col("_quote"))),
        _fee_qty=_number(
            pl.when(pl.col("_fee_asset").is_not_null())
            .then(pl.col("_ftext").str.strip_suffix(pl.col("_fee_asset")))
            .otherwise(pl.col("_ftext"))
        ),
    )
    errors = [
        ex.timestamp_error(pl.col(date_col), pl.col("_ts"), ctx.raw_header[ctx.header.index(date_col)], "a date like 2024-03-08 10:15:42"),
        *_errors(col),
    ]
    return lf.with_columns(
        _error=ex.join_errors(*errors), _k_time=pl.col(date_col).str.strip_chars(), _k_pair=pl.col("_pair"), _k_side=pl.col("_side")
    )


def _errors(col: dict[str, str]) -> list[pl.Expr]:
    label = {k: v.title() for k, v in col.items()}
    shown = {k: pl.col(v).str.strip_chars() for k, v in col.items()}
    quote_ok = pl.col("_quote").is_not_null()
    return [
        pl.when(pl.col("_side").is_null())
        .then(pl.lit(f"{label['side']} is blank"))
        .when(~pl.col("_side").is_in(["BUY", "SELL"]))
        .then(pl.format(f"{label['side']} '{{}}' is not BUY or SELL", shown["side"])),
        pl.when(pl.col("_pair").is_null())
        .then(pl.lit(f"{label['pair']} is blank"))
        .when(pl.col("_btext").is_null())
        .then(pl.lit(f"{label['base']} is blank"))
        .when(pl.col("_qtext").is_null())
        .then(pl.lit(f"{label['quote']} is blank"))
        .when(pl.col("_plain") & ~quote_ok)
        .then(pl.format(f"{label['pair']} '{{}}' does not end with a known quote asset ({', '.join(QUOTES)})", shown["pair"]))
        .when(~quote_ok)
        .then(
            pl.format(
                f"cannot split {label['pair']} '{{}}' into base and quote: {label['quote']} '{{}}' {_SPLIT}", shown["pair"], shown["quote"]
            )
        ),
        pl.when(quote_ok & pl.col("_exec").is_null()).then(
            pl.format(f"{label['base']} '{{}}' is not a number followed by {{}}", shown["base"], pl.col("_base"))
        ),
        pl.when(quote_ok & pl.col("_amount").is_null()).then(
            pl.format(f"{label['quote']} '{{}}' is not a number followed by {{}}", shown["quote"], pl.col("_quote"))
        ),
        pl.when(pl.col("_ftext").is_not_null() & pl.col("_fee_qty").is_null()).then(
            pl.format("Fee '{}' is not a number followed by an asset", pl.col("fee").str.strip_chars())
        ),
        # A bare number with no Fee Coin: the fee's asset is unknown (it was dropped, or another fee counted twice).
        pl.when(pl.col("_fee_qty").is_not_null() & pl.col("_fee_asset").is_null() & ~ex.is_zero(pl.col("_fee_qty"))).then(
            pl.format("Fee '{}' does not name its asset (no asset after the number, no Fee Coin)", pl.col("fee").str.strip_chars())
        ),
        *(precise(pl.col(c), n) for c, n in (("_exec", label["base"]), ("_amount", label["quote"]), ("_fee_qty", "Fee"))),
    ]


_KEYS = ["_k_time", "_k_pair", "_k_side"]


def _legs(good: pl.LazyFrame) -> pl.LazyFrame:
    buy = pl.col("_side") == "BUY"
    base = (pl.col("_base"), pl.col("_exec"))
    quote = (pl.col("_quote"), pl.col("_amount"))
    sent = [pl.when(buy).then(q).otherwise(b) for q, b in zip(quote, base, strict=True)]
    received = [pl.when(buy).then(b).otherwise(q) for q, b in zip(quote, base, strict=True)]
    own = pl.col("_fee_asset") == received[0]
    cols = [*_KEYS, "line", "_ts", "_n"]
    parts = [
        good.select(*cols, role=pl.lit("sent"), asset=sent[0], qty=sent[1]),
        good.select(*cols, role=pl.lit("received"), asset=received[0], qty=received[1]),
        good.filter(pl.col("_fee_qty").is_not_null()).select(
            *cols, role=pl.when(own).then(pl.lit("own_fee")).otherwise(pl.lit("fee")), asset=pl.col("_fee_asset"), qty=pl.col("_fee_qty")
        ),
    ]
    return pl.concat(parts).with_columns(asset=pl.col("asset").replace(ALIASES))


def normalize(lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """One trade row per pair, side and second (fills summed), or one error row per unreadable fill."""
    rows = _parse(lf, ctx).with_columns(_bad=pl.col("_error").is_not_null().any().over(_KEYS)).cache()
    bad = rows.filter(pl.col("_bad")).with_columns(_n=pl.len().over(_KEYS), _lines=line_list(pl.col("line")).over(_KEYS))
    left_out = pl.when(pl.col("_n") > 1).then(pl.format(" (so its trade, {}, was left out)", pl.col("_lines"))).otherwise(pl.lit(""))
    bad = bad.filter(pl.col("_error").is_not_null()).select(
        ex.unified(timestamp=pl.col("_ts"), wallet=pl.lit(WALLET), type=pl.lit("trade"), note=pl.lit(""), error=pl.col("_error") + left_out)
    )
    good = rows.filter(~pl.col("_bad")).with_columns(_n=pl.len().over(_KEYS))
    trades = combine_legs(_legs(good), _KEYS, carry=("_ts", "_n"))
    note = pl.format("{} {}", pl.col("_k_side"), pl.col("_k_pair")) + pl.when(pl.col("_n") > 1).then(
        pl.format(", {} fills", pl.col("_n"))
    ).otherwise(pl.lit(""))
    ok = trades.select(
        ex.unified(
            timestamp=pl.col("_ts"), wallet=pl.lit(WALLET), type=pl.lit("trade"), **{c: pl.col(c) for c in TRADE_COLUMNS},
            id=trade_id(pl.lit("binance"), pl.col("_ts")), note=note, error=fee_error(),
        )
    )  # fmt: skip
    fees = second_fees(trades, trade_id(pl.lit("binance"), pl.col("_ts")))
    return pl.concat([ok, fees, bad]).sort("line")
