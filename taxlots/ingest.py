"""Paths in, one unified ledger out: detect each file's format, read it with polars, validate, deduplicate.

The pipeline for each file: find the header in the first lines (:func:`sniff`), scan every column as a
string, set aside blank lines, repeated header lines and rows with too many fields, let the importer
normalize the rest into the unified schema, then check every row against the ledger's rules (a trade has
two sides, quantities are positive, ...). Rows that fail become diagnostics that name the file and line.

Across files: rows that carry an exchange id are kept once per id (the importer with the higher
``PRIORITY`` wins, e.g. Kraken ledgers over Kraken trades); rows without one are deduplicated as a multiset
(per distinct row, the largest count seen in any one file is kept, because two identical fills in the same
second are legitimate). Rows are then ordered by timestamp, input file order and line, and numbered
(``seq``). :func:`to_rows` is the one bridge from this frame to the engine's ``LedgerRow`` values.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from hashlib import blake2b
from pathlib import Path
from sys import intern
from types import ModuleType

import polars as pl

from taxlots import inputs
from taxlots.importers import IMPORTERS, Context, claimants, normalize_header
from taxlots.importers import _exprs as ex
from taxlots.importers.base import UNIFIED_SCHEMA
from taxlots.model.diagnostics import Code, Diagnostic, Severity, sort_key
from taxlots.model.ledger import LEDGER_COLUMNS, Kind, LedgerRow
from taxlots.model.source import SourceRef

SNIFF_LINES = 20
_SLACK = 8  # extra columns read past the header, to catch rows with too many fields
_DELIMITERS = (",", ";", "\t")
_CONTENT = [c for c in LEDGER_COLUMNS if c != "id"]
OWN_LEDGER_PRIORITY = 1000  # above every importer's PRIORITY
#: Timestamps outside [EARLIEST, LATEST) are errors (an Excel zero date, a year 9999 placeholder); later than
#: now is a warning.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Sniffed:
    """Where a file's header is and which importer claims it."""

    importer: ModuleType
    header_line: int
    separator: str
    header: tuple[str, ...]
    raw_header: tuple[str, ...]


@dataclass(slots=True)
class FileReport:
    """What reading one file found (``taxlots detect`` prints it)."""

    path: str
    importer: str = ""
    title: str = ""
    header_line: int = 0
    rows: int = 0  # ledger rows the importer produced (before validation and deduplication)
    kept: int = 0
    errors: int = 0
    duplicates: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    first: datetime | None = None
    last: datetime | None = None
    assets: tuple[str, ...] = ()
    wallets: tuple[str, ...] = ()


@dataclass(slots=True)
class Ledger:
    """The unified ledger of a run: ``frame`` is validated, deduplicated and ordered by ``seq``."""

    frame: pl.DataFrame
    files: list[FileReport]
    diagnostics: list[Diagnostic]

    def rows(self) -> Iterator[LedgerRow]:
        return to_rows(self.frame)


def _split_line(line: str) -> list[tuple[str, list[str]]]:
    out = []
    for sep in _DELIMITERS:
        cells = next(csv.reader([line], delimiter=sep), [])
        if len(cells) > 1:
            out.append((sep, cells))
    return out


#: Column names many tools use: they never tell one format from another, even when only one importer names them.
_COMMON_NAMES = frozenset(
    (
        "date", "time", "timestamp", "amount", "currency", "asset", "coin", "type", "fee", "fees", "price", "quantity", "total",
        "value", "description", "note", "notes", "id", "status", "side", "pair", "symbol", "market", "wallet", "account", "label",
        "tag", "balance",
    )
)  # fmt: skip


def _distinctive(importers: tuple[ModuleType, ...]) -> dict[tuple[str, tuple[str, ...]], frozenset[str]]:
    """Per (importer, signature): the columns no other importer's signatures name and that are no common word."""
    out: dict[tuple[str, tuple[str, ...]], frozenset[str]] = {}
    for imp in importers:
        others = {c for o in importers if o is not imp for sig in o.SIGNATURES for c in sig} | _COMMON_NAMES
        for sig in imp.SIGNATURES:
            out[(imp.NAME, sig)] = frozenset(sig) - others
    return out


def _closeness(header: tuple[str, ...], sig: tuple[str, ...], distinctive: frozenset[str]) -> tuple[float, float] | None:
    """How close a header that no importer claims is to ``sig``: ``(distinctive share, overall share)``, or None.

    A header is taken for a near miss of a format only when it has most of the signature's columns and at
    least half of the columns that only this format has: a file from another tool that shares a few generic
    column names (date, amount, currency) is an unknown format, not a broken export of this one.
    """
    cells = set(header)
    overall = sum(c in cells for c in sig) / len(sig)
    unique = sum(c in cells for c in distinctive) / len(distinctive) if distinctive else 0.0
    if overall < 0.6 or unique < 0.5:
        return None
    return unique, overall


