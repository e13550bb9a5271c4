"""Step 8, writing: the ledger as the generic format's columns plus provenance, written atomically."""

from __future__ import annotations

import polars as pl

from taxlots.model.ledger import LEDGER_COLUMNS


def ledger_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """The ledger as the generic format's columns (strings) plus its provenance, in ``seq`` order."""
    stamp = pl.col("timestamp").dt.strftime("%Y-%m-%dT%H:%M:%S%.fZ")
    ordered = frame if frame["seq"].is_sorted() else frame.sort("seq")  # a loaded ledger is already in seq order
    return ordered.select(
        stamp.alias("timestamp"),
        *[pl.col(c) for c in LEDGER_COLUMNS if c not in ("timestamp", "note")],
        pl.col("note").fill_null(""),
        pl.col("src_file" if "src_file" in frame.columns else "file").alias("source_file"),
        pl.col("src_line" if "src_line" in frame.columns else "line").alias("source_line"),
    )


def write_ledger(frame: pl.DataFrame, path: str) -> None:
    """Write the unified ledger atomically: Parquet for ``*.parquet``, else the generic ledger CSV.

    The CSV is the generic format (which reads it back) with ``source_file,source_line`` after its columns;
    every quantity stays the exact decimal text it was read as.
    """
    from taxlots.reports.files import atomic_path

    out = ledger_frame(frame)
    with atomic_path(path) as tmp:
        if path.endswith(".parquet"):
            out.write_parquet(tmp)
        else:
            out.write_csv(tmp, line_terminator="\n")
