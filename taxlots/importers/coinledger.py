"""CoinLedger's (formerly CryptoTrader.Tax) Universal Manual Import template.

``Date (UTC),Platform (Optional),Asset Sent,Amount Sent,Asset Received,Amount Received,Fee Currency (Optional),
Fee Amount (Optional),Type,Description (Optional),TxHash (Optional)`` (EXCHANGE_FORMATS.md §6.3). CoinLedger
tells users to keep every column, but spellings vary between template revisions, so only the required
columns are in the signature and each optional one is also found without its ``(Optional)`` suffix.
Mapping decisions:

- **The Type column gives the kind** (case-insensitive, ``_`` = space): Buy, Sell, Trade -> trade; Deposit
  -> deposit; Withdrawal -> withdrawal; Interest, Staking, Mining, Airdrop, Hard Fork, Income, Other Income
  -> income; Merchant Payment -> spend. Gifts, losses (theft, scam, casualty), donations and liquidity moves
  are errors naming the type: taxlots does not model them yet, and a gift is not a sale. An unknown type is
  an error. A blank Type (staketaxcsv writes one for trades) is read as a trade when both sides are filled,
  else it is an error. Whether the sides fit the type is checked by the ledger rules.
- **Dates** are ``MM/DD/YYYY HH:MM:SS`` in UTC, month first, never day-first (see
  :func:`taxlots.importers._templates.us_time`).
- **Amounts** are positive and strict; the fee is separate from the sent amount. A zero fee is no fee.
- **wallet** is ``Platform (Optional)`` when filled (the exchanges taxlots has importers for are spelled as
  those importers spell them: ``kraken`` -> ``Kraken``), else the file's name stem.
- **usd_value** stays blank (no value column). **id** is null: TxHash is a chain hash that several rows can
  share (a trade and its fee, a batch); it goes to ``note`` with the Description.
"""

from __future__ import annotations

import polars as pl

from taxlots.importers import _exprs as ex
from taxlots.importers._templates import currency, fee_side, label_key, present, quantity, tx_note, us_time
from taxlots.importers.base import Context

NAME = "coinledger"
TITLE = "CoinLedger universal manual import template"
SIGNATURES = (("date (utc)", "asset sent", "amount sent", "asset received", "amount received", "type"),)

TYPES: dict[str, str] = {
    "buy": "trade",
    "sell": "trade",
    "trade": "trade",
    "deposit": "deposit",
    "withdrawal": "withdrawal",
    "interest": "income",
    "staking": "income",
    "mining": "income",
    "airdrop": "income",
    "hard fork": "income",
    "income": "income",
    "other income": "income",
    "merchant payment": "spend",
}
UNSUPPORTED = (
    "gift received", "gift sent", "gift", "donation", "lost", "stolen", "theft loss", "scam loss", "casualty loss",
    "add liquidity", "remove liquidity",
)  # fmt: skip
_KNOWN = ", ".join(sorted(TYPES))

#: Exchanges spelled as their importers spell the wallet, so one exchange stays one wallet.
EXCHANGES = ("Coinbase", "Kraken", "Binance", "Gemini", "Bitstamp", "Bitfinex", "KuCoin")


def _kind(raw: pl.Expr, both_sides: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """``(type, error)`` from the Type column."""
    key, shown = label_key(raw), raw.str.strip_chars()
    kind = pl.when(key.is_null() & both_sides).then(pl.lit("trade")).otherwise(key.replace_strict(TYPES, default=None))
    error = (
        pl.when(key.is_null() & ~both_sides)
        .then(pl.lit(f"Type is blank; use one of {_KNOWN}"))
        .when(key.is_in(UNSUPPORTED))
        .then(pl.format("CoinLedger type '{}' is not supported yet", shown))
        .when(key.is_not_null() & ~key.is_in(list(TYPES)))
        .then(pl.format(f"unknown CoinLedger type '{{}}'; taxlots knows: {_KNOWN}", shown))
    )
    return kind, error


def _wallet(ctx: Context) -> pl.Expr:
    platform = ex.blank_to_null(ex.column(ctx, "platform (optional)", "platform"))
    canonical = platform.str.to_lowercase().replace_strict({e.lower(): e for e in EXCHANGES}, default=platform)
    return pl.coalesce(canonical, ex.file_wallet(ctx))


def normalize(lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """Read CoinLedger's universal manual import template into the unified schema."""
    ts, ts_err = us_time(pl.col("date (utc)"), "Date (UTC)", "a CoinLedger date (MM/DD/YYYY HH:MM:SS, UTC)")
    sent_qty, sent_err = quantity(pl.col("amount sent"), "Amount Sent")
    received_qty, received_err = quantity(pl.col("amount received"), "Amount Received")
    sent_asset, sent_cur_err = currency(pl.col("asset sent"), "Asset Sent")
    received_asset, received_cur_err = currency(pl.col("asset received"), "Asset Received")
    fee_qty_raw = ex.column(ctx, "fee amount (optional)", "fee amount")
    fee_currency = ex.column(ctx, "fee currency (optional)", "fee currency")
    fee_asset, fee_qty, fee_err = fee_side(fee_qty_raw, fee_currency, "Fee Amount")
    fee_cur_err = currency(fee_currency, "Fee Currency")[1]
    has_sent = present(pl.col("amount sent"), sent_asset)
    has_received = present(pl.col("amount received"), received_asset)
    kind, kind_err = _kind(pl.col("type"), has_sent & has_received)
    description = ex.column(ctx, "description (optional)", "description")
    return lf.select(
        ex.unified(
            timestamp=ts,
            wallet=_wallet(ctx),
            type=kind,
            sent_asset=pl.when(has_sent).then(sent_asset),
            sent_qty=pl.when(has_sent).then(sent_qty),
            received_asset=pl.when(has_received).then(received_asset),
            received_qty=pl.when(has_received).then(received_qty),
            fee_asset=fee_asset,
            fee_qty=fee_qty,
            note=ex.note(pl.col("type"), description, tx_note(ex.column(ctx, "txhash (optional)", "txhash"))),
            error=ex.join_errors(ts_err, sent_err, received_err, fee_err, sent_cur_err, received_cur_err, fee_cur_err, kind_err),
        )
    )
