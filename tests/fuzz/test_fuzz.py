"""Mutated exports through detect, import and gains: a correct ledger or clean ``file:line`` errors, nothing else.

Every sample (the README's and the importer tests') is mutated by hypothesis: bytes flipped, lines cut, columns
dropped or repeated, numbers replaced by huge, negative, ``NaN``, ``1e-30``, empty or quoted-garbage values. The
outcomes allowed: no exception; every diagnostic names the file (and a line); every row kept has exact, finite,
in-range numbers; and, for the generic ledger (one record per line), every data line is accounted for as kept,
duplicate, skipped or error. A few hundred cases run normally; ``pytest -m fuzz`` runs thousands.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from taxlots import ingest
from taxlots.cli import app
from taxlots.model.diagnostics import Severity

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted([*(ROOT / "samples").glob("*.csv"), *(ROOT / "tests" / "importers" / "samples").rglob("*.csv")])
NASTY = ["1E+400", "-5", "NaN", "1e-30", "", '"garbage, quoted"', "99999999999999999999999", "inf", "0", "-0.00", "=1+1", "１２"]
NUMBERS = ("sent_qty", "received_qty", "fee_qty", "usd_value")
runner = CliRunner()


def _separator(line: bytes) -> bytes:
    return max((b",", b";", b"\t"), key=line.count)


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, bytes]:
    """A sample's name and a mutated copy of its bytes."""
    sample = draw(st.sampled_from(SAMPLES))
    data = sample.read_bytes()
    for _ in range(draw(st.integers(1, 3))):
        lines = data.split(b"\n")
        how = draw(st.sampled_from(["flip", "cut_line", "truncate", "drop_column", "repeat_column", "number", "number", "dup_line"]))
        if how == "flip" and data:
            at = draw(st.integers(0, len(data) - 1))
            data = data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1 :]
        elif how == "truncate" and data:
            data = data[: draw(st.integers(0, len(data)))]
        elif how == "cut_line" and len(lines) > 1:
            i = draw(st.integers(1, len(lines) - 1))
            lines[i] = lines[i][: draw(st.integers(0, max(len(lines[i]) - 1, 0)))]
            data = b"\n".join(lines)
        elif how == "dup_line" and len(lines) > 1:
            i = draw(st.integers(1, len(lines) - 1))
            lines.insert(i, lines[i])
            data = b"\n".join(lines)
        elif how in ("drop_column", "repeat_column") and lines:
            sep = _separator(lines[0])
            col = draw(st.integers(0, 20))
            out = []
            for line in lines:
                cells = line.split(sep)
                if col < len(cells):
                    if how == "drop_column":
                        del cells[col]
                    else:
                        cells.insert(col, cells[col])
                out.append(sep.join(cells))
            data = b"\n".join(out)
        elif how == "number" and len(lines) > 1:
            i = draw(st.integers(1, len(lines) - 1))
            sep = _separator(lines[0])
            cells = lines[i].split(sep)
            numeric = [k for k, c in enumerate(cells) if any(ch.isdigit() for ch in c.decode("utf-8", "replace"))]
            if numeric:
                cells[draw(st.sampled_from(numeric))] = draw(st.sampled_from(NASTY)).encode()
                lines[i] = sep.join(cells)
                data = b"\n".join(lines)
    return sample.name, data


def _check_ledger(path: str, led: ingest.Ledger, data: bytes) -> None:
    for d in led.diagnostics:
        assert d.source is not None and d.source.file == path and d.source.line >= 0, d
    errors = [d for d in led.diagnostics if d.severity is Severity.ERROR]
    for column in NUMBERS:
        for text in led.frame[column].drop_nulls():
            value = Decimal(text)  # every kept number is exact text
            assert value.is_finite() and 0 <= value < Decimal(10) ** 20, (column, text)
    (report,) = led.files
    if report.importer == "generic" and b'"' not in data and not any(d.source and d.source.line <= 1 for d in errors):
        text = data.decode("utf-8", "replace")
        body = text.split("\n")[report.header_line :]
        if body and body[-1] == "":
            body = body[:-1]
        accounted = report.kept + report.duplicates + sum(report.skipped.values()) + report.errors
        assert accounted == len(body), (accounted, len(body), report)


def _ingest_case(tmp_path: Path, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    led = ingest.load([str(path)])
    _check_ledger(str(path), led, data)


def _cli_case(tmp_path: Path, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    out = tmp_path / "out.csv"
    out.unlink(missing_ok=True)
    for args in (["detect", str(path)], ["import", str(path), "-o", str(out)], ["gains", str(path), "--allow-shortfalls"]):
        result = runner.invoke(app, args)
        assert result.exception is None or isinstance(result.exception, SystemExit), (args, result.exception)
        assert result.exit_code in (0, 1), (args, result.output)
        assert "Traceback" not in result.output
        if result.exit_code == 1 and args[0] != "detect":
            assert result.stdout == "" or args[0] == "import" and "Wrote" not in result.stdout
            assert f"{path}:" in result.stderr, result.stderr
    if out.exists():  # an imported ledger reads back as itself
        again = tmp_path / "again.csv"
        assert runner.invoke(app, ["import", str(out), "-o", str(again)]).exit_code == 0
        assert again.read_bytes() == out.read_bytes()


_FAST = {"deadline": None, "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]}


@settings(max_examples=120, **_FAST)
@given(case=mutated())
def test_mutated_exports_read_cleanly(tmp_path: Path, case: tuple[str, bytes]) -> None:
    _ingest_case(tmp_path, *case)


@settings(max_examples=25, **_FAST)
@given(case=mutated())
def test_mutated_exports_through_the_commands(tmp_path: Path, case: tuple[str, bytes]) -> None:
    _cli_case(tmp_path, *case)


@pytest.mark.fuzz
@settings(max_examples=3000, **_FAST)
@given(case=mutated())
def test_fuzz_mutated_exports_read_cleanly(tmp_path: Path, case: tuple[str, bytes]) -> None:
    _ingest_case(tmp_path, *case)


@pytest.mark.fuzz
@settings(max_examples=1000, **_FAST)
@given(case=mutated())
def test_fuzz_mutated_exports_through_the_commands(tmp_path: Path, case: tuple[str, bytes]) -> None:
    _cli_case(tmp_path, *case)


def test_every_sample_is_fuzzed() -> None:
    assert len(SAMPLES) > 40 and any(p.name == "ledger_2024.csv" for p in SAMPLES)