def sniff(path: str, importers: tuple[ModuleType, ...] = IMPORTERS, *, name: str | None = None) -> tuple[Sniffed | None, Diagnostic | None]:
    """Find the header row in the first :data:`SNIFF_LINES` lines and the one importer that claims it.

    Args:
        path: the UTF-8 text to read.
        importers: the importers to try.
        name: the file as the user named it, for messages (default ``path``).

    Returns:
        ``(sniffed, None)`` on success, else ``(None, diagnostic)``: unknown format (with the header that
        was seen and the formats known), a known format missing columns, or two importers claiming it.
    """
    name = name or path
    try:
        with open(path, encoding="utf-8-sig", errors="strict", newline="") as fh:
            lines = [fh.readline() for _ in range(SNIFF_LINES)]
    except OSError as err:
        return None, Diagnostic(code=Code.FILE_UNREADABLE, message=f"cannot read file: {err.strerror}", source=SourceRef(name, 0))
    except UnicodeDecodeError:  # inputs.prepare has checked the encoding; a caller that skipped it gets a clear error
        return None, Diagnostic(code=Code.FILE_UNREADABLE, message="is not UTF-8 text", source=SourceRef(name, 0))
    lines = [ln.rstrip("\r\n") for ln in lines if ln]
    distinctive = _distinctive(importers)
    best: tuple[tuple[float, float], int, ModuleType, list[str]] | None = None
    for number, line in enumerate(lines, start=1):
        for sep, cells in _split_line(line):
            header = tuple(normalize_header(c) for c in cells)
            found = claimants(header, importers)
            if len(found) > 1:
                names = ", ".join(imp.NAME for imp in found)
                return None, Diagnostic(
                    code=Code.AMBIGUOUS_FORMAT,
                    message=f"header is claimed by more than one importer: {names}",
                    source=SourceRef(name, number),
                    hint="please report this file's header so the importers can be told apart",
                )
            if found:
                raw = tuple(c.replace("\ufeff", "").strip() for c in cells)
                return Sniffed(found[0], number, sep, header, raw), None
            for imp in importers:
                for sig in imp.SIGNATURES:
                    score = _closeness(header, sig, distinctive[(imp.NAME, sig)])
                    if score is not None and (best is None or score > best[0]):
                        best = (score, number, imp, [c for c in sig if c not in header])
    if best is not None:
        _, number, imp, missing = best
        lacks = f"lacks column(s): {', '.join(missing)}" if missing else "is another export of that service, which taxlots does not read"
        return None, Diagnostic(
            code=Code.MISSING_COLUMN,
            message=f"header looks like {imp.TITLE} but {lacks}",
            source=SourceRef(name, number),
            hint="add the missing column(s) to the header (a blank column is fine)",
        )
    seen = lines[0] if lines else "(empty file)"
    known = "; ".join(imp.TITLE for imp in importers)
    return None, Diagnostic(
        code=Code.UNKNOWN_FORMAT,
        message=f"not a format taxlots knows; first line: {seen[:200]!r}",
        source=SourceRef(name, 1),
        hint=f"known formats: {known}",
    )


def _column_names(header: tuple[str, ...]) -> list[str]:
    names: list[str] = []
    for i, cell in enumerate(header):
        name = cell or f"_col{i}"
        while name in names:
            name = f"{name}_{i}"
        names.append(name)
    return names


def _scan(path: str, sn: Sniffed, *, slack: bool) -> tuple[pl.LazyFrame, list[str]]:
    """Every column as a string, plus ``line``. With ``slack``, extra columns catch rows with too many fields."""
    names = _column_names(sn.header)
    extras = [f"_extra{k}" for k in range(_SLACK)] if slack else []
    lf = pl.scan_csv(
        path,
        has_header=False,
        separator=sn.separator,
        skip_lines=sn.header_line,
        schema={n: pl.String for n in names + extras},
        missing_columns="insert",
        extra_columns="raise" if slack else "ignore",  # without slack, the line checks report extra fields
        truncate_ragged_lines=True,
        row_index_name="line",
        row_index_offset=sn.header_line + 1,
        encoding="utf8-lossy",
        infer_schema=False,
    ).with_columns(pl.col("line").cast(pl.Int64))
    return lf, names


