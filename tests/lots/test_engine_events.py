"""Worked examples for what the transfer and price steps hand the engine: third-asset fees, the network-fee
policies, carried-over acquisition dates, gifts (dual basis), opening lots and fee rows. Every expected number
was computed by hand from the ledger above it (the arithmetic is in the comments)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from taxlots.lots.engine import Config, NetworkFee, match
from taxlots.lots.methods import Method
from taxlots.lots.pool import Scope
from taxlots.model.diagnostics import Severity
from taxlots.model.ledger import LedgerRow
from taxlots.model.lots import Disposal, Lot, MatchResult
from taxlots.model.source import SourceRef
from taxlots.testing import ledger


def D(s: str) -> Decimal:
    return Decimal(s)


def cut(d: Disposal) -> list[tuple[str | None, Decimal, Decimal]]:
    return [(s.lot_id, s.quantity, s.basis) for s in d.slices]


def by_id(result: MatchResult) -> dict[str, Disposal]:
    return {d.id: d for d in result.disposals}


def errors(result: MatchResult) -> list[str]:
    return [d.message for d in result.diagnostics if d.severity is Severity.ERROR]


def with_fields(rows: list[LedgerRow], row_id: str, **fields: object) -> list[LedgerRow]:
    return [r._replace(**fields) if r.id == row_id else r for r in rows]


def test_fee_in_a_third_asset_is_valued_by_fee_usd_and_disposed_of() -> None:
    rows = ledger("""
        2024-01-01 Binance trade 1000 USD -> 2 BNB id B0
        2024-01-02 Binance trade 30000 USD -> 1 BTC id B1
        2024-02-01 Binance trade 0.5 BTC -> 20000 USDT fee 0.01 BNB usd 20000 id S1
    """)
    result = match(with_fields(rows, "S1", fee_usd=D("6"), fee_source="file:prices.csv", price_source="export"))
    assert errors(result) == []
    d = by_id(result)
    # the fee's 6 USD reduces the BTC disposal: 20000 - 6; basis half of the 30000 lot
    assert (d["S1"].proceeds, cut(d["S1"])) == (D("19994"), [("B1", D("0.5"), D("15000"))])
    # the 0.01 BNB are sold for 6 USD; basis 1000 * 0.01 / 2 = 5
    assert (d["S1:fee"].proceeds, cut(d["S1:fee"])) == (D("6"), [("B0", D("0.01"), D("5"))])
    assert (d["S1"].price_source, d["S1:fee"].price_source) == ("export", "file:prices.csv")
    usdt = [lot for lot in result.open_lots if lot.asset == "USDT"]
    assert [(lot.quantity, lot.basis) for lot in usdt] == [(D("20000"), D("20000"))]  # no fee added (crypto-to-crypto)


TRANSFER = """
    2024-01-01 Kraken trade 1000 USD -> 1 ETH id L1
    2024-01-02 Kraken trade 3000 USD -> 1 ETH id L2
    2024-03-01 Kraken transfer 1.5 ETH -> 1.49 ETH to Coinbase usd 4500 id T1
    2024-04-01 Coinbase trade 1.49 ETH -> 5000 USD id S1
