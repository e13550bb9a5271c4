"""RP2 1.7.2 and taxlots side by side on the same synthetic BTC trades: time, memory and totals.

    python bench/vs_rp2.py --trades 50000 [--methods fifo,lifo,hifo] [--no-fees] [--seed 7] [--rp2-venv DIR]

RP2 (the open-source US calculator, from PyPI) is never a dependency of taxlots: the first run makes a
throwaway venv under ``bench/data/rp2-venv`` (or ``--rp2-venv DIR``) with ``pip install rp2==1.7.2`` and
reuses it. Both tools run as subprocesses, measured like ``run.py`` (``os.wait4``: wall s, user+sys CPU s,
the child's peak RSS); the table gives each and the ratio RP2/taxlots.

**The events** (generated once per N, seed and fee setting, deterministically, into ``bench/data/``): one
asset (BTC), two exchanges (Coinbase, Kraken), one holder. N events in all: buys for USD, sells for USD
and transfers between the exchanges. Each exchange's balance is tracked, so no sale or transfer exceeds
what that exchange holds (RP2 checks balances per exchange; taxlots then needs no ``--allow-shortfalls``).
With fees: a buy pays 0.1 % in USD (added to the basis in both tools), a sell pays 0.1 % in BTC (RP2's
``crypto_fee``; the ledger says the same thing as a sale of quantity + fee for USD with a USD fee of the
fee units' value, so both tools sell quantity + fee and book proceeds net of the fee), a transfer pays a
network fee of 0.00005 BTC (RP2's crypto sent - received, a MOVE on its "Investment Expenses" sheet;
taxlots' default ``--network-fee disposal``). Every amount is exact: quantities in 1e-8 BTC, prices in
cents below 65,536 USD (RP2 reads ODS numbers as floats and formats them with 11 decimals, which is
exact there).

**Holding periods.** RP2 calls a sale long-term when ``(sold - acquired).days >= 365``; taxlots uses the
calendar rule (long-term only after the anniversary), so the two differ for holdings of exactly 365 or
366 days. The generated dates avoid them: an opening block of buys (a tenth of N) in January 2022, then
every other event between 10 February 2023 and the end of 2023 (under 330 days). A lot of the opening
block is always held more than 375 days when sold, any other lot less than 330: no holding comes near a
year, so each sale has the same term in both tools, whatever the method picks, and totals are compared
by term with no exclusions. HIFO orders by fee-inclusive unit cost in taxlots and by spot price in RP2,
so HIFO is compared on fee-free data only (with fees it is timed but not checked); the opening block's
prices are odd cents and the rest even, so a HIFO tie never spans the two terms.

**The check.** RP2's report (only its Form 8949 generator, ``us.tax_report_us``, is run, as taxlots
writes only its gains CSV: RP2 1.7.2 ignores the INI key for that, so the generator list is replaced
in-process) is read with ezodf from the rp2 venv: the "Capital Gains" sheet (sells) and the MOVE rows of
"Investment Expenses" (transfer fees). RP2's rows are summed at full precision per disposal and term and
rounded to the cent (half up); taxlots' gains CSV rows (a network fee under its transfer's id) are summed
the same way. The disposals, their terms and the row counts must be equal, and each term's proceeds, cost
basis and gain may differ by at most 0.01 per disposal with rows of both terms: taxlots rounds a
disposal as a whole, so each of its two parts may be a cent off RP2's. Anything else is printed with the
differing totals, and the exit code is 1.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import time
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from installed import compile_taxlots  # noqa: E402

DATA = HERE / "data"
RP2_VERSION = "1.7.2"
EXCHANGES = ("Coinbase", "Kraken")
HOLDER = "Alice"
UNIT = 10**8  # quantities are generated in 1e-8 BTC
OPENING = datetime(2022, 1, 3, tzinfo=UTC)  # the opening block: 25 days of buys
MAIN = datetime(2023, 2, 10, tzinfo=UTC)  # everything else: at most 320 days from here
CENT = Decimal("0.01")
TERMS = ("short", "long")
FIELDS = ("proceeds", "cost_basis", "gain")


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """One generated event; quantities in 1e-8 BTC, money in cents."""

    kind: str  # buy, sell, transfer
    at: datetime
    exchange: str  # a transfer's sender
    units: int  # buy: received; sell: sold, without the fee; transfer: sent
    price: int  # USD cents per BTC
    fee: int  # buy: USD cents; sell and transfer: 1e-8 BTC
    uid: str
    to: str = ""


# generation ------------------------------------------------------------------------------------------


class _Walk:
    """A BTC price in cents, a random walk kept below 65,536 USD, of one parity (odd or even cents)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng, self.cents = rng, 3_000_000

    def next(self, parity: int) -> int:
        self.cents = min(6_000_000, max(1_500_000, self.cents + self.rng.randint(-3_000, 3_000)))
        return self.cents - self.cents % 2 + parity


