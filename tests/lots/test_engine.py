"""Worked examples: every expected number below was computed by hand from the ledger above it."""

from __future__ import annotations

from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from taxlots.lots.engine import Config, match
from taxlots.lots.methods import Method
from taxlots.lots.pool import Scope
from taxlots.model.diagnostics import Code, Severity
from taxlots.model.lots import Disposal, MatchResult
from taxlots.testing import ledger, selections


def D(s: str) -> Decimal:
    return Decimal(s)


def run(text: str, method: Method = Method.FIFO, scope: Scope = Scope.UNIVERSAL, lots: str = "", zone: str = "UTC") -> MatchResult:
    return match(ledger(text), Config(method=method, scope=scope, selections=selections(lots), zone=ZoneInfo(zone)))


def cut(d: Disposal) -> list[tuple[str | None, Decimal, Decimal]]:
    return [(s.lot_id, s.quantity, s.basis) for s in d.slices]


def opened(result: MatchResult) -> list[tuple[str, str, Decimal, Decimal]]:
    return [(lot.id, lot.wallet, lot.quantity, lot.basis) for lot in result.open_lots]


def errors(result: MatchResult) -> list[str]:
    return [f"{d.source}: {d.code}: {d.message}" for d in result.diagnostics if d.severity is Severity.ERROR]


THREE_LOTS = """
2024-01-01 Kraken trade 1000 USD -> 1 BTC id L1
2024-02-01 Kraken trade 3000 USD -> 1 BTC id L2
2024-03-01 Kraken trade 2000 USD -> 1 BTC id L3
2024-04-01 Kraken trade 1.5 BTC -> 6000 USD id S1
2024-05-01 Kraken trade 1 BTC -> 2500 USD id S2
"""


def test_fifo__partial_lots() -> None:
    result = run(THREE_LOTS, Method.FIFO)
    s1, s2 = result.disposals
    assert (s1.proceeds, s2.proceeds) == (D("6000"), D("2500"))
    assert cut(s1) == [("L1", D("1"), D("1000")), ("L2", D("0.5"), D("1500"))]
    assert cut(s2) == [("L2", D("0.5"), D("1500")), ("L3", D("0.5"), D("1000"))]
    assert opened(result) == [("L3", "Kraken", D("0.5"), D("1000"))]
    assert result.diagnostics == []


def test_lifo__partial_lots() -> None:
    result = run(THREE_LOTS, Method.LIFO)
    s1, s2 = result.disposals
    assert cut(s1) == [("L3", D("1"), D("2000")), ("L2", D("0.5"), D("1500"))]
    assert cut(s2) == [("L2", D("0.5"), D("1500")), ("L1", D("0.5"), D("500"))]
    assert opened(result) == [("L1", "Kraken", D("0.5"), D("500"))]


def test_hifo__partial_lots() -> None:
    result = run(THREE_LOTS, Method.HIFO)
    s1, s2 = result.disposals
    assert cut(s1) == [("L2", D("1"), D("3000")), ("L3", D("0.5"), D("1000"))]
    assert cut(s2) == [("L3", D("0.5"), D("1000")), ("L1", D("0.5"), D("500"))]
    assert opened(result) == [("L1", "Kraken", D("0.5"), D("500"))]


def test_specific__named_lots() -> None:
    result = run(THREE_LOTS, Method.SPECIFIC, lots="S1 L3 1\nS1 L1 0.5\nS2 L2 1\n")
    s1, s2 = result.disposals
    assert cut(s1) == [("L3", D("1"), D("2000")), ("L1", D("0.5"), D("500"))]
    assert cut(s2) == [("L2", D("1"), D("3000"))]
    assert opened(result) == [("L1", "Kraken", D("0.5"), D("500"))]
    assert result.diagnostics == []


def test_specific__uncovered_disposal_and_wrong_lots_are_errors() -> None:
    result = run(THREE_LOTS, Method.SPECIFIC, lots="S1 L3 1\nS1 L9 0.5\nX9 L1 1\n")
    assert errors(result) == [
        "ledger.txt:5: lot-selection: the selection for 'S1' takes 0.5 BTC from lot 'L9', "
        "which is not held in the pool the disposal draws from",
        "ledger.txt:6: lot-selection: disposal 'S2' of 1 BTC is not in the lot selection file",
    ]
    warnings = [d.message for d in result.diagnostics if d.severity is Severity.WARNING]
    assert warnings == ["the selection names 'X9', which is not a disposal of this run"]


