"""Writing a set of files into a directory atomically: all of them appear, or none of the old ones change.

Every file is first written into a fresh temporary directory beside the target. Only when all writers have
succeeded are the files moved in: a new target directory is the temporary one renamed (one atomic step); an
existing one gets each file renamed over its old version (same file system, so each rename is atomic and
none can fail for lack of space). On any failure the temporary directory is removed and the target is
untouched.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

Writer = Callable[[Path], None]


def write_dir(target: Path, writers: Mapping[str, Writer]) -> list[str]:
    """Run each ``writers[name](path)`` into a temporary directory, then move the files into ``target``.

    Args:
        target: the output directory (created if missing; its parent must exist).
        writers: file name -> function that writes that file at the path it is given.

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
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return list(writers)
