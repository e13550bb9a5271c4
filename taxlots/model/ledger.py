"""The unified ledger: one normalized event per row, whatever exchange it came from."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

from taxlots.model.source import SourceRef

#: The one asset that is cash: it has no lots and no gain. Everything else is property.
CASH = "USD"
#: Fee credits that are not property (Kraken's KFEE): a fee paid with them costs nothing, and they have no lots.
NOT_PROPERTY: tuple[str, ...] = ("KFEE",)

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

#: Optional columns of the generic ledger CSV, read when present and written by ``taxlots import``: what an
#: exchange says about a transfer (so withdrawals and deposits can be matched), and what the transfer and
#: price steps decide about a row (so a written ledger can be reviewed and read back unchanged).
OPTIONAL_COLUMNS: tuple[str, ...] = (
    "tx_hash",  # the chain transaction id of a deposit or withdrawal
    "address",  # the chain address it went to or came from
    "acquired_at",  # a deposit's carried-over acquisition time (a gift received, a purchase declared)
    "gift_fmv",  # a gift's fair market value at receipt (the dual-basis rule for losses)
    "disposition",  # what a deposit or withdrawal really was: gift, donation, lost, purchase, ...
    "fee_usd",  # the fee's USD value when a price source (not the row's own sides) valued it
    "price_source",  # which source gave usd_value: export, override, file:<path>, ledger, peg
    "fee_source",  # which source gave fee_usd
)


class Kind(StrEnum):
    TRADE = "trade"  # sent one asset, received another
    DEPOSIT = "deposit"  # received from outside
    WITHDRAWAL = "withdrawal"  # sent to outside
    TRANSFER = "transfer"  # moved between two of the user's own wallets
    INCOME = "income"  # staking, mining, interest, airdrop: ordinary income at usd_value
    SPEND = "spend"  # paid for goods or services: a disposal at usd_value
    FEE = "fee"  # a fee paid in property on a row of its own (a trade's second fee): a disposal at usd_value


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
    fee_usd: Decimal | None = None  # the fee's USD value from a price source; else it is priced from the row's sides
    acquired_at: datetime | None = None  # a deposit's carried-over acquisition time (gift received, declared purchase)
    gift_fmv: Decimal | None = None  # a gift's FMV at receipt: the basis for a loss when lower than the donor's basis
    disposition: str = ""  # what a deposit or withdrawal was (gift, donation, lost, stolen, purchase, ...)
    price_source: str = ""  # where usd_value came from (export, override, file:<path>, ledger, peg)
    fee_source: str = ""  # where fee_usd came from
