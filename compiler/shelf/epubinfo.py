"""The two things the shelf still takes from the built EPUB, and why.

Every fact about the edition (lead, headlines, sections, counts) comes from the
build's report (``report.py``); nothing here guesses them back. The report does
not carry these two, so they are read from the EPUB, narrowly:

- the cover picture: drawn by the EPUB stage and stored only inside the EPUB;
  the shelf publishes it, and a thumbnail of it for pages and e-reader grids.
- the book's identity in its package document (``dc:identifier``, ``dc:title``,
  ``dc:creator``, ``dc:language``, ``dc:date``): what an e-reader shows once the
  file is downloaded. The catalogue entry repeats it, so the feed and the book
  agree, and ``dc:date`` is checked against the date being published.

Nothing else in the EPUB (navigation, description, subjects) is read.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass, field

from lxml import etree
from PIL import Image

NS = {
    "c": "urn:oasis:names:tc:opendocument:xmlns:container",
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
}
THUMBNAIL_WIDTH = 300
THUMBNAIL_QUALITY = 82
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


class EpubProblem(ValueError):
    """The file is not an EPUB the shelf can list; the message says what is missing."""


@dataclass(frozen=True)
class EpubBook:
    """The identity the EPUB gives itself, and its cover picture."""

    identifier: str
    title: str
    language: str = ""
    author: str = ""
    issued: str = ""
    """The ``dc:date`` the build wrote: the edition's date, YYYY-MM-DD."""
    cover: bytes = field(default=b"", repr=False)
    """The manifest's ``cover-image``; empty when the package names none."""


def read_epub(data: bytes) -> EpubBook:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise EpubProblem("not a zip archive, so not an EPUB") from exc
    with archive:
        opf_path = _rootfile(archive)
        opf = _xml(archive, opf_path)
        meta = opf.find("opf:metadata", NS)
        if meta is None:
            raise EpubProblem(f"{opf_path} has no <metadata>")

        def text(tag: str) -> str:
            node = meta.find(tag, NS)
            return (node.text or "").strip() if node is not None else ""

        identifier, title = text("dc:identifier"), text("dc:title")
        if not identifier or not title:
            raise EpubProblem(f"{opf_path} lacks dc:identifier or dc:title")
        cover_href = _manifest_href(opf, "cover-image")
        cover_path = _join(posixpath.dirname(opf_path), cover_href) if cover_href else None
        if cover_path is not None and cover_path not in archive.namelist():
            raise EpubProblem(f"{opf_path} names the cover image {cover_href}, "
                              "which is not in the EPUB")
        return EpubBook(
            identifier=identifier,
            title=title,
            language=text("dc:language"),
            author=text("dc:creator"),
            issued=text("dc:date")[:10],
            cover=archive.read(cover_path) if cover_path else b"",
        )


def _rootfile(archive: zipfile.ZipFile) -> str:
    try:
        container = _xml(archive, "META-INF/container.xml")
    except EpubProblem:
        raise EpubProblem("META-INF/container.xml is missing or unreadable") from None
    node = container.find(".//c:rootfile", NS)
    if node is None or not node.get("full-path"):
        raise EpubProblem("META-INF/container.xml names no package document")
    return node.get("full-path")


def _xml(archive: zipfile.ZipFile, name: str) -> etree._Element:
    try:
        return etree.fromstring(archive.read(name), _PARSER)
    except (KeyError, etree.XMLSyntaxError) as exc:
        raise EpubProblem(f"{name}: {exc}") from exc


def _manifest_href(opf: etree._Element, prop: str) -> str | None:
    for item in opf.iterfind("opf:manifest/opf:item", NS):
        if prop in (item.get("properties") or "").split():
            return item.get("href")
    return None


def _join(base: str, href: str) -> str:
    return posixpath.normpath(posixpath.join(base, href))


def thumbnail(cover: bytes, width: int = THUMBNAIL_WIDTH) -> bytes:
    """A small JPEG of the cover for pages and e-reader library grids."""
    with Image.open(io.BytesIO(cover)) as image:
        image = image.convert("RGB")
        height = max(1, round(image.height * width / image.width))
        small = image.resize((width, height), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    small.save(out, "JPEG", quality=THUMBNAIL_QUALITY, optimize=True, progressive=True)
    return out.getvalue()
