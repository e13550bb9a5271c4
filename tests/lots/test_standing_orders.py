"""Standing orders: a method applies only from its recorded date, and each disposal says what identified its lots.
Every expected slice was worked out by hand from the ledger above it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from taxlots.lots.engine import Config, match
from taxlots.lots.methods import Method, StandingOrder, governing
from taxlots.lots.pool import Scope
from taxlots.testing import ledger, selections

ROWS = """
    2024-01-01 Kraken trade 1000 USD -> 1 BTC id L1
    2024-02-01 Kraken trade 3000 USD -> 1 BTC id L2
    2024-03-01 Kraken trade 2000 USD -> 1 BTC id L3
    2024-03-15 Kraken trade 0.5 BTC -> 1500 USD id S1
    2024-04-01 Kraken trade 0.5 BTC -> 1500 USD id S2
    2024-05-10 Kraken trade 0.5 BTC -> 1500 USD id S3
"""
ORDERS = (
    StandingOrder(method=Method.HIFO, effective=date(2024, 4, 1), wallet="Kraken"),
    StandingOrder(method=Method.LIFO, effective=date(2024, 5, 1)),
)


def slices(config: Config) -> dict[str, tuple[list[tuple[str | None, Decimal, Decimal]], str]]:
    return {d.id: ([(s.lot_id, s.quantity, s.basis) for s in d.slices], d.identification) for d in match(ledger(ROWS), config).disposals}


def test_an_order_never_applies_before_its_date() -> None:
    got = slices(Config(scope=Scope.PER_WALLET, standing_orders=ORDERS))
    # S1 (2024-03-15) predates every order: FIFO, L1 (unit 1000)
    assert got["S1"] == ([("L1", Decimal("0.5"), Decimal("500"))], "FIFO default")
    # S2 on the day Kraken's HIFO order starts: L2 (unit 3000)
    assert got["S2"] == ([("L2", Decimal("0.5"), Decimal("1500"))], "standing order hifo from 2024-04-01 at Kraken")
    # S3: the later order for every wallet (LIFO from 2024-05-01) wins over Kraken's earlier one: L3 (the latest)
    assert got["S3"] == ([("L3", Decimal("0.5"), Decimal("1000"))], "standing order lifo from 2024-05-01")


def test_without_orders_the_runs_method_is_named() -> None:
    got = slices(Config(method=Method.HIFO))
    assert got["S1"] == ([("L2", Decimal("0.5"), Decimal("1500"))], "method hifo (the run's --method)")
    assert slices(Config())["S1"][1] == "FIFO default"


def test_a_selection_wins_and_is_named() -> None:
    config = Config(method=Method.SPECIFIC, selections=selections("S3 L1 0.5\n"), standing_orders=ORDERS)
    got = slices(config)
    assert got["S3"] == ([("L1", Decimal("0.5"), Decimal("500"))], "selection lots.txt:1")
    assert got["S2"][1] == "standing order hifo from 2024-04-01 at Kraken"  # not named: the order governs, no error


def test_same_day_the_wallets_own_order_wins() -> None:
    orders = (
        StandingOrder(method=Method.LIFO, effective=date(2024, 4, 1)),
        StandingOrder(method=Method.HIFO, effective=date(2024, 4, 1), wallet="Kraken"),
    )
    assert governing(orders, "Kraken", date(2024, 4, 1)) == orders[1]
    assert governing(orders, "Coinbase", date(2024, 4, 1)) == orders[0]
    assert governing(orders, "Kraken", date(2024, 3, 31)) is None
