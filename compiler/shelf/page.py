"""The static download pages subscribers open in a browser.

Plain HTML with the CSS inline and no JavaScript: it must work from any static
host, in any browser, with a screen reader, and keep working years from now.
Templates live in ``templates/`` beside this module; this module only turns
issues into what the templates show (links, human sizes, months), in the words
and digits of the issue's language (a Khmer edition's page is in Khmer), and
links each issue to the other editions' issues of the same date in another
language (``Counterpart``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from compiler.shelf.issue import Issue, counterpart_issues, human_size
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
from compiler.text.dates import day_and_month, long_date, month_and_year
from compiler.text.labels import labels
from compiler.text.numerals import digits

TEMPLATES = Path(__file__).resolve().parent / "templates"
TOP_HEADLINES = 6
LABELS = {"pdf": "PDF", "epub": "EPUB", "kepub": "Kobo EPUB"}


def anchor(day) -> str:
    """The id of a day's row in an edition page's archive, which other pages link to."""
    return f"issue-{day.isoformat()}"


@dataclass(frozen=True)
class Counterpart:
    """Another edition's issue of the same date, in another language (a translation of
    the paper): its edition's title, and its row on that edition's page."""

    title: str
    language: str
    href: str


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
    counterparts: tuple[Counterpart, ...] = ()
    pages: str = ""
    stories: str = ""
    """The counts in the issue's digits."""

    @property
    def words(self):
        return labels(self.issue.language)

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


def issue_view(issue: Issue, prefix: str, counterparts: tuple[Counterpart, ...] = ()
               ) -> IssueView:
    def link(kind: str) -> str | None:
        entry = issue.files.get(kind)
        return day_href(prefix, issue.date, entry.file) if entry else None

    language = issue.language
    words = labels(language)
    downloads = tuple(
        Download(kind, words.kobo_epub if kind == "kepub" else LABELS[kind],
                 getattr(words, f"hint_{kind}"), link(kind),
                 digits(human_size(issue.files[kind].bytes), language), MEDIA_TYPES[kind])
        for kind in DELIVERABLES if kind in issue.files
    )
    day = issue.date
    return IssueView(issue, long_date(day, language), day_and_month(day, language),
                     link("cover"), link("thumbnail"), downloads, counterparts,
                     digits(issue.pages, language), digits(issue.stories, language))


def counterparts(issue: Issue, same_day: dict[str, Issue], root: str
                 ) -> tuple[Counterpart, ...]:
    """Links to the other editions' issues of ``issue``'s date in another language, at
    their row on their edition's page; ``root`` leads from the page to PUBLIC."""
    return tuple(Counterpart(other.edition_title, other.language,
                             f"{href(root, name, PAGE_FILE)}#{anchor(other.date)}")
                 for name, other in counterpart_issues(issue, same_day))


def edition_view(name: str, issues: list[Issue], prefix: str, corrections: bool = False,
                 others: dict | None = None) -> EditionView:
    """``prefix`` leads from the page's folder to the edition's folder ("" or "daily").
    ``others``: every edition's issues by date and edition name, for the links between
    editions of the same date."""
    root = ".." if not prefix else ""
    views = [issue_view(issue, prefix, counterparts(issue, (others or {}).get(issue.date, {}),
                                                    root))
             for issue in issues]
    months: dict[str, list[IssueView]] = {}
    for view in views:
        label = month_and_year(view.issue.date, view.issue.language)
        months.setdefault(label, []).append(view)
    latest = views[0]
    latest_links = tuple((LABELS[kind], href(prefix, LATEST_NAMES[kind]))
                         for kind in DELIVERABLES if kind in latest.issue.files)
    return EditionView(name, latest.issue.edition_title, latest,
                       tuple((label, tuple(items)) for label, items in months.items()),
                       latest_links, href(prefix, FEED_FILE), href(prefix, PAGE_FILE),
                       href(prefix, CORRECTIONS_FILE) if corrections else None)


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)),
                      autoescape=select_autoescape(["html", "j2"], default=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    env.filters["digits"] = digits
    env.globals["anchor"] = anchor
    return env


def edition_page(view: EditionView, root_feed: str, up: str | None, updated: str) -> bytes:
    """One edition: the newest issue up top, the archive by month below."""
    template = _environment().get_template("edition.html.j2")
    lang = view.latest.issue.language or "en"
    return template.render(edition=view, lang=lang, L=labels(lang),
                           root_feed=root_feed, up=up, top=TOP_HEADLINES,
                           updated=updated).encode()


def editions_page(views: list[EditionView], updated: str) -> bytes:
    """The root when the shelf holds several editions: the newest issue of each."""
    template = _environment().get_template("editions.html.j2")
    langs = {v.latest.issue.language for v in views}
    lang = langs.pop() if len(langs) == 1 else "en"
    return template.render(editions=views, lang=lang, L=labels(lang),
                           root_feed=FEED_FILE, top=3, updated=updated).encode()
