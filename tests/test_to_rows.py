"""``ingest.to_rows``, the bridge from the ledger frame to the engine, against a plain row-at-a-time reference.

The reference below builds each ``LedgerRow`` from one frame row by keyword, the obvious way; the bridge builds
them a column at a time. They must agree on every value, down to each Decimal's exponent and every blank.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from taxlots import ingest, pipeline
from taxlots.model.ledger import Kind, LedgerRow
from taxlots.model.source import SourceRef

ROOT = Path(__file__).resolve().parent.parent
YEAR = ROOT / "samples" / "year-2024"
SAMPLES = sorted(str(p) for p in (ROOT / "samples").glob("*.csv"))
DECIDED = ("fee_usd", "acquired_at", "gift_fmv", "disposition", "price_source", "fee_source")


def _dec(row: dict[str, object], name: str) -> Decimal | None:
    value = row.get(name)
    return None if value is None else Decimal(str(value))


def plain_rows(frame: pl.DataFrame) -> Iterator[LedgerRow]:
    """One row at a time, by name: what the bridge must give."""
    for r in frame.iter_rows(named=True):
        yield LedgerRow(
            seq=r["seq"],
            timestamp=r["timestamp"],
            wallet=r["wallet"],
            kind=Kind(r["type"]),
            sent_asset=r["sent_asset"],
            sent_qty=_dec(r, "sent_qty"),
            received_asset=r["received_asset"],
            received_qty=_dec(r, "received_qty"),
            fee_asset=r["fee_asset"],
            fee_qty=_dec(r, "fee_qty"),
            usd_value=_dec(r, "usd_value"),
            to_wallet=r["to_wallet"],
            id=r["id"],
            note=r["note"] or "",
            source=SourceRef(r["file"], r["line"], r["importer"]),
            fee_usd=_dec(r, "fee_usd"),
            acquired_at=r.get("acquired_at"),
            gift_fmv=_dec(r, "gift_fmv"),
            disposition=r.get("disposition") or "",
            price_source=r.get("price_source") or "",
            fee_source=r.get("fee_source") or "",
        )


def _same(frame: pl.DataFrame, batch: int) -> None:
    want = list(plain_rows(frame))
    got = list(ingest.to_rows(frame, batch=batch))
    assert got == want
    assert [repr(r) for r in got] == [repr(r) for r in want]  # the Decimals' exponents too, and every blank
    assert [type(r.kind) for r in got] == [type(r.kind) for r in want]


def test_priced_and_paired_year() -> None:
    exports = sorted(str(p) for p in (YEAR / "exports").glob("*.csv"))
    run = pipeline.run(exports, zone=ZoneInfo("UTC"), price_files=[str(YEAR / "prices.csv")])
    assert run.frame.height > 0 and "fee_usd" in run.frame.columns
    _same(run.frame, batch=3)  # batches that cut the year mid-way


def test_a_raw_ledger_without_the_decided_columns_reads_them_as_blank() -> None:
    ledger = ingest.load([str(ROOT / "samples" / "ledger_2024.csv")])
    assert not set(DECIDED) & set(ledger.frame.columns)
    got = list(ingest.to_rows(ledger.frame))
    assert got == list(plain_rows(ledger.frame)) and got
    assert {(r.fee_usd, r.acquired_at, r.gift_fmv, r.disposition, r.price_source, r.fee_source) for r in got} == {
        (None, None, None, "", "", "")
    }


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: Path(p).name)
def test_every_sample(path: str) -> None:
    run = pipeline.run([path], zone=ZoneInfo("UTC"), allow_shortfalls=True)
    _same(run.frame, batch=65_536)
