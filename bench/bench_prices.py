"""Benchmark: `attach_prices` on a synthetic ledger frame of N rows.

    python bench/bench_prices.py --rows 1000000 [--seed 7]

Builds the frame in memory (the columns ``ingest.load`` returns) and an hourly price file in bench/data/
(gitignored), then times the pricing step alone (best of ``--repeat`` runs) and prints how many rows each source priced. The mix, per
row: 40% trades against USD (the ledger's own prices), 25% crypto-to-crypto trades (a quarter with a BNB
fee), 15% income, 10% trades into USDT, 10% transfers (half with a network fee). Deterministic for a given
N and seed. Never part of the test run.
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

from taxlots.pricing import attach_prices  # noqa: E402

DATA = Path(__file__).resolve().parent / "data"
ASSETS = ("BTC", "ETH", "SOL", "BNB", "DOGE")
START = datetime(2024, 1, 1, tzinfo=UTC)


def price_file(path: Path, hours: int, seed: int) -> None:
    """Hourly prices for every asset (a random walk written as exact decimal text)."""
    rng = random.Random(seed)
    lines = ["timestamp,asset,usd_price"]
    for asset, base in zip(ASSETS, (60000, 3000, 120, 400, 1), strict=True):
        cents = base * 10_000
        for h in range(hours + 2):
            cents = max(1, cents + rng.randint(-cents // 200, cents // 200))
            stamp = (START + timedelta(hours=h - 1)).strftime("%Y-%m-%dT%H:%M:%SZ")
            lines.append(f"{stamp},{asset},{cents // 10_000}.{cents % 10_000:04d}")
    path.write_text("\n".join(lines) + "\n")


def frame(rows: int, seed: int) -> pl.DataFrame:
    rng = random.Random(seed)
    cols: dict[str, list[str | None]] = {
        c: [] for c in ("type", "sent_asset", "sent_qty", "received_asset", "received_qty", "fee_asset", "fee_qty")
    }
    seconds: list[int] = []
    t = 0
    for _ in range(rows):
        t += rng.randint(1, 60)
        seconds.append(t)
        kind = rng.random()
        a, b = rng.sample(ASSETS, 2)
        qty = f"{rng.randint(1, 10**6)}.{rng.randint(0, 10**8 - 1):08d}"
        fee_asset = fee_qty = None
        if kind < 0.40:
            row = ("trade", "USD", f"{rng.randint(1, 10**5)}.{rng.randint(0, 99):02d}", a, qty)
        elif kind < 0.65:
            row = ("trade", a, qty, b, f"{rng.randint(1, 10**4)}.{rng.randint(0, 10**6 - 1):06d}")
            if rng.random() < 0.25:
                fee_asset, fee_qty = "BNB", "0.0125"
        elif kind < 0.80:
            row = ("income", None, None, a, qty)
        elif kind < 0.90:
            row = ("trade", a, qty, "USDT", f"{rng.randint(1, 10**5)}.{rng.randint(0, 99):02d}")
        else:
            row = ("transfer", a, qty, a, qty if rng.random() < 0.5 else f"{qty}".split(".")[0] + ".5")
        for name, value in zip(cols, (*row, fee_asset, fee_qty), strict=True):
            cols[name].append(value)
    n = len(seconds)
    stamps = pl.Series("timestamp", [START + timedelta(seconds=s) for s in seconds], dtype=pl.Datetime("us", "UTC"))
    return pl.DataFrame(
        {
            "seq": pl.int_range(n, eager=True),
            "timestamp": stamps,
            "wallet": ["Kraken"] * n,
            **cols,
            "usd_value": pl.Series([None] * n, dtype=pl.String),
            "to_wallet": pl.Series(["Cold" if k == "transfer" else None for k in cols["type"]], dtype=pl.String),
            "id": [f"r{i}" for i in range(n)],
            "note": [""] * n,
            "file": ["bench.csv"] * n,
            "line": pl.int_range(2, n + 2, eager=True),
            "importer": ["generic"] * n,
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    DATA.mkdir(exist_ok=True)
    ledger = frame(args.rows, args.seed)
    hours = int((ledger["timestamp"].max() - START).total_seconds() // 3600) + 1  # type: ignore[operator]
    prices = DATA / f"prices_{args.rows}_{args.seed}.csv"
    price_file(prices, hours, args.seed)
    best = float("inf")
    for _ in range(args.repeat):
        begin, cpu = time.perf_counter(), time.process_time()
        out, report, diags = attach_prices(ledger, price_files=[str(prices)])
        elapsed, cpu = time.perf_counter() - begin, time.process_time() - cpu
        print(f"{args.rows:,} rows priced in {elapsed:.3f} s wall, {cpu:.3f} s CPU (all threads)")
        best = min(best, elapsed)
    print(f"best of {args.repeat}: {best:.3f} s ({args.rows / best:,.0f} rows/s)")
    print(f"filled: {report.filled}; fees: {report.fees_filled}; unpriced: {len(report.unpriced)}; diagnostics: {len(diags)}")
    assert out.height == ledger.height


if __name__ == "__main__":
    main()
