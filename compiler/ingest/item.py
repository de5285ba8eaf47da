"""What every reader returns: one story as a source gives it, before any edition rule.

Readers fill ``Item`` from their format and nothing else; choosing a section, a
language, a slug and related headlines is ``prepare``'s job, once for all formats.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from lxml import html as lxml_html


@dataclass(frozen=True)
class Picture:
    url: str
    caption: str = ""
    credit: str = ""
    alt: str = ""


@dataclass(frozen=True)
class Link:
    """A related story the source names: a headline, and where it is."""

    headline: str
    url: str = ""
    teaser: str = ""
    slug: str = ""
    """Set when the story is in the same ingest: an in-edition link."""


@dataclass(frozen=True)
class Item:
    id: str
    """The source's own id (guid, uri, post id): how a re-run recognises the item."""
    title: str = ""
    body_html: str = ""
    """HTML as the source gives it (plain text is turned into paragraphs by the reader)."""
    summary: str = ""
    byline: str = ""
    published: datetime | None = None
    modified: datetime | None = None
    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    language: str = ""
    url: str = ""
    picture: Picture | None = None
    related: tuple[Link, ...] = ()
    priority: int | None = None
    usable: bool = True
    """False when the source marks the item withdrawn (ninjs pubstatus canceled)."""

    @property
    def version(self) -> str:
        """What changes when the source changes the item: its modified time if it has
        one, else a digest of everything read from it."""
        if self.modified is not None:
            return self.modified.astimezone(UTC).isoformat()
        data = json.dumps(asdict(self), default=str, sort_keys=True)
        return "sha256:" + hashlib.sha256(data.encode()).hexdigest()[:32]


def plain(fragment: str | None) -> str:
    """Text of an HTML fragment (a rendered title, an excerpt), whitespace collapsed."""
    if not fragment:
        return ""
    fragment = str(fragment)
    if "<" in fragment:
        try:
            fragment = lxml_html.fragment_fromstring(fragment, create_parent="div").text_content()
        except Exception:  # lxml refuses some fragments (only comments, control characters)
            fragment = re.sub(r"<[^>]*>", " ", fragment)
    return " ".join(html.unescape(fragment).split())


def text_to_html(text: str) -> str:
    """Plain text (ninjs body_text, JSON Feed content_text) as paragraphs, escaped."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n|\r\n|\n", text or "") if p.strip()]
    return "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs)


def parse_time(value) -> datetime | None:
    """ISO 8601 (ninjs, WordPress, JSON Feed) or RFC 822 (RSS); None when unusable.
    A time without a zone is taken as UTC (WordPress's *_gmt fields have none)."""
    if value in (None, ""):
        return None
    text = str(value).strip()
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            moment = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def first_text(*values) -> str:
    for value in values:
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


@dataclass(frozen=True)
class Note:
    """Something a reader or a later step has to say: a catalogue code and the detail."""

    code: str
    detail: str = ""
    item: str = ""
    """The item it is about (its id, or its place in the source); empty: the source."""


def read_objects(entries: list, what: str, make: Callable[[dict, int], Item]
                 ) -> tuple[list[Item], list[Note]]:
    """Each object of a JSON source made an Item by ``make(entry, place)``; anything else
    in the list is noted (I011, "not a <what> object") and the rest still arrive."""
    items, notes = [], []
    for index, entry in enumerate(entries, 1):
        if isinstance(entry, dict):
            items.append(make(entry, index))
        else:
            notes.append(Note("I011", f"not {what} object", f"item {index}"))
    return items, notes
