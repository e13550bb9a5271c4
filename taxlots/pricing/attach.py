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
strings. Only the rows that need a value are multiplied. Fee credits that are not property (Kraken's
``KFEE``, ``model.ledger.NOT_PROPERTY``) are cleared from the ledger before this step (``pipeline``), so a
fee in them never reaches here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta

import polars as pl

from taxlots.model.diagnostics import Code, Diagnostic, Severity, sort_key
from taxlots.model.ledger import CASH
from taxlots.model.source import SourceRef
from taxlots.pricing import exact
from taxlots.pricing.files import read_prices
from taxlots.pricing.table import best_prices, file_lookup, ledger_lookup, ledger_trades

DEFAULT_PEGGED = ("USDT", "USDC", "DAI", "PYUSD", "FDUSD", "USDP", "TUSD", "GUSD", "BUSD")
#: Assets that are not property: a fee paid in them is worth nothing (Kraken's prepaid fee credits).
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
    sources = _Sources(best_prices(prices), frame, tuple(pegged), window, staleness)
    work = mark_needs(frame)
    chosen = _choose(work, sources)
    out = _apply(work, chosen)
    unpriced = _unpriced(out)
    diags += _peg_warnings(work, chosen) + _missing(unpriced)
    report = PriceReport(
        filled=_counts(chosen, "value"),
        fees_filled=_counts(chosen, "fee"),
        pegged={a: n for a, n in chosen.filter(pl.col("_src") == "peg").group_by("asset").len().sort("asset").iter_rows()},
        unpriced=tuple(
            SourceRef(f, ln, imp) for f, ln, imp in unpriced.unique("_i").sort("_i").select("file", "line", "importer").iter_rows()
        ),
    )
    columns = [*frame.columns, *[c for c in ADDED if c not in frame.columns]]
    return out.select(columns), report, sorted(diags, key=sort_key)