def _line_checks(path: str, sn: Sniffed) -> tuple[pl.LazyFrame | None, int | None]:
    """``line, _skip, _error`` for every physical line, judged on the raw text (one string column, so cheap).

    Skips blank lines, repeated header lines and lines of one field (a note such as "No matching records
    found." or a total); errors on a field count, counted outside quotes, that differs from the header's
    (parsed cells cannot tell a blank field from a missing one). Trailing unnamed header columns may be left
    off. Returns None when a quoted field spans lines: physical lines then no longer match records.
    """
    sep, most = sn.separator, len(sn.header)
    least = max((i + 1 for i, h in enumerate(sn.header) if h), default=most)
    squeeze = r'[\s"\ufeff]'
    header_text = sep.join(sn.header).replace(" ", "")
    raw = pl.scan_csv(
        path,
        has_header=False,
        separator="\x1f",
        quote_char=None,
        skip_lines=sn.header_line,
        schema={"_raw": pl.String},
        row_index_name="line",
        row_index_offset=sn.header_line + 1,
        encoding="utf8-lossy",
        missing_columns="insert",
        truncate_ragged_lines=True,
    )
    text = pl.col("_raw").fill_null("")
    fields = text.str.replace_all(r'"[^"]*"', "").str.count_matches(sep, literal=True) + 1
    # Only a line without an ASCII digit can be blank or, when the header has none, the header again (neither
    # squeezing nor lowercasing adds or removes digits): the costly squeeze runs on those few lines only.
    digits = list("0123456789")
    maybe = ~text.str.contains_any(digits) if not any(d in header_text for d in digits) else pl.lit(True)
    checked = raw.select(
        pl.col("line").cast(pl.Int64),
        _odd=text.str.count_matches('"', literal=True) % 2 == 1,
        _fields=fields,
        _maybe=maybe,
        _raw=pl.when(maybe).then(pl.col("_raw")),
    ).collect()
    some = checked.filter(pl.col("_maybe"))
    squeezed = text.str.to_lowercase().str.replace_all(squeeze, "")
    some = some.select("line", _blank=squeezed.str.replace_all(sep, "", literal=True) == "", _header=squeezed == header_text)
    checked = checked.drop("_raw", "_maybe").join(some, on="line", how="left", maintain_order="left")
    checked = checked.with_columns(pl.col("_blank", "_header").fill_null(False))
    odd = checked.filter(pl.col("_odd"))["line"]
    if odd.len() % 2 == 1:  # each such line opens or closes a field spanning lines: the last one never closes
        return None, int(odd[-1])
    if odd.len():
        return None, None
    skip = (
        pl.when(pl.col("_blank")).then(pl.lit("blank line"))
        .when(pl.col("_header")).then(pl.lit("repeated header line"))
        .when(pl.col("_fields") == 1).then(pl.lit("line of one field (a note or a total, not a data row)"))
    )  # fmt: skip
    wrong = (pl.col("_fields") > most) | (pl.col("_fields") < least)
    error = pl.when(wrong).then(pl.format(f"row has {{}} fields, the header has {most}", pl.col("_fields")))
    return checked.lazy().select("line", _skip=skip, _error=pl.when(skip.is_null()).then(error)), None


def _cell_checks(names: list[str], header: tuple[str, ...]) -> tuple[pl.Expr, pl.Expr]:
    """``(skip, error)`` from parsed cells, for files whose quoted fields span lines (see :func:`_line_checks`)."""
    blank = pl.all_horizontal([ex.blank_to_null(pl.col(n)).is_null() for n in names])
    repeated = pl.all_horizontal(
        [pl.col(n).fill_null("").str.strip_chars().str.to_lowercase() == h for n, h in zip(names, header, strict=True)]
    )
    skip = pl.when(blank).then(pl.lit("blank line")).when(repeated).then(pl.lit("repeated header line"))
    extra = pl.sum_horizontal([pl.col(f"_extra{k}").is_not_null() for k in range(_SLACK)])
    error = pl.when(extra > 0).then(pl.lit(f"row has more fields than the header's {len(names)}"))
    return skip, error


def read_file(
    path: str,
    order: int,
    *,
    tz: str = "UTC",
    importers: tuple[ModuleType, ...] = IMPORTERS,
    text: str | None = None,
) -> tuple[pl.DataFrame | None, FileReport, list[Diagnostic]]:
    """Read one export into the unified schema (plus ``file``, ``order``, ``importer`` and provenance columns).

    Args:
        path: the file, as the user named it (messages and provenance name it).
        order: its position among the inputs (ties in time keep input order).
        tz: zone for exports whose timestamps carry none and whose format documents none.
        importers: the importers to detect the format with.
        text: the UTF-8 text to scan, when it is not ``path`` itself (see :mod:`taxlots.inputs`).

    Returns:
        The normalized rows (errors and skips still in them), the file's report, and detection problems.
    """
    report = FileReport(path=path)
    text = text or path
    sn, diag = sniff(text, importers, name=path)
    if sn is None:
        return None, report, [diag] if diag else []
    report.importer, report.title, report.header_line = sn.importer.NAME, sn.importer.TITLE, sn.header_line
    checks, unterminated = _line_checks(text, sn)
    if unterminated is not None:
        message = "unterminated quoted field: the quote opened on this line never closes; the file looks truncated"
        hint = "download the export again (a cut-short download ends inside a field)"
        return None, report, [Diagnostic(code=Code.FILE_UNREADABLE, message=message, source=SourceRef(path, unterminated), hint=hint)]
    lf, names = _scan(text, sn, slack=checks is None)
    if checks is not None:
        lf = lf.join(checks, on="line", how="left", maintain_order="left")
    else:
        skip, error = _cell_checks(names, sn.header)
        lf = lf.with_columns(_skip=skip, _error=error)
    ctx = Context(file=path, header_line=sn.header_line, header=tuple(names), raw_header=sn.raw_header, tz=tz)
    clean = lf.filter(pl.col("_skip").is_null() & pl.col("_error").is_null()).drop(
        "_skip", "_error", *[f"_extra{k}" for k in range(_SLACK)], strict=False
    )
    problems = lf.filter(pl.col("_skip").is_not_null() | pl.col("_error").is_not_null()).select(
        ex.unified(error=pl.col("_error"), skip=pl.col("_skip"))
    )
    own_ledger = sn.importer.NAME == "generic" and all(c in names for c in PROVENANCE)
    origin = clean.select("line", pl.col("source_file").alias("src_file"), pl.col("source_line").alias("src_line")) if own_ledger else None
    try:
        normalized = sn.importer.normalize(clean, ctx)
        parts = pl.collect_all([normalized.select(list(UNIFIED_SCHEMA)), problems, *([origin] if origin is not None else [])])
    except pl.exceptions.PolarsError as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        message = f"cannot read as {sn.importer.TITLE}: {first}"
        return None, report, [Diagnostic(code=Code.FILE_UNREADABLE, message=message, source=SourceRef(path, sn.header_line))]
    frame = pl.concat(parts[:2], how="vertical")
    # A ledger taxlots wrote keeps the provenance it names, and its rows win over the same rows read again
    # from exports (it already holds the choice between them, and any edit made to it): re-importing it
    # alone, with its sources or with some of them gives the same ledger.
    priority = OWN_LEDGER_PRIORITY if own_ledger else getattr(sn.importer, "PRIORITY", 0)
    frame = frame.with_columns(
        file=pl.lit(path), order=pl.lit(order, pl.Int64), importer=pl.lit(sn.importer.NAME), priority=pl.lit(priority, pl.Int64)
    )
    if origin is not None:
        src = parts[2].with_columns(pl.col("src_line").str.strip_chars().cast(pl.Int64, strict=False))
        frame = frame.join(src, on="line", how="left", maintain_order="left")
        frame = frame.with_columns(
            src_file=pl.coalesce(ex.blank_to_null(pl.col("src_file")), pl.col("file")), src_line=pl.coalesce("src_line", "line")
        )
    else:
        frame = frame.with_columns(src_file=pl.col("file"), src_line=pl.col("line"))
    return frame, report, []


