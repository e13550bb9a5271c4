"""Bitpanda (broker) transaction history CSV (Profile -> History -> Export -> CSV).

The file opens with a preamble (``Disclaimer: All data is without guarantee...``, the account holder, an
e-mail, ``Account opened at: ...``, ``Venue: Bitpanda``), then the header:
``Transaction ID,Timestamp,Transaction Type,In/Out,Amount Fiat,Fiat,Amount Asset,Asset,Asset market price,
Asset market price currency,Asset class,Product ID,Fee,Fee asset,Spread,Spread Currency`` (as CoinTaxman's
reader matches it); later files add ``Tax Fiat``, ``Fee percent`` (after ``Fee asset``) and ``Address``,
``Comment`` (seen in an anonymized real export in a public test suite and in other parsers' fixtures).
Missing values are ``-``. ``Timestamp`` is ISO 8601 with an offset (``2025-05-05T09:22:18+02:00``).

Mapping (wallet "Bitpanda"; id ``bitpanda:<Transaction ID>``):

- ``deposit`` / ``withdrawal``: of ``Asset`` and ``Amount Asset``; for the ``Fiat`` asset class (no asset
  amount) of ``Fiat`` and ``Amount Fiat``.
- ``buy`` (``outgoing``): a trade of ``Amount Fiat`` of ``Fiat`` for ``Amount Asset`` of ``Asset``;
  ``sell`` (``incoming``) the reverse.
- ``transfer`` ``incoming``: an asset Bitpanda credited (BEST rewards, staking rewards, bonuses, per the
  bitpanda-csv crate's type documentation): income, valued at ``Amount Fiat`` when ``Fiat`` is USD.
  ``transfer`` ``outgoing`` has no documented meaning: an error.
- ``In/Out`` must fit the type (a ``buy`` is ``outgoing``, ...); anything else is an error, as is an
  unknown type.
- ``Address`` (when the export has it) -> ``address`` of a crypto deposit or withdrawal.
- Asset classes other than ``Cryptocurrency`` and ``Fiat`` (``Metal``, ``Stock``, ``ETF``, ``Commodity``)
  are skipped and counted: they are not digital assets.

Fees (``Fee`` in ``Fee asset``, which can be the fiat, the asset or BEST): a deposit's fee is taken from
what arrived (BittyTax's reading: ``Amount Asset`` is what was credited, so the received side is
``Amount Asset + Fee``), a withdrawal's comes on top of ``Amount Asset``, and a trade's comes on top of
``Amount Fiat``, which equals ``Amount Asset x Asset market price`` in the samples seen. That a trade's
``Fee`` is not already inside ``Amount Fiat`` is UNCONFIRMED (Bitpanda documents no CSV semantics); the
``Spread`` is inside the price and goes to the note only.
"""

from __future__ import annotations

import polars as pl

from taxlots.importers import _exprs as ex
from taxlots.importers.base import Context

NAME = "bitpanda"
TITLE = "Bitpanda transaction history CSV"
WALLET = "Bitpanda"
SIGNATURES = (
    (
        "transaction id", "timestamp", "transaction type", "in/out", "amount fiat", "fiat", "amount asset", "asset",
        "asset market price", "asset market price currency", "asset class", "product id", "fee", "fee asset",
    ),
)  # fmt: skip
#: Each type and the In/Out it must have.
_DIRECTION = {"deposit": "incoming", "withdrawal": "outgoing", "buy": "outgoing", "sell": "incoming", "transfer": "incoming"}
_CLASSES = ("cryptocurrency", "fiat")


def _value(name: str, label: str) -> tuple[pl.Expr, pl.Expr]:
    """A checked amount where ``-`` means none."""
    raw = pl.col(name).str.strip_chars().replace("-", None)
    value, error = ex.checked_number(raw, label)
    negative = pl.when(ex.is_negative(value)).then(pl.format(f"{label} '{{}}' is negative", value))
    return ex.expand_exponent(value), ex.join_errors(error, negative)


def _code(name: str) -> pl.Expr:
    return ex.asset_code(pl.col(name).str.strip_chars().replace("-", None))


def _plus(a: pl.Expr, b: pl.Expr) -> pl.Expr:
    return ex.plain_decimal(ex.as_decimal(a) + ex.as_decimal(b))


