"""Matching withdrawals to deposits: each rule by hand, then the whole matcher against a brute-force reference."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from taxlots.transfers.match import Matching, Pair, Reason, Rule, Unmatched, match
from tests.transfers._sides import SCALE, Row, side

H48 = 48 * 60  # minutes


def run(ws: list[Row], ds: list[Row], **kw: object) -> Matching:
    return match(side(ws), side(ds), scale=SCALE, **kw)  # type: ignore[arg-type]


def reasons(m: Matching) -> dict[int, Reason]:
    return {u.seq: u.reason for u in m.unmatched}


def test_exact_match() -> None:
    m = run([(0, "W", 0, "Kraken", "BTC", "1", "0", None)], [(1, "D", 30, "Coinbase", "BTC", "1", "0", None)])
    assert m.pairs() == [Pair(0, 1, Rule.CLOSEST)]
    assert m.unmatched == []


def test_shortfall_within_one_percent_matches() -> None:
    # 1 - 0.99 = 0.01 = 1% of 1: the boundary is inside.
    m = run([(0, "W", 0, "Kraken", "BTC", "1", "0", None)], [(1, "D", 30, "Coinbase", "BTC", "0.99", "0", None)])
    assert m.pairs() == [Pair(0, 1, Rule.CLOSEST)]


def test_withdrawal_fee_widens_the_tolerance() -> None:
    # 1 - 0.98 = 0.02 > 1% of 1 = 0.01, but the withdrawal's own BTC fee is 0.02: max(0.01, 0.02) = 0.02 allows it.
    m = run([(0, "W", 0, "Kraken", "BTC", "1", "0.02", None)], [(1, "D", 30, "Coinbase", "BTC", "0.98", "0", None)])
    assert m.pairs() == [Pair(0, 1, Rule.CLOSEST)]


def test_configured_tolerance() -> None:
    # 1 - 0.98 = 0.02 <= 5% of 1 = 0.05
    ws, ds = [(0, "W", 0, "Kraken", "BTC", "1", "0", None)], [(1, "D", 30, "Coinbase", "BTC", "0.98", "0", None)]
    assert run(ws, ds, tolerance=Decimal("0.05")).pairs() == [Pair(0, 1, Rule.CLOSEST)]
    assert run(ws, ds).pairs() == []


def test_amount_too_different_says_by_how_much() -> None:
    # 1 - 0.98 = 0.02 = 2% of 1; allowed max(1% of 1, no fee) = 0.01.
    m = run([(0, "W", 0, "Kraken", "BTC", "1", "0", None)], [(1, "D", 30, "Coinbase", "BTC", "0.98", "0", None)])
    detail = "withdrawal W sends 1, deposit D receives 0.98: 0.02 less (2%); at most 0.01 less is allowed"
    assert m.unmatched == [
        Unmatched(seq=0, side="withdrawal", reason=Reason.AMOUNT, detail=detail),
        Unmatched(seq=1, side="deposit", reason=Reason.AMOUNT, detail=detail),
    ]


def test_deposit_larger_than_withdrawal_never_matches() -> None:
    # 1.5 - 1 = 0.5 more = 50% of 1
    m = run([(0, "W", 0, "Kraken", "BTC", "1", "0", None)], [(1, "D", 30, "Coinbase", "BTC", "1.5", "0", None)])
    assert m.pairs() == []
    assert m.unmatched[0].detail == "withdrawal W sends 1, deposit D receives 1.5: 0.5 more (50%); at most 0.01 less is allowed"


def test_window_boundary() -> None:
    ws = [(0, "W", 0, "Kraken", "BTC", "1", "0", None)]
    assert run(ws, [(1, "D", H48, "Coinbase", "BTC", "1", "0", None)]).pairs() == [Pair(0, 1, Rule.CLOSEST)]  # exactly 48 h: inside
    m = run(ws, [(1, "D", H48 + 1, "Coinbase", "BTC", "1", "0", None)])  # one minute past
    assert m.pairs() == []
    assert reasons(m) == {0: Reason.NO_CANDIDATE, 1: Reason.NO_CANDIDATE}
    assert run(ws, [(1, "D", 90, "Coinbase", "BTC", "1", "0", None)], window=timedelta(hours=1)).pairs() == []


def test_deposit_before_withdrawal_never_matches() -> None:
    m = run([(1, "W", 10, "Kraken", "BTC", "1", "0", None)], [(0, "D", 9, "Coinbase", "BTC", "1", "0", None)])
    assert m.pairs() == []
    assert reasons(m) == {0: Reason.NO_CANDIDATE, 1: Reason.NO_CANDIDATE}


def test_equal_hashes_match_outside_window_and_tolerance() -> None:
    # 5 days apart and 10% short: the hash decides.
    m = run([(0, "W", 0, "Kraken", "BTC", "1", "0", "abc")], [(1, "D", 5 * 24 * 60, "Coinbase", "BTC", "0.9", "0", "abc")])
    assert m.pairs() == [Pair(0, 1, Rule.HASH)]


def test_equal_hash_wins_over_a_closer_unhashed_deposit() -> None:
    ws = [(0, "W", 0, "Kraken", "BTC", "1", "0", "abc")]
    ds = [(1, "D1", 1, "Coinbase", "BTC", "1", "0", None), (2, "D2", 50, "Ledger", "BTC", "1", "0", "abc")]
    assert run(ws, ds).pairs() == [Pair(0, 2, Rule.HASH)]


def test_different_hashes_never_match() -> None:
    m = run([(0, "W", 0, "Kraken", "BTC", "1", "0", "abc")], [(1, "D", 30, "Coinbase", "BTC", "1", "0", "xyz")])
    assert m.pairs() == []
    assert m.unmatched[0] == Unmatched(
        seq=0, side="withdrawal", reason=Reason.NO_CANDIDATE, detail="1 row(s) in the window carry a different tx hash"
    )


def test_hash_on_one_side_only_falls_back_to_time_and_amount() -> None:
    m = run([(0, "W", 0, "Kraken", "BTC", "1", "0", "abc")], [(1, "D", 30, "Coinbase", "BTC", "1", "0", None)])
    assert m.pairs() == [Pair(0, 1, Rule.CLOSEST)]


def test_ambiguous_tie_leaves_all_unmatched() -> None:
    ws = [(0, "W", 0, "Kraken", "BTC", "1", "0", None)]
    ds = [(1, "D1", 10, "Coinbase", "BTC", "1", "0", None), (2, "D2", 10, "Ledger", "BTC", "1", "0", None)]
    m = run(ws, ds)
    assert m.pairs() == []
    how = "(the same time gap and amount difference)"
    assert m.unmatched == [
        Unmatched(seq=0, side="withdrawal", reason=Reason.AMBIGUOUS, detail=f"deposits D1, D2 fit equally well {how}"),
        Unmatched(seq=1, side="deposit", reason=Reason.AMBIGUOUS, detail=f"withdrawal W fits deposits D1, D2 equally well {how}"),
        Unmatched(seq=2, side="deposit", reason=Reason.AMBIGUOUS, detail=f"withdrawal W fits deposits D1, D2 equally well {how}"),
    ]


def test_two_withdrawals_tied_for_one_deposit_are_ambiguous() -> None:
    ws = [(0, "W1", 0, "Kraken", "BTC", "1", "0", None), (1, "W2", 0, "Binance", "BTC", "1", "0", None)]
    m = run(ws, [(2, "D", 10, "Coinbase", "BTC", "1", "0", None)])
    assert m.pairs() == []
    assert reasons(m) == {0: Reason.AMBIGUOUS, 1: Reason.AMBIGUOUS, 2: Reason.AMBIGUOUS}


def test_same_wallet_never_matches() -> None:
    m = run([(0, "W", 0, "Kraken", "BTC", "1", "0", None)], [(1, "D", 30, "Kraken", "BTC", "1", "0", None)])
    assert m.pairs() == []
    assert reasons(m) == {0: Reason.NO_CANDIDATE, 1: Reason.NO_CANDIDATE}


def test_other_asset_never_matches() -> None:
    assert run([(0, "W", 0, "Kraken", "BTC", "1", "0", None)], [(1, "D", 30, "Coinbase", "ETH", "1", "0", None)]).pairs() == []


def test_closest_in_time_wins_the_deposit() -> None:
    # W2 is 5 minutes before D, W1 10: W2 takes it, W1's only candidate is gone.
    ws = [(0, "W1", 0, "Kraken", "BTC", "1", "0", None), (1, "W2", 5, "Binance", "BTC", "1", "0", None)]
    m = run(ws, [(2, "D", 10, "Coinbase", "BTC", "1", "0", None)])
    assert m.pairs() == [Pair(1, 2, Rule.CLOSEST)]
    assert m.unmatched == [Unmatched(seq=0, side="withdrawal", reason=Reason.TAKEN, detail="every candidate matched a closer row")]


def test_amount_breaks_a_tie_in_time() -> None:
    # Both 10 minutes later; D2 short by 0, D1 by 0.005: D2 is closer. D1 was a candidate, so it was taken.
    ws = [(0, "W", 0, "Kraken", "BTC", "1", "0", None)]
    ds = [(1, "D1", 10, "Coinbase", "BTC", "0.995", "0", None), (2, "D2", 10, "Ledger", "BTC", "1", "0", None)]
    m = run(ws, ds)
    assert m.pairs() == [Pair(0, 2, Rule.CLOSEST)]
    assert reasons(m) == {1: Reason.TAKEN}


def test_chain_of_competitors_resolves_closest_first() -> None:
    # W1-D1 gap 10, W2-D1 gap 5, W2-D2 gap 15. Greedy by gap: W2-D1 (5) first, then W1 has nothing, D2 nothing.
    ws = [(0, "W1", 0, "Kraken", "BTC", "1", "0", None), (1, "W2", 5, "Binance", "BTC", "1", "0", None)]
    ds = [(2, "D1", 10, "Coinbase", "BTC", "1", "0", None), (3, "D2", 20, "Ledger", "BTC", "1", "0", None)]
    m = run(ws, ds)
    # W1 also reaches D2 (gap 20): after W2-D1, W1-D2 is the next free pair.
    assert m.pairs() == [Pair(0, 3, Rule.CLOSEST), Pair(1, 2, Rule.CLOSEST)]


def test_forbidden_pair_is_skipped() -> None:
    ws = [(0, "W", 0, "Kraken", "BTC", "1", "0", None)]
    ds = [(1, "D1", 10, "Coinbase", "BTC", "1", "0", None), (2, "D2", 20, "Ledger", "BTC", "1", "0", None)]
    assert run(ws, ds, forbidden={(0, 1)}).pairs() == [Pair(0, 2, Rule.CLOSEST)]


# ---- the whole matcher against a plainly written reference ------------------------------------------------------


def reference(ws: list[Row], ds: list[Row], window_min: int, tol: Decimal) -> tuple[set[tuple[int, int]], dict[int, Reason]]:
    """All pairs, checked one by one; then the greedy closest-first choice with exact ties left ambiguous."""
    cands = []
    for w in ws:
        for d in ds:
            if w[4] != d[4] or w[3] == d[3]:
                continue
            sent, got = Decimal(w[5]), Decimal(d[5])
            if w[7] is not None and d[7] is not None:
                if w[7] == d[7] and got <= sent:
                    cands.append(((0, abs(d[2] - w[2]), sent - got), w[0], d[0]))
                continue
            allowed = max(sent * tol, Decimal(w[6]))
            if 0 <= d[2] - w[2] <= window_min and Decimal(0) <= sent - got <= allowed:
                cands.append(((1, d[2] - w[2], sent - got), w[0], d[0]))
    cands.sort()
    taken: set[int] = set()
    pairs: set[tuple[int, int]] = set()
    why: dict[int, Reason] = {}
    keys = sorted({c[0] for c in cands})
    for key in keys:
        group = [c for c in cands if c[0] == key and c[1] not in taken and c[2] not in taken]
        for c in group:
            rivals = [g for g in group if g[1] == c[1] or g[2] == c[2]]
            if len(rivals) == 1:
                pairs.add((c[1], c[2]))
            else:
                why[c[1]] = why[c[2]] = Reason.AMBIGUOUS
        for c in group:
            taken.update((c[1], c[2]))
    had = {c[1] for c in cands} | {c[2] for c in cands}
    for row, other, is_w in [(w, ds, True) for w in ws] + [(d, ws, False) for d in ds]:
        if row[0] in taken and row[0] not in why:
            continue
        if row[0] in why:
            continue
        if row[0] in had:
            why[row[0]] = Reason.TAKEN
            continue
        near = [
            o
            for o in other
            if o[4] == row[4]
            and o[3] != row[3]
            and not (o[7] is not None and row[7] is not None)
            and 0 <= ((o[2] - row[2]) if is_w else (row[2] - o[2])) <= window_min
        ]
        why[row[0]] = Reason.AMOUNT if near else Reason.NO_CANDIDATE
    return pairs, why


QTYS = ["1", "0.995", "0.99", "0.98", "1.01", "2"]
row_parts = st.tuples(
    st.integers(0, 6),  # time in units of 12 h
    st.sampled_from(["A", "B", "C"]),
    st.sampled_from(["BTC", "ETH"]),
    st.sampled_from(QTYS),
    st.sampled_from(["0", "0", "0.02"]),
    st.sampled_from([None, None, "h1", "h2"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(row_parts, max_size=7), st.lists(row_parts, max_size=7), st.sampled_from([24, 48]))
def test_matches_the_brute_force_reference(wparts: list[tuple], dparts: list[tuple], hours: int) -> None:  # type: ignore[type-arg]
    ws: list[Row] = [(i, f"W{i}", t * 720, wal, a, q, f, h) for i, (t, wal, a, q, f, h) in enumerate(wparts)]
    n = len(ws)
    ds: list[Row] = [(n + i, f"D{i}", t * 720, wal, a, q, "0", h) for i, (t, wal, a, q, _, h) in enumerate(dparts)]
    m = run(ws, ds, window=timedelta(hours=hours))
    want_pairs, want_why = reference(ws, ds, hours * 60, Decimal("0.01"))
    assert {(p.withdrawal, p.deposit) for p in m.pairs()} == want_pairs
    assert reasons(m) == want_why
    assert len(m.withdrawal) * 2 + len(m.unmatched) == len(ws) + len(ds)  # every row is either paired or explained
