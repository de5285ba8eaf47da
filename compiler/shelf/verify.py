"""``edition shelf verify PUBLIC [--repair]``: is what subscribers are served consistent?

Checked, in the order a repair must go:

1. no publication left half-done (``journal``): a committed one is rolled
   forward, a staged one rolled back;
2. no temporary files (``.name.random.tmp``, or ``.part`` from older versions),
   which a web server would serve;
3. no day folder without its record (a run of an older version killed half-way):
   it is listed nowhere, so a repair deletes it;
4. every listed issue's files match the sha256 its record holds (a mismatch
   cannot be repaired from the shelf alone: the day must be published again);
5. ``latest.*`` are the newest issue's files, and ``.latest`` points at its day;
6. every feed and page is what the records give (so all of them list the same
   issues).

A repair changes only what was found, never records a correction, and each of
its writes is atomic.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from compiler.files import TEMPORARY_SUFFIX, atomic_write
from compiler.shelf.journal import STAGING, link_over, link_text, recover, same_file, symlink_over
from compiler.shelf.latest import latest_hint, latest_links
from compiler.shelf.paths import ISSUE_FILE, day_dir, day_dirs, edition_dir, edition_names
from compiler.shelf.site import corrected_editions, shelf_issues, site_files


@dataclass(frozen=True)
class Finding:
    path: Path
    problem: str
    repaired: bool = False


@dataclass
class Verification:
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Nothing is left unrepaired."""
        return all(f.repaired for f in self.findings)


def verify_shelf(public: Path, repair: bool = False) -> Verification:
    """Raises FileNotFoundError when ``public`` is not a folder."""
    if not public.is_dir():
        raise FileNotFoundError(2, "no such publication folder", str(public))
    found = Verification()

    def note(path: Path, problem: str, fix=None) -> None:
        if repair and fix is not None:
            fix()
        found.findings.append(Finding(path, problem, repair and fix is not None))

    staging = public / STAGING
    if staging.exists():
        note(staging, "a publication was interrupted", lambda: recover(public))
    for stale in _temporaries(public):
        note(stale, "a temporary file is left behind", lambda p=stale: p.unlink(missing_ok=True))
    for name in _edition_folders(public):
        for _, folder in day_dirs(edition_dir(public, name)):
            if not (folder / ISSUE_FILE).is_file():
                note(folder, "a day folder without its issue.json (an interrupted run)",
                     lambda f=folder: shutil.rmtree(f))
    editions = shelf_issues(public)
    for name, issues in editions.items():
        for issue in issues:
            folder = day_dir(public, name, issue.date)
            for entry in issue.files.values():
                path = folder / entry.file
                if _sha256(path) != entry.sha256:
                    note(path, "does not match the sha256 in its issue.json; publish that day "
                               "again (edition publish OUT PUBLIC --date DAY)")
        for target, source in latest_links(name, issues).items():
            if not same_file(public / source, public / target) \
                    and _sha256(public / target) != _sha256(public / source):
                note(public / target, f"is not the newest issue's file ({source})",
                     lambda s=public / source, t=public / target: link_over(s, t))
        if hint := latest_hint(name, issues):
            target, text = hint
            if link_text(public / target) != text:
                note(public / target, f"does not point at the newest issue ({text})",
                     lambda t=public / target, x=text: symlink_over(x, t))
    for relative, data in site_files(editions, corrected_editions(public), "").items():
        path = public / relative
        try:
            current = path.read_bytes()
        except OSError:
            current = None
        if current != data:
            note(path, "does not list the issues on the shelf",
                 lambda p=path, d=data: atomic_write(p, d))
    return found


def _edition_folders(public: Path) -> list[str]:
    """Editions with any day folder, complete or not (``edition_names`` needs one)."""
    return sorted({*edition_names(public),
                   *(p.name for p in public.iterdir()
                     if p.is_dir() and not p.name.startswith(".") and day_dirs(p))})


def _temporaries(public: Path) -> list[Path]:
    staging = public / STAGING
    return sorted(p for pattern in (f".*{TEMPORARY_SUFFIX}", ".*.part")
                  for p in public.rglob(pattern)
                  if staging not in p.parents and (p.is_file() or p.is_symlink()))


def _sha256(path: Path) -> str | None:
    try:
        with path.open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return None
