"""Writing outputs so a failed or killed build never replaces the last good edition.

Each file is written beside its final name, flushed to disk, then renamed over
it: readers see either the old file or the new one, never a partial one.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def atomic_write(path: Path, data: bytes, durable: bool = True) -> None:
    """``durable=False`` for caches: a lost entry is only a miss, so no fsyncs."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(tmp_name, 0o644)
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


def remove_stale_parts(folder: Path) -> None:
    """Temporary files left by a build that was killed mid-write."""
    for part in folder.glob(".*.part"):
        part.unlink(missing_ok=True)
