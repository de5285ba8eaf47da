"""JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1) -> Items.

1.1 replaced ``author`` with ``authors`` and added ``language`` to the feed and
to each item; both versions are read.
"""

from __future__ import annotations

from compiler.ingest.item import (
    Item,
    Note,
    Picture,
    first_text,
    parse_time,
    plain,
    read_objects,
    text_to_html,
)


def read(document, url: str) -> tuple[list[Item], list[Note]]:
    if not isinstance(document, dict) or not isinstance(document.get("items"), list):
        return [], [Note("I011", "JSON Feed without an items list")]
    language = first_text(document.get("language"))
    feed_authors = _authors(document)

    def item(entry: dict, index: int) -> Item:
        return Item(
            id=first_text(str(entry.get("id") or ""), entry.get("url")) or f"item-{index}",
            title=plain(entry.get("title")),
            body_html=first_text(entry.get("content_html"))
            or text_to_html(first_text(entry.get("content_text"))),
            summary=plain(entry.get("summary")),
            byline=_authors(entry) or feed_authors,
            published=parse_time(entry.get("date_published")),
            modified=parse_time(entry.get("date_modified")),
            categories=tuple(plain(t) for t in entry.get("tags") or []
                             if isinstance(t, str) and t.strip()),
            language=first_text(entry.get("language"), language),
            url=first_text(entry.get("url"), entry.get("external_url")),
            picture=_picture(entry),
        )

    return read_objects(document["items"], "an item", item)


def _authors(entry: dict) -> str:
    authors = entry.get("authors") if isinstance(entry.get("authors"), list) else \
        [entry.get("author")]
    names = [plain(a.get("name")) for a in authors if isinstance(a, dict) and a.get("name")]
    return " and ".join(names)


def _picture(entry: dict) -> Picture | None:
    url = first_text(entry.get("image"), entry.get("banner_image"))
    for attachment in entry.get("attachments") or []:
        if url:
            break
        if isinstance(attachment, dict) and str(attachment.get("mime_type", "")).startswith(
                "image/"):
            url = first_text(attachment.get("url"))
            if url:
                return Picture(url=url, caption=plain(attachment.get("title")))
    return Picture(url=url) if url else None
