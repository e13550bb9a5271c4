"""Helpers for the importer tests: the tax-tool templates (Koinly, Koinly simple, CoinTracker, CoinLedger)
and the exchanges whose tests compare ``(line, time, type, sent, received, fee, ...)`` tuples (Strike,
Uphold, Bitpanda, Cash App).

A plain module, not a test module: the expected rows are written out by hand in each test, as ``row(...)``
tuples compared with ``table(ledger)`` (or ``sides_table``), and the errors as ``(file, line, message)``
(or ``(line, message)`` with ``line_errors``).
"""

from __future__ import annotations

from collections.abc import Callable
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


def line_errors(ledger: ingest.Ledger) -> list[tuple[int, str]]:
    """The ledger's errors as ``(line, message)``, for tests of one file."""
    return sorted((d.source.line, d.message) for d in ledger.diagnostics if d.severity == Severity.ERROR and d.source)


def write_csv(path: Path, header: str, *rows: str) -> Path:
    """Write ``header`` (ending in a newline) and one line per row; return the path."""
    path.write_text(header + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def side(r: dict[str, Any], name: str) -> tuple[str, Decimal] | None:
    """A frame row's ``sent``/``received``/``fee`` side as ``(asset, Decimal)``, or None."""
    return None if r[f"{name}_qty"] is None else (r[f"{name}_asset"], Decimal(r[f"{name}_qty"]))


def sides_table(
    ledger: ingest.Ledger, tail: Callable[[dict[str, Any]], tuple[Any, ...]], *, wallet: str | None = None
) -> list[tuple[Any, ...]]:
    """``(line, time, type, sent, received, fee, *tail(row))`` by line; every row's wallet is ``wallet`` if given."""
    out = []
    for r in ledger.frame.sort("line").iter_rows(named=True):
        if wallet is not None:
            assert r["wallet"] == wallet
        out.append((r["line"], r["timestamp"], r["type"], side(r, "sent"), side(r, "received"), side(r, "fee"), *tail(r)))
    return out
