"""pairing.link on real ledgers: the rewritten frame, the report, the overrides' columns and the missing-basis rule."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from taxlots import ingest, pipeline
from taxlots.lots.engine import NetworkFee
from taxlots.lots.pool import Scope
from taxlots.model.diagnostics import Code, Severity
from taxlots.pairing import link, read_overrides
from taxlots.transfers.overrides import parse

HEADER = "timestamp,wallet,type,sent_asset,sent_qty,received_asset,received_qty,fee_asset,fee_qty,usd_value,to_wallet,id,note\n"

# line 2: a purchase; 3: a withdrawal with a BTC fee; 4: its deposit, 0.0004 short; 5: an unrelated ETH deposit
BASIC = """\
2024-01-01T00:00:00Z,Kraken,trade,USD,1000,BTC,1,,,,,B1,
2024-02-01T00:00:00Z,Kraken,withdrawal,BTC,0.5,,,BTC,0.0001,21000,,W1,to Coinbase
2024-02-01T01:00:00Z,Coinbase,deposit,,,BTC,0.4996,,,,,D1,
2024-03-01T00:00:00Z,Coinbase,deposit,,,ETH,2,,,3000,,D2,
"""


def load(tmp_path: Path, body: str, name: str = "ledger.csv") -> tuple[pl.DataFrame, str]:
    path = tmp_path / name
    path.write_text(HEADER + body)
    ledger = ingest.load([str(path)])
    assert ledger.diagnostics == []
    return ledger.frame, str(path)


def overrides(tmp_path: Path, text: str, name: str = "overrides.csv"):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_text(text)
    got, diags = read_overrides(str(path))
    assert diags == []
    return got, str(path)


COLS = (
    "seq",
    "type",
    "wallet",
    "to_wallet",
    "sent_asset",
    "sent_qty",
    "received_asset",
    "received_qty",
    "fee_asset",
    "fee_qty",
    "usd_value",
    "id",
    "note",
)


def test_matched_withdrawal_becomes_a_transfer_and_the_deposit_leaves(tmp_path: Path) -> None:
    frame, path = load(tmp_path, BASIC)
    out, report, diags = link(frame)
    assert diags == []
    assert out.columns[: len(frame.columns)] == frame.columns  # every column kept, in place
    assert out.select(COLS).rows() == [
        (0, "trade", "Kraken", None, "USD", "1000", "BTC", "1", None, None, None, "B1", ""),
        (
            1,
            "transfer",
            "Kraken",
            "Coinbase",
            "BTC",
            "0.5",
            "BTC",
            "0.4996",
            "BTC",
            "0.0001",
            "21000",
            "W1",
            "to Coinbase (matched with deposit D1)",
        ),
        (3, "deposit", "Coinbase", None, None, None, "ETH", "2", None, None, "3000", "D2", ""),
    ]
    assert report.pairs.rows(named=True) == [
        {
            "asset": "BTC",
            "sent": "0.5",
            "received": "0.4996",
            "fee_asset": "BTC",
            "fee": "0.0001",
            "from_wallet": "Kraken",
            "to_wallet": "Coinbase",
            "withdrawn_at": datetime(2024, 2, 1, tzinfo=UTC),
            "deposited_at": datetime(2024, 2, 1, 1, tzinfo=UTC),
            "withdrawal_id": "W1",
            "deposit_id": "D1",
            "withdrawal_file": path,
            "withdrawal_line": 3,
            "deposit_file": path,
            "deposit_line": 4,
            "rule": "time and amount",
        }
    ]
    assert report.unmatched.select("side", "id", "reason").rows() == [("deposit", "D2", "no candidate in the window")]


def test_engine_books_the_linked_transfer(tmp_path: Path) -> None:
    """The rewritten frame is a ledger the engine accepts: the 0.5 BTC moves; 0.5 - 0.4996 = 0.0004 is a network fee."""
    from zoneinfo import ZoneInfo

    from taxlots.lots.engine import Config, match
    from taxlots.lots.pool import Scope

    frame, _ = load(tmp_path, BASIC)
    out, _, _ = link(frame)
    result = match(ingest.to_rows(out), Config(scope=Scope.PER_WALLET, zone=ZoneInfo("UTC")))
    assert [d.message for d in result.diagnostics] == []
    held = {(lot.asset, lot.wallet): lot.quantity for lot in result.open_lots}
    # Kraken: 1 - 0.5 (sent) - 0.0001 (fee) = 0.4999; Coinbase: 0.4996 received; ETH 2 deposited
    assert held == {("BTC", "Kraken"): Decimal("0.4999"), ("BTC", "Coinbase"): Decimal("0.4996"), ("ETH", "Coinbase"): Decimal("2")}


def test_a_matched_deposit_keeps_its_own_fee_as_a_fee_row(tmp_path: Path) -> None:
    frame, _ = load(
        tmp_path,
        "2024-02-01T00:00:00Z,Kraken,withdrawal,BTC,0.5,,,,,,,W1,\n2024-02-01T01:00:00Z,Coinbase,deposit,,,BTC,0.5,USD,2,,,D1,\n",
    )
    out, _, _ = link(frame)
    assert out.select(COLS).rows() == [
        (0, "transfer", "Kraken", "Coinbase", "BTC", "0.5", "BTC", "0.5", None, None, None, "W1", "matched with deposit D1"),
        (1, "fee", "Coinbase", None, "USD", "2", None, None, None, None, None, "D1:fee", "fee of deposit D1 (matched with withdrawal W1)"),
    ]


def test_hash_columns_decide(tmp_path: Path) -> None:
    frame, _ = load(
        tmp_path,
        "2024-02-01T00:00:00Z,Kraken,withdrawal,BTC,0.5,,,,,,,W1,\n2024-02-09T00:00:00Z,Coinbase,deposit,,,BTC,0.4,,,,,D1,\n",
    )
    hashed = frame.with_columns(tx_hash=pl.lit("ab12"))  # 8 days and 20% apart: only the hash can pair them
    _, report, diags = link(hashed)
    assert report.pairs.select("withdrawal_id", "deposit_id", "rule").rows() == [("W1", "D1", "tx hash")]
    assert diags == []


def test_missing_basis_is_an_error_naming_file_line_asset_quantity(tmp_path: Path) -> None:
    frame, path = load(tmp_path, "2024-03-01T00:00:00Z,Coinbase,deposit,,,ETH,2.5,,,,,D9,\n")
    out, _, diags = link(frame)
    assert [(d.code, d.severity, str(d.source), d.message, d.hint) for d in diags] == [
        (
            Code.MISSING_BASIS,
            Severity.ERROR,
            f"{path}:2",
            "deposit of 2.5 ETH has no cost basis: no withdrawal matched it (no candidate in the window)",
            "add an override for id 'D9' (match, purchase, gift-received or income), or use --missing-basis zero",
        )
    ]
    assert out["usd_value"].to_list() == [None]


def test_missing_basis_zero_sets_zero_and_warns_per_lot(tmp_path: Path) -> None:
    frame, path = load(
        tmp_path, "2024-03-01T00:00:00Z,Coinbase,deposit,,,ETH,2.5,,,,,D9,\n2024-03-02T00:00:00Z,Coinbase,deposit,,,BTC,1,,,,,D10,\n"
    )
    out, _, diags = link(frame, missing_basis="zero")
    assert [(d.severity, str(d.source), d.message) for d in diags] == [
        (
            Severity.WARNING,
            f"{path}:2",
            "deposit of 2.5 ETH has no cost basis; zero assumed: no withdrawal matched it (no candidate in the window)",
        ),
        (
            Severity.WARNING,
            f"{path}:3",
            "deposit of 1 BTC has no cost basis; zero assumed: no withdrawal matched it (no candidate in the window)",
        ),
    ]
    assert out.select("usd_value", "price_source").rows() == [("0", "zero basis (assumed)"), ("0", "zero basis (assumed)")]


def test_a_usd_deposit_needs_no_basis(tmp_path: Path) -> None:
    frame, _ = load(tmp_path, "2024-03-01T00:00:00Z,Coinbase,deposit,,,USD,100,,,,,D1,\n")
    assert link(frame)[2] == []


def test_bad_missing_basis_mode_is_refused(tmp_path: Path) -> None:
    frame, _ = load(tmp_path, BASIC)
    with pytest.raises(ValueError, match="missing_basis"):
        link(frame, missing_basis="skip")


def test_window_and_tolerance_options(tmp_path: Path) -> None:
    # 0.5 -> 0.49 is 2% short, 3 hours later
    frame, _ = load(
        tmp_path, "2024-02-01T00:00:00Z,Kraken,withdrawal,BTC,0.5,,,,,,,W1,\n2024-02-01T03:00:00Z,Coinbase,deposit,,,BTC,0.49,,,,,D1,\n"
    )
    assert link(frame, missing_basis="zero")[1].pairs.height == 0
    assert link(frame, tolerance=Decimal("0.02"))[1].pairs.height == 1
    assert link(frame, tolerance=Decimal("0.02"), window=timedelta(hours=2), missing_basis="zero")[1].pairs.height == 0


# ---- overrides -------------------------------------------------------------------------------------------------

FAR = """\
2024-01-01T00:00:00Z,Kraken,trade,USD,1000,BTC,1,,,,,B1,
2024-02-01T00:00:00Z,Kraken,withdrawal,BTC,0.5,,,,,,,W1,
2024-02-10T00:00:00Z,Coinbase,deposit,,,BTC,0.45,,,,,D1,
2024-02-11T00:00:00Z,Ledger,deposit,,,BTC,0.5,,,,,D2,
"""


def test_match_override_forces_a_pair_outside_window_and_tolerance(tmp_path: Path) -> None:
    frame, _ = load(tmp_path, FAR)
    ovr, opath = overrides(tmp_path, "kind,id,with_id\nmatch,W1,D1\n")
    out, report, diags = link(frame, overrides=ovr, missing_basis="zero")
    assert report.pairs.select("withdrawal_id", "deposit_id", "rule").rows() == [("W1", "D1", "override")]
    assert out.filter(pl.col("id") == "W1").select("type", "to_wallet", "received_qty").rows() == [("transfer", "Coinbase", "0.45")]
    assert [d.message for d in diags if d.severity is Severity.ERROR] == []


def test_forbid_pair_and_forbid_alone(tmp_path: Path) -> None:
    body = "2024-02-01T00:00:00Z,Kraken,withdrawal,BTC,0.5,,,,,,,W1,\n2024-02-01T01:00:00Z,Coinbase,deposit,,,BTC,0.5,,,,,D1,\n"
    frame, _ = load(tmp_path, body)
    ovr, opath = overrides(tmp_path, "kind,id,with_id\nforbid,D1,W1\n")  # either order
    _, report, _ = link(frame, overrides=ovr, missing_basis="zero")
    assert report.pairs.height == 0
    barred = "1 row(s) in the window are forbidden by an override"
    assert report.unmatched.select("id", "reason", "detail").rows() == [
        ("W1", "no candidate in the window", barred),
        ("D1", "no candidate in the window", barred),
    ]
    ovr, opath = overrides(tmp_path, "kind,id\nforbid,W1\n", "alone.csv")
    _, report, _ = link(frame, overrides=ovr, missing_basis="zero")
    assert report.unmatched.select("id", "reason", "detail").rows() == [
        ("W1", "forbidden by override", f"forbid at {opath}:2"),
        ("D1", "no candidate in the window", ""),
    ]


DECLARED = """\
2024-02-01T00:00:00Z,Coinbase,deposit,,,BTC,0.1,,,,,P1,
2024-02-02T00:00:00Z,Coinbase,deposit,,,BTC,0.2,,,,,G1,
2024-02-03T00:00:00Z,Coinbase,deposit,,,ETH,3,,,,,I1,
2024-02-04T00:00:00Z,Coinbase,deposit,,,ETH,4,,,7000,,I2,
2024-02-05T00:00:00Z,Coinbase,withdrawal,BTC,0.01,,,,,,,S1,
2024-02-06T00:00:00Z,Coinbase,withdrawal,BTC,0.02,,,,,900,,S2,
2024-02-07T00:00:00Z,Coinbase,withdrawal,BTC,0.03,,,,,,,S3,
2024-02-08T00:00:00Z,Coinbase,withdrawal,BTC,0.04,,,,,,,S4,
2024-02-09T00:00:00Z,Coinbase,withdrawal,BTC,0.05,,,,,,,S5,
2024-02-10T00:00:00Z,Coinbase,withdrawal,BTC,0.06,,,,,,,S6,
"""

DECLARING = """\
kind,id,usd_value,acquired_at,fmv,income_type
purchase,P1,4000.5,2021-05-01T12:00:00Z,,
gift-received,G1,1500,2018-01-02,9000,
income,I1,,,,staking
income,I2,7100,,,
payment,S1,420,,,
payment,S2,,,,
gift-sent,S3,,,,
donation,S4,,,,
lost,S5,,,,
stolen,S6,,,,
"""


def test_each_override_kind_sets_its_columns(tmp_path: Path) -> None:
    frame, _ = load(tmp_path, DECLARED)
    ovr, opath = overrides(tmp_path, DECLARING)
    out, report, diags = link(frame, overrides=ovr)
    assert diags == []  # I1 keeps no usd_value, but it is income now: the engine asks for its value, not a basis
    cols = ("id", "type", "usd_value", "acquired_at", "gift_fmv", "disposition", "price_source")
    assert out.select(cols).rows() == [
        ("P1", "deposit", "4000.5", datetime(2021, 5, 1, 12, tzinfo=UTC), None, "purchase", "override"),
        ("G1", "deposit", "1500", datetime(2018, 1, 2, tzinfo=UTC), "9000", "gift", "override"),
        ("I1", "income", None, None, None, "staking", None),
        ("I2", "income", "7100", None, None, "income", "override"),
        ("S1", "spend", "420", None, None, "payment", "override"),
        ("S2", "spend", "900", None, None, "payment", None),
        ("S3", "withdrawal", None, None, None, "gift-sent", None),
        ("S4", "withdrawal", None, None, None, "donation", None),
        ("S5", "withdrawal", None, None, None, "lost", None),
        ("S6", "withdrawal", None, None, None, "stolen", None),
    ]
    assert report.unmatched.filter(pl.col("id") == "G1").select("reason", "detail").rows() == [
        ("declared by override", f"gift-received at {opath}:3")
    ]


def test_override_naming_no_row_is_an_error_with_its_file_and_line(tmp_path: Path) -> None:
    frame, _ = load(tmp_path, BASIC)
    ovr, opath = overrides(tmp_path, "kind,id,with_id\nlost,W1,\nmatch,W1,D404\n")
    _, _, diags = link(frame, overrides=ovr)
    # W1 is declared lost, so D1 is left without basis (an error of its own); the override's error names its line
    assert [(str(d.source), d.message, d.hint) for d in diags if d.code is Code.BAD_OVERRIDE] == [
        (f"{opath}:3", "no ledger row has id 'D404'", "an override names a row by the id column of the ledger `taxlots import` writes")
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("kind,id,usd_value,acquired_at\npurchase,W1,5,2021-01-01\n", "purchase applies to a deposit, but 'W1' is a withdrawal"),
        ("kind,id\nlost,D1\n", "lost applies to a withdrawal, but 'D1' is a deposit"),
        ("kind,id,with_id\nmatch,D1,W1\n", "match names a withdrawal and a deposit, but 'D1' is a deposit and 'W1' is a withdrawal"),
        ("kind,id,with_id\nmatch,W1,D2\n", "withdrawal 'W1' sends BTC but deposit 'D2' receives ETH"),
        ("kind,id\nlost,W1\ngift-sent,W1\n", "'W1' already has an override at {opath}:2"),
    ],
)
def test_override_that_does_not_fit_its_row(tmp_path: Path, text: str, message: str) -> None:
    frame, _ = load(tmp_path, BASIC)
    ovr, opath = overrides(tmp_path, text)
    _, _, diags = link(frame, overrides=ovr)
    assert [d.message for d in diags if d.code is Code.BAD_OVERRIDE] == [message.format(opath=opath)]


def test_toml_overrides_work_the_same(tmp_path: Path) -> None:
    frame, _ = load(tmp_path, FAR)
    ovr, _ = overrides(tmp_path, '[[override]]\nkind = "match"\nid = "W1"\nwith_id = "D1"\n', "o.toml")
    _, report, _ = link(frame, overrides=ovr, missing_basis="zero")
    assert report.pairs.select("withdrawal_id", "deposit_id").rows() == [("W1", "D1")]


def test_unreadable_overrides_file(tmp_path: Path) -> None:
    got, diags = read_overrides(str(tmp_path / "nope.csv"))
    assert got.items == () and [d.code for d in diags] == [Code.FILE_UNREADABLE]
    assert parse("kind,id\n", "x.csv")[0].items == ()


# ---- the ledger's units are conserved per asset ------------------------------------------------------------------


def net_by_asset(frame: pl.DataFrame) -> dict[str, Decimal]:
    """Plain reference: per asset, received minus sent minus fees over every row (a network fee is sent - received)."""
    net: dict[str, Decimal] = {}
    for row in frame.iter_rows(named=True):
        for asset_col, qty_col, sign in (
            ("received_asset", "received_qty", 1),
            ("sent_asset", "sent_qty", -1),
            ("fee_asset", "fee_qty", -1),
        ):
            if row[asset_col] is not None:
                net[row[asset_col]] = net.get(row[asset_col], Decimal(0)) + sign * Decimal(row[qty_col])
    return net


event = st.tuples(
    st.integers(0, 8),  # hours
    st.sampled_from(["Kraken", "Coinbase", "Ledger"]),
    st.booleans(),  # withdrawal or deposit
    st.sampled_from(["BTC", "ETH"]),
    st.sampled_from(["1", "0.999", "0.99", "0.5"]),
    st.sampled_from(["", "0.001", "fee2"]),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(event, min_size=1, max_size=10))
def test_linking_never_changes_the_units_per_asset(tmp_path: Path, events: list[tuple]) -> None:  # type: ignore[type-arg]
    lines = []
    for n, (hour, wallet, out, asset, qty, fee) in enumerate(events):
        fee_cols = "" if fee == "" else (f"{asset},{fee}" if fee != "fee2" else "USD,2")
        fee_cols = fee_cols or ","
        ts = f"2024-01-01T{hour:02d}:00:00Z"
        if out:
            lines.append(f"{ts},{wallet},withdrawal,{asset},{qty},,,{fee_cols},,,W{n},")
        else:
            lines.append(f"{ts},{wallet},deposit,,,{asset},{qty},{fee_cols},,,D{n},")
    frame, _ = load(tmp_path, "\n".join(lines) + "\n")
    out, report, _ = link(frame, missing_basis="zero")
    assert net_by_asset(out) == net_by_asset(frame)
    assert out.height == frame.height - report.pairs.height + out.filter(pl.col("type") == "fee").height


def test_quantities_too_long_for_128_bits_stay_exact(tmp_path: Path) -> None:
    """30 decimals and 10 integer digits need 40 digits, more than polars' decimal holds: the exact fallback is used."""
    body = "2024-02-01T00:00:00Z,Kraken,withdrawal,BTC,1,,,,,,,W1,\n2024-02-01T01:00:00Z,Coinbase,deposit,,,BTC,1,,,,,D1,\n"
    frame, _ = load(tmp_path, body)
    sent, got = "1234567890.000000000000000000000000000002", "1234567890.000000000000000000000000000001"
    long = frame.with_columns(
        sent_qty=pl.when(pl.col("id") == "W1").then(pl.lit(sent)), received_qty=pl.when(pl.col("id") == "D1").then(pl.lit(got))
    )
    out, report, _ = link(long)
    assert report.pairs.select("sent", "received").rows() == [(sent, got)]
    assert out.select("type", "sent_qty", "received_qty").rows() == [("transfer", sent, got)]
    _, report, _ = link(long.with_columns(sent_qty=pl.when(pl.col("id") == "W1").then(pl.lit(got))), missing_basis="zero")
    assert report.pairs.height == 1  # equal is fine
    # one unit of the 30th decimal more than sent: never a pair, however tiny the difference
    _, report, _ = link(
        long.with_columns(received_qty=pl.when(pl.col("id") == "D1").then(pl.lit("1234567890.000000000000000000000000000003"))),
        missing_basis="zero",
    )
    assert report.pairs.height == 0


