"""Strike account statement CSV (Settings -> Reports -> transaction history, 2024 on).

``Reference,Date & Time (UTC),Transaction Type,Amount USD,Fee USD,Amount BTC,Fee BTC,BTC Price,
Cost Basis (USD),Destination,Description,Transaction Hash,Note`` (BittyTax's strike parser registers the
GBP form of this header, ``Amount GBP``/``Fee GBP``/``Cost Basis (GBP)``; several public US parsers' fixtures
show the USD form, some without ``Transaction Hash`` or ``Note``). The fiat is read from the header
(``Amount <FIAT>``). ``Date & Time (UTC)`` reads ``Jan 15 2024 10:30:00`` (UTC). Amounts are signed (a
Send's ``Amount BTC`` is negative; purchases' ``Amount USD`` are written negative by some files, positive
by others): magnitudes are taken, the type gives the direction. Strike does not document the CSV (as
BittyTax's author notes), so what follows is read from the samples available. The older layout
(``Transaction ID,...,Amount 1,Currency 1,...``) is read by :mod:`taxlots.importers.strike_monthly`.

Mapping (wallet "Strike"; id ``strike:<Reference>``):

- ``Purchase`` (also ``Buy``): a trade of the fiat for BTC. ``Amount <FIAT>`` is what was paid with the fee
  in it (BittyTax: the fiat sent is the amount less ``Fee <FIAT>``; ``Cost Basis`` equals the amount), so
  ``sent = |Amount| - Fee`` and the fee on top. ``Sale`` (also ``Sell``): BTC for the fiat, the fee on top
  of ``Amount <FIAT>`` (UNCONFIRMED: no sample of a sale with a fee was found).
- ``Send``: a withdrawal of ``|Amount BTC|`` with ``Fee BTC`` on top; ``Destination`` -> ``address``,
  ``Transaction Hash`` -> ``tx_hash``. ``Receive``: a deposit of BTC (``tx_hash`` when given).
- ``Deposit`` / ``Withdrawal``: fiat in or out (with ``Fee <FIAT>`` on a withdrawal).
- A row without a ``Reference`` is skipped as a failed transaction (BittyTax's reading). Any other type
  (loans, reversals, credit lines) is an error naming the known ones.
"""

from __future__ import annotations

import re

import polars as pl

from taxlots.importers import _exprs as ex
from taxlots.importers.base import Context

NAME = "strike"
TITLE = "Strike account statement CSV"
WALLET = "Strike"
SIGNATURES = (("reference", "date & time (utc)", "transaction type", "amount btc", "fee btc", "btc price", "destination", "description"),)
_FIAT_RE = re.compile(r"^amount ([a-z]{3})$")
_TYPES = {"purchase": "buy", "buy": "buy", "sale": "sell", "sell": "sell", "send": "send", "receive": "receive"}
_TYPES |= {"deposit": "deposit", "withdrawal": "withdrawal"}
_KNOWN = "Purchase, Sale, Send, Receive, Deposit, Withdrawal"


def _fiat(header: tuple[str, ...]) -> str | None:
    return next((m.group(1) for c in header if (m := _FIAT_RE.match(c)) and m.group(1) != "btc"), None)


def claims(header: tuple[str, ...]) -> bool:
    fiat = _fiat(header)
    return fiat is not None and f"fee {fiat}" in header


def _amount(name: str, label: str) -> tuple[pl.Expr, pl.Expr]:
    """The magnitude of a signed amount (``$``, thousands commas allowed) and its error."""
    value, error = ex.checked_number(pl.col(name), label, money=True)
    return ex.nonzero(ex.expand_exponent(ex.unsigned(value))), error


def _timestamp() -> tuple[pl.Expr, pl.Expr]:
    raw = pl.col("date & time (utc)")
    s = ex.blank_to_null(raw)
    ts = pl.coalesce(s.str.to_datetime("%b %d %Y %H:%M:%S", strict=False, time_zone="UTC"), ex.iso_utc(raw))
    return ts, ex.timestamp_error(raw, ts, "Date & Time (UTC)", "a date like 'Jan 15 2024 10:30:00'")


def _minus(a: pl.Expr, b: pl.Expr) -> pl.Expr:
    return pl.when(b.is_null()).then(a).otherwise(ex.plain_decimal(ex.as_decimal(a) - ex.as_decimal(b)))


