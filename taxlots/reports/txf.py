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

from taxlots import __version__
from taxlots.reports.form8949 import Box, Form8949, Rounding
from taxlots.reports.money import plain_amount

REFNUM = {Box.A: 321, Box.B: 711, Box.C: 712, Box.D: 323, Box.E: 713, Box.F: 714}
#: The box each digital-asset box imports as (TXF predates boxes G-L).
TXF_BOX = {Box.G: Box.A, Box.H: Box.B, Box.I: Box.C, Box.J: Box.D, Box.K: Box.E, Box.L: Box.F}
WARNING = (
    "TXF has no codes for the digital-asset boxes G-L: after importing taxlots.txf, re-check every sale's box "
    "in TurboTax / H&R Block (boxes {boxes} were written as {as_boxes})."
)


def refnum(box: Box) -> int:
    return REFNUM[TXF_BOX.get(box, box)]


def _ascii(text: str) -> str:
    return text.encode("ascii", "replace").decode("ascii").replace("\t", " ")


def records(form: Form8949, exported: date) -> Iterator[list[str]]:
    """The header record, then one record per row of ``form.detail`` (every row, the same rows as the CSV)."""
    yield ["V042", f"Ataxlots {__version__}", f"D{exported:%m/%d/%Y}"]
    whole = form.options.rounding is Rounding.DOLLARS
    for box, a, b, c, d, e, g in form.detail.select("box", "a", "b", "c", "d", "e", "g").iter_rows():
        yield [
            "TD",
            f"N{refnum(Box(box))}",
            "C1",
            "L1",
            f"P{_ascii(a)}",
            f"D{b}",
            f"D{c}",
            f"${plain_amount(e - g, whole)}",  # format 4 has no adjustment: a code-E (g) is a cost, so the gain is (h)
            f"${plain_amount(d, whole)}",
        ]


def write(out: IO[str], form: Form8949, exported: date) -> None:
    """Write the TXF file; ``exported`` is the header's export date (fixed by the caller for reproducibility)."""
    for record in records(form, exported):
        out.write("".join(f"{line}\r\n" for line in record))
        out.write("^\r\n")


def warning(form: Form8949) -> str | None:
    """The re-check warning when any row is in a digital-asset box, else None."""
    boxes = sorted({Box(b) for b in form.detail["box"].unique().to_list()} & set(TXF_BOX))
    if not boxes:
        return None
    return WARNING.format(boxes=", ".join(boxes), as_boxes=", ".join(TXF_BOX[b] for b in boxes))
