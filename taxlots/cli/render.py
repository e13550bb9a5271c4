"""Everything the CLI shows a person: diagnostics, summaries and tables (rich; plain when not a terminal)."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, ProgressColumn, SpinnerColumn, Task, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from taxlots.model.diagnostics import Diagnostic, Severity
from taxlots.reports.gains import Summary

err = Console(stderr=True, highlight=False, soft_wrap=True)
_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
#: 0 with --quiet (errors and warnings only, no summaries), 1 by default, 2 with --verbose (step timings too).
verbosity = 1
#: True while a command runs with --json: errors found outside a run (usage, output paths) go out as JSON too.
json_mode = False


#: Told as each input file starts: (index from 0, number of files, path). See ``ingest.load(on_file=...)``.
OnFile = Callable[[int, int, str], None]


def _nothing(index: int, total: int, path: str) -> None:
    return None


class Steps:
    """A run's steps on standard error: a progress line while each runs, its time with --verbose.

    The line (a spinner, the step, a bar once the step says how far it is, the time spent) is drawn only on
    a terminal and never with --quiet; it is transient, so nothing of it stays in the scrollback or a log.
    ``step`` yields an :data:`OnFile` callable that moves the bar (reading: one tick per file).
    """

    def __init__(self, console: Console | None = None) -> None:
        self.console = console or err
        self.live = self.console.is_terminal and verbosity > 0

    @contextmanager
    def step(self, name: str) -> Iterator[OnFile]:
        started = time.perf_counter()
        if not self.live:
            yield _nothing
        else:
            columns = (
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(bar_width=20),
                _Count(),
                TimeElapsedColumn(),
            )
            with Progress(*columns, console=self.console, transient=True) as bar:
                task = bar.add_task(f"{name}…", total=None)

                def on_file(index: int, total: int, path: str) -> None:
                    bar.update(task, total=total, completed=index, description=f"{name} {_short(path)}")

                yield on_file
        if verbosity > 1:
            self.console.print(f"[dim]{name}: {time.perf_counter() - started:.2f} s[/]")


class _Count(ProgressColumn):
    """``2/5`` once a step says how many there are (files read); nothing before."""

    def render(self, task: Task) -> Text:
        return Text(f"{int(task.completed)}/{int(task.total)}" if task.total else "")


def _short(path: str, width: int = 40) -> str:
    return path if len(path) <= width else "…" + path[-(width - 1) :]


def is_terminal() -> bool:
    return sys.stdout.isatty()


def diagnostics(diags: Iterable[Diagnostic], *, stop_note: bool = True) -> None:
    """``file:line: severity[code] message`` per problem, with the hint on the next line; then a count."""
    counts = {s: 0 for s in Severity}
    for d in diags:
        counts[d.severity] += 1
        if d.severity is Severity.INFO and verbosity == 0:
            continue
        where = f"{d.source}: " if d.source else ""
        err.print(f"{where}[{_STYLE[d.severity]}]{d.severity}[/][dim]\\[{d.code}][/] {_escape(d.message)}")
        if d.hint:
            err.print(f"    [dim]hint:[/] {_escape(d.hint)}")
    if counts[Severity.ERROR] and stop_note:
        err.print(f"[bold red]{counts[Severity.ERROR]} error(s)[/]: no output written; fix them and run again.")


#: The version of the JSON that ``--json`` prints (docs/json.md); raised when a field changes meaning.
JSON_VERSION = 1


def diagnostic_json(d: Diagnostic) -> dict[str, object]:
    """One problem as ``{"file", "line", "code", "severity", "message", "hint"}``."""
    return {
        "file": d.source.file if d.source else None,
        "line": d.source.line if d.source else None,
        "code": str(d.code),
        "severity": str(d.severity),
        "message": d.message,
        "hint": d.hint,
    }


def problems_json(diags: Iterable[Diagnostic]) -> dict[str, object]:
    """``{"version", "errors": [...], "warnings": [...], "info": [...]}``, each list ordered by file and line."""
    out: dict[str, object] = {"version": JSON_VERSION}
    items = list(diags)
    for key, severity in (("errors", Severity.ERROR), ("warnings", Severity.WARNING), ("info", Severity.INFO)):
        out[key] = [diagnostic_json(d) for d in items if d.severity is severity]
    return out


def print_problems(diags: Iterable[Diagnostic]) -> None:
    """:func:`problems_json` on standard output: what every command prints for its problems with ``--json``."""
    typer.echo(json.dumps(problems_json(diags), indent=2, sort_keys=True))


def _escape(text: str) -> str:
    return text.replace("[", "\\[")


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def note(text: str, console: Console | None = None) -> None:
    """A line for people (what was written, what to do next): left out with --quiet."""
    if verbosity > 0:
        (console or Console(highlight=False, soft_wrap=True)).print(text)


def summary(s: Summary, console: Console, title: str) -> None:
    if verbosity == 0:
        return
    table = Table(title=title, title_justify="left")
    table.add_column("Term", overflow="fold")
    for name in ("Proceeds", "Cost basis", "Gain"):
        table.add_column(name, justify="right", overflow="fold")
    for label, t in (("Short-term", s.short), ("Long-term", s.long), ("Total", s.total)):
        table.add_row(label, _money(t.proceeds), _money(t.cost_basis), _money(t.gain), style="bold" if label == "Total" else None)
    console.print(table)
    console.print(f"Ordinary income: {_money(s.income)} USD   ·   {s.disposals} disposals in {s.rows} rows")


def table(title: str, header: Sequence[str], rows: Iterable[Sequence[str]], console: Console, right: Sequence[str] = ()) -> None:
    t = Table(title=title, title_justify="left")
    for name in header:  # ids and file names are the data: fold them onto more lines, never cut them
        t.add_column(name, justify="right" if name in right else "left", overflow="fold")
    for row in rows:
        t.add_row(*row)
    console.print(t)
