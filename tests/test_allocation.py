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
