"""Fill the USD value of every taxable row that has none, from the best source that prices it.

The step between ingest and the engine. Which rows need a value (when ``usd_value`` is blank):

- ``trade`` with no USD side, ``income``, ``spend`` and ``fee`` rows;
- ``transfer`` whose ``received_qty`` is less than ``sent_qty`` (a network fee), and ``transfer``,
  ``withdrawal`` and ``deposit`` rows with a fee paid in the row's own asset (the engine prices such a fee
  from the row's value). A deposit without one is not priced: its basis comes from transfer matching or
  the user. A fee in a third asset (a BNB fee on a BTC/USDT trade) gets ``fee_usd`` instead.

A trade is worth the market value of what it **received**; when no source prices that side, of what it
**sent**. Other rows are worth the price of their asset times their quantity (``sent_qty`` for transfer,
withdrawal, spend and fee; ``received_qty`` for income and deposit).

Sources, first that prices a side wins: the export (a ``usd_value`` already there, or a USD side), an
override (``price_source == "override"`` already in the frame), the price files (:mod:`.table`: latest at
or before, within ``staleness``), the ledger's own trades against USD (within ``window``), and last a
pegged stablecoin at 1.00 USD (reported once per asset), so a depeg in a price file always wins.

Values are exact: ``price * quantity`` in ``Decimal`` (the project context, with room for the full
product), rounded only to the engine's grain of 1e-18 USD (half even), written as canonical decimal
strings. Only the rows that need a value are multiplied. Kraken fee credits (``KFEE``) are not property:
a fee in KFEE is worth 0 (``fee_source = "not property"``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import ROUND_HALF_EVEN, Decimal

import polars as pl

from taxlots.importers import _exprs as ex
from taxlots.model.diagnostics import Code, Diagnostic, Severity, sort_key
from taxlots.model.ledger import CASH
from taxlots.model.money import GRAIN, decimal_context, plain
from taxlots.model.source import SourceRef
from taxlots.pricing.files import read_prices
from taxlots.pricing.table import best_prices, file_lookup, ledger_lookup, ledger_trades

DEFAULT_PEGGED = ("USDT", "USDC", "DAI", "PYUSD", "FDUSD", "USDP", "TUSD", "GUSD", "BUSD")
#: Assets that are not property: a fee paid in them is worth nothing (Kraken's prepaid fee credits).
NOT_PROPERTY = ("KFEE",)
NOT_PROPERTY_SOURCE = "not property"
#: The columns this step adds (or fills, when the frame has them).
ADDED = ("price_source", "fee_usd", "fee_source")
HINT = (
    "give a price file with --prices FILE (timestamp,asset,usd_price; a Kraken OHLCVT or CoinGecko export), "
    "or write one with `taxlots prices fetch`"
)


@dataclass(frozen=True, slots=True, kw_only=True)
class PriceReport:
    """What the step did: counts per source, the peg assumptions, and every row still without a price."""

    filled: dict[str, int] = field(default_factory=dict)  # rows whose usd_value this step filled, per price_source
    fees_filled: dict[str, int] = field(default_factory=dict)  # rows whose fee_usd this step filled, per fee_source
    pegged: dict[str, int] = field(default_factory=dict)  # rows valued at the peg, per stablecoin
    unpriced: tuple[SourceRef, ...] = ()  # rows that need a price no source gave, in ledger order


def attach_prices(
    frame: pl.DataFrame,
    *,
    price_files: Sequence[str] = (),
    pegged: Sequence[str] = DEFAULT_PEGGED,
    window: timedelta = timedelta(hours=1),
    staleness: timedelta = timedelta(hours=24),
) -> tuple[pl.DataFrame, PriceReport, list[Diagnostic]]:
    """Fill ``usd_value`` where a taxable row needs it, and ``fee_usd`` for fees in a third asset.

    Args:
        frame: the ledger (``Ledger.frame``), ordered by ``seq``.
        price_files: ``FILE`` or ``ASSET=FILE`` (see :mod:`taxlots.pricing.files`).
        pegged: stablecoins valued at 1.00 USD when no other source prices them.
        window: how far from a row the ledger's own USD trades may be to price it.
        staleness: how old a file price may be.

    Returns:
        ``(frame, report, diagnostics)``: the same rows in the same order with the same columns, plus
        ``price_source``, ``fee_usd`` and ``fee_source`` (kept where the input had them); the report; and
        the price files' problems, one warning per pegged asset and one error per unpriced asset and run of days.
    """
    prices, diags = read_prices(price_files)
    work = _prepare(frame)
    requests = _requests(work)
    found = _lookup(requests, best_prices(prices), ledger_trades(frame), tuple(pegged), window, staleness)
    chosen = _choose(requests, found)
    out = _apply(work, chosen)
    unpriced = _unpriced(work, chosen)
    diags += _peg_warnings(work, chosen) + _missing(unpriced)
    report = PriceReport(
        filled=_counts(chosen, "value"),
        fees_filled=_counts(chosen, "fee", extra=work.filter(pl.col("_kfee")).height),
        pegged={a: n for a, n in chosen.filter(pl.col("_src") == "peg").group_by("asset").len().sort("asset").iter_rows()},
        unpriced=tuple(
            SourceRef(f, ln, imp) for f, ln, imp in unpriced.unique("_i").sort("_i").select("file", "line", "importer").iter_rows()
        ),
    )
    columns = [*frame.columns, *[c for c in ADDED if c not in frame.columns]]
    return out.select(columns), report, sorted(diags, key=sort_key)


def _prepare(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame with a row index and the flags ``_need`` (usd_value), ``_fee_need`` (fee_usd) and ``_kfee``."""
    for name in ADDED:
        if name not in frame.columns:
            frame = frame.with_columns(pl.lit(None, pl.String).alias(name))
    frame = frame.with_columns([pl.col(c).cast(pl.String) for c in ADDED]).with_row_index("_i")
    typ, fee_asset = pl.col("type"), pl.col("fee_asset")
    usd_side = (typ == "trade") & ((pl.col("sent_asset") == CASH) | (pl.col("received_asset") == CASH)).fill_null(False)
    has_fee = fee_asset.is_not_null() & pl.col("fee_qty").is_not_null() & ~ex.is_zero(pl.col("fee_qty")).fill_null(True)
    property_fee = has_fee & (fee_asset != CASH) & ~fee_asset.is_in(NOT_PROPERTY)
    own_fee = property_fee & (fee_asset.eq_missing(pl.col("sent_asset")) | fee_asset.eq_missing(pl.col("received_asset")))
    network = ex.as_decimal(pl.col("received_qty")) < ex.as_decimal(pl.col("sent_qty"))
    need = (
        ((typ == "trade") & ~usd_side)
        | typ.is_in(["income", "spend", "fee"])
        | ((typ == "transfer") & (network.fill_null(False) | own_fee))
        | (typ.is_in(["withdrawal", "deposit"]) & own_fee)
    )
    third = property_fee & ~own_fee
    return frame.with_columns(
        _usd_side=usd_side,
        _need=need & pl.col("usd_value").is_null(),
        _fee_need=third & pl.col("fee_usd").is_null(),
        _kfee=has_fee & fee_asset.is_in(NOT_PROPERTY) & pl.col("fee_usd").is_null(),
    )


