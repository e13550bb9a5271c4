"""Robinhood Crypto's gains and losses CSV (Account -> Reports and statements -> Tax documents).

``ASSET NAME,RECEIVED DATE,COST BASIS(USD),DATE SOLD,PROCEEDS,AMOUNT SOLD,DURATION,NONCOVERED,BASIS REPORTED``
under a preamble of ``Provider: Robinhood Crypto LLC`` and ``Disclaimer:`` lines, which sniffing passes over.
Robinhood documents no layout: this header is the one another project's fixture keeps. The shorter form
other tools show (the same preamble over ``ASSET NAME,RECEIVED DATE,COST BASIS(USD),DATE SOLD,PROCEEDS``,
made for TurboTax) has no quantity, without which a lot cannot be rebuilt: it is named a near miss, and a
user who adds an ``AMOUNT SOLD`` column gets an error on each row until its units are filled in.

The report lists one row per lot sold: the units, when they were received and what they cost (fees
included), when they were sold and what they brought (fees taken out). Dates are days, written month
first (``03/15/24`` or ``03/15/2024``; ISO ``2024-03-15`` is read too; a day-first or blank date is an
error), money is USD with an optional ``$`` and thousands commas. ``ASSET NAME`` is a ticker; a coin's
full name (``Bitcoin``) is read as its ticker (:data:`NAMES`).

Each row becomes two ledger rows in wallet "Robinhood", so the lots engine can match them like any
other history:

- the lot's acquisition: a trade of ``COST BASIS(USD)`` USD for ``AMOUNT SOLD`` of ``ASSET NAME`` on
  ``RECEIVED DATE`` (a zero cost basis, such as a crypto reward, is a deposit valued at 0);
- its sale: a trade of those units for ``PROCEEDS`` USD on ``DATE SOLD`` (zero proceeds: a spend at 0).

A date alone is read as 12:00 UTC (the sale at 12:00:01, so a lot bought and sold on one day is bought
first), which is the same calendar day in every US zone, so ``--tz`` never moves a holding period. The
rows have no ids of their own: they get content ids, so the same report downloaded twice is read once.
taxlots matches the rebuilt lots by the run's method and scope: with FIFO (Robinhood's default) in a pool
of Robinhood's own (``--scope per-wallet``, or any scope when no other wallet holds the asset) each sale
takes its own row's lot again; otherwise lots may pair differently. ``DURATION``, ``NONCOVERED`` and
``BASIS REPORTED`` go into the note; when Robinhood reported the basis to the IRS, say so with
``taxlots report --broker Robinhood=basis-reported``.
"""

from __future__ import annotations

import polars as pl

from taxlots.importers import _exprs as ex
from taxlots.importers.base import Context

NAME = "robinhood"
TITLE = "Robinhood Crypto gains and losses CSV"
WALLET = "Robinhood"
SIGNATURES = (("asset name", "received date", "cost basis(usd)", "date sold", "proceeds", "amount sold"),)
#: ``ASSET NAME`` is a ticker in the files other tools keep; should a coin's full name appear, it is read as its
#: ticker (the coins Robinhood lists), so that the lots meet the same asset from other wallets.
NAMES = {
    "BITCOIN": "BTC", "ETHEREUM": "ETH", "DOGECOIN": "DOGE", "LITECOIN": "LTC", "BITCOIN CASH": "BCH",
    "ETHEREUM CLASSIC": "ETC", "BITCOIN SV": "BSV", "SOLANA": "SOL", "SHIBA INU": "SHIB", "AVALANCHE": "AVAX",
    "UNISWAP": "UNI", "CHAINLINK": "LINK", "STELLAR LUMENS": "XLM", "STELLAR": "XLM", "COMPOUND": "COMP",
    "POLYGON": "MATIC", "AAVE": "AAVE", "TEZOS": "XTZ", "USD COIN": "USDC", "CARDANO": "ADA", "PEPE": "PEPE",
}  # fmt: skip
#: Month-first day formats by shape. A two-digit year is read as polars reads ``%y``: 00-69 are 2000-2069, 70-99 are
#: 1970-1999 (Robinhood Crypto opened in 2018, so every real date is of the first kind).
_DAY_FORMATS = ((r"^\d{1,2}/\d{1,2}/\d{2}$", "%m/%d/%y"), (r"^\d{1,2}/\d{1,2}/\d{4}$", "%m/%d/%Y"), (r"^\d{4}-\d{2}-\d{2}$", "%Y-%m-%d"))


