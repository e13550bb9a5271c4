"""The importers taxlots knows, listed explicitly (nothing registers itself on import)."""

from __future__ import annotations

from types import ModuleType

from taxlots.importers import (
    binance_statement,
    binance_trades,
    bitfinex,
    bitpanda,
    bitstamp,
    cashapp,
    coinbase,
    coinbase_pro,
    coinledger,
    coinledger_export,
    cointracker,
    cointracking,
    etherscan,
    gemini,
    generic,
    koinly,
    koinly_simple,
    kraken_ledgers,
    kraken_trades,
    kucoin,
    strike,
    strike_monthly,
    uphold,
)
from taxlots.importers.base import Context, matches, normalize_header

#: Every importer, in the order ``detect`` lists them. A file must be claimed by exactly one.
IMPORTERS: tuple[ModuleType, ...] = (
    generic,
    coinbase,
    coinbase_pro,
    kraken_ledgers,
    kraken_trades,
    binance_trades,
    binance_statement,
    gemini,
    bitstamp,
    bitfinex,
    kucoin,
    koinly,
    koinly_simple,
    cointracker,
    coinledger,
    etherscan,
    uphold,
    bitpanda,
    strike,
    cashapp,
    cointracking,
    coinledger_export,
    strike_monthly,
)

__all__ = ["IMPORTERS", "Context", "claimants", "normalize_header"]


def claimants(header: tuple[str, ...], importers: tuple[ModuleType, ...] = IMPORTERS) -> list[ModuleType]:
    """The importers that claim a file with this normalized header."""
    return [imp for imp in importers if matches(imp, header)]
