"""What the commands write, and what they must never write over: inputs, links, devices, half files."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from taxlots.cli import app
from taxlots.reports.files import atomic_path

runner = CliRunner()
HEADER = "timestamp,wallet,type,sent_asset,sent_qty,received_asset,received_qty,fee_asset,fee_qty,usd_value,to_wallet,id,note\n"
LEDGER = HEADER + (
    "2024-01-01T00:00:00Z,K,deposit,,,BTC,2,,,100,,D1,\n"  # 2 BTC for 100 USD: 50 a coin
    "2024-02-01T00:00:00Z,K,trade,BTC,1,USD,80,,,,,S1,\n"  # 1 BTC sold for 80: basis 50, gain 30
)
GAINS = (
    "disposal_id,lot_id,wallet,asset,quantity,date_acquired,date_sold,proceeds,cost_basis,gain,term\n"
    "S1,D1,K,BTC,1,2024-01-01,2024-02-01,80.00,50.00,30.00,short\n"
)


def ledger(tmp_path: Path, name: str = "m.csv", body: str = LEDGER) -> Path:
    path = tmp_path / name
    path.write_text(body)
    return path


@pytest.mark.parametrize("spelling", ["same", "dot", "link"])
def test_output_naming_an_input_is_refused_before_any_work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spelling: str) -> None:
    src = ledger(tmp_path)
    monkeypatch.chdir(tmp_path)
    out = {"same": "m.csv", "dot": "sub/../m.csv", "link": "alias.csv"}[spelling]
    (tmp_path / "sub").mkdir()
    (tmp_path / "alias.csv").symlink_to(src)
    for command in (["gains", "m.csv"], ["lots", "m.csv"], ["import", "m.csv"]):
        result = runner.invoke(app, [*command, "-o", out])
        assert result.exit_code == 2, result.output
        assert result.stderr == f"error: --output {out} is also an input; writing it would destroy it: choose another output file\n"
        assert result.stdout == ""
        assert src.read_text() == LEDGER


def test_output_naming_the_lots_file_or_a_directory_input_is_refused(tmp_path: Path) -> None:
    src = ledger(tmp_path)
    lots = tmp_path / "s.csv"
    lots.write_text("disposal_id,lot_id,quantity\nS1,D1,1\n")
    result = runner.invoke(app, ["gains", str(src), "--method", "specific", "--lots", str(lots), "-o", str(lots)])
    assert result.exit_code == 2
    assert "is also an --lots file" in result.stderr
    assert lots.read_text() == "disposal_id,lot_id,quantity\nS1,D1,1\n"
    inside = runner.invoke(app, ["import", str(tmp_path), "-o", str(tmp_path / "new.csv")])
    assert inside.exit_code == 2 and "is also an input" in inside.stderr  # next run would read it as an input
    assert not (tmp_path / "new.csv").exists()


def test_a_symlink_at_the_output_is_written_through(tmp_path: Path) -> None:
    src, real, link = ledger(tmp_path), tmp_path / "real.csv", tmp_path / "link.csv"
    real.write_text("old\n")
    link.symlink_to(real)
    result = runner.invoke(app, ["gains", str(src), "-o", str(link)])
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and real.read_text() == GAINS


def test_a_fifo_at_the_output_is_written_directly_never_renamed_over(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    with atomic_path(fifo) as target, target.open("w") as fh:
        fh.write("hello\n")
    reader.join(5)
    assert received == [b"hello\n"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]  # no temporary file left beside it
    link = tmp_path / "stdout"  # like /dev/stdout: a link to a pipe
    link.symlink_to(fifo)
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    with atomic_path(link) as target, target.open("w") as fh:
        fh.write("again\n")
    reader.join(5)
    assert received == [b"hello\n", b"again\n"] and link.is_symlink() and stat.S_ISFIFO(fifo.stat().st_mode)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_dev_full_is_a_clear_error_and_stays_a_device() -> None:
    with pytest.raises(OSError), atomic_path("/dev/full") as target, target.open("w") as fh:
        fh.write("x" * 100_000)
        fh.flush()
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_new_outputs_honour_the_umask_and_replaced_ones_keep_their_mode(tmp_path: Path, umask: int, mode: int) -> None:
    src, out = ledger(tmp_path), tmp_path / "g.csv"
    old = os.umask(umask)
    try:
        assert runner.invoke(app, ["gains", str(src), "-o", str(out)]).exit_code == 0
        assert stat.S_IMODE(out.stat().st_mode) == mode  # 0666 less the umask, like any new file
        out.chmod(0o640)
        assert runner.invoke(app, ["gains", str(src), "-o", str(out)]).exit_code == 0
        assert stat.S_IMODE(out.stat().st_mode) == 0o640
    finally:
        os.umask(old)


def test_huge_number_is_a_row_error_and_nothing_reaches_stdout(tmp_path: Path) -> None:
    src = ledger(tmp_path, body=LEDGER.replace("USD,80,", "USD,1E+400,"))
    result = runner.invoke(app, ["gains", str(src)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert f"{src}:3: error[bad-row] received_qty '1E+400' is out of range (at most 20 digits before the decimal point)" in result.stderr
    tiny = runner.invoke(app, ["gains", str(ledger(tmp_path, "t.csv", LEDGER.replace("BTC,1,USD", "BTC,1e-30,USD")))])
    assert tiny.exit_code == 1 and tiny.stdout == ""
    assert "sent_qty '1e-30' is below 1e-18, the smallest amount taxlots keeps" in tiny.stderr
    fine = runner.invoke(app, ["gains", str(ledger(tmp_path, "f.csv", LEDGER.replace("BTC,1,USD", "BTC,1.0000000000000000001,USD")))])
    assert fine.exit_code == 1 and fine.stdout == ""
    assert "sent_qty '1.0000000000000000001' has more than 18 decimals; taxlots keeps amounts exactly to 1e-18" in fine.stderr
    zeros = runner.invoke(app, ["gains", str(ledger(tmp_path, "z.csv", LEDGER.replace("BTC,1,USD", "BTC,1.000000000000000001000,USD")))])
    assert "more than 18 decimals" not in zeros.stderr  # 18 decimals and trailing zeros: exact


def test_far_future_dates_are_errors_and_dates_after_today_warnings(tmp_path: Path) -> None:
    src = ledger(tmp_path, body=LEDGER.replace("2024-02-01T00:00:00Z", "9999-12-31T23:59:59Z"))
    result = runner.invoke(app, ["gains", str(src), "--tz", "Pacific/Kiritimati"])
    assert result.exit_code == 1 and result.stdout == ""
    assert f"{src}:3: error[bad-row] timestamp 9999-12-31T23:59:59Z is after 2099: not a real date" in result.stderr
    soon = ledger(tmp_path, "soon.csv", LEDGER.replace("2024-02-01T00:00:00Z", "2099-02-01T00:00:00Z"))
    warned = runner.invoke(app, ["gains", str(soon)])
    assert warned.exit_code == 0, warned.output
    assert f"{soon}:3: warning[bad-timestamp] 1 row(s) are dated after today (the first on this line)" in warned.stderr
    early = runner.invoke(app, ["gains", str(ledger(tmp_path, "e.csv", LEDGER.replace("2024-01-01T00:00:00Z", "1899-12-30T00:00:00Z")))])
    assert early.exit_code == 1 and "timestamp 1899-12-30T00:00:00Z is before 1970-01-01" in early.stderr


def test_a_file_cut_inside_a_quoted_field_names_the_line(tmp_path: Path) -> None:
    src = ledger(tmp_path, body=LEDGER + '2024-03-01T00:00:00Z,K,trade,BTC,0.5,USD,40,,,,,S2,"sold half\n2024-03-02T00:')
    result = runner.invoke(app, ["gains", str(src)])
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.splitlines()[0] == (
        f"{src}:4: error[file-unreadable] unterminated quoted field: the quote opened on this line never closes; the file looks truncated"
    )
    assert "infer_schema_length" not in result.stderr


def test_spreadsheet_formulas_from_a_hostile_export_are_written_as_text(tmp_path: Path) -> None:
    hostile = HEADER + (
        '2024-01-01T00:00:00Z,"=HYPERLINK(""http://x"",""y"")",deposit,,,BTC,2,,,100,,@SUM(A1),\n'
        '2024-02-01T00:00:00Z,"=HYPERLINK(""http://x"",""y"")",trade,BTC,1,USD,10,,,,,+cmd|calc,\n'
    )
    out = tmp_path / "g.csv"
    result = runner.invoke(app, ["gains", str(ledger(tmp_path, body=hostile)), "-o", str(out)])
    assert result.exit_code == 0, result.output
    # every text cell that starts like a formula gets a leading ', the negative gain -40.00 stays a number
    assert out.read_text().splitlines()[1] == (
        '\'+cmd|calc,\'@SUM(A1),"\'=HYPERLINK(""http://x"",""y"")",BTC,1,2024-01-01,2024-02-01,10.00,50.00,-40.00,short'
    )
    lots_out = tmp_path / "lots.csv"
    assert runner.invoke(app, ["lots", str(ledger(tmp_path, "h.csv", hostile)), "-o", str(lots_out)]).exit_code == 0
    assert lots_out.read_text().splitlines()[1].startswith("'@SUM(A1),BTC,\"'=HYPERLINK(")


def test_workbook_cells_are_text_never_formulas(tmp_path: Path) -> None:
    import openpyxl

    from taxlots.reports.files import set_text_cell

    book = openpyxl.Workbook()
    for col, value in enumerate(["=1+1", "+1", "-A1", "@SUM(A1)", "\tx"], start=1):
        set_text_cell(book.active.cell(row=1, column=col), value)
    book.save(tmp_path / "w.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "w.xlsx").active
    assert [(c.value, c.data_type) for c in sheet[1]] == [
        ("=1+1", "s"), ("+1", "s"), ("-A1", "s"), ("@SUM(A1)", "s"), ("\tx", "s"),
    ]  # fmt: skip


_DRIVER = """
import sys
from taxlots.cli import app
for args in (a.split("\\x1f") for a in sys.argv[1:]):
    try:
        app(args, standalone_mode=False)
    except SystemExit as stop:
        assert not stop.code, args
