"""RSS 2.0, Atom and Drupal's RSS -> Items, through feedparser.

feedparser reads RSS 0.9x-2.0, RSS 1.0 and Atom, lenient where real feeds are
sloppy, and tells (``bozo``) when it had to be. It is given bytes, never a URL
or a file name, so it opens nothing itself; ``sources`` has already refused any
XML that declares entities. Drupal's RSS is RSS 2.0 with ``xml:base``, a body in
``description`` and ``guid``s like ``123 at https://site/``; its photos are in the
body, which ``prepare`` promotes to the main photo.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime

import feedparser

from compiler.ingest.item import Item, Link, Note, Picture, first_text, plain, text_to_html

_HTML_TYPES = ("text/html", "application/xhtml+xml", "html", "xhtml")


def read(data: bytes, url: str) -> tuple[list[Item], list[Note]]:
    parsed = feedparser.parse(io.BytesIO(data), response_headers={"content-location": url,
                                                                 "content-type": "application/xml"},
                              sanitize_html=False, resolve_relative_uris=True)
    notes = []
    if parsed.get("bozo") and not isinstance(parsed.get("bozo_exception"),
                                             (feedparser.CharacterEncodingOverride,
                                              feedparser.NonXMLContentType)):
        notes.append(Note("I013", _fault(parsed.bozo_exception)))
    if not parsed.get("version") and not parsed.entries:
        return [], notes + [Note("I011", "XML that is not RSS or Atom")]
    channel = parsed.get("feed", {})
    language = first_text(channel.get("language"),
                          (channel.get("title_detail") or {}).get("language"))
    author = first_text((channel.get("author_detail") or {}).get("name"), channel.get("author"))
    items = [_item(entry, index, language, author)
             for index, entry in enumerate(parsed.entries, 1)]
    return items, notes


def _fault(exc) -> str:
    line = getattr(exc, "getLineNumber", lambda: None)()
    text = getattr(exc, "getMessage", lambda: str(exc))()
    return f"line {line}: {text}" if line else str(text)


def _item(entry, index: int, channel_language: str, channel_author: str) -> Item:
    """An Atom entry without an author has the feed's (RFC 4287 4.2.1)."""
    body, body_language = _body(entry)
    summary = entry.get("summary", "") if body else ""
    if not body:  # RSS without content:encoded: the description is the story
        body = _as_html(entry.get("summary_detail") or {}, entry.get("summary", ""))
    tags = tuple(t for t in (first_text(tag.get("label"), tag.get("term"))
                             for tag in entry.get("tags") or []) if t)
    return Item(
        id=first_text(entry.get("id"), entry.get("link")) or f"item-{index}",
        title=plain(entry.get("title")),
        body_html=body,
        summary=plain(summary) if plain(summary) != plain(body) else "",
        byline=_byline(entry) or channel_author,
        published=_time(entry.get("published_parsed")) or _time(entry.get("updated_parsed")),
        modified=_time(entry.get("updated_parsed")),
        categories=tags,
        language=first_text(body_language, entry.get("language"),
                            (entry.get("title_detail") or {}).get("language"), channel_language),
        url=first_text(entry.get("link")),
        picture=_picture(entry),
        related=tuple(Link(plain(link.get("title")), link.get("href", ""))
                      for link in entry.get("links") or []
                      if link.get("rel") == "related" and plain(link.get("title"))),
    )


def _body(entry) -> tuple[str, str]:
    contents = entry.get("content") or []
    chosen = next((c for c in contents if c.get("type") in _HTML_TYPES), None)
    chosen = chosen or (contents[0] if contents else None)
    if chosen is None or not (chosen.get("value") or "").strip():
        return "", ""
    return _as_html(chosen, chosen.get("value", "")), chosen.get("language") or ""


def _as_html(detail, value: str) -> str:
    if detail.get("type") == "text/plain":
        return text_to_html(value)
    return value or ""


def _byline(entry) -> str:
    names = [first_text(a.get("name"), a.get("email")) for a in entry.get("authors") or []]
    names = [n for n in names if n] or [first_text(entry.get("author"))]
    names = [n for n in names if n]
    return " and ".join(dict.fromkeys(names))


def _time(value) -> datetime | None:
    if not value:
        return None
    return datetime(*value[:6], tzinfo=UTC)


def _picture(entry) -> Picture | None:
    """The largest image of media:content, else an image enclosure, else a thumbnail."""
    candidates = []
    for media in entry.get("media_content") or []:
        kind = (media.get("type") or "").lower()
        if media.get("url") and (media.get("medium") == "image" or kind.startswith("image/")
                                 or (not kind and not media.get("medium"))):
            candidates.append((int(media.get("width") or 0), media["url"]))
    for link in entry.get("enclosures") or []:
        if (link.get("type") or "").lower().startswith("image/") and link.get("href"):
            candidates.append((0, link["href"]))
    for thumb in entry.get("media_thumbnail") or []:
        if thumb.get("url"):
            candidates.append((-1, thumb["url"]))
    if not candidates:
        return None
    url = max(candidates, key=lambda c: c[0])[1]
    credits = entry.get("media_credit") or []
    credit = first_text(*(c.get("content") for c in credits if isinstance(c, dict)))
    caption = plain(first_text(entry.get("media_description"), entry.get("media_title")))
    return Picture(url=url, caption=caption, credit=credit)
