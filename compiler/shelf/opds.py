"""The OPDS 1.2 catalogue, so e-reader apps can subscribe to the shelf.

One acquisition feed per edition (``PUBLIC/<edition>/opds.xml``) lists its
issues newest first, each with cover, thumbnail and EPUB, PDF and Kobo KEPUB
(``application/kepub+zip``) downloads. The
root ``PUBLIC/opds.xml`` is that same acquisition feed when the shelf holds one
edition, and a navigation feed pointing at each edition's feed when it holds
several. Links are relative to the feed's own URL, so the shelf works under any
host and path prefix.

Every entry satisfies RFC 4287 §4.1.2, which wants ``atom:content`` or a
``rel="alternate"`` link in each entry. The shelf has no page per day (the
edition page lists every day, with no anchor for one), so an issue's entry
carries ``content`` of type text describing that day instead of an alternate
link; an edition's entry in the navigation feed describes its newest issue.
Issues of the same date in another language (the daily and its Khmer sister)
link each other: ``rel="alternate"`` with ``hreflang``, typed as the counterpart's
acquisition (its EPUB, else its PDF), so an app can offer the other language.
Every entry, in both kinds of feed, carries ``dc:language``.
The output is a pure function of the issue records: the same records give the
same bytes.
"""

from __future__ import annotations

from lxml import etree

from compiler.shelf.issue import Issue, counterpart_issues
from compiler.shelf.paths import DELIVERABLES, FEED_FILE, MEDIA_TYPES, PAGE_FILE, day_href, href
from compiler.text.dates import long_date

ATOM = "http://www.w3.org/2005/Atom"
OPDS = "http://opds-spec.org/2010/catalog"
DCTERMS = "http://purl.org/dc/terms/"
NSMAP = {None: ATOM, "opds": OPDS, "dc": DCTERMS}
ACQUISITION = "application/atom+xml;profile=opds-catalog;kind=acquisition"
NAVIGATION = "application/atom+xml;profile=opds-catalog;kind=navigation"
REL_IMAGE = "http://opds-spec.org/image"
REL_THUMBNAIL = "http://opds-spec.org/image/thumbnail"
REL_ACQUISITION = "http://opds-spec.org/acquisition"
SUMMARY_HEADLINES = 4
TITLES = {"kepub": "Kobo KEPUB"}
"""An acquisition link's title, when not the kind in capitals (PDF, EPUB)."""
ROOT_ID = "urn:edition:shelf:catalog"


def edition_feed_id(edition: str) -> str:
    return f"urn:edition:{edition}:catalog"


def _el(parent, tag: str, text: str | None = None, ns: str = ATOM, **attrs):
    node = etree.SubElement(parent, f"{{{ns}}}{tag}", {k: v for k, v in attrs.items() if v})
    if text is not None:
        node.text = text
    return node


def _link(parent, rel: str, target: str, media_type: str, **attrs) -> None:
    _el(parent, "link", rel=rel, href=target, type=media_type, **attrs)


def _feed(feed_id: str, title: str, updated: str, author: str) -> etree._Element:
    feed = etree.Element(f"{{{ATOM}}}feed", nsmap=NSMAP)
    _el(feed, "id", feed_id)
    _el(feed, "title", title)
    _el(feed, "updated", updated)
    if author:
        _el(_el(feed, "author"), "name", author)
    return feed


def summary(issue: Issue) -> str:
    """The lead headline and the next few: what a reader sees under the title."""
    return " · ".join(headline.text for headline in issue.headlines[:SUMMARY_HEADLINES])


def description(issue: Issue) -> str:
    """The entry's content: the day, how much is in it and its sections.

    Not the headlines again: OPDS 1.2 §5.1.3 asks that summary and content not repeat
    each other, and the summary already names the lead and the next three stories.
    """
    parts = [long_date(issue.date, issue.language)]
    for count, one, many in ((issue.stories, "story", "stories"), (issue.pages, "page", "pages")):
        if count:
            parts.append(f"{count} {one if count == 1 else many}")
    if issue.sections:
        parts.append(", ".join(issue.sections))
    return " · ".join(parts)