def _read(ctx: Context) -> dict[str, pl.Expr]:
    fiat_qty, fiat_err = _value("amount fiat", "Amount Fiat")
    asset_qty, asset_err = _value("amount asset", "Amount Asset")
    fee_qty, fee_err = _value("fee", "Fee")
    tax, tax_err = _value("tax fiat", "Tax Fiat") if "tax fiat" in ctx.header else (pl.lit(None, pl.String), pl.lit(None, pl.String))
    ts = ex.iso_utc(pl.col("timestamp"))
    ts_err = ex.timestamp_error(pl.col("timestamp"), ts, "Timestamp", "an ISO 8601 time (2024-03-01T10:00:00+01:00)")
    return {
        "_ts": ts, "_fiat_q": fiat_qty, "_asset_q": asset_qty, "_fee_q": ex.nonzero(fee_qty), "_tax": ex.nonzero(tax),
        "_fiat": _code("fiat"), "_asset": _code("asset"), "_fee_a": _code("fee asset"),
        "_type": ex.blank_to_null(pl.col("transaction type")).str.to_lowercase(),
        "_dir": ex.blank_to_null(pl.col("in/out")).str.to_lowercase(),
        "_class": ex.blank_to_null(pl.col("asset class")).replace("-", None).str.to_lowercase(),
        "_errs": ex.join_errors(ts_err, fiat_err, asset_err, fee_err, tax_err),
    }  # fmt: skip


def _errors() -> pl.Expr:
    typ, direction = pl.col("_type"), pl.col("_dir")
    expected = typ.replace_strict(_DIRECTION, default=None)
    shown_type, shown_dir = pl.col("transaction type").str.strip_chars(), pl.col("in/out").str.strip_chars()
    known = ", ".join(_DIRECTION)
    return ex.join_errors(
        pl.col("_errs"),
        pl.when(typ.is_null())
        .then(pl.lit("Transaction Type is blank"))
        .when(expected.is_null())
        .then(pl.format(f"unknown Transaction Type '{{}}'; taxlots knows: {known}", shown_type))
        .when((typ == "transfer") & (direction == "outgoing"))
        .then(pl.lit("an outgoing transfer is not supported yet; record what it was by hand"))
        .when(direction.is_null() | (direction != expected))
        .then(pl.format("In/Out '{}' does not fit a {} (expected {})", shown_dir.fill_null(""), typ, expected)),
        pl.when(pl.col("_fee_q").is_not_null() & pl.col("_fee_a").is_null()).then(pl.lit("Fee is given but Fee asset is blank")),
    )


def normalize(lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """Bitpanda history rows -> unified trades, deposits, withdrawals and income."""
    lf = lf.with_columns(**_read(ctx))
    typ, fiat_class = pl.col("_type"), pl.col("_class") == "fiat"
    asset = pl.when(fiat_class).then(pl.col("_fiat")).otherwise(pl.col("_asset"))
    qty = pl.when(fiat_class).then(pl.col("_fiat_q")).otherwise(pl.col("_asset_q"))
    fee_q, fee_a = pl.col("_fee_q"), pl.col("_fee_a")
    fee_from_received = (typ == "deposit") & (fee_a == asset).fill_null(False) & fee_q.is_not_null()
    received = pl.when(fee_from_received).then(_plus(qty, fee_q)).otherwise(qty)
    buy, sell, income = typ == "buy", typ == "sell", typ == "transfer"
    kind = pl.when(buy | sell).then(pl.lit("trade")).when(income).then(pl.lit("income")).otherwise(typ)
    shown_class = pl.col("asset class").str.strip_chars()
    skip = pl.when(~pl.col("_class").is_in(_CLASSES).fill_null(True)).then(pl.format("asset class '{}' (not a digital asset)", shown_class))
    error = pl.when(pl.col("_class").is_null()).then(pl.lit("Asset class is blank")).otherwise(_errors())
    lf = lf.with_columns(_err=error).with_columns(_skip=pl.when(pl.col("_err").is_null()).then(skip))
    spread = ex.blank_to_null(ex.column(ctx, "spread")).replace("-", None)
    spread_note = pl.format("spread {} {}", spread, ex.column(ctx, "spread currency").fill_null(""))
    note = ex.note(pl.col("transaction type"), spread_note.str.strip_chars(), pl.format("tax {} {}", pl.col("_tax"), pl.col("_fiat")))
    fiat, fiat_q = pl.col("_fiat"), pl.col("_fiat_q")
    return lf.select(
        ex.unified(
            timestamp=pl.col("_ts"),
            wallet=pl.lit(WALLET),
            type=kind,
            sent_asset=pl.when(buy).then(fiat).when(sell | (typ == "withdrawal")).then(asset),
            sent_qty=pl.when(buy).then(fiat_q).when(sell | (typ == "withdrawal")).then(qty),
            received_asset=pl.when(sell).then(fiat).when(buy | income | (typ == "deposit")).then(asset),
            received_qty=pl.when(sell).then(fiat_q).when(buy | income).then(qty).when(typ == "deposit").then(received),
            fee_asset=pl.when(fee_q.is_not_null()).then(fee_a),
            fee_qty=fee_q,
            usd_value=pl.when(income & (fiat == "USD")).then(fiat_q),
            id=pl.lit("bitpanda:") + ex.blank_to_null(pl.col("transaction id")),
            note=note,
            address=pl.when(typ.is_in(["deposit", "withdrawal"]) & ~fiat_class).then(
                ex.blank_to_null(ex.column(ctx, "address")).replace("-", None)
            ),
            error=pl.col("_err"),
            skip=pl.col("_skip"),
        )
    )
