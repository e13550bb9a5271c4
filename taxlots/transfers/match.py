"""Match each crypto withdrawal to the deposit it became in another of the user's wallets.

A withdrawal ``w`` and a deposit ``d`` are *candidates* for each other when they are of the same asset, in
different wallets, the pair is not forbidden, and either

- both carry a tx hash and the hashes are equal (the hash decides: time and tolerance are not checked, only
  that ``d`` receives no more than ``w`` sends), or
- at most one carries a tx hash (two different hashes never match), ``0 <= d.time - w.time <= window``, and
  ``0 <= w.qty - d.qty <= allowed(w)``, where ``allowed(w) = max(tolerance * w.qty, w.fee)`` and ``w.fee`` is
  the withdrawal's own fee when it is paid in the same asset (else 0).

**Closeness** of a pair is the key ``(tier, gap, shortfall, w.seq, d.seq)``: ``tier`` is 0 for equal hashes
and 1 otherwise, ``gap = |d.time - w.time|`` in microseconds, ``shortfall = w.qty - d.qty``. Matching is
one-to-one and greedy on that key: pairs are taken closest first, a pair only when both rows are still free.
Pairs that tie on ``(tier, gap, shortfall)`` are taken together: if a free row occurs in two of them, the
choice would rest on row order alone, so every row of those tied pairs is left unmatched as ``ambiguous``
(an override decides). A pair whose two rows have no other candidate is matched at once (the greedy loop
would match it anyway), so the sort runs only over the rows that compete.

**Finding candidates** never looks at all pairs. Per asset, withdrawals and deposits are sorted by
``(time, seq)``; the withdrawals are swept in time order while the deposits timed in ``[w.time, w.time +
window]`` are kept in one list sorted by ``(qty, seq)``: each deposit enters and leaves it once, and a
withdrawal's candidates are the bisected slice ``[w.qty - allowed(w), w.qty]``. Same-hash pairs come from a
dict keyed by ``(asset, hash)``. Quantities are exact scaled integers (``qty * 10**scale``).

Rows left unmatched get a :class:`Reason`, worked out only for them: ``ambiguous``; ``candidate matched
elsewhere`` (every candidate went to a closer row); ``amount too different`` (a row of the other side sits
in the window but outside the tolerance; the detail names the closest one by amount and by how much); or
``no candidate in the window``.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

from taxlots.model.money import decimal_context, plain

DEFAULT_WINDOW = timedelta(hours=48)
DEFAULT_TOLERANCE = Decimal("0.01")


class Reason(StrEnum):
    """Why a withdrawal or deposit was not matched."""

    NO_CANDIDATE = "no candidate in the window"
    AMOUNT = "amount too different"
    AMBIGUOUS = "ambiguous"
    TAKEN = "candidate matched elsewhere"
    FORBIDDEN = "forbidden by override"
    DECLARED = "declared by override"


class Rule(StrEnum):
    """What made a pair."""

    HASH = "tx hash"
    CLOSEST = "time and amount"
    OVERRIDE = "override"


@dataclass(frozen=True, slots=True, kw_only=True)
class Side:
    """The withdrawals (or the deposits) to match, as parallel columns: entry ``i`` of each is one row.

    ``time`` is microseconds since the epoch (UTC); ``qty`` and ``fee`` are scaled integers (``value *
    10**scale``); ``fee`` is a withdrawal's fee paid in the asset it sends (0 when none; ignored for
    deposits); ``tx_hash`` is None when the export gives none.
    """

    seq: Sequence[int]
    id: Sequence[str]
    time: Sequence[int]
    wallet: Sequence[str]
    asset: Sequence[str]
    qty: Sequence[int]
    fee: Sequence[int]
    tx_hash: Sequence[str | None]

    def __len__(self) -> int:
        return len(self.seq)


class Pair(NamedTuple):
    """A withdrawal (its ``seq``) and the deposit it became; a NamedTuple, as a run can make 10^5 of them."""

    withdrawal: int
    deposit: int
    rule: Rule


@dataclass(frozen=True, slots=True, kw_only=True)
class Unmatched:
    """A withdrawal or deposit (its ``seq``) left unmatched, and why."""

    seq: int
    side: str  # "withdrawal" or "deposit"
    reason: Reason
    detail: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Matching:
    """The pairs in withdrawal ``seq`` order, and the unmatched rows in ``seq`` order."""

    pairs: list[Pair]
    unmatched: list[Unmatched]


_TIED = 3  # a candidate tuple is (tier, gap, shortfall, w.seq, d.seq, w index, d index); the first 3 are the closeness


def match(
    withdrawals: Side,
    deposits: Side,
    *,
    scale: int,
    window: timedelta = DEFAULT_WINDOW,
    tolerance: Decimal = DEFAULT_TOLERANCE,
    forbidden: Collection[tuple[int, int]] = (),
) -> Matching:
    """Pair withdrawals with deposits one-to-one, closest first (see the module docstring for the exact rules).

    Args:
        withdrawals: the crypto withdrawals that may be transfers out.
        deposits: the crypto deposits that may be transfers in.
        scale: quantities are ``value * 10**scale``.
        window: the longest a deposit may arrive after its withdrawal.
        tolerance: the fraction of the withdrawal the deposit may be short by (at least the withdrawal's fee).
        forbidden: ``(withdrawal seq, deposit seq)`` pairs that must never match.

    Returns:
        The :class:`Matching`: pairs and unmatched rows with their reasons.
    """
    win = window // timedelta(microseconds=1)
    num, den = tolerance.as_integer_ratio()
    cands = _candidates(withdrawals, deposits, win, num, den, set(forbidden))
    pairs, ambiguous = _choose(cands, withdrawals, deposits)
    matched_w = {wi for wi, _, _ in pairs}
    matched_d = {di for _, di, _ in pairs}
    has_w = {c[5] for c in cands}
    has_d = {c[6] for c in cands}
    unmatched = [
        *_explain(withdrawals, deposits, "withdrawal", matched_w, has_w, ambiguous[0], win, num, den, scale),
        *_explain(deposits, withdrawals, "deposit", matched_d, has_d, ambiguous[1], win, num, den, scale),
    ]
    unmatched.sort(key=lambda u: u.seq)
    out = [Pair(withdrawals.seq[wi], deposits.seq[di], rule) for wi, di, rule in pairs]
    out.sort()
    return Matching(pairs=out, unmatched=unmatched)


def _by_asset(side: Side) -> dict[str, list[int]]:
    """Row indices per asset, each list sorted by ``(time, seq)``."""
    groups: dict[str, list[int]] = {}
    for i in sorted(range(len(side)), key=lambda i: (side.time[i], side.seq[i])):
        groups.setdefault(side.asset[i], []).append(i)
    return groups


def _candidates(
    ws: Side, ds: Side, win: int, num: int, den: int, forbidden: set[tuple[int, int]]
) -> list[tuple[int, int, int, int, int, int, int]]:
    """Every candidate pair as ``(tier, gap, shortfall, w.seq, d.seq, w index, d index)``: the sweep and the hash dict."""
    out: list[tuple[int, int, int, int, int, int, int]] = []
    wt, wq, wf, wh, ww, wseq = ws.time, ws.qty, ws.fee, ws.tx_hash, ws.wallet, ws.seq
    dt, dq, dh, dw, dseq = ds.time, ds.qty, ds.tx_hash, ds.wallet, ds.seq
    by_hash: dict[tuple[str, str], list[int]] = {}
    for di, h in enumerate(dh):
        if h is not None:
            by_hash.setdefault((ds.asset[di], h), []).append(di)
    deposits_of = _by_asset(ds)
    for asset, wrows in _by_asset(ws).items():
        drows = deposits_of.get(asset, [])
        active: list[tuple[int, int, int]] = []  # (qty, seq, index) of the deposits timed in [t, t + win]
        add = drop = 0
        for wi in wrows:
            t, q, h, wallet = wt[wi], wq[wi], wh[wi], ww[wi]
            while add < len(drows) and dt[drows[add]] <= t + win:
                di = drows[add]
                insort(active, (dq[di], dseq[di], di))
                add += 1
            while drop < add and dt[drows[drop]] < t:
                di = drows[drop]
                del active[bisect_left(active, (dq[di], dseq[di], di))]
                drop += 1
            allowed = max(q * num // den, wf[wi])
            for k in range(bisect_left(active, (q - allowed,)), bisect_left(active, (q + 1,))):
                di = active[k][2]
                if dw[di] == wallet or (h is not None and dh[di] is not None):
                    continue  # same wallet; or both hashed (equal ones come from the dict, different ones never match)
                if forbidden and (wseq[wi], dseq[di]) in forbidden:
                    continue
                out.append((1, dt[di] - t, q - dq[di], wseq[wi], dseq[di], wi, di))
            if h is not None:
                for di in by_hash.get((asset, h), ()):
                    if dw[di] != wallet and dq[di] <= q and not (forbidden and (wseq[wi], dseq[di]) in forbidden):
                        out.append((0, abs(dt[di] - t), q - dq[di], wseq[wi], dseq[di], wi, di))
    return out


def _choose(
    cands: list[tuple[int, int, int, int, int, int, int]], ws: Side, ds: Side
) -> tuple[list[tuple[int, int, Rule]], tuple[dict[int, str], dict[int, str]]]:
    """The greedy one-to-one choice. Returns ``(w index, d index, rule)`` pairs and the ambiguous rows' details."""
    count_w: dict[int, int] = {}
    count_d: dict[int, int] = {}
    for c in cands:
        count_w[c[5]] = count_w.get(c[5], 0) + 1
        count_d[c[6]] = count_d.get(c[6], 0) + 1
    pairs: list[tuple[int, int, Rule]] = []
    rest = []
    for c in cands:
        if count_w[c[5]] == 1 and count_d[c[6]] == 1:
            pairs.append((c[5], c[6], Rule.HASH if c[0] == 0 else Rule.CLOSEST))
        else:
            rest.append(c)
    rest.sort()
    taken_w: set[int] = set()
    taken_d: set[int] = set()
    amb_w: dict[int, str] = {}
    amb_d: dict[int, str] = {}
    i = 0
    while i < len(rest):
        j = i + 1
        while j < len(rest) and rest[j][:_TIED] == rest[i][:_TIED]:
            j += 1
        group = [c for c in rest[i:j] if c[5] not in taken_w and c[6] not in taken_d]
        i = j
        seen_w: dict[int, list[int]] = {}
        seen_d: dict[int, list[int]] = {}
        for c in group:
            seen_w.setdefault(c[5], []).append(c[6])
            seen_d.setdefault(c[6], []).append(c[5])
        for c in group:
            wi, di = c[5], c[6]
            if len(seen_w[wi]) == 1 and len(seen_d[di]) == 1:
                pairs.append((wi, di, Rule.HASH if c[0] == 0 else Rule.CLOSEST))
            else:
                fits_w = [ds.id[d] for d in seen_w[wi]]
                fits_d = [ws.id[w] for w in seen_d[di]]
                amb_w.setdefault(wi, _tie(c, "deposit", fits_w, "withdrawal", fits_d))
                amb_d.setdefault(di, _tie(c, "withdrawal", fits_d, "deposit", fits_w))
            taken_w.add(wi)
            taken_d.add(di)
    return pairs, (amb_w, amb_d)


def _tie(cand: tuple[int, ...], mine: str, my_fits: list[str], theirs: str, their_fits: list[str]) -> str:
    """Which rows tie: this row's own candidates, or the rows competing with it for its one candidate."""
    how = "the same tx hash" if cand[0] == 0 else "the same time gap and amount difference"
    if len(my_fits) > 1:
        return f"{mine}s {', '.join(sorted(my_fits))} fit equally well ({how})"
    return f"{mine} {my_fits[0]} fits {theirs}s {', '.join(sorted(their_fits))} equally well ({how})"


def _explain(
    side: Side,
    other: Side,
    name: str,
    matched: set[int],
    had: set[int],
    ambiguous: dict[int, str],
    win: int,
    num: int,
    den: int,
    scale: int,
) -> list[Unmatched]:
    """The reason each row of ``side`` that is not in ``matched`` was left over."""
    out: list[Unmatched] = []
    lone = [i for i in range(len(side)) if i not in matched]
    if not lone:
        return out
    others = _by_asset(other)
    times = {asset: [other.time[i] for i in rows] for asset, rows in others.items()}
    for i in lone:
        if i in ambiguous:
            out.append(Unmatched(seq=side.seq[i], side=name, reason=Reason.AMBIGUOUS, detail=ambiguous[i]))
        elif i in had:
            out.append(Unmatched(seq=side.seq[i], side=name, reason=Reason.TAKEN, detail="every candidate matched a closer row"))
        else:
            rows, stamps = others.get(side.asset[i], []), times.get(side.asset[i], [])
            out.append(_nearest(side, other, name, i, rows, stamps, win, num, den, scale))
    return out


def _nearest(
    side: Side, other: Side, name: str, i: int, rows: list[int], stamps: list[int], win: int, num: int, den: int, scale: int
) -> Unmatched:
    """``amount too different`` naming the closest row by amount in the window, or ``no candidate in the window``."""
    t = side.time[i]
    lo, hi = (t, t + win) if name == "withdrawal" else (t - win, t)
    best: tuple[tuple[int, int, int], int] | None = None
    hashed_away = 0
    for k in range(bisect_left(stamps, lo), bisect_right(stamps, hi)):
        j = rows[k]
        if other.wallet[j] == side.wallet[i]:
            continue
        if side.tx_hash[i] is not None and other.tx_hash[j] is not None:
            hashed_away += 1  # equal hashes were candidates already, so these differ
            continue
        key = (abs(other.qty[j] - side.qty[i]), abs(other.time[j] - t), other.seq[j])
        if best is None or key < best[0]:
            best = (key, j)
    seq = side.seq[i]
    if best is None:
        detail = f"{hashed_away} row(s) in the window carry a different tx hash" if hashed_away else ""
        return Unmatched(seq=seq, side=name, reason=Reason.NO_CANDIDATE, detail=detail)
    w, d = (i, best[1]) if name == "withdrawal" else (best[1], i)
    ws, ds = (side, other) if name == "withdrawal" else (other, side)
    sent, got = ws.qty[w], ds.qty[d]
    allowed = max(sent * num // den, ws.fee[w])
    asset = side.asset[i]
    with decimal_context():
        gap = f"{_text(abs(sent - got), scale)} {asset} {'more' if got > sent else 'less'}"
        pct = plain((Decimal(abs(sent - got)) * 100 / Decimal(sent)).quantize(Decimal("0.01")))
        detail = (
            f"withdrawal {ws.id[w]} sends {_text(sent, scale)}, deposit {ds.id[d]} receives {_text(got, scale)}: "
            f"{gap} ({pct}%); at most {_text(allowed, scale)} less is allowed"
        )
    return Unmatched(seq=seq, side=name, reason=Reason.AMOUNT, detail=detail)


def _text(value: int, scale: int) -> str:
    """A scaled integer as plain decimal text."""
    with decimal_context():
        return plain(Decimal(value).scaleb(-scale))


def micros(ts: datetime) -> int:
    """A UTC timestamp as microseconds since the epoch (the unit of :attr:`Side.time`)."""
    return (ts - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)