_KINDS = ", ".join(k.value for k in Kind)


def _a(kind: Kind) -> str:
    return f"{'an' if kind.value[0] in 'aeiou' else 'a'} {kind.value}"


def _need(kind: Kind, *cols: str) -> list[tuple[pl.Expr, pl.Expr]]:
    is_kind = pl.col("type") == kind.value
    return [(is_kind & pl.col(c).is_null(), pl.lit(f"{_a(kind)} row needs {c}")) for c in cols]


def _forbid(kind: Kind, *cols: str) -> list[tuple[pl.Expr, pl.Expr]]:
    is_kind = pl.col("type") == kind.value
    return [(is_kind & pl.col(c).is_not_null(), pl.lit(f"{_a(kind)} row has no {c}; leave it blank")) for c in cols]


def _rules() -> list[tuple[pl.Expr, pl.Expr]]:
    """Every rule a unified row must meet, whatever importer produced it: ``(broken, message)`` pairs."""
    typ = pl.col("type")
    rules: list[tuple[pl.Expr, pl.Expr]] = [
        (pl.col("timestamp").is_null(), pl.lit("timestamp is blank")),
        (pl.col("wallet").is_null(), pl.lit("wallet is blank")),
        (typ.is_null(), pl.lit(f"type is blank; use one of {_KINDS}")),
        (typ.is_not_null() & ~typ.is_in([k.value for k in Kind]), pl.format(f"type '{{}}' is not one of {_KINDS}", typ)),
    ]
    for col in ("sent_qty", "received_qty", "fee_qty", "usd_value"):
        message = f"{col} '{{}}' is negative; write amounts as positive numbers (the type gives the direction)"
        rules.append((ex.is_negative(pl.col(col)), pl.format(message, pl.col(col))))
    rules += [(ex.is_zero(pl.col(col)), pl.lit(f"{col} is zero")) for col in ("sent_qty", "received_qty")]
    for col in ("sent_qty", "received_qty", "fee_qty", "usd_value"):
        value, exact = pl.col(col), ex.as_decimal(pl.col(col))
        big = f"{col} '{{}}' is out of range (at most 20 digits before the decimal point)"
        rules.append((value.is_not_null() & exact.is_null(), pl.format(big, value)))
        tiny = f"{col} '{{}}' is below 1e-18, the smallest amount taxlots keeps"
        rules.append(((exact == 0) & ~ex.is_zero(value), pl.format(tiny, value)))
    stamp = pl.col("timestamp").dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    rules.append(
        (pl.col("timestamp") < EARLIEST, pl.format(f"timestamp {{}} is before {EARLIEST:%Y-%m-%d}: not a real date of a trade", stamp))
    )
    rules.append((pl.col("timestamp") >= LATEST, pl.format(f"timestamp {{}} is after {LATEST.year - 1}: not a real date", stamp)))
    for side in ("sent", "received", "fee"):
        asset, qty = pl.col(f"{side}_asset"), pl.col(f"{side}_qty")
        rules.append((qty.is_not_null() & asset.is_null(), pl.lit(f"{side}_qty is given but {side}_asset is blank")))
        rules.append((asset.is_not_null() & qty.is_null(), pl.lit(f"{side}_asset is given but {side}_qty is blank")))
    rules += _need(Kind.TRADE, "sent_asset", "received_asset")
    same = (typ == "trade") & (pl.col("sent_asset") == pl.col("received_asset"))
    rules.append((same, pl.lit("a trade's sent_asset and received_asset are the same")))
    rules += _need(Kind.DEPOSIT, "received_asset") + _forbid(Kind.DEPOSIT, "sent_asset")
    rules += _need(Kind.WITHDRAWAL, "sent_asset") + _forbid(Kind.WITHDRAWAL, "received_asset")
    rules += _need(Kind.INCOME, "received_asset") + _forbid(Kind.INCOME, "sent_asset")
    rules += _need(Kind.SPEND, "sent_asset") + _forbid(Kind.SPEND, "received_asset")
    rules += _need(Kind.FEE, "sent_asset") + _forbid(Kind.FEE, "received_asset")
    rules += _need(Kind.TRANSFER, "sent_asset", "to_wallet")
    is_transfer = typ == "transfer"
    rules.append((is_transfer & (pl.col("to_wallet") == pl.col("wallet")), pl.lit("a transfer's to_wallet is its wallet")))
    other_asset = is_transfer & pl.col("received_asset").is_not_null() & (pl.col("received_asset") != pl.col("sent_asset"))
    rules.append((other_asset, pl.lit("a transfer receives the asset it sends")))
    more = is_transfer & (pl.col("received_asset") == pl.col("sent_asset"))
    more = more & (ex.as_decimal(pl.col("received_qty")) > ex.as_decimal(pl.col("sent_qty")))
    rules.append((more, pl.format("a transfer receives more ({}) than it sends ({})", pl.col("received_qty"), pl.col("sent_qty"))))
    rules.append((~is_transfer & pl.col("to_wallet").is_not_null(), pl.lit("only a transfer has a to_wallet")))
    return rules