def test_specific__selection_must_add_up_and_lot_must_hold_enough() -> None:
    result = run(THREE_LOTS, Method.SPECIFIC, lots="S1 L3 1\nS2 L3 0.5\nS2 L1 0.5\n")
    assert errors(result) == [
        "ledger.txt:5: lot-selection: the selection for 'S1' names 1 BTC, the disposal is 1.5 BTC",
        "ledger.txt:6: lot-selection: the selection for 'S2' takes 0.5 BTC from lot 'L3', "
        "which is not held in the pool the disposal draws from",
    ]


def test_fifo__crypto_to_crypto_trade_is_valued_in_usd() -> None:
    result = run("""
        2024-01-01 Coinbase trade 2000 USD -> 1 ETH id E1
        2024-06-01 Coinbase trade 0.5 ETH -> 0.02 BTC usd 1500 id X1
        2024-09-01 Coinbase trade 0.02 BTC -> 1800 USD id X2
    """)
    x1, x2 = result.disposals
    assert (x1.asset, x1.proceeds, cut(x1)) == ("ETH", D("1500"), [("E1", D("0.5"), D("1000"))])
    assert (x2.asset, x2.proceeds, cut(x2)) == ("BTC", D("1800"), [("X1", D("0.02"), D("1500"))])
    assert opened(result) == [("E1", "Coinbase", D("0.5"), D("1000"))]


def test_fifo__crypto_trade_without_usd_value_is_an_error() -> None:
    result = run("""
        2024-01-01 Coinbase trade 2000 USD -> 1 ETH id E1
        2024-06-01 Coinbase trade 0.5 ETH -> 0.02 BTC id X1
    """)
    assert errors(result) == [
        "ledger.txt:3: missing-price: trade of 0.5 ETH for 0.02 BTC needs a price (neither side is USD): usd_value is blank"
    ]


def test_fifo__usd_fees_add_to_basis_and_reduce_proceeds() -> None:
    result = run("""
        2024-01-01 Kraken trade 1000 USD -> 1 BTC fee 10 USD id B1
        2024-02-01 Kraken trade 1 BTC -> 1500 USD fee 15 USD id S1
    """)
    (s1,) = result.disposals
    assert (s1.proceeds, cut(s1)) == (D("1485"), [("B1", D("1"), D("1010"))])


def test_fifo__fee_in_sold_asset_is_a_disposal_and_a_selling_cost() -> None:
    # V = 1000 for 0.5 BTC, so the 0.01 BTC fee is worth 20: proceeds 1000 - 20, and the fee units sell for 20.
    result = run("""
        2024-01-01 Kraken trade 1000 USD -> 1 BTC id B1
        2024-02-01 Kraken trade 0.5 BTC -> 1000 USD fee 0.01 BTC id S1
    """)
    sale, fee = result.disposals
    assert (sale.id, sale.proceeds, cut(sale)) == ("S1", D("980"), [("B1", D("0.5"), D("500"))])
    assert (fee.id, fee.proceeds, cut(fee)) == ("S1:fee", D("20"), [("B1", D("0.01"), D("10"))])
    assert opened(result) == [("B1", "Kraken", D("0.49"), D("490"))]


def test_fifo__fee_withheld_from_bought_asset_comes_from_the_new_lot() -> None:
    # V = 1000, fee 0.001 BTC worth 1: basis 1001; the fee units leave the new lot (basis 1.001) for 1.
    result = run("""
        2023-06-01 Kraken trade 500 USD -> 1 BTC id OLD
        2024-01-01 Kraken trade 1000 USD -> 1 BTC fee 0.001 BTC id B1
    """)
    (fee,) = result.disposals
    assert (fee.id, fee.proceeds, cut(fee)) == ("B1:fee", D("1"), [("B1", D("0.001"), D("1.001"))])
    assert opened(result) == [("OLD", "Kraken", D("1"), D("500")), ("B1", "Kraken", D("0.999"), D("999.999"))]


def test_fifo__crypto_trade_fee_withheld_from_received_coin() -> None:
    # V = 200 for 10 SOL, so 0.01 SOL is worth 0.2: the BTC sells for 199.8; SOL basis 200 (no fee added).
    result = run("""
        2024-01-01 Binance trade 1000 USD -> 1 BTC id B0
        2024-02-01 Binance trade 0.1 BTC -> 10 SOL fee 0.01 SOL usd 200 id T1
    """)
    sale, fee = result.disposals
    assert (sale.asset, sale.proceeds, cut(sale)) == ("BTC", D("199.8"), [("B0", D("0.1"), D("100"))])
    assert (fee.asset, fee.proceeds, cut(fee)) == ("SOL", D("0.2"), [("T1", D("0.01"), D("0.2"))])
    assert opened(result) == [("B0", "Binance", D("0.9"), D("900")), ("T1", "Binance", D("9.99"), D("199.8"))]


