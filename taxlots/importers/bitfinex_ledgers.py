"""Bitfinex "Ledgers" report (report.bitfinex.com -> Ledgers -> Export CSV; EXCHANGE_FORMATS.md §5.3).

Headers: ``#,DESCRIPTION,CURRENCY,AMOUNT,BALANCE,DATE,WALLET``, older without ``#``, and the plain
``Currency,Description,Amount,Balance,Date`` (no wallet). One row per balance change; ``AMOUNT`` is signed;
``DATE`` follows the export dialog's date-format and zone settings and is read as the trades report reads
it (:func:`taxlots.importers.bitfinex.with_timestamp`: the order that fits the whole file, ``ctx.tz``).
Everything is wallet ``Bitfinex`` (its exchange, margin and funding wallets are one pool). The
``DESCRIPTION`` says what a row is:

- ``Exchange 0.75 ETH for USD @ 1650.2 on wallet exchange``: a leg of a trade (one row per currency), and
  ``Trading fees for 0.75 ETH (ETHUSD) @ 1650.2 on BFX (0.2%) on wallet exchange``: its fee, in the currency
  received. The legs and fee of one time, quantity, coin and rate are one trade: the negative leg is sent,
  the positive received (gross: the fee is its own row), the fee row the fee. A group that does not
  resolve into one sent and one received asset, or with fees in two assets, is an error naming its lines.
  The trades report is authoritative for trades: when it is loaded too, these rebuilt trades within its
  time span are counted skips (``event_class`` ``bitfinex-trade:spot``).
- ``Deposit (BITCOIN) #123 ...`` is a deposit; ``BTC Withdrawal #123 ...`` and ``Wire Transfer Withdrawal
  #123 ...`` withdrawals; ``Canceled withdrawal request|fee #123`` gives the funds back (a deposit).
- ``Crypto Withdrawal fee ...`` and ``Deposit Fee (...) ...``: a fee paid on a row of its own (kind ``fee``,
  priced later; a USD fee is its own value).
- Income: ``Margin Funding Payment``, ``Interest Payment``, ``Affiliate Rebate``, ``Earned fees from user``,
  ``Trading rebate for ...``, ``<coin> airdrop|distribution``.
- ``Transfer of ... from wallet X to Y``: a move between Bitfinex wallets, skipped (counted).
- Margin positions (``Position ...``, ``Settlement @``, margin funding charges, ``Funding Event``,
  ``Claiming fee``): an error (taxlots reads spot activity only); any other description is an error too.

``id`` is ``bitfinex:ledger:<#>`` when the file has ``#`` (a trade: its first leg's); else none.
"""

from __future__ import annotations

import polars as pl

from taxlots.importers import _exprs as ex
from taxlots.importers.base import Context
from taxlots.importers.bitfinex import ALIASES, SPOT_TRADE, WALLET, with_timestamp

NAME = "bitfinex-ledgers"
TITLE = "Bitfinex ledgers report CSV"
SIGNATURES = (("currency", "description", "amount", "balance", "date"),)
_KNOWN_COLUMNS = {"#", "description", "currency", "amount", "balance", "date", "wallet"}
#: Every signature column is a common word; with "#" or "Wallet" a header lacking one is a broken ledger.
EVIDENCE = ("#", "wallet")


def claims(header: tuple[str, ...]) -> bool:
    """Only the report's own columns (blank trailing cells aside): a bank or another tool's ledger with
    ``Date,Description,Amount,Balance`` and more columns is not a Bitfinex ledger."""
    return {c for c in header if c and not c.startswith("_col")} <= _KNOWN_COLUMNS


