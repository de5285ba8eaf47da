"""Keep ``retention_days`` days of an edition, counted back from its newest date.

The newest date is the newest *complete* issue, so a half-published day
folder left by a killed run cannot push the window forward.

Counting from the newest published date rather than from today means a
paper that pauses (a holiday, a broken night) keeps its archive instead of
waking up to an empty shelf. Only ``YYYY/MM/DD`` folders are ever removed,
then any month and year folders left empty.
"""

from __future__ import annotations

from datetime import date, timedelta


def oldest_kept(newest: date, retention_days: int) -> date:
    """With 30 days kept and 25 November newest, 27 October is the oldest kept."""
    return newest - timedelta(days=max(1, retention_days) - 1)


def expired(newest: date, days: list[date], retention_days: int) -> list[date]:
    """The ``days`` (complete or not) older than the window counted back from ``newest``,
    the newest complete issue's date: a half-published newer folder never moves it."""
    cutoff = oldest_kept(newest, retention_days)
    return sorted(day for day in days if day < cutoff)
