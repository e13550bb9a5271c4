"""Step 7, conversion: the one bridge from the ledger frame to the engine.

:func:`engine_rows` gives the engine's integer rows (``lots.rows.Row``); :func:`to_rows` gives ``LedgerRow``
values, with ``Decimal`` amounts, for library callers and tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, timedelta, tzinfo
from decimal import Decimal
from itertools import chain, repeat
from sys import intern
from typing import Any

import polars as pl

from taxlots.lots import rows
from taxlots.lots.holding import tax_date
from taxlots.model import grains
from taxlots.model.ledger import Kind, LedgerRow
from taxlots.model.source import SourceRef

_KINDS = {k.value: k for k in Kind}
#: Columns the transfer and price steps may add; absent ones are read as blank.
_DECIDED = ("fee_usd", "acquired_at", "gift_fmv", "disposition", "price_source", "fee_source")


def _shared(values: list[Any], blank: str | None = None) -> list[Any]:
    """``values`` with equal strings as one interned object; None (and ``""``) become ``blank`` when it is given."""
    table = {v: (intern(v) if v else (v if blank is None else blank)) for v in set(values)}
    if blank is not None:
        table[None] = blank
    return list(map(table.__getitem__, values))


def _decimals(values: list[str | None]) -> list[Decimal | None]:
    return [None if v is None else Decimal(v) for v in values]


def to_rows(frame: pl.DataFrame, batch: int = 8192) -> Iterator[LedgerRow]:
    """Yield the frame's rows as ``LedgerRow`` values, in frame (``seq``) order, ``batch`` rows at a time.

    The only bridge from polars to the engine, built a column at a time: each column leaves polars once per
    batch (``to_list``), each Decimal is built from its string, repeated strings (wallets, assets, files,
    sources) are shared through one interned object per value, and the rows are made positionally.
    """
    missing = [
        pl.lit(None, pl.Datetime("us", "UTC") if c == "acquired_at" else pl.String).alias(c) for c in _DECIDED if c not in frame.columns
    ]
    for part in frame.with_columns(missing).iter_slices(batch):

        def col(name: str, part: pl.DataFrame = part) -> list[Any]:
            return part.get_column(name).to_list()

        sources = list(map(SourceRef, _shared(col("file")), col("line"), _shared(col("importer"))))
        yield from map(
            LedgerRow,
            col("seq"),
            col("timestamp"),
            _shared(col("wallet")),
            [_KINDS[k] for k in col("type")],
            col("id"),
            sources,
            _shared(col("sent_asset")),
            _decimals(col("sent_qty")),
            _shared(col("received_asset")),
            _decimals(col("received_qty")),
            _shared(col("fee_asset")),
            _decimals(col("fee_qty")),
            _decimals(col("usd_value")),
            _shared(col("to_wallet")),
            [v or "" for v in col("note")],
            _decimals(col("fee_usd")),
            col("acquired_at"),
            _decimals(col("gift_fmv")),
            [v or "" for v in col("disposition")],
            _shared(col("price_source"), ""),
            _shared(col("fee_source"), ""),
        )


#: A number string polars parses exactly into ``Decimal(38, 18)``: at most 20 digits before the point and 18 after.
_EXACT = r"^\d{1,20}(\.\d{0,18})?$"
_DAY_US = 86_400_000_000
_ORDINAL_1970 = 719_163  # date(1970, 1, 1).toordinal()
_BUCKET_US = 15 * 60 * 1_000_000  # zones change their offset on quarter hours


class FrameSources:
    """The sources of a ledger frame's rows by position (``file``, ``line``, ``importer``), built when asked."""

    def __init__(self, frame: pl.DataFrame) -> None:
        self.frame = frame.select("file", "line", "importer")
        self._lists: tuple[list[str], list[int], list[str]] | None = None

    def __getitem__(self, row: int, /) -> SourceRef:
        if self._lists is None:
            self._lists = (_shared(self.frame["file"].to_list()), self.frame["line"].to_list(), _shared(self.frame["importer"].to_list()))
        files, lines, importers = self._lists
        return SourceRef(files[row], lines[row], importers[row])


def _grains(frame: pl.DataFrame, column: str) -> pl.Series:
    """A number column as Int128 grains: polars' exact parse where it applies, ``grains.of_text`` for the rest."""
    text = frame.get_column(column)
    exact = text.str.contains(_EXACT)
    values = pl.select(pl.when(exact).then(text.cast(pl.Decimal(38, 18), strict=False).to_physical())).to_series().cast(pl.Int128)
    odd = (text.is_not_null() & values.is_null()).arg_true()
    if odd.len():  # an exponent, a sign, more digits: exact in Python, or an error naming the row
        fixed = []
        for i in odd.to_list():
            try:
                fixed.append(grains.of_text(text[i]))
            except grains.TooPrecise as exc:
                raise ValueError(f"{frame['file'][i]}:{frame['line'][i]}: {column} {exc}; taxlots keeps amounts to 1e-18") from None
        values = values.scatter(odd, pl.Series(fixed, dtype=pl.Int128))
    return values.alias(column)