_NUM = r"(\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)"
_EXCHANGE = r"(?i)^exchange\s+" + _NUM + r"\s+(\w+)\s+for\s+\w+\s+@\s+" + _NUM
_FEES = r"(?i)^trading fees for\s+" + _NUM + r"\s+(\w+)\s+(?:\([\w:]+\)\s+)?@\s+" + _NUM
#: (kind, pattern) in the order they are tried; the first that matches the description wins.
_KINDS: tuple[tuple[str, str], ...] = (
    ("leg", _EXCHANGE),
    ("trade_fee", _FEES),
    ("internal", r"(?i)^transfer of\s"),
    ("deposit", r"(?i)^deposit\s+\("),
    ("fee", r"(?i)^(crypto withdrawal fee|deposit fee)\b"),
    ("withdrawal", r"(?i)^(\w+ withdrawal|wire transfer withdrawal)\s+#"),
    ("refund", r"(?i)^canceled withdrawal\s+(fee|request)\b"),
    ("income", r"(?i)^(margin funding payment|interest payment|affiliate rebate|earned fees from user|trading rebate for)\b"),
    ("income", r"(?i)^\w+ (airdrop|distribution)\b"),
    ("margin", r"(?i)^(position\b|settlement @|used margin funding|unused margin funding|funding event|claiming fee)"),
)
_MARGIN = "margin trading ('{}') is not supported; taxlots reads spot activity only"
_SIGNS = {"deposit": "increase", "refund": "increase", "income": "increase", "withdrawal": "reduce", "fee": "reduce", "trade_fee": "reduce"}


def _kind(description: pl.Expr) -> pl.Expr:
    out: pl.Expr = pl.lit(None, pl.String)
    for kind, pattern in reversed(_KINDS):
        out = pl.when(description.str.contains(pattern)).then(pl.lit(kind)).otherwise(out)
    return out


