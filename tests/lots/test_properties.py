"""Invariants on random ledgers that never sell more than a wallet holds."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from taxlots.lots.engine import Config, match
from taxlots.lots.methods import Method
from taxlots.lots.pool import Scope
from taxlots.model.ledger import Kind, LedgerRow
from taxlots.model.lots import MatchResult
from taxlots.model.money import ZERO, cents, decimal_context
from taxlots.model.source import SourceRef
from taxlots.reports.gains import disposal_rows

WALLETS = ("A", "B")
ASSETS = ("BTC", "ETH")
START = datetime(2023, 1, 1, tzinfo=UTC)


def qty(n: int) -> Decimal:
    return Decimal(n) / 1000


@st.composite
def ledgers(draw: st.DrawFn) -> list[LedgerRow]:
    """A feasible ledger: every outflow is at most what its wallet holds at that moment."""
    held: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
    rows: list[LedgerRow] = []
    when = START
    for seq in range(draw(st.integers(1, 40))):
        when += timedelta(days=draw(st.integers(0, 200)), seconds=1)
        wallet, asset = draw(st.sampled_from(WALLETS)), draw(st.sampled_from(ASSETS))
        have = held[(asset, wallet)]
        base = {"seq": seq, "timestamp": when, "wallet": wallet, "id": f"R{seq}", "source": SourceRef("p", seq + 1)}
        kinds = ["buy", "income"] + (["sell", "swap", "transfer", "withdrawal"] if have > Decimal("0.002") else [])
        kind = draw(st.sampled_from(kinds))
        money = Decimal(draw(st.integers(1, 10_000_000))) / 100
        if kind in ("buy", "income"):
            q = qty(draw(st.integers(1, 5000)))
            fee = Decimal(draw(st.integers(0, 500))) / 100
            if kind == "buy":
                rows.append(
                    LedgerRow(
                        kind=Kind.TRADE,
                        sent_asset="USD",
                        sent_qty=money,
                        received_asset=asset,
                        received_qty=q,
                        fee_asset="USD" if fee else None,
                        fee_qty=fee or None,
                        **base,
                    )
                )
            else:
                rows.append(LedgerRow(kind=Kind.INCOME, received_asset=asset, received_qty=q, usd_value=money, **base))
            held[(asset, wallet)] += q
            continue
        out = have * Decimal(draw(st.integers(1, 1000))) / 1000
        out = out.quantize(Decimal("0.000001")) or Decimal("0.000001")
        fee_q = (have - out) * Decimal(draw(st.integers(0, 100))) / 1000 if kind == "sell" else ZERO
        fee_q = fee_q.quantize(Decimal("0.000001"))
        held[(asset, wallet)] -= out + fee_q
        if kind == "sell":
            rows.append(
                LedgerRow(
                    kind=Kind.TRADE,
                    sent_asset=asset,
                    sent_qty=out,
                    received_asset="USD",
                    received_qty=money,
                    fee_asset=asset if fee_q else None,
                    fee_qty=fee_q or None,
                    **base,
                )
            )
        elif kind == "swap":
            other = ASSETS[1 - ASSETS.index(asset)]
            q = qty(draw(st.integers(1, 5000)))
            held[(other, wallet)] += q
            rows.append(
                LedgerRow(kind=Kind.TRADE, sent_asset=asset, sent_qty=out, received_asset=other, received_qty=q, usd_value=money, **base)
            )
        elif kind == "transfer":
            to = WALLETS[1 - WALLETS.index(wallet)]
            got = out - (out * Decimal(draw(st.integers(0, 50))) / 1000).quantize(Decimal("0.000001"))
            held[(asset, to)] += got
            rows.append(
                LedgerRow(
                    kind=Kind.TRANSFER,
                    sent_asset=asset,
                    sent_qty=out,
                    received_asset=asset,
                    received_qty=got,
                    usd_value=money,
                    to_wallet=to,
                    **base,
                )
            )
        else:
            rows.append(LedgerRow(kind=Kind.WITHDRAWAL, sent_asset=asset, sent_qty=out, **base))
    return rows


def acquired(rows: list[LedgerRow]) -> tuple[dict[str, Decimal], Decimal]:
    """Quantity acquired per asset and total basis acquired, straight from the ledger."""
    quantity: dict[str, Decimal] = defaultdict(lambda: ZERO)
    basis = ZERO
    for r in rows:
        if r.received_asset and r.received_asset != "USD" and r.kind is not Kind.TRANSFER:
            quantity[r.received_asset] += r.received_qty or ZERO
            if r.kind is Kind.TRADE and r.sent_asset == "USD":
                basis += (r.sent_qty or ZERO) + (r.fee_qty or ZERO)
            else:
                basis += r.usd_value or ZERO
    return quantity, basis


def accounted(result: MatchResult) -> tuple[dict[str, Decimal], Decimal]:
    """Quantity and basis that left (disposed, withdrawn) or are still open."""
    quantity: dict[str, Decimal] = defaultdict(lambda: ZERO)
    basis = ZERO
    for d in result.disposals:
        quantity[d.asset] += d.quantity
        basis += d.basis
    for removal in result.removals:
        for s in removal.slices:
            quantity[removal.asset] += s.quantity
            basis += s.basis
    for lot in result.open_lots:
        quantity[lot.asset] += lot.quantity
        basis += lot.basis
    return quantity, basis


@pytest.mark.parametrize("method", [Method.FIFO, Method.LIFO, Method.HIFO])
@pytest.mark.parametrize("scope", list(Scope))
@settings(max_examples=60, deadline=None)
@given(rows=ledgers())
def test_conservation_of_quantity_and_basis(rows: list[LedgerRow], method: Method, scope: Scope) -> None:
    result = match(rows, Config(method=method, scope=scope))
    assert result.diagnostics == []
    with decimal_context():
        got_q, got_b = acquired(rows)
        left_q, left_b = accounted(result)
        assert {a: q for a, q in got_q.items() if q} == {a: q for a, q in left_q.items() if q}
        assert got_b == left_b
        for d in result.disposals:
            assert sum(s.quantity for s in d.slices) == d.quantity
            rows_ = disposal_rows(d)
            assert sum(r.proceeds for r in rows_) == cents(d.proceeds)
            assert sum(r.cost_basis for r in rows_) == cents(d.basis)
            assert all(r.gain == r.proceeds - r.cost_basis for r in rows_)


@settings(max_examples=60, deadline=None)
@given(rows=ledgers())
def test_scopes_give_the_same_total_proceeds(rows: list[LedgerRow]) -> None:
    universal = match(rows, Config(scope=Scope.UNIVERSAL))
    per_wallet = match(rows, Config(scope=Scope.PER_WALLET))
    with decimal_context():
        assert sum((d.proceeds for d in universal.disposals), ZERO) == sum((d.proceeds for d in per_wallet.disposals), ZERO)


@settings(max_examples=60, deadline=None)
@given(sales=st.lists(st.integers(1, 100), min_size=1, max_size=10), cost=st.integers(1, 10**9))
def test_fifo_and_lifo_agree_with_one_lot(sales: list[int], cost: int) -> None:
    lot = LedgerRow(
        seq=0,
        timestamp=START,
        wallet="A",
        kind=Kind.TRADE,
        sent_asset="USD",
        sent_qty=Decimal(cost) / 100,
        received_asset="BTC",
        received_qty=Decimal(sum(sales)),
        id="L",
        source=SourceRef("p", 1),
    )
    rows = [lot] + [
        LedgerRow(
            seq=i,
            timestamp=START + timedelta(days=i),
            wallet="A",
            kind=Kind.TRADE,
            sent_asset="BTC",
            sent_qty=Decimal(n),
            received_asset="USD",
            received_qty=Decimal(n * 7),
            id=f"S{i}",
            source=SourceRef("p", i + 1),
        )
        for i, n in enumerate(sales, start=1)
    ]
    fifo, lifo = match(rows, Config(method=Method.FIFO)), match(rows, Config(method=Method.LIFO))
    assert [(d.id, d.basis, d.proceeds) for d in fifo.disposals] == [(d.id, d.basis, d.proceeds) for d in lifo.disposals]
    assert fifo.open_lots == lifo.open_lots == []
