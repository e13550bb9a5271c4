"""``columns.ledger_rows`` (the engine's bridge) gives exactly the rows ``ingest.to_rows`` gives."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from taxlots import ingest, pipeline
from taxlots.columns import ledger_rows

ROOT = Path(__file__).resolve().parent.parent
YEAR = ROOT / "samples" / "year-2024"
SAMPLES = sorted(str(p) for p in (ROOT / "samples").glob("*.csv"))


def _same(frame: pl.DataFrame, batch: int) -> None:
    want = list(ingest.to_rows(frame))
    got = list(ledger_rows(frame, batch=batch))
    assert got == want
    assert [repr(r) for r in got] == [repr(r) for r in want]  # the Decimals' exponents too, and every blank
    assert [type(r.kind) for r in got] == [type(r.kind) for r in want]


def test_priced_and_paired_year() -> None:
    exports = sorted(str(p) for p in (YEAR / "exports").glob("*.csv"))
    run = pipeline.run(exports, zone=ZoneInfo("UTC"), price_files=[str(YEAR / "prices.csv")])
    assert run.frame.height > 0 and "fee_usd" in run.frame.columns
    _same(run.frame, batch=3)


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: Path(p).name)
def test_every_sample(path: str) -> None:
    run = pipeline.run([path], zone=ZoneInfo("UTC"), allow_shortfalls=True)
    _same(run.frame, batch=65_536)
