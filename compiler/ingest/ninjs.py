"""IPTC ninjs 1.x, 2.x and 3.x -> Items.

The versions name the same things differently:

- 1.x: ``headline``, ``body_xhtml``/``body_html``/``body_text``, ``byline``,
  ``description_text``/``description_html``, ``versioncreated``, ``subject``,
  ``associations`` as an object keyed by name, ``renditions`` as an object;
- 2.x: ``headlines``/``bodies``/``descriptions`` as lists with a ``role``,
  ``by``, ``subjects``, ``associations`` and ``renditions`` as lists;
- 3.x: 2.x in camelCase (``versionCreated``, ``contentType``, ``pubStatus``).

Keys are looked up case-insensitively and without underscores, so one reader
serves the three. A picture association becomes the main photo; a text one a
related headline.
"""

from __future__ import annotations

from compiler.ingest.item import (
    Item,
    Link,
    Note,
    Picture,
    first_text,
    parse_time,
    plain,
    read_objects,
    text_to_html,
)

PRINT_LONG_SIDE = 2400
"""The rendition closest above this (else the largest) is fetched: the print copy's size."""
_STORY_TYPES = {"text", "composite", "", None}
_WITHDRAWN = {"canceled", "cancelled", "withheld"}


def read(document, url: str) -> tuple[list[Item], list[Note]]:
    entries = document if isinstance(document, list) else [document]
    return read_objects(entries, "a ninjs", lambda entry, index: _item(_Keys(entry), index))


class _Keys:
    """A ninjs object read by normalised key: ``versionCreated`` == ``versioncreated``."""

    def __init__(self, raw: dict):
        self.raw = raw
        self.keys = {k.replace("_", "").lower(): k for k in raw}

    def get(self, name: str, default=None):
        key = self.keys.get(name.replace("_", "").lower())
        return self.raw[key] if key is not None else default


def _item(entry: _Keys, index: int) -> Item:
    kind = entry.get("type")
    usable = kind in _STORY_TYPES and str(entry.get("pubstatus") or "").lower() not in _WITHDRAWN
    version = first_text(str(entry.get("version") or ""))
    return Item(
        id=first_text(entry.get("uri"), entry.get("guid")) or f"item-{index}",
        title=plain(_headline(entry)),
        body_html=_body(entry) if kind in _STORY_TYPES else "",
        summary=plain(_description(entry)),
        byline=plain(first_text(entry.get("byline"), _by(entry.get("by")))),
        published=parse_time(entry.get("firstcreated")) or parse_time(entry.get("versioncreated")),
        modified=_modified(entry.get("versioncreated"), version),
        categories=_names(entry.get("subject")) + _names(entry.get("subjects"))
        + _names(entry.get("genre")) + _names(entry.get("genres")),
        language=first_text(entry.get("language")),
        picture=_picture(entry.get("associations")),
        related=_related(entry.get("associations")),
        priority=entry.get("urgency") if isinstance(entry.get("urgency"), int) else None,
        usable=usable,
    )


def _modified(versioncreated, version: str):
    moment = parse_time(versioncreated)
    return moment.replace(microsecond=int(version)) if moment and version.isdigit() \
        and int(version) < 10**6 else moment


def _headline(entry: _Keys) -> str:
    headlines = entry.get("headlines")
    if isinstance(headlines, list):
        main = [h for h in headlines if isinstance(h, dict) and h.get("value")]
        chosen = next((h for h in main if h.get("role") in ("main", None)), main[0] if main
                      else {})
        return chosen.get("value", "")
    extended = [v for k, v in entry.raw.items() if k.lower().startswith("headline_")]
    return first_text(entry.get("headline"), entry.get("headline_main"), *extended)


def _body(entry: _Keys) -> str:
    bodies = entry.get("bodies")
    if isinstance(bodies, list):
        found = [_Keys(b) for b in bodies if isinstance(b, dict) and b.get("value")]
        for body in found:
            if "html" in str(body.get("contenttype") or body.get("role") or ""):
                return str(body.get("value"))
        return text_to_html(str(found[0].get("value"))) if found else ""
    # 1.x, and its extensions since 1.3: body_<role> (body_richtext, body_main)
    html = first_text(entry.get("body_xhtml"), entry.get("body_html"),
                      entry.get("body_richtext"))
    extended = [v for k, v in entry.raw.items() if k.lower().startswith("body_")]
    return html or text_to_html(first_text(entry.get("body_text"), *extended))


def _description(entry: _Keys) -> str:
    descriptions = entry.get("descriptions")
    if isinstance(descriptions, list):
        texts = [d.get("value") for d in descriptions if isinstance(d, dict)
                 and d.get("role") in ("text", "summary", "main", None)]
        return first_text(*texts)
    return first_text(entry.get("description_text"), entry.get("description_html"))


def _by(value) -> str:
    if isinstance(value, list):  # 2.x allows a list of names
        return " and ".join(str(v) for v in value if v)
    return str(value or "")


def _names(values) -> tuple[str, ...]:
    if not isinstance(values, list):
        return ()
    return tuple(plain(first_text(v.get("name"), v.get("literal"))) for v in values
                 if isinstance(v, dict) and first_text(v.get("name"), v.get("literal")))


def _associations(value) -> list[tuple[str, _Keys]]:
    if isinstance(value, dict):  # 1.x: keyed by name
        return [(name, _Keys(v)) for name, v in value.items() if isinstance(v, dict)]
    if isinstance(value, list):
        return [(str(v.get("name") or ""), _Keys(v)) for v in value if isinstance(v, dict)]
    return []


def _picture(associations) -> Picture | None:
    for _name, association in _associations(associations):
        if association.get("type") not in ("picture", "graphic"):
            continue
        url = _rendition(association.get("renditions"))
        if url:
            return Picture(url=url, caption=plain(_description(association)),
                           credit=plain(first_text(association.get("byline"),
                                                   _by(association.get("by")))),
                           alt=plain(first_text(association.get("alttext"),
                                                association.get("bodytext"))))
    return None


def _rendition(renditions) -> str:
    """The rendition closest above print size, else the largest; images only."""
    if isinstance(renditions, dict):
        renditions = list(renditions.values())
    found = []
    for rendition in renditions or []:
        if not isinstance(rendition, dict) or not rendition.get("href"):
            continue
        keyed = _Keys(rendition)
        kind = str(keyed.get("contenttype") or keyed.get("mimetype") or "image/")
        if not kind.startswith("image/"):
            continue
        side = max(int(keyed.get("width") or 0), int(keyed.get("height") or 0))
        found.append((side, rendition["href"]))
    if not found:
        return ""
    above = [r for r in found if r[0] >= PRINT_LONG_SIDE]
    return (min(above) if above else max(found))[1]


def _related(associations) -> tuple[Link, ...]:
    links = []
    for _name, association in _associations(associations):
        if association.get("type") in ("text", "composite") and _headline(association):
            links.append(Link(plain(_headline(association)),
                              first_text(association.get("uri")) if str(
                                  association.get("uri") or "").startswith("http") else "",
                              plain(_description(association))))
    return tuple(links)
