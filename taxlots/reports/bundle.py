"""Writing a set of files into a directory atomically: all of them appear, or none of the old ones change.

Every file is first written into a fresh temporary directory beside the target. Only when all writers have
succeeded are the files moved in: a new target directory is the temporary one renamed (one atomic step); an
existing one gets each file renamed over its old version (same file system, so each rename is atomic and
none can fail for lack of space). On any failure the temporary directory is removed and the target is
untouched. Files of an earlier run that this run does not write again but that carry a name of the same
series (``stale`` patterns, e.g. ``turbotax-gains-3.csv`` when this year needs two such files) are removed
after the move, so the directory never mixes two runs; any other file in it is left alone.

The writers run two at a time on a machine with more than one core: each writes only its own file from data
it only reads, and the heavy ones spend much of their time outside the interpreter lock (polars building a
workbook's XML, zlib compressing it), so a PDF built in Python runs beside a workbook. Each file's bytes are
what the writer alone would write. The error raised is the one a run of one writer at a time would raise:
the first in the order given; it is raised once the writer beside it has stopped, and writers not yet
started by then never start.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

Writer = Callable[[Path], None]


def write_dir(target: Path, writers: Mapping[str, Writer], stale: Iterable[str] = (), slow: Iterable[str] = ()) -> list[str]:
    """Run each ``writers[name](path)`` into a temporary directory, then move the files into ``target``.

    Args:
        target: the output directory (created if missing; its parent must exist).
        writers: file name -> function that writes that file at the path it is given.
        stale: glob patterns of earlier outputs to remove from ``target`` when this run does not write them.
        slow: names of the writers that take longest, slowest first: they start first, so that the quick
            ones fill in beside them (the order of the files in the result stays that of ``writers``).

    Returns:
        The names written, in the order given.
    """
    target = Path(target)
    parent = target.resolve().parent
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent))
    umask = os.umask(0o022)
    os.umask(umask)
    os.chmod(tmp, 0o777 & ~umask)  # mkdtemp makes it private; the directory it becomes should not be
    try:
        _run_all({name: writers[name] for name in [*(n for n in slow if n in writers), *writers]}, tmp)
        if not target.exists():
            os.replace(tmp, target)
            return list(writers)
        for name in writers:
            os.replace(tmp / name, target / name)
        for pattern in stale:
            for old in sorted(target.glob(pattern)):
                if old.name not in writers and old.is_file():
                    old.unlink()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return list(writers)


def cores() -> int:
    """The cores this process may run on (its CPU affinity where the system has one, else all of them)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _run_all(writers: Mapping[str, Writer], into: Path) -> None:
    """Run every writer into ``into``, two at a time where there are two cores; raise the first error in order."""
    workers = min(2, cores())
    if workers < 2 or len(writers) < 2:
        for name, write in writers.items():
            write(into / name)
        return
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="taxlots-write")
    try:
        for future in [pool.submit(write, into / name) for name, write in writers.items()]:
            future.result()  # in order: the first error stops the run, as it would one writer at a time
    finally:
        pool.shutdown(wait=True, cancel_futures=True)  # on an error or Ctrl-C the writers not started never start