def acquisition_feed(issues: list[Issue], prefix: str, feed_id: str, start: tuple[str, str],
                     up: tuple[str, str] | None, fallback_updated: str,
                     same_day: dict | None = None) -> bytes:
    """Issues (newest first) of one edition; ``prefix`` leads from the feed to the edition.

    ``start`` and ``up`` are (href, type) of the root catalogue, as seen from this feed.
    ``same_day``: every edition's issues by date and edition name, for the links between
    editions of the same date.
    """
    first = issues[0] if issues else None
    title = first.edition_title if first else "Editions"
    updated = max((i.updated for i in issues), default=fallback_updated)
    feed = _feed(feed_id, title, updated, first.publisher or first.author if first else "")
    if first and first.tagline:
        _el(feed, "subtitle", first.tagline)
    _link(feed, "self", FEED_FILE, ACQUISITION)
    _link(feed, "start", *start)
    if up:
        _link(feed, "up", *up)
    _link(feed, "alternate", href(prefix, PAGE_FILE) if prefix else PAGE_FILE, "text/html")
    root = ".." if not prefix else ""
    for issue in issues:
        _entry(feed, issue, prefix)
        for name, other in counterpart_issues(issue, (same_day or {}).get(issue.date, {})):
            _alternate(feed[-1], other, href(root, name))
    return _serialise(feed)


def _alternate(entry, other: Issue, prefix: str) -> None:
    """The same date in another edition's language, as that issue's book."""
    kind = next((k for k in sorted(DELIVERABLES, key=lambda k: k != "epub")
                 if k in other.files), None)
    if kind is not None:
        _link(entry, "alternate", day_href(prefix, other.date, other.files[kind].file),
              MEDIA_TYPES[kind], hreflang=other.language, title=other.title)


def _entry(feed, issue: Issue, prefix: str) -> None:
    entry = _el(feed, "entry")
    _el(entry, "title", issue.title)
    _el(entry, "id", issue.identifier)
    _el(entry, "updated", issue.updated)
    if issue.published:
        _el(entry, "published", issue.published)
    _el(_el(entry, "author"), "name", issue.author or issue.publisher or issue.edition_title)
    _el(entry, "issued", issue.date.isoformat(), ns=DCTERMS)
    _el(entry, "language", issue.language, ns=DCTERMS)
    if issue.publisher:
        _el(entry, "publisher", issue.publisher, ns=DCTERMS)
    for section in issue.sections:
        _el(entry, "category", term=section, label=section)
    if issue.headlines:
        _el(entry, "summary", summary(issue), type="text")
    _el(entry, "content", description(issue), type="text")  # RFC 4287 §4.1.2: no page per day
    for kind, rel in (("cover", REL_IMAGE), ("thumbnail", REL_THUMBNAIL)):
        if kind in issue.files:
            _link(entry, rel, day_href(prefix, issue.date, issue.files[kind].file),
                  MEDIA_TYPES[kind])
    for kind in sorted(DELIVERABLES, key=lambda k: k != "epub"):  # e-readers take the first
        if kind in issue.files:
            item = issue.files[kind]
            _link(entry, REL_ACQUISITION, day_href(prefix, issue.date, item.file),
                  MEDIA_TYPES[kind], length=str(item.bytes),
                  title=TITLES.get(kind, kind.upper()))


def navigation_feed(editions: dict[str, list[Issue]], fallback_updated: str) -> bytes:
    """The root when the shelf holds several editions: one entry per edition feed."""
    updated = max((i.updated for issues in editions.values() for i in issues),
                  default=fallback_updated)
    publishers = dict.fromkeys(i[0].publisher or i[0].author for i in editions.values())
    feed = _feed(ROOT_ID, "Editions", updated, ", ".join(p for p in publishers if p) or "Editions")
    for rel in ("self", "start"):
        _link(feed, rel, FEED_FILE, NAVIGATION)
    _link(feed, "alternate", PAGE_FILE, "text/html")
    for name, issues in editions.items():
        newest = issues[0]
        entry = _el(feed, "entry")
        _el(entry, "title", newest.edition_title)
        _el(entry, "id", edition_feed_id(name))
        _el(entry, "updated", max(i.updated for i in issues))
        _el(entry, "language", newest.language, ns=DCTERMS)
        _el(entry, "content", f"Newest: {newest.title}. {summary(newest)}".strip(), type="text")
        _link(entry, "subsection", href(name, FEED_FILE), ACQUISITION, hreflang=newest.language)
        if "thumbnail" in newest.files:
            _link(entry, REL_THUMBNAIL, day_href(name, newest.date, newest.files["thumbnail"].file),
                  MEDIA_TYPES["thumbnail"])
    return _serialise(feed)


def _serialise(feed: etree._Element) -> bytes:
    return etree.tostring(feed, xml_declaration=True, encoding="utf-8", pretty_print=True)
