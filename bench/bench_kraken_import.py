"""Benchmark: read a synthetic Kraken ledgers.csv of N rows with ``taxlots.ingest.load``.

Usage: ``python bench/bench_kraken_import.py --rows 1000000``

The file (2024 wallet + amountusd header) is written to ``bench/data/`` once per size and reused: mostly
two-leg trades, plus deposits and withdrawals (each with its pending copy), earn rewards and earn
allocations. Prints the load time, rows per second and the peak RSS of the process.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
HEADER = '"txid","refid","time","type","subtype","aclass","asset","wallet","amount","fee","balance","amountusd"\n'
_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_CRYPTO = (("XXBT", 60000), ("XETH", 3000), ("SOL", 150), ("DOT", 7), ("USDT", 1), ("XXDG", 0.1))


def _id(rng: random.Random, prefix: str, n: int) -> str:
    body = "".join(rng.choices(_ALNUM, k=11))
    return f"{prefix}{n:07X}-{body[:5]}-{body[5:]}"


def _rows(rng: random.Random, n: int, last: bool) -> list[str]:
    """One event (one or two rows) of the synthetic ledger; ``last`` asks for a one-row event."""
    ts = f"2024-{1 + n % 12:02d}-{1 + n % 28:02d} {n % 24:02d}:{n % 60:02d}:{(n * 7) % 60:02d}"
    asset, price = rng.choice(_CRYPTO)
    qty = rng.randint(1, 10**8) / 10**6
    usd = qty * price
    kind = 0.95 if last else rng.random()
    line = '"{}","{}","{}","{}","{}","currency","{}","{}",{:.10f},{:.10f},{},{:.2f}\n'
    ref = _id(rng, "T", n)
    if kind < 0.85:
        fee = usd * 0.0016
        return [
            line.format(_id(rng, "L", 2 * n), ref, ts, "trade", "tradespot", "ZUSD", "spot / main", -usd, fee, "1000.0000", -usd),
            line.format(_id(rng, "L", 2 * n + 1), ref, ts, "trade", "tradespot", asset, "spot / main", qty, 0, "1.0000000000", usd),
        ]
    if kind < 0.93:
        typ, sign = ("deposit", 1) if kind < 0.89 else ("withdrawal", -1)
        ref = _id(rng, "FT", n)
        return [
            line.format("", ref, ts, typ, "", asset, "spot / main", sign * qty, 0, '""', sign * usd),
            line.format(_id(rng, "L", 2 * n), ref, ts, typ, "", asset, "spot / main", sign * qty, 0, "1.0000000000", sign * usd),
        ]
    if kind < 0.97:
        return [
            line.format(
                _id(rng, "L", 2 * n), _id(rng, "ST", n), ts, "earn", "reward", asset, "earn / flexible", qty / 1000, 0, "1.0", usd / 1000
            )
        ]
    return [
        line.format(_id(rng, "L", 2 * n), ref, ts, "earn", "allocation", asset, "spot / main", -qty, 0, "0.0000000000", -usd),
        line.format(_id(rng, "L", 2 * n + 1), ref, ts, "earn", "allocation", asset, "earn / flexible", qty, 0, "1.0000000000", usd),
    ]


def generate(rows: int, seed: int = 2024) -> Path:
    """Write (or reuse) a synthetic ledgers file with at least ``rows`` data rows."""
    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / f"kraken_ledgers_{rows}.csv"
    if path.exists():
        return path
    rng = random.Random(seed)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        fh.write(HEADER)
        written, n = 0, 0
        while written < rows:
            chunk = _rows(rng, n, last=rows - written == 1)
            fh.writelines(chunk)
            written += len(chunk)
            n += 1
    tmp.rename(path)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="data rows in the synthetic file (default 1,000,000)")
    args = parser.parse_args(argv)

    path = generate(args.rows)
    from taxlots import ingest
    from taxlots.importers import kraken_ledgers

    cpu0, start = time.process_time(), time.perf_counter()
    ledger = ingest.load([str(path)], importers=(kraken_ledgers,))
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu0
    report = ledger.files[0]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    errors = sum(1 for d in ledger.diagnostics if d.severity == "error")
    print(f"file          {path} ({path.stat().st_size / 1e6:.1f} MB)")
    print(f"rows read     {args.rows:,}  ledger rows kept {report.kept:,}  skipped {sum(report.skipped.values()):,}  errors {errors:,}")
    print(f"load time     {elapsed:.2f} s wall, {cpu:.2f} s CPU  ({args.rows / elapsed:,.0f} rows/s)")
    print(f"peak RSS      {peak_mb:,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
