"""Keep ``retention_days`` days of an edition, counted back from its newest date.

The newest date is the newest *complete* issue, so a half-published day
folder left by a killed run cannot push the window forward.

Counting from the newest published date rather than from today means a
paper that pauses (a holiday, a broken night) keeps its archive instead of
waking up to an empty shelf. Only ``YYYY/MM/DD`` folders are ever removed,
then any month and year folders left empty.
"""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

from compiler.shelf.paths import ISSUE_FILE, day_dirs, edition_dir, prune_empty


def oldest_kept(newest: date, retention_days: int) -> date:
    """With 30 days kept and 25 November newest, 27 October is the oldest kept."""
    return newest - timedelta(days=max(1, retention_days) - 1)


def expired(days: list[date], retention_days: int) -> list[date]:
    """The dates (of complete issues) older than the window counted from the newest."""
    if not days:
        return []
    cutoff = oldest_kept(max(days), retention_days)
    return sorted(day for day in days if day < cutoff)


def apply_retention(public: Path, edition: str, retention_days: int) -> list[date]:
    """Delete the day folders older than the window; return the dates removed."""
    folder = edition_dir(public, edition)
    days = day_dirs(folder)
    complete = [day for day, path in days if (path / ISSUE_FILE).is_file()]
    if not complete:
        return []
    cutoff = oldest_kept(complete[-1], retention_days)
    removed = []
    for day, path in days:
        if day >= cutoff:
            break
        shutil.rmtree(path)
        prune_empty(path.parent, folder)
        removed.append(day)
    return removed
