"""End-to-end benchmark: import, gains and report on generated raw exports of N trades.

    python bench/run.py --trades 100000 [--seed 7] [--method fifo] [--scope universal] [--phases read,import,gains,report] [--keep DIR]

Generates the exports once (:mod:`generate`, cached in bench/data/), then runs each phase as its own
``taxlots`` subprocess and prints, per phase, wall time, CPU time (user+sys of the child) and the child's
peak RSS. ``read`` is polars alone reading the three exports (every column as a string: the floor any
reader pays), measured in the same run. ``--keep DIR`` leaves the ledger, gains CSV and report there (to
compare outputs byte for byte between versions). The CPU time includes a child the run forks (the tracing
walk of ``--scope per-wallet-from-2025``); the peak RSS is the larger process's, not their sum. Report CPU
time on a loaded machine: wall time there measures the other processes too.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402
from installed import compile_taxlots  # noqa: E402

READ = """
import sys, polars as pl
for path, skip in zip(sys.argv[1::2], sys.argv[2::2]):
    pl.read_csv(path, skip_rows=int(skip), infer_schema=False, truncate_ragged_lines=True)
"""


def timed(cmd: list[str]) -> tuple[float, float, float, int]:
    """``(wall s, cpu s, peak RSS MB, exit code)`` of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    if proc.returncode not in (0, 1):  # 1: the run reported problems (printed below) but wrote its output
        sys.stderr.write(err.decode(errors="replace")[-2000:])
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trades", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--method", default="fifo")
    parser.add_argument("--scope", default="universal")
    parser.add_argument("--phases", default="read,import,gains,report")
    parser.add_argument("--keep", type=Path, help="write the outputs into this folder")
    args = parser.parse_args()
    t0 = time.perf_counter()
    files = generate(args.trades, args.seed)
    gen_s = time.perf_counter() - t0
    exports = [str(files[k]) for k in ("kraken", "coinbase", "binance")]
    rows = sum(Path(p).read_bytes().count(b"\n") for p in exports)
    compile_taxlots()  # timed as installed, with bytecode (see installed.py)
    print(f"{args.trades} trades: {rows} export lines ({', '.join(Path(p).name for p in exports)}); generated/cached in {gen_s:.1f} s")
    taxlots = [sys.executable, "-m", "taxlots"]
    prices = ["--prices", str(files["prices"])]
    how = ["-m", args.method, "--scope", args.scope]
    with tempfile.TemporaryDirectory(prefix="taxlots-bench-") as tmp:
        out = args.keep or Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        phases = {
            "read": [sys.executable, "-c", READ, exports[0], "0", exports[1], "3", exports[2], "0"],
            "import": [*taxlots, "import", *exports, "-o", str(out / "ledger.csv")],
            "gains": [*taxlots, "gains", *exports, *prices, *how, "-o", str(out / "gains.csv")],
            "report": [*taxlots, "report", *exports, *prices, *how, "--year", "2024", "--out", str(out / "report")],
        }
        print(f"{'phase':<8} {'wall s':>8} {'cpu s':>8} {'peak MB':>8}  exit")
        for name in args.phases.split(","):
            wall, cpu, rss, rc = timed(phases[name])
            print(f"{name:<8} {wall:8.2f} {cpu:8.2f} {rss:8.0f}  {rc}", flush=True)


if __name__ == "__main__":
    main()
