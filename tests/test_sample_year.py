"""The sample year: raw exports of three exchanges and a price file, a whole year, no hand editing, by hand.

The README's first command runs ``taxlots report`` on this folder (tests/reports/test_golden.py checks its
outputs against these totals); here ``taxlots gains`` runs on the files themselves, without the project file.

``samples/year-2024/`` holds a Coinbase transaction history, a Kraken ledgers export and a Binance statement
of one person, and ``prices.csv`` for what the exports cannot price themselves. Every number below was worked
out by hand from those files (FIFO, universal pools, as for 2024), row by row:

Lots: Coinbase buys 0.5 BTC for 11,500 + 50 fee (basis 11,550; 23,100/BTC) on 2023-03-02 and 4 ETH for
7,600 + 30 (7,630; 1,907.50/ETH) on 2023-06-01; 0.01 ETH of staking income at 25.00 on 2024-01-20.

Short-term (held a year or less):
- 2024-02-01 Coinbase -> Kraken, 0.2 BTC sent, 0.19995 received (matched transfer). The 0.00005 BTC network
  fee is sold at the file's 43,000 USD/BTC: 0.2 x 43,000 = 8,600 for what was sent, so 8,600 x 0.00005 / 0.2
  = 2.15; basis 23,100 x 0.00005 = 1.155 -> 1.16 (cents, half up); gain 0.99.
- 2024-03-12 Binance: 1 ETH for 3,900 USDT (USDT at its 1.00 peg: no price file or USD trade prices it), the
  3.9 USDT fee withheld from the USDT received: ETH proceeds 3,900 - 3.90 = 3,896.10, basis 1,907.50, gain
  1,988.60; the 3.9 USDT fee units are sold for 3.90 out of their own new lot (basis 3.90), gain 0.
- 2024-03-12 Binance: 5 BNB for 2,000 USDT, valued by the file's 400 USD/BNB: 2,000; fee 0.005 BNB withheld
  from the BNB (2,000 x 0.005 / 5 = 2.00). USDT proceeds 2,000 - 2 = 1,998.00, basis 2,000.00, gain -2.00;
  the 0.005 BNB sold for 2.00, basis 2.00, gain 0.
- 2024-05-20 Binance: 0.5 ETH for 1,500 USDT (peg) with a 0.003 BNB fee, a third asset valued by the file's
  600 USD/BNB: 1.80. ETH proceeds 1,500 - 1.80 = 1,498.20, basis 1,907.50 / 2 = 953.75, gain 544.45; the
  0.003 BNB sold for 1.80, basis 1,998 x 0.003 / 4.995 = 1.20 (the BNB lot after its first fee), gain 0.60.
- 2024-09-01 Binance -> Kraken, 1,000 USDT sent, 999 received: the 1 USDT fee sold at the peg for 1.00,
  basis 1.00, gain 0.
- 2024-10-10 Kraken: 999 USDT for 998.50 USD: basis 999.00, gain -0.50.
  Totals: proceeds 8,401.65; basis 5,869.51; gain 2,532.14.

Long-term (held more than a year):
- 2024-04-02 Kraken: 0.1 BTC for 6,800 - 10.88 fee = 6,789.12, basis 2,310.00 (23,100 x 0.1), gain 4,479.12.
- 2024-06-05 Kraken: 0.05 BTC for 33 SOL, valued by the file's 160 USD/SOL: 5,280.00, basis 1,155.00, gain
  4,125.00.
- 2024-11-15 Coinbase: 0.1 BTC for 9,000 - 45 = 8,955.00, basis 2,310.00, gain 6,645.00.
- 2024-12-20 Coinbase: 1 ETH for 3,500 - 20 = 3,480.00, basis 1,907.50, gain 1,572.50.
  Totals: proceeds 24,504.12; basis 7,682.50; gain 16,821.62.

Income: 25.00 staking (Coinbase's own value) + 10 IO airdropped at the file's 3 USD/IO = 30.00: 55.00.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

from typer.testing import CliRunner

from taxlots.cli import app

YEAR = Path(__file__).resolve().parent.parent / "samples" / "year-2024"
EXPORTS = sorted(str(p) for p in (YEAR / "exports").glob("*.csv"))


def totals(text: str) -> dict[str, tuple[Decimal, Decimal, Decimal]]:
    out: dict[str, list[Decimal]] = {}
    for row in csv.DictReader(io.StringIO(text)):
        sums = out.setdefault(row["term"], [Decimal(0)] * 3)
        for i, col in enumerate(("proceeds", "cost_basis", "gain")):
            sums[i] += Decimal(row[col])
    return {term: (p, b, g) for term, (p, b, g) in out.items()}


def test_gains_finishes_the_year_from_raw_exports() -> None:
    result = CliRunner().invoke(app, ["gains", *EXPORTS, "--prices", str(YEAR / "prices.csv"), "--year", "2024"])
    assert result.exit_code == 0, result.output
    assert totals(result.stdout) == {
        "short": (Decimal("8401.65"), Decimal("5869.51"), Decimal("2532.14")),
        "long": (Decimal("24504.12"), Decimal("7682.50"), Decimal("16821.62")),
    }
    assert "55.00" in result.stderr  # income, in the summary
    assert "USDT" in result.stderr and "peg" in result.stderr  # the peg assumption is reported


def test_without_the_price_file_the_missing_prices_are_listed_by_asset() -> None:
    result = CliRunner().invoke(app, ["gains", *EXPORTS, "--year", "2024"])
    assert result.exit_code == 1
    # the network fee (BTC), the third-asset fee (BNB) and the airdrop (IO) have no other source
    for asset in ("BTC", "BNB", "IO"):
        assert f"no USD price for {asset}" in result.stderr
