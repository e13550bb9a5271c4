"""Run one pure-Python computation on the machine's other core while this process does another.

The engine's walks are plain Python and hold the interpreter lock, so threads cannot run two at once. Where
the system has ``fork`` and this process may use two cores, :func:`start` forks a child that runs the work
on a copy of this process's memory and sends back the pickled result through a pipe; elsewhere (Windows,
macOS, one core, or work too small to be worth a fork) the work runs in this process when its result is
asked for. Either way the result is the same value: the work reads only what it is given, and the child
writes nothing but its result. The copy is not free: the pages either process writes to (reference counts
of the rows both read) are copied, about 200 MB at a million rows.

The child must not touch polars: a fork copies only the calling thread, and polars' thread pool and its
locks are not in a state the child can use. The work given here (the 2025 tracing walk of
``engine._match_transition``) reads engine rows (tuples of ints and strings) and returns plain values; the
child leaves with ``os._exit``, so no inherited object is finalized and no inherited buffer is flushed.
If the child fails in any way (it is killed, its result cannot be pickled), the work runs again here, so a
failure of the parallel path costs time, never the result.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import warnings
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")

#: False makes :func:`start` always run the work in this process (tests compare both ways).
ENABLED = True
#: Work over fewer rows runs here: forking a large process costs milliseconds, a walk of this many rows about 0.1 s.
MIN_ROWS = 20_000


def _forkable(rows: int) -> bool:
    # fork is safe only on Linux here: on macOS system libraries may abort in a forked child of a threaded process.
    if not ENABLED or rows < MIN_ROWS or not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return False
    return len(os.sched_getaffinity(0)) >= 2


class Pending(Generic[T]):
    """Work started by :func:`start`: :meth:`result` waits for its value, :meth:`cancel` stops it."""

    def __init__(self, work: Callable[[], T], pid: int = 0, pipe: int = -1) -> None:
        self.work, self.pid, self.pipe = work, pid, pipe

    def result(self) -> T:
        """The work's value (its error, if it raises one): from the child, or computed here."""
        if not self.pid:
            return self.work()
        try:
            with os.fdopen(self.pipe, "rb") as pipe:
                data = pipe.read()
        except BaseException:  # interrupted while waiting: the child goes too
            self._stop()
            raise
        _, status = os.waitpid(self.pid, 0)
        self.pid = 0
        if status != 0 or not data:
            return self.work()  # the child failed: compute here (the same value, later)
        value: T = pickle.loads(data)
        return value

    def cancel(self) -> None:
        """Stop the child and let it go (the caller failed and will not ask for the result)."""
        if self.pid:
            os.close(self.pipe)
            self._stop()

    def _stop(self) -> None:
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)  # reaped: no zombie is left
        self.pid = 0


def start(work: Callable[[], T], rows: int) -> Pending[T]:
    """Start ``work`` (a walk over ``rows`` rows) beside this process; ask the result of what it returns."""
    if not _forkable(rows):
        return Pending(work)
    read, write = os.pipe()
    with warnings.catch_warnings():
        # Python 3.12+ warns that forking a threaded process may deadlock the child: true of a child that
        # takes a lock another thread held (polars' pool), which this one never does (see the module docstring).
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # the child: compute, send, leave at once
        code = 1
        try:
            os.close(read)
            data = pickle.dumps(work(), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write, "wb") as out:
                out.write(data)
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    return Pending(work, pid, read)
