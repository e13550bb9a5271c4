"""The bridge: slices in cents that match a plain Decimal reference, with both source locations."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from hypothesis import given, settings

from taxlots import pipeline
from taxlots.lots.engine import Config, match
from taxlots.lots.methods import Method
from taxlots.lots.pool import Scope
from taxlots.model.ledger import LedgerRow
from taxlots.model.lots import Lot
from taxlots.model.source import SourceRef
from taxlots.reports import frames
from taxlots.testing import ledger
from tests.lots.test_properties import ledgers


def test_slices_columns_and_cents() -> None:
    rows = ledger("""
        2024-01-01 K trade 10 USD -> 1 BTC id A
        2024-01-02 K trade 20 USD -> 1 BTC id B
        2024-02-01 K trade 1.5 BTC -> 100 USD id S
        2025-02-01 K trade 0.5 BTC -> 100 USD id T
    """)
    out = frames.slices(match(rows).disposals, 2024)
    # S: 1 of A (basis 10) + 0.5 of B (basis 10); proceeds 100 split 2/3 : 1/3 -> 66.67, remainder 33.33.
    assert out.select("disposal_id", "lot_id", "quantity", "date_acquired", "proceeds", "cost_basis", "gain", "long_term").rows() == [
        ("S", "A", "1", date(2024, 1, 1), 6667, 1000, 5667, False),
        ("S", "B", "0.5", date(2024, 1, 2), 3333, 1000, 2333, False),
    ]
    assert out.select("sold_file", "sold_line").rows() == [("ledger.txt", 4), ("ledger.txt", 4)]


def test_sample_totals_equal_a_decimal_reference(samples: object) -> None:
    run = pipeline.run([f"{samples}/ledger_2024.csv"], zone=ZoneInfo("UTC"))
    out = frames.slices(run.result.disposals, 2024, run.ledger.frame)
    # Reference: each disposal's proceeds and basis rounded to cents (half up) once; rows of a disposal add up to it.
    cent = Decimal("0.01")
    proceeds = sum(d.proceeds.quantize(cent, ROUND_HALF_UP) for d in run.result.disposals if d.sold_date.year == 2024)
    basis = sum(d.basis.quantize(cent, ROUND_HALF_UP) for d in run.result.disposals if d.sold_date.year == 2024)
    assert Decimal(int(out["proceeds"].sum())) / 100 == proceeds
    assert Decimal(int(out["cost_basis"].sum())) / 100 == basis
    # Every slice knows the line that acquired its lot: kr-0101 sold 0.1 BTC of cb-0001 (line 3 of the sample).
    first = out.row(0, named=True)
    assert (first["disposal_id"], first["sold_line"], first["lot_id"], first["acquired_line"]) == ("kr-0101", 8, "cb-0001", 3)
    assert out["acquired_line"].null_count() == 0


def test_income_transfers_and_problems_frames(samples: object) -> None:
    run = pipeline.run([f"{samples}/ledger_2024.csv"], zone=ZoneInfo("UTC"))
    f = frames.from_run(run.result, run.ledger.frame, run.diagnostics, 2024)
    # Three staking rewards: 13.41 + 12.22 + 12.65 = 38.28.
    assert int(f.income["usd_value"].sum()) == 3828
    assert f.transfers.select("id", "from_wallet", "to_wallet", "asset").rows() == [
        ("cb-tx-0102", "Coinbase", "Kraken", "BTC"),
        ("kr-tx-0109", "Kraken", "Coinbase", "ETH"),
    ]
    assert f.problems.height == 0


def test_the_columns_give_the_frame_the_hand_example_gives() -> None:
    """The run's columns (read whole, as ``taxlots gains`` does) give the hand-checked frame above, per year."""
    rows = ledger("""
        2024-01-01 K trade 10 USD -> 1 BTC id A
        2024-01-02 K trade 20 USD -> 1 BTC id B
        2024-02-01 K trade 1.5 BTC -> 100 USD id S
        2025-02-01 K trade 0.5 BTC -> 100 USD id T
        2025-03-01 K trade 1 BTC -> 50 USD id U
    """)
    columns = match(rows).columns
    out = frames.slices(columns, 2024)
    assert out.select("disposal_id", "lot_id", "quantity", "date_acquired", "proceeds", "cost_basis", "gain", "long_term").rows() == [
        ("S", "A", "1", date(2024, 1, 1), 6667, 1000, 5667, False),
        ("S", "B", "0.5", date(2024, 1, 2), 3333, 1000, 2333, False),
    ]
    assert out.select("sold_file", "sold_line").rows() == [("ledger.txt", 4), ("ledger.txt", 4)]
    # 2025: T takes the other 0.5 of B (long-term from 2025-01-03); U finds nothing left: a MISSING slice, no date.
    later = frames.slices(columns, 2025).select("disposal_id", "lot_id", "quantity", "date_acquired", "proceeds", "cost_basis", "long_term")
    assert later.rows() == [("T", "B", "0.5", date(2024, 1, 2), 10000, 1000, True), ("U", "MISSING", "1", None, 5000, 0, False)]


