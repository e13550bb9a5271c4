"""Benchmark: `taxlots report` on one tax year of a busy bot, about N lot slices (default 500,000).

    python bench/bench_report.py --slices 500000 [--seed 7]

Writes a generic ledger of one wallet trading through 2025 to bench/data/ (gitignored; reused when present):
each step buys a random amount and sells a random amount, so a FIFO sale spans one or two lots. Then it times
the pipeline, the frames bridge, the forms, and each output file separately; for the audit workbook it also
reports (with ``--trace``) the peak of Python memory while it is written (tracemalloc), which must stay
bounded because the sheets are written in openpyxl's write-only mode. Prints peak resident memory of the whole process. Never
part of the test run.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from taxlots import pipeline  # noqa: E402
from taxlots.reports import form8949, frames, yearly  # noqa: E402

DATA = Path(__file__).resolve().parent / "data"
HEADER = "timestamp,wallet,type,sent_asset,sent_qty,received_asset,received_qty,fee_asset,fee_qty,usd_value,to_wallet,id,note\n"


def generate(path: Path, steps: int, seed: int) -> None:
    """``steps`` buy-then-sell pairs in 2025 (one wallet), integer-cent prices, 8-decimal quantities."""
    rng = random.Random(seed)
    t = int(datetime(2025, 1, 1, tzinfo=UTC).timestamp())
    gap = max(1, (365 * 86400 - 3600) // (2 * steps))
    held = Decimal(0)
    price = 9_000_000  # cents
    lines = []
    for n in range(steps):
        price = max(100_000, price + rng.randint(-20_000, 20_000))
        buy = Decimal(rng.randint(10_000, 2_000_000)) / Decimal(10**8)
        cost = (buy * price / 100).quantize(Decimal("0.01"))
        stamp = datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        lines.append(f"{stamp},Bot,trade,USD,{cost},BTC,{buy},,,,,b{n},\n")
        held += buy
        sell = min(held, Decimal(rng.randint(10_000, 2_000_000)) / Decimal(10**8))
        got = (sell * (price + 5_000) / 100).quantize(Decimal("0.01"))
        stamp = datetime.fromtimestamp(t + gap, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        lines.append(f"{stamp},Bot,trade,BTC,{sell},USD,{got},,,,,s{n},\n")
        held -= sell
        t += 2 * gap
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as fh:
        fh.write(HEADER)
        fh.writelines(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--slices", type=int, default=500_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--trace", action="store_true", help="measure Python memory while the audit workbook is written (slow)")
    args = ap.parse_args()
    steps = args.slices // 2  # measured: about 2 slices per sale (665,949 for 333,333 sales)
    path = DATA / f"bot_2025_{steps}_s{args.seed}.csv"
    if not path.exists():
        start = time.perf_counter()
        generate(path, steps, args.seed)
        print(f"generated {path} in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    clock, cpu = time.perf_counter(), time.process_time()

    def took() -> str:
        """Wall and CPU (user+sys of this process) seconds since the last call: the machine may be loaded."""
        nonlocal clock, cpu
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        text = f"{time.perf_counter() - clock:.1f} s wall, {time.process_time() - cpu:.1f} s CPU, peak RSS so far {peak:,.0f} MB"
        clock, cpu = time.perf_counter(), time.process_time()
        return text

    run = pipeline.run([str(path)], zone=ZoneInfo("UTC"), as_of=datetime(2025, 12, 31).date())
    print(f"pipeline: {took()}, {len(run.result.columns)} disposals")
    year = frames.from_run(run.result, run.ledger.frame, run.diagnostics, 2025)
    print(f"frames bridge: {took()}, {year.slices.height} slices")
    report = yearly.build(year, yearly.ReportOptions(form=form8949.Options(year=2025)))
    print(f"form 8949 + schedule D: {took()}, statement boxes {list(report.form.statement_boxes)}")
    with tempfile.TemporaryDirectory() as tmp:
        for name, write in yearly.writers(report).items():
            if name.startswith("turbotax-gains-") and name != "turbotax-gains-1.csv":
                write(Path(tmp) / name)
                continue
            took()
            if name.startswith("taxlots-") and args.trace:
                tracemalloc.start()
                write(Path(tmp) / name)
                peak = tracemalloc.get_traced_memory()[1]
                tracemalloc.stop()
                extra = f", Python peak while writing {peak / 2**20:,.0f} MiB (tracemalloc slows it)"
            else:
                write(Path(tmp) / name)
                extra = ""
            size = (Path(tmp) / name).stat().st_size
            print(f"{name}: {took()}, {size / 2**20:,.1f} MiB{extra}")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
