"""Where every published file lives, named in one place.

``PUBLIC/<edition>/<YYYY>/<MM>/<DD>/<edition>-<date>.<kind>``: a date folder
per issue so a web server's directory listing, ``rsync`` and ``rm -r`` all work
per day, and the file names still say which paper and which day once
downloaded. Pages and feeds link with paths relative to the folder they sit
in, so the shelf can be served from any URL prefix or copied elsewhere whole.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from urllib.parse import quote

from compiler.model import OUTPUT_SUFFIXES, output_name

ISSUE_FILE = "issue.json"
"""Written last into a day folder: a day without it is not (yet) a complete issue."""
LOCK_FILE = ".nightly.lock"
CORRECTIONS_FILE = "corrections.json"
NIGHTLY_LOG = "nightly.log"
FEED_FILE = "opds.xml"
PAGE_FILE = "index.html"

SUFFIXES = {
    **OUTPUT_SUFFIXES,
    "cover": "cover.jpg",
    "thumbnail": "thumb.jpg",
}
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "epub": "application/epub+zip",
    "kepub": "application/kepub+zip",
    "cover": "image/jpeg",
    "thumbnail": "image/jpeg",
    "report": "application/json",
}
DELIVERABLES = ("pdf", "epub", "kepub")
"""What subscribers download; these get ``latest`` names and correction records. The
KEPUB (``.kepub.epub``) is the EPUB with Kobo's markup (compiler/epub/kepub.py)."""
LATEST_NAMES = {kind: f"latest.{SUFFIXES[kind]}" for kind in DELIVERABLES}

_DIGITS = {4: re.compile(r"^\d{4}$"), 2: re.compile(r"^\d{2}$")}


def edition_dir(public: Path, edition: str) -> Path:
    return public / edition


def day_parts(day: date) -> tuple[str, str, str]:
    """``YYYY``, ``MM``, ``DD``: the one place the day folder's names are made."""
    return f"{day.year:04d}", f"{day.month:02d}", f"{day.day:02d}"


def day_dir(public: Path, edition: str, day: date) -> Path:
    return edition_dir(public, edition).joinpath(*day_parts(day))


def day_href(prefix: str, day: date, name: str) -> str:
    """A link to a file in the day's folder, from where ``prefix`` leads to the edition."""
    return href(prefix, *day_parts(day), name)


def file_name(edition: str, day: date, kind: str) -> str:
    """A build's outputs keep their names on the shelf (model.output_name)."""
    if kind in OUTPUT_SUFFIXES:
        return output_name(edition, day, kind)
    return f"{edition}-{day.isoformat()}.{SUFFIXES[kind]}"


def day_dirs(folder: Path) -> list[tuple[date, Path]]:
    """Every ``YYYY/MM/DD`` folder under an edition folder, oldest first.

    Only folders whose names are digits and form a real date count, so
    anything else an operator keeps there is never touched by retention.
    """
    found = []
    for year in _children(folder, 4):
        for month in _children(year, 2):
            for day in _children(month, 2):
                try:
                    found.append((date(int(year.name), int(month.name), int(day.name)), day))
                except ValueError:
                    continue
    return sorted(found)


def _children(folder: Path, width: int) -> list[Path]:
    if not folder.is_dir():
        return []
    return [p for p in folder.iterdir() if p.is_dir() and _DIGITS[width].match(p.name)]


def edition_names(public: Path) -> list[str]:
    """Editions on the shelf: top-level folders holding at least one complete issue."""
    if not public.is_dir():
        return []
    return sorted(
        p.name for p in public.iterdir()
        if p.is_dir() and not p.name.startswith(".")
        and any((d / ISSUE_FILE).is_file() for _, d in day_dirs(p))
    )


def prune_empty(folder: Path, stop: Path) -> None:
    """Remove ``folder`` and its parents while they are empty, never ``stop`` itself."""
    stop = stop.resolve()
    folder = folder.resolve()
    while folder != stop and stop in folder.parents:
        try:
            folder.rmdir()
        except OSError:  # not empty (or gone): either way the pruning ends here
            return
        folder = folder.parent


def href(*parts: str) -> str:
    """A relative URL from path segments, each percent-encoded."""
    return "/".join(quote(part) for part in parts if part)
