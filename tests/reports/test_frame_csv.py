"""The polars CSV writer (the gains CSV's path) writes the bytes ``csv.writer`` and ``spreadsheet_text`` write."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import polars as pl

from taxlots.reports.files import spreadsheet_expr, spreadsheet_text, write_frame_csv

CELLS = [
    "=1+1",
    "+44 20",
    "-12.50",  # a plain number: stays
    "-12.50\n",  # Python's $ matches before a final newline: still a plain number
    "-x",
    "@SUM(A1)",
    "\tlead",
    "1e5",
    "+.5",
    "１２",  # Unicode digits are digits to both regex engines
    "-１２",
    "a,b",
    'say "hi"',
    "two\nlines",
    "",
    " lead",
    "plain",
    "'already",
]


def test_spreadsheet_expr_is_spreadsheet_text() -> None:
    got = pl.DataFrame({"c": CELLS}).select(spreadsheet_expr("c"))["c"].to_list()
    assert got == [spreadsheet_text(c) for c in CELLS]


def test_frame_csv_bytes_equal_csv_writer(tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    write_frame_csv(out, pl.DataFrame({"a": CELLS, "b": list(reversed(CELLS))}), ("a", "=b"))
    want = io.StringIO()
    writer = csv.writer(want, lineterminator="\n")
    writer.writerow(["a", "'=b"])
    writer.writerows([spreadsheet_text(a), spreadsheet_text(b)] for a, b in zip(CELLS, reversed(CELLS), strict=True))
    assert out.read_bytes() == want.getvalue().encode()


def test_each_column_is_judged_on_its_own_cells(tmp_path: Path) -> None:
    """Columns with no formula-like cell, or no empty cell, take a shortcut: every mix must give csv.writer's bytes.

    A shortcut that stopped after the formula test would write a lone empty cell as ``""``; one that tested
    the first column only, or the frame once, would leave ``=1+1`` unquoted beside a plain column.
    """
    columns = {f"c{i}_{j}": [cell, other] for i, cell in enumerate(CELLS) for j, other in enumerate(("plain", "", cell))}
    frame = pl.DataFrame({**columns, "empty": ["", ""]})
    out = tmp_path / "mix.csv"
    write_frame_csv(out, frame, tuple(frame.columns))
    want = io.StringIO()
    writer = csv.writer(want, lineterminator="\n")
    writer.writerow(frame.columns)
    writer.writerows([spreadsheet_text(v) for v in row] for row in frame.iter_rows())
    assert out.read_bytes() == want.getvalue().encode()
