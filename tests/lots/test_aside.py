"""Work run on the other core (``taxlots.lots.aside``), and the 2025 transition that uses it.

The transition's tracing walk runs in a forked child on large inputs: its result must be exactly what the
walk gives in this process, on ledgers that reach every hard case (``test_properties.ledgers``), and a child
that fails must cost time, never the result.
"""

from __future__ import annotations

import os
import signal
import time

import pytest
from hypothesis import given, settings

from taxlots.lots import aside
from taxlots.lots.engine import Config, match
from taxlots.lots.methods import Method
from taxlots.lots.pool import Scope
from taxlots.model.ledger import LedgerRow
from tests.lots.test_properties import engine_view, ledgers

forks = pytest.mark.skipif(not aside._forkable(aside.MIN_ROWS), reason="no fork, or one core: the work always runs here")


@pytest.fixture
def always(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fork for work of any size (the transition's walks in these tests are a few rows)."""
    monkeypatch.setattr(aside, "MIN_ROWS", 0)


@forks
def test_the_work_runs_in_a_child_and_its_value_comes_back(always: None) -> None:
    here = os.getpid()
    pid, value = aside.start(lambda: (os.getpid(), [10**30, "x"]), 1).result()
    assert pid != here and value == [10**30, "x"]


def test_small_work_and_a_disabled_aside_run_here(monkeypatch: pytest.MonkeyPatch) -> None:
    here = os.getpid()
    assert aside.start(os.getpid, aside.MIN_ROWS - 1).result() == here
    monkeypatch.setattr(aside, "ENABLED", False)
    assert aside.start(os.getpid, aside.MIN_ROWS).result() == here


@forks
def test_a_failing_child_costs_time_not_the_result(always: None) -> None:
    here = os.getpid()

    def work() -> str:
        if os.getpid() != here:
            raise RuntimeError("only in the child")
        return "computed here"

    assert aside.start(work, 1).result() == "computed here"


@forks
def test_an_error_of_the_work_itself_reaches_the_caller(always: None) -> None:
    def work() -> int:
        raise ValueError("a bug in the walk")

    with pytest.raises(ValueError, match="a bug in the walk"):
        aside.start(work, 1).result()


@forks
def test_cancel_stops_the_child_at_once(always: None) -> None:
    pending = aside.start(lambda: time.sleep(60), 1)
    pid = pending.pid
    started = time.monotonic()
    pending.cancel()
    assert time.monotonic() - started < 10
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, 0)  # already reaped: no zombie is left behind


@forks
def test_an_interrupted_wait_stops_the_child(always: None) -> None:
    class Interrupted(Exception):
        pass

    def interrupt(signum: int, frame: object) -> None:
        raise Interrupted

    pending = aside.start(lambda: time.sleep(60), 1)
    pid = pending.pid
    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, 0.3)
    try:
        with pytest.raises(Interrupted):
            pending.result()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, 0)


def _transition(rows: list[LedgerRow], method: Method) -> tuple[object, ...]:
    result = match(rows, Config(method=method, scope=Scope.PER_WALLET_FROM_2025))
    return (*engine_view(result), result.diagnostics)


@forks
@settings(max_examples=40, deadline=None)
@given(rows=ledgers())
def test_the_transition_is_the_same_with_the_tracing_walk_in_a_child(rows: list[LedgerRow]) -> None:
    saved, started = (aside.MIN_ROWS, aside.start), []

    def counted(work: object, n: int) -> aside.Pending[object]:
        pending = saved[1](work, n)  # type: ignore[arg-type]
        started.append(pending.pid)
        return pending

    for method in (Method.FIFO, Method.LIFO, Method.HIFO):
        aside.MIN_ROWS, aside.start = 0, counted  # type: ignore[assignment]
        try:
            beside = _transition(rows, method)
            aside.ENABLED = False
            here = _transition(rows, method)
        finally:
            aside.MIN_ROWS, aside.start, aside.ENABLED = saved[0], saved[1], True
        assert beside == here, method
    if any(r.timestamp.year < 2025 for r in rows):  # there is a tracing walk: the first run of each method forked it
        assert len(started) == 6 and all(started[::2]) and not any(started[1::2])
