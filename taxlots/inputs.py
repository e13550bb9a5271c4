"""What the user named, turned into UTF-8 CSV text that ingest can scan: directories, stdin, encodings, XLSX, Parquet.

- A directory stands for the files directly inside it, sorted by name (hidden files and subdirectories are
  left out, and said so). ``-`` is standard input, named ``<stdin>`` in messages.
- Text encodings are detected, never guessed silently: a byte-order mark (UTF-8, UTF-16, UTF-32) first, then
  UTF-16 without a mark (NUL bytes in every other position), then strict UTF-8, then Windows-1252 (what Excel
  on Windows saves; Latin-1 text reads the same), with a warning that says so. ``encoding=`` forces one.
  A byte that the chosen encoding cannot read is an error naming the line: characters are never replaced.
- An XLSX workbook (Gemini's and old Binance exports) is read with openpyxl in read-only mode: its first sheet
  becomes CSV text, one line per sheet row, so line numbers are the sheet's row numbers.
- A Parquet file (a ledger written by ``taxlots import -o x.parquet``) becomes the generic ledger CSV again.

Files that need no conversion (UTF-8, with or without a mark) are read in place; the others are converted
into ``workdir``, which the caller removes when the run is read.
"""

from __future__ import annotations

import codecs
import csv
import os
import sys
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

import polars as pl

from taxlots.model.diagnostics import Code, Diagnostic, Severity
from taxlots.model.source import SourceRef

STDIN = "<stdin>"
FALLBACK = "cp1252"
_CHUNK = 1 << 20
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True, slots=True)
class Source:
    """One input: ``name`` as the user gave it (messages, provenance), ``path`` the UTF-8 text to scan."""

    name: str
    path: str
    encoding: str  # what it was read as: utf-8, utf-8-sig, utf-16, cp1252, ..., xlsx, parquet


def _unreadable(name: str, message: str, line: int = 0, hint: str = "") -> Diagnostic:
    return Diagnostic(code=Code.FILE_UNREADABLE, message=message, source=SourceRef(name, line), hint=hint)


def expand(paths: Sequence[str]) -> tuple[list[str], list[Diagnostic]]:
    """The inputs with each directory replaced by the files inside it, sorted by name.

    Returns:
        The names to read (missing files stay in the list: :func:`prepare` reports them), and an info
        diagnostic for each directory entry left out.
    """
    names: list[str] = []
    diags: list[Diagnostic] = []
    for path in paths:
        if path == "-" or not Path(path).is_dir():
            names.append(path)
            continue
        entries = sorted(os.listdir(path))
        files = [e for e in entries if not e.startswith(".") and Path(path, e).is_file()]
        left = [e for e in entries if e not in files]
        if not files:
            diags.append(_unreadable(path, "is a directory with no files in it"))
        if left:
            message = f"left out {len(left)} hidden file(s) or subdirectories: {', '.join(left[:5])}{' ...' if len(left) > 5 else ''}"
            diags.append(Diagnostic(code=Code.SKIPPED_ROWS, severity=Severity.INFO, message=message, source=SourceRef(path, 0)))
        names += [os.path.join(path, e) for e in files]
    return names, diags


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _utf8_error(path: str) -> tuple[int, int] | None:
    """``(line, byte)`` of the first byte that is not UTF-8, or None when the whole file is UTF-8."""
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    lines = 1
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            if chunk.isascii() and not decoder.getstate()[0]:  # ASCII is UTF-8: no need to build the text
                lines += chunk.count(b"\n")
                continue
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as err:  # err.object: the bytes the decoder held back from the last chunk, then this one
                return lines + err.object.count(b"\n", 0, err.start), err.object[err.start]
            lines += chunk.count(b"\n")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return lines, -1
    return None


def _utf16_without_bom(head: bytes) -> str | None:
    sample = head[:4096]
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd > len(sample) // 4 and even == 0:
        return "utf-16-le"
    if even > len(sample) // 4 and odd == 0:
        return "utf-16-be"
    return None


def _transcode(name: str, path: str, encoding: str, out: Path) -> Diagnostic | None:
    data = Path(path).read_bytes()
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as err:
        byte = data[err.start]
        return _unreadable(
            name,
            f"byte 0x{byte:02x} cannot be read as {encoding}",
            _line_of(data, err.start),
            hint="name the file's encoding with --encoding (for example utf-8, cp1252, latin-1, utf-16)",
        )
    except LookupError:
        return _unreadable(name, f"unknown encoding '{encoding}'", hint="use a Python codec name such as utf-8, cp1252 or utf-16")
    out.write_text(text.removeprefix("\ufeff"), encoding="utf-8", newline="")
    return None