def _judge(rows: pl.DataFrame) -> pl.DataFrame:
    """Fill ``error`` for clean rows that break a ledger rule. Messages are built only for those rows."""
    rules = _rules()
    broken = pl.col("skip").is_null() & pl.col("error").is_null() & pl.any_horizontal([c.fill_null(False) for c, _ in rules])
    rows = rows.with_columns(_broken=broken)
    suspect = rows.filter(pl.col("_broken"))
    if suspect.is_empty():
        return rows.drop("_broken")
    messages = ex.join_errors(*[pl.when(c.fill_null(False)).then(m) for c, m in rules])
    return pl.concat([rows.filter(~pl.col("_broken")), suspect.with_columns(error=messages)]).drop("_broken")


def _covered(rows: pl.DataFrame, importers: tuple[ModuleType, ...]) -> pl.DataFrame:
    """Skip rows that an authoritative export records under other ids (see ``AUTHORITATIVE`` in ``base``).

    For each ``event_class``, the span from the first to the last authoritative row is taken as covered
    (from the start of the first row's second: other exports may drop the fraction): other exports' rows of
    that class inside it are counted skips naming the file that covers them.
    """
    authority = {imp.NAME: tuple(getattr(imp, "AUTHORITATIVE", ())) for imp in importers}
    classes = {c for names in authority.values() for c in names}
    if not classes:
        return rows
    prefix = pl.col("event_class").str.split(":").list.first()
    clean = pl.col("error").is_null() & pl.col("skip").is_null() & prefix.is_in(list(classes))
    is_authority = pl.lit(False)
    for name, owned in authority.items():
        if owned:
            is_authority = is_authority | ((pl.col("importer") == name) & prefix.is_in(list(owned)))
    rows = rows.with_columns(_auth=clean & is_authority, _other=clean & ~is_authority)
    spans = (
        rows.filter(pl.col("_auth"))
        .group_by("event_class")
        .agg(_from=pl.col("timestamp").min().dt.truncate("1s"), _to=pl.col("timestamp").max(), _by=pl.col("file").sort().first())
    )
    if spans.is_empty():
        return rows.drop("_auth", "_other")
    rows = rows.join(spans, on="event_class", how="left", maintain_order="left")
    inside = pl.col("_other") & pl.col("timestamp").is_between(pl.col("_from"), pl.col("_to"))
    reason = pl.format("covered by {} (the authoritative export of these trades)", pl.col("_by"))
    return rows.with_columns(skip=pl.when(inside).then(reason).otherwise(pl.col("skip"))).drop("_auth", "_other", "_from", "_to", "_by")


def content_ids(rows: pl.DataFrame) -> pl.Series:
    """Stable ids for rows whose export gives none: ``row-<hash of the content>-<k>``.

    The hash (BLAKE2b, 64 bits, hex) covers the content columns (every generic column but ``id``, the
    timestamp as the ledger writes it), never the file or line, so the same row read again through any route
    (the export itself, an overlapping export, a ledger taxlots wrote) gets the same id. ``k`` counts identical
    content within one file (in line order), so two identical fills in one export stay two rows, and across
    overlapping exports the most copies any one file has are kept.
    """
    stamp = pl.col("timestamp").dt.strftime("%Y-%m-%dT%H:%M:%S%.fZ")
    parts = [(stamp if c == "timestamp" else pl.col(c)).fill_null("\x00") for c in _CONTENT]
    keyed = rows.select(_key=pl.concat_str(parts, separator="\x1f"), order="order", line="line").with_row_index("_i")
    # k is 1 for content seen once in its file (nearly every row); only repeated content needs the window
    repeated = keyed.filter(pl.struct("_key", "order").is_duplicated())
    ks = repeated.select("_i", _k=pl.int_range(pl.len()).over("_key", "order", order_by="line") + 1)
    k = keyed.select("_i").join(ks, on="_i", how="left", maintain_order="left")["_k"].fill_null(1)
    digests = pl.Series("_h", [blake2b(key.encode(), digest_size=8).hexdigest() for key in keyed["_key"].to_list()], pl.String)
    return pl.DataFrame([digests, k]).select(id=pl.format("row-{}-{}", "_h", "_k"))["id"]


