"""``ingest.to_rows`` and ``ingest.engine_rows``, the bridges from the ledger frame, against a plain reference.

The reference below builds each ``LedgerRow`` from one frame row by keyword, the obvious way; the bridges build
them a column at a time. They must agree on every value, down to each Decimal's exponent and every blank; the
engine's integer rows must equal the reference's rows converted one at a time (``lots.rows.from_ledger``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from taxlots import ingest, pipeline
from taxlots.lots.rows import from_ledger
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
    _same_engine_rows(run.frame, ZoneInfo("UTC"))


# -- engine_rows: the same bridge into the engine's integers -----------------------------------------------


def _same_engine_rows(frame: pl.DataFrame, zone: ZoneInfo, batch: int = 8192) -> None:
    """``engine_rows`` against the row-at-a-time reference converted by ``lots.rows.from_ledger``."""
    want, sources = from_ledger(plain_rows(frame), zone)
    got, frame_sources = ingest.engine_rows(frame, zone, batch=batch)
    assert list(got) == want
    assert [frame_sources[i] for i in range(frame.height)] == sources


def test_engine_rows_of_a_priced_year_in_two_zones() -> None:
    exports = sorted(str(p) for p in (YEAR / "exports").glob("*.csv"))
    run = pipeline.run(exports, zone=ZoneInfo("UTC"), price_files=[str(YEAR / "prices.csv")])
    for zone in ("UTC", "America/New_York"):
        _same_engine_rows(run.frame, ZoneInfo(zone), batch=3)


@pytest.mark.parametrize("zone", ["America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu", "Pacific/Chatham"])
def test_tax_days_across_offset_changes(zone: str) -> None:
    """Every minute around both 2024 offset changes (Lord Howe's is half an hour; Kathmandu is +5:45): each row's
    tax day is its local calendar day, computed here one row at a time with ``astimezone``."""
    tz = ZoneInfo(zone)
    starts = [datetime(2024, m, d, tzinfo=UTC) for m, d in ((3, 9), (4, 5), (9, 28), (11, 2))]
    stamps = [start + timedelta(minutes=k) for start in starts for k in range(0, 3 * 24 * 60, 7)]
    frame = _ledger_frame(stamps)
    rows, _ = ingest.engine_rows(frame, tz)
    got = [r.day for r in rows]
    assert got == [s.astimezone(tz).date().toordinal() for s in stamps]


def _ledger_frame(stamps: list[datetime], qty: list[str] | None = None) -> pl.DataFrame:
    n = len(stamps)
    return pl.DataFrame(
        {
            "seq": list(range(n)),
            "timestamp": pl.Series(stamps, dtype=pl.Datetime("us", "UTC")),
            "wallet": ["w"] * n,
            "type": ["deposit"] * n,
            "id": [f"D{i}" for i in range(n)],
            "file": ["f.csv"] * n,
            "line": list(range(2, n + 2)),
            "importer": ["generic"] * n,
            "sent_asset": pl.Series([None] * n, dtype=pl.String),
            "sent_qty": pl.Series([None] * n, dtype=pl.String),
            "received_asset": ["BTC"] * n,
            "received_qty": qty or ["1"] * n,
            "fee_asset": pl.Series([None] * n, dtype=pl.String),
            "fee_qty": pl.Series([None] * n, dtype=pl.String),
            "usd_value": ["10"] * n,
            "to_wallet": pl.Series([None] * n, dtype=pl.String),
            "note": pl.Series([None] * n, dtype=pl.String),
        }
    )


def test_engine_rows_numbers_exact_or_refused() -> None:
    """Plain numbers, an exponent and 18 decimals become exact grains; a 19th decimal is an error naming the line."""
    stamps = [datetime(2024, 1, 1, tzinfo=UTC)] * 4
    frame = _ledger_frame(stamps, ["1.5", "2E-3", "0.000000000000000001", "123456789012345678901"])
    rows, _ = ingest.engine_rows(frame, ZoneInfo("UTC"))
    assert [r.received_qty for r in rows] == [15 * 10**17, 2 * 10**15, 1, 123456789012345678901 * 10**18]
    bad = _ledger_frame(stamps[:2], ["1", "0.0000000000000000001"])
    with pytest.raises(ValueError, match=r"f\.csv:3: received_qty .* more than 18 decimals"):
        list(ingest.engine_rows(bad, ZoneInfo("UTC"))[0])
