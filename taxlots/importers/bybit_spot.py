"""Bybit spot trade history (Orders -> Unified Trading Account -> Spot Orders -> Order History -> Export).

Two shapes, both one fill per row, both seen in real exports (fifo-calc's ``docs`` list rows of each):

- **Unified account** ``Spot Pairs,Order Type,Direction,Filled Value,Filled Price,Filled Quantity,Fees,
  Transaction ID,Order No.,Timestamp (UTC)``: bare numbers, pairs without a separator (``ICPUSDT``, split
  against the quote coins in :data:`QUOTES`), ``Timestamp (UTC)`` written ``14:35 2024-11-16`` (minutes, UTC).
- **Pre-unified (classic) account** the same columns after ``Filled Time (Local Time)``: every amount carries
  its coin (``99.687126 USDT``, fee ``2.24718 NEIRO``), pairs with a slash (``NEIRO/USDT``), and
  ``Timestamp (UTC)`` written ``2024-09-27 21:52:04``. The local time column is ignored.

Bybit's XLSX downloads hold the same header; reading XLSX is ingest's job.

Mapping (wallet ``Bybit``): ``BUY`` sends ``Filled Value`` of the quote and receives ``Filled Quantity`` of
the base; ``SELL`` the reverse. Both are gross. ``Fees`` is charged in the coin received (the base on a
buy, the quote on a sell): the unified export names no fee coin, and the classic one names it in the cell.
``id`` is ``bybit:<Transaction ID>`` (one per fill).

Overlap: the Unified Trading Account transaction log (:mod:`taxlots.importers.bybit_uta`) lists the same spot
trades, without ids and with second-precision times where this export has minutes. This export is
authoritative for them (``AUTHORITATIVE``, ``event_class`` ``bybit-spot-trade:<BASEQUOTE>``): a log's spot
trades of a pair within the minutes this file spans for that pair are counted skips, so each trade counts once.
"""

from __future__ import annotations

import polars as pl

from taxlots.importers import _exprs as ex
from taxlots.importers.base import Context

NAME = "bybit-spot"
TITLE = "Bybit spot trade history CSV"
SIGNATURES = (
    (
        "spot pairs", "order type", "direction", "filled value", "filled price", "filled quantity", "fees", "transaction id",
        "order no.", "timestamp (utc)",
    ),
)  # fmt: skip

#: Spot trades, keyed by pair (``BTCUSDT``); the UTA log uses the same class.
SPOT_TRADE = "bybit-spot-trade"
AUTHORITATIVE = (SPOT_TRADE,)
#: The unified export writes minutes (``14:35 2024-11-16``): a file covers the whole first and last minute.
AUTHORITATIVE_PRECISION = "1m"

WALLET = "Bybit"
#: Quote coins of Bybit spot pairs, longest first so ``USDT`` wins over ``USD``-like prefixes.
QUOTES = ("USDT", "USDC", "USDE", "USDQ", "FDUSD", "EUR", "BRL", "BRZ", "TRY", "PLN", "DAI", "BTC", "ETH", "MNT")
_UNIT_RE = r"^([^\s]+)\s+([A-Za-z0-9]+)$"