def _dedupe(good: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame, list[Diagnostic]]:
    """Drop the rows that overlapping exports repeat. Returns ``(kept, dropped, conflicts)``.

    Rows without an exchange id first get their :func:`content_ids`. Then each id is kept once: the highest
    priority wins, then the earliest file and line. Rows sharing an id are compared on their content columns
    themselves (not a hash): two different rows under one id at the same priority are an error; a lower
    priority row that moves other amounts than the one kept is dropped with a warning (see :func:`_overruled`).
    """
    good = good.with_row_index("_r")
    no_id = good.filter(pl.col("id").is_null())
    if not no_id.is_empty():
        good = pl.concat([good.filter(pl.col("id").is_not_null()), no_id.with_columns(content_ids(no_id))])
    # Only ids seen more than once need a choice; the highest priority wins, then the earliest file and line.
    if not good["id"].is_duplicated().any():  # nearly always: nothing to drop
        return good.drop("_r"), good.clear().select("order"), []
    repeated = good.filter(pl.col("id").is_duplicated()).sort("priority", "order", "line", "_r", descending=[True, False, False, False])
    chosen = repeated.unique("id", keep="first", maintain_order=True)
    kept_as = chosen.select("id", _p=pl.col("priority"), _f=pl.col("file"), _l=pl.col("line"), **{f"_{c}": pl.col(c) for c in _CONTENT})
    differs = pl.any_horizontal([~pl.col(c).eq_missing(pl.col(f"_{c}")) for c in _CONTENT])
    joined = repeated.join(kept_as, on="id")
    conflicts = joined.filter(differs & (pl.col("priority") == pl.col("_p")))
    diags = [
        Diagnostic(
            code=Code.DUPLICATE_ID,
            message=f"id '{r['id']}' is also used at {r['_f']}:{r['_l']} for a different row",
            source=SourceRef(r["file"], r["line"]),
            hint="ids must be unique; give one of the rows another id",
        )
        for r in conflicts.select("id", "file", "line", "_f", "_l").iter_rows(named=True)
    ]
    diags += _overruled(joined.filter(_materially_differs() & (pl.col("priority") < pl.col("_p"))))
    dropped = repeated.join(chosen.select("_r"), on="_r", how="anti")
    kept = good.join(dropped.select("_r"), on="_r", how="anti").drop("_r")
    return kept, dropped.select("order"), diags


#: What a row moves: exports of one event may differ in everything else (notes, a value or not, trailing zeros).
_MOVES = ("wallet", "type", "sent_asset", "received_asset", "fee_asset", "to_wallet")
_AMOUNTS = ("sent_qty", "received_qty", "fee_qty")


def _materially_differs() -> pl.Expr:
    """A dropped row (joined with the kept row's ``_`` columns) that moves other amounts, assets or wallets.

    Times are compared to the second (some exports drop the fraction), amounts as numbers.
    """
    second = pl.col("timestamp").dt.truncate("1s") != pl.col("_timestamp").dt.truncate("1s")
    moves = [~pl.col(c).eq_missing(pl.col(f"_{c}")) for c in _MOVES]
    amounts = [~ex.as_decimal(pl.col(c)).eq_missing(ex.as_decimal(pl.col(f"_{c}"))) for c in _AMOUNTS]
    return pl.any_horizontal([second, *moves, *amounts])


def _overruled(rows: pl.DataFrame) -> list[Diagnostic]:
    """Warn, per pair of files, of rows dropped for a higher-priority row with the same id that moves other amounts.

    ``rows``: the dropped rows, each with the kept row's ``_f`` (file) and ``_l`` (line). The warning names
    the first dropped row's file:line (its source) and the kept row's, and counts them all.
    """
    if rows.is_empty():
        return []
    pairs = (
        rows.sort("order", "line")
        .group_by("file", "_f", maintain_order=True)
        .agg(n=pl.len(), id=pl.col("id").first(), line=pl.col("line").first(), _l=pl.col("_l").first())
    )
    return [
        Diagnostic(
            code=Code.DUPLICATE_ID,
            severity=Severity.WARNING,
            message=f"dropped {n} row(s) whose id is also used by a different row kept from {kept}"
            f" (the first: id '{rid}', kept at {kept}:{kept_line})",
            source=SourceRef(file, line),
            hint="the export with the higher priority wins; check that its row is the right one",
        )
        for file, kept, n, rid, line, kept_line in pairs.iter_rows()
    ]


def _row_diagnostics(bad: pl.DataFrame, importer_of: dict[str, str]) -> list[Diagnostic]:
    return [
        Diagnostic(code=Code.BAD_ROW, message=msg, source=SourceRef(file, line, importer_of.get(file, "")))
        for file, line, msg in bad.select("file", "line", "error").iter_rows()
    ]


