"""The edition as data: frozen objects built once, read by every renderer.

Nothing downstream re-reads the content folder; a renderer that needs a fact
finds it here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from compiler.config import EditionConfig
from compiler.text.slugs import slugify

OUTPUT_SUFFIXES = {"pdf": "pdf", "epub": "epub", "kepub": "kepub.epub",
                   "report": "report.json"}


def output_name(edition: str, day: date, kind: str) -> str:
    """``daily-2026-11-25.pdf``: one name for a build's output and the shelf's copy of it."""
    return f"{edition}-{day.isoformat()}.{OUTPUT_SUFFIXES[kind]}"


def iso_timestamp(moment: datetime) -> str:
    """A UTC time as metadata writes it everywhere (PDF, EPUB, archive): 2026-11-25T06:00:00Z."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Photo:
    source: Path
    """Absolute, resolved path inside the content folder."""
    width: int
    height: int
    caption: str = ""
    credit: str = ""
    alt: str = ""
    digest: str = ""
    """SHA-256 of the file as checked: names its copies, so they are found without
    reading the file again."""


@dataclass(frozen=True)
class Related:
    headline: str
    teaser: str = ""
    url: str = ""
    slug: str = ""
    language: str = ""
    """Language of the story that carries the entry: the headline is in it."""
    target: str | None = None
    """Slug of the story in this edition it points at, or None when it is elsewhere."""

    @property
    def dedupe_key(self) -> str:
        return self.url or self.headline.casefold()


@dataclass(frozen=True)
class Translation:
    """The story's translation, named by its front-matter ``translation`` key."""

    slug: str
    line: int | None = None
    """The key's line in the story file (for messages)."""
    language: str = ""
    """The translation's language; its lines are printed in it. Known once assembled."""
    url: str = ""
    """The translation's web address, for an edition it is not in."""
    target: str | None = None
    """Slug of the translation when it is in this edition, else None."""


@dataclass(frozen=True)
class Story:
    slug: str
    headline: str
    section: str
    body_html: str
    """Sanitised, well-formed XHTML fragment."""
    source: Path
    byline: str = ""
    standfirst: str = ""
    published: datetime | None = None
    tags: tuple[str, ...] = ()
    priority: int = 100
    language: str = "en"
    photo: Photo | None = None
    figures: tuple[Photo, ...] = ()
    """Photos inside the body, in order; the body marks where (compiler/figures.py)."""
    related: tuple[Related, ...] = ()
    url: str = ""
    """The story's own web address, if the CMS gave one; related entries may match it."""
    translation: Translation | None = None
    """The same story in another language, when the front matter names one (resolved
    when the edition is assembled; None when it names nothing the edition can link)."""

    @property
    def anchor(self) -> str:
        return f"story-{self.slug}"

    @property
    def photos(self) -> tuple[Photo, ...]:
        """The main photo, then those inside the body."""
        return ((self.photo,) if self.photo else ()) + self.figures

    @property
    def file_name(self) -> str:
        return f"story-{self.slug}.xhtml"


@dataclass(frozen=True)
class Section:
    name: str
    """The newsroom's section key (what stories' ``section`` says): anchors and file
    names come from it, so they are the same in every edition."""
    stories: tuple[Story, ...]
    title: str = ""
    """What readers see (the edition's ``section_names``); the key when not given."""

    def __post_init__(self):
        if not self.title:
            object.__setattr__(self, "title", self.name)

    @property
    def slug(self) -> str:
        return slugify(self.name)

    @property
    def anchor(self) -> str:
        return f"section-{self.slug}"


@dataclass(frozen=True)
class Edition:
    config: EditionConfig
    date: date
    sections: tuple[Section, ...]
    more_stories: tuple[Related, ...]
    """Related headlines of the day that are not in the edition, de-duplicated."""
    lead: Story
    content_root: Path
    timestamp: datetime = field(compare=False, default=None)
    """Build time from SOURCE_DATE_EPOCH (UTC), used in metadata only."""

    @property
    def stories(self) -> tuple[Story, ...]:
        return tuple(story for section in self.sections for story in section.stories)

    @property
    def identifier(self) -> str:
        """Stable id: the same edition and date always get the same one."""
        return f"urn:edition:{self.config.name}:{self.date.isoformat()}"

    def output_name(self, kind: str) -> str:
        return output_name(self.config.name, self.date, kind)

    @property
    def related_in_edition(self) -> tuple[Story, ...]:
        """Stories some other story points at, in edition order, each once."""
        targets = {entry.target for story in self.stories for entry in story.related}
        return tuple(story for story in self.stories if story.slug in targets)

    @property
    def has_more_stories(self) -> bool:
        """Whether the edition has back matter, the "More stories" page: headlines
        elsewhere, or stories of this edition that others point at."""
        return bool(self.more_stories or self.related_in_edition)

    def cover_index(self, size: int = 6, most: int = 10) -> tuple[Story, ...]:
        """The cover's "Also in this edition": every section with stories besides the
        lead has its highest-priority story there, then second stories, in section order
        while there is room for ``size`` (or one per section, up to ``most``, which is
        what the cover holds)."""
        queues = [[s for s in section.stories if s is not self.lead]
                  for section in self.sections]
        room = min(max(size, sum(1 for q in queues if q)), most)
        picked: list[tuple[int, int]] = []
        for depth in range(max((len(q) for q in queues), default=0)):
            for index, queue in enumerate(queues):
                if depth < len(queue) and len(picked) < room:
                    picked.append((index, depth))
        return tuple(queues[i][d] for i, d in sorted(picked))

    def story_by_slug(self, slug: str) -> Story | None:
        return next((s for s in self.stories if s.slug == slug), None)
