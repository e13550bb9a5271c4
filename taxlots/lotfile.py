"""The specific-identification file: ``disposal_id,lot_id,quantity``, one line per lot a disposal uses.

Ids are the ledger's row ids: the exchange's own id, or ``row-<hash>-<k>`` for a row its export leaves
without one (``taxlots gains`` and ``taxlots lots`` print them). Files written before content ids name
such rows ``FILE:LINE``: :func:`resolve` turns each into the id of the row read from that file and line,
and a place that names no row, or more than one, is an error on the selection file's line.
"""

from __future__ import annotations

import csv
import io
import os
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

import polars as pl

from taxlots import inputs
from taxlots.model import grains
from taxlots.model.diagnostics import Code, Diagnostic
from taxlots.model.lots import Selection
from taxlots.model.source import SourceRef

HEADER = ("disposal_id", "lot_id", "quantity")


def read(path: str) -> tuple[dict[str, tuple[Selection, ...]], list[Diagnostic]]:
    """Read a lot-selection CSV.

    Args:
        path: the file.

    Returns:
        Selections per disposal id (in file order), and one diagnostic per bad line.
    """
    out: dict[str, list[Selection]] = {}
    diags: list[Diagnostic] = []

    def bad(line: int, message: str, hint: str = "") -> None:
        diags.append(Diagnostic(code=Code.LOT_SELECTION, message=message, source=SourceRef(path, line, "lots"), hint=hint))

    try:
        data = Path(path).read_bytes()
    except OSError as err:
        return {}, [
            Diagnostic(code=Code.FILE_UNREADABLE, message=f"cannot read lot selection file: {err.strerror}", source=SourceRef(path, 0))
        ]
    text, problems = inputs.decode(data, path)
    diags += problems
    if text is None:
        return {}, diags
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as err:
        bad(0, f"is not a readable CSV file: {err}")
        return {}, diags
    header = tuple(c.strip().lower() for c in rows[0]) if rows else ()
    if header[:3] != HEADER:
        bad(1, f"header is {','.join(header) or '(empty)'}; expected {','.join(HEADER)}")
        return {}, diags
    for line, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) < 3 or not cells[0].strip() or not cells[1].strip():
            bad(line, "needs a disposal_id, a lot_id and a quantity")
            continue
        disposal, lot, text = (c.strip() for c in cells[:3])
        try:
            qty = Decimal(text)
        except InvalidOperation:
            bad(line, f"quantity '{text}' is not a number")
            continue
        if not qty.is_finite() or qty <= 0:
            bad(line, f"quantity '{text}' must be a positive number")
            continue
        if not grains.exact(qty):
            bad(line, f"quantity '{text}' has more than 18 decimals; taxlots keeps amounts exactly to 1e-18")
            continue
        out.setdefault(disposal, []).append(Selection(disposal_id=disposal, lot_id=lot, quantity=qty, source=SourceRef(path, line, "lots")))
    return {k: tuple(v) for k, v in out.items()}, diags


_PLACE = re.compile(r"(?P<file>.+):(?P<line>[0-9]+)")


def resolve(selections: dict[str, tuple[Selection, ...]], frame: pl.DataFrame) -> tuple[dict[str, tuple[Selection, ...]], list[Diagnostic]]:
    """Selections whose ``FILE:LINE`` ids (the old form) are replaced by the id of the row read from that place.

    An id that is a row id of ``frame`` stays as it is. ``FILE`` is compared as a path (``./a.csv`` is ``a.csv``),
    else by file name alone; ``LINE`` is the export's line (or, for a ledger taxlots wrote, its source line).
    """
    # Only ids shaped FILE:LINE that are not row ids need a look-up, and only rows on those lines can answer:
    # a lots file of real ids costs no pass over the ledger.
    texts = {t for sels in selections.values() for sel in sels for t in (sel.disposal_id, sel.lot_id) if _PLACE.fullmatch(t)}
    known = set(frame.filter(pl.col("id").is_in(sorted(texts)))["id"].to_list()) if texts else set()
    lines = sorted({int(m["line"]) for t in texts - known if (m := _PLACE.fullmatch(t))})
    if not lines:
        return selections, []
    on_lines = frame.filter(pl.col("line").is_in(lines) | pl.col("src_line").is_in(lines))
    places: dict[tuple[str, int], set[str]] = {}
    names: dict[tuple[str, int], set[str]] = {}
    for row_id, *where in on_lines.select("id", "file", "line", "src_file", "src_line").iter_rows():
        for file, line in ((where[0], where[1]), (where[2], where[3])):
            if file is not None and line is not None:
                places.setdefault((os.path.normpath(file), int(line)), set()).add(row_id)
                names.setdefault((os.path.basename(file), int(line)), set()).add(row_id)
    diags: list[Diagnostic] = []

    def one(text: str, sel: Selection, what: str) -> str:
        match = _PLACE.fullmatch(text)
        if text in known or match is None:
            return text
        key = (os.path.normpath(match["file"]), int(match["line"]))
        found = places.get(key) or names.get((os.path.basename(match["file"]), key[1]), set())
        if len(found) == 1:
            return next(iter(found))
        how = "run 'taxlots gains' (disposal_id) or 'taxlots lots' (lot_id) on the same inputs to see the ids"
        if not found:
            message = f"{what} '{text}' names no row read from that file and line"
        else:
            message = f"{what} '{text}' names {len(found)} rows ({', '.join(sorted(found))}); name one by its id"
        diags.append(Diagnostic(code=Code.LOT_SELECTION, message=message, source=sel.source, hint=how))
        return text

    out: dict[str, list[Selection]] = {}
    for sels in selections.values():
        for sel in sels:
            disposal, lot = one(sel.disposal_id, sel, "disposal_id"), one(sel.lot_id, sel, "lot_id")
            out.setdefault(disposal, []).append(Selection(disposal_id=disposal, lot_id=lot, quantity=sel.quantity, source=sel.source))
    return {k: tuple(v) for k, v in out.items()}, diags
