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
    bittrex_trades,
    bittrex_transfers,
    blockfi,
    blockfi_trades,
    bybit_funding,
    bybit_spot,
    bybit_uta,
    coinbase,
    coinbase_pro,
    coinbase_pro_account,
    coinbase_transactions,
    coinbase_transfers,
    coinledger,
    cointracker,
    cryptocom_app,
    cryptocom_exchange,
    gateio,
    gemini,
    generic,
    koinly,
    koinly_simple,
    kraken_ledgers,
    kraken_trades,
    kucoin,
    nexo,
    okx_funding,
    okx_trades,
    poloniex_trades,
    poloniex_transfers,
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
    okx_trades,
    okx_funding,
    bybit_spot,
    bybit_uta,
    bybit_funding,
    cryptocom_app,
    cryptocom_exchange,
    gateio,
    poloniex_trades,
    poloniex_transfers,
    bittrex_trades,
    bittrex_transfers,
    nexo,
    blockfi,
    blockfi_trades,
)

__all__ = ["IMPORTERS", "Context", "claimants", "normalize_header"]


def claimants(header: tuple[str, ...], importers: tuple[ModuleType, ...] = IMPORTERS) -> list[ModuleType]:
    """The importers that claim a file with this normalized header."""
    return [imp for imp in importers if matches(imp, header)]
