"""TurboTax Online "gains" CSV files: one row per disposed lot, split into files of at most N rows.

Header ``Currency Name,Purchase Date,Cost Basis,Date Sold,Proceeds`` (the column set widely documented
for TurboTax's crypto gains import; US_RULES §5.3), MM/DD/YYYY dates, plain two-decimal amounts (or whole
dollars when the forms are rounded), and the units in the name column (``0.5 BTC``). The rows are the Form
8949 rows, so the files add up to the same gains. TurboTax rejects negative numbers: proceeds (d) are never
negative (a fee above the proceeds is a code-E adjustment in (g)), and that adjustment is added to the cost
basis here; a row that still broke the rule would stop the export rather than be written.
TurboTax's row limit is not documented (US_RULES §5.2), hence the split.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import polars as pl

from taxlots.reports.files import write_frame_csv
from taxlots.reports.form8949 import Form8949, money_text

HEADER = ("Currency Name", "Purchase Date", "Cost Basis", "Date Sold", "Proceeds")


def file_names(rows: int, per_file: int) -> list[str]:
    """``turbotax-gains-1.csv``, ``-2``... enough for ``rows`` rows (one file when there are none)."""
    count = max(1, -(-rows // per_file))
    return [f"turbotax-gains-{i}.csv" for i in range(1, count + 1)]


def rows(form: Form8949) -> pl.DataFrame:
    """The gains rows, in the order of the Form 8949 rows."""
    detail = form.detail
    if detail.height and (detail["d"].min() < 0 or detail["e"].min() < 0):  # type: ignore[operator]
        raise ValueError("a negative proceeds or cost basis reached the TurboTax export")
    fmt = money_text(form.options.rounding)
    return detail.select(
        pl.col("a").alias(HEADER[0]),
        pl.col("b").alias(HEADER[1]),
        fmt(pl.col("e") - pl.col("g")).alias(HEADER[2]),  # a code-E adjustment (never positive) as cost: no negatives
        pl.col("c").alias(HEADER[3]),
        fmt(pl.col("d")).alias(HEADER[4]),
    )


def parts(form: Form8949, per_file: int) -> Iterator[tuple[str, pl.DataFrame]]:
    """(file name, rows) for each file."""
    frame = rows(form)
    for i, name in enumerate(file_names(frame.height, per_file)):
        yield name, frame.slice(i * per_file, per_file)


def write(path: Path, part: pl.DataFrame) -> None:
    write_frame_csv(path, part, HEADER)