# ---- through the whole pipeline: matching moves lots, it never makes or loses quantity or basis -------------------

WALLETS = ("Kraken", "Coinbase", "Ledger")
buy = st.tuples(st.sampled_from(WALLETS), st.sampled_from(["BTC", "ETH"]), st.integers(1, 50), st.integers(1, 99_999))
move = st.tuples(
    st.sampled_from(WALLETS),
    st.sampled_from(WALLETS),
    st.sampled_from(["BTC", "ETH"]),
    st.integers(1, 4),  # the fraction of the source's holding sent, in quarters
    st.integers(0, 9),  # the network fee, in thousandths of what was sent (under the 1% tolerance)
)


def _year(
    buys: list[tuple[str, str, int, int]], moves: list[tuple[str, str, str, int, int]]
) -> tuple[str, dict[str, int], dict[tuple[str, str], Decimal], int]:
    """A ledger of buys, then transfers between the wallets (three days apart, so each pair is unambiguous).

    Returns the ledger's text and the plain reference: what was paid per asset in cents, what each wallet
    holds of each asset at the end, and how many transfers there are. Quantities are tenths; each move sends
    a quarter-multiple of what the source holds.
    """
    lines, paid = [], {"BTC": 0, "ETH": 0}
    held: dict[tuple[str, str], Decimal] = {}
    for n, (wallet, asset, tenths, cents) in enumerate(buys):
        qty = Decimal(tenths) / 10
        lines.append(f"2024-01-01T{n % 24:02d}:{n // 24:02d}:00Z,{wallet},trade,USD,{Decimal(cents) / 100},{asset},{qty},,,,,B{n},")
        paid[asset] += cents
        held[wallet, asset] = held.get((wallet, asset), Decimal(0)) + qty
    transfers = 0
    start = datetime(2024, 2, 1, tzinfo=UTC)
    for n, (src, dst, asset, quarters, per_mille) in enumerate(moves):
        sent = held.get((src, asset), Decimal(0)) * quarters / 4
        if src == dst or sent == 0:
            continue
        got = sent - sent * per_mille / 1000
        at = start + timedelta(days=3 * n)
        value = sent * 1000  # what was sent is worth 1000 USD a unit: the network fee's value, when it is sold
        lines.append(f"{at:%Y-%m-%dT%H:%M:%SZ},{src},withdrawal,{asset},{sent},,,,,{value},,W{n},")
        lines.append(f"{at + timedelta(hours=1):%Y-%m-%dT%H:%M:%SZ},{dst},deposit,,,{asset},{got},,,,,D{n},")
        held[src, asset] -= sent
        held[dst, asset] = held.get((dst, asset), Decimal(0)) + got
        transfers += 1
    return "\n".join(lines) + "\n", paid, held, transfers


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(buy, min_size=1, max_size=6), st.lists(move, max_size=6), st.sampled_from(list(NetworkFee)), st.sampled_from(list(Scope)))
def test_matched_transfers_keep_every_dollar_of_basis_under_each_scope_and_fee_policy(
    tmp_path: Path,
    buys: list[tuple[str, str, int, int]],
    moves: list[tuple[str, str, str, int, int]],
    fee: NetworkFee,
    scope: Scope,
) -> None:
    text, paid, held, transfers = _year(buys, moves)
    path = tmp_path / "year.csv"
    path.write_text(HEADER + text)
    run = pipeline.run([str(path)], zone=UTC, scope=scope, network_fee=fee)
    errors = [d.render() for d in run.diagnostics if d.severity is Severity.ERROR]
    assert run.transfers.pairs.height == transfers and errors == [], errors
    for asset, cents in paid.items():
        kept = sum((lot.basis for lot in run.result.open_lots if lot.asset == asset), Decimal(0))
        sold = [d for d in run.result.disposals if d.asset == asset]  # only network fees are ever disposed of here
        assert kept + sum((d.basis for d in sold), Decimal(0)) == Decimal(cents) / 100
        if fee is NetworkFee.BASIS:
            assert sold == []  # the fee units' basis went on to the units that arrived
    # and the units: each wallet holds what the reference says (per wallet), or at least each asset does (universal)
    lots: dict[tuple[str, str], Decimal] = {}
    for lot in run.result.open_lots:
        key = (lot.wallet if scope is Scope.PER_WALLET else "", lot.asset)
        lots[key] = lots.get(key, Decimal(0)) + lot.quantity
    want: dict[tuple[str, str], Decimal] = {}
    for (wallet, asset), qty in held.items():
        key = (wallet if scope is Scope.PER_WALLET else "", asset)
        want[key] = want.get(key, Decimal(0)) + qty
    assert lots == {k: q for k, q in want.items() if q}