def _read_all(
    paths: Sequence[str],
    *,
    tz: str,
    importers: tuple[ModuleType, ...],
    encoding: str | None,
    on_file: Callable[[int, int, str], None] | None,
) -> tuple[list[pl.DataFrame], list[FileReport], list[Diagnostic]]:
    """Expand directories, make each input UTF-8 CSV text (:mod:`taxlots.inputs`) and read it."""
    frames: list[pl.DataFrame] = []
    reports: list[FileReport] = []
    names, diags = inputs.expand(paths)
    with tempfile.TemporaryDirectory(prefix="taxlots-") as work:
        for order, name in enumerate(names):
            if on_file is not None:
                on_file(order, len(names), name)
            src, problems = inputs.prepare(name, Path(work), order, encoding=encoding)
            diags += problems
            if src is None:
                reports.append(FileReport(path=inputs.STDIN if name == "-" else name))
                continue
            frame, report, problems = read_file(src.name, order, tz=tz, importers=importers, text=src.path)
            reports.append(report)
            diags += problems
            if frame is not None:
                frames.append(frame)
    return frames, reports, diags


def load(
    paths: Sequence[str],
    *,
    tz: str = "UTC",
    importers: tuple[ModuleType, ...] = IMPORTERS,
    encoding: str | None = None,
    on_file: Callable[[int, int, str], None] | None = None,
) -> Ledger:
    """Read every input file into one validated, deduplicated, ordered ledger.

    Args:
        paths: the inputs, in the order given (ties in time keep this order): files, directories (the files
            inside, sorted), or ``-`` for standard input.
        tz: zone for timestamps that carry none where the export's format documents none.
        importers: the importers to detect formats with (tests narrow it to one).
        encoding: read every text input in this encoding instead of detecting it.
        on_file: told ``(index, number of files, path)`` before each input file is read (a progress bar).

    Returns:
        The :class:`Ledger`, whose diagnostics list every problem of every file.
    """
    frames, reports, diags = _read_all(paths, tz=tz, importers=importers, encoding=encoding, on_file=on_file)
    empty = pl.DataFrame(
        schema={
            **UNIFIED_SCHEMA,
            "file": pl.String,
            "order": pl.Int64,
            "importer": pl.String,
            "priority": pl.Int64,
            "src_file": pl.String,
            "src_line": pl.Int64,
        }
    )
    allrows = pl.concat(frames, how="vertical") if frames else empty
    del frames  # the concatenated frame is the one copy kept
    # A transfer's received side defaults to what was sent (no network fee).
    is_transfer = pl.col("type") == Kind.TRANSFER.value
    allrows = allrows.with_columns(
        received_asset=pl.when(is_transfer & pl.col("received_asset").is_null())
        .then(pl.col("sent_asset"))
        .otherwise(pl.col("received_asset")),
        received_qty=pl.when(is_transfer & pl.col("received_qty").is_null()).then(pl.col("sent_qty")).otherwise(pl.col("received_qty")),
    )
    # An importer's own error (an unparseable value) comes first; the ledger rules judge only clean rows.
    allrows = _covered(_judge(allrows), importers)
    importer_of = {r.path: r.importer for r in reports}
    bad = allrows.filter(pl.col("error").is_not_null())
    skipped = allrows.filter(pl.col("skip").is_not_null()).select("order", "line", "skip")
    counted = allrows.filter(pl.col("skip").is_null()).group_by("order").len()  # the rows each file produced
    good = allrows.filter(pl.col("error").is_null() & pl.col("skip").is_null()).drop("error", "skip")
    del allrows  # only the good rows go on
    kept, dropped, conflicts = _dedupe(good)
    kept = kept.sort("timestamp", "order", "line").with_row_index("seq").with_columns(pl.col("seq").cast(pl.Int64))
    diags += _row_diagnostics(bad, importer_of) + conflicts
    diags += _fill_reports(reports, counted, bad, skipped, dropped, kept)
    diags += _future(kept, datetime.now(UTC))
    return Ledger(frame=kept, files=reports, diagnostics=sorted(diags, key=sort_key))


def _future(kept: pl.DataFrame, now: datetime) -> list[Diagnostic]:
    """One warning per file whose rows are dated after ``now`` (a wrong year or zone, or a placeholder)."""
    late = kept.filter(pl.col("timestamp") > now).group_by("file").agg(n=pl.len(), line=pl.col("line").min()).sort("file")
    return [
        Diagnostic(
            code=Code.BAD_TIMESTAMP,
            severity=Severity.WARNING,
            message=f"{n} row(s) are dated after today (the first on this line)",
            source=SourceRef(file, line),
            hint="check the year and the time zone of these rows",
        )
        for file, n, line in late.iter_rows()
    ]


