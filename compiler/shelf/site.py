"""Every catalogue and page, made from the issues' records alone.

Made for all editions at once by each publication (inside its transaction): a
second edition appearing turns the root into a navigation feed and an editions
page, and a day removed by retention disappears from every listing in the same
step. Issues of the same date in different languages (the daily and its Khmer
sister) link each other on the pages and in the feeds. An edition's page and
feed change only when its own issues, or those its issues link to, change: its
"Updated" is its own newest issue's, so publishing one edition leaves another
edition's files as they were. Being a function of the records, ``verify`` regenerates them to check
what is served.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from compiler.shelf.issue import Issue, load_issues
from compiler.shelf.opds import (
    ACQUISITION,
    NAVIGATION,
    ROOT_ID,
    acquisition_feed,
    edition_feed_id,
    navigation_feed,
)
from compiler.shelf.page import edition_page, edition_view, editions_page
from compiler.shelf.paths import (
    CORRECTIONS_FILE,
    FEED_FILE,
    PAGE_FILE,
    edition_dir,
    edition_names,
    href,
)


def site_files(editions: dict[str, list[Issue]], corrected: set[str], when: str
               ) -> dict[str, bytes]:
    """Every feed and page, by path relative to PUBLIC, for these issues (newest first per
    edition) and the editions that have a ``corrections.json``. A pure function of the
    records, so ``verify`` can regenerate them and compare with what is served."""
    editions = {name: issues for name, issues in sorted(editions.items()) if issues}
    files: dict[str, bytes] = {}
    several = len(editions) > 1
    root_type = NAVIGATION if several else ACQUISITION
    updated = max((i.updated for issues in editions.values() for i in issues), default=when)
    same_day: dict = {}
    for name, issues in editions.items():
        for issue in issues:
            same_day.setdefault(issue.date, {})[name] = issue
    for name, issues in editions.items():
        root = href("..", FEED_FILE)
        files[f"{name}/{FEED_FILE}"] = acquisition_feed(
            issues, "", edition_feed_id(name), (root, root_type), (root, root_type), when,
            same_day)
        view = edition_view(name, issues, "", name in corrected, same_day)
        own = max((i.updated for i in issues), default=updated) if several else updated
        files[f"{name}/{PAGE_FILE}"] = edition_page(
            view, FEED_FILE, href("..", PAGE_FILE) if several else None, own)
    if several:
        files[FEED_FILE] = navigation_feed(editions, when)
        views = [edition_view(name, issues, name, others=same_day)
                 for name, issues in editions.items()]
        files[PAGE_FILE] = editions_page(views, updated)
    elif editions:
        (name, issues), = editions.items()
        files[FEED_FILE] = acquisition_feed(
            issues, name, ROOT_ID, (FEED_FILE, ACQUISITION), None, when)
        view = replace(edition_view(name, issues, name, name in corrected), feed=FEED_FILE)
        files[PAGE_FILE] = edition_page(view, FEED_FILE, None, updated)
    return files


def shelf_issues(public: Path) -> dict[str, list[Issue]]:
    """Every edition's complete issues on the shelf, newest first."""
    return {name: load_issues(public, name) for name in edition_names(public)}


def corrected_editions(public: Path) -> set[str]:
    return {name for name in edition_names(public)
            if (edition_dir(public, name) / CORRECTIONS_FILE).is_file()}