def _requests(work: pl.DataFrame) -> pl.DataFrame:
    """One request per side that may price a row: ``_r, _i, target, prio, asset, qty, timestamp``."""
    typ = pl.col("type")
    need = work.filter(pl.col("_need"))
    received = need.filter(typ.is_in(["trade", "income", "deposit"])).select(
        "_i", target=pl.lit("value"), prio=pl.lit(0), asset="received_asset", qty="received_qty"
    )
    sent = need.filter(~typ.is_in(["income", "deposit"])).select(
        "_i", target=pl.lit("value"), prio=pl.lit(1), asset="sent_asset", qty="sent_qty"
    )
    fee = work.filter(pl.col("_fee_need")).select("_i", target=pl.lit("fee"), prio=pl.lit(0), asset="fee_asset", qty="fee_qty")
    stamps = work.select("_i", "timestamp")
    out = pl.concat([received, sent, fee]).join(stamps, on="_i", how="left")
    return out.with_row_index("_r")


def _lookup(
    requests: pl.DataFrame, prices: pl.DataFrame, trades: pl.DataFrame, pegged: tuple[str, ...], window: timedelta, staleness: timedelta
) -> pl.DataFrame:
    """Every source's answer for every request: ``_r, _src, _how, _a, _b`` (see :func:`_values`)."""
    files = file_lookup(requests, prices, staleness)
    ledger = ledger_lookup(requests, trades, window)
    both = requests.select("_r", "asset").join(files, on="_r", how="left").join(ledger, on="_r", how="left")
    is_usd = pl.col("asset") == CASH
    src = (
        pl.when(is_usd).then(pl.lit("export"))
        .when(pl.col("_fprice").is_not_null()).then(pl.col("_fsource"))
        .when(pl.col("_lqty").is_not_null()).then(pl.lit("ledger"))
        .when(pl.col("asset").is_in(pegged)).then(pl.lit("peg"))
    )  # fmt: skip
    how = (
        pl.when(is_usd).then(pl.lit("one"))
        .when(pl.col("_fprice").is_not_null()).then(pl.lit("unit"))
        .when(pl.col("_lqty").is_not_null()).then(pl.lit("ratio"))
        .when(pl.col("asset").is_in(pegged)).then(pl.lit("one"))
    )  # fmt: skip
    a = pl.when(~is_usd & pl.col("_fprice").is_not_null()).then(pl.col("_fprice")).otherwise(pl.col("_lusd").cast(pl.String))
    return both.select("_r", _src=src, _how=how, _a=a, _b=pl.col("_lqty").cast(pl.String))


