"""The output directory changes all at once or not at all."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from taxlots.reports.bundle import cores, write_dir


def _write(text: str):  # type: ignore[no-untyped-def]
    return lambda p: p.write_text(text)


def test_new_directory_appears_with_every_file(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert write_dir(out, {"a.txt": _write("A"), "b.txt": _write("B")}) == ["a.txt", "b.txt"]
    assert sorted(p.name for p in out.iterdir()) == ["a.txt", "b.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_failing_writer_changes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.txt").write_text("old")

    def fail(path: Path) -> None:
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        write_dir(out, {"a.txt": _write("new"), "b.txt": fail})
    assert (out / "a.txt").read_text() == "old"
    assert sorted(p.name for p in out.iterdir()) == ["a.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no temporary directory left behind


def test_existing_directory_gets_new_versions_and_keeps_other_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.txt").write_text("old")
    (out / "notes.txt").write_text("mine")
    write_dir(out, {"a.txt": _write("new")})
    assert (out / "a.txt").read_text() == "new"
    assert (out / "notes.txt").read_text() == "mine"


def test_a_shorter_series_removes_the_earlier_runs_extra_files_only(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_dir(out, {"g-1.csv": _write("1"), "g-2.csv": _write("2"), "g-3.csv": _write("3")}, stale=["g-*.csv"])
    (out / "notes.txt").write_text("mine")
    write_dir(out, {"g-1.csv": _write("new 1"), "g-2.csv": _write("new 2")}, stale=["g-*.csv"])
    assert sorted(p.name for p in out.iterdir()) == ["g-1.csv", "g-2.csv", "notes.txt"]
    assert (out / "g-2.csv").read_text() == "new 2"


def test_a_failing_run_removes_no_earlier_file(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_dir(out, {"g-1.csv": _write("1"), "g-2.csv": _write("2")}, stale=["g-*.csv"])

    def fail(path: Path) -> None:
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        write_dir(out, {"g-1.csv": fail}, stale=["g-*.csv"])
    assert sorted(p.name for p in out.iterdir()) == ["g-1.csv", "g-2.csv"]


def test_of_two_failing_writers_the_first_in_order_is_raised(tmp_path: Path) -> None:
    # b fails at once; a fails only after b has (when they run side by side): a's error is still the one raised
    b_failed = threading.Event()

    def a(path: Path) -> None:
        b_failed.wait(timeout=2)
        raise ValueError("a")

    def b(path: Path) -> None:
        b_failed.set()
        raise OSError(28, "No space left on device")

    with pytest.raises(ValueError, match="^a$"):
        write_dir(tmp_path / "out", {"a.txt": a, "b.txt": b, "c.txt": _write("C")})
    assert sorted(p.name for p in tmp_path.iterdir()) == []


@pytest.mark.skipif(cores() < 2, reason="writers run one at a time on one core")
def test_writers_run_side_by_side_on_two_cores(tmp_path: Path) -> None:
    # each writer waits for the other to start: one at a time, the barrier would break
    both = threading.Barrier(2, timeout=5)

    def meet(text: str):  # type: ignore[no-untyped-def]
        def write(path: Path) -> None:
            both.wait()
            path.write_text(text)

        return write

    write_dir(tmp_path / "out", {"a.txt": meet("A"), "b.txt": meet("B")})
    assert [(tmp_path / "out" / n).read_text() for n in ("a.txt", "b.txt")] == ["A", "B"]


def test_slow_writers_start_first_and_the_names_keep_their_order(tmp_path: Path) -> None:
    started: list[str] = []

    def log(name: str):  # type: ignore[no-untyped-def]
        def write(path: Path) -> None:
            started.append(name)
            path.write_text(name)

        return write

    names = write_dir(tmp_path / "out", {n: log(n) for n in ("a", "b", "c")}, slow=("c", "missing"))
    assert names == ["a", "b", "c"]
    assert set(started[:2]) == {"c", "a"} and started[2] == "b"  # taken in the order c, a, b (two may start together)
