"""Benchmarks time taxlots as it runs once installed: with its modules compiled to bytecode.

pip compiles a wheel's modules as it installs them, and a source checkout writes its bytecode on its first
run, unless ``PYTHONDONTWRITEBYTECODE`` is set (as on some CI and sandbox machines). Then every run compiles
all of taxlots' modules again, about 0.3 s of CPU that an installed copy never pays, and a comparison with
a pip-installed peer (RP2) would charge it to taxlots. :func:`compile_taxlots` writes the bytecode caches
(``__pycache__``, ignored by git) of the taxlots this interpreter imports before anything is timed.
"""

from __future__ import annotations

import compileall
import importlib.util


def compile_taxlots() -> str:
    """Compile the taxlots package ``python -m taxlots`` would run; return its folder."""
    spec = importlib.util.find_spec("taxlots")
    assert spec is not None and spec.submodule_search_locations, "taxlots is not importable"
    folder = list(spec.submodule_search_locations)[0]
    if not compileall.compile_dir(folder, quiet=1):
        raise SystemExit(f"cannot compile {folder}")
    return folder
