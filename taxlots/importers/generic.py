"""taxlots' own generic ledger CSV (documented in the README; a stable public contract).

``timestamp,wallet,type,sent_asset,sent_qty,received_asset,received_qty,fee_asset,fee_qty,usd_value,to_wallet,id,note``
"""

from __future__ import annotations

import polars as pl

from taxlots.importers import _exprs as ex
from taxlots.importers.base import Context
from taxlots.model.ledger import LEDGER_COLUMNS

NAME = "generic"
TITLE = "taxlots generic ledger CSV"
SIGNATURES = (LEDGER_COLUMNS,)

_NUMBERS = ("sent_qty", "received_qty", "fee_qty", "usd_value")
_TEXT = ("wallet", "sent_asset", "received_asset", "fee_asset", "to_wallet", "id")


def normalize(lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """Read the generic ledger: strict numbers, ISO 8601 timestamps (naive = UTC), lower-case types."""
    ts = ex.iso_utc(pl.col("timestamp"))
    checked = {name: ex.checked_number(pl.col(name), name) for name in _NUMBERS}
    errors = [
        ex.timestamp_error(pl.col("timestamp"), ts, "timestamp", "an ISO 8601 date and time (2024-03-01T12:00:00Z)"),
        *(err for _, err in checked.values()),
    ]
    columns: dict[str, pl.Expr] = {name: ex.blank_to_null(pl.col(name)) for name in _TEXT}
    for name in ("sent_asset", "received_asset", "fee_asset"):
        columns[name] = ex.asset_code(pl.col(name))
    for name in ("tx_hash", "address"):  # optional: what the exchange said of a transfer, for transfer matching
        if name in ctx.header:
            columns[name] = ex.blank_to_null(pl.col(name))
    return lf.select(
        ex.unified(
            timestamp=ts,
            type=ex.blank_to_null(pl.col("type")).str.to_lowercase(),
            note=pl.col("note").str.strip_chars().fill_null(""),
            error=ex.join_errors(*errors),
            **columns,
            **{name: value for name, (value, _) in checked.items()},
        )
    )
