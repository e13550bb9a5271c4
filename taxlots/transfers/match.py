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
from collections.abc import Collection, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
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
    wallet: Sequence[Hashable]  # labels compared for equality only: names, or small int codes (faster)
    asset: Sequence[Hashable]
    qty: Sequence[int]
    fee: Sequence[int]
    tx_hash: Sequence[str | None]

    def __len__(self) -> int:
        return len(self.seq)


class Pair(NamedTuple):
    """A withdrawal (its ``seq``) and the deposit it became."""

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
    """The pairs as three parallel columns (a run can pair 10^5 rows; :meth:`pairs` gives records), and the
    unmatched rows in ``seq`` order."""

    withdrawal: list[int]  # seq of each pair's withdrawal
    deposit: list[int]  # seq of its deposit
    by_hash: list[bool]  # whether equal tx hashes made the pair
    unmatched: list[Unmatched]

    def pairs(self) -> list[Pair]:
        """The pairs as records, in withdrawal ``seq`` order."""
        rules = (Rule.CLOSEST, Rule.HASH)
        return sorted(Pair(w, d, rules[h]) for w, d, h in zip(self.withdrawal, self.deposit, self.by_hash, strict=True))


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

    Rows may come in any order; sorted by asset and then time (as :mod:`taxlots.pairing` passes them) they
    are not copied.

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
    ws, runs_w = _ordered(withdrawals)
    ds, runs_d = _ordered(deposits)
    rules = _Rules(window // timedelta(microseconds=1), *tolerance.as_integer_ratio(), scale)
    barred = set(forbidden)
    cands = _sweep(ws, ds, runs_w, runs_d, rules, barred)
    chosen = _choose(cands, ws, ds)
    unmatched = [
        *_explain(ws, ds, "withdrawal", chosen.paired_w, chosen.count_w, chosen.ambiguous_w, runs_d, rules, barred),
        *_explain(ds, ws, "deposit", chosen.paired_d, chosen.count_d, chosen.ambiguous_d, runs_w, rules, barred),
    ]
    unmatched.sort(key=lambda u: u.seq)
    wseq, dseq = ws.seq, ds.seq
    return Matching(
        withdrawal=[wseq[w] for w in chosen.w],
        deposit=[dseq[d] for d in chosen.d],
        by_hash=chosen.by_hash,
        unmatched=unmatched,
    )


class _Rules(NamedTuple):
    win: int  # microseconds
    num: int  # tolerance = num / den
    den: int
    scale: int

    def allowed(self, qty: int, fee: int) -> int:
        """How much less than ``qty`` a deposit may receive: ``max(tolerance * qty, fee)``, floored (exact for ints)."""
        return max(qty * self.num // self.den, fee)


def _ordered(side: Side) -> tuple[Side, dict[Hashable, tuple[int, int]]]:
    """``side`` sorted by asset and then time (a copy only when it is not), and each asset's index range."""
    asset, time = side.asset, side.time
    n = len(side)
    cuts = [0, *(i for i in range(1, n) if asset[i] != asset[i - 1]), n]
    runs = {asset[a]: (a, b) for a, b in zip(cuts, cuts[1:], strict=False) if a < b}
    if len(runs) == len(cuts) - 1 - (n == 0) and all(time[a:b] == sorted(time[a:b]) for a, b in runs.values()):
        return side, runs
    order = sorted(range(n), key=lambda i: (asset[i], time[i], side.seq[i]))
    cols = {name: [getattr(side, name)[i] for i in order] for name in ("seq", "id", "time", "wallet", "asset", "qty", "fee", "tx_hash")}
    return _ordered(Side(**cols))


@dataclass(slots=True)
class _Candidates:
    """Candidate pairs as parallel columns: withdrawal index, deposit index, and closeness packed in one integer,
    ``(tier << 64 | gap) << qb | shortfall`` (so integers compare as the key ``(tier, gap, shortfall)`` does)."""

    qb: int  # bits of the largest quantity: room for any shortfall
    w: list[int] = field(default_factory=list)
    d: list[int] = field(default_factory=list)
    close: list[int] = field(default_factory=list)

    def by_hash(self, close: int) -> bool:
        return close >> (64 + self.qb) == 0


def _sweep(
    ws: Side,
    ds: Side,
    runs_w: dict[Hashable, tuple[int, int]],
    runs_d: dict[Hashable, tuple[int, int]],
    rules: _Rules,
    forbidden: set[tuple[int, int]],
) -> _Candidates:
    """Every candidate pair: per asset, a sweep over the withdrawals in time order (see the module docstring)."""
    wt, wq, wf, wh, ww, wseq = ws.time, ws.qty, ws.fee, ws.tx_hash, ws.wallet, ws.seq
    dt, dq, dh, dw, dseq = ds.time, ds.qty, ds.tx_hash, ds.wallet, ds.seq
    qb = max(max(wq, default=0), max(dq, default=0)).bit_length()
    out = _Candidates(qb=qb)
    cw, cd, cc = out.w, out.d, out.close
    m = max(len(ds), 1)  # a deposit's key in the window is qty * m + index: sorted by qty, and the index comes back
    dkey = [q * m + i for i, q in enumerate(dq)]
    by_hash: dict[tuple[Hashable, str], list[int]] = {}
    for di, h in enumerate(dh):
        if h is not None:
            by_hash.setdefault((ds.asset[di], h), []).append(di)
    win, num, den, tier1 = rules.win, rules.num, rules.den, 1 << 64
    for asset, (wa, wb) in runs_w.items():
        start, end = runs_d.get(asset, (0, 0))
        times, stamps, qtys = wt[wa:wb], dt[start:end], wq[wa:wb]
        # per withdrawal, up front: the deposits timed up to t + win (entered) and before t (left), and the lowest key
        entered = [bisect_right(stamps, t + win) + start for t in times]
        left = [bisect_left(stamps, t) + start for t in times]
        lows = [(q - max(q * num // den, f)) * m for q, f in zip(qtys, wf[wa:wb], strict=True)]
        add = drop = start
        active: list[int] = []  # keys of the deposits timed in [t, t + win], sorted
        rows = zip(range(wa, wb), times, qtys, wh[wa:wb], ww[wa:wb], entered, left, lows, strict=True)
        for wi, t, q, h, wallet, upto, gone, low in rows:
            if upto > add:
                for key in dkey[add:upto]:
                    insort(active, key)
                add = upto
            if gone > drop:
                for key in dkey[drop:gone]:
                    del active[bisect_left(active, key)]
                drop = gone
            for key in active[bisect_left(active, low) : bisect_left(active, (q + 1) * m)]:
                di = key % m
                if dw[di] == wallet or (h is not None and dh[di] is not None):
                    continue  # same wallet; or both hashed (equal ones come from the dict, different ones never match)
                if forbidden and (wseq[wi], dseq[di]) in forbidden:
                    continue
                cw.append(wi)
                cd.append(di)
                cc.append((tier1 | dt[di] - t) << qb | q - dq[di])
            if h is not None:
                for di in by_hash.get((asset, h), ()):
                    if dw[di] != wallet and dq[di] <= q and not (forbidden and (wseq[wi], dseq[di]) in forbidden):
                        cw.append(wi)
                        cd.append(di)
                        cc.append(abs(dt[di] - t) << qb | q - dq[di])
    return out


@dataclass(slots=True)
class _Chosen:
    w: list[int]  # paired withdrawal indices
    d: list[int]
    by_hash: list[bool]
    paired_w: bytearray
    paired_d: bytearray
    count_w: list[int]  # candidates per row
    count_d: list[int]
    ambiguous_w: dict[int, str]
    ambiguous_d: dict[int, str]


def _best(rows: list[int], close: list[int], n: int) -> tuple[list[int], list[int], list[int]]:
    """Per row: its number of candidates, its smallest closeness (-1 for none), and how many candidates share it."""
    count, best, ties = [0] * n, [-1] * n, [0] * n
    for r, x in zip(rows, close, strict=True):
        count[r] += 1
        b = best[r]
        if b < 0 or x < b:
            best[r] = x
            ties[r] = 1
        elif x == b:
            ties[r] += 1
    return count, best, ties


def _choose(c: _Candidates, ws: Side, ds: Side) -> _Chosen:
    """The greedy one-to-one choice, closest first, exact ties left ambiguous.

    A pair that is strictly the closest for both its rows is taken at once: every other pair of either row is
    farther, so the greedy loop would reach this one with both rows free. Only the rest is sorted.
    """
    count_w, best_w, ties_w = _best(c.w, c.close, len(ws))
    count_d, best_d, ties_d = _best(c.d, c.close, len(ds))
    out = _Chosen([], [], [], bytearray(len(ws)), bytearray(len(ds)), count_w, count_d, {}, {})
    ow, od, oh, pw, pd = out.w, out.d, out.by_hash, out.paired_w, out.paired_d
    for w, d, x in zip(c.w, c.d, c.close, strict=True):
        if best_w[w] == x and best_d[d] == x and ties_w[w] == 1 and ties_d[d] == 1:
            ow.append(w)
            od.append(d)
            oh.append(c.by_hash(x))
            pw[w] = pd[d] = 1
    rest = [k for k, (w, d) in enumerate(zip(c.w, c.d, strict=True)) if not pw[w] and not pd[d]]
    if not rest:
        return out
    kb = len(c.w).bit_length()  # one integer per candidate: closeness in the high bits, its number in the low ones
    keys = sorted(c.close[k] << kb | k for k in rest)
    mask = (1 << kb) - 1
    taken_w, taken_d = bytearray(len(ws)), bytearray(len(ds))
    i, n = 0, len(keys)
    while i < n:
        close = keys[i] >> kb
        j = i + 1
        while j < n and keys[j] >> kb == close:
            j += 1
        group = [k for k in (key & mask for key in keys[i:j]) if not taken_w[c.w[k]] and not taken_d[c.d[k]]]
        i = j
        if len(group) > 1:
            _ties(out, c, group, ws, ds)
        elif group:
            w, d = c.w[group[0]], c.d[group[0]]
            ow.append(w)
            od.append(d)
            oh.append(c.by_hash(close))
            pw[w] = pd[d] = 1
        for k in group:
            taken_w[c.w[k]] = taken_d[c.d[k]] = 1
    return out


def _ties(out: _Chosen, c: _Candidates, group: list[int], ws: Side, ds: Side) -> None:
    """Pairs tied on closeness: those sharing no row are matched, the others' rows are all ambiguous."""
    fits_w: dict[int, list[int]] = {}
    fits_d: dict[int, list[int]] = {}
    for k in group:
        fits_w.setdefault(c.w[k], []).append(c.d[k])
        fits_d.setdefault(c.d[k], []).append(c.w[k])
    for k in group:
        w, d, hashed = c.w[k], c.d[k], c.by_hash(c.close[k])
        if len(fits_w[w]) == 1 and len(fits_d[d]) == 1:
            out.w.append(w)
            out.d.append(d)
            out.by_hash.append(hashed)
            out.paired_w[w] = out.paired_d[d] = 1
            continue
        how = "the same tx hash" if hashed else "the same time gap and amount difference"
        deposits = sorted(ds.id[x] for x in fits_w[w])
        withdrawals = sorted(ws.id[x] for x in fits_d[d])
        out.ambiguous_w.setdefault(w, _tie(how, "deposit", deposits, "withdrawal", withdrawals))
        out.ambiguous_d.setdefault(d, _tie(how, "withdrawal", withdrawals, "deposit", deposits))


def _tie(how: str, mine: str, my_fits: list[str], theirs: str, their_fits: list[str]) -> str:
    """Which rows tie: this row's own candidates, or the rows competing with it for its one candidate."""
    if len(my_fits) > 1:
        return f"{mine}s {', '.join(my_fits)} fit equally well ({how})"
    return f"{mine} {my_fits[0]} fits {theirs}s {', '.join(their_fits)} equally well ({how})"


def _explain(
    side: Side,
    other: Side,
    name: str,
    paired: bytearray,
    count: list[int],
    ambiguous: dict[int, str],
    runs: dict[Hashable, tuple[int, int]],
    rules: _Rules,
    barred: set[tuple[int, int]],
) -> list[Unmatched]:
    """The reason each row of ``side`` that was not paired was left over (``other`` is sorted, ``runs`` its ranges)."""
    out: list[Unmatched] = []
    for i in [i for i, p in enumerate(paired) if not p]:
        if i in ambiguous:
            out.append(Unmatched(seq=side.seq[i], side=name, reason=Reason.AMBIGUOUS, detail=ambiguous[i]))
        elif count[i]:
            out.append(Unmatched(seq=side.seq[i], side=name, reason=Reason.TAKEN, detail="every candidate matched a closer row"))
        else:
            out.append(_nearest(side, other, name, i, runs.get(side.asset[i], (0, 0)), rules, barred))
    return out


def _nearest(side: Side, other: Side, name: str, i: int, run: tuple[int, int], rules: _Rules, barred: set[tuple[int, int]]) -> Unmatched:
    """``amount too different`` naming the closest row by amount in the window, or ``no candidate in the window``."""
    t = side.time[i]
    lo, hi = (t, t + rules.win) if name == "withdrawal" else (t - rules.win, t)
    best: tuple[tuple[int, int, int], int] | None = None
    hashed_away = forbidden = 0
    a, b = run
    for j in range(bisect_left(other.time, lo, a, b), bisect_right(other.time, hi, a, b)):
        if other.wallet[j] == side.wallet[i]:
            continue
        if side.tx_hash[i] is not None and other.tx_hash[j] is not None:
            hashed_away += 1  # equal hashes were candidates already, so these differ
            continue
        if barred and ((side.seq[i], other.seq[j]) if name == "withdrawal" else (other.seq[j], side.seq[i])) in barred:
            forbidden += 1
            continue
        key = (abs(other.qty[j] - side.qty[i]), abs(other.time[j] - t), other.seq[j])
        if best is None or key < best[0]:
            best = (key, j)
    seq = side.seq[i]
    if best is None:
        notes = [f"{hashed_away} row(s) in the window carry a different tx hash"] if hashed_away else []
        notes += [f"{forbidden} row(s) in the window are forbidden by an override"] if forbidden else []
        detail = "; ".join(notes)
        return Unmatched(seq=seq, side=name, reason=Reason.NO_CANDIDATE, detail=detail)
    w, d = (i, best[1]) if name == "withdrawal" else (best[1], i)
    ws, ds = (side, other) if name == "withdrawal" else (other, side)
    sent, got = ws.qty[w], ds.qty[d]
    scale = rules.scale
    with decimal_context():
        gap = f"{_text(abs(sent - got), scale)} {'more' if got > sent else 'less'}"
        pct = plain((Decimal(abs(sent - got)) * 100 / Decimal(sent)).quantize(Decimal("0.01")))
        detail = (
            f"withdrawal {ws.id[w]} sends {_text(sent, scale)}, deposit {ds.id[d]} receives {_text(got, scale)}: "
            f"{gap} ({pct}%); at most {_text(rules.allowed(sent, ws.fee[w]), scale)} less is allowed"
        )
    return Unmatched(seq=seq, side=name, reason=Reason.AMOUNT, detail=detail)


def _text(value: int, scale: int) -> str:
    """A scaled integer as plain decimal text."""
    with decimal_context():
        return plain(Decimal(value).scaleb(-scale))
