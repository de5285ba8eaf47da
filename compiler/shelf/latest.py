"""``PUBLIC/<edition>/latest.pdf`` and ``latest.epub``: stable names for the newest issue.

They are regular files, not symlinks, because static hosting differs on links
(nginx follows them, Apache needs FollowSymLinks, object stores and many
``rsync``/upload setups copy or drop them). Each is switched by hard-linking
the dated file to a temporary name in the same folder and renaming that over
``latest.*``: rename is atomic, so a download gets the old issue or the new one,
never a gap or half a file, and no bytes are copied. Where hard links are not
possible (another file system, some network mounts) the bytes are copied to
the temporary name instead; the rename is the same.

"Newest" is the newest date with a complete issue, not the last run: a
correction to an older day leaves ``latest`` where it is.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path

from compiler.files import atomic_write, sync_dir, temporary_beside
from compiler.shelf.issue import Issue, load_issues
from compiler.shelf.paths import DELIVERABLES, LATEST_NAMES, day_dir, edition_dir


def newest_issue(public: Path, edition: str) -> Issue | None:
    issues = load_issues(public, edition)
    return issues[0] if issues else None


def point_latest(public: Path, edition: str) -> Issue | None:
    """Make every ``latest.*`` name the newest complete issue's file; return that issue."""
    issue = newest_issue(public, edition)
    if issue is None:
        return None
    folder = edition_dir(public, edition)
    source_dir = day_dir(public, edition, issue.date)
    for kind in DELIVERABLES:
        entry = issue.files.get(kind)
        if entry is None:
            continue
        target = folder / LATEST_NAMES[kind]
        source = source_dir / entry.file
        if not _same(source, target, entry.sha256):
            _switch(source, target)
    return issue


def _same(source: Path, target: Path, sha256: str) -> bool:
    try:
        if os.path.samefile(source, target):
            return True
        with target.open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest() == sha256
    except OSError:
        return False


def _switch(source: Path, target: Path) -> None:
    tmp = temporary_beside(target)
    try:
        tmp.unlink()
        os.link(source, tmp)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()
        atomic_write(target, source.read_bytes())
        return
    try:
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    sync_dir(target.parent)