def _choose(requests: pl.DataFrame, found: pl.DataFrame) -> pl.DataFrame:
    """Per row and target, the first side some source prices (received before sent), with its exact value."""
    answered = requests.join(found, on="_r", how="left").filter(pl.col("_src").is_not_null())
    first = answered.sort("_i", "target", "prio").unique(["_i", "target"], keep="first", maintain_order=True)
    return first.with_columns(_value=pl.Series(_values(first), dtype=pl.String))


def _values(chosen: pl.DataFrame) -> list[str]:
    """``qty * price`` (``unit``), ``qty * usd / asset_qty`` (``ratio``, a ledger price) or ``qty`` (``one``).

    Exact in Decimal (100 digits hold any product of two checked numbers), then rounded half even to the
    1e-18 grain and written without exponent or trailing zeros.
    """
    out: list[str] = []
    append = out.append
    with decimal_context() as ctx:
        ctx.prec = 100
        for how, qty, a, b in chosen.select("_how", "qty", "_a", "_b").iter_rows():
            q = Decimal(qty)
            value = q * Decimal(a) if how == "unit" else q * Decimal(a) / Decimal(b) if how == "ratio" else q
            append(plain(value.quantize(GRAIN, rounding=ROUND_HALF_EVEN)))
    return out


def _apply(work: pl.DataFrame, chosen: pl.DataFrame) -> pl.DataFrame:
    """Write the chosen values and sources back, keeping every value the frame already had."""
    value = chosen.filter(pl.col("target") == "value").select("_i", _val="_value", _vsrc="_src")
    fee = chosen.filter(pl.col("target") == "fee").select("_i", _fee="_value", _fsrc="_src")
    joined = work.join(value, on="_i", how="left", maintain_order="left").join(fee, on="_i", how="left", maintain_order="left")
    had = pl.col("usd_value").is_not_null() | pl.col("_usd_side")
    kfee = pl.col("_kfee")
    return joined.with_columns(
        usd_value=pl.coalesce("usd_value", "_val"),
        price_source=pl.coalesce("price_source", pl.when(had).then(pl.lit("export")), "_vsrc"),
        fee_usd=pl.coalesce("fee_usd", pl.when(kfee).then(pl.lit("0")), "_fee"),
        fee_source=pl.coalesce(
            "fee_source",
            pl.when(pl.col("fee_usd").is_not_null()).then(pl.lit("export")),
            pl.when(kfee).then(pl.lit(NOT_PROPERTY_SOURCE)),
            "_fsrc",
        ),
    )


