"""WordPress REST posts (``/wp-json/wp/v2/posts?_embed``) -> Items.

WordPress renders titles and excerpts as HTML with entities (``&#8217;``), gives
times in the site's zone and, in ``*_gmt``, in UTC without a zone, and puts the
author, the terms and the featured image under ``_embedded`` only when asked
with ``?_embed``. Jetpack adds ``jetpack-related-posts`` to each post.
"""

from __future__ import annotations

import re

from compiler.ingest.item import (
    Item,
    Link,
    Note,
    Picture,
    first_text,
    parse_time,
    plain,
    read_objects,
)

_MORE = re.compile(r"\s*(\[(…|&hellip;|\.\.\.)\]|Continue reading.*|Read more.*)\s*$",
                   re.IGNORECASE)


def read(document, url: str) -> tuple[list[Item], list[Note]]:
    posts = document if isinstance(document, list) else [document]
    return read_objects(posts, "a post", _item)


def _rendered(value) -> str:
    return value.get("rendered", "") if isinstance(value, dict) else str(value or "")


def _item(post: dict, index: int) -> Item:
    embedded = post.get("_embedded") if isinstance(post.get("_embedded"), dict) else {}
    categories, tags = _terms(embedded.get("wp:term"))
    authors = [plain(a.get("name")) for a in embedded.get("author") or []
               if isinstance(a, dict) and a.get("name")]
    status = post.get("status", "publish")
    return Item(
        id=first_text(_rendered(post.get("guid")), post.get("link"),
                      str(post.get("id") or "")) or f"post-{index}",
        title=plain(_rendered(post.get("title"))),
        body_html=_rendered(post.get("content")),
        summary=_MORE.sub("", plain(_rendered(post.get("excerpt")))),
        byline=" and ".join(authors),
        published=parse_time(post.get("date_gmt")) or parse_time(post.get("date")),
        modified=parse_time(post.get("modified_gmt")) or parse_time(post.get("modified")),
        categories=categories,
        tags=tags,
        url=first_text(post.get("link")),
        picture=_featured(embedded.get("wp:featuredmedia")),
        related=_related(post.get("jetpack-related-posts")),
        priority=1 if post.get("sticky") is True else None,
        usable=status in ("publish", None),
    )


def _terms(groups) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``wp:term`` is a list per taxonomy: categories place the story, tags relate it."""
    categories, tags = [], []
    for group in groups or []:
        for term in group if isinstance(group, list) else []:
            if not isinstance(term, dict) or not term.get("name"):
                continue
            if term.get("taxonomy") == "category":
                categories.append(plain(term["name"]))
            elif term.get("taxonomy") == "post_tag":
                tags.append(plain(term["name"]))
    return tuple(dict.fromkeys(categories)), tuple(dict.fromkeys(tags))


def _featured(media) -> Picture | None:
    if not media or not isinstance(media[0], dict) or not media[0].get("source_url"):
        return None  # absent, or an error object ("rest_forbidden") in its place
    first = media[0]
    meta = (first.get("media_details") or {}).get("image_meta") or {}
    return Picture(url=first["source_url"], caption=plain(_rendered(first.get("caption"))),
                   credit=plain(meta.get("credit") or ""), alt=plain(first.get("alt_text")))


def _related(entries) -> tuple[Link, ...]:
    links = []
    for entry in entries or []:
        if isinstance(entry, dict) and plain(entry.get("title")):
            links.append(Link(plain(entry["title"]), str(entry.get("url") or ""),
                              _MORE.sub("", plain(entry.get("excerpt")))))
    return tuple(links)
