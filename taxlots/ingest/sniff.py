"""Step 1, sniff: find the header row in a file's first lines and the one importer that claims it."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from types import ModuleType

from taxlots.importers import IMPORTERS, claimants, normalize_header
from taxlots.model.diagnostics import Code, Diagnostic
from taxlots.model.source import SourceRef

SNIFF_LINES = 20


_DELIMITERS = (",", ";", "\t")


@dataclass(frozen=True, slots=True)
class Sniffed:
    """Where a file's header is and which importer claims it."""

    importer: ModuleType
    header_line: int
    separator: str
    header: tuple[str, ...]
    raw_header: tuple[str, ...]


def _split_line(line: str) -> list[tuple[str, list[str]]]:
    out = []
    for sep in _DELIMITERS:
        cells = next(csv.reader([line], delimiter=sep), [])
        if len(cells) > 1:
            out.append((sep, cells))
    return out


#: Column names many tools use: they never tell one format from another, even when only one importer names them.
_COMMON_NAMES = frozenset(
    (
        "date", "time", "timestamp", "amount", "currency", "asset", "coin", "type", "fee", "fees", "price", "quantity", "total",
        "value", "description", "note", "notes", "id", "status", "side", "pair", "symbol", "market", "wallet", "account", "label",
        "tag", "balance",
    )
)  # fmt: skip


def _distinctive(importers: tuple[ModuleType, ...]) -> dict[tuple[str, tuple[str, ...]], frozenset[str]]:
    """Per (importer, signature): the columns no other importer's signatures name and that are no common word."""
    out: dict[tuple[str, tuple[str, ...]], frozenset[str]] = {}
    for imp in importers:
        others = {c for o in importers if o is not imp for sig in o.SIGNATURES for c in sig} | _COMMON_NAMES
        for sig in imp.SIGNATURES:
            out[(imp.NAME, sig)] = frozenset(sig) - others
    return out


def _closeness(
    header: tuple[str, ...], sig: tuple[str, ...], distinctive: frozenset[str], evidence: tuple[str, ...] = ()
) -> tuple[float, float] | None:
    """How close a header that no importer claims is to ``sig``: ``(distinctive share, overall share)``, or None.

    A header is taken for a near miss of a format only when it has most of the signature's columns and at
    least half of the columns that only this format has: a file from another tool that shares a few generic
    column names (date, amount, currency) is an unknown format, not a broken export of this one. A format
    none of whose columns is its own (Bitfinex's ledger: currency, description, amount, balance, date) is
    named only for a header with all of them but one and one of the importer's ``EVIDENCE`` columns.
    """
    cells = set(header)
    present = sum(c in cells for c in sig)
    overall = present / len(sig)
    if not distinctive:
        near = present >= len(sig) - 1 and any(c in cells for c in evidence)
        return (0.0, overall) if near else None
    unique = sum(c in cells for c in distinctive) / len(distinctive)
    if overall < 0.6 or unique < 0.5:
        return None
    return unique, overall


def sniff(path: str, importers: tuple[ModuleType, ...] = IMPORTERS, *, name: str | None = None) -> tuple[Sniffed | None, Diagnostic | None]:
    """Find the header row in the first :data:`SNIFF_LINES` lines and the one importer that claims it.

    Args:
        path: the UTF-8 text to read.
        importers: the importers to try.
        name: the file as the user named it, for messages (default ``path``).

    Returns:
        ``(sniffed, None)`` on success, else ``(None, diagnostic)``: unknown format (with the header that
        was seen and the formats known), a known format missing columns, or two importers claiming it.
    """
    name = name or path
    try:
        with open(path, encoding="utf-8-sig", errors="strict", newline="") as fh:
            lines = [fh.readline() for _ in range(SNIFF_LINES)]
    except OSError as err:
        return None, Diagnostic(code=Code.FILE_UNREADABLE, message=f"cannot read file: {err.strerror}", source=SourceRef(name, 0))
    except UnicodeDecodeError:  # inputs.prepare has checked the encoding; a caller that skipped it gets a clear error
        return None, Diagnostic(code=Code.FILE_UNREADABLE, message="is not UTF-8 text", source=SourceRef(name, 0))
    lines = [ln.rstrip("\r\n") for ln in lines if ln]
    distinctive = _distinctive(importers)
    best: tuple[tuple[int, float, float], int, ModuleType, list[str]] | None = None
    for number, line in enumerate(lines, start=1):
        for sep, cells in _split_line(line):
            header = tuple(normalize_header(c) for c in cells)
            found = claimants(header, importers)
            if len(found) > 1:
                names = ", ".join(imp.NAME for imp in found)
                return None, Diagnostic(
                    code=Code.AMBIGUOUS_FORMAT,
                    message=f"header is claimed by more than one importer: {names}",
                    source=SourceRef(name, number),
                    hint="please report this file's header so the importers can be told apart",
                )
            if found:
                raw = tuple(c.replace("\ufeff", "").strip() for c in cells)
                return Sniffed(found[0], number, sep, header, raw), None
            for imp in importers:
                for sig in imp.SIGNATURES:
                    score = _closeness(header, sig, distinctive[(imp.NAME, sig)], getattr(imp, "EVIDENCE", ()))
                    missing = [c for c in sig if c not in header]
                    # the closest format is the one that lacks the fewest columns, then the most distinctive share
                    if score is not None and (best is None or (-len(missing), *score) > best[0]):
                        best = ((-len(missing), *score), number, imp, missing)
    if best is not None:
        _, number, imp, missing = best
        lacks = f"lacks column(s): {', '.join(missing)}" if missing else "is another export of that service, which taxlots does not read"
        return None, Diagnostic(
            code=Code.MISSING_COLUMN,
            message=f"header looks like {imp.TITLE} but {lacks}",
            source=SourceRef(name, number),
            hint="add the missing column(s) to the header (a blank column is fine)",
        )
    seen = lines[0] if lines else "(empty file)"
    known = "; ".join(imp.TITLE for imp in importers)
    return None, Diagnostic(
        code=Code.UNKNOWN_FORMAT,
        message=f"not a format taxlots knows; first line: {seen[:200]!r}",
        source=SourceRef(name, 1),
        hint=f"known formats: {known}",
    )
