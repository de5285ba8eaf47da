"""The print pages in the EPUB: a page-list, so "page 7" means the same in both.

The digest prints "page N" (contents, cover index, "See also"), and readers,
teachers and screen-reader users quote it. Every print page gets a marker
``<span epub:type="pagebreak" role="doc-pagebreak" id="page-N">`` in the EPUB, a
link in the nav's ``page-list`` and a ``pageTarget`` in the NCX (older readers).

Where a page starts is known exactly for what starts on it: the cover, the
contents, a section or a story (the PDF's anchors). A page on which nothing
starts continues the story before it; its marker goes into that story at the
same share of its text, at the start of a paragraph, heading or list item, so
it is right to within a paragraph or so, never in another story.

The page numbers exist only once the PDF is laid out, while the EPUB is packed
in parallel; this step works on the packed files (``container.Packed``), the
EPUB's and the KEPUB's alike, in a few milliseconds per book.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from functools import partial

from lxml import etree

from compiler.epub.container import Packed
from compiler.text.labels import labels
from compiler.text.numerals import digits

X = "http://www.w3.org/1999/xhtml"
OPS = "http://www.idpf.org/2007/ops"
NCX = "http://www.daisy.org/z3986/2005/ncx/"
OPF = "http://www.idpf.org/2007/opf"
DC = "http://purl.org/dc/elements/1.1/"
TARGETS = {f"{{{X}}}{tag}" for tag in ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li")}
"""Elements a marker may open: any of them may start with a span."""


@dataclass(frozen=True)
class Marker:
    page: int
    document: str
    share: float
    """Where in the document's text the page starts: 0 at its start."""


def page_markers(places: dict[str, str], anchor_pages: dict[str, int], pages: int
                 ) -> list[Marker]:
    """One marker per print page. ``places``: anchor -> document, in reading order;
    ``anchor_pages``: anchor -> the print page it starts on."""
    starts = [(anchor_pages[a], document) for a, document in places.items()
              if a in anchor_pages]
    markers = []
    for page in range(1, pages + 1):
        starting = [document for start, document in starts if start == page]
        if starting:
            markers.append(Marker(page, starting[0], 0.0))
            continue
        before = [(i, start, document) for i, (start, document) in enumerate(starts)
                  if start < page]
        if not before:
            continue
        index, start, document = before[-1]
        end = next((s for s, _ in starts[index + 1:] if s > start), pages + 1)
        markers.append(Marker(page, document, (page - start) / max(end - start, 1)))
    return markers


def add_page_list(packed: Packed, anchor_pages: dict[str, int], pages: int,
                  source: str, language: str = "en") -> Packed:
    """The book with page markers, the nav's page-list and the NCX's pageList.
    ``source``: what the pages are of (``dc:source``), the print edition. The labels a
    reader sees or hears are in ``language``'s digits, as the print folios are (ids and
    the NCX's ``value`` stay numbers)."""
    markers = page_markers(packed.places, anchor_pages, pages)
    if not markers:
        return packed
    by_document: dict[str, list[Marker]] = {}
    for marker in markers:
        by_document.setdefault(marker.document, []).append(marker)
    number = partial(digits, language=language)
    changed = {name: _marked(packed.files[name], found, number)
               for name, found in by_document.items()}
    folder = posixpath.dirname(packed.package)
    manifest = packed.manifest()
    nav_name = next(name for name, _, properties in manifest if "nav" in properties.split())
    ncx_name = next(name for name, kind, _ in manifest if kind == "application/x-dtbncx+xml")
    targets = [(m.page, posixpath.relpath(m.document, folder) + f"#page-{m.page}")
               for m in markers]
    changed[nav_name] = _nav_page_list(packed.files[nav_name], targets, folder, nav_name, number)
    changed[ncx_name] = _ncx_page_list(packed.files[ncx_name], targets, pages,
                                       [posixpath.relpath(name, folder)
                                        for name in packed.spine()], number,
                                       labels(language).page_list)
    changed[packed.package] = _package_pages(packed.files[packed.package], source)
    return packed.with_files(changed)


