"""Problems found in a run, returned as values that carry their source location."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from taxlots.model.source import SourceRef


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Code(StrEnum):
    # reading files
    FILE_UNREADABLE = "file-unreadable"
    ENCODING = "encoding"  # which text encoding (or workbook sheet) a file was read as
    UNKNOWN_FORMAT = "unknown-format"
    AMBIGUOUS_FORMAT = "ambiguous-format"
    MISSING_COLUMN = "missing-column"
    BAD_FIELD_COUNT = "bad-field-count"
    BAD_TIMESTAMP = "bad-timestamp"
    BAD_NUMBER = "bad-number"
    NEGATIVE_NUMBER = "negative-number"
    BLANK_FIELD = "blank-field"
    UNKNOWN_TYPE = "unknown-type"
    BAD_ROW = "bad-row"
    DUPLICATE_ID = "duplicate-id"
    SKIPPED_ROWS = "skipped-rows"
    DUPLICATES_DROPPED = "duplicates-dropped"
    # prices
    PRICE_FILE = "price-file"
    PRICE_ASSUMED = "price-assumed"
    PRICE_CONFLICT = "price-conflict"  # two price files (or lines) give different prices for one asset and moment
    # lot matching
    MISSING_PRICE = "missing-price"
    SHORTFALL = "shortfall"
    LOT_SELECTION = "lot-selection"
    # transfers
    MISSING_BASIS = "missing-basis"
    BAD_OVERRIDE = "bad-override"
    UNMATCHED_TRANSFER = "unmatched-transfer"
    # options
    BAD_OPTION = "bad-option"
    # writing
    FILE_UNWRITABLE = "file-unwritable"


@dataclass(frozen=True, slots=True, kw_only=True)
class Diagnostic:
    """One problem: what is wrong (``message``), where (``source``) and how to fix it (``hint``)."""

    code: Code
    message: str
    source: SourceRef | None = None
    severity: Severity = Severity.ERROR
    hint: str = ""

    def render(self) -> str:
        """``file:line: severity[code] message (hint)`` as printed by the CLI."""
        where = f"{self.source}: " if self.source else ""
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}{self.severity}[{self.code}] {self.message}{hint}"


def sort_key(diag: Diagnostic) -> tuple[str, int, str, str]:
    """Order diagnostics by file, then line, then code: the order the CLI prints them in."""
    src = diag.source
    return (src.file if src else "", src.line if src else 0, diag.code, diag.message)


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.severity is Severity.ERROR for d in diagnostics)
