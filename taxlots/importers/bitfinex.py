"""Bitfinex "Trades" report (report.bitfinex.com -> Trades -> Export CSV).

``#,PAIR,AMOUNT,PRICE,FEE,FEE PERC,FEE CURRENCY,DATE,ORDER ID`` (``FEE PERC`` appeared around 2021-01;
older files lack it); the 2014 report is ``#,Pair,Amount,Price,Fee,FeeCurrency,Date,Margin``: no order id,
and a ``Margin`` flag (a margin trade is an error: taxlots reads spot activity only; blank, ``0`` or
``false`` is spot). Quirks:

- ``PAIR`` is ``BASE/QUOTE`` (``ETH/USD``), ``BASE:QUOTE`` for long tickers (``XAUT:USD``), or, in old
  files, six letters (``ETHUSD``). Bitfinex's own tickers are mapped (``UST`` -> USDT, ``UDC`` -> USDC, ...).
- ``AMOUNT`` is signed (+ buy, - sell, base units); ``PRICE`` is in the quote. The quote quantity is
  |AMOUNT| x PRICE, computed exactly (an error if that needs more than 18 decimals).
- ``FEE`` is negative, in ``FEE CURRENCY``: the currency *received* (the base on a buy, the quote on a
  sell). It is reported as the row's fee in that asset; the received quantity stays gross.
- ``DATE`` follows the export dialog's date-format setting: ``DD-MM-YY`` (the documented default),
  ``MM-DD-YY`` or ``YY-MM-DD``, with ``HH:MM:SS`` and an optional ``.000``; the file does not say which.
  The order is inferred from the whole file: an order under which some date is impossible (a first
  field > 31 is a year, a middle field > 12 is not a month, 31-04 does not exist, ...) is ruled out, and
  the order with the fewest impossible dates wins. When several orders fit every date, day-first is
  used (the default), then year-first (reported by users), then month-first. A YY-MM-DD file from
  2024-2031 fits day-first too (``24-03-15`` = 24 Mar 2015), so such files are read day-first: set the
  export's date format to DD-MM-YY, or use full years, to be sure. 4-digit years are read as written.
- The zone is the export dialog's setting (default UTC) and is not in the file: ``ctx.tz`` is used.

``id`` is ``bitfinex:<#>``; wallet ``Bitfinex``; ``usd_value`` blank (a USD quote is its own value).
"""

from __future__ import annotations

import polars as pl

from taxlots.importers import _exprs as ex
from taxlots.importers.base import Context

NAME = "bitfinex-trades"
TITLE = "Bitfinex trades report CSV"
SIGNATURES = (
    ("#", "pair", "amount", "price", "fee", "fee perc", "fee currency", "date", "order id"),
    ("#", "pair", "amount", "price", "fee", "fee currency", "date", "order id"),
    ("#", "pair", "amount", "price", "fee", "feecurrency", "date", "margin"),  # 2014
)
#: The trades report is the authoritative record of trades, which the ledgers report rebuilds (bitfinex_ledgers).
SPOT_TRADE = "bitfinex-trade"
AUTHORITATIVE = (SPOT_TRADE,)
_SPOT_FLAGS = ("", "0", "false", "no")

WALLET = "Bitfinex"
ALIASES = {
    "UST": "USDT",
    "UDC": "USDC",
    "EUT": "EURT",
    "TSD": "TUSD",
    "ALG": "ALGO",
    "ATO": "ATOM",
    "DAT": "DATA",
    "DSH": "DASH",
    "IOT": "IOTA",
    "MNA": "MANA",
    "QSH": "QASH",
    "QTM": "QTUM",
    "YYW": "YOYOW",
}
_SCALE = 18
_TIME = " %H:%M:%S%.f"
_SHORT = r"^\d\d-\d\d-\d\d "  # DD-MM-YY, MM-DD-YY or YY-MM-DD
_LONG = r"^\d\d-\d\d-\d{4} "  # DD-MM-YYYY or MM-DD-YYYY
_ISO = r"^\d{4}-\d\d-\d\d "  # YYYY-MM-DD: the same in every order
#: (name, format of a 2-digit-year date, format of a DD-MM-YYYY-like date), in order of preference.
_ORDERS = (
    ("day-first (DD-MM-YY)", "%d-%m-%y", "%d-%m-%Y"),
    ("year-first (YY-MM-DD)", "%y-%m-%d", None),
    ("month-first (MM-DD-YY)", "%m-%d-%y", "%m-%d-%Y"),
)


def _parse(s: pl.Expr, short_fmt: str, long_fmt: str | None) -> pl.Expr:
    iso = s.str.to_datetime("%Y-%m-%d" + _TIME, strict=False)
    long = s.str.to_datetime(long_fmt + _TIME, strict=False) if long_fmt is not None else pl.lit(None, pl.Datetime("us"))
    return (
        pl.when(s.str.contains(_SHORT))
        .then(s.str.to_datetime(short_fmt + _TIME, strict=False))
        .when(s.str.contains(_LONG))
        .then(long)
        .when(s.str.contains(_ISO))
        .then(iso)
    )


