"""Coinbase's 2017-2019 per-wallet "Transactions" report (EXCHANGE_FORMATS.md §1.6).

A preamble (``Transactions``, ``User,...``, ``Account,<wallet>,...``), then ``Timestamp,Balance,Amount,
Currency,To,Notes,Instantly Exchanged,Transfer Total,Transfer Total Currency,Transfer Fee,Transfer Fee
Currency,Transfer Payment Method,Transfer ID,Order Price,Order Currency,Order BTC|Order Total,...,Coinbase
ID (visit ...),Bitcoin Hash (visit ...)``. One file per wallet; ``Currency`` is the wallet's asset and
``Amount`` its signed change. ``Timestamp`` carries the user's offset (``2017-01-01 12:00:00 -0700``).

Mapping (wallet "Coinbase", like the retail history):

- A chain hash (the last column) marks a crypto deposit (``Amount`` > 0) or withdrawal (< 0) to or from
  outside: ``tx_hash`` is the hash and, for a withdrawal, ``address`` the ``To`` column.
- A ``Transfer ID`` with ``Transfer Total Currency`` other than ``Currency`` is a buy or sell against that
  currency (the account fiat, which stays an asset unless it is USD): a buy receives ``Amount`` and sends
  ``Transfer Total - Transfer Fee`` (the total includes the fee), a sell sends ``|Amount|`` and receives
  ``Transfer Total + Transfer Fee`` (the total is net of it); the fee is ``Transfer Fee`` in its currency.
  With the same currency it is a fiat deposit or withdrawal of ``Transfer Total`` with that fee. Such rows
  have id ``coinbase-transfer:<Transfer ID>``, the id the "Transfers" report gives the same transfer
  (:mod:`taxlots.importers.coinbase_transfers`, which wins: ``PRIORITY`` -1 here).
- A row with neither is a move within Coinbase (to Coinbase Pro, a vault, another wallet of the user)
  or a bonus: a counted skip with that reason (the other side of a move is in another wallet's report or
  in Pro's; a bonus must be recorded as income by hand).

Other ids: ``coinbase:<Coinbase ID>``; ``usd_value`` blank (a USD side is its own value).
"""

from __future__ import annotations

import polars as pl

from taxlots.importers import _exprs as ex
from taxlots.importers.base import Context

NAME = "coinbase-transactions"
TITLE = "Coinbase per-wallet Transactions report CSV (2017-2019)"
WALLET = "Coinbase"
PRIORITY = -1  # below the Transfers report, which describes the same buys and sells
SIGNATURES = (
    ("timestamp", "balance", "amount", "currency", "to", "notes", "instantly exchanged", "transfer total", "transfer total currency")
    + ("transfer fee", "transfer fee currency", "transfer payment method", "transfer id"),
)
_MOVE = "no chain hash and no transfer id: a move within Coinbase (to Coinbase Pro, a vault, another wallet) or a bonus"


def _column_starting(ctx: Context, prefix: str) -> pl.Expr:
    """The column whose name starts with ``prefix`` (its name carries a URL), else null."""
    name = next((c for c in ctx.header if c.startswith(prefix)), None)
    return ex.blank_to_null(pl.col(name)) if name else pl.lit(None, pl.String)


def offset_time(raw: pl.Expr) -> pl.Expr:
    """``2017-01-01 12:00:00 -0700`` (or ISO) -> UTC."""
    return ex.iso_utc(raw.str.strip_chars().str.replace(r"\s+([+-]\d\d:?\d\d)$", "${1}"))


def normalize(lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """Read one wallet's Transactions report into the unified schema (see the module docstring)."""
    amount, amount_err = ex.checked_number(pl.col("amount"), "Amount")
    total, total_err = ex.checked_number(pl.col("transfer total"), "Transfer Total")
    fee, fee_err = ex.checked_number(pl.col("transfer fee"), "Transfer Fee")
    lf = lf.with_columns(
        _ts=offset_time(pl.col("timestamp")),
        _amount=amount,
        _total=ex.unsigned(total),
        _fee=ex.nonzero(ex.unsigned(fee)),
        _asset=ex.asset_code(pl.col("currency")),
        _other=ex.asset_code(pl.col("transfer total currency")),
        _fee_asset=ex.asset_code(pl.col("transfer fee currency")),
        _hash=_column_starting(ctx, "bitcoin hash"),
        _cb_id=_column_starting(ctx, "coinbase id"),
        _transfer=ex.blank_to_null(pl.col("transfer id")),
        _errs=ex.join_errors(amount_err, total_err, fee_err),
    )
    a, asset, other, hsh, transfer = pl.col("_amount"), pl.col("_asset"), pl.col("_other"), pl.col("_hash"), pl.col("_transfer")
    inbound = ~ex.is_negative(a).fill_null(False)
    qty = ex.unsigned(a)
    d_total, d_fee = ex.as_decimal(pl.col("_total")), ex.as_decimal(pl.col("_fee").fill_null("0"))
    trade = hsh.is_null() & transfer.is_not_null() & other.is_not_null() & (other != asset)
    fiat = hsh.is_null() & transfer.is_not_null() & ~trade
    move = hsh.is_null() & transfer.is_null()
    cash = ex.plain_decimal(pl.when(inbound).then(d_total - d_fee).otherwise(d_total + d_fee))
    has_fee = (trade | fiat) & pl.col("_fee").is_not_null()
    kind = pl.when(trade).then(pl.lit("trade")).when(inbound).then(pl.lit("deposit")).otherwise(pl.lit("withdrawal"))
    moved = pl.when(fiat).then(pl.col("_total")).otherwise(qty)
    errors = ex.join_errors(
        ex.timestamp_error(pl.col("timestamp"), pl.col("_ts"), "Timestamp", "a date and time like 2017-01-01 12:00:00 -0700"),
        pl.col("_errs"),
        pl.when(asset.is_null()).then(pl.lit("Currency is blank")),
        pl.when(a.is_null() & pl.col("_errs").is_null()).then(pl.lit("Amount is blank")),
        pl.when((trade | fiat) & pl.col("_total").is_null()).then(pl.lit("Transfer Total is blank")),
    )
    return lf.select(
        ex.unified(
            timestamp=pl.col("_ts"),
            wallet=pl.lit(WALLET),
            type=kind,
            sent_asset=pl.when(trade).then(pl.when(inbound).then(other).otherwise(asset)).when(~inbound).then(asset),
            sent_qty=pl.when(trade).then(pl.when(inbound).then(cash).otherwise(qty)).when(~inbound).then(moved),
            received_asset=pl.when(trade).then(pl.when(inbound).then(asset).otherwise(other)).when(inbound).then(asset),
            received_qty=pl.when(trade).then(pl.when(inbound).then(qty).otherwise(cash)).when(inbound).then(moved),
            fee_asset=pl.when(has_fee).then(pl.coalesce(pl.col("_fee_asset"), other)),
            fee_qty=pl.when(has_fee).then(pl.col("_fee")),
            id=pl.when(transfer.is_not_null())
            .then(pl.format("coinbase-transfer:{}", transfer))
            .otherwise(pl.format("coinbase:{}", pl.col("_cb_id"))),
            note=ex.note(pl.col("notes")),
            error=errors,
            skip=pl.when(move & errors.is_null()).then(pl.lit(_MOVE)),
            tx_hash=hsh,
            address=pl.when(hsh.is_not_null() & ~inbound).then(ex.blank_to_null(pl.col("to"))),
        )
    )
