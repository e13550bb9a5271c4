"""``taxlots detect`` and ``taxlots import`` on generic ledgers (exchange exports are covered per importer)."""

from __future__ import annotations

from hashlib import blake2b
from pathlib import Path

import polars as pl
from typer.testing import CliRunner

from taxlots.cli import app

runner = CliRunner()


def content_id(line: str, k: int = 1) -> str:
    """The documented content id of a generic ledger line (every column but id, blank = NUL, joined by 0x1F)."""
    cells = line.split(",")
    content = [c if c or i == 12 else "\x00" for i, c in enumerate(cells) if i != 11]  # a blank note is "", not absent
    return f"row-{blake2b(chr(0x1F).join(content).encode(), digest_size=8).hexdigest()}-{k}"


HEADER = "timestamp,wallet,type,sent_asset,sent_qty,received_asset,received_qty,fee_asset,fee_qty,usd_value,to_wallet,id,note\n"
ROWS = (
    "2024-01-02T03:04:05Z,Kraken,trade,USD,1000,BTC,0.02,USD,1.5,,,,first buy\n"
    '2024-02-03T00:00:00.25Z,Kraken,trade,BTC,0.01,USD,600,,,,,S1,"sold, half"\n'
)


def test_detect_lists_each_file(tmp_path: Path) -> None:
    src = tmp_path / "l.csv"
    src.write_text(HEADER + ROWS)
    result = runner.invoke(app, ["detect", str(src)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "file,format,rows,kept,duplicates,skipped,errors,dates,assets,wallets",
        f"{src},taxlots generic ledger CSV,2,2,0,0,0,2024-01-02 – 2024-02-03,BTC USD,Kraken",
    ]


def test_detect_names_an_unknown_file_and_the_known_formats(tmp_path: Path) -> None:
    src = tmp_path / "x.csv"
    src.write_text("Date;Thing\n1;2\n")
    result = runner.invoke(app, ["detect", str(src)])
    assert result.exit_code == 1
    assert f"{src},not recognized,0" in result.stdout
    assert "not a format taxlots knows; first line: 'Date;Thing'" in result.stderr
    assert "known formats: taxlots generic ledger CSV" in result.stderr


def test_import_writes_a_ledger_that_reads_back_the_same(tmp_path: Path) -> None:
    src, out, again = tmp_path / "l.csv", tmp_path / "ledger.csv", tmp_path / "again.csv"
    src.write_text(HEADER + ROWS)
    result = runner.invoke(app, ["import", str(src), str(src), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "Wrote 2 rows from 2 file(s)" in result.stdout and "2 duplicate(s) dropped" in result.stdout
    first = ROWS.splitlines()[0]
    assert out.read_text().splitlines() == [
        HEADER.strip() + ",source_file,source_line",
        f"2024-01-02T03:04:05Z,Kraken,trade,USD,1000,BTC,0.02,USD,1.5,,,{content_id(first)},first buy,{src},2",
        f'2024-02-03T00:00:00.250Z,Kraken,trade,BTC,0.01,USD,600,,,,,S1,"sold, half",{src},3',
    ]
    assert runner.invoke(app, ["import", str(out), "-o", str(again)]).exit_code == 0
    assert again.read_bytes() == out.read_bytes()  # re-importing is idempotent, provenance included


def test_import_to_parquet(tmp_path: Path) -> None:
    src, out = tmp_path / "l.csv", tmp_path / "ledger.parquet"
    src.write_text(HEADER + ROWS)
    assert runner.invoke(app, ["import", str(src), "-o", str(out)]).exit_code == 0
    frame = pl.read_parquet(out)
    assert frame["sent_qty"].to_list() == ["1000", "0.01"]
    assert frame["source_line"].to_list() == [2, 3]


def test_import_with_bad_rows_writes_nothing(tmp_path: Path) -> None:
    src, out = tmp_path / "l.csv", tmp_path / "ledger.csv"
    src.write_text(HEADER + ROWS + "2024-03-01T00:00:00Z,Kraken,swap,,,,,,,,,,\n")
    result = runner.invoke(app, ["import", str(src), "-o", str(out)])
    assert result.exit_code == 1
    assert f"{src}:4: error[bad-row] type 'swap' is not one of" in result.stderr
    assert not out.exists() and list(tmp_path.iterdir()) == [src]