def with_timestamp(lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """Add ``_ts`` and ``_ts_error``: DATE read in the order that fits the most rows of the whole file."""
    s = ex.blank_to_null(pl.col("date"))
    lf = lf.with_columns(_date=s).with_columns(**{f"_d{i}": _parse(pl.col("_date"), *o[1:]) for i, o in enumerate(_ORDERS)})
    fails = [(pl.col("_date").is_not_null() & pl.col(f"_d{i}").is_null()).sum() for i in range(len(_ORDERS))]
    first = (fails[0] <= fails[1]) & (fails[0] <= fails[2])
    second = ~first & (fails[1] <= fails[2])
    lf = lf.with_columns(
        _naive=pl.when(first).then("_d0").when(second).then("_d1").otherwise("_d2"),
        _order=pl.when(first).then(pl.lit(_ORDERS[0][0])).when(second).then(pl.lit(_ORDERS[1][0])).otherwise(pl.lit(_ORDERS[2][0])),
    )
    lf = lf.with_columns(
        _ts=pl.col("_naive").dt.replace_time_zone(ctx.tz, ambiguous="earliest", non_existent="null").dt.convert_time_zone("UTC")
    )
    error = (
        pl.when(pl.col("_date").is_null())
        .then(pl.lit("DATE is blank"))
        .when(pl.col("_ts").is_null())
        .then(pl.format("DATE '{}' is not a date and time in this file's {} order", pl.col("_date"), pl.col("_order")))
    )
    return lf.with_columns(_ts_error=error)


def _scale(num: pl.Expr) -> pl.Expr:
    """Decimal places of a plain or exponent number string, trailing zeros ignored."""
    frac = num.str.extract(r"\.(\d*?)0*(?:[eE]|$)", 1).str.len_chars().fill_null(0).cast(pl.Int64)
    exp = num.str.extract(r"[eE]([+-]?\d+)$", 1).cast(pl.Int64, strict=False).fill_null(0)
    return frac - exp


def _product(a: pl.Expr, b: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """Exact ``a x b`` of two checked number strings: ``(canonical string, error)``."""
    prod = ex.plain_decimal(a.str.to_decimal(scale=_SCALE) * b.str.to_decimal(scale=_SCALE))
    inexact = a.is_not_null() & b.is_not_null() & ((_scale(a) + _scale(b) > _SCALE) | prod.is_null())
    return prod, pl.when(inexact).then(pl.format(f"AMOUNT x PRICE ({{}} x {{}}) cannot be computed exactly in {_SCALE} decimals", a, b))


def _pair(raw: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    pair = ex.blank_to_null(raw).str.to_uppercase()
    sep = pair.str.extract_groups(r"^([A-Z0-9]+)[/:]([A-Z0-9]+)$")
    six = pair.str.extract_groups(r"^([A-Z0-9]{3})([A-Z0-9]{3})$")
    base = pl.coalesce(sep.struct.field("1"), six.struct.field("1"))
    quote = pl.coalesce(sep.struct.field("2"), six.struct.field("2"))
    return ex.asset_code(base, ALIASES), ex.asset_code(quote, ALIASES)


def normalize(lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """Bitfinex trade rows -> unified trades (one per row)."""
    amount, amount_err = ex.checked_number(pl.col("amount"), "AMOUNT")
    price, price_err = ex.checked_number(pl.col("price"), "PRICE")
    fee, fee_err = ex.checked_number(pl.col("fee"), "FEE")
    base, quote = _pair(pl.col("pair"))
    fee_currency = ex.column(ctx, "fee currency", "feecurrency")
    margin = ex.column(ctx, "margin").str.strip_chars().str.to_lowercase()
    lf = lf.with_columns(
        _amount=amount, _price=price, _fee=fee, _base=base, _quote=quote, _number_error=ex.join_errors(amount_err, price_err, fee_err)
    )
    amount, price, fee, base, quote = (pl.col(c) for c in ("_amount", "_price", "_fee", "_base", "_quote"))
    quote_qty, product_err = _product(ex.unsigned(amount), ex.unsigned(price))
    lf = with_timestamp(lf.with_columns(_qty=ex.unsigned(amount), _quote_qty=quote_qty, _product_error=product_err), ctx)
    qty, quote_qty = pl.col("_qty"), pl.col("_quote_qty")
    buy = amount.is_not_null() & ~ex.is_negative(amount)
    sell = ex.is_negative(amount)
    has_fee = fee.is_not_null() & ~ex.is_zero(fee)
    errors = ex.join_errors(
        pl.col("_number_error"),
        pl.when(amount.is_not_null() & ex.is_zero(amount)).then(pl.lit("AMOUNT is zero")),
        pl.when(price.is_not_null() & (ex.is_negative(price) | ex.is_zero(price))).then(pl.format("PRICE '{}' is not positive", price)),
        pl.when(quote.is_null()).then(pl.format("PAIR '{}' is not BASE/QUOTE (ETH/USD)", pl.col("pair").fill_null(""))),
        pl.when(has_fee & ex.blank_to_null(fee_currency).is_null()).then(pl.lit("FEE is given but FEE CURRENCY is blank")),
        pl.when(margin.is_not_null() & ~margin.is_in(_SPOT_FLAGS)).then(
            pl.format("Margin '{}': margin trading is not supported; taxlots reads spot activity only", margin)
        ),
        pl.col("_product_error"),
        pl.col("_ts_error"),
    )
    return lf.select(
        ex.unified(
            timestamp=pl.col("_ts"),
            wallet=pl.lit(WALLET),
            type=pl.lit("trade"),
            sent_asset=pl.when(buy).then(quote).when(sell).then(base),
            sent_qty=pl.when(buy).then(quote_qty).when(sell).then(qty),
            received_asset=pl.when(buy).then(base).when(sell).then(quote),
            received_qty=pl.when(buy).then(qty).when(sell).then(quote_qty),
            fee_asset=pl.when(has_fee).then(ex.asset_code(fee_currency, ALIASES)),
            fee_qty=pl.when(has_fee).then(ex.unsigned(fee)),
            id=pl.lit("bitfinex:") + ex.blank_to_null(pl.col("#")),
            note=pl.lit(""),
            error=errors,
            event_class=pl.lit(f"{SPOT_TRADE}:spot"),
        )
    ).sort("line")
