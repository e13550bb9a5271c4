"""Packaging: the wheel holds the package and the forms it fills (not tests or samples); ``taxlots`` and
``python -m taxlots`` run; ``--install-completion`` installs a completion that completes; ``[fetch]`` adds ccxt."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from importlib.metadata import version
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _setuptools_is_new_enough() -> bool:
    try:
        return int(version("setuptools").split(".")[0]) >= 77  # the SPDX license string of pyproject.toml
    except Exception:
        return False


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    if not _setuptools_is_new_enough():
        pytest.skip("needs setuptools>=77 in this environment (pip install -e '.[dev]') to build offline")
    src, out = tmp_path_factory.mktemp("src"), tmp_path_factory.mktemp("wheel")
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(ROOT / "taxlots", src / "taxlots", ignore=shutil.ignore_patterns("__pycache__"))
    for extra in ("tests", "samples", "bench", "docs"):  # present in a checkout: the wheel must leave them out
        shutil.copytree(ROOT / extra, src / extra, ignore=shutil.ignore_patterns("__pycache__", "out", "data"))
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q", "-w", str(out), str(src)]
    subprocess.run(command, check=True, capture_output=True)  # --no-index: nothing is fetched
    (built,) = out.glob("taxlots-*.whl")
    return zipfile.ZipFile(built)


def test_wheel_holds_the_package_and_the_forms_only(wheel: zipfile.ZipFile) -> None:
    names = wheel.namelist()
    tops = {n.split("/")[0] for n in names}
    assert {t for t in tops if not t.endswith(".dist-info")} == {"taxlots"}
    for needed in ("taxlots/__init__.py", "taxlots/__main__.py", "taxlots/cli/__init__.py", "taxlots/templates/taxlots.toml"):
        assert needed in names
    forms = sorted(n for n in names if n.endswith(".pdf"))
    assert forms == sorted(f"taxlots/forms/{p.name}" for p in (ROOT / "taxlots" / "forms").glob("*.pdf"))
    assert len(forms) >= 4  # Form 8949 and Schedule D, 2024 and 2025
    assert not [n for n in names if n.startswith(("tests/", "samples/", "bench/", "docs/")) or "/tests/" in n or n.endswith(".csv")]


def test_wheel_metadata_script_and_fetch_extra(wheel: zipfile.ZipFile) -> None:
    (entry,) = [n for n in wheel.namelist() if n.endswith(".dist-info/entry_points.txt")]
    assert "taxlots = taxlots.cli:main" in wheel.read(entry).decode()
    (meta,) = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
    lines = wheel.read(meta).decode().splitlines()
    assert "Provides-Extra: fetch" in lines
    assert any(line.startswith("Requires-Dist: ccxt") and 'extra == "fetch"' in line for line in lines)
    assert not any(line.startswith("Requires-Dist: ccxt") and "extra" not in line for line in lines)  # never by default


def test_python_dash_m_taxlots_runs() -> None:
    result = subprocess.run([sys.executable, "-m", "taxlots", "--version"], capture_output=True, text=True, check=True)
    from taxlots import __version__

    assert result.stdout == f"taxlots {__version__}\n"


def test_install_completion_installs_a_completion_that_completes(tmp_path: Path) -> None:
    script = shutil.which("taxlots", path=str(BIN))
    if script is None:
        pytest.skip("the taxlots script is not installed next to this Python")
    # typer detects the shell from the process tree, which a test run need not have (CI, a detached job): with
    # detection off, --install-completion takes the shell by name, as a user may give it
    env = {**os.environ, "HOME": str(tmp_path), "SHELL": "/bin/bash", "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}
    installed = subprocess.run([script, "--install-completion", "bash"], capture_output=True, text=True, env=env)
    assert installed.returncode == 0, installed.stderr
    completion = tmp_path / ".bash_completions" / "taxlots.sh"
    assert "_TAXLOTS_COMPLETE=complete_bash" in completion.read_text()
    assert str(completion) in (tmp_path / ".bashrc").read_text()
    env.update(_TAXLOTS_COMPLETE="complete_bash", COMP_WORDS="taxlots ga", COMP_CWORD="1")
    completed = subprocess.run([script], capture_output=True, text=True, env=env)
    assert completed.stdout.split() == ["gains"]
