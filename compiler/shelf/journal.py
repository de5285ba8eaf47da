"""A publication as one transaction: staged, committed by one rename, then applied.

A night's publication changes many files: the day's PDF, EPUB and cover, its
``issue.json``, ``corrections.json``, ``latest.*``, every feed and page, and
retention's deletions. A crash, a full disk or a refused write between two of
those steps used to leave subscribers a torn shelf. Like a database's
write-ahead log (and like dpkg's unpack-then-rename), every new file is first
written in full under ``PUBLIC/.publishing/`` and synced; then the journal,
naming each step, is renamed into place. That rename is the commit point:

* before it, the shelf has not changed, and whoever comes next (the next
  publication, or ``edition shelf verify --repair``) deletes the staging;
* after it, every step is known and repeatable, and whoever comes next rolls
  the rest forward.

Steps are applied in an order that never lets a listing point at a file that
is not there yet: the day's files, then its record, then ``corrections.json``,
``latest.*``, the feeds and pages, and the deletions last. Each step is one
atomic rename (or link and rename), so a reader over HTTP gets every file
whole. The shelf lock makes a transaction the only one on its folder.

Every file operation passes ``compiler.files.step``, where the fault-injection
tests crash or fill the disk at each step in turn.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from pathlib import Path

from compiler import files
from compiler.files import atomic_write, sync_dir, temporary_beside
from compiler.shelf.paths import prune_empty

STAGING = ".publishing"
JOURNAL = "journal.json"
WRITE, LINK, SYMLINK, REMOVE = "write", "link", "symlink", "remove"


class Transaction:
    """The new contents of a publication, staged until ``commit``. Paths are relative
    to PUBLIC, with ``/`` separators."""

    def __init__(self, public: Path):
        self.public = public
        self.root = public / STAGING
        self.steps: list[tuple[str, str, str]] = []
        """(kind, target, source): write target from its staged copy, link target to
        source (a path already final), or remove target (a file or folder)."""

    def __enter__(self) -> Transaction:
        recover(self.public)
        shutil.rmtree(self.root, ignore_errors=True)
        return self

    def __exit__(self, kind, error, trace) -> None:
        if kind is not None and not (self.root / JOURNAL).exists():
            shutil.rmtree(self.root, ignore_errors=True)  # never committed: roll back

    def write(self, target: str, data: bytes) -> None:
        staged = self.root / "files" / target
        atomic_write(staged, data)
        self.steps.append((WRITE, target, ""))

    def link(self, target: str, source: str) -> None:
        """``target`` becomes the same file as ``source`` (latest.pdf and its day's PDF)."""
        self.steps.append((LINK, target, source))

    def symlink(self, target: str, pointing_to: str) -> None:
        """``target`` becomes a symbolic link whose text is ``pointing_to``."""
        self.steps.append((SYMLINK, target, pointing_to))

    def remove(self, target: str) -> None:
        self.steps.append((REMOVE, target, ""))

    def commit(self) -> None:
        """The commit point, then every step. Should applying fail (the disk, a kill),
        the journal stays and the next run finishes it."""
        if not self.steps:
            shutil.rmtree(self.root, ignore_errors=True)
            return
        order = {WRITE: 0, LINK: 1, SYMLINK: 1, REMOVE: 2}
        steps = sorted(self.steps, key=lambda s: (order[s[0]], _rank(s[1])))
        journal = json.dumps({"steps": steps}, indent=1).encode() + b"\n"
        atomic_write(self.root / JOURNAL, journal)
        apply(self.public)


def _rank(target: str) -> int:
    """Within the writes: the day's files, its record, the edition's files, the root."""
    name = target.rsplit("/", 1)[-1]
    if target.count("/") >= 4:  # <edition>/YYYY/MM/DD/<file>
        return 1 if name == "issue.json" else 0
    return 2 if "/" in target else 3


def apply(public: Path) -> int:
    """Carry out a committed journal's steps (again: each is idempotent); returns how
    many were left to do."""
    root = public / STAGING
    steps = json.loads((root / JOURNAL).read_bytes())["steps"]
    done = 0
    for kind, target, source in steps:
        path = public / target
        if kind == WRITE:
            staged = root / "files" / target
            if staged.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                files.step("rename", path)
                os.replace(staged, path)
                done += 1
        elif kind == LINK and not same_file(public / source, path):
            link_over(public / source, path)
            done += 1
        elif kind == SYMLINK and link_text(path) != source:
            symlink_over(source, path)
            done += 1
        elif kind == REMOVE and (path.exists() or path.is_symlink()):
            files.step("remove", path)
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
            prune_empty(path.parent, public)
            done += 1
    for folder in sorted({(public / t).parent for _, t, _ in steps if (public / t).parent
                          .is_dir()}):
        sync_dir(folder)
    files.step("finish", root / JOURNAL)
    (root / JOURNAL).unlink()
    shutil.rmtree(root, ignore_errors=True)
    return done


def recover(public: Path) -> str | None:
    """Finish or undo what a crashed publication left: "rolled forward" (committed),
    "rolled back" (staged only) or None (nothing to do)."""
    root = public / STAGING
    if (root / JOURNAL).exists():
        apply(public)
        return "rolled forward"
    if root.exists():
        shutil.rmtree(root)
        return "rolled back"
    return None


def same_file(source: Path, target: Path) -> bool:
    try:
        return os.path.samefile(source, target)
    except OSError:
        return False


def link_over(source: Path, target: Path) -> None:
    """A hard link renamed over ``target``: no bytes copied, and a download gets the old
    file or the new one. Where hard links are refused, a copy renamed the same way."""
    tmp = temporary_beside(target)
    try:
        tmp.unlink()
        files.step("link", target)
        os.link(source, tmp)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()
        atomic_write(target, source.read_bytes())
        return
    _rename_over(tmp, target)


def link_text(path: Path) -> str | None:
    try:
        return os.readlink(path)
    except OSError:
        return None


def symlink_over(text: str, target: Path) -> None:
    """A symbolic link made under a temporary name and renamed over ``target`` (a real
    folder there, as a copy that followed the link would leave, is removed first)."""
    if target.is_dir() and not target.is_symlink():
        files.step("remove", target)
        shutil.rmtree(target)
    tmp = temporary_beside(target)
    tmp.unlink()
    files.step("link", target)
    os.symlink(text, tmp)
    _rename_over(tmp, target)


def _rename_over(tmp: Path, target: Path) -> None:
    """The last step of every switch: one atomic rename, or the temporary goes."""
    try:
        files.step("rename", target)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
