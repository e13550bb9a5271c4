"""The steps between reading and matching, as one run: what each hands the next, on small hand-made ledgers."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl

from taxlots import pipeline
from taxlots.lots.pool import Scope
from taxlots.model.diagnostics import Code, Severity

HEAD = "timestamp,wallet,type,sent_asset,sent_qty,received_asset,received_qty,fee_asset,fee_qty,usd_value,to_wallet,id,note\n"
UTC = ZoneInfo("UTC")


def run(tmp_path: Path, body: str, **options: object) -> pipeline.Run:
    path = tmp_path / "ledger.csv"
    path.write_text(HEAD + body)
    return pipeline.run([str(path)], zone=UTC, **options)


def test_a_transfer_whose_amounts_are_written_differently_needs_no_price(tmp_path: Path) -> None:
    # "2" sent and "2.00000000" received are the same amount: no network fee, so nothing to price
    result = run(
        tmp_path,
        "2024-01-01T00:00:00Z,A,trade,USD,100,ETH,2,,,,,B1,\n"
        "2024-02-01T00:00:00Z,A,withdrawal,ETH,2,,,,,,,W1,\n"
        "2024-02-01T01:00:00Z,B,deposit,,,ETH,2.00000000,,,,,D1,\n",
    )
    assert [d.render() for d in result.diagnostics if d.severity is Severity.ERROR] == []
    assert result.frame.filter(result.frame["type"] == "transfer")["id"].to_list() == ["W1"]


def test_fee_credits_cost_nothing_and_their_grants_are_counted(tmp_path: Path) -> None:
    result = run(
        tmp_path,
        "2024-01-01T00:00:00Z,Kraken,deposit,,,KFEE,1000,,,,,K0,\n2024-01-02T00:00:00Z,Kraken,trade,USD,100,BTC,0.01,KFEE,40,,,B1,\n"
        "2024-01-03T00:00:00Z,Kraken,withdrawal,BTC,0.004,,,KFEE,5,,,W1,\n",  # its only fee in credits: no price needed
    )
    assert [d.message for d in result.diagnostics if d.severity is Severity.ERROR] == []
    (skipped,) = [d for d in result.diagnostics if d.code is Code.SKIPPED_ROWS]
    assert skipped.message == "skipped 1 row(s): fee credits (KFEE) are not property"
    assert not [d for d in result.diagnostics if d.code is Code.MISSING_PRICE]
    (lot,) = result.result.open_lots
    assert (lot.quantity, lot.basis) == (Decimal("0.006"), Decimal("60"))  # no fee value added to the basis
    assert result.frame.filter(pl.col("id") == "W1")["fee_asset"].to_list() == [None]


def test_universal_pools_after_2024_warn(tmp_path: Path) -> None:
    body = "2024-06-01T00:00:00Z,A,trade,USD,100,ETH,1,,,,,B1,\n2025-02-01T00:00:00Z,A,trade,ETH,0.5,USD,80,,,,,S1,\n"
    warned = [d.message for d in run(tmp_path, body).diagnostics if d.severity is Severity.WARNING]
    assert any("1 disposal(s) from 2025 on were matched with universal pools" in m for m in warned)
    assert not any("universal pools" in d.message for d in run(tmp_path, body, scope=Scope.PER_WALLET_FROM_2025).diagnostics)


def test_a_missing_price_is_said_once_not_again_per_row(tmp_path: Path) -> None:
    body = "".join(f"2024-03-0{d}T00:00:00Z,A,income,,,SOL,1,,,,,I{d},staking\n" for d in (1, 2, 3))
    missing = [d for d in run(tmp_path, body).diagnostics if d.code is Code.MISSING_PRICE]
    assert [d.message for d in missing] == ["no USD price for SOL on 2024-03-01 – 2024-03-03 (3 rows)"]


def test_a_run_that_lets_its_frames_go_matches_the_same(tmp_path: Path) -> None:
    """``keep_frames=False`` frees the ledger frames once the engine has its rows; the result must not change.

    Clearing them before the rows are taken would match nothing; a disposal's file and line come from the
    sources the engine keeps, which must survive the clearing.
    """
    body = (
        "2024-01-01T00:00:00Z,A,trade,USD,100,ETH,2,USD,1,,,B1,\n"
        "2024-02-01T00:00:00Z,A,trade,ETH,1,USD,80,,,,,S1,\n"
        "2024-03-01T00:00:00Z,A,spend,ETH,0.5,,,,,30,,P1,\n"
    )
    kept, lean = run(tmp_path, body), run(tmp_path, body, keep_frames=False)
    assert lean.frame.is_empty() and lean.ledger.frame.is_empty() and kept.frame.height == 3
    assert lean.result.disposals == kept.result.disposals
    assert [(d.id, d.source.file, d.source.line, d.proceeds) for d in lean.result.disposals] == [
        ("S1", str(tmp_path / "ledger.csv"), 3, Decimal("80")),
        ("P1", str(tmp_path / "ledger.csv"), 4, Decimal("30")),
    ]
    assert lean.diagnostics == kept.diagnostics
