"""A year's starting inventory: the closing lots another run wrote (``taxlots lots --as-of YYYY-12-31 -o FILE``).

Read with ``--opening-lots FILE``: every line is a lot held before the first row of the inputs, with its exact
quantity, basis and acquisition time, so a run from last year's closing lots gives the same results as a run
from the full history. The columns that matter are ``lot_id, asset, wallet, quantity, acquired_at, basis``
(in any order; ``source_file, source_line`` say where the lot was first opened); the rounded columns a person
reads are ignored. A lot file from another tool can be turned into this shape by hand (see docs/project.md).
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from taxlots.lots.holding import tax_date
from taxlots.model import grains
from taxlots.model.diagnostics import Code, Diagnostic
from taxlots.model.lots import Lot
from taxlots.model.source import SourceRef

NEEDED = ("lot_id", "asset", "wallet", "quantity", "acquired_at", "basis")


def _number(text: str) -> Decimal | None:
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _moment(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def read(path: str, zone: ZoneInfo | None = None) -> tuple[tuple[Lot, ...], list[Diagnostic]]:
    """The lots of a closing-lots file, in file order, and one diagnostic per bad line."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(fh))
    except (OSError, UnicodeDecodeError) as err:
        why = err.strerror if isinstance(err, OSError) else "it is not UTF-8 text"
        return (), [Diagnostic(code=Code.FILE_UNREADABLE, message=f"cannot read opening lots: {why}", source=SourceRef(path, 0))]
    header = [c.strip().lower() for c in rows[0]] if rows else []
    missing = [c for c in NEEDED if c not in header]
    if missing:
        message = f"opening lots header lacks {', '.join(missing)}; write it with 'taxlots lots --as-of YYYY-12-31 -o FILE'"
        return (), [Diagnostic(code=Code.MISSING_COLUMN, message=message, source=SourceRef(path, 1))]
    at = {c: i for i, c in enumerate(header)}
    lots: list[Lot] = []
    diags: list[Diagnostic] = []
    for line, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        cell = {c: cells[i].strip() if i < len(cells) else "" for c, i in at.items()}
        qty, basis, when = _number(cell["quantity"]), _number(cell["basis"]), _moment(cell["acquired_at"])
        precise = [
            f"{c} '{cell[c]}' has more than 18 decimals" for c, v in (("quantity", qty), ("basis", basis)) if v and not grains.exact(v)
        ]
        problems = [
            *precise,
            *(f"{c} is blank" for c in ("lot_id", "asset", "wallet") if not cell[c]),
            *([f"quantity '{cell['quantity']}' is not a positive number"] if qty is None or qty <= 0 else []),
            *([f"basis '{cell['basis']}' is not a number of at least 0"] if basis is None or basis < 0 else []),
            *([f"acquired_at '{cell['acquired_at']}' is not an ISO 8601 time"] if when is None else []),
        ]
        if problems or qty is None or basis is None or when is None:
            diags.append(Diagnostic(code=Code.BAD_ROW, message="; ".join(problems), source=SourceRef(path, line, "opening-lots")))
            continue
        origin = SourceRef(
            cell.get("source_file") or path, int(cell.get("source_line") or line) if (cell.get("source_line") or "").isdigit() else line
        )
        lots.append(
            Lot(
                id=cell["lot_id"],
                asset=cell["asset"].upper(),
                wallet=cell["wallet"],
                quantity=qty,
                basis=basis,
                acquired_at=when,
                acquired_date=tax_date(when, zone or ZoneInfo("UTC")),
                source=origin,
            )
        )
    return tuple(lots), diags
