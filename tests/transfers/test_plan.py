"""Resolving overrides against ledger rows, without polars: the checks a match must pass, and repeated ids."""

from __future__ import annotations

from taxlots.model.source import SourceRef
from taxlots.transfers.overrides import Kind, Override, Overrides
from taxlots.transfers.plan import Row, named_ids, resolve

SRC = SourceRef("o.csv", 2, "overrides")
W = Row("W", 0, "withdrawal", "Kraken", "BTC", "1", None, None)
D = Row(
    "D",
    1,
    "deposit",
    "Coinbase",
    None,
    None,
    "BTC",
    "0.9",
)


def messages(overrides: list[Override], rows: dict[str, list[Row]]) -> list[str]:
    return [d.message for d in resolve(Overrides(items=tuple(overrides)), rows).diagnostics]


def test_a_match_is_forced_and_both_rows_leave_matching() -> None:
    plan = resolve(Overrides(items=(Override(kind=Kind.MATCH, id="W", with_id="D", source=SRC),)), {"W": [W], "D": [D]})
    assert (plan.forced, plan.fixed, plan.diagnostics) == ([(0, 1)], {0, 1}, [])


def test_match_checks() -> None:
    match = [Override(kind=Kind.MATCH, id="W", with_id="D", source=SRC)]
    same_wallet = D._replace(wallet="Kraken")
    assert messages(match, {"W": [W], "D": [same_wallet]}) == [
        "withdrawal 'W' and deposit 'D' are both in wallet Kraken; a transfer moves between two wallets"
    ]
    bigger = D._replace(received_qty="1.1")
    assert messages(match, {"W": [W], "D": [bigger]}) == ["deposit 'D' receives 1.1 BTC, more than the 1 withdrawal 'W' sends"]
    assert messages(match, {"W": [W, W._replace(seq=5)], "D": [D]}) == ["id 'W' names 2 ledger rows; it must name one"]


def test_a_forbidden_pair_does_not_claim_its_rows() -> None:
    overrides = [Override(kind=Kind.FORBID, id="W", with_id="D", source=SRC), Override(kind=Kind.LOST, id="W", source=SRC)]
    plan = resolve(Overrides(items=tuple(overrides)), {"W": [W], "D": [D]})
    assert (plan.forbidden, plan.fixed, plan.diagnostics) == ({(0, 1)}, {0}, [])
    assert named_ids(Overrides(items=tuple(overrides))) == ["D", "W"]