def _day(name: str, label: str, *, second: int) -> tuple[pl.Expr, pl.Expr]:
    """A day column as a UTC timestamp at 12:00:``second``, and its error."""
    s = ex.blank_to_null(pl.col(name))
    day = pl.coalesce(pl.when(s.str.contains(shape)).then(s.str.to_date(fmt, strict=False)) for shape, fmt in _DAY_FORMATS)
    ts = (day.cast(pl.Datetime("us")) + pl.duration(hours=12, seconds=second)).dt.replace_time_zone("UTC")
    return ts, ex.timestamp_error(pl.col(name), ts, label, "a month-first date like '03/15/24'")


def _amount(name: str, label: str) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """``(value, is_zero, error)`` of a non-negative number column (money cleaned of ``$`` and commas)."""
    value, error = ex.checked_number(pl.col(name), label, money=True)
    negative = pl.when(ex.is_negative(value).fill_null(False)).then(
        pl.format(f"{label} '{{}}' is negative", pl.col(name).str.strip_chars())
    )
    blank = pl.when(ex.blank_to_null(pl.col(name)).is_null()).then(pl.lit(f"{label} is blank"))
    return ex.expand_exponent(value), ex.is_zero(value).fill_null(False), ex.join_errors(blank, error, negative)


def normalize(lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """Robinhood gains rows -> a buy and a sale of each lot."""
    label = dict(zip(ctx.header, ctx.raw_header, strict=False))
    bought, bought_err = _day("received date", label["received date"], second=0)
    sold, sold_err = _day("date sold", label["date sold"], second=1)
    basis, free, basis_err = _amount("cost basis(usd)", label["cost basis(usd)"])
    proceeds, worthless, proceeds_err = _amount("proceeds", label["proceeds"])
    qty, no_units, qty_err = _amount("amount sold", label["amount sold"])
    asset = ex.asset_code(pl.col("asset name").str.replace_all(r"\s+", " "), NAMES)
    units_err = pl.when(no_units).then(pl.lit(f"{label['amount sold']} is zero"))
    order_err = pl.when(sold < bought).then(pl.lit(f"{label['date sold']} is before {label['received date']}"))
    asset_err = pl.when(asset.is_null()).then(pl.lit(f"{label['asset name']} is blank"))
    lf = lf.with_columns(
        _bought=bought, _sold=sold, _basis=basis, _free=free, _proceeds=proceeds, _worthless=worthless, _qty=qty, _asset=asset,
        _err=ex.join_errors(asset_err, bought_err, sold_err, basis_err, proceeds_err, qty_err, units_err, order_err),
        _note=ex.note(
            ex.column(ctx, "duration"),
            pl.format(f"{label.get('noncovered', 'NONCOVERED')} {{}}", ex.blank_to_null(ex.column(ctx, "noncovered"))),
            pl.format(f"{label.get('basis reported', 'BASIS REPORTED')} {{}}", ex.blank_to_null(ex.column(ctx, "basis reported"))),
        ),
    )  # fmt: skip
    b, q, p, usd = pl.col("_basis"), pl.col("_qty"), pl.col("_proceeds"), pl.lit("USD")
    free, worthless, asset = pl.col("_free"), pl.col("_worthless"), pl.col("_asset")
    acquisition = ex.unified(
        timestamp=pl.col("_bought"),
        wallet=pl.lit(WALLET),
        type=pl.when(free).then(pl.lit("deposit")).otherwise(pl.lit("trade")),
        sent_asset=pl.when(~free).then(usd),
        sent_qty=pl.when(~free).then(b),
        received_asset=asset,
        received_qty=q,
        usd_value=pl.when(free).then(pl.lit("0")),
        note=ex.note(pl.format("lot sold {}", pl.col("date sold").str.strip_chars()), pl.col("_note")),
        error=pl.col("_err"),
    )
    sale = ex.unified(
        timestamp=pl.col("_sold"),
        wallet=pl.lit(WALLET),
        type=pl.when(worthless).then(pl.lit("spend")).otherwise(pl.lit("trade")),
        sent_asset=asset,
        sent_qty=q,
        received_asset=pl.when(~worthless).then(usd),
        received_qty=pl.when(~worthless).then(p),
        usd_value=pl.when(worthless).then(pl.lit("0")),
        note=ex.note(pl.format("lot received {}", pl.col("received date").str.strip_chars()), pl.col("_note")),
    )
    # a row in error is reported once, on its acquisition; its sale is not made
    return pl.concat([lf.select(acquisition), lf.filter(pl.col("_err").is_null()).select(sale)], how="vertical")
