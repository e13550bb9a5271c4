"""Where a row came from."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SourceRef:
    """A place in an input file: the file as the user named it, its 1-based line, and the importer that read it."""

    file: str
    line: int
    importer: str = ""

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"
