"""Regenerate every catalogue and page from the issues on the shelf.

Run after each publication, for all editions at once: a second edition
appearing turns the root into a navigation feed and an editions page, and a
day removed by retention disappears from every listing in the same step.
Every file is written atomically, so a reader never fetches half a feed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from compiler.files import atomic_write
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


@dataclass(frozen=True)
class Site:
    editions: dict[str, list[Issue]]
    written: tuple[Path, ...]


def refresh_site(public: Path, when: str) -> Site:
    editions = {name: load_issues(public, name) for name in edition_names(public)}
    editions = {name: issues for name, issues in editions.items() if issues}
    written: list[Path] = []

    def write(path: Path, data: bytes) -> None:
        atomic_write(path, data)
        written.append(path)

    several = len(editions) > 1
    root_type = NAVIGATION if several else ACQUISITION
    updated = max((i.updated for issues in editions.values() for i in issues), default=when)
    for name, issues in editions.items():
        folder = edition_dir(public, name)
        has_corrections = (folder / CORRECTIONS_FILE).is_file()
        root = href("..", FEED_FILE)
        write(folder / FEED_FILE, acquisition_feed(
            issues, "", edition_feed_id(name), (root, root_type), (root, root_type), when))
        view = edition_view(name, issues, "", has_corrections)
        write(folder / PAGE_FILE, edition_page(view, FEED_FILE, href("..", PAGE_FILE)
                                               if several else None, updated))

    if several:
        write(public / FEED_FILE, navigation_feed(editions, when))
        views = [edition_view(name, issues, name) for name, issues in editions.items()]
        write(public / PAGE_FILE, editions_page(views, updated))
    elif editions:
        (name, issues), = editions.items()
        has_corrections = (edition_dir(public, name) / CORRECTIONS_FILE).is_file()
        write(public / FEED_FILE, acquisition_feed(
            issues, name, ROOT_ID, (FEED_FILE, ACQUISITION), None, when))
        view = replace(edition_view(name, issues, name, has_corrections), feed=FEED_FILE)
        write(public / PAGE_FILE, edition_page(view, FEED_FILE, None, updated))
    return Site(editions, tuple(written))
