"""Ordinary income (staking, mining, interest, airdrops, rewards) by month, type and asset.

Income is not reported on Form 8949 (US_RULES.md §4): it goes on Schedule 1 (or C), at its fair market value
in USD when received, which is also the basis of the new lot. Each line of this report sums the receipts of
one month, income type and asset; its value is the exact sum rounded to cents (half up), and the total is
the sum of the lines, so the report foots.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from taxlots.model.lots import Income
from taxlots.model.money import ZERO, cents, decimal_context, plain

HEADER = ("month", "type", "asset", "receipts", "quantity", "usd_value", "price_sources")

#: The income type a note names, first match wins (``disposition`` from an override wins over the note).
_TYPES: tuple[tuple[str, str], ...] = (
    ("learning", r"learn"),
    ("staking", r"stak"),
    ("mining", r"\bmin(ing|ed)\b"),
    ("airdrop", r"airdrop"),
    ("interest", r"interest|\bearn\b|lending"),
    ("referral", r"referral"),
    ("payment", r"payment|salary|invoice"),
    ("reward", r"reward|bonus|cashback|distribution"),
)


def income_type(note: str, disposition: str = "") -> str:
    """``staking``, ``mining``, ``interest``, ``airdrop``, ``reward``, ... from the export's own words; else ``other``."""
    if disposition:
        return disposition
    text = note.lower()
    return next((name for name, pattern in _TYPES if re.search(pattern, text)), "other")


@dataclass(frozen=True, slots=True, kw_only=True)
class IncomeLine:
    month: str
    type: str
    asset: str
    receipts: int
    quantity: Decimal
    usd_value: Decimal  # cents
    price_sources: str

    def cells(self) -> tuple[str, ...]:
        return (self.month, self.type, self.asset, str(self.receipts), plain(self.quantity), f"{self.usd_value:.2f}", self.price_sources)


def income_lines(income: Iterable[Income], year: int | None = None) -> list[IncomeLine]:
    """One line per (month, type, asset) of the income received in ``year`` (or in every year), in that order."""
    groups: dict[tuple[str, str, str], list[Income]] = {}
    for item in income:
        if year is None or item.received_date.year == year:
            key = (f"{item.received_date:%Y-%m}", income_type(item.note), item.asset)
            groups.setdefault(key, []).append(item)
    with decimal_context():
        return [
            IncomeLine(
                month=month,
                type=kind,
                asset=asset,
                receipts=len(items),
                quantity=sum((i.quantity for i in items), ZERO),
                usd_value=cents(sum((i.usd_value for i in items), ZERO)),
                price_sources=" ".join(sorted({i.price_source or "export" for i in items})),
            )
            for (month, kind, asset), items in sorted(groups.items())
        ]


def total(lines: Iterable[IncomeLine]) -> Decimal:
    """The sum of the lines' rounded values (what the report's total row shows)."""
    return sum((line.usd_value for line in lines), ZERO)
