"""Benchmark: `pairing.link` on N synthetic transfers (N withdrawals + N deposits) between four exchanges.

    python bench/bench_transfers.py --transfers 300000 [--trades 0] [--assets 8] [--days 730] [--seed 7]

Builds the ledger frame in memory (not timed), then times ``link`` (extract, match, rewrite, report) and
prints the seconds (wall and CPU: on a shared machine the CPU time is the steadier figure) and how many
pairs it found. Deterministic for given arguments. Never part of the test run.

Each transfer leaves a random exchange for another one 1 to 120 minutes later, short by 0 to 0.5% (a network
fee); one in ten carries the same tx hash on both sides. Withdrawals are spread evenly over ``--days``.
``--trades N`` adds N USD trades around them, which ``link`` must carry through untouched: a bot's year is
mostly trades, so ``--transfers 50000 --trades 900000`` is what the step costs in a million-row year.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from taxlots.pairing import link  # noqa: E402

WALLETS = ("Kraken", "Coinbase", "Binance", "Gemini")


def frame(n: int, assets: int, days: int, seed: int) -> pl.DataFrame:
    rng = random.Random(seed)
    start = datetime(2023, 1, 1, tzinfo=UTC)
    step = days * 86_400_000_000 // max(n, 1)  # microseconds between withdrawals
    rows: dict[str, list[object]] = {c: [] for c in ("timestamp", "wallet", "type", "asset", "qty", "fee", "id", "tx_hash", "line")}
    for i in range(n):
        asset = f"A{rng.randrange(assets)}"
        src, dst = rng.sample(WALLETS, 2)
        units = rng.randrange(1, 10**12)  # 8 decimals: 0.00000001 to 9999.99999999
        short = units * rng.randrange(0, 51) // 10_000
        when = start + timedelta(microseconds=i * step)
        tx = f"0x{i:016x}" if rng.random() < 0.1 else None
        for kind, wallet, qty, at in (
            ("withdrawal", src, units, when),
            ("deposit", dst, units - short, when + timedelta(minutes=rng.randrange(1, 121))),
        ):
            rows["timestamp"].append(at)
            rows["wallet"].append(wallet)
            rows["type"].append(kind)
            rows["asset"].append(asset)
            rows["qty"].append(f"{qty // 10**8}.{qty % 10**8:08d}".rstrip("0").rstrip("."))
            rows["fee"].append(None)
            rows["id"].append(f"{kind[0]}{i}")
            rows["tx_hash"].append(tx)
            rows["line"].append(len(rows["line"]) + 2)
    df = pl.DataFrame(rows, schema_overrides={"timestamp": pl.Datetime("us", "UTC"), "fee": pl.String, "tx_hash": pl.String})
    is_w = pl.col("type") == "withdrawal"
    return (
        df.sort("timestamp", "line")
        .with_row_index("seq")
        .select(
            pl.col("seq").cast(pl.Int64),
            "timestamp",
            "wallet",
            "type",
            sent_asset=pl.when(is_w).then("asset"),
            sent_qty=pl.when(is_w).then("qty"),
            received_asset=pl.when(~is_w).then("asset"),
            received_qty=pl.when(~is_w).then("qty"),
            fee_asset=pl.lit(None, pl.String),
            fee_qty=pl.col("fee"),
            usd_value=pl.lit(None, pl.String),
            to_wallet=pl.lit(None, pl.String),
            id="id",
            note=pl.lit(""),
            tx_hash="tx_hash",
            address=pl.lit(None, pl.String),
            file=pl.lit("bench.csv"),
            line="line",
            importer=pl.lit("generic"),
        )
    )


def with_trades(transfers: pl.DataFrame, n: int, days: int) -> pl.DataFrame:
    """``transfers`` plus ``n`` USD buys spread over the same days, renumbered in time order."""
    if n == 0:
        return transfers
    start = datetime(2023, 1, 1, tzinfo=UTC)
    step = days * 86_400_000_000 // n
    trades = pl.DataFrame({"i": range(n)}).select(
        seq=pl.lit(0, pl.Int64),
        timestamp=pl.lit(start) + pl.duration(microseconds=pl.col("i") * step),
        wallet=pl.lit("Kraken"),
        type=pl.lit("trade"),
        sent_asset=pl.lit("USD"),
        sent_qty=pl.lit("100.00"),
        received_asset=pl.lit("A0"),
        received_qty=pl.lit("0.5"),
        fee_asset=pl.lit(None, pl.String),
        fee_qty=pl.lit(None, pl.String),
        usd_value=pl.lit(None, pl.String),
        to_wallet=pl.lit(None, pl.String),
        id=pl.format("t{}", "i"),
        note=pl.lit(""),
        tx_hash=pl.lit(None, pl.String),
        address=pl.lit(None, pl.String),
        file=pl.lit("trades.csv"),
        line=pl.col("i") + 2,
        importer=pl.lit("generic"),
    )
    both = pl.concat([transfers, trades.select(transfers.columns).cast(transfers.schema)])
    return both.sort("timestamp", "file", "line").with_columns(seq=pl.int_range(pl.len(), dtype=pl.Int64))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transfers", type=int, default=300_000)
    parser.add_argument("--trades", type=int, default=0, help="USD trades around the transfers")
    parser.add_argument("--assets", type=int, default=8)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    ledger = with_trades(frame(args.transfers, args.assets, args.days, args.seed), args.trades, args.days)
    began, cpu = time.perf_counter(), time.process_time()
    out, report, diags = link(ledger, missing_basis="zero")
    took, used = time.perf_counter() - began, time.process_time() - cpu
    print(
        f"link: {ledger.height:,} rows ({args.transfers:,} withdrawals + {args.transfers:,} deposits + {args.trades:,} trades) "
        f"in {took:.3f} s "
        f"({used:.3f} s of CPU, all threads); "
        f"{report.pairs.height:,} pairs, {report.unmatched.height:,} unmatched, {len(diags):,} diagnostics, {out.height:,} rows out"
    )


if __name__ == "__main__":
    main()
