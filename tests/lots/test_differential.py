"""The engine against the plain reference (``tests/lots/reference.py``) with fees in a third asset as well.

The ledgers of ``test_properties`` (same-timestamp ties, unequal lots, three wallets, transfers with network
fees, deposits, income, spends, withdrawals, fees in USD, in the sent and in the received asset), plus fees
paid in an asset that is neither side of the row, valued by ``fee_usd`` (as the price step fills it). Every
method and scope, compared disposal by disposal and slice by slice, with every removal and open lot.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from taxlots.model.ledger import Kind, LedgerRow
from taxlots.model.money import ZERO
from tests.lots.test_properties import ASSETS, agrees_with_the_reference, ledgers

FEE = Decimal("0.000001")


def _feasible(rows: list[LedgerRow]) -> bool:
    """Whether no wallet ever holds less than zero of an asset (walking the rows as written)."""
    held: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
    for r in rows:
        if r.sent_asset:
            held[(r.sent_asset, r.wallet)] -= r.sent_qty or ZERO
        if r.received_asset:
            held[(r.received_asset, r.to_wallet or r.wallet)] += r.received_qty or ZERO
        if r.fee_asset:
            held[(r.fee_asset, r.wallet)] -= r.fee_qty or ZERO
        if any(q < 0 for (asset, _), q in held.items() if asset != "USD"):
            return False
    return True


@st.composite
def ledgers_with_third_asset_fees(draw: st.DrawFn) -> list[LedgerRow]:
    rows = draw(ledgers())
    for i, row in enumerate(rows):
        if row.fee_asset or row.kind not in (Kind.TRADE, Kind.SPEND, Kind.WITHDRAWAL, Kind.TRANSFER) or not draw(st.booleans()):
            continue
        sides = {row.sent_asset, row.received_asset}
        third = [a for a in ASSETS if a not in sides]
        if not third:
            continue
        usd = Decimal(draw(st.integers(0, 5000))) / 100
        fee_qty = FEE * draw(st.integers(1, 3))
        changed = row._replace(fee_asset=third[0], fee_qty=fee_qty, fee_usd=usd, fee_source="file:prices.csv")
        trial = [*rows[:i], changed, *rows[i + 1 :]]
        if _feasible(trial):
            rows = trial
    return rows


@given(rows=ledgers_with_third_asset_fees())
@settings(max_examples=60)
def test_engine_agrees_with_the_reference_with_fees_in_a_third_asset(rows: list[LedgerRow]) -> None:
    agrees_with_the_reference(rows)


def test_the_strategy_makes_third_asset_fees() -> None:
    """The strategy above is not vacuous: a fee in a third asset is disposed of at its fee_usd."""
    seen: list[int] = []

    @given(rows=ledgers_with_third_asset_fees())
    @settings(max_examples=40)
    def count(rows: list[LedgerRow]) -> None:
        seen.append(sum(1 for r in rows if r.fee_usd is not None))

    count()
    assert sum(seen) > 0
