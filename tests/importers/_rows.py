"""Helpers for the tax-tool template tests (Koinly, Koinly simple, CoinTracker, CoinLedger).

A plain module, not a test module: the expected rows are written out by hand in each test, as ``row(...)``
tuples compared with ``table(ledger)``, and the errors as ``(file, line, message)``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from taxlots import ingest
from taxlots.importers import coinledger, cointracker, generic, koinly, koinly_simple
from taxlots.model.diagnostics import Severity
from taxlots.testing import place_id

ROOT = Path(__file__).resolve().parents[2]
#: The importers whose headers look alike: each template's files must be claimed by its own importer only.
MINE = (generic, koinly, koinly_simple, cointracker, coinledger)


def table(ledger: ingest.Ledger) -> list[tuple[Any, ...]]:
    """The ledger as tuples, quantities as Decimal (so "0.50" == "0.5")."""

    def dec(s: str | None) -> Decimal | None:
        return None if s is None else Decimal(s)

    return [
        (
            r["line"], r["timestamp"], r["wallet"], r["type"], r["sent_asset"], dec(r["sent_qty"]), r["received_asset"],
            dec(r["received_qty"]), r["fee_asset"], dec(r["fee_qty"]), dec(r["usd_value"]), r["to_wallet"],
            place_id(r["id"], r["file"], r["line"]), r["note"],
        )
        for r in ledger.frame.iter_rows(named=True)
    ]  # fmt: skip


Side = tuple[str, str] | None


def row(
    path: Path, line: int, when: str, kind: str, *, sent: Side = None, received: Side = None, fee: Side = None, usd: str | None = None,
    note: str = "", wallet: str | None = None,
) -> tuple[Any, ...]:  # fmt: skip
    """One expected ledger row; sides are ``(asset, "qty")``; id is ingest's FILE:LINE for id-less rows."""
    s_asset, s_qty = sent or (None, None)
    r_asset, r_qty = received or (None, None)
    f_asset, f_qty = fee or (None, None)
    ts = datetime.strptime(when, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)

    def dec(s: str | None) -> Decimal | None:
        return None if s is None else Decimal(s)

    return (
        line, ts, wallet or path.stem, kind, s_asset, dec(s_qty), r_asset, dec(r_qty), f_asset, dec(f_qty), dec(usd), None,
        f"{path}:{line}", note,
    )  # fmt: skip


def errors(ledger: ingest.Ledger) -> list[tuple[str, int, str]]:
    return sorted((d.source.file, d.source.line, d.message) for d in ledger.diagnostics if d.severity == Severity.ERROR and d.source)
