"""The overrides file: the user's own decisions about deposits and withdrawals, reviewable in git.

One override per CSV line (or per ``[[override]]`` TOML table), naming a ledger row by its ``id``:

==================  ===========  ============================================================================
kind                applies to   fields
==================  ===========  ============================================================================
``match``           withdrawal   ``with_id``: the deposit it became (forced, whatever the time and amount)
``forbid``          either       ``with_id`` optional: never this pair; without it, never match the row at all
``purchase``        deposit      ``usd_value`` (the cost, required), ``acquired_at`` (required)
``gift-received``   deposit      ``usd_value`` (donor's basis), ``acquired_at`` (donor's date), ``fmv`` (at receipt)
``income``          deposit      ``usd_value`` optional, ``income_type`` optional (``staking``, ``airdrop``...)
``payment``         withdrawal   ``usd_value`` optional (a disposal at its value)
``gift-sent``       withdrawal   none
``donation``        withdrawal   none
``lost``            withdrawal   none
``stolen``          withdrawal   none
==================  ===========  ============================================================================

Every override may carry a ``note``. A field the kind does not take is an error (so nothing written is ignored),
as is a missing required field, a value that is not a number or a date, or an unknown kind or column. Which
row an id names is checked against the ledger later (``taxlots.pairing``); this module only reads text.
"""

from __future__ import annotations

import csv
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from taxlots.model.diagnostics import Code, Diagnostic
from taxlots.model.source import SourceRef

IMPORTER = "overrides"


class Kind(StrEnum):
    MATCH = "match"
    FORBID = "forbid"
    PURCHASE = "purchase"
    GIFT_RECEIVED = "gift-received"
    INCOME = "income"
    PAYMENT = "payment"
    GIFT_SENT = "gift-sent"
    DONATION = "donation"
    LOST = "lost"
    STOLEN = "stolen"


#: The kinds that say what a deposit was, and what a withdrawal was.
DEPOSIT_KINDS = frozenset({Kind.PURCHASE, Kind.GIFT_RECEIVED, Kind.INCOME})
WITHDRAWAL_KINDS = frozenset({Kind.PAYMENT, Kind.GIFT_SENT, Kind.DONATION, Kind.LOST, Kind.STOLEN})

#: The CSV header (any order; ``kind`` and ``id`` are required, the other columns may be left out).
COLUMNS = ("kind", "id", "with_id", "usd_value", "acquired_at", "fmv", "income_type", "note")
_FIELDS = ("with_id", "usd_value", "acquired_at", "fmv", "income_type")

