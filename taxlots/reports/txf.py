"""TXF V042 for TurboTax and H&R Block desktop: one ``TD`` record (format 4) per Form 8949 row.

Refnums by term and box (TXF spec v042; the 8949 "copy" is the box): short-term 321 (A), 711 (B), 712 (C);
long-term 323 (D), 713 (E), 714 (F). TXF has no refnums for the digital-asset boxes G-L, so they are written
as their A-F counterparts (G->A, H->B, I->C, J->D, K->E, L->F) and must be re-checked after import. Cost
comes before proceeds. Plain ASCII, CR LF line ends, amounts as plain ``1500.00`` (or ``1500`` in
whole-dollar mode). Both amounts are never negative: (d) and (e) are not, and an adjustment (g), which only
a fee larger than the proceeds makes (code E, negative), is added to the cost so cost - proceeds stays (h).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import IO

import polars as pl

from taxlots import __version__
from taxlots.reports.form8949 import Box, Form8949, money_text

REFNUM = {Box.A: 321, Box.B: 711, Box.C: 712, Box.D: 323, Box.E: 713, Box.F: 714}
#: The box each digital-asset box imports as (TXF predates boxes G-L).
TXF_BOX = {Box.G: Box.A, Box.H: Box.B, Box.I: Box.C, Box.J: Box.D, Box.K: Box.E, Box.L: Box.F}
WARNING = (
    "TXF has no codes for the digital-asset boxes G-L: after importing taxlots.txf, re-check every sale's box "
    "in TurboTax / H&R Block (boxes {boxes} were written as {as_boxes})."
)


def refnum(box: Box) -> int:
    return REFNUM[TXF_BOX.get(box, box)]


def _td_lines(form: Form8949) -> pl.DataFrame:
    """The lines of each ``TD`` record after ``TD`` itself, one column per line, one row per ``form.detail`` row."""
    d = form.detail
    amount = money_text(form.options.rounding)
    refnums = {box: str(refnum(Box(box))) for box in d["box"].unique().to_list()}
    ascii_a = pl.col("a").str.replace_all(r"[^\x00-\x7F]", "?").str.replace_all("\t", " ", literal=True)  # one ? per character
    return d.select(
        pl.concat_str(pl.lit("N"), pl.col("box").replace_strict(refnums, return_dtype=pl.String)).alias("refnum"),
        pl.lit("C1").alias("copy"),
        pl.lit("L1").alias("line"),
        pl.concat_str(pl.lit("P"), ascii_a).alias("description"),
        pl.concat_str(pl.lit("D"), pl.col("b")).alias("acquired"),
        pl.concat_str(pl.lit("D"), pl.col("c")).alias("sold"),
        pl.concat_str(pl.lit("$"), amount(pl.col("e") - pl.col("g"))).alias("cost"),  # format 4 has no adjustment: a code-E (g) is a cost
        pl.concat_str(pl.lit("$"), amount(pl.col("d"))).alias("proceeds"),
    )


def _header(exported: date) -> list[str]:
    return ["V042", f"Ataxlots {__version__}", f"D{exported:%m/%d/%Y}"]


def records(form: Form8949, exported: date) -> Iterator[list[str]]:
    """The header record, then one record per row of ``form.detail`` (every row, the same rows as the CSV)."""
    yield _header(exported)
    for lines in _td_lines(form).iter_rows():
        yield ["TD", *lines]


def write(out: IO[str], form: Form8949, exported: date) -> None:
    """Write the TXF file; ``exported`` is the header's export date (fixed by the caller for reproducibility).

    The records of :func:`records`, joined in polars: one text for every row.
    """
    out.write("".join(f"{line}\r\n" for line in _header(exported)) + "^\r\n")
    lines = _td_lines(form)
    if lines.height:
        record = pl.concat_str([pl.lit("TD"), *lines.columns], separator="\r\n") + pl.lit("\r\n^\r\n")
        out.write(lines.select(record.str.join("")).item())


def warning(form: Form8949) -> str | None:
    """The re-check warning when any row is in a digital-asset box, else None."""
    boxes = sorted({Box(b) for b in form.detail["box"].unique().to_list()} & set(TXF_BOX))
    if not boxes:
        return None
    return WARNING.format(boxes=", ".join(boxes), as_boxes=", ".join(TXF_BOX[b] for b in boxes))
