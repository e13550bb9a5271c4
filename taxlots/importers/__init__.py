"""The importers taxlots knows, listed explicitly (nothing registers itself on import)."""

from __future__ import annotations

from types import ModuleType

from taxlots.importers import (
    binance_orders,
    binance_statement,
    binance_trades,
    bitfinex,
    bitfinex_ledgers,
    bitstamp,
    coinbase,
    coinbase_pro,
    coinbase_pro_account,
    coinbase_transactions,
    coinbase_transfers,
    coinledger,
    cointracker,
    gemini,
    generic,
    koinly,
    koinly_simple,
    kraken_ledgers,
    kraken_trades,
    kucoin,
)
from taxlots.importers.base import Context, matches, normalize_header

#: Every importer, in the order ``detect`` lists them. A file must be claimed by exactly one.
IMPORTERS: tuple[ModuleType, ...] = (
    generic,
    coinbase,
    coinbase_pro,
    coinbase_pro_account,
    coinbase_transactions,
    coinbase_transfers,
    kraken_ledgers,
    kraken_trades,
    binance_trades,
    binance_orders,
    binance_statement,
    gemini,
    bitstamp,
    bitfinex,
    bitfinex_ledgers,
    kucoin,
    koinly,
    koinly_simple,
    cointracker,
    coinledger,
)

__all__ = ["IMPORTERS", "Context", "claimants", "normalize_header"]


def claimants(header: tuple[str, ...], importers: tuple[ModuleType, ...] = IMPORTERS) -> list[ModuleType]:
    """The importers that claim a file with this normalized header."""
    return [imp for imp in importers if matches(imp, header)]
