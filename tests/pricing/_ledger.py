"""Helpers for the pricing tests: write small files in the current directory and read a ledger through ingest."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from taxlots import ingest

HEADER = "timestamp,wallet,type,sent_asset,sent_qty,received_asset,received_qty,fee_asset,fee_qty,usd_value,to_wallet,id,note"


def write(name: str, *lines: str) -> str:
    """Write ``lines`` to ``name`` (relative to the current directory) and return the name."""
    Path(name).write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    return name


def ledger(*rows: str, name: str = "ledger.csv") -> pl.DataFrame:
    """The ledger frame of generic-CSV ``rows`` (no header), checked to load without a problem."""
    loaded = ingest.load([write(name, HEADER, *rows)])
    assert loaded.diagnostics == [], [d.render() for d in loaded.diagnostics]
    return loaded.frame


def by_id(frame: pl.DataFrame, *columns: str) -> dict[str, tuple[object, ...]]:
    """``{id: (column values...)}`` for every row."""
    return {row[0]: tuple(row[1:]) for row in frame.select("id", *columns).iter_rows()}
