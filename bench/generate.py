"""Deterministic raw exports of N events for the benchmarks: Kraken ledgers, Coinbase, Binance statement.

    python bench/generate.py --trades 100000 [--seed 7] [--out bench/data/gen-100000-7]

Writes ``kraken_ledgers.csv`` (2024 header with ``wallet`` and ``amountusd``), ``coinbase.csv`` (v4, with
its preamble), ``binance_statement.csv`` and ``prices.csv`` (hourly BTC, ETH, SOL, BNB) into the folder.
The mix of events (each is one "trade" of the count): USD buys and sells on Kraken and Coinbase (fees in
USD), crypto-to-crypto trades on Kraken (ETH for BTC, fee in BTC), USDT trades on Binance with the fee in a
third asset (BNB), staking income on Kraken and Coinbase, and transfers between the exchanges (a withdrawal
and the matching deposit, minutes later, net of a network fee). Balances are tracked so nothing is sold
before it is held. Same N and seed, same bytes. Never part of the test run.
"""

from __future__ import annotations

import argparse
import csv
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
START = datetime(2024, 1, 1, tzinfo=UTC)
UNIT = 10**8  # quantities are generated in 1e-8 units
#: asset -> starting USD price in cents
BASE = {"BTC": 4_000_000, "ETH": 220_000, "SOL": 10_000, "BNB": 30_000}
KRAKEN_ASSET = {"BTC": "XXBT", "ETH": "XETH", "SOL": "SOL", "BNB": "BNB", "USD": "ZUSD"}
KRAKEN_HEADER = ["txid", "refid", "time", "type", "subtype", "aclass", "asset", "wallet", "amount", "fee", "balance", "amountusd"]
COINBASE_HEADER = [
    "ID", "Timestamp", "Transaction Type", "Asset", "Quantity Transacted", "Price Currency", "Price at Transaction", "Subtotal",
    "Total (inclusive of fees and/or spread)", "Fees and/or Spread", "Notes",
]  # fmt: skip
BINANCE_HEADER = ["User_ID", "UTC_Time", "Account", "Operation", "Coin", "Change", "Remark"]
_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def qty(units: int) -> str:
    """1e-8 units as exact decimal text."""
    sign = "-" if units < 0 else ""
    units = abs(units)
    return f"{sign}{units // UNIT}.{units % UNIT:08d}"


def cents(c: int) -> str:
    sign = "-" if c < 0 else ""
    c = abs(c)
    return f"{sign}{c // 100}.{c % 100:02d}"


def dollars(c: int) -> str:
    """Coinbase v4 money: ``$1,234.56`` / ``-$1,234.56``."""
    sign = "-" if c < 0 else ""
    c = abs(c)
    return f"{sign}${c // 100:,}.{c % 100:02d}"


