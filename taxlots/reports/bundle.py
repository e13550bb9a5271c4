"""Writing a set of files into a directory atomically: all of them appear, or none of the old ones change.

Every file is first written into a fresh temporary directory beside the target. Only when all writers have
succeeded are the files moved in: a new target directory is the temporary one renamed (one atomic step); an
existing one gets each file renamed over its old version (same file system, so each rename is atomic and
none can fail for lack of space). On any failure the temporary directory is removed and the target is
untouched. Files of an earlier run that this run does not write again but that carry a name of the same
series (``stale`` patterns, e.g. ``turbotax-gains-3.csv`` when this year needs two such files) are removed
after the move, so the directory never mixes two runs; any other file in it is left alone.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

Writer = Callable[[Path], None]


def write_dir(target: Path, writers: Mapping[str, Writer], stale: Iterable[str] = ()) -> list[str]:
    """Run each ``writers[name](path)`` into a temporary directory, then move the files into ``target``.

    Args:
        target: the output directory (created if missing; its parent must exist).
        writers: file name -> function that writes that file at the path it is given.
        stale: glob patterns of earlier outputs to remove from ``target`` when this run does not write them.

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
        for name, write in writers.items():
            write(tmp / name)
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