def test_a_transfer_in_transit_over_the_year_end_keeps_its_lot_dates_and_basis(tmp_path: Path) -> None:
    body = (
        "2023-01-01T12:00:00Z,Kraken,trade,USD,20000,BTC,1,,,,,B1,\n"
        "2023-12-31T23:30:00Z,Kraken,withdrawal,BTC,1,,,,,,,W1,\n"  # leaves in 2023 ...
        "2024-01-01T09:00:00Z,Coinbase,deposit,,,BTC,1,,,,,D1,\n"  # ... arrives in 2024
        "2024-01-02T12:00:00Z,Coinbase,trade,BTC,0.5,USD,21000,,,,,S1,\n"
    )
    path = tmp_path / "year.csv"
    path.write_text(HEADER + body)
    for scope in (Scope.UNIVERSAL, Scope.PER_WALLET):
        run = pipeline.run([str(path)], zone=UTC, scope=scope)
        assert [d.render() for d in run.diagnostics if d.severity is Severity.ERROR] == []
        (sale,) = run.result.disposals
        (piece,) = sale.slices
        # acquired 2023-01-01, sold 2024-01-02: more than a year, long-term; half the lot's 20000 basis
        assert (sale.wallet, piece.acquired_date, piece.long_term, piece.basis) == ("Coinbase", date(2023, 1, 1), True, Decimal(10000))
        (lot,) = run.result.open_lots
        assert (lot.wallet, lot.quantity, lot.basis, lot.acquired_date) == (
            "Coinbase" if scope is Scope.PER_WALLET else lot.wallet,
            Decimal("0.5"),
            Decimal(10000),
            date(2023, 1, 1),
        )


