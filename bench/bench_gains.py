"""Benchmark: `taxlots gains` end to end (read, validate, match, report) on N synthetic arbitrage trades.

    python bench/bench_gains.py --trades 1000000 [--method fifo] [--scope per-wallet] [--seed 7]

Writes a generic ledger to bench/data/ (gitignored; reused when present), then times the library call the
CLI makes and the CSV it writes, and prints rows/second and peak resident memory. Deterministic for a given
N and seed. Never part of the test run.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from taxlots import pipeline  # noqa: E402
from taxlots.lots.methods import Method  # noqa: E402
from taxlots.lots.pool import Scope  # noqa: E402
from taxlots.reports import frames  # noqa: E402
from taxlots.reports.files import write_frame_csv  # noqa: E402
from taxlots.reports.gains import HEADER, table  # noqa: E402

DATA = Path(__file__).resolve().parent / "data"
LEDGER_HEADER = "timestamp,wallet,type,sent_asset,sent_qty,received_asset,received_qty,fee_asset,fee_qty,usd_value,to_wallet,id,note\n"


def generate(path: Path, trades: int, seed: int) -> None:
    """Two exchanges; each step buys on one and sells on the other a few seconds later; transfers rebalance."""
    rng = random.Random(seed)
    held = {"Kraken": Decimal(0), "Coinbase": Decimal(0)}
    t = 1_700_000_000  # 2023-11-14
    price = 30000.0  # float-ok: only drives the synthetic price walk; every written value is a Decimal string
    lines = []
    for wallet in held:
        lines.append(f"{t},{wallet},trade,USD,{Decimal('300000.00')},BTC,10,USD,30.00,,,seed-{wallet},\n")
        held[wallet] += 10
    n = 0
    while n < trades:
        t += rng.randint(20, 400)
        price *= 1 + rng.gauss(0, 0.001)
        buy, sell = ("Kraken", "Coinbase") if rng.random() < 0.5 else ("Coinbase", "Kraken")
        qty = Decimal(rng.randint(1000, 250000)) / Decimal(10**6)
        p_buy = Decimal(f"{price * 0.999:.2f}")
        p_sell = Decimal(f"{price * 1.001:.2f}")
        cost = (qty * p_buy).quantize(Decimal("0.01"))
        fee = (cost / 1000).quantize(Decimal("0.01"))
        lines.append(f"{t},{buy},trade,USD,{cost},BTC,{qty},USD,{fee},,,b{n},\n")
        held[buy] += qty
        n += 1
        if held[sell] < qty * 2:
            moved = (held[buy] / 2).quantize(Decimal("0.00000001"))
            value = (moved * p_buy).quantize(Decimal("0.01"))
            lines.append(f"{t + 1},{buy},transfer,BTC,{moved},BTC,{moved - Decimal('0.00005')},,,{value},{sell},x{n},\n")
            held[buy] -= moved
            held[sell] += moved - Decimal("0.00005")
        if held[sell] >= qty:
            got = (qty * p_sell).quantize(Decimal("0.01"))
            lines.append(f"{t + 2},{sell},trade,BTC,{qty},USD,{got},USD,{(got / 1000).quantize(Decimal('0.01'))},,,s{n},\n")
            held[sell] -= qty
            n += 1
    from datetime import UTC, datetime

    def iso(line: str) -> str:
        stamp, rest = line.split(",", 1)
        return datetime.fromtimestamp(int(stamp), UTC).strftime("%Y-%m-%dT%H:%M:%SZ") + "," + rest

    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as fh:
        fh.write(LEDGER_HEADER)
        fh.writelines(iso(line) for line in lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--trades", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--method", default="fifo", choices=[m.value for m in Method if m is not Method.SPECIFIC])
    ap.add_argument("--scope", default="universal", choices=[s.value for s in Scope])
    args = ap.parse_args()
    path = DATA / f"arb_{args.trades}_s{args.seed}.csv"
    if not path.exists():
        start = time.perf_counter()
        generate(path, args.trades, args.seed)
        print(f"generated {path} in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    start, cpu0 = time.perf_counter(), time.process_time()
    run = pipeline.run([str(path)], method=Method(args.method), scope=Scope(args.scope), zone=ZoneInfo("UTC"))
    matched, cpu1 = time.perf_counter(), time.process_time()
    slices = frames.slices(run.result.columns, None)
    write_frame_csv(DATA / "gains.csv", table(slices), HEADER)
    done, cpu2 = time.perf_counter(), time.process_time()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    events = run.ledger.frame.height
    errors = sum(1 for d in run.diagnostics if d.severity == "error")
    print(f"{events} ledger rows, {len(run.result.columns)} disposals, {slices.height} gain rows, {errors} errors")
    print(
        f"read+match {matched - start:.2f} s, report {done - matched:.2f} s, total {done - start:.2f} s "
        f"({events / (done - start):,.0f} rows/s), peak RSS {rss_mb:,.0f} MB"
    )
    print(f"CPU: read+match {cpu1 - cpu0:.2f} s, report {cpu2 - cpu1:.2f} s, total {cpu2 - cpu0:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
