"""The vectorized lookups agree with plainly written references on random data; and a few hand cases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from taxlots.pricing.files import PRICE_SCHEMA
from taxlots.pricing.table import best_prices, file_lookup, ledger_lookup, ledger_trades

BASE = datetime(2024, 3, 1, tzinfo=UTC)
ASSETS = ("BTC", "ETH")


def at(minutes: int) -> datetime:
    return BASE + timedelta(minutes=minutes)


def requests_frame(requests: list[tuple[str, int]]) -> pl.DataFrame:
    frame = pl.DataFrame(
        {"asset": [a for a, _ in requests], "timestamp": [at(m) for _, m in requests]},
        schema={"asset": pl.String, "timestamp": pl.Datetime("us", "UTC")},
    )
    return frame.sort("timestamp", maintain_order=True)


# -- file prices ----------------------------------------------------------------------------------------


def file_reference(prices: list[tuple[str, int, str, int, int, int]], asset: str, minute: int, stale: int) -> tuple[str, str] | None:
    """The latest price at or before ``minute``, at most ``stale`` minutes old; ties: lowest (rank, order, line)."""
    fits = [p for p in prices if p[0] == asset and p[1] <= minute and minute - p[1] <= stale]
    if not fits:
        return None
    latest = max(p[1] for p in fits)
    best = min((p for p in fits if p[1] == latest), key=lambda p: (p[3], p[4], p[5]))
    return best[2], f"file:f{best[4]}.csv"


_price_row = st.tuples(
    st.sampled_from(ASSETS), st.integers(0, 60), st.integers(1, 10**6).map(str), st.integers(0, 1), st.integers(0, 2), st.integers(1, 50)
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(_price_row, max_size=30),
    st.lists(st.tuples(st.sampled_from(ASSETS), st.integers(-5, 70)), min_size=1, max_size=30),
    st.integers(0, 30),
)
def test_file_lookup_matches_a_plain_reference(
    prices: list[tuple[str, int, str, int, int, int]], requests: list[tuple[str, int]], stale: int
) -> None:
    frame = pl.DataFrame(
        {
            "asset": [p[0] for p in prices],
            "timestamp": [at(p[1]) for p in prices],
            "price": [p[2] for p in prices],
            "source": [f"file:f{p[4]}.csv" for p in prices],
            "rank": [p[3] for p in prices],
            "order": [p[4] for p in prices],
            "line": [p[5] for p in prices],
        },
        schema=PRICE_SCHEMA,
    )
    req = requests_frame(requests)
    got = file_lookup(req, best_prices(frame), timedelta(minutes=stale))
    assert got.height == req.height
    for (asset, stamp), (price, source) in zip(req.iter_rows(), got.iter_rows(), strict=True):
        minute = int((stamp - BASE).total_seconds() // 60)
        expected = file_reference(prices, asset, minute, stale)
        assert (None if price is None else (price, source)) == expected


# -- ledger prices --------------------------------------------------------------------------------------


def ledger_reference(trades: list[tuple[str, int, int, int, bool]], asset: str, minute: int, window: int) -> tuple[Decimal, Decimal] | None:
    """Pool (usd, qty) of every trade at the nearest distance within ``window``, on either side."""
    near = [(abs(t[1] - minute), t) for t in trades if t[0] == asset and abs(t[1] - minute) <= window]
    if not near:
        return None
    best = min(d for d, _ in near)
    chosen = [t for d, t in near if d == best]
    return Decimal(sum(t[2] for t in chosen)), Decimal(sum(t[3] for t in chosen))


def trades_frame(trades: list[tuple[str, int, int, int, bool]]) -> pl.DataFrame:
    """Buys (USD -> asset) and sells (asset -> USD) as ledger rows."""
    rows = {"timestamp": [], "type": [], "sent_asset": [], "sent_qty": [], "received_asset": [], "received_qty": []}  # type: ignore[var-annotated]
    for asset, minute, usd, qty, buy in trades:
        rows["timestamp"].append(at(minute))
        rows["type"].append("trade")
        sent, got = (("USD", str(usd)), (asset, str(qty))) if buy else ((asset, str(qty)), ("USD", str(usd)))
        rows["sent_asset"].append(sent[0])
        rows["sent_qty"].append(sent[1])
        rows["received_asset"].append(got[0])
        rows["received_qty"].append(got[1])
    schema = {"timestamp": pl.Datetime("us", "UTC"), **{k: pl.String for k in rows if k != "timestamp"}}
    return pl.DataFrame(rows, schema=schema)


_trade = st.tuples(st.sampled_from(ASSETS), st.integers(0, 60), st.integers(1, 10**5), st.integers(1, 100), st.booleans())


@settings(max_examples=200, deadline=None)
@given(
    st.lists(_trade, max_size=25),
    st.lists(st.tuples(st.sampled_from(ASSETS), st.integers(-5, 70)), min_size=1, max_size=25),
    st.integers(0, 20),
)
def test_ledger_lookup_matches_a_plain_reference(
    trades: list[tuple[str, int, int, int, bool]], requests: list[tuple[str, int]], window: int
) -> None:
    req = requests_frame(requests)
    got = ledger_lookup(req, ledger_trades(trades_frame(trades)), timedelta(minutes=window))
    for (asset, stamp), (usd, qty) in zip(req.iter_rows(), got.iter_rows(), strict=True):
        minute = int((stamp - BASE).total_seconds() // 60)
        assert (None if qty is None else (usd, qty)) == ledger_reference(trades, asset, minute, window)


def test_ledger_trades_pool_buys_and_sells_per_moment_and_ignore_other_trades() -> None:
    frame = trades_frame([("BTC", 0, 100, 2, True), ("BTC", 0, 50, 1, False), ("ETH", 5, 30, 3, True)])
    other = pl.DataFrame(
        {
            "timestamp": [at(0)],
            "type": ["trade"],
            "sent_asset": ["ETH"],
            "sent_qty": ["1"],
            "received_asset": ["BTC"],
            "received_qty": ["9"],
        },
        schema=frame.schema,
    )
    pooled = ledger_trades(pl.concat([frame, other]))
    assert pooled.select("asset", "timestamp", pl.col("_usd").cast(pl.String), pl.col("_qty").cast(pl.String)).rows() == [
        ("BTC", at(0), "150.000000000000000000", "3.000000000000000000"),  # 100 + 50 USD for 2 + 1 BTC
        ("ETH", at(5), "30.000000000000000000", "3.000000000000000000"),
    ]
    assert ledger_trades(pl.concat([frame, other]), ["ETH"])["asset"].to_list() == ["ETH"]