def test_fifo__fee_in_a_third_asset_needs_a_price() -> None:
    result = run("""
        2023-12-01 Binance trade 300 USD -> 1 BNB id N1
        2024-01-01 Binance trade 1000 USD -> 1 BTC fee 0.01 BNB id B1
    """)
    assert errors(result) == ["ledger.txt:3: missing-price: the fee of 0.01 BNB needs a price: BNB is neither side of the row"]


def test_fifo__income_then_sale() -> None:
    result = run("""
        2024-01-01 Coinbase income -> 2 ETH usd 4000 id I1
        2024-03-01 Coinbase trade 1 ETH -> 2500 USD id S1
    """)
    (income,) = result.income
    assert (income.asset, income.quantity, income.usd_value) == ("ETH", D("2"), D("4000"))
    (s1,) = result.disposals
    assert (s1.proceeds, cut(s1), s1.slices[0].long_term) == (D("2500"), [("I1", D("1"), D("2000"))], False)


def test_income_without_value_is_an_error() -> None:
    result = run("2024-01-01 Coinbase income -> 2 ETH id I1")
    assert errors(result) == ["ledger.txt:1: missing-price: income of 2 ETH needs its fair market value: usd_value is blank"]


TRANSFER = """
2023-01-10 Kraken trade 1000 USD -> 1 BTC id K1
2024-01-10 Coinbase trade 3000 USD -> 1 BTC id C1
2024-06-01 Kraken transfer 1 BTC -> 0.999 BTC to Coinbase usd 60000 id T1
2024-07-01 Coinbase trade 1 BTC -> 70000 USD id S1
"""


def test_fifo__per_wallet_transfer_carries_basis_and_original_date() -> None:
    result = run(TRANSFER, Method.FIFO, Scope.PER_WALLET)
    fee, s1 = result.disposals
    # the network fee: 0.001 BTC of K1 (basis 1) at 60000 per BTC = 60, long-term (held since 2023-01-10)
    assert (fee.id, fee.wallet, fee.proceeds, cut(fee), fee.slices[0].long_term) == (
        "T1:network-fee",
        "Kraken",
        D("60"),
        [("K1", D("0.001"), D("1"))],
        True,
    )
    # K1 moved to Coinbase keeps its 2023 date, so FIFO takes it before C1 although it arrived later
    assert cut(s1) == [("K1", D("0.999"), D("999")), ("C1", D("0.001"), D("3"))]
    assert [s.long_term for s in s1.slices] == [True, False]
    assert [str(s.acquired_date) for s in s1.slices] == ["2023-01-10", "2024-01-10"]
    assert opened(result) == [("C1", "Coinbase", D("0.999"), D("2997"))]


def test_lifo__per_wallet_transfer_orders_by_original_acquisition() -> None:
    result = run(TRANSFER, Method.LIFO, Scope.PER_WALLET)
    _, s1 = result.disposals
    assert cut(s1) == [("C1", D("1"), D("3000"))]
    assert opened(result) == [("K1", "Coinbase", D("0.999"), D("999"))]


def test_fifo__universal_and_per_wallet_pools_differ() -> None:
    text = """
        2023-01-10 Kraken trade 1000 USD -> 1 BTC id K1
        2024-01-10 Coinbase trade 3000 USD -> 1 BTC id C1
        2024-07-01 Coinbase trade 0.5 BTC -> 35000 USD id S1
    """
    assert cut(run(text, scope=Scope.UNIVERSAL).disposals[0]) == [("K1", D("0.5"), D("500"))]
    assert cut(run(text, scope=Scope.PER_WALLET).disposals[0]) == [("C1", D("0.5"), D("1500"))]


def test_transfer_with_fee_and_no_value_is_an_error() -> None:
    result = run(
        """
        2024-01-10 Kraken trade 1000 USD -> 1 BTC id K1
        2024-06-01 Kraken transfer 1 BTC -> 0.999 BTC to Coinbase id T1
    """,
        scope=Scope.PER_WALLET,
    )
    assert errors(result) == ["ledger.txt:3: missing-price: transfer's network fee of 0.001 BTC needs a price: usd_value is blank"]


def test_lots_moved_back_merge() -> None:
    result = run(
        """
        2024-01-10 Kraken trade 1000 USD -> 1 BTC id K1
        2024-02-01 Kraken transfer 0.5 BTC to Coinbase id T1
        2024-03-01 Coinbase transfer 0.5 BTC to Kraken id T2
        2024-04-01 Kraken trade 1 BTC -> 2000 USD id S1
    """,
        scope=Scope.PER_WALLET,
    )
    assert cut(result.disposals[0]) == [("K1", D("1"), D("1000"))]
    assert result.open_lots == []


