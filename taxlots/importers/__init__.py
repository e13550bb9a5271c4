"""The importers taxlots knows, listed explicitly (nothing registers itself on import)."""

from __future__ import annotations

from types import ModuleType

from taxlots.importers import generic
from taxlots.importers.base import Context, matches, normalize_header

#: Every importer, in the order ``detect`` lists them.
IMPORTERS: tuple[ModuleType, ...] = (generic,)

__all__ = ["IMPORTERS", "Context", "claimants", "normalize_header"]


def claimants(header: tuple[str, ...], importers: tuple[ModuleType, ...] = IMPORTERS) -> list[ModuleType]:
    """The importers that claim a file with this normalized header."""
    return [imp for imp in importers if matches(imp, header)]
