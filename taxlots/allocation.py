"""The user's own 2025 allocation of unused basis to wallets: ``lot_id,wallet,quantity`` (Rev. Proc. 2024-28).

Each line puts ``quantity`` units of an open universal lot (named by the ``id`` of the row that created it) in
``wallet`` at the snapshot; what the file leaves out is allocated by the default rule (``lots.transition``).
``taxlots lots --as-of 2024-12-31 --scope per-wallet-from-2025`` writes the allocation a run made, in a CSV
whose first columns are these, so it can be kept with the return and given back unchanged.
"""

from __future__ import annotations

import csv
from decimal import Decimal, InvalidOperation

from taxlots.lots.transition import Assignment
from taxlots.model import grains
from taxlots.model.diagnostics import Code, Diagnostic
from taxlots.model.source import SourceRef

COLUMNS = ("lot_id", "wallet", "quantity")


def read(path: str) -> tuple[tuple[Assignment, ...], list[Diagnostic]]:
    """Read an allocation file: one :class:`Assignment` per line, and one diagnostic per bad line."""
    out: list[Assignment] = []
    diags: list[Diagnostic] = []
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(fh))
    except (OSError, UnicodeDecodeError) as err:
        why = err.strerror if isinstance(err, OSError) else "it is not UTF-8 text"
        return (), [Diagnostic(code=Code.FILE_UNREADABLE, message=f"cannot read allocation file: {why}", source=SourceRef(path, 0))]
    header = [c.strip().lower() for c in rows[0]] if rows else []
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        message = f"allocation header lacks {', '.join(missing)}; expected {','.join(COLUMNS)}"
        return (), [Diagnostic(code=Code.BAD_OPTION, message=message, source=SourceRef(path, 1))]
    at = {c: header.index(c) for c in COLUMNS}
    for line, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        lot, wallet, text = (cells[at[c]].strip() if at[c] < len(cells) else "" for c in COLUMNS)
        try:
            qty = Decimal(text)
        except InvalidOperation:
            qty = Decimal(-1)
        if not lot or not wallet or not qty.is_finite() or qty <= 0 or not grains.exact(qty):
            precise = qty.is_finite() and qty > 0 and not grains.exact(qty)
            diags.append(
                Diagnostic(
                    code=Code.BAD_OPTION,
                    message=f"an allocation quantity has more than 18 decimals (got {text!r})"
                    if precise
                    else f"an allocation line needs a lot_id, a wallet and a positive quantity (got {text!r})",
                    source=SourceRef(path, line),
                )
            )
            continue
        out.append(Assignment(lot_id=lot, wallet=wallet, quantity=qty, source=SourceRef(path, line)))
    return tuple(out), diags
