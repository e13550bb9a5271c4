"""Deduplication across files: a dropped row that differs from the row kept under its id is reported."""

from __future__ import annotations

from pathlib import Path

from taxlots import ingest
from taxlots.model.diagnostics import Code, Severity

HEADER = "timestamp,wallet,type,sent_asset,sent_qty,received_asset,received_qty,fee_asset,fee_qty,usd_value,to_wallet,id,note"
OWN = HEADER + ",source_file,source_line"  # a ledger taxlots wrote: its rows win over exports (higher priority)
BUY = "2024-01-02T03:04:05Z,Kraken,trade,USD,1000,BTC,0.02,,,,,K1,buy"
SELL = "2024-01-03T00:00:00Z,Kraken,trade,BTC,0.01,USD,600,,,,,K2,sell"


def write(tmp_path: Path, name: str, *lines: str) -> str:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def test_a_lower_priority_row_with_other_content_under_a_kept_id_is_dropped_with_a_warning(tmp_path: Path) -> None:
    export = write(tmp_path, "export.csv", HEADER, BUY, SELL, SELL.replace("K2", "K3"))
    # the ledger: K1 as in the export, K2 edited (600 -> 650), K3 edited too; the export's K2 and K3 are dropped
    ledger = write(
        tmp_path,
        "ledger.csv",
        OWN,
        BUY + ",export.csv,2",
        SELL.replace("600", "650") + ",export.csv,3",
        SELL.replace("K2", "K3").replace("600", "651") + ",export.csv,4",
    )
    led = ingest.load([export, ledger])
    assert sorted(led.frame["received_qty"].drop_nulls().to_list()) == ["0.02", "650", "651"]
    warnings = [d for d in led.diagnostics if d.code is Code.DUPLICATE_ID]
    assert len(warnings) == 1
    (w,) = warnings
    assert w.severity is Severity.WARNING
    assert w.source is not None
    assert (w.source.file, w.source.line) == (export, 3)  # the first dropped row
    assert w.message.startswith("dropped 2 row(s) ")
    assert f"id 'K2', kept at {ledger}:3" in w.message
    assert [r.duplicates for r in led.files] == [3, 0]  # every dropped row still counted


def test_rows_that_differ_only_in_how_they_are_written_are_dropped_without_a_warning(tmp_path: Path) -> None:
    export = write(tmp_path, "export.csv", HEADER, BUY, SELL)
    # the same moves: trailing zeros, a fraction of the second, another note, a usd_value only one export states
    buy = BUY.replace("0.02,", "0.0200,").replace("03:04:05Z", "03:04:05.25Z").replace(",buy", ",bought")
    sell = SELL.replace("600,,,,", "600.00,,,600,")
    ledger = write(tmp_path, "ledger.csv", OWN, buy + ",export.csv,2", sell + ",export.csv,3")
    led = ingest.load([export, ledger])
    assert [d for d in led.diagnostics if d.code is Code.DUPLICATE_ID] == []
    assert led.frame.height == 2
