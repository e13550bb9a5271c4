"""The Coinbase importer's fast paths give exactly what their general versions give.

The timestamps are parsed with the exact v4 and v1-v3 formats before the general ISO parse; each Notes regex
runs only on the rows that hold a word it needs (a literal search, without case where the regex has none);
a convert's rows are counted in a window that groups the converts only. With the general versions patched
in, every output must stay the same, on the samples and on Notes written to test the literal search.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from taxlots import ingest
from taxlots.importers import _exprs as ex
from taxlots.importers import coinbase as cb

_HERE = Path(__file__).parent
_SAMPLES = [p for p in sorted((_HERE / "samples" / "coinbase").glob("*.csv")) if not p.name.startswith(("pro_", "transactions_"))] + [
    _HERE.parents[1] / "samples" / "coinbase_2024.csv"
]
_HEADER = (
    "ID,Timestamp,Transaction Type,Asset,Quantity Transacted,Price Currency,Price at Transaction,Subtotal,"
    "Total (inclusive of fees and/or spread),Fees and/or Spread,Notes"
)
_NOTES = [  # (type, asset, quantity, notes): each needs the regex on its row, or none
    ("Buy", "ETH", "0.5", "Bought 0.5 ETH for 1000 USD"),
    ("Sell", "ETH", "-0.5", "SOLD 0.5 ETH FOR 990 USDC ON ETH-USDC AT 2000 USDC/ETH"),  # upper case: the regexes have (?i) or not
    ("Sell", "ETH", "-0.5", "\u017fold 0,5 ETH for 990,5 USDC"),  # a long s, which the (?i) regex takes for an s: decimal commas
    ("Advanced Trade Sell", "ETH", "-0.5", "Sold 0.5 ETH for 990 USDC on ETH-USDC at 2000 USDC/ETH"),
    ("Advanced Trade Buy", "BTC", "0.01", "Bought 0.01 BTC for 600 USDT on BTC-USDT"),
    ("Convert", "ETH", "-0.25", "Converted 0.25 ETH to 648.352 USDC"),
    ("Convert", "ETH", "-0.25", "CONVERTED 0,25 ETH TO 1,000 USDC"),
    ("Receive", "BTC", "0.001", "Received 0.001 BTC from COINBASE EARN"),
    ("Receive", "BTC", "0.001", "From Coinbase Referral"),
    ("Send", "BTC", "-0.01", "Sent 0.01 BTC to bc1qexample for a friend"),
    ("Staking Income", "SOL", "0.01", ""),
    ("Buy", "ETH", "0.5", "Bought 0.5 ETH on the app"),  # words but no match
]


def _cell(notes: str) -> str:
    return f'"{notes}"' if "," in notes else notes


def _crafted(tmp_path: Path) -> Path:
    money = "USD,$2000.00,$1000.00,$1010.00,$10.00"
    lines = [
        f"{i:024x},2024-03-0{1 + i % 9} 15:22:1{i % 10} UTC,{kind},{asset},{qty},{money},{_cell(notes)}"
        for i, (kind, asset, qty, notes) in enumerate(_NOTES)
    ]
    lines += [  # other timestamp formats: the general parse
        "a1,2024-03-04T15:22:10Z,Buy,ETH,0.5,USD,$1.00,$1.00,$1.00,$0.00,Bought 0.5 ETH for 1 USD",
        "a2,2024-03-04 15:22:10.5 UTC,Buy,ETH,0.5,USD,$1.00,$1.00,$1.00,$0.00,",
        "a3,2024-03-04 15:22:10 utc,Buy,ETH,0.5,USD,$1.00,$1.00,$1.00,$0.00,",
        "a4,2024-13-04 15:22:10 UTC,Buy,ETH,0.5,USD,$1.00,$1.00,$1.00,$0.00,",
    ]
    path = tmp_path / "coinbase_notes.csv"
    path.write_text("\n".join(["", "Transactions", "User,Alex,1", _HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def _read(path: Path) -> tuple[pl.DataFrame, list[object]]:
    frame, _, diags = ingest.read_file(str(path), 0, importers=(cb,))
    assert frame is not None
    return frame, diags


def test_every_fast_path_gives_what_its_general_version_gives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = [*_SAMPLES, _crafted(tmp_path)]
    fast = [_read(p) for p in paths]
    monkeypatch.setattr(cb, "_iso_utc", ex.iso_utc)
    monkeypatch.setattr(cb, "_only", lambda notes, *words, fold=True: notes)
    monkeypatch.setattr(cb, "_convert_id", lambda is_convert: pl.col("_id"))
    for path, (frame, diags) in zip(paths, fast, strict=True):
        general, general_diags = _read(path)
        assert_frame_equal(frame, general, check_exact=True), path.name
        assert diags == general_diags
    crafted = fast[-1][0]
    assert crafted["received_asset"].to_list()[:3] == ["ETH", "USDC", "USDC"]  # the upper-case and long-s Notes are read
    assert crafted["received_qty"][2] == "990.5"  # "\u017fold 0,5" shows the decimal comma
    assert crafted["type"].to_list()[7:9] == ["income", "income"]  # Coinbase Earn and Referral, any case
    assert crafted["timestamp"].null_count() == 1  # the month 13


def test_the_exact_timestamp_formats_give_what_the_general_parse_gives() -> None:
    cells = ["2024-01-01 00:00:00 UTC", "2024-01-01 00:00:00 utc", " 2024-01-01 00:00:00 UTC ", "2024-01-01 00:00:00UTC"]
    cells += ["2024-01-01T00:00:00Z", "2024-01-01T00:00:00z", "2024-01-01 00:00:00Z", "2024-01-01T00:00:00.5Z", "2024-1-1 0:0:0 UTC"]
    cells += ["2024-02-30 00:00:00 UTC", "2024-01-01", "2024-01-01 00:00:00", "", None, "2024-01-01T00:00:00+01:00", "10/06/2015"]
    frame = pl.DataFrame({"t": cells}, schema={"t": pl.String})
    out = frame.select(fast=cb._iso_utc(pl.col("t")), general=ex.iso_utc(pl.col("t")))
    assert out["fast"].to_list() == out["general"].to_list()
    assert out["fast"].null_count() == 4


def test_the_literal_search_keeps_every_row_a_case_insensitive_regex_can_match() -> None:
    notes = ["Sold 1", "SOLD 1", "sOlD 1", "\u017fold 1", "bought", "Converted", "c\u212aonverted", "none", "", None]
    frame = pl.DataFrame({"n": notes}, schema={"n": pl.String})
    kept = frame.select(cb._only(pl.col("n"), "bought", "sold", "converted").is_not_null()).to_series().to_list()
    assert kept == [True, True, True, True, True, True, True, False, False, False]
    regex = pl.col("n").str.contains(r"(?i)bought|sold|converted").fill_null(False)
    assert all(k for k, r in zip(kept, frame.select(regex).to_series().to_list(), strict=True) if r)
