"""``iter_gain_cells`` (the gains CSV's fast path) gives the cells and totals that ``GainRow.cells`` and ``Tally`` give."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from taxlots.lots.engine import match
from taxlots.model.lots import Disposal, LotSlice
from taxlots.model.source import SourceRef
from taxlots.reports.gains import Tally, gain_rows, iter_gain_cells
from taxlots.testing import ledger

LEDGER = """
    2023-01-01 K trade 10 USD -> 1 BTC id A
    2023-01-02 K trade 20 USD -> 1 BTC id B
    2024-01-03 K trade 30.01 USD -> 1 BTC id C
    2024-02-01 K trade 2.5 BTC -> 100 USD id S
    2024-02-02 K trade 0.25 BTC -> 12.345 USD id T
    2024-03-01 K trade 1 BTC -> 50 USD id U
"""


def _negative_zero() -> Disposal:
    """A disposal whose proceeds round to -0.00 cents: the output must keep what the GainRow path prints."""
    src = SourceRef(file="x.csv", line=2)
    piece = LotSlice(lot_id="L", quantity=Decimal(1), basis=Decimal("-0.001"), acquired_date=date(2024, 1, 1), long_term=False)
    return Disposal(
        id="Z",
        asset="BTC",
        wallet="K",
        quantity=Decimal(1),
        proceeds=Decimal("-0.004"),
        sold_at=datetime(2024, 5, 1, tzinfo=UTC),
        sold_date=date(2024, 5, 1),
        slices=(piece,),
        source=src,
    )


def test_cells_and_totals_equal_the_gain_row_path() -> None:
    disposals = [*match(ledger(LEDGER)).disposals, _negative_zero()]
    for explain in (False, True):
        for year in (None, 2024, 2023):
            old, new = Tally(), Tally()
            want = [r.explained() if explain else r.cells() for r in old.count(gain_rows(disposals, year))]
            got = list(iter_gain_cells(disposals, year, explain=explain, tally=new, batch=2))
            assert got == want
            assert (new.rows, new.disposals, new.sums) == (old.rows, old.disposals, old.sums)


def test_hand_computed_rows() -> None:
    got = list(iter_gain_cells(match(ledger(LEDGER)).disposals))
    assert got[:3] == [
        ("S", "A", "K", "BTC", "1", "2023-01-01", "2024-02-01", "40.00", "10.00", "30.00", "long"),
        ("S", "B", "K", "BTC", "1", "2023-01-02", "2024-02-01", "40.00", "20.00", "20.00", "long"),
        ("S", "C", "K", "BTC", "0.5", "2024-01-03", "2024-02-01", "20.00", "15.01", "4.99", "short"),
    ]
    assert got[3] == ("T", "C", "K", "BTC", "0.25", "2024-01-03", "2024-02-02", "12.35", "7.50", "4.85", "short")
    assert [c[-1] for c in iter_gain_cells([_negative_zero()])] == ["short"]