class Prices:
    """An hourly random walk per asset, in cents; the price file is written from it."""

    def __init__(self, rng: random.Random, hours: int) -> None:
        self.walk: dict[str, list[int]] = {}
        for asset, base in BASE.items():
            c, series = base, []
            for _ in range(hours + 2):
                c = max(100, c + rng.randint(-c // 400, c // 400))
                series.append(c)
            self.walk[asset] = series

    def at(self, asset: str, t: datetime) -> int:
        return self.walk[asset][int((t - START).total_seconds()) // 3600]

    def write(self, path: Path) -> None:
        lines = ["timestamp,asset,usd_price"]
        for asset, series in self.walk.items():
            for h, c in enumerate(series):
                stamp = (START + timedelta(hours=h)).strftime("%Y-%m-%dT%H:%M:%SZ")
                lines.append(f"{stamp},{asset},{cents(c)}")
        for h in range(len(series)):  # USDT at its peg, so no row needs the peg assumption
            lines.append(f"{(START + timedelta(hours=h)).strftime('%Y-%m-%dT%H:%M:%SZ')},USDT,1.00")
        path.write_text("\n".join(lines) + "\n")


def value(units: int, price_cents: int) -> int:
    """Cents of ``units`` at ``price_cents`` (rounded down)."""
    return units * price_cents // UNIT


class Generator:
    def __init__(self, trades: int, seed: int, fees: bool = True) -> None:
        self.rng = random.Random(seed)
        self.n = trades
        self.fees = fees
        self.t = START
        self.prices = Prices(random.Random(seed + 1), hours=trades * 60 // 3600 + 48)
        self.kraken: list[list[str]] = []
        self.coinbase: list[list[str]] = []
        self.binance: list[list[str]] = []
        self.held = {ex: dict.fromkeys(("BTC", "ETH", "SOL", "BNB", "USDT"), 0) for ex in ("kraken", "coinbase", "binance")}
        self.count = 0

    # ids -----------------------------------------------------------------------------------------------
    def kid(self, prefix: str) -> str:
        self.count += 1
        body = "".join(self.rng.choices(_ALNUM, k=11))
        return f"{prefix}{self.count:07X}-{body[:5]}-{body[5:]}"

    def cid(self) -> str:
        self.count += 1
        return f"{self.count:08x}{self.rng.getrandbits(64):016x}"

    def stamp(self) -> str:
        return self.t.strftime("%Y-%m-%d %H:%M:%S")

    def fee(self, c: int) -> int:
        return c * 26 // 10_000 if self.fees else 0

    # Kraken ----------------------------------------------------------------------------------------------
    def k_row(self, txid: str, refid: str, typ: str, sub: str, asset: str, amount: str, fee: str, usd: str) -> None:
        self.kraken.append([txid, refid, self.stamp(), typ, sub, "currency", KRAKEN_ASSET[asset], "spot / main", amount, fee, "", usd])

    def k_buy(self, asset: str) -> None:
        units = self.rng.randint(UNIT // 1000, UNIT // 10) if asset == "BTC" else self.rng.randint(UNIT // 100, 5 * UNIT)
        c = value(units, self.prices.at(asset, self.t))
        if c == 0:
            return
        refid, f = self.kid("T"), self.fee(c)
        self.k_row(self.kid("L"), refid, "trade", "tradespot", "USD", "-" + cents(c), cents(f), "-" + cents(c))
        self.k_row(self.kid("L"), refid, "trade", "tradespot", asset, qty(units), qty(0), cents(c))
        self.held["kraken"][asset] += units

    def k_sell(self, asset: str) -> None:
        units = self.held["kraken"][asset] // self.rng.randint(3, 8)
        c = value(units, self.prices.at(asset, self.t))
        if c == 0:
            return self.k_buy(asset)
        refid, f = self.kid("T"), self.fee(c)
        self.k_row(self.kid("L"), refid, "trade", "tradespot", asset, qty(-units), qty(0), "-" + cents(c))
        self.k_row(self.kid("L"), refid, "trade", "tradespot", "USD", cents(c), cents(f), cents(c))
        self.held["kraken"][asset] -= units

    def k_swap(self) -> None:
        """ETH for BTC, the fee in BTC (crypto-to-crypto)."""
        units = self.held["kraken"]["ETH"] // self.rng.randint(3, 8)
        c = value(units, self.prices.at("ETH", self.t))
        got = c * UNIT // self.prices.at("BTC", self.t)
        f = got * 26 // 10_000 if self.fees else 0
        if units == 0 or got <= f:
            return self.k_buy("ETH")
        refid = self.kid("T")
        self.k_row(self.kid("L"), refid, "trade", "tradespot", "ETH", qty(-units), qty(0), "-" + cents(c))
        self.k_row(self.kid("L"), refid, "trade", "tradespot", "BTC", qty(got), qty(f), cents(c))
        self.held["kraken"]["ETH"] -= units
        self.held["kraken"]["BTC"] += got - f

    def k_income(self) -> None:
        units = self.rng.randint(1000, 100_000)
        c = value(units, self.prices.at("ETH", self.t))
        self.k_row(self.kid("L"), self.kid("S"), "earn", "reward", "ETH", qty(units), qty(0), cents(c))
        self.held["kraken"]["ETH"] += units

    # Coinbase --------------------------------------------------------------------------------------------
    def c_row(self, typ: str, asset: str, units: int, price: int, sub: int, total: int, fee: int | None, notes: str) -> None:
        self.coinbase.append(
            [
                self.cid(), self.stamp() + " UTC", typ, asset, qty(units).rstrip("0").rstrip("."), "USD", dollars(price), dollars(sub),
                dollars(total), "" if fee is None else dollars(fee), notes,
            ]
        )  # fmt: skip

    def c_buy(self, asset: str) -> None:
        units = self.rng.randint(UNIT // 1000, UNIT // 20) if asset == "BTC" else self.rng.randint(UNIT // 100, 3 * UNIT)
        p = self.prices.at(asset, self.t)
        c = value(units, p)
        if c == 0:
            return
        f = self.fee(c)
        self.c_row("Buy", asset, units, p, c, c + f, f, f"Bought {qty(units).rstrip('0').rstrip('.')} {asset} for {cents(c + f)} USD")
        self.held["coinbase"][asset] += units

    def c_sell(self, asset: str) -> None:
        units = self.held["coinbase"][asset] // self.rng.randint(3, 8)
        p = self.prices.at(asset, self.t)
        c = value(units, p)
        if units == 0 or c == 0:
            return self.c_buy(asset)
        f = self.fee(c)
        shown = qty(units).rstrip("0").rstrip(".")
        self.c_row("Sell", asset, -units, p, -c, -(c - f), f, f"Sold {shown} {asset} for {cents(c - f)} USD")
        self.held["coinbase"][asset] -= units

    def c_income(self) -> None:
        units = self.rng.randint(1000, 100_000)
        p = self.prices.at("ETH", self.t)
        c = value(units, p)
        self.c_row("Staking Income", "ETH", units, p, c, c, 0, "")
        self.held["coinbase"]["ETH"] += units

    # Binance ---------------------------------------------------------------------------------------------
    def b_row(self, op: str, coin: str, change: str, remark: str = "") -> None:
        self.binance.append(["381204557", self.stamp(), "Spot", op, coin, change, remark])

    def b_trade(self) -> None:
        """Buy SOL or BNB for USDT, or sell some back; the fee in BNB (a third asset) once BNB is held."""
        held = self.held["binance"]
        asset = self.rng.choice(("SOL", "BNB"))
        p = self.prices.at(asset, self.t)
        bnb_fee = self.rng.randint(1000, 20_000) if self.fees and held["BNB"] > 100_000 else 0
        if held[asset] > UNIT and self.rng.random() < 0.4:
            units = held[asset] // self.rng.randint(3, 8)
            usdt = value(units, p) * UNIT // 100
            self.b_row("Transaction Sold", asset, qty(-units))
            self.b_row("Transaction Revenue", "USDT", qty(usdt))
            held[asset] -= units
            held["USDT"] += usdt
        else:
            units = self.rng.randint(UNIT // 100, 2 * UNIT)
            usdt = value(units, p) * UNIT // 100
            if usdt == 0 or usdt > held["USDT"]:
                return self.b_fund()
            self.b_row("Transaction Buy", asset, qty(units))
            self.b_row("Transaction Spend", "USDT", qty(-usdt))
            held[asset] += units
            held["USDT"] -= usdt
        if bnb_fee and held["BNB"] >= bnb_fee:
            self.b_row("Transaction Fee", "BNB", qty(-bnb_fee))
            held["BNB"] -= bnb_fee

    def b_fund(self) -> None:
        """Sell some of the BTC that came from Kraken for USDT."""
        held = self.held["binance"]
        if held.get("BTC", 0) == 0:
            return self.transfer("kraken", "binance")
        units = held["BTC"] // 2 or held["BTC"]
        usdt = value(units, self.prices.at("BTC", self.t)) * UNIT // 100
        self.b_row("Transaction Sold", "BTC", qty(-units))
        self.b_row("Transaction Revenue", "USDT", qty(usdt))
        held["BTC"] -= units
        held["USDT"] += usdt

    # transfers -------------------------------------------------------------------------------------------
    def transfer(self, src: str, dst: str) -> None:
        """BTC from one exchange to another: the withdrawal, then the deposit minutes later, less a network fee."""
        have = self.held[src]["BTC"]
        if have < UNIT // 100:
            return self.k_buy("BTC") if src == "kraken" else self.c_buy("BTC")
        units = have // 2
        net_fee = 2_000 if self.fees else 0  # 0.00002 BTC
        c = value(units, self.prices.at("BTC", self.t))
        if src == "kraken":
            self.k_row(self.kid("L"), self.kid("F"), "withdrawal", "", "BTC", qty(-(units - net_fee)), qty(net_fee), "-" + cents(c))
        else:
            p = self.prices.at("BTC", self.t)
            self.c_row("Send", "BTC", -units, p, -c, -c, None, f"Sent {qty(units).rstrip('0').rstrip('.')} BTC to bc1qexample{self.count}")
        self.held[src]["BTC"] -= units
        self.t += timedelta(minutes=self.rng.randint(2, 10))
        got = units - net_fee
        if dst == "coinbase":
            p = self.prices.at("BTC", self.t)
            self.c_row("Receive", "BTC", got, p, value(got, p), value(got, p), None, "Received from an external account")
        elif dst == "kraken":
            self.k_row(
                self.kid("L"), self.kid("F"), "deposit", "", "BTC", qty(got), qty(0), cents(value(got, self.prices.at("BTC", self.t)))
            )
        else:
            self.b_row("Deposit", "BTC", qty(got))
        self.held[dst]["BTC"] += got

    # the run ---------------------------------------------------------------------------------------------
    def run(self) -> None:
        # opening cash: USD deposits on Kraken and Coinbase
        big = 10**12  # cents: ten billion dollars, enough for every buy
        self.k_row(self.kid("L"), self.kid("F"), "deposit", "", "USD", cents(big), cents(0), cents(big))
        self.c_row("Deposit", "USD", big * UNIT // 100, 100, big, big, 0, "Deposit from Example Bank ****4821")
        for _ in range(self.n):
            self.t += timedelta(seconds=self.rng.randint(1, 20))
            r = self.rng.random()
            if r < 0.22:
                self.k_buy(self.rng.choice(("BTC", "ETH", "SOL")))
            elif r < 0.34:
                self.k_sell(self.rng.choice(("BTC", "ETH", "SOL")))
            elif r < 0.44:
                self.k_swap()
            elif r < 0.48:
                self.k_income()
            elif r < 0.60:
                self.c_buy(self.rng.choice(("BTC", "ETH")))
            elif r < 0.68:
                self.c_sell(self.rng.choice(("BTC", "ETH")))
            elif r < 0.71:
                self.c_income()
            elif r < 0.93:
                self.b_trade()
            else:
                src, dst = self.rng.choice((("kraken", "coinbase"), ("coinbase", "kraken"), ("kraken", "binance")))
                self.transfer(src, dst)

    def write(self, out: Path) -> dict[str, Path]:
        out.mkdir(parents=True, exist_ok=True)
        files = {
            "kraken": out / "kraken_ledgers.csv",
            "coinbase": out / "coinbase.csv",
            "binance": out / "binance_statement.csv",
            "prices": out / "prices.csv",
        }
        # each export is in time order (a transfer's deposit comes minutes later; nothing happens in between, so the pairing is unambiguous)
        self.kraken.sort(key=lambda r: r[2])
        self.coinbase.sort(key=lambda r: r[1])
        self.binance.sort(key=lambda r: r[1])
        with files["kraken"].open("w", newline="") as fh:
            w = csv.writer(fh, quoting=csv.QUOTE_ALL, lineterminator="\n")
            w.writerow(KRAKEN_HEADER)
            w.writerows(self.kraken)
        with files["coinbase"].open("w", newline="") as fh:
            fh.write("\nTransactions\nUser,Alex Example,7c1e2d3a-5b6f-4a8e-9d0c-1f2e3a4b5c6d\n")
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(COINBASE_HEADER)
            w.writerows(self.coinbase)
        with files["binance"].open("w", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(BINANCE_HEADER)
            w.writerows(self.binance)
        self.prices.write(files["prices"])
        return files


def generate(trades: int, seed: int = 7, out: Path | None = None, *, fees: bool = True) -> dict[str, Path]:
    """Write the exports (once: an existing folder is reused) and return their paths."""
    out = out or DATA / f"gen-{trades}-{seed}{'' if fees else '-nofee'}"
    names = ("kraken_ledgers.csv", "coinbase.csv", "binance_statement.csv", "prices.csv")
    if all((out / n).exists() for n in names):
        return {k: out / n for k, n in zip(("kraken", "coinbase", "binance", "prices"), names, strict=True)}
    gen = Generator(trades, seed, fees)
    gen.run()
    return gen.write(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trades", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--no-fees", action="store_true")
    args = parser.parse_args()
    for name, path in generate(args.trades, args.seed, args.out, fees=not args.no_fees).items():
        print(f"{name}: {path}")


if __name__ == "__main__":
    main()