def _marked(xhtml: bytes, markers: list[Marker], number=str) -> bytes:
    root = etree.fromstring(xhtml)
    body = root.find(f"{{{X}}}body")
    candidates = [e for e in body.iter(*TARGETS)
                  if not any(a.tag in TARGETS for a in e.iterancestors())]
    lengths = [len("".join(e.itertext())) for e in candidates]
    total = sum(lengths) or 1
    last: dict = {}  # element -> the marker last put at its start (pages in order)
    for marker in markers:
        place = _first_element(body)
        done = 0
        for element, length in zip(candidates, lengths, strict=True):
            place = element
            if done + length / 2 >= marker.share * total:
                break
            done += length
        span = etree.Element(f"{{{X}}}span", {f"{{{OPS}}}type": "pagebreak",
                                               "role": "doc-pagebreak",
                                               "id": f"page-{marker.page}",
                                               "aria-label": number(marker.page)})
        if (before := last.get(place)) is not None:
            span.tail, before.tail = before.tail, None
            place.insert(place.index(before) + 1, span)
        else:
            span.tail, place.text = place.text, None
            place.insert(0, span)
        last[place] = span
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


CONTAINERS = {f"{{{X}}}{tag}" for tag in ("div", "section", "article", "header", "main")}


def _first_element(body):
    """Where a page with no paragraph goes (the cover): the innermost of the body's
    leading containers (inside the KEPUB's book-columns and book-inner too)."""
    element = body
    while len(element) and element[0].tag in CONTAINERS:
        element = element[0]
    return element


def _nav_page_list(nav: bytes, targets, folder: str, nav_name: str, number=str) -> bytes:
    root = etree.fromstring(nav)
    body = root.find(f"{{{X}}}body")
    page_list = etree.SubElement(body, f"{{{X}}}nav", {f"{{{OPS}}}type": "page-list",
                                                       "hidden": "hidden"})
    listing = etree.SubElement(page_list, f"{{{X}}}ol")
    nav_folder = posixpath.dirname(nav_name)
    for page, href in targets:
        link = etree.SubElement(etree.SubElement(listing, f"{{{X}}}li"), f"{{{X}}}a",
                                href=posixpath.relpath(posixpath.join(folder, href), nav_folder))
        link.text = number(page)
    etree.indent(page_list, level=2)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def _ncx_page_list(ncx: bytes, targets, pages: int, spine: list[str], number=str,
                   title: str = "Pages") -> bytes:
    """The pageList, and every playOrder renumbered in reading order: EPUBCheck wants one
    sequence over navPoints and pageTargets, the same number only for the same target."""
    root = etree.fromstring(ncx)
    for meta in root.iter(f"{{{NCX}}}meta"):
        if meta.get("name") in ("dtb:totalPageCount", "dtb:maxPageNumber"):
            meta.set("content", str(pages))
    page_list = etree.SubElement(root, f"{{{NCX}}}pageList")
    label = etree.SubElement(etree.SubElement(page_list, f"{{{NCX}}}navLabel"), f"{{{NCX}}}text")
    label.text = title
    for page, href in targets:
        target = etree.SubElement(page_list, f"{{{NCX}}}pageTarget",
                                  id=f"page-{page}", type="normal", value=str(page))
        text = etree.SubElement(etree.SubElement(target, f"{{{NCX}}}navLabel"), f"{{{NCX}}}text")
        text.text = number(page)
        etree.SubElement(target, f"{{{NCX}}}content", src=href)
    points = [p for p in root.iter(f"{{{NCX}}}navPoint", f"{{{NCX}}}pageTarget")]

    def position(point) -> tuple:
        src = point.find(f"{{{NCX}}}content").get("src")
        document, _, fragment = src.partition("#")
        page = int(fragment.removeprefix("page-")) if fragment.startswith("page-") else 0
        where = spine.index(document) if document in spine else len(spine)
        return where, page, src

    order: dict[str, int] = {}
    for point in sorted(points, key=position):
        src = point.find(f"{{{NCX}}}content").get("src")
        order.setdefault(src, len(order) + 1)
        point.set("playOrder", str(order[src]))
    etree.indent(root)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def _package_pages(opf: bytes, source: str) -> bytes:
    """Accessibility metadata for the page list: page navigation and markers, and the
    source whose pages they are (``dc:source``, and EPUB Accessibility 1.1's
    ``pageBreakSource``, which Ace asks for once a page-list exists)."""
    root = etree.fromstring(opf)
    metadata = root.find(f"{{{OPF}}}metadata")
    etree.SubElement(metadata, f"{{{DC}}}source").text = source
    etree.SubElement(metadata, f"{{{OPF}}}meta", property="pageBreakSource").text = source
    for feature in ("pageNavigation", "pageBreakMarkers"):
        etree.SubElement(metadata, f"{{{OPF}}}meta",
                         property="schema:accessibilityFeature").text = feature
    etree.indent(root)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")
