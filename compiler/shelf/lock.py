"""One run at a time on a publication folder: ``PUBLIC/.nightly.lock``.

Cron does not know a run from last night is still going, and an editor may
publish by hand while the timer fires. Two runs writing the same day folder
and switching ``latest`` would interleave, so the second one leaves at once
(non-blocking ``flock``) with EX_TEMPFAIL: a scheduler retries later rather
than queueing runs behind each other.

The lock is the ``flock`` on the file, not the file: the kernel drops it when
the process dies, so a killed run never leaves the shelf locked. The pid in
the file is only there to name the holder in a message. It is written once the
lock is taken and emptied when the lock is released; a run killed outright
(SIGKILL) cannot empty it, so a pid is named only while that process is alive,
and the next run to take the lock writes its own.

Taking the lock is the first write to PUBLIC, so this is also where the shelf
says, in one sentence for people, why a folder cannot be used
(``describe_os_error``): a missing or read-only folder, a full disk, no permission.
"""

from __future__ import annotations

import errno
import fcntl
import os
import pwd
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from compiler.shelf.paths import LOCK_FILE

EXIT_LOCKED = 75
"""EX_TEMPFAIL from sysexits.h: try again later."""


class Locked(Exception):
    """Another run holds the lock; the message names the file and, if known, its pid."""

    def __init__(self, public: Path, path: Path, holder: int | None):
        self.path = path
        self.holder = holder
        who = f" (pid {holder})" if holder else ""
        super().__init__(f"another run{who} is publishing to {public} (it holds {path}); "
                         "nothing was done — try again when it has finished")


@contextmanager
def shelf_lock(public: Path) -> Iterator[Path]:
    """Hold ``PUBLIC/.nightly.lock`` for the block.

    Raises ``Locked`` when another run holds it, and ``OSError`` carrying the path
    when PUBLIC or the lock file cannot be made or written (a missing folder, a
    read-only or full disk, no permission). PUBLIC itself is made when missing,
    its parents never: a shelf on a disk that is not mounted must not grow on the
    disk beneath it.
    """
    public.mkdir(exist_ok=True)
    path = public / LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Locked(public, path, _holder(fd)) from None
        except OSError as exc:  # ENOLCK and the like: name the file
            raise OSError(exc.errno, exc.strerror, str(path)) from exc
        try:
            _write_pid(fd, path)
            yield path
        finally:
            _empty(fd)  # still under the lock: the file never names a run that has ended
    finally:
        os.close(fd)


def _write_pid(fd: int, path: Path) -> None:
    data = f"{os.getpid()}\n".encode()
    try:
        os.ftruncate(fd, 0)
        if os.pwrite(fd, data, 0) != len(data):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))  # a short write: disk full
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(path)) from exc


def _empty(fd: int) -> None:
    try:
        os.ftruncate(fd, 0)
    except OSError:  # the lock goes with the descriptor anyway; a stale pid is never shown
        pass


def _holder(fd: int) -> int | None:
    """The pid the file names, if that process is alive: the file may still hold the pid
    of a run that was killed (SIGKILL) before the current holder wrote its own."""
    try:
        text = os.pread(fd, 32, 0).decode(errors="replace").strip()
    except OSError:
        return None
    pid = int(text) if text.isdigit() else 0
    if pid <= 0:
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:  # alive, and another user's
        pass
    return pid


def describe_os_error(exc: OSError, where: Path) -> str:
    """``<path>: <what is wrong> — <what to do>`` for the errors a shelf meets."""
    path = Path(exc.filename) if exc.filename else where
    code = exc.errno
    if code == errno.EROFS:
        return (f"{path} is on a read-only file system — remount it read-write, "
                "or give a folder that can be written")
    if code in (errno.EACCES, errno.EPERM):
        folder = path  # a file or folder that cannot be made: the folder it goes in refuses
        while not folder.exists() and folder.parent != folder:
            folder = folder.parent
        what = f"{path}: permission denied" if folder == path else \
            f"{path} cannot be made: permission denied in {folder}"
        return (f"{what} — let the user {_user()} write there (chown or chmod), "
                "or run as a user who can")
    if code in (errno.ENOSPC, errno.EDQUOT):
        return f"{path}: no space left on the disk — free some space and run again"
    if code == errno.ENOENT:
        while not path.parent.exists() and path.parent != path:
            path = path.parent
        return (f"{path} does not exist — create it (or mount the disk it is on), "
                "or correct the path")
    if code in (errno.ENOTDIR, errno.EEXIST):
        return (f"{_file_in_the_way(path)} is a file where a folder is needed — move it "
                "away, or correct the path")
    if code == errno.EISDIR:
        return f"{path} is a folder where a file is needed — move it away"
    return f"{path}: {exc.strerror or exc} — fix that and run again"


def _file_in_the_way(path: Path) -> Path:
    for candidate in (path, *path.parents):
        if candidate.exists() and not candidate.is_dir():
            return candidate
    return path


def _user() -> str:
    try:
        return pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:
        return f"with uid {os.geteuid()}"