def normalize(lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """Strike statement rows -> unified trades, deposits and withdrawals (one per row)."""
    code = _fiat(ctx.header)
    assert code is not None
    fiat = code.upper()
    label = dict(zip(ctx.header, ctx.raw_header, strict=False))
    usd, usd_err = _amount(f"amount {code}", label[f"amount {code}"])
    usd_fee, usd_fee_err = _amount(f"fee {code}", label[f"fee {code}"])
    btc, btc_err = _amount("amount btc", label["amount btc"])
    btc_fee, btc_fee_err = _amount("fee btc", label["fee btc"])
    ts, ts_err = _timestamp()
    raw_type = ex.blank_to_null(pl.col("transaction type"))
    lf = lf.with_columns(
        _ts=ts, _usd=usd, _usd_fee=usd_fee, _btc=btc, _btc_fee=btc_fee, _ref=ex.blank_to_null(pl.col("reference")),
        _k=raw_type.str.to_lowercase().replace_strict(_TYPES, default="unknown"),
        _errs=ex.join_errors(ts_err, usd_err, usd_fee_err, btc_err, btc_fee_err),
    )  # fmt: skip
    k, usd, usd_fee, btc, btc_fee = (pl.col(c) for c in ("_k", "_usd", "_usd_fee", "_btc", "_btc_fee"))
    buy, sell = k == "buy", k == "sell"
    shown = pl.col("transaction type").str.strip_chars()
    error = ex.join_errors(
        pl.col("_errs"),
        pl.when(raw_type.is_null())
        .then(pl.lit("Transaction Type is blank"))
        .when(k == "unknown")
        .then(pl.format(f"unknown Transaction Type '{{}}'; taxlots knows: {_KNOWN}", shown)),
        pl.when((buy | sell) & (usd.is_null() | btc.is_null())).then(
            pl.format(f"a {{}} needs both Amount {fiat} and Amount BTC on its row (a trade split over rows is not supported)", shown)
        ),
    )
    skip = pl.when(pl.col("_ref").is_null()).then(pl.lit("no Reference (a failed transaction)"))
    lf = lf.with_columns(_err=error).with_columns(_skip=pl.when(pl.col("_err").is_null()).then(skip))
    fee_asset = (
        pl.when((buy | sell | (k == "withdrawal")) & usd_fee.is_not_null()).then(pl.lit(fiat))
        .when((k == "send") & btc_fee.is_not_null()).then(pl.lit("BTC"))
    )  # fmt: skip
    fee_qty = pl.when(fee_asset == fiat).then(usd_fee).when(fee_asset == "BTC").then(btc_fee)
    kind = pl.when(buy | sell).then(pl.lit("trade")).when(k.is_in(["send", "withdrawal"])).then(pl.lit("withdrawal"))
    kind = kind.when(k.is_in(["receive", "deposit"])).then(pl.lit("deposit"))
    chain = k.is_in(["send", "receive"])
    return lf.select(
        ex.unified(
            timestamp=pl.col("_ts"),
            wallet=pl.lit(WALLET),
            type=kind,
            sent_asset=pl.when(buy | (k == "withdrawal")).then(pl.lit(fiat)).when(sell | (k == "send")).then(pl.lit("BTC")),
            sent_qty=pl.when(buy).then(_minus(usd, usd_fee)).when(k == "withdrawal").then(usd).when(sell | (k == "send")).then(btc),
            received_asset=pl.when(sell | (k == "deposit")).then(pl.lit(fiat)).when(buy | (k == "receive")).then(pl.lit("BTC")),
            received_qty=pl.when(sell | (k == "deposit")).then(usd).when(buy | (k == "receive")).then(btc),
            fee_asset=fee_asset,
            fee_qty=fee_qty,
            id=pl.lit("strike:") + pl.col("_ref"),
            note=ex.note(pl.col("transaction type"), ex.column(ctx, "description"), ex.column(ctx, "note")),
            tx_hash=pl.when(chain).then(ex.blank_to_null(ex.column(ctx, "transaction hash"))),
            address=pl.when(k == "send").then(ex.blank_to_null(pl.col("destination"))),
            error=pl.col("_err"),
            skip=pl.col("_skip"),
        )
    )
