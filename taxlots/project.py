"""A tax year kept as a folder: ``taxlots.toml`` names the inputs and every decision, so a run is one command.

Every command reads the project file when one is present (in the current folder or a parent, or the file
``--config`` names); an option given on the command line wins over the file. Paths in the file are relative
to the file's folder. A key taxlots does not know, or a value of the wrong kind, is an error naming the key,
the file and its line, before any work is done. ``taxlots init`` writes a commented starting file; the format
is documented in ``docs/project.md``.
"""

from __future__ import annotations

import glob
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from taxlots.lots.methods import Method, StandingOrder
from taxlots.model.diagnostics import Code, Diagnostic
from taxlots.model.source import SourceRef

FILENAME = "taxlots.toml"


class ProjectError(Exception):
    """A project file that cannot be used; ``diagnostics`` say where and why."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("; ".join(d.render() for d in diagnostics))
        self.diagnostics = diagnostics


@dataclass(frozen=True, slots=True)
class Project:
    """What a project file says: option values by command parameter name, and what has no option."""

    path: Path
    values: Mapping[str, Any] = field(default_factory=dict)
    standing_orders: tuple[StandingOrder, ...] = ()

    @property
    def folder(self) -> Path:
        return self.path.parent


def find(start: Path | None = None) -> Path | None:
    """``taxlots.toml`` in ``start`` (default: the current folder) or the nearest parent that has one."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / FILENAME
        if candidate.is_file():
            return candidate
    return None


def _text(v: Any) -> str:
    if not isinstance(v, str) or not v.strip():
        raise ValueError("a non-empty string")
    return v


def _string(v: Any) -> str:
    if not isinstance(v, str):
        raise ValueError("a string")
    return v


