"""CoinLedger's own transaction export (Transactions -> Export CSV), not its import template.

``Timestamp (UTC),Type,Internal Id,Platform,Account Name,Platform Id,Blockchain Id,Record Type,Asset,Amount,
Description`` (the header of the export a rotki user attached to rotki issue #11816, read by rotki's
coinledger importer). Each row is one balance change ("record") of a transaction; the records of one
transaction share ``Internal Id``: a trade is a ``Debit`` (negative ``Amount``) and a ``Credit``
(positive), plus any ``Platform Fee``/``Network Fee`` record (negative). ``Timestamp (UTC)`` is ISO 8601
without a zone (``2025-08-06T07:16:26.000``), UTC. The import template (``Date (UTC),Platform (Optional),
Asset Sent,...``) is read by :mod:`taxlots.importers.coinledger`; the two headers share no required
column set, so neither importer claims the other's files (a test checks both ways).

Mapping: the records of each ``Internal Id`` become one row, named by its first line (id
``coinledger:<Internal Id>``; wallet ``Account Name``, else ``Platform``):

- a Debit and a Credit: a trade (whatever the ``Type``: Buy, Sell, Trade, Convert, ...);
- a Credit alone: a deposit (``Deposit``, ``Transfer``) or income (``Airdrop``, ``Staking``, ``Mining``,
  ``Interest``, ``Interest Payment``, ``Hard Fork``, ``Income``, ``Reward``);
- a Debit alone: a withdrawal (``Withdrawal``, ``Transfer``) or a spend (``Merchant Payment``);
- fee records alone: a fee row (the fee units disposed of);
- one fee record joins the trade, deposit or withdrawal as its fee (on top of the Debit: the Debit is what
  was given, the fee a separate balance change). ``Blockchain Id`` -> ``tx_hash``.

Errors name the transaction's first line: a record with the wrong sign for its Record Type, more than one
Debit, Credit or fee record in one transaction, a Type that does not fit its records (a Buy without a
Credit), and types taxlots does not model yet (gifts, losses, margin, ``Manual Position``).
"""

from __future__ import annotations

import polars as pl

from taxlots.importers import _exprs as ex
from taxlots.importers.base import Context

NAME = "coinledger-export"
TITLE = "CoinLedger transaction export CSV"
SIGNATURES = (("timestamp (utc)", "type", "internal id", "record type", "asset", "amount"),)
WALLET = "CoinLedger"
INCOME = ("airdrop", "staking", "mining", "interest", "interest payment", "hard fork", "income", "reward")
DEPOSIT, WITHDRAWAL, SPEND = ("deposit", "transfer"), ("withdrawal", "transfer"), ("merchant payment",)
UNSUPPORTED = ("gift received", "gift sent", "theft loss", "investment loss", "casualty loss", "margin gain", "manual position")
_ROLES = {"debit": "debit", "credit": "credit", "platform fee": "fee", "network fee": "fee"}


def _records(lf: pl.LazyFrame) -> pl.LazyFrame:
    """Stage 1, per record: its role, checked amount and time, and any error (prefixed with its line)."""
    value, value_err = ex.checked_number(pl.col("amount"), "Amount")
    record = ex.blank_to_null(pl.col("record type"))
    role = record.str.to_lowercase().replace_strict(_ROLES, default=None)
    ts = ex.iso_utc(pl.col("timestamp (utc)"))
    ts_err = ex.timestamp_error(pl.col("timestamp (utc)"), ts, "Timestamp (UTC)", "an ISO 8601 time (2025-08-06T07:16:26.000)")
    negative = ex.is_negative(value).fill_null(False)
    sign_err = (
        pl.when(record.is_null())
        .then(pl.lit("Record Type is blank"))
        .when(role.is_null())
        .then(pl.format("unknown Record Type '{}'; taxlots knows: Debit, Credit, Platform Fee, Network Fee", record))
        .when(value.is_not_null() & ex.is_zero(value))
        .then(pl.lit("Amount is zero"))
        .when((role == "credit") & negative)
        .then(pl.format("a Credit's Amount '{}' is negative", value))
        .when(role.is_in(["debit", "fee"]) & value.is_not_null() & ~negative)
        .then(pl.format("a {}'s Amount '{}' is not negative", record, value))
    )
    asset = ex.asset_code(pl.col("asset"))
    errors = ex.join_errors(ts_err, value_err, sign_err, pl.when(asset.is_null()).then(pl.lit("Asset is blank")))
    gid = pl.coalesce(ex.blank_to_null(pl.col("internal id")), pl.format("line {}", pl.col("line")))
    return lf.select(
        "line", _gid=gid, _ts=ts, _role=role, _asset=asset, _qty=ex.expand_exponent(ex.unsigned(value)),
        _type=ex.blank_to_null(pl.col("type")), _id=ex.blank_to_null(pl.col("internal id")),
        _wallet=pl.coalesce(ex.blank_to_null(pl.col("account name")), ex.blank_to_null(pl.col("platform")), pl.lit(WALLET)),
        _hash=ex.blank_to_null(pl.col("blockchain id")), _desc=ex.blank_to_null(pl.col("description")),
        _err=pl.when(errors.is_not_null()).then(pl.format("line {}: {}", pl.col("line"), errors)),
    )  # fmt: skip


