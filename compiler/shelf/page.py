"""The static download pages subscribers open in a browser.

Plain HTML with the CSS inline and no JavaScript: it must work from any static
host, in any browser, with a screen reader, and keep working years from now.
Templates live in ``templates/`` beside this module; this module only turns
issues into what the templates show (links, human sizes, months).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from compiler.shelf.issue import Issue, human_size
from compiler.shelf.paths import (
    CORRECTIONS_FILE,
    DELIVERABLES,
    FEED_FILE,
    LATEST_NAMES,
    MEDIA_TYPES,
    PAGE_FILE,
    day_href,
    href,
)
from compiler.text.templates import DAYS, MONTHS, long_date

TEMPLATES = Path(__file__).resolve().parent / "templates"
TOP_HEADLINES = 6
LABELS = {"pdf": "PDF", "epub": "EPUB", "kepub": "Kobo EPUB"}
HINTS = {"pdf": "to print or read on a computer", "epub": "for e-readers and reading apps",
         "kepub": "for Kobo e-readers (.kepub.epub)"}


@dataclass(frozen=True)
class Download:
    kind: str
    label: str
    hint: str
    href: str
    size: str
    media_type: str


@dataclass(frozen=True)
class IssueView:
    """One issue as a page shows it, with links relative to that page."""

    issue: Issue
    date_long: str
    date_in_month: str
    """``Wednesday 25 November``: the archive groups by month, so the year is in the heading."""
    cover: str | None
    thumbnail: str | None
    downloads: tuple[Download, ...]

    @property
    def corrected(self) -> bool:
        return self.issue.updated != self.issue.published


@dataclass(frozen=True)
class EditionView:
    name: str
    title: str
    latest: IssueView
    months: tuple[tuple[str, tuple[IssueView, ...]], ...]
    latest_links: tuple[tuple[str, str], ...]
    feed: str
    page: str
    corrections: str | None = None


def issue_view(issue: Issue, prefix: str) -> IssueView:
    def link(kind: str) -> str | None:
        entry = issue.files.get(kind)
        return day_href(prefix, issue.date, entry.file) if entry else None

    downloads = tuple(
        Download(kind, LABELS[kind], HINTS[kind], link(kind), human_size(issue.files[kind].bytes),
                 MEDIA_TYPES[kind])
        for kind in DELIVERABLES if kind in issue.files
    )
    day = issue.date
    in_month = f"{DAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]}"
    return IssueView(issue, long_date(day), in_month, link("cover"), link("thumbnail"), downloads)


def edition_view(name: str, issues: list[Issue], prefix: str, corrections: bool = False
                 ) -> EditionView:
    """``prefix`` leads from the page's folder to the edition's folder ("" or "daily")."""
    views = [issue_view(issue, prefix) for issue in issues]
    months: dict[str, list[IssueView]] = {}
    for view in views:
        label = f"{MONTHS[view.issue.date.month - 1]} {view.issue.date.year}"
        months.setdefault(label, []).append(view)
    latest = views[0]
    latest_links = tuple((LABELS[kind], href(prefix, LATEST_NAMES[kind]))
                         for kind in DELIVERABLES if kind in latest.issue.files)
    return EditionView(name, latest.issue.edition_title, latest,
                       tuple((label, tuple(items)) for label, items in months.items()),
                       latest_links, href(prefix, FEED_FILE), href(prefix, PAGE_FILE),
                       href(prefix, CORRECTIONS_FILE) if corrections else None)


def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(str(TEMPLATES)),
                       autoescape=select_autoescape(["html", "j2"], default=True),
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                       keep_trailing_newline=True)


def edition_page(view: EditionView, root_feed: str, up: str | None, updated: str) -> bytes:
    """One edition: the newest issue up top, the archive by month below."""
    template = _environment().get_template("edition.html.j2")
    return template.render(edition=view, lang=view.latest.issue.language or "en",
                           root_feed=root_feed, up=up, top=TOP_HEADLINES,
                           updated=updated).encode()


def editions_page(views: list[EditionView], updated: str) -> bytes:
    """The root when the shelf holds several editions: the newest issue of each."""
    template = _environment().get_template("editions.html.j2")
    langs = {v.latest.issue.language for v in views}
    return template.render(editions=views, lang=langs.pop() if len(langs) == 1 else "en",
                           root_feed=FEED_FILE, top=3, updated=updated).encode()
