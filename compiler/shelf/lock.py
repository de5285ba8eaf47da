"""One run at a time on a publication folder: ``PUBLIC/.nightly.lock``.

Cron does not know a run from last night is still going, and an editor may
publish by hand while the timer fires. Two runs writing the same day folder
and switching ``latest`` would interleave, so the second one leaves at once
(non-blocking ``flock``) with EX_TEMPFAIL: a scheduler retries later rather
than queueing runs behind each other. The kernel drops the lock when the
process dies, so a crash never leaves the shelf locked.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from compiler.shelf.paths import LOCK_FILE

EXIT_LOCKED = 75
"""EX_TEMPFAIL from sysexits.h: try again later."""


class Locked(Exception):
    """Another run holds the lock; the message names the file and, if known, its pid."""


@contextmanager
def shelf_lock(public: Path) -> Iterator[Path]:
    public.mkdir(parents=True, exist_ok=True)
    path = public / LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip()
            who = f" (pid {holder})" if holder.isdigit() else ""
            raise Locked(f"another run{who} is publishing to {public} (it holds {path}); "
                         "nothing was done — try again when it has finished") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield path
    finally:
        os.close(fd)