def _counts(chosen: pl.DataFrame, target: str, extra: int = 0) -> dict[str, int]:
    counts = {s: n for s, n in chosen.filter(pl.col("target") == target).group_by("_src").len().sort("_src").iter_rows()}
    if extra:
        counts[NOT_PROPERTY_SOURCE] = extra
    return counts


def _unpriced(work: pl.DataFrame, chosen: pl.DataFrame) -> pl.DataFrame:
    """Each still unpriced (row, target): ``_i, asset, timestamp, file, line, importer`` (a trade under its received asset)."""
    rows = work.select(
        "_i", "type", "timestamp", "file", "line", "importer", "sent_asset", "received_asset", "fee_asset", "_need", "_fee_need"
    )
    got = chosen.select("_i", "target")
    value = rows.filter(pl.col("_need")).join(got.filter(pl.col("target") == "value"), on="_i", how="anti")
    fee = rows.filter(pl.col("_fee_need")).join(got.filter(pl.col("target") == "fee"), on="_i", how="anti")
    by_side = pl.when(pl.col("type").is_in(["trade", "income", "deposit"])).then(pl.col("received_asset")).otherwise(pl.col("sent_asset"))
    cols = ("_i", "timestamp", "file", "line", "importer")
    return pl.concat([value.select(*cols, asset=by_side), fee.select(*cols, asset="fee_asset")]).sort("_i")


def _day_runs(rows: pl.DataFrame) -> pl.DataFrame:
    """Group rows per asset into runs of consecutive UTC days: ``asset, first, last, n, file, line, importer``."""
    days = rows.with_columns(_day=pl.col("timestamp").dt.date())
    per_day = days.group_by("asset", "_day").agg(n=pl.len(), _first=pl.col("_i").min()).sort("asset", "_day")
    island = (pl.col("_day").cast(pl.Int32) - pl.int_range(pl.len()).over("asset").cast(pl.Int32)).alias("_island")
    runs = (
        per_day.with_columns(island)
        .group_by("asset", "_island")
        .agg(first=pl.col("_day").min(), last=pl.col("_day").max(), n=pl.col("n").sum(), _first=pl.col("_first").min())
    )
    where = rows.select("_i", "file", "line", "importer").unique("_i")
    return runs.join(where, left_on="_first", right_on="_i", how="left").sort("asset", "first")


def _span(first: object, last: object) -> str:
    return f"{first}" if first == last else f"{first} – {last}"


def _missing(unpriced: pl.DataFrame) -> list[Diagnostic]:
    """One error per asset and run of consecutive days, at the run's first row."""
    if unpriced.is_empty():
        return []
    return [
        Diagnostic(
            code=Code.MISSING_PRICE,
            message=f"no USD price for {asset} on {_span(first, last)} ({n} row{'' if n == 1 else 's'})",
            source=SourceRef(file, line, imp),
            hint=HINT,
        )
        for asset, first, last, n, file, line, imp in _day_runs(unpriced)
        .select("asset", "first", "last", "n", "file", "line", "importer")
        .iter_rows()
    ]


def _peg_warnings(work: pl.DataFrame, chosen: pl.DataFrame) -> list[Diagnostic]:
    """One warning per stablecoin valued at its peg: how many rows, over which days, from its first row."""
    peg = (
        chosen.filter(pl.col("_src") == "peg")
        .select("_i", "asset")
        .unique()
        .join(work.select("_i", "timestamp", "file", "line", "importer"), on="_i")
    )
    if peg.is_empty():
        return []
    summary = peg.sort("_i").group_by("asset", maintain_order=True).agg(
        n=pl.len(), first=pl.col("timestamp").min().dt.date(), last=pl.col("timestamp").max().dt.date(),
        file=pl.col("file").first(), line=pl.col("line").first(), importer=pl.col("importer").first(),
    )  # fmt: skip
    return [
        Diagnostic(
            code=Code.PRICE_ASSUMED,
            severity=Severity.WARNING,
            message=f"priced {n} {asset} row(s) at 1.00 USD on {_span(first, last)} (USD peg assumed; a price file would override it)",
            source=SourceRef(file, line, imp),
        )
        for asset, n, first, last, file, line, imp in summary.sort("asset").iter_rows()
    ]
