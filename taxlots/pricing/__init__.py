"""Prices for every taxable event: read price files, and fill the USD values the engine needs."""

from taxlots.pricing.attach import DEFAULT_PEGGED, PriceReport, attach_prices

__all__ = ["DEFAULT_PEGGED", "PriceReport", "attach_prices"]
