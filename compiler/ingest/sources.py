"""A SOURCE (a file or an http(s) URL) read, sniffed and handed to its reader.

Every failure here costs the one source: it becomes a note with a code and the
other sources are still read. What the bytes are is decided by looking at them;
a server's Content-Type that disagrees gets a warning, not the last word.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml import ElementTree as SafeElementTree

from compiler.ingest import feeds, jsonfeed, ninjs, wordpress
from compiler.ingest.fetch import Fetcher, FetchError
from compiler.ingest.item import Item, Note

FORMATS = ("auto", "rss", "atom", "wordpress", "ninjs", "jsonfeed")
MAX_SOURCE_BYTES = 20 * 1024 * 1024
MAX_ITEMS = 1000
"""Items read from one source; a feed is a day's news, not an archive."""
_HTML_PAGE = re.compile(rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(!doctype\s+html|html)",
                        re.IGNORECASE | re.DOTALL)


@dataclass
class SourceRead:
    label: str
    items: list[Item] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    read: bool = False
    """True when the source was read at all: only then may --prune remove its stories."""


def is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


def read_source(source: str, fmt: str, fetcher: Fetcher, base: Path | None = None) -> SourceRead:
    """``base``: the folder a relative file path is taken from (the edition's, for its
    ``sources``); None for the current folder."""
    result = SourceRead(source)
    declared, url = "", ""
    if is_url(source):
        try:
            response = fetcher.get(source, MAX_SOURCE_BYTES)
        except FetchError as exc:
            code = "I016" if "limit" in str(exc) else "I010"
            result.notes.append(Note(code, str(exc)))
            return result
        data, declared, url = response.body, response.content_type.lower(), response.url
    else:
        path = Path(source) if base is None or Path(source).is_absolute() else base / source
        try:
            if path.stat().st_size > MAX_SOURCE_BYTES:
                result.notes.append(Note("I016", f"{path.stat().st_size} bytes (limit "
                                         f"{MAX_SOURCE_BYTES})"))
                return result
            data = path.read_bytes()
        except OSError as exc:
            result.notes.append(Note("I010", f"{path}: {exc.strerror or exc}"))
            return result
        url = ""  # relative links in a file stay relative (then removed), no local paths
    items, notes = _parse(data, fmt, declared, url)
    if len(items) > MAX_ITEMS:
        notes.append(Note("I017", f"{len(items)} items (limit {MAX_ITEMS})"))
        items = items[:MAX_ITEMS]
    result.items = items
    result.notes += notes
    result.read = not any(note.code in _FATAL for note in notes)
    return result


_FATAL = {"I010", "I011", "I014", "I015", "I016"}


def _parse(data: bytes, fmt: str, declared: str, url: str) -> tuple[list[Item], list[Note]]:
    text_start = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    kind = "json" if text_start in (b"{", b"[") else "xml" if text_start == b"<" else ""
    notes = []
    if declared and kind and _declared_kind(declared) not in ("", kind):
        notes.append(Note("I012", f"the server says {declared.split(';')[0]}, the content "
                          f"is {kind.upper()}"))
    if kind == "json":
        return _parse_json(data, fmt, url, notes)
    if kind == "xml" and fmt in ("auto", "rss", "atom"):
        if _HTML_PAGE.match(data[:4096]):
            return [], notes + [Note("I011", "it is an HTML page, not a feed")]
        refused = _entities(data)
        if refused:
            return [], notes + [Note("I015", refused)]
        items, more = feeds.read(data, url)
        return items, notes + more
    what = "empty" if not data.strip() else f"it starts with {data[:20]!r}"
    return [], notes + [Note("I011", f"{what} (format {fmt})")]


def _declared_kind(content_type: str) -> str:
    if "json" in content_type:
        return "json"
    if any(word in content_type for word in ("xml", "rss", "atom", "html")):
        return "xml"
    return ""


def _entities(data: bytes) -> str:
    """Why the XML is refused, or "": entity declarations and external references are
    never expanded (billion laughs, XXE); a DTD without them is harmless."""
    try:
        SafeElementTree.fromstring(data, forbid_dtd=False, forbid_entities=True,
                                   forbid_external=True)
    except (EntitiesForbidden, ExternalReferenceForbidden, DTDForbidden) as exc:
        return f"{type(exc).__name__}: {exc}"
    except SafeElementTree.ParseError:
        if re.search(rb"<!ENTITY", data, re.IGNORECASE):
            return "it declares <!ENTITY> and is not well-formed"
    return ""


def _parse_json(data: bytes, fmt: str, url: str, notes: list[Note]):
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        return [], notes + [Note("I014", f"not UTF-8 (byte {exc.start})")]
    except json.JSONDecodeError as exc:
        return [], notes + [Note("I014", f"line {exc.lineno} column {exc.colno}: {exc.msg}")]
    found = fmt if fmt != "auto" else _json_format(document)
    readers = {"jsonfeed": jsonfeed.read, "wordpress": wordpress.read, "ninjs": ninjs.read}
    if found not in readers:
        return [], notes + [Note("I011", "JSON that is not JSON Feed, WordPress REST posts "
                                 "or ninjs" if fmt == "auto" else f"JSON is not {fmt}")]
    items, more = readers[found](document, url)
    return items, notes + more


def _json_format(document) -> str:
    if isinstance(document, dict) and "jsonfeed.org" in str(document.get("version", "")):
        return "jsonfeed"
    entries = document if isinstance(document, list) else [document]
    first = next((e for e in entries if isinstance(e, dict)), {})
    if isinstance(first.get("title"), dict) or isinstance(first.get("content"), dict):
        return "wordpress"
    if {"uri", "headline", "headlines", "bodies", "body_text", "body_html"} & set(first):
        return "ninjs"
    return ""
