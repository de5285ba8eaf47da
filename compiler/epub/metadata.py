"""What devices read from the package besides the text: series, Apple's display
options, languages, the NCX depth and the landmarks.

ebooklib writes the package, the nav and the NCX; what it cannot say is set here
on its output, each fix with the reader that needs it:

- series (``belongs-to-collection`` for EPUB 3 readers and Apple Books, calibre's
  ``calibre:series`` for calibre, Kobo and KOReader): daily issues group as one
  series ordered by date, the position being the date as ``YYYYMMDD``;
- ``META-INF/com.apple.ibooks.display-options.xml`` with ``specified-fonts``: Apple
  Books otherwise sets the text in its own fonts, which have no Khmer it likes;
- ``xml:lang`` on ``<package>`` (Ace and readers choose voices and fonts by it);
- the NCX's ``dtb:depth`` (ebooklib always writes 0): the depth of its navMap;
- a Khmer headline's link in the nav carries ``lang="km"``.
"""

from __future__ import annotations

from ebooklib import epub
from lxml import etree

from compiler.model import Edition

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
NCX = "{http://www.daisy.org/z3986/2005/ncx/}"
XHTML = "{http://www.w3.org/1999/xhtml}"
APPLE_OPTIONS_NAME = "META-INF/com.apple.ibooks.display-options.xml"
APPLE_OPTIONS = (
    b'<?xml version="1.0" encoding="utf-8"?>\n'
    b"<display_options>\n"
    b'  <platform name="*">\n'
    b'    <option name="specified-fonts">true</option>\n'
    b"  </platform>\n"
    b"</display_options>\n"
)


def series_position(edition: Edition) -> str:
    """The issue's place in its series: its date as a number, so issues sort by day."""
    return edition.date.strftime("%Y%m%d")


def add_series(book: epub.EpubBook, edition: Edition) -> None:
    """One series per edition definition, named by its masthead."""
    title = edition.config.title
    position = series_position(edition)
    book.add_metadata(None, "meta", title, {"property": "belongs-to-collection", "id": "series"})
    book.add_metadata(None, "meta", "series", {"refines": "#series",
                                               "property": "collection-type"})
    book.add_metadata(None, "meta", position, {"refines": "#series",
                                               "property": "group-position"})
    book.add_metadata(None, "meta", "", {"name": "calibre:series", "content": title})
    book.add_metadata(None, "meta", "", {"name": "calibre:series_index", "content": position})


def package_language(opf: bytes, language: str) -> bytes:
    """ebooklib cannot set xml:lang on <package>; readers and Ace need it."""
    root = etree.fromstring(opf)
    root.set(XML_LANG, language)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def nav_languages(nav: bytes, edition: Edition) -> bytes:
    """Each story link in the nav carries its story's language (Khmer in an English book)."""
    root = etree.fromstring(nav)
    languages = {story.file_name: story.language for story in edition.stories}
    for link in root.iter(f"{XHTML}a"):
        language = languages.get(link.get("href", ""))
        if language and language != edition.config.language:
            link.set("lang", language)
            link.set(XML_LANG, language)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def ncx_depth(ncx: bytes) -> bytes:
    """``dtb:depth`` is the navMap's nesting: 2 for sections holding stories."""
    root = etree.fromstring(ncx)
    nav_map = root.find(f"{NCX}navMap")

    def depth(point) -> int:
        return 1 + max((depth(child) for child in point.findall(f"{NCX}navPoint")), default=0)

    deepest = max((depth(p) for p in nav_map.findall(f"{NCX}navPoint")), default=0)
    for meta in root.iter(f"{NCX}meta"):
        if meta.get("name") == "dtb:depth":
            meta.set("content", str(deepest))
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")
