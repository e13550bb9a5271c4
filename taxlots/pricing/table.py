"""Vectorized price lookups: the latest file price at or before a moment, and prices from the ledger's own trades.

Both work on a frame of *requests* (``_r``, ``asset``, ``timestamp``): one per side of a row that needs a
value. Each is one ``join_asof`` by asset (two for the ledger), never a per-row Python loop.

**File prices.** The latest price of the asset at or before the request's moment, if it is no older than
``staleness`` (the boundary counts: a price exactly ``staleness`` old is used). A price after the moment is
never used. When several files give the same asset and moment, a USD quote beats a stablecoin quote taken
as USD, then the file given first wins, then its first line.

**Ledger prices.** Trades in the ledger between the asset and USD give its price: ``usd / qty`` over all
such trades at one moment (volume-weighted: the sums of the USD and asset quantities). The nearest moment
within ``window`` on either side is used. *Equally near* means exactly the same distance in time (to the
microsecond): when a trade moment before and one after are equally near, both moments' trades are pooled
into one volume-weighted price; trades at the same moment are always pooled.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import polars as pl

from taxlots.importers import _exprs as ex
from taxlots.model.ledger import CASH

_DEC = pl.Decimal(38, 18)


def best_prices(prices: pl.DataFrame) -> pl.DataFrame:
    """One price per asset and moment (the tie rule above), sorted by moment: ``asset, timestamp, price, source``."""
    ranked = prices.sort("asset", "timestamp", "rank", "order", "line")
    return (
        ranked.unique(["asset", "timestamp"], keep="first", maintain_order=True)
        .select("asset", "timestamp", "price", "source")
        .sort("timestamp", "asset")
    )


def file_lookup(requests: pl.DataFrame, prices: pl.DataFrame, staleness: timedelta) -> pl.DataFrame:
    """``_fprice, _fsource``, row for row with ``requests``: the file price for each (null when none is recent enough).

    Args:
        requests: ``asset, timestamp``, sorted by ``timestamp``.
        prices: the frame :func:`best_prices` returns.
        staleness: how old a price may be.
    """
    left = requests.select("asset", "timestamp")
    right = prices.rename({"price": "_fprice", "source": "_fsource"})
    joined = left.join_asof(right, on="timestamp", by="asset", strategy="backward", tolerance=staleness, check_sortedness=False)
    return joined.select("_fprice", "_fsource")


def ledger_trades(frame: pl.DataFrame, assets: Sequence[str] | None = None) -> pl.DataFrame:
    """The ledger's trades of an asset against USD, pooled per asset and moment: ``asset, timestamp, _usd, _qty``.

    With ``assets``, only the trades of those assets.
    """
    if assets is not None:
        frame = frame.filter(pl.col("sent_asset").is_in(assets) | pl.col("received_asset").is_in(assets))
    trade = pl.col("type") == "trade"
    sells = (pl.col("received_asset") == CASH) & (pl.col("sent_asset") != CASH)
    buys = (pl.col("sent_asset") == CASH) & (pl.col("received_asset") != CASH)
    pairs = frame.filter(trade & (sells | buys)).select(
        "timestamp",
        asset=pl.when(sells).then(pl.col("sent_asset")).otherwise(pl.col("received_asset")),
        _usd=ex.as_decimal(pl.when(sells).then(pl.col("received_qty")).otherwise(pl.col("sent_qty"))),
        _qty=ex.as_decimal(pl.when(sells).then(pl.col("sent_qty")).otherwise(pl.col("received_qty"))),
    )
    pooled = pairs.group_by("asset", "timestamp").agg(pl.col("_usd").sum(), pl.col("_qty").sum())
    return pooled.filter(pl.col("_qty") > 0).sort("timestamp", "asset")


def ledger_lookup(requests: pl.DataFrame, trades: pl.DataFrame, window: timedelta) -> pl.DataFrame:
    """``_lusd, _lqty``, row for row with ``requests``: the pooled quantities of the nearest trade moment(s) within ``window``.

    The request's price is ``_lusd / _lqty`` (both null when no trade is near enough). ``requests`` has
    ``asset, timestamp``, sorted by ``timestamp``.
    """
    left = requests.select("asset", "timestamp")
    side = trades.with_columns(_t=pl.col("timestamp"))
    back = left.join_asof(side, on="timestamp", by="asset", strategy="backward", tolerance=window, check_sortedness=False)
    fwd = left.join_asof(side, on="timestamp", by="asset", strategy="forward", tolerance=window, check_sortedness=False)
    both = pl.concat(
        [back.select("timestamp", _tb="_t", _ub="_usd", _qb="_qty"), fwd.select(_tf="_t", _uf="_usd", _qf="_qty")], how="horizontal"
    )
    db = pl.col("timestamp") - pl.col("_tb")
    df = pl.col("_tf") - pl.col("timestamp")
    same = (pl.col("_tb") == pl.col("_tf")).fill_null(False)
    use_b = pl.col("_tb").is_not_null() & (pl.col("_tf").is_null() | (db <= df))
    use_f = pl.col("_tf").is_not_null() & (pl.col("_tb").is_null() | (df <= db)) & ~same
    zero = pl.lit(0).cast(_DEC)
    usd = pl.when(use_b).then(pl.col("_ub")).otherwise(zero) + pl.when(use_f).then(pl.col("_uf")).otherwise(zero)
    qty = pl.when(use_b).then(pl.col("_qb")).otherwise(zero) + pl.when(use_f).then(pl.col("_qf")).otherwise(zero)
    found = use_b | use_f
    return both.select(_lusd=pl.when(found).then(usd), _lqty=pl.when(found).then(qty))