@pytest.mark.parametrize(
    ("sent", "got", "pairs"),
    [
        ("0x" + "ab" * 32, "AB" * 32, True),  # Etherscan's 0x-lower form and an exchange's bare upper-case form
        ("0X" + "Ab" * 32, " " + "ab" * 32 + " ", True),
        ("0x" + "ab" * 32, "0x" + "ac" * 32, False),  # different hashes never pair
        ("5VERv8NMvzbJMEkV8xnrLkEaWRtSz9CosKDYjCJjBRnb", "5verv8nmvzbjmekv8xnrlkeawrtsz9coskdycjjbrnb", False),  # base58: case counts
    ],
)
def test_hex_hashes_pair_whatever_their_case_or_prefix(tmp_path: Path, sent: str, got: str, pairs: bool) -> None:
    frame, _ = load(
        tmp_path,
        "2024-02-01T00:00:00Z,Kraken,withdrawal,BTC,0.5,,,,,,,W1,\n2024-02-09T00:00:00Z,Coinbase,deposit,,,BTC,0.4,,,,,D1,\n",
    )
    hashed = frame.with_columns(tx_hash=pl.when(pl.col("id") == "W1").then(pl.lit(sent)).otherwise(pl.lit(got)))
    _, report, _ = link(hashed, missing_basis="zero")  # 8 days and 20% apart: only the hash can pair them
    assert report.pairs.height == (1 if pairs else 0)
