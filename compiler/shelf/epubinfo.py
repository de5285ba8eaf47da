"""What the shelf needs to know about an issue, read back from the built EPUB.

The shelf runs after the build, possibly on another night or machine, so it
never goes back to the content folder (data flows forward once). The EPUB
already says everything a catalogue needs: the OPF has the title, identifier,
creator, date and description, the nav document lists every headline in
edition order, and the cover image is the front page in miniature.
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
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
}
FALLBACK_COVER = "EPUB/images/cover.jpg"
THUMBNAIL_WIDTH = 300
THUMBNAIL_QUALITY = 82
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


class EpubProblem(ValueError):
    """The file is not an EPUB the shelf can list; the message says what is missing."""


@dataclass(frozen=True)
class EpubFacts:
    identifier: str
    title: str
    language: str = ""
    author: str = ""
    publisher: str = ""
    issued: str = ""
    """The ``dc:date`` the build wrote: the edition's date, YYYY-MM-DD."""
    description: str = ""
    sections: tuple[str, ...] = ()
    headlines: tuple[str, ...] = ()
    """Every story headline, lead first, then in edition order."""
    cover: bytes = field(default=b"", repr=False)


def read_epub(data: bytes) -> EpubFacts:
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
        base = posixpath.dirname(opf_path)
        description = text("dc:description")
        nav_href = _manifest_href(opf, "nav")
        headlines = _headlines(_xml(archive, _join(base, nav_href))) if nav_href else []
        cover_href = _manifest_href(opf, "cover-image")
        cover_path = _join(base, cover_href) if cover_href else FALLBACK_COVER
        cover = archive.read(cover_path) if cover_path in archive.namelist() else b""
        return EpubFacts(
            identifier=identifier,
            title=title,
            language=text("dc:language"),
            author=text("dc:creator"),
            publisher=text("dc:publisher"),
            issued=text("dc:date")[:10],
            description=description,
            sections=tuple((n.text or "").strip() for n in meta.findall("dc:subject", NS)),
            headlines=tuple(_lead_first(headlines, description)),
            cover=cover,
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


def _headlines(nav: etree._Element) -> list[str]:
    """Story entries are the second level of the toc (sections are the first)."""
    toc = next((n for n in nav.iter(f"{{{NS['x']}}}nav")
                if n.get(f"{{{NS['epub']}}}type") == "toc"), None)
    if toc is None:
        return []
    nested = toc.xpath("x:ol/x:li/x:ol/x:li/x:a", namespaces=NS)
    links = nested or toc.xpath("x:ol/x:li/x:a", namespaces=NS)
    return [" ".join("".join(a.itertext()).split()) for a in links]


def _lead_first(headlines: list[str], description: str) -> list[str]:
    """The build names the lead story at the end of ``dc:description``."""
    leads = [h for h in headlines if h and description.endswith(h)]
    if not leads:
        return headlines
    lead = max(leads, key=len)
    return [lead] + [h for h in headlines if h != lead]


def thumbnail(cover: bytes, width: int = THUMBNAIL_WIDTH) -> bytes:
    """A small JPEG of the cover for pages and e-reader library grids."""
    with Image.open(io.BytesIO(cover)) as image:
        image = image.convert("RGB")
        height = max(1, round(image.height * width / image.width))
        small = image.resize((width, height), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    small.save(out, "JPEG", quality=THUMBNAIL_QUALITY, optimize=True, progressive=True)
    return out.getvalue()
