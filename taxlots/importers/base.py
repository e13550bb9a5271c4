"""The importer contract.

An importer is a module that exports:

- ``NAME``: a short stable name (``"kraken-ledgers"``), shown by ``taxlots detect``.
- ``TITLE``: what a person calls the export (``"Kraken ledgers.csv"``).
- ``SIGNATURES``: one or more header variants. A header matches a variant when it holds every column of
  the variant (compared after :func:`normalize_header`); extra columns are allowed, so exports with
  added or user-selected columns still match.
- ``normalize(lf, ctx) -> LazyFrame``: turns the raw rows (every column a string, named by its normalized
  header, plus ``line``) into the unified schema below.
- optionally ``PRIORITY`` (int, default 0): when two exports describe the same event under the same
  ``id`` (Kraken trades and ledgers), the row from the importer with the higher priority is kept.
- optionally ``claims(header) -> bool``: a further check on top of the signatures.
- optionally ``EVIDENCE`` (tuple of column names): columns the export has besides its signature that no
  other tool's file is likely to have; when a signature has no column of its own, a header missing one of
  its columns is named a broken export of this format only if it has one of these (``taxlots`` says
  "looks like X but lacks ..." instead of "not a format taxlots knows").
- optionally ``MIN_FIELDS`` (int): rows of this export may have this few fields, fewer than its header
  (Binance's order history nests short fill rows); ingest's field-count check accepts them.
- optionally ``combine(rows) -> DataFrame``: run by ingest once over every file's rows (with its ``importer``,
  ``file``, ``order`` columns) to join this importer's rows across files, e.g. Etherscan's swap legs that
  share a hash; it returns the same columns, turning rows into skips rather than dropping them.
- optionally ``AUTHORITATIVE`` (tuple of event classes): this export is the authoritative record of those
  classes of event. Rows of such a class from another export (``event_class`` ``"<class>:<key>"``, e.g.
  ``"coinbase-advanced-trade:ETH-USDC"``) that fall within the time span an authoritative file covers for the
  same key are counted skips: the same trades listed under other ids (Coinbase's retail history lists the
  Advanced Trade fills that the fills report lists again). With ``AUTHORITATIVE_PRECISION`` (a polars
  duration such as ``"1m"``), an export whose times are coarser covers the whole first and last unit (Bybit's
  spot history writes minutes where its transaction log writes seconds).

The unified schema (:data:`UNIFIED_SCHEMA`) has the generic ledger's columns, with quantities and money as
canonical decimal strings (``"1234.5"``, never a float), ``timestamp`` as UTC datetimes, ``tx_hash`` and
``address`` for what an export says of a deposit or withdrawal (transfer matching uses them), and two more:
``error`` (why the row cannot be understood; it becomes an error naming the file and line) and ``skip``
(why the row is deliberately left out, such as a pending duplicate or a totals line; skips are counted
and reported, never silent). ``id`` is the exchange's own identifier, prefixed with the exchange
(``"kraken:TQ4LCV-..."``), or null when the export has none: such rows are then deduplicated by content
across overlapping files, and named ``FILE:LINE``.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import Protocol

import polars as pl

UNIFIED_SCHEMA: dict[str, pl.DataType] = {
    "line": pl.Int64(),
    "timestamp": pl.Datetime("us", "UTC"),
    "wallet": pl.String(),
    "type": pl.String(),
    "sent_asset": pl.String(),
    "sent_qty": pl.String(),
    "received_asset": pl.String(),
    "received_qty": pl.String(),
    "fee_asset": pl.String(),
    "fee_qty": pl.String(),
    "usd_value": pl.String(),
    "to_wallet": pl.String(),
    "id": pl.String(),
    "note": pl.String(),
    "error": pl.String(),
    "skip": pl.String(),
    "event_class": pl.String(),
    "tx_hash": pl.String(),  # a deposit's or withdrawal's chain transaction id, when the export has it
    "address": pl.String(),  # the chain address it went to or came from
}


@dataclass(frozen=True, slots=True)
class Context:
    """What an importer knows about the file it reads."""

    file: str  # the path as the user gave it
    header_line: int  # 1-based line of the header row
    header: tuple[str, ...]  # the normalized header cells
    raw_header: tuple[str, ...]  # the header cells as written (for columns whose name carries data)
    tz: str = "UTC"  # the zone for exports whose timestamps carry none and document none


class Importer(Protocol):
    NAME: str
    TITLE: str
    SIGNATURES: tuple[tuple[str, ...], ...]

    def normalize(self, lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame: ...


def normalize_header(cell: str) -> str:
    """Compare header cells without case, surrounding space, quotes or a byte-order mark."""
    return cell.replace("\ufeff", "").strip().strip('"').strip().lower()


def matches(module: ModuleType, header: tuple[str, ...]) -> bool:
    """Whether ``module`` claims a file with this (normalized) header."""
    cells = set(header)
    if not any(all(col in cells for col in sig) for sig in module.SIGNATURES):
        return False
    claims = getattr(module, "claims", None)
    return bool(claims(header)) if claims is not None else True
