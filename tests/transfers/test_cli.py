"""``taxlots transfers`` end to end: the CSV bytes, the options, and the error paths."""

from __future__ import annotations

from pathlib import Path

import typer
from typer.testing import CliRunner

from taxlots.cli.commands.transfers import transfers

# The lead registers the command in taxlots.cli; until then a two-command app exercises it the same way.
app = typer.Typer()
app.command("transfers")(transfers)


@app.command("noop")
def _noop() -> None:
    """Keeps ``transfers`` a subcommand."""


runner = CliRunner()
HEADER = "timestamp,wallet,type,sent_asset,sent_qty,received_asset,received_qty,fee_asset,fee_qty,usd_value,to_wallet,id,note\n"
LEDGER = """\
2024-01-01T00:00:00Z,Kraken,trade,USD,1000,BTC,1,,,,,B1,
2024-02-01T00:00:00Z,Kraken,withdrawal,BTC,0.5,,,BTC,0.0001,,,W1,
2024-02-01T01:00:00Z,Coinbase,deposit,,,BTC,0.4996,,,,,D1,
2024-02-05T00:00:00Z,Coinbase,withdrawal,BTC,0.2,,,,,,,W2,
2024-02-05T06:00:00Z,Ledger,deposit,,,BTC,0.19,,,,,D2,
"""
CSV_HEADER = (
    "status,asset,sent,received,network_fee,fee,fee_asset,from_wallet,to_wallet,withdrawn_at,deposited_at,"
    "withdrawal_id,deposit_id,withdrawal_source,deposit_source,reason,detail"
)


def write(tmp_path: Path, body: str, name: str = "ledger.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body if name.startswith("ledger") else body)
    return path


def test_pairs_then_unmatched_with_reasons(tmp_path: Path) -> None:
    src = write(tmp_path, LEDGER)
    result = runner.invoke(app, ["transfers", str(src), "--missing-basis", "zero"])
    assert result.exit_code == 0, result.output
    # W1 -> D1: 0.5 - 0.4996 = 0.0004 network fee. W2 -> D2: 0.2 - 0.19 = 0.01 = 5% short, over max(1% of 0.2, no fee) = 0.002.
    detail = "withdrawal W2 sends 0.2, deposit D2 receives 0.19: 0.01 less (5%); at most 0.002 less is allowed"
    assert result.stdout.splitlines() == [
        CSV_HEADER,
        "matched,BTC,0.5,0.4996,0.0004,0.0001,BTC,Kraken,Coinbase,2024-02-01T00:00:00Z,2024-02-01T01:00:00Z,"
        f"W1,D1,{src}:3,{src}:4,time and amount,",
        f'unmatched,BTC,0.2,,,,,Coinbase,,2024-02-05T00:00:00Z,,W2,,{src}:5,,amount too different,"{detail}"',
        f'unmatched,BTC,,0.19,,,,,Ledger,,2024-02-05T06:00:00Z,,D2,,{src}:6,amount too different,"{detail}"',
    ]
    assert "1 transfer(s) matched, 2 row(s) unmatched" in result.stderr
    assert "deposit of 0.19 BTC has no cost basis; zero assumed" in result.stderr


def test_tolerance_and_window_options(tmp_path: Path) -> None:
    src, out = write(tmp_path, LEDGER), tmp_path / "t.csv"
    result = runner.invoke(app, ["transfers", str(src), "--transfer-tolerance", "5", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert [line.split(",")[0] for line in out.read_text().splitlines()[1:]] == ["matched", "matched"]
    result = runner.invoke(app, ["transfers", str(src), "--transfer-tolerance", "5", "--transfer-window", "5.5"])
    assert result.exit_code == 1  # D2 arrives 6 h after W2: outside 5.5 h, so D2 has no basis
    assert "deposit of 0.19 BTC has no cost basis" in result.stderr
    assert "unmatched,BTC,,0.19" in result.stdout  # the report is still written: it is how you find such deposits


def test_overrides_option(tmp_path: Path) -> None:
    src = write(tmp_path, LEDGER)
    ovr = write(tmp_path, "kind,id,with_id\nmatch,W2,D2\n", "overrides.csv")
    result = runner.invoke(app, ["transfers", str(src), "--overrides", str(ovr)])
    assert result.exit_code == 0, result.output
    assert ",W2,D2," in result.stdout and result.stdout.rstrip().endswith(",override,")


def test_bad_override_stops_with_its_line(tmp_path: Path) -> None:
    src = write(tmp_path, LEDGER)
    ovr = write(tmp_path, "kind,id\nforbid,NOPE\n", "overrides.csv")
    result = runner.invoke(app, ["transfers", str(src), "--overrides", str(ovr)])
    assert result.exit_code == 1
    assert f"{ovr}:2: error[bad-override] no ledger row has id 'NOPE'" in " ".join(result.stderr.split())


def test_bad_option_values_are_usage_errors(tmp_path: Path) -> None:
    src = write(tmp_path, LEDGER)
    for args in (["--transfer-window", "two days"], ["--transfer-tolerance", "-1"], ["--missing-basis", "skip"]):
        result = runner.invoke(app, ["transfers", str(src), *args])
        assert result.exit_code == 2, args


def test_unreadable_input_is_an_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["transfers", str(tmp_path / "missing.csv")])
    assert result.exit_code == 1
    assert "no such file" in result.stderr
