"""Writing output files safely: a reader never sees half a file, a failed run leaves none, nothing is clobbered.

:func:`atomic_path` writes into a temporary file beside the target and renames it over the target only when
the whole write succeeded, so a run that fails or is killed midway leaves the earlier file intact. The
rename goes to where the target really is: a symbolic link at the target is followed (the file it points
to is replaced, the link stays), and a target that is not a regular file (``/dev/stdout``, ``/dev/full``,
a named pipe) is written directly, never renamed over. New files get the permissions ``open`` would give
them (``0666`` less the umask); a replaced file keeps its mode.

Text read from exports (notes, wallet and asset names, ids) can start like a spreadsheet formula. CSV reports
go through :func:`spreadsheet_text`, which puts a ``'`` before a cell that starts with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return unless the cell is a plain number (``-12.50`` stays a number): spreadsheets
then show the text instead of evaluating it. Workbook cells are set with :func:`set_text_cell`, which stores the
value as a string cell, whatever it starts with.
"""

from __future__ import annotations

import csv
import os
import re
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import polars as pl

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
# The same two tests for polars (Rust regex): Python's ``$`` also matches before a final newline.
_FORMULA_START_RE = r"^[=+\-@\t\r]"
_PLAIN_NUMBER_RE = r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\n?$"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _mode_for(target: Path) -> int:
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        return 0o666 & ~_umask()


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A path to write ``path``'s new content to; it replaces ``path`` only when the block succeeds.

    For a regular file (or a new one) this is a temporary file beside the real target (a symlink is
    followed), renamed over it at the end and removed on failure. A target that exists and is not a
    regular file (a device, a pipe) is yielded itself, to be written directly.
    """
    try:
        special = not stat.S_ISREG(os.stat(path).st_mode)  # follows links: /dev/stdout is a link to a pipe or a tty
    except FileNotFoundError:
        special = False
    if special:
        yield Path(path)
        return
    target = Path(os.path.realpath(path))
    mode = _mode_for(target)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomic(path: str | Path, write: Callable[[IO[str]], None]) -> None:
    """Write text through ``write`` to ``path`` by way of :func:`atomic_path`."""
    with atomic_path(path) as tmp, tmp.open("w", encoding="utf-8", newline="") as fh:
        write(fh)


def spreadsheet_text(cell: str) -> str:
    """``cell``, with a ``'`` in front when a spreadsheet would read it as a formula (plain numbers stay as they are)."""
    if cell.startswith(_FORMULA_START) and not _PLAIN_NUMBER.match(cell):
        return "'" + cell
    return cell


def write_csv(out: IO[str], header: Sequence[str], rows: Iterable[Sequence[str]], *, spreadsheet: bool = True) -> None:
    """CSV with ``\\n`` line endings on every platform, so the same result gives the same bytes.

    With ``spreadsheet`` (the default: reports are opened in spreadsheets), every cell goes through
    :func:`spreadsheet_text`.
    """
    writer = csv.writer(out, lineterminator="\n")
    if spreadsheet:
        starts = frozenset(_FORMULA_START)  # one set lookup per cell; only the few that start so are checked
        writer.writerow([spreadsheet_text(h) for h in header])
        writer.writerows([spreadsheet_text(c) if c[:1] in starts else c for c in row] for row in rows)
    else:
        writer.writerow(header)
        writer.writerows(rows)


def spreadsheet_expr(column: str) -> pl.Expr:
    """:func:`spreadsheet_text` of every cell of a text column, as a polars expression."""
    col = pl.col(column)
    formula = col.str.contains(_FORMULA_START_RE) & ~col.str.contains(_PLAIN_NUMBER_RE)
    return pl.when(formula).then(pl.lit("'") + col).otherwise(col).alias(column)


def _csv_cells(column: pl.Series) -> pl.Series:
    """A text column as :func:`write_frame_csv` writes it: :func:`spreadsheet_expr`, and empty cells as nulls.

    Most columns (ids, dates, assets, positive amounts) have no cell that starts like a formula, or no empty
    cell: a cheap test on the whole column skips the regex and the rewrite, which the rest of the column would
    not change.
    """
    starts = column.str.contains(_FORMULA_START_RE)
    if starts.any():
        column = column.to_frame("c").select(spreadsheet_expr("c")).to_series().alias(column.name)
    empty = column.str.len_bytes() == 0
    return column.set(empty, None) if empty.any() else column


def write_frame_csv(path: str | Path | None, frame: pl.DataFrame, header: Sequence[str]) -> None:
    """:func:`write_csv` of a frame of text columns: the same bytes, written by polars (to ``path``, else stdout).

    ``header`` names the columns in the file. Every cell goes through :func:`spreadsheet_expr`; empty cells
    are written bare, as ``csv.writer`` writes them. A file is written by way of :func:`atomic_path`.
    """
    text = pl.DataFrame([_csv_cells(frame.get_column(c)).alias(spreadsheet_text(h)) for c, h in zip(frame.columns, header, strict=True)])
    if path is None:
        sys.stdout.flush()
        text.write_csv(sys.stdout.buffer, line_terminator="\n", quote_style="necessary")
        sys.stdout.buffer.flush()
        return
    with atomic_path(path) as tmp:
        text.write_csv(tmp, line_terminator="\n", quote_style="necessary")


def set_text_cell(cell: Any, value: str) -> None:
    """Store ``value`` in an openpyxl cell as text, never as a formula (openpyxl reads a leading ``=`` as one)."""
    cell.value = value
    cell.data_type = "s"
