"""Lot matching: pure Python over ``LedgerRow`` values; no I/O, no polars."""