def _text(name: str, path: str, out: Path, forced: str | None) -> tuple[Source | None, list[Diagnostic]]:
    with open(path, "rb") as fh:
        head = fh.read(8192)
    if forced:
        problem = _transcode(name, path, forced, out)
        return (None, [problem]) if problem else (Source(name, str(out), forced), [])
    declared = next((enc for bom, enc in _BOMS if head.startswith(bom)), None) or _utf16_without_bom(head)
    if declared == "utf-8-sig":
        bad = _utf8_error(path)
        if bad is None:
            return Source(name, path, declared), []
        line, byte = bad
        return None, [_unreadable(name, f"starts with a UTF-8 byte-order mark but byte 0x{byte & 0xFF:02x} is not UTF-8", line)]
    if declared:
        problem = _transcode(name, path, declared, out)
        if problem:
            return None, [problem]
        info = Diagnostic(code=Code.ENCODING, severity=Severity.INFO, message=f"read as {declared}", source=SourceRef(name, 0))
        return Source(name, str(out), declared), [info]
    bad = _utf8_error(path)
    if bad is None:
        return Source(name, path, "utf-8"), []
    line, byte = bad
    problem = _transcode(name, path, FALLBACK, out)
    if problem:
        return None, [problem]
    warning = Diagnostic(
        code=Code.ENCODING,
        severity=Severity.WARNING,
        message=f"is not UTF-8 (byte 0x{byte & 0xFF:02x} on line {line}); read it as Windows-1252 ({FALLBACK})",
        source=SourceRef(name, line),
        hint="if characters look wrong, name the encoding with --encoding",
    )
    return Source(name, str(out), FALLBACK), [warning]


def decode(data: bytes, name: str) -> tuple[str | None, list[Diagnostic]]:
    """Small text files read whole (a lot-selection file): the same detection as for exports, as text.

    Returns:
        The text (without a byte-order mark) and a warning when it was read as Windows-1252; or None and
        the error naming the line of the first byte no encoding tried can read.
    """
    declared = next((enc for bom, enc in _BOMS if data.startswith(bom)), None) or _utf16_without_bom(data)
    tried = [declared] if declared else ["utf-8", FALLBACK]
    for encoding in tried:
        try:
            text = data.decode(encoding).removeprefix("\ufeff")
        except UnicodeDecodeError as err:
            problem = err
            continue
        if encoding != FALLBACK:
            return text, []
        line = _line_of(data, problem.start)
        message = f"is not UTF-8 (byte 0x{data[problem.start]:02x} on line {line}); read it as Windows-1252 ({FALLBACK})"
        return text, [Diagnostic(code=Code.ENCODING, severity=Severity.WARNING, message=message, source=SourceRef(name, line))]
    line = _line_of(data, problem.start)
    message = f"byte 0x{data[problem.start]:02x} cannot be read as {tried[-1]}"
    return None, [_unreadable(name, message, line, hint="save the file as UTF-8")]


def _cell_text(value: object) -> str:
    """An XLSX cell as the text a CSV export would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):  # float-ok: openpyxl's reading of a numeric cell; its shortest repr is the stored text
        return format(Decimal(repr(value)), "f")  # float-ok: text only, never computed with
    if isinstance(value, datetime):
        if value.time() == time():
            return value.date().isoformat()
        return value.isoformat(" ", timespec="milliseconds" if value.microsecond else "seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat(timespec="milliseconds" if value.microsecond else "seconds")
    return str(value)


def _xlsx(name: str, path: str, out: Path) -> tuple[Source | None, list[Diagnostic]]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as err:
        return None, [_unreadable(name, f"is a ZIP archive but not a readable XLSX workbook ({err})", hint=_ZIP_HINT)]
    try:
        sheet = book.worksheets[0]
        with out.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            for row in sheet.iter_rows(values_only=True):
                writer.writerow([_cell_text(v) for v in row])
    finally:
        book.close()
    info = Diagnostic(
        code=Code.ENCODING, severity=Severity.INFO, message=f"read sheet '{sheet.title}' of the workbook", source=SourceRef(name, 0)
    )
    return Source(name, str(out), "xlsx"), [info]


def _is_workbook(path: str) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


_ZIP_HINT = "unzip a ZIP delivery and pass the CSV files inside (a directory name reads them all)"


def _parquet(name: str, path: str, out: Path) -> tuple[Source | None, list[Diagnostic]]:
    try:
        frame = pl.read_parquet(path)
    except (pl.exceptions.PolarsError, OSError) as err:
        return None, [_unreadable(name, f"is not a readable Parquet file ({str(err).splitlines()[0]})")]
    frame.select(pl.all().cast(pl.String)).write_csv(out, line_terminator="\n")
    return Source(name, str(out), "parquet"), []


def prepare(name: str, workdir: Path, index: int, *, encoding: str | None = None) -> tuple[Source | None, list[Diagnostic]]:
    """Make one input readable as UTF-8 CSV text.

    Args:
        name: the input as named (``-`` for standard input).
        workdir: where converted copies go.
        index: the input's position (names the converted copy).
        encoding: force this text encoding instead of detecting it.

    Returns:
        The :class:`Source`, or None and the diagnostic saying why the input cannot be read.
    """
    path = name
    if name == "-":
        path = str(workdir / f"{index}.stdin")
        Path(path).write_bytes(sys.stdin.buffer.read())
        name = STDIN
    elif not Path(path).exists():
        return None, [_unreadable(name, "no such file")]
    elif not Path(path).is_file():
        return None, [_unreadable(name, "is not a file")]
    out = workdir / f"{index}.csv"
    try:
        with open(path, "rb") as fh:
            magic = fh.read(4)
        if magic == b"PK\x03\x04":
            if not _is_workbook(path):
                return None, [_unreadable(name, "is a ZIP archive, not a CSV or XLSX export", hint=_ZIP_HINT)]
            return _xlsx(name, path, out)
        if magic == b"PAR1":
            return _parquet(name, path, out)
        return _text(name, path, out, encoding)
    except OSError as err:
        return None, [_unreadable(name, f"cannot read file: {err.strerror or err}")]
