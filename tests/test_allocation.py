"""The allocation file: what each line becomes, and every error with its line."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from taxlots import allocation


def test_reads_lines_in_any_column_order(tmp_path: Path) -> None:
    path = tmp_path / "alloc.csv"
    path.write_text("wallet,quantity,lot_id,note\nKraken,0.5,A,kept\n\nCoinbase,1,B,\n")
    lines, diags = allocation.read(str(path))
    assert diags == []
    assert [(a.lot_id, a.wallet, a.quantity, a.source.line) for a in lines] == [
        ("A", "Kraken", Decimal("0.5"), 2),
        ("B", "Coinbase", Decimal("1"), 4),
    ]


def test_bad_lines_and_header(tmp_path: Path) -> None:
    path = tmp_path / "alloc.csv"
    path.write_text("lot_id,wallet,quantity\nA,Kraken,-1\nB,,1\nC,Kraken,x\n")
    lines, diags = allocation.read(str(path))
    assert lines == ()
    assert [(d.source.line if d.source else 0) for d in diags] == [2, 3, 4]
    assert diags[2].message == "an allocation line needs a lot_id, a wallet and a positive quantity (got 'x')"
    path.write_text("lot,wallet\n")
    _, diags = allocation.read(str(path))
    assert diags[0].message == "allocation header lacks lot_id, quantity; expected lot_id,wallet,quantity"


def test_quantities_beyond_a_grain_are_refused_by_every_lot_file(tmp_path: Path) -> None:
    """The engine keeps amounts in exact 1e-18 grains: an allocation, a selection or an opening lot with a 19th
    decimal is an error on its line (not a crash in the engine, nor a rounding)."""
    from taxlots import lotfile, openinglots

    alloc = tmp_path / "alloc.csv"
    alloc.write_text("lot_id,wallet,quantity\nA,Kraken,0.0000000000000000001\nB,Kraken,0.100000000000000000000\n")
    lines, diags = allocation.read(str(alloc))
    assert [a.lot_id for a in lines] == ["B"]  # trailing zeros are exact
    assert [(d.source.line if d.source else 0, d.message) for d in diags] == [
        (2, "an allocation quantity has more than 18 decimals (got '0.0000000000000000001')")
    ]
    sel = tmp_path / "sel.csv"
    sel.write_text("disposal_id,lot_id,quantity\nS1,A,1.0000000000000000001\n")
    chosen, diags = lotfile.read(str(sel))
    assert chosen == {}
    assert [d.message for d in diags] == [
        "quantity '1.0000000000000000001' has more than 18 decimals; taxlots keeps amounts exactly to 1e-18"
    ]
    opening = tmp_path / "lots.csv"
    opening.write_text("lot_id,asset,wallet,quantity,acquired_at,basis\nL1,BTC,Kraken,1,2024-01-01T00:00:00Z,10.0000000000000000001\n")
    lots, diags = openinglots.read(str(opening))
    assert not lots
    assert [d.message for d in diags] == ["basis '10.0000000000000000001' has more than 18 decimals"]
