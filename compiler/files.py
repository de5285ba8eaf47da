"""Writing outputs so a failed or killed build never replaces the last good edition.

Each file is written beside its final name, flushed to disk, then renamed over
it: readers see either the old file or the new one, never a partial one.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

TEMPORARY_SUFFIX = ".tmp"
"""A file being written beside its final name is ``.<name>.<random>.tmp`` (``.part``
in older versions, still cleaned up: "part" now means only a part of the PDF)."""


def step(action: str, path: Path) -> None:
    """Called before every write, rename, link and removal the shelf makes: a no-op that
    the fault-injection tests replace to crash or fill the disk at each step in turn
    (tests/shelf/test_faults.py)."""


def temporary_beside(path: Path) -> Path:
    """A new, empty temporary file in ``path``'s folder, to be renamed over it."""
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMPORARY_SUFFIX,
                                dir=path.parent)
    os.close(fd)
    return Path(name)


def atomic_write(path: Path, data: bytes, durable: bool = True) -> None:
    """``durable=False`` for caches: a lost entry is only a miss, so no fsyncs."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMPORARY_SUFFIX,
                                    dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            step("write", path)
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(tmp_name, 0o644)
        step("rename", path)
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    if durable:
        sync_dir(path.parent)


def sync_dir(folder: Path) -> None:
    """The rename itself is durable only once the folder is synced."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_temporaries(folder: Path) -> None:
    """Temporary files left by a build that was killed mid-write."""
    for pattern in (f".*{TEMPORARY_SUFFIX}", ".*.part"):
        for stale in folder.glob(pattern):
            stale.unlink(missing_ok=True)