def _int(v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or v < 0:
        raise ValueError("a whole number of at least 0")
    return v


def _positive(v: Any) -> int:
    if _int(v) < 1:
        raise ValueError("a whole number of at least 1")
    return int(v)


def _flag(v: Any) -> bool:
    if not isinstance(v, bool):
        raise ValueError("true or false")
    return v


def _number_text(v: Any) -> str:
    if isinstance(v, bool) or not isinstance(v, (int, str)) or not re.fullmatch(r"\d+(\.\d+)?", str(v)):
        raise ValueError('a number written as a string or an integer (e.g. "0.5")')  # a TOML float would not be exact
    return str(v)


def _one_of(*allowed: str) -> Callable[[Any], str]:
    def check(v: Any) -> str:
        if v not in allowed:
            raise ValueError(f"one of {', '.join(allowed)}")
        return str(v)

    return check


def _texts(v: Any) -> list[str]:
    if isinstance(v, str):
        v = [v]
    if not isinstance(v, list) or not all(isinstance(x, str) and x.strip() for x in v):
        raise ValueError("a string or a list of strings")
    return list(v)


#: (table, key) -> (command parameter, check). Paths are marked by the parameter names in _PATHS.
_KEYS: dict[tuple[str, str], tuple[str, Callable[[Any], Any]]] = {
    ("", "inputs"): ("inputs", _texts),
    ("", "method"): ("method", _one_of(*(m.value for m in Method))),
    ("", "scope"): ("scope", _one_of("universal", "per-wallet", "per-wallet-from-2025")),
    ("", "tz"): ("tz", _text),
    ("", "year"): ("year", _int),
    ("", "lots"): ("lots", _text),
    ("", "allow_shortfalls"): ("allow_shortfalls", _flag),
    ("", "encoding"): ("encoding", _text),
    ("prices", "files"): ("prices", _texts),
    ("prices", "usd_pegged"): ("usd_pegged", _texts),
    ("prices", "window_minutes"): ("price_window", _int),
    ("prices", "staleness_hours"): ("price_staleness", _int),
    ("transfers", "window_hours"): ("transfer_window", _number_text),
    ("transfers", "tolerance_percent"): ("transfer_tolerance", _number_text),
    ("transfers", "network_fee"): ("network_fee", _one_of("disposal", "basis")),
    ("transfers", "missing_basis"): ("missing_basis", _one_of("error", "zero")),
    ("transfers", "overrides"): ("overrides", _text),
    ("basis", "opening_lots"): ("opening_lots", _text),
    ("basis", "allocation"): ("allocation", _text),
    ("report", "out"): ("out", _text),
    ("report", "name"): ("name", _string),
    ("report", "tin"): ("tin", _string),
    ("report", "rounding"): ("rounding", _one_of("cents", "dollars")),
    ("report", "max_pages"): ("max_pages", _positive),
    ("report", "statement"): ("statement", _flag),
    ("report", "exception1"): ("exception1", _flag),
    ("report", "turbotax_rows"): ("turbotax_rows", _positive),
}
_PATHS = {"inputs", "lots", "prices", "overrides", "opening_lots", "allocation", "out"}
_TABLES = {"prices", "transfers", "basis", "report", "brokers", "standing_orders"}


def _line_of(lines: list[str], table: str, key: str) -> int:
    """The line that sets ``key`` (inside ``[table]`` when given); 1 when it cannot be told."""
    current = ""
    for number, text in enumerate(lines, start=1):
        stripped = text.strip()
        header = re.fullmatch(r"\[\[?\s*([\w.-]+)\s*\]\]?", stripped)
        if header:
            current = header.group(1)
            if not key and current == table:
                return number
            continue
        if current == table and re.match(rf'["\']?{re.escape(key)}["\']?\s*=', stripped):
            return number
    return 1


def load(path: Path) -> Project:
    """Read and check a project file. Raises :class:`ProjectError` listing every problem with its line."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        line = int(m.group(1)) if (m := re.search(r"line (\d+)", str(err))) else 1
        raise ProjectError(
            [Diagnostic(code=Code.BAD_OPTION, message=f"not valid TOML: {err}", source=SourceRef(str(path), line))]
        ) from None
    problems: list[Diagnostic] = []
    values: dict[str, Any] = {}

    def bad(table: str, key: str, message: str) -> None:
        name = f"{table}.{key}" if table and key else table or key
        problems.append(
            Diagnostic(code=Code.BAD_OPTION, message=f"'{name}': {message}", source=SourceRef(str(path), _line_of(lines, table, key)))
        )

    def take(table: str, key: str, value: Any) -> None:
        spec = _KEYS.get((table, key))
        if spec is None:
            known = ", ".join(sorted(k for t, k in _KEYS if t == table)) or "none"
            bad(table, key, f"not a key taxlots knows here (known: {known})")
            return
        param, check = spec
        try:
            values[param] = check(value)
        except ValueError as err:
            bad(table, key, f"must be {err}")

    for key, value in data.items():
        if key in _TABLES:
            continue
        take("", key, value)
    for table in ("prices", "transfers", "basis", "report"):
        section = data.get(table, {})
        if not isinstance(section, dict):
            bad(table, "", "must be a table")
            continue
        for key, value in section.items():
            take(table, key, value)
    brokers = data.get("brokers", {})
    if isinstance(brokers, dict):
        for wallet, kind in brokers.items():
            if kind not in ("basis-reported", "proceeds-only", "none"):
                bad("brokers", wallet, "must be basis-reported, proceeds-only or none")
        values["broker"] = [f"{w}={k}" for w, k in brokers.items() if k != "none"]
    else:
        bad("brokers", "", "must be a table of WALLET = basis-reported | proceeds-only")
    orders = _orders(data.get("standing_orders", []), path, lines, problems)
    if problems:
        raise ProjectError(problems)
    return Project(path=path, values=_resolve(values, path.parent), standing_orders=orders)


def _orders(raw: Any, path: Path, lines: list[str], problems: list[Diagnostic]) -> tuple[StandingOrder, ...]:
    """``[[standing_orders]]`` tables: ``method``, ``from`` (a date) and optionally ``wallet``."""
    if not isinstance(raw, list):
        raw = [raw]
    out: list[StandingOrder] = []
    starts = [n for n, t in enumerate(lines, start=1) if re.fullmatch(r"\[\[\s*standing_orders\s*\]\]", t.strip())]
    for i, entry in enumerate(raw):
        line = starts[i] if i < len(starts) else 1
        where = SourceRef(str(path), line)
        if not isinstance(entry, dict) or set(entry) - {"method", "from", "wallet"}:
            problems.append(
                Diagnostic(code=Code.BAD_OPTION, message="a standing order has the keys method, from and wallet only", source=where)
            )
            continue
        method, start, wallet = entry.get("method"), entry.get("from"), entry.get("wallet")
        if method not in ("fifo", "lifo", "hifo") or not isinstance(start, date) or (wallet is not None and not isinstance(wallet, str)):
            message = "a standing order needs method = fifo|lifo|hifo, from = a date (2025-04-01) and an optional wallet string"
            problems.append(Diagnostic(code=Code.BAD_OPTION, message=message, source=where))
            continue
        out.append(StandingOrder(method=Method(method), effective=start, wallet=wallet, source=where))
    return tuple(out)


def _resolve(values: dict[str, Any], folder: Path) -> dict[str, Any]:
    """Paths relative to the project folder, as paths from the current folder; input globs expanded and sorted."""

    def near(p: str) -> str:
        joined = p if os.path.isabs(p) else os.path.join(folder, p)
        return os.path.relpath(joined) if not os.path.isabs(p) else joined

    out = dict(values)
    for name in _PATHS & set(values):
        value = values[name]
        if name == "inputs":
            found: list[str] = []
            for pattern in value:
                matches = sorted(glob.glob(near(pattern)))
                found += matches or [near(pattern)]  # a pattern that matches nothing is reported as a missing file
            out[name] = [Path(p) for p in found]
        elif isinstance(value, list):
            out[name] = [Path(near(p)) for p in value]
        else:
            out[name] = Path(near(value))
    if "usd_pegged" in out:
        out["usd_pegged"] = ",".join(out["usd_pegged"])
    return out
