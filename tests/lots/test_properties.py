"""Invariants on random ledgers that never sell more than a wallet holds."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from taxlots.lots.engine import Config, match
from taxlots.lots.methods import Method
from taxlots.lots.pool import Scope
from taxlots.model.ledger import Kind, LedgerRow
from taxlots.model.lots import MatchResult
from taxlots.model.money import ZERO, decimal_context
from taxlots.model.source import SourceRef
from taxlots.reports.gains import disposal_rows
from tests.lots.reference import reference_match

WALLETS = ("A", "B", "C")
ASSETS = ("BTC", "ETH")
START = datetime(2023, 1, 1, tzinfo=UTC)
SIX = Decimal("0.000001")


def qty(n: int) -> Decimal:
    return Decimal(n) / 1000


def _cut(have: Decimal, per_mille: int) -> Decimal:
    """A positive part of ``have`` on the 1e-6 grid (at most ``have``)."""
    out = (have * per_mille / 1000).quantize(SIX, rounding="ROUND_DOWN")
    return max(out, SIX) if have >= SIX else have


@st.composite
def ledgers(draw: st.DrawFn) -> list[LedgerRow]:
    """A feasible ledger: every outflow (with its fee) is at most what its wallet holds at that moment.

    Times often repeat (ties broken by ``seq``), lots are unequal, every kind of row appears, and fees come on
    buys (USD), sells (in the sold asset), swaps (in the sent or the received asset), spends, withdrawals and
    transfers (a network fee as received < sent, and a separate fee_qty).
    """
    held: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
    rows: list[LedgerRow] = []
    when = START
    for seq in range(draw(st.integers(1, 40))):
        if draw(st.integers(0, 3)):  # one row in four shares the previous row's timestamp
            when += timedelta(days=draw(st.integers(0, 300)), seconds=draw(st.integers(0, 2)))
        wallet, asset = draw(st.sampled_from(WALLETS)), draw(st.sampled_from(ASSETS))
        have = held[(asset, wallet)]
        base = {"seq": seq, "timestamp": when, "wallet": wallet, "id": f"R{seq}", "source": SourceRef("p", seq + 1)}
        outflows = ["sell", "swap", "spend", "transfer", "withdrawal"] if have >= Decimal("0.01") else []
        kind = draw(st.sampled_from(["buy", "buy", "deposit", "income", *outflows, *outflows]))
        money = Decimal(draw(st.integers(1, 10_000_000))) / 100
        if kind in ("buy", "deposit", "income"):
            q = qty(draw(st.integers(1, 5000)))
            held[(asset, wallet)] += q
            if kind == "buy":
                fee = Decimal(draw(st.integers(0, 500))) / 100
                extra = {"fee_asset": "USD", "fee_qty": fee} if fee else {}
                rows.append(
                    LedgerRow(kind=Kind.TRADE, sent_asset="USD", sent_qty=money, received_asset=asset, received_qty=q, **extra, **base)
                )
            else:
                rows.append(LedgerRow(kind=Kind(kind), received_asset=asset, received_qty=q, usd_value=money, **base))
            continue
        out = _cut(have, draw(st.integers(1, 900)))
        fee_q = _cut(have - out, draw(st.integers(1, 100))) if draw(st.booleans()) and have - out >= SIX else ZERO
        fee = {"fee_asset": asset, "fee_qty": fee_q} if fee_q else {}
        held[(asset, wallet)] -= out + fee_q
        if kind == "sell":
            rows.append(LedgerRow(kind=Kind.TRADE, sent_asset=asset, sent_qty=out, received_asset="USD", received_qty=money, **fee, **base))
        elif kind == "swap":
            other = ASSETS[1 - ASSETS.index(asset)]
            q = qty(draw(st.integers(2, 5000)))
            if not fee and draw(st.booleans()):  # the fee withheld from what was received
                fee = {"fee_asset": other, "fee_qty": _cut(q, draw(st.integers(1, 50)))}
            held[(other, wallet)] += q - (fee["fee_qty"] if fee and fee["fee_asset"] == other else ZERO)
            rows.append(
                LedgerRow(
                    kind=Kind.TRADE, sent_asset=asset, sent_qty=out, received_asset=other, received_qty=q, usd_value=money, **fee, **base
                )
            )
        elif kind == "spend":
            rows.append(LedgerRow(kind=Kind.SPEND, sent_asset=asset, sent_qty=out, usd_value=money, **fee, **base))
        elif kind == "withdrawal":
            rows.append(LedgerRow(kind=Kind.WITHDRAWAL, sent_asset=asset, sent_qty=out, usd_value=money if fee else None, **fee, **base))
        else:
            to = draw(st.sampled_from([w for w in WALLETS if w != wallet]))
            got = out - _cut(out, draw(st.integers(0, 50))) if draw(st.booleans()) else out
            got = got if got > 0 else out
            held[(asset, to)] += got
            rows.append(
                LedgerRow(
                    kind=Kind.TRANSFER, sent_asset=asset, sent_qty=out, received_asset=asset, received_qty=got, usd_value=money,
                    to_wallet=to, **fee, **base,
                )
            )  # fmt: skip
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


METHODS = [Method.FIFO, Method.LIFO, Method.HIFO]


CONFIGS = [(method, scope) for method in METHODS for scope in (Scope.UNIVERSAL, Scope.PER_WALLET)]


@given(rows=ledgers())
def test_conservation_of_quantity_and_basis(rows: list[LedgerRow]) -> None:
    for method, scope in CONFIGS:
        result = match(rows, Config(method=method, scope=scope))
        assert result.diagnostics == []
        with decimal_context():
            got_q, got_b = acquired(rows)
            left_q, left_b = accounted(result)
            assert {a: q for a, q in got_q.items() if q} == {a: q for a, q in left_q.items() if q}
            assert got_b == left_b


def engine_view(result: MatchResult) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]], list[tuple[object, ...]]]:
    disposals = [
        (
            d.id, d.asset, d.wallet, d.quantity, d.proceeds, d.sold_date,
            tuple((s.lot_id, s.quantity, s.basis, s.acquired_date, s.long_term) for s in d.slices),
        )
        for d in result.disposals
    ]  # fmt: skip
    removals = [(r.id, r.asset, r.wallet, tuple((s.lot_id, s.quantity, s.basis) for s in r.slices)) for r in result.removals]
    lots = [(lot.id, lot.asset, lot.wallet, lot.quantity, lot.basis, lot.acquired_date) for lot in result.open_lots]
    return disposals, removals, lots


def agrees_with_the_reference(rows: list[LedgerRow]) -> None:
    """The engine and the plain reference give the same disposals, removals and open lots, for every configuration."""
    for method, scope in CONFIGS:
        result = match(rows, Config(method=method, scope=scope))
        assert result.diagnostics == []
        with decimal_context():
            ref = reference_match(rows, method.value, per_wallet=scope is Scope.PER_WALLET)
        disposals, removals, lots = engine_view(result)
        assert len(disposals) == len(ref.disposals), (method, scope)
        for mine, theirs in zip(disposals, ref.disposals, strict=True):
            assert mine == theirs, (
                method,
                scope,
            )  # id, asset, wallet, quantity, proceeds, date; each slice's lot, quantity, basis, date, term
        assert removals == ref.removals, (method, scope)
        assert lots == ref.open_lots(), (method, scope)


@given(rows=ledgers())
@settings(max_examples=80)
def test_engine_agrees_with_the_plain_reference_lot_by_lot(rows: list[LedgerRow]) -> None:
    agrees_with_the_reference(rows)


def _cents(x: Decimal) -> Decimal:
    return x.quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")


@given(rows=ledgers())
def test_report_rows_follow_the_rounding_rule_on_the_reference_slices(rows: list[LedgerRow]) -> None:
    """Each row's cents: every slice but the last rounded half up, the last takes what makes the total's cents."""
    result = match(rows, Config(method=Method.HIFO, scope=Scope.PER_WALLET))
    with decimal_context():
        ref = reference_match(rows, "hifo", per_wallet=True)
        for d, (_, _, _, total_q, proceeds, _, slices) in zip(result.disposals, ref.disposals, strict=True):
            bases = [b for _, _, b, _, _ in slices]
            shares = [proceeds * q / total_q for _, q, _, _, _ in slices]
            want_b = [_cents(b) for b in bases[:-1]]
            want_b.append(_cents(sum(bases, ZERO)) - sum(want_b, ZERO))
            want_p = [_cents(x) for x in shares[:-1]]
            want_p.append(_cents(proceeds) - sum(want_p, ZERO))
            got = disposal_rows(d)
            assert [(r.proceeds, r.cost_basis, r.gain) for r in got] == [(p, b, p - b) for p, b in zip(want_p, want_b, strict=True)]


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


@settings(max_examples=60, deadline=None)
@given(rows=ledgers())
def test_one_wallet_makes_the_2025_transition_invisible(rows: list[LedgerRow]) -> None:
    """With one wallet, universal and per-wallet pools are the same pools: the 2025 allocation must change nothing."""
    one = [r._replace(wallet="A") for r in rows if r.kind is not Kind.TRANSFER]
    for method in METHODS:
        plain = match(one, Config(method=method, scope=Scope.UNIVERSAL))
        moved = match(one, Config(method=method, scope=Scope.PER_WALLET_FROM_2025))
        assert [(d.id, d.slices) for d in moved.disposals] == [(d.id, d.slices) for d in plain.disposals], method
        assert [(lot.id, lot.quantity, lot.basis) for lot in moved.open_lots] == [
            (lot.id, lot.quantity, lot.basis) for lot in plain.open_lots
        ]
