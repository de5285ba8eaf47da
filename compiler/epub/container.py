"""The packed book: its files by zip name, and the zip written reproducibly.

The EPUB is packed in a thread while the PDF is laid out, but its page-list
needs the print page numbers, which exist only once the PDF is done. So packing
stops one step short of the zip: a ``Packed`` holds every file, the page-list
is added to it afterwards (``pagelist``), and only then is it zipped, once per
device (the EPUB, and the Kobo KEPUB made from it in the same thread).
Zipping the sample edition takes about 25 ms; the packing before it about 1 s
cold and 0.1 s warm.

ebooklib stamps zip entries with the current time; ``write_zip`` writes
``mimetype`` first and stored, then the container, then every name sorted,
with fixed timestamps, so the same content gives the same bytes.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass, field, replace
from datetime import datetime

from lxml import etree

OPF = "{http://www.idpf.org/2007/opf}"
ALREADY_COMPRESSED = (".jpg", ".jpeg", ".png", ".gif", ".webp")
"""Stored as they are: deflating a photo costs time and saves nothing."""


@dataclass(frozen=True)
class Packed:
    """Every file of one book, by zip name; bytes in their final form."""

    files: dict[str, bytes]
    timestamp: datetime
    places: dict[str, str] = field(default_factory=dict)
    """Print anchor (``story-<slug>``, ``section-<slug>``, ``contents``...) -> the zip
    name of the document that holds it: where a print page number leads."""
    package: str = "EPUB/content.opf"

    def with_files(self, changed: dict[str, bytes]) -> Packed:
        return replace(self, files={**self.files, **changed})

    def documents(self) -> list[str]:
        """Zip names of the XHTML documents, sorted."""
        return sorted(name for name in self.files if name.endswith(".xhtml"))

    def manifest(self) -> list[tuple[str, str, str]]:
        """(zip name, media type, properties) of every manifest item, in manifest order."""
        root = etree.fromstring(self.files[self.package])
        folder = posixpath.dirname(self.package)
        return [(posixpath.join(folder, item.get("href")), item.get("media-type"),
                 item.get("properties") or "")
                for item in root.iterfind(f"{OPF}manifest/{OPF}item")]

    def spine(self) -> list[str]:
        """Zip names of the spine's documents, in reading order."""
        root = etree.fromstring(self.files[self.package])
        folder = posixpath.dirname(self.package)
        hrefs = {item.get("id"): item.get("href")
                 for item in root.iterfind(f"{OPF}manifest/{OPF}item")}
        return [posixpath.join(folder, hrefs[ref.get("idref")])
                for ref in root.iterfind(f"{OPF}spine/{OPF}itemref")]

    def zip(self) -> bytes:
        return write_zip(self.files, self.timestamp)


def write_zip(files: dict[str, bytes], timestamp: datetime) -> bytes:
    """Same content -> same bytes: mimetype stored first, sorted names, fixed times."""
    stamp = max(timestamp.timetuple()[:6], (1980, 1, 1, 0, 0, 0))
    names = sorted(files, key=lambda n: (n != "mimetype", n != "META-INF/container.xml", n))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            if name == "mimetype" or name.endswith(ALREADY_COMPRESSED):
                info.compress_type = zipfile.ZIP_STORED
            else:
                info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, files[name], compresslevel=9)
    return out.getvalue()


def read_zip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        return {name: source.read(name) for name in source.namelist()}