def mark_needs(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame with a row index and the flags ``_need`` (usd_value) and ``_fee_need`` (fee_usd)."""
    for name in ADDED:
        if name not in frame.columns:
            frame = frame.with_columns(pl.lit(None, pl.String).alias(name))
    frame = frame.with_columns([pl.col(c).cast(pl.String) for c in ADDED]).with_row_index("_i")
    typ, fee_asset = pl.col("type"), pl.col("fee_asset")
    usd_side = (typ == "trade") & ((pl.col("sent_asset") == CASH) | (pl.col("received_asset") == CASH)).fill_null(False)
    # quantities are checked decimal strings, not canonical ones ("2" and "2.00000000"): compare them as numbers
    has_fee = fee_asset.is_not_null() & pl.col("fee_qty").is_not_null() & ~pl.col("fee_qty").str.contains(r"^0*\.?0*$")
    property_fee = has_fee & (fee_asset != CASH)
    own_fee = property_fee & (fee_asset.eq_missing(pl.col("sent_asset")) | fee_asset.eq_missing(pl.col("received_asset")))
    got, sent = pl.col("received_qty"), pl.col("sent_qty")
    network = (exact.mantissa(got) != exact.mantissa(sent)).fill_null(got != sent)  # less, or more (an engine error)
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
    )


@dataclass(slots=True)
class _Sources:
    """The price sources of a run. The ledger's own USD trades are pooled only for assets a request needs."""

    prices: pl.DataFrame  # best_prices()
    frame: pl.DataFrame  # the ledger
    pegged: tuple[str, ...]
    window: timedelta
    staleness: timedelta

    def trades(self, assets: pl.Series) -> pl.DataFrame:
        return ledger_trades(self.frame, assets.unique().sort().to_list())


def _choose(work: pl.DataFrame, sources: _Sources) -> pl.DataFrame:
    """The value of every row and fee a source prices: ``_i, target, asset, _src, _value``.

    One request per row: a trade's received side first, then, for the trades no source priced that way,
    its sent side; a fee in a third asset is its own request.
    """
    typ = pl.col("type")
    narrow = work.select("_i", "timestamp", "type", "sent_asset", "sent_qty", "received_asset", "received_qty", "fee_asset", "fee_qty")
    need = narrow.filter(work["_need"])
    by_received = typ.is_in(["trade", "income", "deposit"])
    side = {
        "asset": pl.when(by_received).then(pl.col("received_asset")).otherwise(pl.col("sent_asset")),
        "qty": pl.when(by_received).then(pl.col("received_qty")).otherwise(pl.col("sent_qty")),
    }
    first = _price(need.select("_i", "timestamp", target=pl.lit("value"), **side), sources)
    unpriced_trades = first.filter(pl.col("_value").is_null()).select("_i")
    retry = need.join(unpriced_trades, on="_i", how="semi").filter(typ == "trade")
    second = _price(retry.select("_i", "timestamp", target=pl.lit("value"), asset="sent_asset", qty="sent_qty"), sources)
    fees = narrow.filter(work["_fee_need"]).select("_i", "timestamp", target=pl.lit("fee"), asset="fee_asset", qty="fee_qty")
    fee = _price(fees, sources)
    priced = [f.filter(pl.col("_value").is_not_null()) for f in (first, second, fee)]
    return pl.concat(priced).select("_i", "target", "asset", "_src", "_value")


def _price(requests: pl.DataFrame, sources: _Sources) -> pl.DataFrame:
    """Each request (``_i, timestamp, target, asset, qty``) with the first source's answer: ``_src, _value``.

    Each source sees only the requests the sources before it left unpriced. ``_value`` is exact:
    vectorized in 128-bit integers (:func:`exact.product`) where it fits, else in Decimal.
    """
    if not requests["timestamp"].is_sorted():  # rows in seq order are in time order already
        requests = requests.sort("timestamp", maintain_order=True)
    is_usd = pl.col("asset") == CASH
    usd = requests.filter(is_usd).with_columns(_src=pl.lit("export"), _value=pl.col("qty"))
    rest = requests.filter(~is_usd)
    looked = pl.concat([rest, file_lookup(rest, sources.prices, sources.staleness)], how="horizontal")
    by_file = pl.col("_fprice").is_not_null()
    filed = exact.product(looked.filter(by_file), "qty", "_fprice", "_value").rename({"_fsource": "_src"})
    rest = looked.filter(~by_file).drop("_fprice", "_fsource")
    near = pl.concat([rest, ledger_lookup(rest, sources.trades(rest["asset"]), sources.window)], how="horizontal")
    by_ledger = pl.col("_lqty").is_not_null()
    ledgered = near.filter(by_ledger).with_columns(
        _src=pl.lit("ledger"), _a=pl.col("_lusd").cast(pl.String), _b=pl.col("_lqty").cast(pl.String)
    )
    rest = near.filter(~by_ledger)
    pegged = rest.filter(pl.col("asset").is_in(sources.pegged)).with_columns(_src=pl.lit("peg"), _value=pl.col("qty"))
    none = rest.filter(~pl.col("asset").is_in(sources.pegged)).with_columns(_src=pl.lit(None, pl.String), _value=pl.lit(None, pl.String))
    slow = [("unit", q, a, None) for q, a in filed.filter(pl.col("_value").is_null()).select("qty", "_fprice").iter_rows()]
    if slow:  # beyond 128 bits: the same rounding in Decimal
        exact_values = pl.Series("_fix", [exact.decimal_value(*r) for r in slow], dtype=pl.String)
        filed = pl.concat(
            [filed.filter(pl.col("_value").is_not_null()), filed.filter(pl.col("_value").is_null()).with_columns(_value=exact_values)]
        )
    ratio = [exact.decimal_value("ratio", q, a, b) for q, a, b in ledgered.select("qty", "_a", "_b").iter_rows()]
    ledgered = ledgered.with_columns(_value=pl.Series("_value", ratio, dtype=pl.String))
    cols = ["_i", "target", "asset", "_src", "_value"]
    return pl.concat([part.select(cols) for part in (usd, filed, ledgered, pegged, none)])


def _apply(work: pl.DataFrame, chosen: pl.DataFrame) -> pl.DataFrame:
    """Write the chosen values and sources back, keeping every value the frame already had.

    Chosen values exist only where the frame had none, so they are scattered by row index (row ``_i`` of
    ``work`` is row ``_i`` of the frame) into copies of the columns, with no million-row join.
    """
    had = pl.col("usd_value").is_not_null() | pl.col("_usd_side")
    base = work.with_columns(
        price_source=pl.coalesce("price_source", pl.when(had).then(pl.lit("export"))),
        fee_source=pl.coalesce("fee_source", pl.when(pl.col("fee_usd").is_not_null()).then(pl.lit("export"))),
    )
    placed = []
    for target, (value, source) in (("value", ("usd_value", "price_source")), ("fee", ("fee_usd", "fee_source"))):
        part = chosen.filter(pl.col("target") == target)
        placed.append(base[value].clone().scatter(part["_i"], part["_value"]))
        placed.append(base[source].clone().scatter(part["_i"], part["_src"]))
    return base.with_columns(placed)


def _counts(chosen: pl.DataFrame, target: str) -> dict[str, int]:
    return {s: n for s, n in chosen.filter(pl.col("target") == target).group_by("_src").len().sort("_src").iter_rows()}


def _unpriced(out: pl.DataFrame) -> pl.DataFrame:
    """Each still unpriced (row, target): ``_i, asset, timestamp, file, line, importer`` (a trade under its received asset).

    ``out`` is :func:`_apply`'s frame, with every value this step found filled in.
    """
    value = pl.col("_need") & pl.col("usd_value").is_null()
    fee = pl.col("_fee_need") & pl.col("fee_usd").is_null()
    rows = out.filter(value | fee).select(
        "_i", "type", "timestamp", "file", "line", "importer", "sent_asset", "received_asset", "fee_asset", _v=value, _f=fee
    )
    by_side = pl.when(pl.col("type").is_in(["trade", "income", "deposit"])).then(pl.col("received_asset")).otherwise(pl.col("sent_asset"))
    cols = ("_i", "timestamp", "file", "line", "importer")
    return pl.concat([rows.filter("_v").select(*cols, asset=by_side), rows.filter("_f").select(*cols, asset="fee_asset")]).sort("_i")


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
