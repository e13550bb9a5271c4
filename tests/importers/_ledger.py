"""Helpers for the exchange importer tests: a ledger's rows as plain tuples to compare with hand-written ones."""

from __future__ import annotations

from datetime import UTC, datetime

from taxlots import ingest
from taxlots.testing import place_id


def rows(ledger: ingest.Ledger) -> list[tuple[object, ...]]:
    """``(line, timestamp, type, sent_asset, sent_qty, received_asset, received_qty, fee_asset, fee_qty, id, note)``."""
    return [
        (
            r.source.line,
            r.timestamp,
            r.kind.value,
            r.sent_asset,
            r.sent_qty,
            r.received_asset,
            r.received_qty,
            r.fee_asset,
            r.fee_qty,
            place_id(r.id, r.source.file, r.source.line),
            r.note,
        )
        for r in ledger.rows()
    ]


def ts(*parts: int) -> datetime:
    """A UTC timestamp."""
    return datetime(*parts, tzinfo=UTC)  # type: ignore[arg-type]
