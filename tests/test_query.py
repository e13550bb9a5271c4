"""Every polars query of taxlots runs in the in-memory engine (``taxlots.query``), none in the default streaming one.

The streaming engine gives the same frames, only with a fixed cost of up to a second per importer plan, so no
output test can tell a query left to it; these two can. The first reads the source, so it also covers paths
no sample reaches; the second watches the queries that reading every bundled sample really runs.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from taxlots import ingest, inputs
from taxlots.model.diagnostics import Severity
from taxlots.query import ENGINE

ROOT = Path(__file__).resolve().parent.parent
MODULES = sorted((ROOT / "taxlots").rglob("*.py"))


def _unpinned(path: Path) -> list[int]:
    """Lines of ``path`` that call ``collect`` or ``collect_all`` without ``engine=ENGINE``."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id if isinstance(node.func, ast.Name) else ""
        if name not in ("collect", "collect_all"):
            continue
        engine = next((k.value for k in node.keywords if k.arg == "engine"), None)
        if not (isinstance(engine, ast.Name) and engine.id == "ENGINE"):
            lines.append(node.lineno)
    return lines


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_query_names_the_engine(path: Path) -> None:
    assert _unpinned(path) == [], f"{path.relative_to(ROOT)}: collect without engine=ENGINE (taxlots.query)"


def test_the_check_finds_a_query_left_to_the_default(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text(
        "a = lf.collect(engine=ENGINE)\n"
        "b = lf.collect()\n"
        "c = pl.collect_all([lf])\n"
        "d = lf.collect(engine='streaming')\n"
        "e = collect_all([lf], engine=ENGINE)\n"
    )
    assert _unpinned(source) == [2, 3, 4]


def test_reading_every_sample_runs_no_query_in_the_streaming_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    engines: list[Any] = []
    collect, collect_all = pl.LazyFrame.collect, pl.collect_all

    def watched(self: pl.LazyFrame, *args: Any, **kwargs: Any) -> Any:
        engines.append(kwargs.get("engine", "auto"))
        return collect(self, *args, **kwargs)

    def watched_all(frames: Any, *args: Any, **kwargs: Any) -> Any:
        engines.append(kwargs.get("engine", "auto"))
        return collect_all(frames, *args, **kwargs)

    monkeypatch.setattr(pl.LazyFrame, "collect", watched)
    monkeypatch.setattr(pl, "collect_all", watched_all)
    ledger = ingest.load([str(ROOT / "samples")])
    assert ledger.frame.height > 300  # every sample was read
    assert len(engines) > 100
    assert set(engines) == {ENGINE} == {"in-memory"}


def test_all_null_table_columns_keep_their_types() -> None:
    """The in-memory engine merges literal columns of nulls whatever their types; ``gathered`` keeps them apart."""
    from taxlots.importers import _exprs as ex

    text, flag = pl.Series("t", [None], pl.String), pl.Series("f", [None], pl.Boolean)
    codes = pl.LazyFrame({"k": pl.Series("k", [0, 0], pl.UInt32)})
    out = codes.with_columns(t=ex.gathered(text, "k"), f=ex.gathered(flag, "k")).collect(engine=ENGINE)
    assert out.schema == {"k": pl.UInt32, "t": pl.String, "f": pl.Boolean}
    assert out["t"].to_list() == out["f"].to_list() == [None, None]
    held = pl.Series("v", ["b", "a", None])
    looked_up = pl.LazyFrame({"k": pl.Series("k", [1, 2, 0, 1], pl.UInt32)}).select(v=ex.gathered(held, "k")).collect(engine=ENGINE)
    assert looked_up["v"].to_list() == ["a", None, "b", "a"]


SAMPLES = sorted(p for p in (ROOT / "samples").glob("*.csv"))


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_an_export_of_only_its_header_reads_as_no_rows(sample: Path, tmp_path: Path) -> None:
    """Every format's header alone (an export of a quiet year) gives no row and no problem, in the in-memory engine."""
    text, _ = inputs.prepare(str(sample), tmp_path, 0)  # the sample as UTF-8 text, as ``ingest.load`` reads it
    assert text is not None
    sniffed, _ = ingest.sniff(text.path, name=sample.name)
    assert sniffed is not None
    lines = Path(text.path).read_text(encoding="utf-8").splitlines(keepends=True)
    empty = tmp_path / sample.name
    empty.write_text("".join(lines[: sniffed.header_line]), encoding="utf-8")
    ledger = ingest.load([str(empty)])
    assert [d.message for d in ledger.diagnostics if d.severity is not Severity.INFO] == []
    assert ledger.files[0].importer == sniffed.importer.NAME and ledger.frame.height == 0
