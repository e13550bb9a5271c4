"""``taxlots detect`` and ``taxlots import``: what each export is, and the unified ledger they make."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from taxlots import ingest
from taxlots.cli import options as o
from taxlots.cli import render
from taxlots.cli.commands.common import cannot_write, check_paths, emit_csv, fail, print_json, read_inputs
from taxlots.importers import IMPORTERS
from taxlots.model.diagnostics import Code, has_errors, sort_key


def _span(report: ingest.FileReport) -> str:
    if report.first is None or report.last is None:
        return ""
    return f"{report.first:%Y-%m-%d} – {report.last:%Y-%m-%d}"


FormatsOpt = Annotated[
    bool, typer.Option("--formats", metavar="", help="List every format taxlots reads: name, title and header signature.")
]


def _formats() -> None:
    """One row per header variant: importer name, title, and the columns a header must hold."""
    header = ("Name", "Title", "Signature")
    rows = [(imp.NAME, imp.TITLE, ",".join(sig)) for imp in IMPORTERS for sig in imp.SIGNATURES]
    if render.is_terminal():
        render.table("Known formats", header, rows, Console(highlight=False))
    else:  # a pipe or a file gets CSV
        emit_csv(None, [h.lower() for h in header], rows)


def _file_json(r: ingest.FileReport) -> dict[str, object]:
    return {
        "file": r.path,
        "format": r.importer or None,
        "title": r.title or None,
        "rows": r.rows,
        "kept": r.kept,
        "duplicates": r.duplicates,
        "skipped": dict(sorted(r.skipped.items())),
        "errors": r.errors,
        "first": r.first.isoformat() if r.first else None,
        "last": r.last.isoformat() if r.last else None,
        "assets": list(r.assets),
        "wallets": list(r.wallets),
    }


def _formats_json() -> list[dict[str, object]]:
    return [{"name": imp.NAME, "title": imp.TITLE, "signature": list(sig)} for imp in IMPORTERS for sig in imp.SIGNATURES]


@o.project_options
def detect(inputs: o.Inputs = None, *, formats: FormatsOpt = False, encoding: o.EncodingOpt = None, json_out: o.JsonOpt = False) -> None:
    """Say which export each file is: its format, rows, date range, assets and wallets."""
    if formats and json_out and not inputs:
        print_json({"command": "detect", "formats": _formats_json(), "files": []})
        return
    if formats and not json_out:
        _formats()
        if not inputs:
            return
    ledger = read_inputs(inputs, encoding=encoding, steps=render.Steps())
    unknown = [
        d
        for d in ledger.diagnostics
        if d.code in (Code.UNKNOWN_FORMAT, Code.AMBIGUOUS_FORMAT, Code.MISSING_COLUMN, Code.FILE_UNREADABLE, Code.ENCODING)
    ]
    if json_out:
        if has_errors(unknown):
            fail(unknown, as_json=True)
        payload: dict[str, object] = {"command": "detect", "files": [_file_json(r) for r in ledger.files]}
        if formats:
            payload["formats"] = _formats_json()
        payload["problems"] = render.problems_json(sorted(ledger.diagnostics, key=sort_key))
        print_json(payload)
        return
    header = ("File", "Format", "Rows", "Kept", "Duplicates", "Skipped", "Errors", "Dates", "Assets", "Wallets")
    rows = [
        (
            r.path,
            r.title or "not recognized",
            str(r.rows),
            str(r.kept),
            str(r.duplicates),
            str(sum(r.skipped.values())),
            str(r.errors),
            _span(r),
            " ".join(r.assets),
            " ".join(r.wallets),
        )
        for r in ledger.files
    ]
    if render.is_terminal():
        render.table("Detected exports", header, rows, Console(highlight=False), right=("Rows", "Kept", "Duplicates", "Skipped", "Errors"))
    else:  # a pipe or a file gets CSV
        emit_csv(None, [h.lower() for h in header], rows)
    if unknown:
        render.diagnostics(unknown, stop_note=False)
    if has_errors(unknown):
        raise typer.Exit(1)
    if any(r.errors for r in ledger.files):
        render.err.print("Some rows cannot be read: [bold]taxlots import[/] lists each with its file and line.")


OutLedger = Annotated[
    str, typer.Option("--output", "-o", metavar="FILE", help="The unified ledger to write: generic ledger CSV, or Parquet for *.parquet.")
]


@o.project_options
def import_(inputs: o.Inputs = None, *, output: OutLedger, encoding: o.EncodingOpt = None, json_out: o.JsonOpt = False) -> None:
    """Read exchange exports into one unified ledger (duplicates of overlapping exports dropped)."""
    check_paths(inputs or (), output)
    steps = render.Steps()
    ledger = read_inputs(inputs, encoding=encoding, steps=steps)
    diags = sorted(ledger.diagnostics, key=sort_key)
    if has_errors(diags):
        fail(diags, as_json=json_out)
    render.diagnostics(diags)  # warnings and notes: standard error, also with --json
    with cannot_write(output), steps.step(f"writing {output}"):
        ingest.write_ledger(ledger.frame, output)
    dropped = sum(r.duplicates for r in ledger.files)
    skipped = sum(sum(r.skipped.values()) for r in ledger.files)
    if json_out:
        print_json(
            {
                "command": "import",
                "output": str(output),
                "rows": ledger.frame.height,
                "duplicates": dropped,
                "skipped": skipped,
                "files": [_file_json(r) for r in ledger.files],
                "problems": render.problems_json(diags),
            }
        )
        return
    render.note(
        f"Wrote {ledger.frame.height} rows from {len(ledger.files)} file(s) to {output}; "
        f"{dropped} duplicate(s) dropped, {skipped} row(s) skipped."
    )
