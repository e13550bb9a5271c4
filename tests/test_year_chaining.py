"""Years chain: a run from last year's closing lots gives the same results as a run from the full history.

The closing lots go through the real file: ``reports.lots`` writes the CSV ``taxlots lots -o`` writes, and
``openinglots.read`` reads it back. Random ledgers span 2024 and 2025 with several wallets, same-second
rows, unequal lots, transfers, withdrawals and income; every method and scope is compared disposal by disposal.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from taxlots import openinglots
from taxlots.cli import app
from taxlots.lots.engine import Config, match
from taxlots.lots.methods import Method
from taxlots.lots.pool import Scope
from taxlots.model.ledger import Kind, LedgerRow
from taxlots.model.lots import MatchResult
from taxlots.model.source import SourceRef
from taxlots.reports.lots import HEADER, lot_rows

CUT = datetime(2025, 1, 1, tzinfo=UTC)


@st.composite
def ledgers(draw: st.DrawFn) -> list[LedgerRow]:
    """Feasible rows from mid-2024 to mid-2025: no outflow exceeds what its wallet holds."""
    held: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    rows: list[LedgerRow] = []
    when = datetime(2024, 6, 1, tzinfo=UTC)
    for seq in range(draw(st.integers(2, 30))):
        when += timedelta(days=draw(st.integers(0, 40)), seconds=draw(st.sampled_from([0, 1])))
        wallet, asset = draw(st.sampled_from(("A", "B"))), draw(st.sampled_from(("BTC", "ETH")))
        have = held[(asset, wallet)]
        base = {"seq": seq, "timestamp": when, "wallet": wallet, "id": f"R{seq}", "source": SourceRef("l.csv", seq + 2)}
        kind = draw(st.sampled_from(["buy", "income"] + (["sell", "transfer", "withdrawal"] if have > Decimal("0.01") else [])))
        money = Decimal(draw(st.integers(1, 5_000_000))) / 100
        if kind in ("buy", "income"):
            q = Decimal(draw(st.integers(1, 3000))) / 1000
            if kind == "buy":
                rows.append(LedgerRow(kind=Kind.TRADE, sent_asset="USD", sent_qty=money, received_asset=asset, received_qty=q, **base))
            else:
                rows.append(LedgerRow(kind=Kind.INCOME, received_asset=asset, received_qty=q, usd_value=money, **base))
            held[(asset, wallet)] += q
            continue
        out = (have * Decimal(draw(st.integers(1, 1000))) / 1000).quantize(Decimal("0.000001")) or Decimal("0.000001")
        held[(asset, wallet)] -= out
        if kind == "sell":
            rows.append(LedgerRow(kind=Kind.TRADE, sent_asset=asset, sent_qty=out, received_asset="USD", received_qty=money, **base))
        elif kind == "withdrawal":
            rows.append(LedgerRow(kind=Kind.WITHDRAWAL, sent_asset=asset, sent_qty=out, **base))
        else:
            other = "B" if wallet == "A" else "A"
            got = (out * Decimal("0.999")).quantize(Decimal("0.000001"))
            rows.append(
                LedgerRow(
                    kind=Kind.TRANSFER,
                    sent_asset=asset,
                    sent_qty=out,
                    received_asset=asset,
                    received_qty=got,
                    usd_value=money,
                    to_wallet=other,
                    **base,
                )
            )
            held[(asset, other)] += got
    return rows


def outcome(result: MatchResult) -> list[tuple[object, ...]]:
    return [
        (d.id, d.proceeds, tuple((s.lot_id, s.quantity, s.basis, s.acquired_date, s.long_term) for s in d.slices))
        for d in result.disposals
        if d.sold_at >= CUT
    ]


def through_the_file(result: MatchResult, folder: Path) -> tuple:  # type: ignore[type-arg]
    path = folder / "closing-2024.csv"
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(lot_rows(result.open_lots))
    lots, problems = openinglots.read(str(path))
    assert problems == []
    return lots


@pytest.mark.parametrize("method", [Method.FIFO, Method.LIFO, Method.HIFO])
@pytest.mark.parametrize("scope", [Scope.UNIVERSAL, Scope.PER_WALLET, Scope.PER_WALLET_FROM_2025])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=ledgers())
def test_closing_lots_chain_to_the_next_year(rows: list[LedgerRow], method: Method, scope: Scope, tmp_path: Path) -> None:
    config = Config(method=method, scope=scope)
    full = match(rows, config)
    before = [r for r in rows if r.timestamp < CUT]
    after = [r for r in rows if r.timestamp >= CUT]
    closing = through_the_file(match(before, config), tmp_path)
    next_scope = Scope.PER_WALLET if scope is Scope.PER_WALLET_FROM_2025 else scope  # 2025 on is per wallet
    chained = match(after, replace(config, scope=next_scope, opening_lots=closing))
    assert outcome(chained) == outcome(full)
    assert [(lot.id, lot.wallet, lot.quantity, lot.basis) for lot in chained.open_lots] == [
        (lot.id, lot.wallet, lot.quantity, lot.basis) for lot in full.open_lots
    ]
    if scope is Scope.PER_WALLET_FROM_2025:  # the project template's scope, kept for the next year's run
        kept = match(after, replace(config, opening_lots=closing))
        assert outcome(kept) == outcome(full)
        assert [(lot.id, lot.wallet, lot.quantity, lot.basis) for lot in kept.open_lots] == [
            (lot.id, lot.wallet, lot.quantity, lot.basis) for lot in full.open_lots
        ]


HEAD = "timestamp,wallet,type,sent_asset,sent_qty,received_asset,received_qty,fee_asset,fee_qty,usd_value,to_wallet,id,note\n"


def test_the_cli_chains_years_through_closing_lots(tmp_path: Path) -> None:
    y2024 = tmp_path / "2024.csv"
    y2025 = tmp_path / "2025.csv"
    y2024.write_text(
        HEAD + "2024-01-05T10:00:00Z,Kraken,trade,USD,1000,BTC,0.3,USD,3,,,K1,\n"
        "2024-03-05T10:00:00Z,Kraken,trade,USD,7000,BTC,0.1,,,,,K2,\n"
        "2024-06-05T10:00:00Z,Kraken,trade,BTC,0.05,USD,3000,,,,,S1,\n"
    )
    y2025.write_text(HEAD + "2025-02-01T10:00:00Z,Kraken,trade,BTC,0.3,USD,30000,,,,,S2,\n")
    runner = CliRunner()
    closing = tmp_path / "closing-2024.csv"
    made = runner.invoke(app, ["lots", str(y2024), "--as-of", "2024-12-31", "--method", "hifo", "-o", str(closing)])
    assert made.exit_code == 0, made.output
    chained = runner.invoke(app, ["gains", str(y2025), "--opening-lots", str(closing), "--method", "hifo", "--scope", "per-wallet"])
    full = runner.invoke(app, ["gains", str(y2024), str(y2025), "--method", "hifo", "--scope", "per-wallet", "--year", "2025"])
    assert chained.exit_code == 0 and full.exit_code == 0, chained.output + full.output
    # HIFO: S1 took 0.05 of K2 (unit 70000); S2 takes K2's other 0.05 (3500) and 0.25 of K1 (1003 x 0.25 / 0.3)
    assert chained.stdout == full.stdout
    assert "S2,K2,Kraken,BTC,0.05,2024-03-05,2025-02-01,5000.00,3500.00,1500.00,short" in chained.stdout


def test_lots_of_one_moment_in_two_wallets_keep_their_ledger_order_through_the_closing_file(tmp_path: Path) -> None:
    """B and A buy at the same second (B's row first); in 2025 A's lot moves to B and B sells under LIFO.

    LIFO takes the later lot of a tie: A's (its row came second). A closing file grouped by wallet would list
    A's lot first and number it first, so the chained year would take B's lot instead (a bug found by the
    property above).
    """
    t = datetime(2024, 8, 28, 0, 0, 3, tzinfo=UTC)
    later = datetime(2025, 1, 2, tzinfo=UTC)

    def row(seq: int, **cols: object) -> LedgerRow:
        return LedgerRow(seq=seq, id=f"R{seq}", source=SourceRef("l.csv", seq + 2), **cols)  # type: ignore[arg-type]

    rows = [
        row(0, timestamp=t, wallet="B", kind=Kind.TRADE, sent_asset="USD", sent_qty=Decimal(100), received_asset="BTC",
            received_qty=Decimal(1)),
        row(1, timestamp=t, wallet="A", kind=Kind.TRADE, sent_asset="USD", sent_qty=Decimal(300), received_asset="BTC",
            received_qty=Decimal(1)),
        row(2, timestamp=later, wallet="A", kind=Kind.TRANSFER, sent_asset="BTC", sent_qty=Decimal(1), received_asset="BTC",
            received_qty=Decimal(1), to_wallet="B"),
        row(3, timestamp=later + timedelta(hours=1), wallet="B", kind=Kind.TRADE, sent_asset="BTC", sent_qty=Decimal("0.5"),
            received_asset="USD", received_qty=Decimal(500)),
    ]  # fmt: skip
    config = Config(method=Method.LIFO, scope=Scope.PER_WALLET)
    full = match(rows, config)
    closing = through_the_file(match(rows[:2], config), tmp_path)
    chained = match(rows[2:], replace(config, opening_lots=closing))
    for result in (full, chained):
        (sale,) = result.disposals
        assert [(s.lot_id, s.quantity, s.basis) for s in sale.slices] == [("R1", Decimal("0.5"), Decimal(150))]