def _one(role: str, column: str) -> pl.Expr:
    return pl.col(column).filter(pl.col("_role") == role).first()


def _events(records: pl.LazyFrame) -> pl.LazyFrame:
    """Stage 2: one row per Internal Id."""
    count = {role: (pl.col("_role") == role).sum().alias(f"_n_{role}") for role in ("debit", "credit", "fee")}
    return (
        records.sort("line")
        .group_by("_gid", maintain_order=True)
        .agg(
            pl.col("line").first(),
            pl.col("_ts").first(),
            pl.col("_type").first(),
            pl.col("_id").first(),
            pl.col("_wallet").first(),
            pl.col("_hash").drop_nulls().first(),
            pl.col("_desc").drop_nulls().first(),
            pl.col("_err").drop_nulls().str.join("; ").alias("_errs"),
            pl.col("line").cast(pl.String).str.join(", ").alias("_lines"),
            pl.len().alias("_n"),
            *count.values(),
            **{f"_{r}_{c}": _one(r, f"_{c}") for r in ("debit", "credit", "fee") for c in ("asset", "qty")},
        )
    )


def _classify() -> tuple[pl.Expr, pl.Expr]:
    """``(type, error)`` of a transaction from its records and its Type."""
    nd, nc, nf = pl.col("_n_debit"), pl.col("_n_credit"), pl.col("_n_fee")
    key, shown = pl.col("_type").str.to_lowercase(), pl.col("_type")
    debit, credit = (nd == 1) & (nc == 0), (nc == 1) & (nd == 0)
    kind = (
        pl.when((nd == 1) & (nc == 1)).then(pl.lit("trade"))
        .when(credit & key.is_in(DEPOSIT)).then(pl.lit("deposit"))
        .when(credit & key.is_in(INCOME)).then(pl.lit("income"))
        .when(debit & key.is_in(WITHDRAWAL)).then(pl.lit("withdrawal"))
        .when(debit & key.is_in(SPEND)).then(pl.lit("spend"))
        .when((nd == 0) & (nc == 0) & (nf == 1)).then(pl.lit("fee"))
    )  # fmt: skip
    many = pl.format(
        "Internal Id {} has {} Debit, {} Credit and {} fee records; taxlots reads at most one of each", pl.col("_id"), nd, nc, nf
    )
    error = (
        pl.when(key.is_null()).then(pl.lit("Type is blank"))
        .when(key.is_in(UNSUPPORTED)).then(pl.format("CoinLedger type '{}' is not supported yet", shown))
        .when((nd > 1) | (nc > 1) | (nf > 1)).then(many)
        .when(kind.is_null()).then(pl.format("a {} with {} Debit and {} Credit records is not understood", shown, nd, nc))
    )  # fmt: skip
    return kind, error


def normalize(lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """CoinLedger export records -> one unified row per transaction (Internal Id)."""
    events = _events(_records(lf))
    kind, kind_err = _classify()
    events = events.with_columns(_kind=kind, _error=ex.join_errors(pl.col("_errs").replace("", None), kind_err))
    k = pl.col("_kind")
    gives, gets = k.is_in(["trade", "withdrawal", "spend"]), k.is_in(["trade", "deposit", "income"])
    joined_fee = (k != "fee") & (pl.col("_n_fee") == 1)
    return events.select(
        ex.unified(
            line=pl.col("line"),
            timestamp=pl.col("_ts"),
            wallet=pl.col("_wallet"),
            type=k,
            sent_asset=pl.when(gives).then(pl.col("_debit_asset")).when(k == "fee").then(pl.col("_fee_asset")),
            sent_qty=pl.when(gives).then(pl.col("_debit_qty")).when(k == "fee").then(pl.col("_fee_qty")),
            received_asset=pl.when(gets).then(pl.col("_credit_asset")),
            received_qty=pl.when(gets).then(pl.col("_credit_qty")),
            fee_asset=pl.when(joined_fee).then(pl.col("_fee_asset")),
            fee_qty=pl.when(joined_fee).then(pl.col("_fee_qty")),
            id=pl.lit("coinledger:") + pl.col("_id"),
            note=ex.note(
                pl.col("_type"), pl.col("_desc"), pl.when(pl.col("_n") > 1).then(pl.format("records on lines {}", pl.col("_lines")))
            ),
            tx_hash=pl.when(k.is_in(["deposit", "withdrawal"])).then(pl.col("_hash")),
            error=pl.col("_error"),
        )
    ).sort("line")