#: Per kind: (required fields, optional fields) among ``_FIELDS``.
_SHAPE: dict[Kind, tuple[frozenset[str], frozenset[str]]] = {
    Kind.MATCH: (frozenset({"with_id"}), frozenset()),
    Kind.FORBID: (frozenset(), frozenset({"with_id"})),
    Kind.PURCHASE: (frozenset({"usd_value", "acquired_at"}), frozenset()),
    Kind.GIFT_RECEIVED: (frozenset({"usd_value", "acquired_at", "fmv"}), frozenset()),
    Kind.INCOME: (frozenset(), frozenset({"usd_value", "income_type"})),
    Kind.PAYMENT: (frozenset(), frozenset({"usd_value"})),
    **{k: (frozenset(), frozenset()) for k in (Kind.GIFT_SENT, Kind.DONATION, Kind.LOST, Kind.STOLEN)},
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Override:
    """One decision about the row whose ledger ``id`` is ``id``; ``source`` is the override's own file and line."""

    kind: Kind
    id: str
    source: SourceRef
    with_id: str | None = None  # match / forbid: the deposit
    usd_value: Decimal | None = None  # purchase: cost; gift-received: donor's basis; income, payment: value
    acquired_at: datetime | None = None  # purchase: when bought; gift-received: the donor's acquisition
    fmv: Decimal | None = None  # gift-received: fair market value at receipt
    income_type: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class Overrides:
    """The overrides of one file, in file order."""

    items: tuple[Override, ...] = ()
    file: str = ""


def parse(text: str, file: str) -> tuple[Overrides, list[Diagnostic]]:
    """Read overrides from ``text``: TOML when ``file`` ends in ``.toml``, else CSV.

    Args:
        text: the file's content.
        file: its name as the user gave it (for diagnostics, and to pick the format).

    Returns:
        The overrides that are well formed, and one diagnostic per problem (file and line).
    """
    return parse_toml(text, file) if file.lower().endswith(".toml") else parse_csv(text, file)


def parse_csv(text: str, file: str) -> tuple[Overrides, list[Diagnostic]]:
    """``kind,id,with_id,usd_value,acquired_at,fmv,income_type,note``; blank lines and ``#`` lines are skipped."""
    diags: list[Diagnostic] = []
    lines = text.lstrip("\ufeff").splitlines()
    numbered = [(n, ln) for n, ln in enumerate(lines, start=1) if ln.strip() and not ln.lstrip().startswith("#")]
    if not numbered:
        return Overrides(file=file), diags
    head_line, head_text = numbered[0]
    header = [c.strip().lower() for c in next(csv.reader([head_text]))]
    unknown = [c for c in header if c not in COLUMNS]
    missing = [c for c in ("kind", "id") if c not in header]
    if unknown or missing:
        problem = f"unknown column(s) {', '.join(unknown)}" if unknown else f"missing column(s) {', '.join(missing)}"
        diags.append(_bad(file, head_line, f"header {problem}; the columns are {','.join(COLUMNS)}"))
        return Overrides(file=file), diags
    items: list[Override] = []
    for line, cells in zip((n for n, _ in numbered[1:]), csv.reader([t for _, t in numbered[1:]]), strict=True):
        if len(cells) > len(header):
            diags.append(_bad(file, line, f"row has {len(cells)} fields, the header has {len(header)}"))
            continue
        values = {name: cell.strip() for name, cell in zip(header, cells, strict=False) if cell.strip()}
        item = _build(values, SourceRef(file, line, IMPORTER), diags)
        if item is not None:
            items.append(item)
    return Overrides(items=tuple(items), file=file), diags


_TABLE = re.compile(r"^\s*\[\[\s*override\s*\]\]")


def parse_toml(text: str, file: str) -> tuple[Overrides, list[Diagnostic]]:
    """An array of ``[[override]]`` tables with the CSV's column names as keys.

    Numbers may be TOML numbers (read exactly, never as floats) or strings; ``acquired_at`` a TOML date,
    date-time or an ISO 8601 string. A table's line is the line of its ``[[override]]`` header.
    """
    try:
        doc = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as err:
        match = re.search(r"line (\d+)", str(err))
        return Overrides(file=file), [_bad(file, int(match.group(1)) if match else 1, f"not valid TOML: {err}")]
    diags: list[Diagnostic] = []
    extra = sorted(k for k in doc if k != "override")
    if extra:
        diags.append(_bad(file, 1, f"unknown top-level key(s) {', '.join(extra)}; write each override as an [[override]] table"))
    tables = doc.get("override", [])
    starts = [n for n, ln in enumerate(text.splitlines(), start=1) if _TABLE.match(ln)]
    if not isinstance(tables, list) or len(starts) != len(tables):
        diags.append(_bad(file, 1, "write each override as an [[override]] table (not an inline array)"))
        return Overrides(file=file), diags
    items: list[Override] = []
    for line, table in zip(starts, tables, strict=True):
        src = SourceRef(file, line, IMPORTER)
        unknown = sorted(k for k in table if k not in COLUMNS)
        if unknown:
            diags.append(_bad(file, line, f"unknown key(s) {', '.join(unknown)}; the keys are {', '.join(COLUMNS)}"))
            continue
        values: dict[str, object] = {k: v for k, v in table.items() if v != ""}
        item = _build(values, src, diags)
        if item is not None:
            items.append(item)
    return Overrides(items=tuple(items), file=file), diags


def _bad(file: str, line: int, message: str, hint: str = "") -> Diagnostic:
    return Diagnostic(code=Code.BAD_OVERRIDE, message=message, source=SourceRef(file, line, IMPORTER), hint=hint)


def _build(values: Mapping[str, object], src: SourceRef, diags: list[Diagnostic]) -> Override | None:
    """Check one override's fields against its kind; None (and diagnostics) when anything is wrong."""
    before = len(diags)

    def bad(message: str) -> None:
        diags.append(_bad(src.file, src.line, message))

    kind_text, rid = str(values.get("kind", "")), str(values.get("id", ""))
    if kind_text not in set(Kind):
        bad(f"kind '{kind_text}' is not one of {', '.join(Kind)}" if kind_text else f"kind is blank; use one of {', '.join(Kind)}")
        return None
    kind = Kind(kind_text)
    if not rid:
        bad(f"a {kind} override needs the id of a ledger row")
    required, optional = _SHAPE[kind]
    for name in sorted(required - values.keys()):
        bad(f"a {kind} override needs {name}")
    for name in sorted(values.keys() & set(_FIELDS) - required - optional):
        bad(f"a {kind} override takes no {name}; leave it blank")
    usd = _number(values, "usd_value", bad)
    fmv = _number(values, "fmv", bad)
    acquired = _when(values.get("acquired_at"), bad)
    if len(diags) > before:
        return None
    with_id = values.get("with_id")
    return Override(
        kind=kind,
        id=rid,
        source=src,
        with_id=str(with_id) if with_id is not None else None,
        usd_value=usd,
        acquired_at=acquired,
        fmv=fmv,
        income_type=str(values.get("income_type", "")),
        note=str(values.get("note", "")),
    )


def _number(values: Mapping[str, object], name: str, bad: Callable[[str], None]) -> Decimal | None:
    raw = values.get(name)
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, str | int | Decimal):
        bad(f"{name} {raw!r} is not a number")
        return None
    try:
        value = Decimal(raw.strip() if isinstance(raw, str) else raw)
    except InvalidOperation:
        bad(f"{name} '{raw}' is not a number")
        return None
    if not value.is_finite() or value < 0:
        bad(f"{name} '{raw}' must be a number of zero or more")
        return None
    return value


def _when(raw: object, bad: Callable[[str], None]) -> datetime | None:
    """A date (midnight UTC), a date-time with a zone (to UTC) or without one (read as UTC)."""
    if raw is None:
        return None
    value: object = raw
    if isinstance(raw, str):
        try:
            value = datetime.fromisoformat(raw.strip())
        except ValueError:
            bad(f"acquired_at '{raw}' is not an ISO 8601 date or date and time (2021-03-01 or 2021-03-01T14:30:00Z)")
            return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, date):
        return datetime.combine(value, time(), tzinfo=UTC)
    bad(f"acquired_at {raw!r} is not a date")
    return None
