"""Send-to-Kindle preflight: would Amazon's converter take this EPUB?

Send to Kindle converts an EPUB on Amazon's servers and answers a refusal with
one opaque code (E999) by e-mail, long after the build. Its known causes are
checked on the finished EPUB, so the night editor reads them in the build
report instead:

- size: the e-mail route takes at most 50 MB;
- language: ``dc:language`` must be one Kindle supports for personal documents;
  Khmer (``km``) is not among them, so a Khmer edition is refused (see
  docs/devices.md: sideload calibre's AZW3, or read the PDF);
- the nav document exists and lists its documents in spine order;
- every XML file declares its encoding as UTF-8 and is UTF-8;
- no ``<img>`` without a ``src``;
- ``mimetype`` is the first entry, stored, and reads ``application/epub+zip``.

A failed check is a warning (D001) naming it, or for the language a note (D002); the
report lists every check.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field

from lxml import etree

from compiler.diagnostics import Diagnostic, diag

MAX_BYTES = 50 * 1000 * 1000
KINDLE_LANGUAGES = frozenset(
    "af ar bn br ca co cy da de en es eu fi fr fy ga gd gl gu gv he hi is it ja kn ml mr "
    "nb nl nn no oc pt rm ru sv ta te uk zh".split())
"""Languages Kindle takes for personal documents (Amazon's list for Kindle books, by
ISO 639-1 code; ``sco`` and a few others have no two-letter code and do not apply)."""
MIMETYPE = b"application/epub+zip"
_DECLARATION = re.compile(rb"^<\?xml[^>]*encoding=[\"']utf-8[\"']", re.IGNORECASE)
OPF = "{http://www.idpf.org/2007/opf}"
DC = "{http://purl.org/dc/elements/1.1/}"
X = "{http://www.w3.org/1999/xhtml}"
OPS = "{http://www.idpf.org/2007/ops}"


@dataclass
class Preflight:
    checks: dict[str, str] = field(default_factory=dict)
    """Check -> "ok" or what is wrong, in the order they ran."""

    @property
    def ok(self) -> bool:
        return all(result == "ok" for result in self.checks.values())

    def as_dict(self) -> dict:
        return {"ok": self.ok, "checks": self.checks}

    def diagnostics(self) -> list[Diagnostic]:
        # A language Kindle does not take is a fact of the edition (a Khmer one), not a
        # fault to fix each night: recorded (D002), and --strict still builds.
        return [diag("D002" if name == "language" else "D001", f"Send to Kindle: {name}: {result}")
                for name, result in self.checks.items() if result != "ok"]


def preflight(data: bytes) -> Preflight:
    found = Preflight()
    found.checks["size"] = ("ok" if len(data) < MAX_BYTES else
                            f"{len(data) / 1e6:.1f} MB, over the 50 MB Send to Kindle takes")
    archive = zipfile.ZipFile(io.BytesIO(data))
    first = archive.infolist()[0]
    found.checks["mimetype"] = (
        "ok" if first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        and archive.read(first) == MIMETYPE
        else "the first entry must be a stored mimetype reading application/epub+zip")
    container = etree.fromstring(archive.read("META-INF/container.xml"))
    package = container.find(".//{*}rootfile").get("full-path")
    opf = etree.fromstring(archive.read(package))
    found.checks["language"] = _language(opf)
    found.checks["encoding"] = _encodings(archive)
    found.checks["nav"] = _nav_order(archive, opf, posixpath.dirname(package))
    found.checks["images"] = _images(archive)
    return found


def _language(opf) -> str:
    language = (opf.findtext(f"{OPF}metadata/{DC}language") or "").strip()
    primary = language.split("-")[0].lower()
    if primary in KINDLE_LANGUAGES:
        return "ok"
    if primary == "km":
        return ("Khmer (km) is not a Kindle language: Send to Kindle refuses the book "
                "(E999); sideload the AZW3 calibre makes (ebook-convert BOOK.epub "
                "BOOK.azw3) or read the PDF")
    return f"{language or 'no language'} is not a language Kindle lists"


def _encodings(archive: zipfile.ZipFile) -> str:
    bad = []
    for name in archive.namelist():
        if not name.endswith((".xhtml", ".html", ".opf", ".ncx", ".xml")):
            continue
        data = archive.read(name)
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            bad.append(f"{name} is not UTF-8")
            continue
        if not _DECLARATION.match(data):
            bad.append(f"{name} does not declare encoding utf-8")
    return "ok" if not bad else "; ".join(bad)


def _nav_order(archive: zipfile.ZipFile, opf, folder: str) -> str:
    items = {item.get("id"): item for item in opf.iterfind(f"{OPF}manifest/{OPF}item")}
    navs = [i for i in items.values() if "nav" in (i.get("properties") or "").split()]
    if not navs:
        return "no nav document"
    spine = [posixpath.join(folder, items[ref.get("idref")].get("href"))
             for ref in opf.iterfind(f"{OPF}spine/{OPF}itemref")]
    nav_name = posixpath.join(folder, navs[0].get("href"))
    nav = etree.fromstring(archive.read(nav_name))
    toc = next((n for n in nav.iter(f"{X}nav") if n.get(f"{OPS}type") == "toc"), None)
    if toc is None:
        return "the nav document has no toc"
    places = []
    for link in toc.iter(f"{X}a"):
        target = posixpath.normpath(posixpath.join(posixpath.dirname(nav_name),
                                                   link.get("href", "").split("#")[0]))
        if target not in spine:
            return f"the nav links to {target}, which is not in the spine"
        places.append(spine.index(target))
    if places != sorted(places):
        return "the nav lists documents out of spine order"
    return "ok"


def _images(archive: zipfile.ZipFile) -> str:
    bad = []
    for name in archive.namelist():
        if name.endswith((".xhtml", ".html")):
            root = etree.fromstring(archive.read(name))
            if any(not (img.get("src") or "").strip() for img in root.iter(f"{X}img")):
                bad.append(name)
    return "ok" if not bad else f"<img> without src in {', '.join(bad)}"