"""


def test_network_fee_as_disposal__per_wallet() -> None:
    result = match(ledger(TRANSFER), Config(scope=Scope.PER_WALLET))
    d = by_id(result)
    # 0.01 ETH sold at 4500 * 0.01 / 1.5 = 30; FIFO takes it from L1 (basis 10)
    assert (d["T1:network-fee"].proceeds, cut(d["T1:network-fee"])) == (D("30"), [("L1", D("0.01"), D("10"))])
    # the 1.49 that arrived: L1's other 0.99 (990) and half of L2 (1500)
    assert cut(d["S1"]) == [("L1", D("0.99"), D("990")), ("L2", D("0.5"), D("1500"))]


def test_network_fee_as_basis__per_wallet() -> None:
    result = match(ledger(TRANSFER), Config(scope=Scope.PER_WALLET, network_fee=NetworkFee.BASIS))
    d = by_id(result)
    assert "T1:network-fee" not in d  # no sale
    # moved first: L1 1 (1000) and L2 0.49 (1470); then the 0.01 fee units from L2 (basis 30), whose basis is
    # spread over the moved units by quantity: L1 gets 30 * 1 / 1.49 = 20.134228187919463087 (1e-18 grain),
    # L2 the remainder 9.865771812080536913
    assert cut(d["S1"]) == [("L1", D("1"), D("1020.134228187919463087")), ("L2", D("0.49"), D("1479.865771812080536913"))]
    kraken = [(lot.id, lot.quantity, lot.basis) for lot in result.open_lots]
    assert kraken == [("L2", D("0.5"), D("1500"))]
    assert d["S1"].basis + D("1500") == D("4000")  # the total basis is unchanged


def test_network_fee_as_basis__universal_keeps_total_basis_and_sells_nothing() -> None:
    result = match(ledger(TRANSFER), Config(scope=Scope.UNIVERSAL, network_fee=NetworkFee.BASIS))
    d = by_id(result)
    assert sorted(d) == ["S1"]
    left = sum((lot.basis for lot in result.open_lots), D("0"))
    assert d["S1"].basis + left == D("4000")
    assert sum((lot.quantity for lot in result.open_lots), D("0")) == D("0.5")  # 2 - 0.01 fee - 1.49 sold


def test_network_fee_as_basis__fee_column_in_the_sent_asset_is_carried_too() -> None:
    rows = ledger("""
        2024-01-01 Kraken trade 2000 USD -> 2 ETH id L1
        2024-03-01 Kraken transfer 1 ETH -> 1 ETH to Coinbase fee 0.02 ETH usd 3000 id T1
    """)
    result = match(rows, Config(scope=Scope.PER_WALLET, network_fee=NetworkFee.BASIS))
    assert result.disposals == []
    # 1 ETH moved (basis 1000) plus the 0.02 fee units' basis 20: Coinbase holds 1 ETH at 1020
    lots = [(lot.wallet, lot.quantity, lot.basis) for lot in result.open_lots]
    assert lots == [("Coinbase", D("1"), D("1020")), ("Kraken", D("0.98"), D("980"))]


def test_hifo_rekeys_a_lot_whose_basis_grew() -> None:
    # Basis policy, per wallet: L1 moves to Coinbase with the fee's basis added. Coinbase then holds L1
    # (1 ETH at 1000 + 500 = 1500) and L3 (1 ETH at 1400): HIFO must now take L1 first.
    rows = ledger("""
        2024-01-01 Kraken trade 1000 USD -> 1 ETH id L1
        2024-01-02 Kraken trade 5000 USD -> 0.1 ETH id L2
        2024-01-03 Coinbase trade 1400 USD -> 1 ETH id L3
        2024-03-01 Kraken transfer 1.01 ETH -> 1 ETH to Coinbase usd 3030 id T1
        2024-04-01 Coinbase trade 1 ETH -> 3000 USD id S1
    """)
    result = match(rows, Config(method=Method.HIFO, scope=Scope.PER_WALLET, network_fee=NetworkFee.BASIS))
    # HIFO in Kraken moves L2 (unit 50000) first: 0.1 (5000), then L1 0.9 (900); the fee 0.01 comes from L1 (10).
    # Spread 10 by quantity: L2 + 10 * 0.1 / 1 = 1 -> 5001, L1 + 9 -> 909. At Coinbase: L2 (0.1 at 5001, unit
    # 50010), L3 (1 at 1400), L1 (0.9 at 909, unit 1010). HIFO sells L2 0.1 then L3 0.9.
    assert cut(by_id(result)["S1"]) == [("L2", D("0.1"), D("5001")), ("L3", D("0.9"), D("1260"))]


def test_declared_acquisition_date_sets_the_term() -> None:
    rows = ledger("""
        2024-03-01 Coinbase deposit -> 1 BTC usd 20000 id G1
        2024-06-01 Coinbase trade 1 BTC -> 60000 USD id S1
    """)
    when = datetime(2022, 5, 1, tzinfo=UTC)
    result = match(with_fields(rows, "G1", acquired_at=when, disposition="purchase"))
    (s,) = result.disposals[0].slices
    assert (s.acquired_date, s.long_term, s.basis) == (date(2022, 5, 1), True, D("20000"))


GIFT = """
    2024-03-01 Coinbase deposit -> 1 BTC usd 10000 id G1
    2024-09-01 Coinbase trade 1 BTC -> {proceeds} USD id S1