def events(trades: int, seed: int, *, fees: bool) -> list[Event]:
    """The N events: a tenth (at least 2) are the opening buys, then buys, sells and transfers.

    Args:
        trades: how many events in all.
        seed: the random seed; the same arguments give the same events.
        fees: whether buys, sells and transfers pay fees.

    Returns:
        The events in time order, timestamps strictly increasing.
    """
    rng, out = random.Random(seed), []
    walk, held = _Walk(random.Random(seed + 1)), dict.fromkeys(EXCHANGES, 0)
    opening = max(2, trades // 10)
    step = 25 * 86_400 // opening
    for i in range(opening):
        at = OPENING + timedelta(seconds=i * step + rng.randrange(step))
        ex = EXCHANGES[i % 2]
        out.append(_buy(rng, at, ex, walk.next(1), rng.randint(UNIT // 20, UNIT // 2), fees, len(out)))
        held[ex] += out[-1].units
    rest = trades - opening
    step = 320 * 86_400 // max(rest, 1)
    for i in range(rest):
        at = MAIN + timedelta(seconds=i * step + rng.randrange(step))
        out.append(_next(rng, at, walk.next(0), held, fees, len(out)))
    return out


def _buy(rng: random.Random, at: datetime, ex: str, price: int, units: int, fees: bool, n: int) -> Event:
    fee = units * price // UNIT // 1000 if fees else 0  # 0.1 % in cents, rounded down
    return Event(kind="buy", at=at, exchange=ex, units=units, price=price, fee=fee, uid=f"b{n}")


def _next(rng: random.Random, at: datetime, price: int, held: dict[str, int], fees: bool, n: int) -> Event:
    """A buy (45 %), a sell (45 %) or a transfer (10 %), updating ``held``; a buy when the others cannot be."""
    r, ex = rng.random(), rng.choice(EXCHANGES)
    other = EXCHANGES[1 - EXCHANGES.index(ex)]
    units = rng.randint(UNIT // 1000, UNIT // 4)
    if r < 0.45:
        units = min(units, held[ex] * 999 // 1000)
        fee = units // 1000 if fees else 0
        if units > 0:
            held[ex] -= units + fee
            return Event(kind="sell", at=at, exchange=ex, units=units, price=price, fee=fee, uid=f"s{n}")
    elif r < 0.55:
        sent, fee = held[ex] // 3, 5_000 if fees else 0
        if sent > fee:
            held[ex] -= sent
            held[other] += sent - fee
            return Event(kind="transfer", at=at, exchange=ex, units=sent, price=price, fee=fee, uid=f"t{n}", to=other)
    event = _buy(rng, at, ex, price, units, fees, n)
    held[ex] += event.units
    return event


# writing ---------------------------------------------------------------------------------------------


def btc(units: int) -> str:
    return f"{units // UNIT}.{units % UNIT:08d}"


def usd(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def usd_of(units: int, price: int) -> str:
    """The exact USD value of ``units`` at ``price`` cents (up to 10 decimals)."""
    text = f"{Decimal(units * price).scaleb(-10):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def stamp(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def write_ledger(path: Path, evs: Sequence[Event]) -> None:
    """taxlots' generic ledger CSV of the events (README, "The generic ledger CSV")."""
    with path.open("w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["timestamp", "wallet", "type", "sent_asset", "sent_qty", "received_asset", "received_qty",
                    "fee_asset", "fee_qty", "usd_value", "to_wallet", "id", "note"])  # fmt: skip
        for e in evs:
            t = stamp(e.at)
            if e.kind == "buy":
                fee = ("USD", usd(e.fee)) if e.fee else ("", "")
                w.writerow([t, e.exchange, "trade", "USD", usd_of(e.units, e.price), "BTC", btc(e.units), *fee, "", "", e.uid, ""])
            elif e.kind == "sell":  # quantity + fee sold, the fee units' value paid as a USD fee: proceeds net of it
                gross = e.units + e.fee
                fee = ("USD", usd_of(e.fee, e.price)) if e.fee else ("", "")
                w.writerow([t, e.exchange, "trade", "BTC", btc(gross), "USD", usd_of(gross, e.price), *fee, "", "", e.uid, ""])
            else:
                row = [t, e.exchange, "transfer", "BTC", btc(e.units), "BTC", btc(e.units - e.fee), "", ""]
                w.writerow([*row, usd_of(e.units, e.price), e.to, e.uid, ""])


#: RP2's three input tables: (INI key, column title) in column order; the sheet headers and the INI come from these.
_TABLES = {
    "in": [("timestamp", "Timestamp"), ("asset", "Asset"), ("exchange", "Exchange"), ("holder", "Holder"),
           ("transaction_type", "Type"), ("spot_price", "Spot Price"), ("crypto_in", "Crypto In"),
           ("fiat_fee", "USD Fee"), ("unique_id", "Unique Id")],
    "out": [("timestamp", "Timestamp"), ("asset", "Asset"), ("exchange", "Exchange"), ("holder", "Holder"),
            ("transaction_type", "Type"), ("spot_price", "Spot Price"), ("crypto_out_no_fee", "Crypto Out No Fee"),
            ("crypto_fee", "Crypto Fee"), ("unique_id", "Unique Id")],
    "intra": [("timestamp", "Timestamp"), ("asset", "Asset"), ("from_exchange", "From Exchange"),
              ("from_holder", "From Holder"), ("to_exchange", "To Exchange"), ("to_holder", "To Holder"),
              ("spot_price", "Spot Price"), ("crypto_sent", "Crypto Sent"), ("crypto_received", "Crypto Received"),
              ("unique_id", "Unique Id")],
}  # fmt: skip
_IN, _OUT, _INTRA = ([title for _, title in _TABLES[t]] for t in ("in", "out", "intra"))


def rp2_ini(exchanges: Sequence[str], holder: str) -> str:
    """RP2's configuration: the assets, exchanges and holders, and where each table's columns are."""
    lines = ["[general]", "assets = BTC", f"exchanges = {', '.join(exchanges)}", f"holders = {holder}"]
    for table, columns in _TABLES.items():
        lines += ["", f"[{table}_header]", *(f"{key} = {i}" for i, (key, _) in enumerate(columns))]
    return "\n".join(lines) + "\n"


class Num(str):
    """A cell written as an ODS float, from its exact decimal text."""


def rp2_rows(evs: Sequence[Event]) -> list[list[str]]:
    """RP2's one-sheet input: the IN, OUT and INTRA tables, each closed by TABLE END."""
    ins, outs, intras = [], [], []
    for e in evs:
        head = [stamp(e.at), "BTC", e.exchange, HOLDER]
        if e.kind == "buy":
            ins.append([*head, "Buy", Num(usd(e.price)), Num(btc(e.units)), Num(usd(e.fee)), e.uid])
        elif e.kind == "sell":
            outs.append([*head, "Sell", Num(usd(e.price)), Num(btc(e.units)), Num(btc(e.fee)), e.uid])
        else:
            moved = [e.to, HOLDER, Num(usd(e.price)), Num(btc(e.units)), Num(btc(e.units - e.fee))]
            intras.append([*head[:4], *moved, e.uid])
    rows = [["IN"], _IN, *ins, ["TABLE END"], [], ["OUT"], _OUT, *outs, ["TABLE END"]]
    if intras:
        rows += [[], ["INTRA"], _INTRA, *intras, ["TABLE END"]]
    return rows


_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
)
_CONTENT_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content'
    ' xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
    ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    '<office:body><office:spreadsheet><table:table table:name="BTC">'
)


def _cell(v: str) -> str:
    if not v:
        return "<table:table-cell/>"
    if isinstance(v, Num):
        return f'<table:table-cell office:value-type="float" office:value="{v}"><text:p>{v}</text:p></table:table-cell>'
    return f'<table:table-cell office:value-type="string"><text:p>{escape(v)}</text:p></table:table-cell>'


def write_ods(path: Path, rows: Sequence[Sequence[str]]) -> None:
    """A minimal ODS: mimetype, manifest and content.xml in a zip, with fixed entry times (same bytes each run)."""
    body = "".join("<table:table-row>" + "".join(map(_cell, row)) + "</table:table-row>" for row in rows)
    content = _CONTENT_HEAD + body + "</table:table></office:spreadsheet></office:body></office:document-content>"
    with zipfile.ZipFile(path, "w") as z:
        for name, text, how in (
            ("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED),
            ("META-INF/manifest.xml", _MANIFEST, zipfile.ZIP_DEFLATED),
            ("content.xml", content, zipfile.ZIP_DEFLATED),
        ):
            info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = how
            z.writestr(info, text)


def generate(trades: int, seed: int, *, fees: bool) -> Path:
    """Write ``input.ods``, ``input.ini`` and ``ledger.csv`` once into a folder of bench/data; return it."""
    out = DATA / f"vs-rp2-{trades}-{seed}{'' if fees else '-nofee'}"
    names = ("input.ods", "input.ini", "ledger.csv")
    if all((out / n).exists() for n in names):
        return out
    out.mkdir(parents=True, exist_ok=True)
    evs = events(trades, seed, fees=fees)
    write_ods(out / "input.ods", rp2_rows(evs))
    (out / "input.ini").write_text(rp2_ini(EXCHANGES, HOLDER))
    write_ledger(out / "ledger.csv", evs)
    return out


# running ---------------------------------------------------------------------------------------------


def rp2_python(venv: Path) -> Path:
    """The rp2 venv's python, making the venv first if it has no rp2 yet."""
    python = venv / "bin" / "python"
    if not (venv / "bin" / "rp2_us").exists():
        print(f"making a venv with rp2=={RP2_VERSION} (from PyPI) in {venv}", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", f"rp2=={RP2_VERSION}"], check=True)
    return python


def timed(cmd: list[str], cwd: Path | None = None) -> tuple[float, float, float]:
    """``(wall s, cpu s, peak RSS MB)`` of one child process; exits when it fails."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{cmd[0]} failed ({os.waitstatus_to_exitcode(status)}):\n{err.decode(errors='replace')[-3000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


#: rp2_us with only the Form 8949 generator (1.7.2 ignores the documented INI key, so it is set in-process)
RUN_RP2 = """
import sys
from rp2.plugin.country import us
us.US.get_report_generators = lambda self: {"us.tax_report_us"}
sys.argv[0] = "rp2_us"
us.rp2_entry()
"""

#: run by the rp2 venv's python: [disposal id, proceeds, cost basis, term] of each sell and transfer-fee row
READ_RP2 = """
import json, sys, ezodf
doc, rows = ezodf.opendoc(sys.argv[1]), []
for sheet in doc.sheets:
    if sheet.name not in ("Capital Gains", "Investment Expenses"):
        continue
    for r in range(7, sheet.nrows()):
        kind = sheet[r, 9].value
        if not kind or (sheet.name == "Investment Expenses" and not str(kind).endswith("MOVE")):
            continue
        cells = [sheet[r, c].value for c in (13, 4, 5, 14)]
        rows.append([str(cells[0]), repr(float(cells[1])), repr(float(cells[2])), str(cells[3]).lower()])
json.dump(rows, sys.stdout)
"""

#: (disposal id, term) -> [proceeds, cost basis, rows]
Groups = dict[tuple[str, str], list[Decimal]]


def _add(groups: Groups, key: tuple[str, str], proceeds: Decimal, basis: Decimal) -> None:
    cell = groups.setdefault(key, [Decimal(0), Decimal(0), Decimal(0)])
    cell[0] += proceeds
    cell[1] += basis
    cell[2] += 1


def rp2_groups(python: Path, report: Path) -> Groups:
    """RP2's rows summed at full precision per disposal and term, then rounded to the cent (half up)."""
    out = subprocess.run([str(python), "-c", READ_RP2, str(report)], check=True, capture_output=True).stdout
    groups: Groups = {}
    for uid, proceeds, basis, term in json.loads(out):
        _add(groups, (uid, term), Decimal(proceeds), Decimal(basis))
    for cell in groups.values():
        cell[0], cell[1] = (v.quantize(CENT, ROUND_HALF_UP) for v in cell[:2])
    return groups


def taxlots_groups(gains: Path) -> Groups:
    """taxlots' gains CSV summed per disposal (a network fee under its transfer's id) and term."""
    groups: Groups = {}
    with gains.open(newline="") as fh:
        for row in csv.DictReader(fh):
            uid = row["disposal_id"].removesuffix(":network-fee")
            _add(groups, (uid, row["term"]), Decimal(row["proceeds"]), Decimal(row["cost_basis"]))
    return groups


def totals(groups: Groups) -> dict[str, dict[str, Decimal]]:
    """Proceeds, cost basis, gain and rows per term."""
    out = {t: dict.fromkeys((*FIELDS, "rows"), Decimal(0)) for t in TERMS}
    for (_, term), (proceeds, basis, rows) in groups.items():
        for field, v in zip((*FIELDS, "rows"), (proceeds, basis, proceeds - basis, rows), strict=True):
            out[term][field] += v
    return out


def differences(rp2: Groups, ours: Groups) -> list[str]:
    """What differs, one line each, or one line saying by how little the totals differ, starting "largest".

    A disposal with rows of both terms is rounded to the cent as a whole by taxlots, so its short and long
    parts may each be a cent off RP2's: each term's totals may differ by 0.01 per such disposal, no more.
    Rows and the disposals' terms must be equal.
    """
    out = []
    if rp2.keys() != ours.keys():
        only = sorted(rp2.keys() - ours.keys())[:3], sorted(ours.keys() - rp2.keys())[:3]
        out.append(f"disposals or terms differ (RP2 only {only[0]}..., taxlots only {only[1]}...)")
    split = {uid for uid, term in ours if term == "long" and (uid, "short") in ours}
    a, b = totals(rp2), totals(ours)
    for term in TERMS:
        for field in (*FIELDS, "rows"):
            allowed = CENT * len(split) if field != "rows" else 0
            if abs(a[term][field] - b[term][field]) > allowed:
                out.append(f"{term} {field}: RP2 {a[term][field]}, taxlots {b[term][field]}")
    if not out:
        gap = max(abs(a[t][f] - b[t][f]) for t in TERMS for f in FIELDS)
        exact = sum(rp2[k][:2] == ours[k][:2] for k in ours)  # the keys are equal here
        out.append(f"largest difference {gap} (allowed {CENT * len(split)}); {exact} of {len(ours)} disposal-terms equal to the cent")
    return out


Usage = tuple[float, float, float]


def run_method(method: str, folder: Path, python: Path) -> tuple[Usage, Usage, Groups, Groups]:
    """Run RP2 and taxlots with one method on the folder's inputs: their usage and their rows grouped."""
    out = folder / f"rp2-{method}"
    out.mkdir(exist_ok=True)
    for old in out.glob("*.ods"):
        old.unlink()
    rp2_cmd = [str(python), "-c", RUN_RP2, "-m", method, "-o", str(out), "-p", "", str(folder / "input.ini"), str(folder / "input.ods")]
    rp2 = timed(rp2_cmd, cwd=out)  # rp2 writes its log folder into the working directory
    gains = folder / f"taxlots-{method}.csv"
    ours = timed(
        [sys.executable, "-m", "taxlots", "-q", "gains", str(folder / "ledger.csv"), "-m", method, "--scope", "universal", "-o", str(gains)]
    )
    (report,) = out.glob("*_tax_report_us.ods")  # RP2 names it <prefix><method>_tax_report_us.ods
    return rp2, ours, rp2_groups(python, report), taxlots_groups(gains)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trades", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--methods", default="fifo,lifo,hifo")
    parser.add_argument("--no-fees", action="store_true")
    parser.add_argument("--rp2-venv", type=Path, default=DATA / "rp2-venv")
    args = parser.parse_args()
    python = rp2_python(args.rp2_venv.resolve())
    compile_taxlots()  # RP2 runs with the bytecode pip wrote; taxlots too (see installed.py)
    t0 = time.perf_counter()
    folder = generate(args.trades, args.seed, fees=not args.no_fees)
    fees = "no fees" if args.no_fees else "with fees"
    print(f"{args.trades} trades, {fees}, seed {args.seed}: generated/cached in {time.perf_counter() - t0:.1f} s")
    print(f"{'tool':<8} {'method':<6} {'wall s':>8} {'cpu s':>8} {'peak MB':>8}  rows")
    failed = False
    for method in args.methods.split(","):
        rp2, ours, rp2_rows_, our_rows = run_method(method, folder, python)
        for name, (wall, cpu, rss), groups in (("rp2", rp2, rp2_rows_), ("taxlots", ours, our_rows)):
            print(f"{name:<8} {method:<6} {wall:8.2f} {cpu:8.2f} {rss:8.0f}  {sum(c[2] for c in groups.values())}")
        ratio = [f"{a / b:.1f}x" for a, b in zip(rp2, ours, strict=True)]
        print(f"{'ratio':<8} {method:<6} {ratio[0]:>8} {ratio[1]:>8} {ratio[2]:>8}  (RP2 / taxlots)")
        gain = {t: totals(our_rows)[t]["gain"] for t in TERMS}
        if method == "hifo" and not args.no_fees:
            print(f"         {method}: not compared with fees (RP2 orders HIFO by spot price); taxlots gain {gain}")
            continue
        diff = differences(rp2_rows_, our_rows)
        agree = diff[0].startswith("largest")
        failed |= not agree
        said = f"totals agree (short gain {gain['short']}, long gain {gain['long']}; {diff[0]})" if agree else "; ".join(diff)
        print(f"         {method}: {said}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