@given(rows=ledgers())
@settings(max_examples=60, deadline=None)
def test_columns_and_disposal_values_give_the_same_frame(rows: list[LedgerRow]) -> None:
    """Two ways into the slice frame agree: the columns in integers, and the ``Disposal`` values in Decimal (whose
    rounding ``test_report_rows_follow_the_rounding_rule_on_the_reference_slices`` checks by hand)."""
    for method in (Method.FIFO, Method.HIFO):
        result = match(rows, Config(method=method, scope=Scope.PER_WALLET))
        for year in (None, 2023, 2024):
            fast = frames.slices(result.columns, year)
            plain = frames.slices(result.disposals, year)
            assert fast.equals(plain), (method, year)
            assert fast.schema == plain.schema


def test_negative_proceeds_round_on_the_magnitude_in_both_paths() -> None:
    """A fee larger than the sale: proceeds 1 - 4.01 = -3.01, split 2/3 : 1/3. -2.00666... is -2.01 (half up on
    the magnitude), and the last slice takes the rest, -1.00. The lone sale T: 0.5 - 0.755 = -0.255 is -0.26."""
    rows = ledger("""
        2024-01-01 K trade 10 USD -> 1 BTC id A
        2024-01-02 K trade 20 USD -> 1 BTC id B
        2024-02-01 K trade 1.5 BTC -> 1 USD fee 4.01 USD id S
        2024-02-02 K trade 0.5 BTC -> 0.5 USD fee 0.755 USD id T
    """)
    result = match(rows)
    want = [("S", "A", -201, 1000), ("S", "B", -100, 1000), ("T", "B", -26, 1000)]
    for disposals in (result.columns, result.disposals):
        assert frames.slices(disposals, 2024).select("disposal_id", "lot_id", "proceeds", "cost_basis").rows() == want