def _codes(frame: pl.DataFrame, column: str) -> tuple[pl.Series, list[str | None]]:
    """A column of repeated strings as small integer codes, and the (interned) string of each code; None for null."""
    text = frame.get_column(column)
    values = sorted(text.drop_nulls().unique().to_list())
    return text.cast(pl.Enum(values)).to_physical().alias(column), [*map(intern, values), None]


def _days(moments: pl.Series, zone: tzinfo) -> pl.Series:
    """The tax day (proleptic ordinal) of each moment (µs since the epoch) in ``zone``.

    The zone's UTC offset is looked up once per quarter hour that has rows (offsets change on quarter hours);
    a quarter hour whose two ends differ in offset is computed row by row.
    """
    if zone is UTC or getattr(zone, "key", None) == "UTC":
        return moments // _DAY_US + _ORDINAL_1970
    values = moments.to_list()
    offsets: dict[int, int | None] = {}
    out: list[int | None] = []
    for us in values:
        if us is None:
            out.append(None)
            continue
        bucket = us - us % _BUCKET_US
        if bucket in offsets:
            offset = offsets[bucket]
        else:
            start, end = rows.moment_of(bucket), rows.moment_of(bucket + _BUCKET_US - 1)
            first, last = start.astimezone(zone).utcoffset(), end.astimezone(zone).utcoffset()
            offset = offsets[bucket] = first // timedelta(microseconds=1) if first == last and first is not None else None
        if offset is None:
            out.append(tax_date(rows.moment_of(us), zone).toordinal())
        else:
            out.append((us + offset) // _DAY_US + _ORDINAL_1970)
    return pl.Series(out, dtype=pl.Int64)


def engine_rows(frame: pl.DataFrame, zone: tzinfo, batch: int = 8192) -> tuple[Iterator[rows.Row], FrameSources]:
    """The frame's rows as the engine's integer rows (in frame order, ``batch`` at a time), and their sources.

    A row's position in ``frame`` is its ``i``. Every column is converted once, whole: numbers to Int128 grains,
    times to microseconds, tax days to ordinals, repeated strings (wallets, assets, sources) to small codes
    of one interned string each; the rows are then made a batch at a time from plain lists.
    """
    missing = [
        pl.lit(None, pl.Datetime("us", "UTC") if c == "acquired_at" else pl.String).alias(c) for c in _DECIDED if c not in frame.columns
    ]
    frame = frame.with_columns(missing)
    moments = frame.get_column("timestamp").dt.epoch("us")
    acquired = frame.get_column("acquired_at").dt.epoch("us")
    numbers = [_grains(frame, c) for c in _NUMBERS]
    shared = [_codes(frame, c) for c in _SHARED]
    kinds = [_KINDS[k] for k in frame.get_column("type").unique().sort().to_list()]
    columns = pl.DataFrame(
        [
            frame.get_column("seq"),
            moments.alias("moment"),
            _days(moments, zone).alias("day"),
            frame.get_column("type").cast(pl.Enum([k.value for k in kinds])).to_physical().alias("kind"),
            acquired.alias("acquired"),
            _days(acquired, zone).alias("acquired_day"),
            *numbers,
            *(codes.fill_null(len(table) - 1) for codes, table in shared),  # null: the last entry of its table
            frame.get_column("id"),
            frame.get_column("disposition").fill_null(""),
            frame.get_column("note").fill_null(""),
        ]
    )
    tables = {c: table for c, (_, table) in zip(_SHARED, shared, strict=True)}
    for source in ("price_source", "fee_source"):  # blank, not None
        tables[source][-1] = ""
    return chain.from_iterable(_batches(columns, tables, kinds, batch)), FrameSources(frame)


#: The number columns the engine reads, and the repeated strings it reads as codes.
_NUMBERS = ("sent_qty", "received_qty", "fee_qty", "usd_value", "fee_usd", "gift_fmv")
_SHARED = ("wallet", "sent_asset", "received_asset", "fee_asset", "to_wallet", "price_source", "fee_source")


def _batches(columns: pl.DataFrame, tables: dict[str, list[str | None]], kinds: list[Kind], batch: int) -> Iterator[Iterator[rows.Row]]:
    """The rows of each ``batch`` of ``columns``, as one iterator per batch (chained, the rows flow at C speed)."""
    offset = 0
    for part in columns.iter_slices(batch):

        def col(name: str, part: pl.DataFrame = part) -> list[Any]:
            return part.get_column(name).to_list()

        def text(name: str, part: pl.DataFrame = part) -> list[str | None]:
            return list(map(tables[name].__getitem__, part.get_column(name).to_list()))

        # tuple.__new__ on zipped columns makes each Row at C speed (Row(...) runs Python code per row).
        yield map(
            tuple.__new__,
            repeat(rows.Row),
            zip(
                col("seq"),
                range(offset, offset + part.height),
                col("moment"),
                col("day"),
                text("wallet"),
                list(map(kinds.__getitem__, col("kind"))),
                col("id"),
                text("sent_asset"),
                col("sent_qty"),
                text("received_asset"),
                col("received_qty"),
                text("fee_asset"),
                col("fee_qty"),
                col("usd_value"),
                text("to_wallet"),
                col("fee_usd"),
                col("acquired"),
                col("acquired_day"),
                col("gift_fmv"),
                text("price_source"),
                text("fee_source"),
                col("disposition"),
                col("note"),
                strict=True,
            ),
        )
        offset += part.height
