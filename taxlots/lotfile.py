"""The specific-identification file: ``disposal_id,lot_id,quantity``, one line per lot a disposal uses."""

from __future__ import annotations

import csv
import io
from decimal import Decimal, InvalidOperation
from pathlib import Path

from taxlots import inputs
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
        out.setdefault(disposal, []).append(Selection(disposal_id=disposal, lot_id=lot, quantity=qty, source=SourceRef(path, line, "lots")))
    return {k: tuple(v) for k, v in out.items()}, diags
