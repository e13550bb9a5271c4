"""Step 7, conversion: the one bridge from the ledger frame to the engine's ``LedgerRow`` values."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from sys import intern
from typing import Any

import polars as pl

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
