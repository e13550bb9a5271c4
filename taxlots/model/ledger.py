"""The unified ledger: one normalized event per row, whatever exchange it came from."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

from taxlots.model.source import SourceRef

#: The one asset that is cash: it has no lots and no gain. Everything else is property.
CASH = "USD"

#: The columns of the generic ledger CSV, in order (a public, stable contract).
LEDGER_COLUMNS: tuple[str, ...] = (
    "timestamp",
    "wallet",
    "type",
    "sent_asset",
    "sent_qty",
    "received_asset",
    "received_qty",
    "fee_asset",
    "fee_qty",
    "usd_value",
    "to_wallet",
    "id",
    "note",
)


class Kind(StrEnum):
    TRADE = "trade"  # sent one asset, received another
    DEPOSIT = "deposit"  # received from outside
    WITHDRAWAL = "withdrawal"  # sent to outside
    TRANSFER = "transfer"  # moved between two of the user's own wallets
    INCOME = "income"  # staking, mining, interest, airdrop: ordinary income at usd_value
    SPEND = "spend"  # paid for goods or services: a disposal at usd_value


class LedgerRow(NamedTuple):
    """One event of the unified ledger (immutable; a NamedTuple because a run makes a million of them).

    ``seq`` is the row's stable position (timestamp, then input file order, then line): every sort in the
    project ends on it, so the same input always gives the same output. ``timestamp`` is timezone-aware UTC.
    Quantities are positive; ``sent_*`` leaves ``wallet``, ``received_*`` arrives (in ``to_wallet`` for a
    transfer), and ``fee_*`` leaves ``wallet`` in addition to ``sent_qty``. Build it with keywords.
    """

    seq: int
    timestamp: datetime
    wallet: str
    kind: Kind
    id: str
    source: SourceRef
    sent_asset: str | None = None
    sent_qty: Decimal | None = None
    received_asset: str | None = None
    received_qty: Decimal | None = None
    fee_asset: str | None = None
    fee_qty: Decimal | None = None
    usd_value: Decimal | None = None
    to_wallet: str | None = None
    note: str = ""
