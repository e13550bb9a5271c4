"""taxlots: exact, auditable US tax-lot reports from crypto exchange exports."""

from __future__ import annotations

from taxlots.lots.engine import Config, match
from taxlots.lots.methods import Method
from taxlots.lots.pool import Scope
from taxlots.model.ledger import Kind, LedgerRow
from taxlots.model.lots import Disposal, Income, Lot, LotSlice, MatchResult

__version__ = "0.1.0"

__all__ = ["Config", "Disposal", "Income", "Kind", "LedgerRow", "Lot", "LotSlice", "MatchResult", "Method", "Scope", "__version__", "match"]
