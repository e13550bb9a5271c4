"""The command line, end to end on files: output bytes, summaries, and every error path."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from taxlots.cli import app

runner = CliRunner()
HEADER = "timestamp,wallet,type,sent_asset,sent_qty,received_asset,received_qty,fee_asset,fee_qty,usd_value,to_wallet,id,note\n"


def write(tmp_path: Path, body: str, name: str = "ledger.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body)
    return path


LEDGER = """\
2023-01-10T10:00:00Z,Kraken,trade,USD,1000,BTC,1,USD,10,,,K1,
2024-01-10T10:00:00Z,Coinbase,trade,USD,3000,BTC,1,,,,,C1,
2024-06-01T10:00:00Z,Kraken,transfer,BTC,1,BTC,0.999,,,60000,Coinbase,T1,
2024-07-01T10:00:00Z,Coinbase,trade,BTC,1,USD,70000,USD,70,,,S1,
2024-08-01T10:00:00Z,Coinbase,income,,,ETH,0.5,,,1250.50,,I1,staking
"""


def test_gains_writes_the_csv_and_a_summary(tmp_path: Path) -> None:
    src, out = write(tmp_path, LEDGER), tmp_path / "gains.csv"
    result = runner.invoke(app, ["gains", str(src), "--scope", "per-wallet", "-o", str(out)])
    assert result.exit_code == 0, result.output
    # T1's fee: 0.001 BTC of K1 (basis 1010 per BTC -> 1.01) at 60 USD. S1: K1's 0.999 BTC (basis 1008.99) and
    # 0.001 of C1 (basis 3); proceeds 70000 - 70 = 69930, split 69860.07 / 69.93.
    assert out.read_text() == (
        "disposal_id,lot_id,wallet,asset,quantity,date_acquired,date_sold,proceeds,cost_basis,gain,term\n"
        "T1:network-fee,K1,Kraken,BTC,0.001,2023-01-10,2024-06-01,60.00,1.01,58.99,long\n"
        "S1,K1,Coinbase,BTC,0.999,2023-01-10,2024-07-01,69860.07,1008.99,68851.08,long\n"
        "S1,C1,Coinbase,BTC,0.001,2024-01-10,2024-07-01,69.93,3.00,66.93,short\n"
    )
    assert "Short-term" in result.stdout and "66.93" in result.stdout
    assert "68,910.07" in result.stdout  # long-term gain 58.99 + 68851.08
    assert "1,250.50" in result.stdout  # income


def test_gains_to_stdout_and_year_filter(tmp_path: Path) -> None:
    src = write(tmp_path, LEDGER + "2025-02-01T00:00:00Z,Coinbase,trade,ETH,0.5,USD,2000,,,,,S2,\n")
    result = runner.invoke(app, ["gains", str(src), "--year", "2025"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:2] == [
        "disposal_id,lot_id,wallet,asset,quantity,date_acquired,date_sold,proceeds,cost_basis,gain,term",
        "S2,I1,Coinbase,ETH,0.5,2024-08-01,2025-02-01,2000.00,1250.50,749.50,short",
    ]


# HIFO on LEDGER (universal pool): T1's network fee of 0.001 BTC (worth 60000 * 0.001 = 60) comes from the dearest
# lot, C1 at 3000/BTC (basis 3.00); S1 then takes C1's other 0.999 (basis 2997.00) and 0.001 of K1 (1010/BTC: 1.01).
# S1's proceeds 70000 - 70 = 69930 split 69930 * 0.999 = 69860.07 and the rest, 69.93.
HIFO_GAINS = (
    "disposal_id,lot_id,wallet,asset,quantity,date_acquired,date_sold,proceeds,cost_basis,gain,term\n"
    "T1:network-fee,C1,Kraken,BTC,0.001,2024-01-10,2024-06-01,60.00,3.00,57.00,short\n"
    "S1,C1,Coinbase,BTC,0.999,2024-01-10,2024-07-01,69860.07,2997.00,66863.07,short\n"
    "S1,K1,Coinbase,BTC,0.001,2023-01-10,2024-07-01,69.93,1.01,68.92,long\n"
)


def test_hifo_takes_the_dearest_lot_first(tmp_path: Path) -> None:
    # byte-identical output across processes, hash seeds and zones: tests/test_cli_safety.py
    src, out = write(tmp_path, LEDGER), tmp_path / "g.csv"
    result = runner.invoke(app, ["gains", str(src), "-o", str(out), "--method", "hifo"])
    assert result.exit_code == 0, result.output
    assert out.read_text() == HIFO_GAINS


def test_specific_identification_with_a_lots_file(tmp_path: Path) -> None:
    src = write(tmp_path, LEDGER)
    lots = tmp_path / "lots.csv"
    lots.write_text("disposal_id,lot_id,quantity\nT1:network-fee,C1,0.001\nS1,C1,0.999\nS1,K1,0.001\n")
    result = runner.invoke(app, ["gains", str(src), "--method", "specific", "--lots", str(lots)])
    assert result.exit_code == 0, result.output
    # the selection names the same lots HIFO picks (C1 for the fee, then C1 and K1): the same money, by hand above
    assert result.stdout == HIFO_GAINS
    fifo_like = tmp_path / "fifo.csv"
    fifo_like.write_text("disposal_id,lot_id,quantity\nT1:network-fee,K1,0.001\nS1,K1,0.999\nS1,C1,0.001\n")
    other = runner.invoke(app, ["gains", str(src), "--method", "specific", "--lots", str(fifo_like)])
    assert other.exit_code == 0, other.output
    # K1 costs 1010/BTC: the fee's 0.001 has basis 1.01, S1's 0.999 of K1 1008.99, and 0.001 of C1 3.00
    assert other.stdout.splitlines()[1:] == [
        "T1:network-fee,K1,Kraken,BTC,0.001,2023-01-10,2024-06-01,60.00,1.01,58.99,long",
        "S1,K1,Coinbase,BTC,0.999,2023-01-10,2024-07-01,69860.07,1008.99,68851.08,long",
        "S1,C1,Coinbase,BTC,0.001,2024-01-10,2024-07-01,69.93,3.00,66.93,short",
    ]


def test_specific_without_lots_file_is_an_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["gains", str(write(tmp_path, LEDGER)), "--method", "specific"])
    assert result.exit_code == 2  # a usage error, one line, before any file is read
    assert result.stderr == "error: --method specific needs --lots FILE (disposal_id,lot_id,quantity)\n"
    assert result.stdout == ""


def test_lots_file_without_specific_is_a_usage_error(tmp_path: Path) -> None:
    lots = tmp_path / "lots.csv"
    lots.write_text("disposal_id,lot_id,quantity\n")
    for command in ("gains", "lots"):
        result = runner.invoke(app, [command, str(write(tmp_path, LEDGER)), "--lots", str(lots)])
        assert result.exit_code == 2
        assert result.stderr == (
            "error: --lots is only read with --method specific (the method is fifo); add --method specific or drop --lots\n"
        )


def test_lots_as_of(tmp_path: Path) -> None:
    src = write(tmp_path, LEDGER)
    result = runner.invoke(app, ["lots", str(src), "--as-of", "2024-06-30", "--scope", "per-wallet"])
    assert result.exit_code == 0, result.output
    # K1: 1 BTC for 1000 + 10 fee, 0.001 of it paid T1's network fee: 0.999 left at 1010 x 0.999 = 1008.99 exactly
    assert result.stdout.splitlines() == [
        "lot_id,asset,wallet,quantity,date_acquired,unit_cost,cost_basis,acquired_at,basis,source_file,source_line",
        f"K1,BTC,Coinbase,0.999,2023-01-10,1010.00,1008.99,2023-01-10T10:00:00.000000Z,1008.99,{src},2",
        f"C1,BTC,Coinbase,1,2024-01-10,3000.00,3000.00,2024-01-10T10:00:00.000000Z,3000,{src},3",
    ]


def test_shortfall_fails_unless_allowed(tmp_path: Path) -> None:
    src, out = write(tmp_path, "2024-01-01T00:00:00Z,Kraken,trade,BTC,1,USD,500,,,,,S1,\n"), tmp_path / "g.csv"
    result = runner.invoke(app, ["gains", str(src), "-o", str(out)])
    assert result.exit_code == 1
    assert f"{src}:2: error[shortfall] sale of 1 BTC from Kraken exceeds the BTC held in all wallets by 1 BTC" in result.stderr
    assert not out.exists()
    allowed = runner.invoke(app, ["gains", str(src), "-o", str(out), "--allow-shortfalls"])
    assert allowed.exit_code == 0, allowed.output
    assert out.read_text().splitlines()[1] == "S1,MISSING,Kraken,BTC,1,,2024-01-01,500.00,0.00,500.00,short"
    assert "warning" in allowed.stderr


BAD_INPUTS = [
    ("2024-01-01T00:00:00Z,K,buy,USD,1,BTC,1,,,,,,\n", "type 'buy' is not one of trade, deposit, withdrawal, transfer, income, spend"),
    ("2024-01-01T00:00:00Z,K,trade,USD,-1,BTC,1,,,,,,\n", "sent_qty '-1' is negative"),
    ("2024-01-01T00:00:00Z,K,trade,USD,1O0,BTC,1,,,,,,\n", "sent_qty '1O0' is not a number"),
    ("2024-13-01T00:00:00Z,K,trade,USD,100,BTC,1,,,,,,\n", "timestamp '2024-13-01T00:00:00Z' is not an ISO 8601 date and time"),
    (",K,trade,USD,100,BTC,1,,,,,,\n", "timestamp is blank"),
    ("2024-01-01T00:00:00Z,,trade,USD,100,BTC,1,,,,,,\n", "wallet is blank"),
    ("2024-01-01T00:00:00Z,K,trade,USD,100,,,,,,,,\n", "a trade row needs received_asset"),
    ("2024-01-01T00:00:00Z,K,transfer,BTC,1,,,,,,,,\n", "a transfer row needs to_wallet"),
    ("2024-01-01T00:00:00Z,K,deposit,,,BTC,1,,,,,,\n", "deposit of 1 BTC needs a cost basis: usd_value is blank"),
    ("2024-01-01T00:00:00Z,K,trade,USD,100,BTC,1,USD,,,,,\n", "fee_asset is given but fee_qty is blank"),
    ("2024-01-01T00:00:00Z,K,trade,USD,100,BTC,1,,,,,,,extra\n", "row has 14 fields, the header has 13"),
    ("2024-01-01T00:00:00Z,K,trade,USD,100,BTC,1,,,,,,,\n", "row has 14 fields, the header has 13"),
    ("2024-01-01T00:00:00Z,K,trade,USD,1,650.2,BTC,1,,,,,,\n", "row has 14 fields, the header has 13"),
    ("2024-01-01T00:00:00Z,K,trade,USD,100,BTC,1\n", "row has 7 fields, the header has 13"),
    ("2024-01-01T00:00:00Z,K,income,,,ETH,1,,,,,,\n", "no USD price for ETH on 2024-01-01 (1 row)"),
    ("2024-01-01T00:00:00Z,K,income,BTC,1,ETH,1,,,5,,,\n", "an income row has no sent_asset; leave it blank"),
]


@pytest.mark.parametrize(("row", "message"), BAD_INPUTS)
def test_bad_input_is_a_clear_error_and_writes_nothing(tmp_path: Path, row: str, message: str) -> None:
    src, out = write(tmp_path, row), tmp_path / "gains.csv"
    result = runner.invoke(app, ["gains", str(src), "-o", str(out)])
    assert result.exit_code == 1
    assert f"{src}:2: error" in result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()


def test_missing_column_names_it(tmp_path: Path) -> None:
    src = tmp_path / "l.csv"
    src.write_text(HEADER.replace(",fee_qty", "") + "2024-01-01T00:00:00Z,K,trade,USD,100,BTC,1,,,,,\n")
    result = runner.invoke(app, ["gains", str(src)])
    assert result.exit_code == 1
    assert f"{src}:1: error[missing-column] header looks like taxlots generic ledger CSV but lacks column(s): fee_qty" in result.stderr


def test_unknown_file_and_missing_file(tmp_path: Path) -> None:
    other = tmp_path / "other.csv"
    other.write_text("a,b,c\n1,2,3\n")
    result = runner.invoke(app, ["gains", str(other), str(tmp_path / "nope.csv")])
    assert result.exit_code == 1
    assert f"{other}:1: error[unknown-format] not a format taxlots knows; first line: 'a,b,c'" in result.stderr
    assert f"{tmp_path / 'nope.csv'}:0: error[file-unreadable] no such file" in result.stderr


def test_all_problems_of_a_run_are_listed_in_file_and_line_order(tmp_path: Path) -> None:
    src = write(
        tmp_path,
        "2024-01-01T00:00:00Z,K,trade,USD,x,BTC,1,,,,,,\n2024-01-02T00:00:00Z,K,trade,BTC,5,USD,9,,,,,,\n2024-01-03T00:00:00Z,K,sell,,,,,,,,,,\n",
    )
    result = runner.invoke(app, ["gains", str(src)])
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if ": error" in line]
    assert [line.split(": error")[0] for line in lines] == [f"{src}:2", f"{src}:3", f"{src}:4"]
    assert "3 error(s)" in result.stderr


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    src = write(tmp_path, LEDGER)
    bad_method = runner.invoke(app, ["gains", str(src), "--method", "avg"])
    assert bad_method.exit_code == 2 and bad_method.stdout == ""
    assert "'avg' is not one of" in bad_method.stderr
    bad_tz = runner.invoke(app, ["gains", str(src), "--tz", "Mars/Olympus"])
    assert bad_tz.exit_code == 2 and bad_tz.stdout == ""
    assert "unknown time zone 'Mars/Olympus'" in bad_tz.output
    bad_day = runner.invoke(app, ["lots", str(src), "--as-of", "2024-02-30"])
    assert bad_day.exit_code == 2 and bad_day.stdout == ""
    assert "'2024-02-30' is not a date (YYYY-MM-DD)" in bad_day.stderr


def test_every_command_has_help() -> None:
    for command in ("gains", "lots"):
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0
        assert "Usage" in result.stdout


def test_an_unwritable_output_is_a_clear_error(tmp_path: Path) -> None:
    src = write(tmp_path, LEDGER)
    result = runner.invoke(app, ["gains", str(src), "-o", str(tmp_path / "missing" / "gains.csv")])
    assert result.exit_code == 1
    assert result.stderr == f"{tmp_path / 'missing' / 'gains.csv'}: error cannot write: directory {tmp_path / 'missing'} does not exist\n"
    assert result.stdout == ""  # checked before the run: no summary, no rows
    assert "Traceback" not in result.output
    imported = runner.invoke(app, ["import", str(src), "-o", str(tmp_path / "missing" / "ledger.csv")])
    assert imported.exit_code == 1
    assert "cannot write" in imported.stderr


def test_version() -> None:
    from taxlots import __version__

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"taxlots {__version__}\n"