def _split_pair(raw: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """``ICPUSDT`` or ``NEIRO/USDT`` -> (base, quote); null when no known quote ends the pair."""
    pair = ex.blank_to_null(raw).str.to_uppercase().str.replace_all(r"[-_]", "/")
    quotes = "|".join(sorted(QUOTES, key=len, reverse=True))
    parts = pair.str.extract_groups(rf"^([A-Z0-9]+?)/?({quotes})$")
    return parts.struct.field("1"), parts.struct.field("2")


def _unit_cell(col: str, label: str) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """A classic ``99.68 USDT`` cell: ``(number, coin, error)``."""
    raw = ex.blank_to_null(pl.col(col))
    parts = raw.str.extract_groups(_UNIT_RE)
    value, _ = ex.checked_number(parts.struct.field("1"), label)
    error = pl.when(raw.is_not_null() & value.is_null()).then(pl.format(f"{label} '{{}}' is not a number and a coin (99.68 USDT)", raw))
    return value, ex.asset_code(parts.struct.field("2")), error


def _columns(ctx: Context) -> tuple[dict[str, pl.Expr], list[pl.Expr]]:
    """The variant's value, quantity, fee (with coins for the classic one), timestamp and their errors."""
    raw_ts = pl.col("timestamp (utc)")
    if "filled time (local time)" in ctx.header:
        value, value_ccy, value_err = _unit_cell("filled value", "Filled Value")
        qty, qty_ccy, qty_err = _unit_cell("filled quantity", "Filled Quantity")
        fee, fee_ccy, fee_err = _unit_cell("fees", "Fees")
        ts = ex.local_time(raw_ts, ["%Y-%m-%d %H:%M:%S"], "UTC")
        expected = "a date and time like 2024-09-27 21:52:04"
        cols = dict(value=value, value_ccy=value_ccy, qty=qty, qty_ccy=qty_ccy, fee=fee, fee_ccy=fee_ccy, ts=ts)
        return cols, [value_err, qty_err, fee_err, ex.timestamp_error(raw_ts, ts, "Timestamp (UTC)", expected)]
    value, value_err = ex.checked_number(pl.col("filled value"), "Filled Value")
    qty, qty_err = ex.checked_number(pl.col("filled quantity"), "Filled Quantity")
    fee, fee_err = ex.checked_number(pl.col("fees"), "Fees")
    ts = ex.local_time(raw_ts, ["%H:%M %Y-%m-%d", "%H:%M:%S %Y-%m-%d", "%Y-%m-%d %H:%M:%S"], "UTC")
    none = pl.lit(None, pl.String)
    cols = dict(value=value, value_ccy=none, qty=qty, qty_ccy=none, fee=fee, fee_ccy=none, ts=ts)
    return cols, [value_err, qty_err, fee_err, ex.timestamp_error(raw_ts, ts, "Timestamp (UTC)", "a time like 14:35 2024-11-16")]


def normalize(lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """Bybit spot fills -> one trade per row."""
    cols, parse_errors = _columns(ctx)
    base, quote = _split_pair(pl.col("spot pairs"))
    side = ex.blank_to_null(pl.col("direction")).str.to_lowercase()
    lf = lf.with_columns(**{f"_{k}": v for k, v in cols.items()}, _base=base, _quote=quote, _side=side)
    c = {k: pl.col(f"_{k}") for k in cols}
    base, quote, side = pl.col("_base"), pl.col("_quote"), pl.col("_side")
    buy, sell = (side == "buy").fill_null(False), (side == "sell").fill_null(False)
    has_fee = c["fee"].is_not_null() & ~ex.is_zero(c["fee"])
    classic = "filled time (local time)" in ctx.header
    fee_asset = c["fee_ccy"] if classic else pl.when(buy).then(base).when(sell).then(quote)

    def unit_mismatch(ccy: pl.Expr, want: pl.Expr, label: str) -> pl.Expr:
        return pl.when(ccy.is_not_null() & want.is_not_null() & (ccy != want)).then(
            pl.format(f"{label} is in {{}} but the pair's coin is {{}}", ccy, want)
        )

    errors = ex.join_errors(
        *parse_errors,
        pl.when(~buy & ~sell).then(
            pl.format("unknown Direction '{}'; expected BUY or SELL", pl.col("direction").str.strip_chars().fill_null(""))
        ),
        pl.when(base.is_null()).then(
            pl.format(
                f"Spot Pairs '{{}}' does not end in a quote coin taxlots knows ({', '.join(QUOTES)})", pl.col("spot pairs").fill_null("")
            )
        ),
        pl.when(ex.blank_to_null(pl.col("filled quantity")).is_null() | ex.blank_to_null(pl.col("filled value")).is_null()).then(
            pl.lit("Filled Quantity and Filled Value are required")
        ),
        unit_mismatch(c["qty_ccy"], base, "Filled Quantity"),
        unit_mismatch(c["value_ccy"], quote, "Filled Value"),
    )
    qty, value = ex.unsigned(c["qty"]), ex.unsigned(c["value"])
    return lf.select(
        ex.unified(
            timestamp=c["ts"],
            wallet=pl.lit(WALLET),
            type=pl.lit("trade"),
            sent_asset=pl.when(buy).then(quote).when(sell).then(base),
            sent_qty=pl.when(buy).then(value).when(sell).then(qty),
            received_asset=pl.when(buy).then(base).when(sell).then(quote),
            received_qty=pl.when(buy).then(qty).when(sell).then(value),
            fee_asset=pl.when(has_fee).then(fee_asset),
            fee_qty=pl.when(has_fee).then(ex.unsigned(c["fee"])),
            id=pl.lit("bybit:") + ex.blank_to_null(pl.col("transaction id")),
            note=ex.note(pl.col("order type"), pl.col("spot pairs")),
            event_class=pl.format(f"{SPOT_TRADE}:{{}}{{}}", base, quote),
            error=errors,
        )
    ).sort("line")
