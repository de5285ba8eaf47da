"""Whether a re-published day changed for its readers: a digest blind to the build time.

The shelf records a correction only when a reader would see a difference. Two
builds of the same stories differ in their bytes whenever SOURCE_DATE_EPOCH
differs, because the build time is stamped into the files; comparing raw sha256
would call every rerun a correction. ``reader_digest`` hashes what a reader gets
with those stamps blanked, and nothing else: a changed word, caption, headline,
photo or page is still a different digest.

The stamps, found by building the same content with two epochs and diffing the
outputs (the PDF uncompressed with ``qpdf --qdf --object-streams=disable``):

- EPUB: ``<meta property="dcterms:modified">`` in the package document, and every
  zip entry's date (ignored here: only names and bytes are hashed).
- PDF: ``/CreationDate`` and ``/ModDate`` in the document info, ``xmp:CreateDate``
  and ``xmp:ModifyDate`` in the XMP metadata (``xmp:MetadataDate`` is blanked too,
  for writers that add it), and the trailer ``/ID``, which pikepdf derives from the
  whole file including those dates.

A file that cannot be opened as its kind is compared by its bytes: at worst a
rerun is recorded as a correction, never a correction as unchanged.
"""

from __future__ import annotations

import hashlib
import io
import zipfile

import pikepdf
from lxml import etree

OPF_NS = "http://www.idpf.org/2007/opf"
CONTAINER_NS = "urn:oasis:names:tc:opendocument:xmlns:container"
XMP_NS = "http://ns.adobe.com/xap/1.0/"
XMP_STAMPS = tuple(f"{{{XMP_NS}}}{name}" for name in ("CreateDate", "ModifyDate", "MetadataDate"))
"""XMP properties holding the build time, as elements or as attributes."""
DOCINFO_STAMPS = ("/CreationDate", "/ModDate")
EPUB_STAMPS = ("dcterms:modified",)
"""``property`` values of package-document ``<meta>`` elements holding the build time."""
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                          remove_blank_text=False)


def reader_digest(kind: str, data: bytes) -> str:
    """sha256 (hex) of what a reader of ``data`` gets, blind to the build time only.

    ``kind`` "pdf" and "epub" are opened and their build-time stamps blanked (see the
    module docstring); any other kind ("cover", "thumbnail") is a plain sha256 of the
    bytes. Equal digests: the same edition for a reader; the same bytes always give the
    same digest, and a file that cannot be opened is hashed as bytes."""
    try:
        if kind in ("epub", "kepub"):  # the Kobo KEPUB is an EPUB, stamped alike
            return _epub_digest(data)
        if kind == "pdf":
            return _pdf_digest(data)
    except (zipfile.BadZipFile, pikepdf.PdfError, OSError, EOFError, KeyError, ValueError):
        pass
    return hashlib.sha256(data).hexdigest()


def _epub_digest(data: bytes) -> str:
    """Every entry's name and bytes in name order; the package documents' stamps blanked.
    Zip dates, compression and entry order are not what a reader gets, so not hashed."""
    digest = hashlib.sha256(b"epub\0")
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        entries = sorted(book.infolist(), key=lambda info: info.filename)
        packages = _package_paths(book)
        for info in entries:
            blob = book.read(info)
            if info.filename in packages:
                blob = _blank_opf(blob)
            _update(digest, info.filename.encode("utf-8"), blob)
    return digest.hexdigest()


def _package_paths(book: zipfile.ZipFile) -> set[str]:
    """The package documents named by META-INF/container.xml (none if it is unreadable)."""
    try:
        root = etree.fromstring(book.read("META-INF/container.xml"), _PARSER)
    except (KeyError, etree.XMLSyntaxError):
        return set()
    return {path for path in root.xpath("//c:rootfile/@full-path", namespaces={"c": CONTAINER_NS})}


def _blank_opf(blob: bytes) -> bytes:
    """The package document with the text of its build-time ``<meta>`` emptied, in
    canonical XML; unchanged if it does not parse (then its stamp counts, conservatively)."""
    try:
        tree = etree.fromstring(blob, _PARSER).getroottree()
    except etree.XMLSyntaxError:
        return blob
    for meta in tree.getroot().iterfind(f"{{{OPF_NS}}}metadata/{{{OPF_NS}}}meta"):
        if meta.get("property") in EPUB_STAMPS and meta.get("refines") is None:
            meta.text = ""
    return etree.tostring(tree, method="c14n")


def _pdf_digest(data: bytes) -> str:
    """The PDF re-saved canonically: stamps removed from the document info, blanked in
    the XMP, a fixed /ID, streams decoded (lossless filters only) and no object streams,
    so the digest follows pages, resources, annotations, structure, outline and names."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        info = pdf.trailer.get("/Info")
        if isinstance(info, pikepdf.Dictionary):
            for key in DOCINFO_STAMPS:
                if key in info:
                    del info[key]
        if "/ID" in pdf.trailer:
            del pdf.trailer["/ID"]  # else static_id replaces only its second half
        metadata = pdf.Root.get("/Metadata")
        if isinstance(metadata, pikepdf.Stream):
            metadata.write(_blank_xmp(metadata.read_bytes()))
        buffer = io.BytesIO()
        pdf.save(buffer, static_id=True, deterministic_id=False, compress_streams=False,
                 stream_decode_level=pikepdf.StreamDecodeLevel.generalized,
                 object_stream_mode=pikepdf.ObjectStreamMode.disable,
                 fix_metadata_version=False, linearize=False)
    return hashlib.sha256(b"pdf\0" + buffer.getvalue()).hexdigest()


def _blank_xmp(blob: bytes) -> bytes:
    """The XMP packet with the xmp: dates emptied, in canonical XML; unchanged if it does
    not parse."""
    try:
        tree = etree.fromstring(blob, _PARSER).getroottree()
    except etree.XMLSyntaxError:
        return blob
    for element in tree.iter(etree.Element):
        if element.tag in XMP_STAMPS:
            element.text = ""
        for name in XMP_STAMPS:
            if name in element.attrib:
                element.attrib[name] = ""
    return etree.tostring(tree, method="c14n")


def _update(digest, *parts: bytes) -> None:
    """Length-prefixed, so no two different sequences of parts hash alike."""
    for part in parts:
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