def test_income_frame_from_the_engine_columns() -> None:
    rows = ledger("""
        2023-12-31 K income -> 1 BTC usd 5 id I0
        2024-01-02 K income -> 0.10 ETH usd 10.005 id I1
        2024-03-04 C income -> 2 SOL usd 0.004999 id I2
        2024-05-06 K income -> 0.000000000000000001 BTC usd 1.115 id I3
        2025-01-01 K income -> 1 BTC usd 7 id I4
    """)
    result = match(rows)
    want = [  # half up to cents: 10.005 -> 10.01, 0.004999 -> 0.00, 1.115 -> 1.12; quantities without trailing zeros
        ("I1", date(2024, 1, 2), "K", "ETH", "0.1", 1001, "ledger.txt", 3),
        ("I2", date(2024, 3, 4), "C", "SOL", "2", 0, "ledger.txt", 4),
        ("I3", date(2024, 5, 6), "K", "BTC", "0.000000000000000001", 112, "ledger.txt", 5),
    ]
    names = ["id", "date", "wallet", "asset", "quantity", "usd_value", "file", "line"]
    assert frames.income_of(result, 2024).select(names).rows() == want  # from the columns, no Income built
    assert result.income_columns is not None and result.income_columns._rows is None
    assert frames.income_of(result, 2024).schema == frames.income(result.income, 2024).schema
    assert frames.income_of(result, None)["id"].to_list() == ["I0", "I1", "I2", "I3", "I4"]
    # The summary's income: 10.005 + 0.004999 + 1.115 = 11.124999 USD in 2024, rounded once (not per row).
    assert result.income_usd(2024) == 11_124_999 * 10**12
    assert result.income_usd(None) == 23_124_999 * 10**12


def test_open_lots_frame_from_the_engine_columns() -> None:
    rows = ledger("""
        2024-01-02 K trade 30 USD -> 3 ETH id B
        2024-01-01 K trade 10.005 USD -> 1 BTC id A
        2024-02-01 K trade 1 ETH -> 15 USD id S
    """)
    names = ["lot_id", "asset", "wallet", "quantity", "date_acquired", "cost_basis", "file", "line"]
    result = match(rows)
    # By asset, then acquisition; basis half up to cents (10.005 -> 10.01); ETH keeps 2 of 3 units, 2/3 of 30.
    assert frames.open_lots_of(result).select(names).rows() == [
        ("A", "BTC", "K", "1", date(2024, 1, 1), 1001, "ledger.txt", 3),
        ("B", "ETH", "K", "2", date(2024, 1, 2), 2000, "ledger.txt", 2),
    ]
    assert result._open_lots is None  # the frame came from the columns: no Lot was built
    assert frames.open_lots_of(result).schema == frames.open_lots(result.open_lots).schema
    held = Lot(
        id="O1",
        asset="BTC",
        wallet="K",
        quantity=Decimal("0.50"),
        basis=Decimal("1.115"),
        acquired_at=datetime(2023, 5, 1, tzinfo=UTC),
        acquired_date=date(2023, 5, 1),
        source=SourceRef("lots.csv", 7),
    )
    opened = match(rows, Config(opening_lots=(held,)))
    assert frames.open_lots_of(opened).select(names).rows()[:2] == [
        ("O1", "BTC", "K", "0.5", date(2023, 5, 1), 112, "lots.csv", 7),  # an opening lot names its own source
        ("A", "BTC", "K", "1", date(2024, 1, 1), 1001, "ledger.txt", 3),
    ]


def test_per_wallet_from_2025_keeps_income_and_open_lots_as_columns() -> None:
    rows = ledger("""
        2024-06-01 K income -> 1 BTC usd 100.005 id I1
        2024-07-01 K trade 50 USD -> 1 BTC id A
        2025-03-01 C income -> 2 ETH usd 4000 id I2
        2025-04-01 K trade 0.5 BTC -> 60000 USD id S
    """)
    result = match(rows, Config(scope=Scope.PER_WALLET_FROM_2025))
    assert result.income_columns is not None and result.lot_columns is not None  # both runs' columns, joined
    names = ["id", "date", "wallet", "usd_value"]
    assert frames.income_of(result, None).select(names).rows() == [
        ("I1", date(2024, 6, 1), "K", 10001),
        ("I2", date(2025, 3, 1), "C", 400000),
    ]
    # S took 0.5 of I1 (first in, first out): K holds 0.5 of I1 and all of A; C holds the ETH.
    lots = frames.open_lots_of(result).select("lot_id", "wallet", "quantity", "cost_basis").rows()
    assert lots == [("I1", "K", "0.5", 5000), ("A", "K", "1", 5000), ("I2", "C", "2", 400000)]