"""


def gift_sale(proceeds: str) -> tuple[Decimal, date, bool]:
    rows = with_fields(
        ledger(GIFT.format(proceeds=proceeds)), "G1", acquired_at=datetime(2020, 1, 1, tzinfo=UTC), gift_fmv=D("6000"), disposition="gift"
    )
    (s,) = match(rows).disposals[0].slices
    return s.basis, s.acquired_date, s.long_term  # type: ignore[return-value]


def test_gift__a_gain_uses_the_donors_basis_and_date() -> None:
    assert gift_sale("15000") == (D("10000"), date(2020, 1, 1), True)


def test_gift__a_loss_uses_the_lower_fmv_and_starts_the_holding_period_at_receipt() -> None:
    # sold for 4000 < FMV 6000 < donor's 10000: basis 6000 (a 2000 loss), held from 2024-03-01: short-term
    assert gift_sale("4000") == (D("6000"), date(2024, 3, 1), False)


def test_gift__a_sale_between_fmv_and_donors_basis_is_neither_gain_nor_loss() -> None:
    assert gift_sale("8000") == (D("8000"), date(2020, 1, 1), True)


@pytest.mark.parametrize("scope", [Scope.PER_WALLET, Scope.PER_WALLET_FROM_2025])
def test_opening_lots_come_before_every_row(scope: Scope) -> None:
    # Under per-wallet-from-2025 the opening lots are held once: before, they reached 2025 both as themselves
    # and through the allocation, and Kraken held 5 BTC instead of 3.
    opening = (
        Lot(
            id="OPEN1",
            asset="BTC",
            wallet="Kraken",
            quantity=D("2"),
            basis=D("30000"),
            acquired_at=datetime(2021, 6, 1, tzinfo=UTC),
            acquired_date=date(2021, 6, 1),
            source=SourceRef("closing-2024.csv", 2),
        ),
    )
    rows = ledger("""
        2025-01-05 Kraken trade 10000 USD -> 1 BTC id B1
        2025-02-01 Kraken trade 2.5 BTC -> 200000 USD id S1
    """)
    result = match(rows, Config(scope=scope, opening_lots=opening))
    # FIFO: the 2021 lot first (2 BTC, 30000), then half of B1 (5000); B1's other half stays open
    assert cut(result.disposals[0]) == [("OPEN1", D("2"), D("30000")), ("B1", D("0.5"), D("5000"))]
    assert [s.long_term for s in result.disposals[0].slices] == [True, False]
    assert [(lot.id, lot.quantity, lot.basis) for lot in result.open_lots] == [("B1", D("0.5"), D("5000"))]
    assert result.diagnostics == []


def test_a_fee_row_is_a_disposal_of_its_units() -> None:
    rows = ledger("""
        2024-01-01 Kraken trade 100 USD -> 100 EURT id E1
        2024-02-01 Kraken fee 2 EURT usd 2.2 id T1:fee2
    """)
    result = match(rows)
    assert errors(result) == []
    d = by_id(result)["T1:fee2"]
    assert (d.proceeds, cut(d)) == (D("2.2"), [("E1", D("2"), D("2"))])


def test_a_gift_sent_leaves_without_a_gain_and_says_so() -> None:
    rows = with_fields(
        ledger("""
        2024-01-01 Kraken trade 1000 USD -> 1 ETH id L1
        2024-02-01 Kraken withdrawal 0.4 ETH id W1
    """),
        "W1",
        disposition="gift",
    )
    result = match(rows)
    assert result.disposals == []
    (removal,) = result.removals
    assert (removal.disposition, [(s.lot_id, s.quantity, s.basis) for s in removal.slices]) == ("gift", [("L1", D("0.4"), D("400"))])