def _fill_reports(
    reports: list[FileReport], counted: pl.DataFrame, bad: pl.DataFrame, skipped: pl.DataFrame, dropped: pl.DataFrame, kept: pl.DataFrame
) -> list[Diagnostic]:
    """Per-file counts, date range, assets and wallets; and one info line per kind of skipped row."""
    diags: list[Diagnostic] = []
    for order, n in counted.iter_rows():
        reports[int(order)].rows = n
    for (order,), part in bad.group_by("order", maintain_order=True):
        reports[int(order)].errors = part.height
    for (order,), part in dropped.group_by("order", maintain_order=True):
        reports[int(order)].duplicates = part.height
    for (order, reason), part in skipped.sort("order", "line").group_by("order", "skip", maintain_order=True):
        report = reports[int(order)]
        report.skipped[str(reason)] = part.height
        diags.append(
            Diagnostic(
                code=Code.SKIPPED_ROWS,
                severity=Severity.INFO,
                message=f"skipped {part.height} row(s): {reason}",
                source=SourceRef(report.path, report.header_line),
            )
        )
    for (order,), part in kept.group_by("order", maintain_order=True):
        report = reports[int(order)]
        report.kept = part.height
        report.first, report.last = part["timestamp"].min(), part["timestamp"].max()  # type: ignore[assignment]
        assets = pl.concat([part["sent_asset"], part["received_asset"], part["fee_asset"]]).drop_nulls().unique().sort()
        wallets = pl.concat([part["wallet"], part["to_wallet"]]).drop_nulls().unique().sort()
        report.assets, report.wallets = tuple(assets.to_list()), tuple(wallets.to_list())
    for report in reports:
        if report.duplicates:
            diags.append(
                Diagnostic(
                    code=Code.DUPLICATES_DROPPED,
                    severity=Severity.INFO,
                    message=f"dropped {report.duplicates} row(s) already read from another file or line",
                    source=SourceRef(report.path, report.header_line),
                )
            )
    return diags


_ROW_COLUMNS = ("seq", *LEDGER_COLUMNS, "file", "line", "importer")  # the order to_rows unpacks
#: Columns the transfer and price steps may add; absent ones are read as blank.
_DECIDED = ("fee_usd", "acquired_at", "gift_fmv", "disposition", "price_source", "fee_source")


def to_rows(frame: pl.DataFrame, batch: int = 65_536) -> Iterator[LedgerRow]:
    """Yield the frame's rows as ``LedgerRow`` values, in ``seq`` order, a batch at a time.

    The only bridge from polars to the engine: each Decimal is built from its string column; repeated
    strings (wallets, assets, files) are interned, so a million rows stay lean.
    """
    kinds = {k.value: k for k in Kind}
    missing = [
        pl.lit(None, pl.Datetime("us", "UTC") if c == "acquired_at" else pl.String).alias(c) for c in _DECIDED if c not in frame.columns
    ]
    columns = frame.with_columns(missing).select(*_ROW_COLUMNS, *_DECIDED)
    for part in columns.iter_slices(batch):
        for (
            seq,
            ts,
            wallet,
            kind,
            sa,
            sq,
            ra,
            rq,
            fa,
            fq,
            usd,
            to,
            rid,
            note,
            file,
            line,
            imp,
            fusd,
            acq,
            gfmv,
            disp,
            psrc,
            fsrc,
        ) in part.iter_rows():
            yield LedgerRow(
                seq=seq,
                timestamp=ts,
                wallet=intern(wallet),
                kind=kinds[kind],
                sent_asset=sa and intern(sa),
                sent_qty=None if sq is None else Decimal(sq),
                received_asset=ra and intern(ra),
                received_qty=None if rq is None else Decimal(rq),
                fee_asset=fa and intern(fa),
                fee_qty=None if fq is None else Decimal(fq),
                usd_value=None if usd is None else Decimal(usd),
                to_wallet=to and intern(to),
                id=rid,
                note=note or "",
                source=SourceRef(intern(file), line, intern(imp)),
                fee_usd=None if fusd is None else Decimal(fusd),
                acquired_at=acq,
                gift_fmv=None if gfmv is None else Decimal(gfmv),
                disposition=disp or "",
                price_source=psrc and intern(psrc) or "",
                fee_source=fsrc and intern(fsrc) or "",
            )


#: Extra columns of a written ledger: where each row came from.
PROVENANCE = ("source_file", "source_line")


def ledger_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """The ledger as the generic format's columns (strings) plus its provenance, in ``seq`` order."""
    stamp = pl.col("timestamp").dt.strftime("%Y-%m-%dT%H:%M:%S%.fZ")
    return frame.sort("seq").select(
        stamp.alias("timestamp"),
        *[pl.col(c) for c in LEDGER_COLUMNS if c not in ("timestamp", "note")],
        pl.col("note").fill_null(""),
        pl.col("src_file" if "src_file" in frame.columns else "file").alias("source_file"),
        pl.col("src_line" if "src_line" in frame.columns else "line").alias("source_line"),
    )


def write_ledger(frame: pl.DataFrame, path: str) -> None:
    """Write the unified ledger atomically: Parquet for ``*.parquet``, else the generic ledger CSV.

    The CSV is the generic format (which reads it back) with ``source_file,source_line`` after its columns;
    every quantity stays the exact decimal text it was read as.
    """
    from taxlots.reports.files import atomic_path

    out = ledger_frame(frame)
    with atomic_path(path) as tmp:
        if path.endswith(".parquet"):
            out.write_parquet(tmp)
        else:
            out.write_csv(tmp, line_terminator="\n")