def _read(lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    amount, amount_err = ex.checked_number(pl.col("amount"), "AMOUNT")
    desc = ex.blank_to_null(pl.col("description"))
    lf = with_timestamp(lf, ctx).with_columns(
        _desc=desc,
        _k=_kind(desc.fill_null("")),
        _amount=ex.expand_exponent(amount),
        _asset=ex.asset_code(pl.col("currency"), ALIASES),
        _num=ex.blank_to_null(ex.column(ctx, "#")),
        _amount_err=amount_err,
    )
    k, neg = pl.col("_k"), ex.is_negative(pl.col("_amount")).fill_null(False)
    sign = k.replace_strict(_SIGNS, default=None)
    wrong = ((sign == "increase") & neg) | ((sign == "reduce") & ~neg)
    errors = ex.join_errors(
        pl.col("_ts_error"),
        pl.when(desc.is_null())
        .then(pl.lit("DESCRIPTION is blank"))
        .when(k == "margin")
        .then(pl.format(_MARGIN, desc))
        .when(k.is_null())
        .then(pl.format("unknown ledger description '{}'; taxlots knows the descriptions listed in its Bitfinex ledgers importer", desc)),
        pl.when(pl.col("_amount").is_null() & amount_err.is_null()).then(pl.lit("AMOUNT is blank")).otherwise(amount_err),
        pl.when(pl.col("_asset").is_null()).then(pl.lit("CURRENCY is blank")),
        pl.when(wrong & pl.col("_amount").is_not_null()).then(pl.format("a '{}' row's AMOUNT {} has the wrong sign", desc, "_amount")),
    )
    key = pl.coalesce(
        pl.concat_str([desc.str.extract(_EXCHANGE, i) for i in (1, 2, 3)], separator="|"),
        pl.concat_str([desc.str.extract(_FEES, i) for i in (1, 2, 3)], separator="|"),
    )
    return lf.with_columns(_error=errors, _neg=neg, _key=pl.format("{}|{}", pl.col("date").str.strip_chars(), key))


def _singles(rows: pl.LazyFrame) -> pl.LazyFrame:
    k, qty, asset = pl.col("_k"), ex.unsigned(pl.col("_amount")), pl.col("_asset")
    inbound = k.is_in(["deposit", "refund", "income"])
    kind = k.replace_strict({"refund": "deposit"}, default=k)
    outbound = k.is_in(["withdrawal", "fee"])
    return rows.select(
        ex.unified(
            timestamp=pl.col("_ts"),
            wallet=pl.lit(WALLET),
            type=pl.when(k != "internal").then(kind),
            sent_asset=pl.when(outbound).then(asset),
            sent_qty=pl.when(outbound).then(qty),
            received_asset=pl.when(inbound).then(asset),
            received_qty=pl.when(inbound).then(qty),
            usd_value=pl.when((k == "fee") & (asset == "USD")).then(qty),
            id=pl.format("bitfinex:ledger:{}", pl.col("_num")),
            note=pl.col("_desc").fill_null(""),
            error=pl.col("_error"),
            skip=pl.when(pl.col("_error").is_null() & (k == "internal")).then(pl.lit("move between Bitfinex wallets")),
        )
    )


def _trades(legs: pl.LazyFrame) -> pl.LazyFrame:
    """One trade per time, quantity, coin and rate: the legs summed per side, the fee legs the fee."""
    amt, asset, k = ex.as_decimal(pl.col("_amount")), pl.col("_asset"), pl.col("_k")
    sent, recv, fee = (k == "leg") & (amt < 0), (k == "leg") & (amt > 0), k == "trade_fee"
    groups = legs.group_by("_key").agg(
        pl.col("line").min(),
        pl.col("_ts").min(),
        _num=pl.col("_num").sort_by("line").first(),
        _desc=pl.col("_desc").filter(k == "leg").first(),
        _lines=pl.col("line").sort().cast(pl.String).str.join(", "),
        _n_sent=asset.filter(sent).n_unique(),
        _n_recv=asset.filter(recv).n_unique(),
        _n_fee=asset.filter(fee).n_unique(),
        _sent=asset.filter(sent).first(),
        _sent_qty=amt.filter(sent).sum().abs(),
        _recv=asset.filter(recv).first(),
        _recv_qty=amt.filter(recv).sum(),
        _fee=asset.filter(fee).first(),
        _fee_qty=amt.filter(fee).sum().abs(),
        _bad=pl.col("_error").is_not_null().any(),
    )
    ok = (pl.col("_n_sent") == 1) & (pl.col("_n_recv") == 1) & (pl.col("_n_fee") <= 1) & ~pl.col("_bad")
    error = (
        pl.when(pl.col("_bad"))
        .then(pl.format("trade legs on lines {} were left out with their unreadable row", "_lines"))
        .when(pl.col("_n_fee") > 1)
        .then(pl.format("trade legs on lines {} have fees in more than one currency", "_lines"))
        .otherwise(pl.format("trade legs on lines {} do not resolve into one sent and one received currency", "_lines"))
    )
    has_fee = pl.col("_n_fee") == 1
    return groups.select(
        ex.unified(
            timestamp=pl.col("_ts"),
            wallet=pl.lit(WALLET),
            type=pl.lit("trade"),
            sent_asset=pl.col("_sent"),
            sent_qty=ex.plain_decimal(pl.col("_sent_qty")),
            received_asset=pl.col("_recv"),
            received_qty=ex.plain_decimal(pl.col("_recv_qty")),
            fee_asset=pl.when(has_fee).then("_fee"),
            fee_qty=pl.when(has_fee).then(ex.plain_decimal(pl.col("_fee_qty"))),
            id=pl.format("bitfinex:ledger:{}", pl.col("_num")),
            note=pl.col("_desc").fill_null(""),
            error=pl.when(~ok).then(error),
            event_class=pl.lit(f"{SPOT_TRADE}:spot"),
        )
    )


def normalize(lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """Read a Bitfinex ledgers report into the unified schema (see the module docstring)."""
    rows = _read(lf, ctx).cache()
    is_leg = pl.col("_k").is_in(["leg", "trade_fee"]).fill_null(False)
    bad_legs = rows.filter(is_leg & pl.col("_error").is_not_null()).select(ex.unified(error=pl.col("_error")))
    parts = [_singles(rows.filter(~is_leg)), bad_legs, _trades(rows.filter(is_leg).sort("line"))]
    return pl.concat(parts, how="vertical").sort("line")
