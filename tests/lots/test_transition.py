"""The 2025 move to per-wallet basis: worked examples, computed by hand (Rev. Proc. 2024-28; US_RULES.md §3.3)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from taxlots.lots.engine import Config, match
from taxlots.lots.pool import Scope
from taxlots.lots.transition import Assignment
from taxlots.model.lots import Disposal
from taxlots.model.source import SourceRef
from taxlots.testing import ledger


def D(s: str) -> Decimal:
    return Decimal(s)


def cut(d: Disposal) -> list[tuple[str | None, Decimal, Decimal]]:
    return [(s.lot_id, s.quantity, s.basis) for s in d.slices]


YEARS = """
    2024-01-01 Kraken trade 1000 USD -> 1 BTC id A
    2024-02-01 Coinbase trade 3000 USD -> 1 BTC id B
    2024-06-01 Coinbase trade 0.5 BTC -> 20000 USD id S1
    2025-02-01 Coinbase trade 0.5 BTC -> 30000 USD id S2
    2025-03-01 Kraken trade 1 BTC -> 40000 USD id S3
"""


def test_universal_before_2025_then_per_wallet_from_the_traced_allocation() -> None:
    result = match(ledger(YEARS), Config(scope=Scope.PER_WALLET_FROM_2025))
    d = {x.id: x for x in result.disposals}
    # 2024, universal FIFO: S1 takes half of A (the earliest lot in any wallet), basis 500
    assert cut(d["S1"]) == [("A", D("0.5"), D("500"))]
    # snapshot: unused basis A 0.5 (500), B 1 (3000); physically Kraken holds A's 1 BTC, Coinbase B's 0.5.
    # Step 1: Kraken gets A 0.5 (500), Coinbase B 0.5 (1500). Step 2: B's other 0.5 (1500) fills Kraken's room.
    assert cut(d["S2"]) == [("B", D("0.5"), D("1500"))]
    assert cut(d["S3"]) == [("A", D("0.5"), D("500")), ("B", D("0.5"), D("1500"))]
    assert result.open_lots == []
    assert result.diagnostics == []


def test_a_given_allocation_comes_first() -> None:
    given = (Assignment(lot_id="B", wallet="Kraken", quantity=D("1"), source=SourceRef("alloc.csv", 2)),)
    result = match(ledger(YEARS), Config(scope=Scope.PER_WALLET_FROM_2025, allocation=given))
    d = {x.id: x for x in result.disposals}
    # Kraken is given all of B (3000); Coinbase's 0.5 BTC then get the rest: A 0.5 (500)
    assert cut(d["S2"]) == [("A", D("0.5"), D("500"))]
    # Kraken sells 1 BTC: B (1 at 3000)
    assert cut(d["S3"]) == [("B", D("1"), D("3000"))]


def test_plain_per_wallet_differs() -> None:
    # the same ledger per wallet throughout: S1 takes B at Coinbase, so 2025 sees Kraken's A whole
    result = match(ledger(YEARS), Config(scope=Scope.PER_WALLET))
    d = {x.id: x for x in result.disposals}
    assert cut(d["S1"]) == [("B", D("0.5"), D("1500"))]
    assert cut(d["S3"]) == [("A", D("1"), D("1000"))]


def test_a_gift_keeps_its_dual_basis_across_the_snapshot() -> None:
    # A gift received in 2024 (donor's basis 10000 from 2020, worth 6000 when received) sold in 2025 for 4000:
    # a loss, so the basis is the lower FMV 6000 and the holding period starts at receipt (2024-03-01): short.
    rows = ledger("""
        2024-03-01 Coinbase deposit -> 1 BTC usd 10000 id G1
        2025-02-01 Coinbase trade 1 BTC -> 4000 USD id S1
    """)
    rows = [
        r._replace(acquired_at=datetime(2020, 1, 1, tzinfo=UTC), gift_fmv=D("6000"), disposition="gift") if r.id == "G1" else r
        for r in rows
    ]
    for scope in (Scope.UNIVERSAL, Scope.PER_WALLET_FROM_2025):
        (s,) = match(rows, Config(scope=scope)).disposals[0].slices
        assert (s.basis, s.acquired_date, s.long_term) == (D("6000"), date(2024, 3, 1), False), scope


def test_the_tracing_walk_reports_nothing_of_its_own() -> None:
    # The user never recorded moving BTC to Coinbase. Universal pools cover the sale, the withdrawal (from A)
    # and the transfer back; the per-wallet tracing walk finds Coinbase empty each time, shortfalls that are no
    # problem of the return (and a walk that reported them would read the run's sources, which it is not given).
    rows = ledger(
        """
        2024-01-01 Kraken trade 1000 USD -> 1 BTC id A
        2024-06-01 Coinbase trade 0.5 BTC -> 20000 USD id S1
        2024-07-01 Coinbase withdrawal 0.1 BTC id W1
        2024-08-01 Coinbase transfer 0.1 BTC -> 0.1 BTC to Kraken usd 6000 id T1
        2025-03-01 Kraken trade 0.4 BTC -> 40000 USD id S2
        """
    )
    result = match(rows, Config(scope=Scope.PER_WALLET_FROM_2025))
    assert result.diagnostics == []
    d = {x.id: x for x in result.disposals}
    assert cut(d["S1"]) == [("A", D("0.5"), D("500"))]
    assert [(s.lot_id, s.quantity, s.basis) for r in result.removals for s in r.slices] == [("A", D("0.1"), D("100"))]
    # snapshot: A's last 0.4 (400) is unused; Kraken physically holds A's whole 1 BTC, so it gets the 0.4
    assert cut(d["S2"]) == [("A", D("0.4"), D("400"))]
    assert result.open_lots == []
