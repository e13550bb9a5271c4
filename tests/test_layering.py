"""The architecture as a test: imports flow one way, and every module has a test module."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "taxlots"
PURE = ("model", "lots", "transfers")  # no third-party I/O or UI libraries
ALLOWED = {"model": ("taxlots.model",), "lots": ("taxlots.model", "taxlots.lots"), "transfers": ("taxlots.model", "taxlots.transfers")}
UI = ("typer", "rich")


def imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0] if not node.module.startswith("taxlots.") else node.module)
    return names


MODULES = sorted(p for p in PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_flow_one_way(path: Path) -> None:
    part = path.relative_to(PACKAGE).parts[0]
    found = imports(path)
    if part in PURE:
        assert not found & {"polars", "numpy", "typer", "rich", "openpyxl"}, f"{path} must stay pure"
        assert all(not n.startswith("taxlots.") or n.startswith(ALLOWED[part]) for n in found), f"{path} imports outside {ALLOWED[part]}"
    if part != "cli":
        assert not found & set(UI), f"only taxlots.cli may import typer or rich ({path})"


def test_every_importer_has_its_test_module() -> None:
    importers = {p.stem for p in (PACKAGE / "importers").glob("*.py")} - {"__init__", "base", "_exprs", "generic"}
    tested = {p.stem.removeprefix("test_") for p in (ROOT / "tests" / "importers").glob("test_*.py")}
    assert sorted(importers - tested) == []


def test_transfers_is_pure() -> None:
    """The transfer matcher and the overrides reader import the standard library and taxlots.model only."""
    modules = sorted((PACKAGE / "transfers").glob("*.py"))
    assert {p.stem for p in modules} >= {"match", "overrides"}
    for path in modules:
        third_party = {n for n in imports(path) if not n.startswith("taxlots") and n not in _stdlib()}
        assert third_party == set(), f"{path} imports {third_party}"


def _stdlib() -> frozenset[str]:
    import sys

    return frozenset(sys.stdlib_module_names) | {"__future__"}