@pytest.mark.parametrize(
    ("sold", "long_term"),
    [("2025-01-15", False), ("2025-01-16", True)],
)
def test_fifo__one_year_boundary(sold: str, long_term: bool) -> None:
    # 2024-01-15 to 2025-01-15 is 366 days (2024 is a leap year) but exactly one year: short-term.
    result = run(f"""
        2024-01-15T10:00 Kraken trade 1000 USD -> 1 BTC id B1
        {sold}T09:00 Kraken trade 1 BTC -> 2000 USD id S1
    """)
    assert result.disposals[0].slices[0].long_term is long_term


@pytest.mark.parametrize(("sold", "long_term"), [("2025-02-28", False), ("2025-03-01", True)])
def test_fifo__leap_day_acquisition(sold: str, long_term: bool) -> None:
    result = run(f"""
        2024-02-29 Kraken trade 1000 USD -> 1 BTC id B1
        {sold} Kraken trade 1 BTC -> 2000 USD id S1
    """)
    assert result.disposals[0].slices[0].long_term is long_term


def test_fifo__tax_dates_follow_the_zone() -> None:
    # 2024-01-15T03:00Z is 14 January in New York; 2025-01-15T06:00Z is 15 January there.
    text = """
        2024-01-15T03:00 Kraken trade 1000 USD -> 1 BTC id B1
        2025-01-15T06:00 Kraken trade 1 BTC -> 2000 USD id S1
    """
    utc = run(text).disposals[0]
    ny = run(text, zone="America/New_York").disposals[0]
    assert (str(utc.slices[0].acquired_date), str(utc.sold_date), utc.slices[0].long_term) == ("2024-01-15", "2025-01-15", False)
    assert (str(ny.slices[0].acquired_date), str(ny.sold_date), ny.slices[0].long_term) == ("2024-01-14", "2025-01-15", True)


def test_fifo__selling_more_than_held() -> None:
    result = run("""
        2024-01-01 Kraken trade 1000 USD -> 1 BTC id B1
        2024-02-01 Kraken trade 1.5 BTC -> 3000 USD id S1
    """)
    (s1,) = result.disposals
    assert s1.missing_basis
    assert cut(s1) == [("B1", D("1"), D("1000")), (None, D("0.5"), D("0"))]
    assert errors(result) == ["ledger.txt:3: shortfall: sale of 1.5 BTC from Kraken exceeds the BTC held in all wallets by 0.5 BTC"]


def test_fifo__per_wallet_shortfall_names_the_wallet() -> None:
    result = run(
        """
        2024-01-01 Kraken trade 1000 USD -> 1 BTC id B1
        2024-02-01 Coinbase trade 0.25 BTC -> 3000 USD id S1
    """,
        scope=Scope.PER_WALLET,
    )
    assert errors(result) == [
        "ledger.txt:3: shortfall: sale of 0.25 BTC from Coinbase exceeds the BTC held in wallet 'Coinbase' by 0.25 BTC"
    ]
    assert [d.code for d in result.diagnostics] == [Code.SHORTFALL]


def test_deposit_opens_a_lot_at_its_value_and_withdrawal_removes_units() -> None:
    result = run("""
        2024-01-01 Ledger deposit -> 2 ETH usd 3000 id D1
        2024-02-01 Ledger withdrawal 0.5 ETH fee 0.01 ETH usd 1000 id W1
        2024-03-01 Ledger spend 0.1 ETH usd 250 id P1
    """)
    fee, spend = result.disposals
    # the fee: 0.01 ETH at 1000/0.5 = 2000 per ETH = 20; basis 1500 per ETH
    assert (fee.id, fee.proceeds, cut(fee)) == ("W1:fee", D("20"), [("D1", D("0.01"), D("15"))])
    assert (spend.proceeds, cut(spend)) == (D("250"), [("D1", D("0.1"), D("150"))])
    (removal,) = result.removals
    assert [(s.lot_id, s.quantity, s.basis) for s in removal.slices] == [("D1", D("0.5"), D("750"))]
    assert opened(result) == [("D1", "Ledger", D("1.39"), D("2085"))]


def test_deposit_of_property_without_value_is_an_error() -> None:
    result = run("2024-01-01 Ledger deposit -> 2 ETH id D1")
    assert errors(result) == ["ledger.txt:1: missing-price: deposit of 2 ETH needs a cost basis: usd_value is blank"]


def test_cash_moves_have_no_lots() -> None:
    result = run("""
        2024-01-01 Kraken deposit -> 5000 USD
        2024-01-02 Kraken withdrawal 100 USD
    """)
    assert (result.disposals, result.open_lots, result.removals, result.diagnostics) == ([], [], [], [])