"""


def test_same_inputs_give_the_same_bytes_across_processes_hash_seeds_and_zones(tmp_path: Path, samples: Path) -> None:
    exports = [str(samples / n) for n in ("kraken_ledgers_2024.csv", "binance_statement_2024.csv", "coinbase_2024.csv")]
    ledger_file = str(samples / "ledger_2024.csv")
    outs = []
    for seed, tz in (("0", "UTC"), ("4242", "Asia/Kolkata")):
        gains, lots, led = tmp_path / f"g{seed}.csv", tmp_path / f"o{seed}.csv", tmp_path / f"l{seed}.csv"
        commands = [
            ["gains", ledger_file, "-o", str(gains), "--method", "hifo", "--scope", "per-wallet"],
            ["lots", ledger_file, "-o", str(lots), "--method", "lifo"],
            ["import", *exports, "-o", str(led)],
        ]
        env = {**os.environ, "PYTHONHASHSEED": seed, "TZ": tz}
        done = subprocess.run([sys.executable, "-c", _DRIVER, *("\x1f".join(c) for c in commands)], env=env, capture_output=True)
        assert done.returncode == 0, done.stderr.decode()
        outs.append((gains.read_bytes(), lots.read_bytes(), led.read_bytes()))
    assert outs[0] == outs[1]
    assert outs[0][0].count(b"\n") > 5 and outs[0][2].count(b"\n") > 50


def test_a_run_killed_midway_leaves_the_earlier_output_intact(tmp_path: Path) -> None:
    rows = "".join(f"2024-01-01T00:00:{i % 60:02d}Z,W{i % 7},deposit,,,BTC,1,,,{i + 1},,D{i},\n" for i in range(20_000))
    src, out = ledger(tmp_path, body=HEADER + rows), tmp_path / "lots.csv"
    out.write_text("earlier output\n")
    proc = subprocess.Popen([sys.executable, "-m", "taxlots", "lots", str(src), "-o", str(out)], stderr=subprocess.DEVNULL)
    try:
        while proc.poll() is None and not any(p.name.startswith(".lots.csv.") for p in tmp_path.iterdir()):
            time.sleep(0.001)  # until it is writing the temporary file
        proc.kill()
    finally:
        proc.wait()
    assert proc.returncode != 0, "the run finished before it could be killed"
    assert out.read_text() == "earlier output\n"


def test_a_default_run_opens_no_socket(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a default run tried to use the network")

    for name in ("socket", "create_connection", "getaddrinfo", "socketpair"):
        monkeypatch.setattr(socket, name, refuse)
    src = ledger(tmp_path)
    for args in (["gains", str(src)], ["lots", str(src)], ["detect", str(src)], ["import", str(src), "-o", str(tmp_path / "l.csv")]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
    assert runner.invoke(app, ["gains", str(src)]).stdout == GAINS


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")
def test_dev_stdout_as_a_pipe_is_written_through(tmp_path: Path) -> None:
    # /dev/stdout -> /proc/self/fd/1 -> "pipe:[...]": the link's real path names no file, the link itself works
    read_end, write_end = os.pipe()
    link = tmp_path / "stdout"
    link.symlink_to(f"/proc/self/fd/{write_end}")
    try:
        with atomic_path(link) as target, target.open("w") as fh:
            fh.write("rows\n")
        os.close(write_end)
        assert os.read(read_end, 100) == b"rows\n"
    finally:
        os.close(read_end)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["stdout"]
