"""Shared helpers: a counting HTTP server, canaries, bad images, PDF and EPUB scanners."""

from __future__ import annotations

import http.server
import io
import re
import secrets
import struct
import subprocess
import threading
import zipfile
import zlib
from pathlib import Path

import pikepdf
from lxml import etree
from PIL import Image

from compiler.diagnostics import CATALOGUE

# --------------------------------------------------------------------------- local server


class CountingServer:
    """A local HTTP server on 127.0.0.1 that records every request it receives.

    ``/redirect`` answers 302 to ``/x.png``; ``/loop`` redirects to itself; ``/elsewhere``
    redirects to ``http://localhost:<port>/x.png`` (another host name); everything else
    answers 200 with a small PNG.
    """

    def __init__(self) -> None:
        self.requests: list[str] = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's naming)
                server.requests.append(self.path)
                port = self.server.server_address[1]
                target = {
                    "/redirect": "/x.png",
                    "/a/redirect": "/x.png",
                    "/loop": "/loop",
                    "/elsewhere": f"http://localhost:{port}/x.png",
                }.get(self.path)
                if target:
                    self.send_response(302)
                    self.send_header("Location", target)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = tiny_png()
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_POST = do_GET  # noqa: N815
            do_HEAD = do_GET  # noqa: N815

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> CountingServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


NO_PROXY_ENV = {"http_proxy": "", "https_proxy": "", "HTTP_PROXY": "", "HTTPS_PROXY": "",
                "no_proxy": "*", "NO_PROXY": "*"}
"""So a fetch to the local server, were one made, would reach it and be counted."""

# --------------------------------------------------------------------------- canaries and images


def new_token() -> str:
    return "CANARY-" + secrets.token_hex(16)


def canary_jpeg(path: Path, token: str) -> Path:
    """A valid JPEG whose comment segment carries the token."""
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (64, 48), (200, 30, 30)).save(path, "JPEG", quality=80,
                                                   comment=token.encode())
    assert token.encode() in path.read_bytes()
    return path


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(
        ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def bomb_png(width: int = 100_000, height: int = 100_000) -> bytes:
    """A tiny PNG whose header claims width x height RGB pixels (a decompression bomb)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024, 9)  # a token amount; the header is what matters
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(
        b"IEND", b"")


def tiny_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (0, 128, 0)).save(out, "PNG")
    return out.getvalue()


def noisy_jpeg(size=(800, 600)) -> bytes:
    """A JPEG big enough that cutting it in half leaves a truncated scan."""
    image = Image.effect_noise(size, 80).convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


# --------------------------------------------------------------------------- PDF


def qdf_bytes(pdf: Path, tmp: Path) -> bytes:
    """The PDF with every Flate stream decompressed and no object streams (qpdf --qdf)."""
    out = tmp / (pdf.stem + ".qdf.pdf")
    result = subprocess.run(["qpdf", "--qdf", "--object-streams=disable", str(pdf), str(out)],
                            capture_output=True, text=True)
    assert result.returncode in (0, 3), result.stderr  # 3 = warnings only
    return out.read_bytes()


def pdf_all_bytes(pdf: Path, tmp: Path) -> bytes:
    """Raw file, qpdf's decompressed copy, and every stream pikepdf can decode."""
    chunks = [pdf.read_bytes(), qdf_bytes(pdf, tmp)]
    with pikepdf.open(pdf) as doc:
        for obj in doc.objects:
            if isinstance(obj, pikepdf.Stream):
                try:
                    chunks.append(obj.read_bytes())
                except pikepdf.PdfError:
                    chunks.append(obj.read_raw_bytes())
    return b"\n".join(chunks)


def pdf_dangers(pdf: Path) -> list[str]:
    """Embedded files, attachment annotations, scripts and launch actions in the PDF."""
    found = []
    with pikepdf.open(pdf) as doc:
        if len(doc.attachments):
            found.append(f"attachments: {list(doc.attachments)}")
        names = doc.Root.get("/Names")
        if names is not None and "/EmbeddedFiles" in names:
            found.append("/Names /EmbeddedFiles")
        if "/OpenAction" in doc.Root or "/AA" in doc.Root:
            found.append("document open action")
        for number, page in enumerate(doc.pages, start=1):
            for annot in page.obj.get("/Annots", []):
                subtype = str(annot.get("/Subtype", ""))
                if subtype == "/FileAttachment":
                    found.append(f"page {number}: /FileAttachment annotation")
                action = annot.get("/A")
                if action is not None:
                    kind = str(action.get("/S", ""))
                    if kind not in ("/URI", "/GoTo"):
                        found.append(f"page {number}: {kind} action")
                    uri = str(action.get("/URI", ""))
                    if uri and not re.match(r"(?i)^(https?|mailto):", uri):
                        found.append(f"page {number}: link to {uri[:80]}")
        for obj in doc.objects:
            if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
                for key in ("/JS", "/JavaScript", "/EmbeddedFile", "/Launch"):
                    if key in obj:
                        found.append(f"object with {key}")
                if str(obj.get("/Type", "")) in ("/EmbeddedFile", "/Filespec"):
                    found.append(f"object of type {obj.get('/Type')}")
                if str(obj.get("/S", "")) in ("/JavaScript", "/Launch", "/SubmitForm",
                                               "/ImportData", "/GoToR", "/GoToE"):
                    found.append(f"action {obj.get('/S')}")
    return found


def pdf_image_digests(pdf: Path) -> set[str]:
    """Distinct pictures in the PDF, by the digest of their stream (alpha masks excluded)."""
    import hashlib

    with pikepdf.open(pdf) as doc:
        images = [obj for obj in doc.objects
                  if isinstance(obj, pikepdf.Stream) and str(obj.get("/Subtype", "")) == "/Image"]
        masks = {obj.SMask.objgen for obj in images if "/SMask" in obj}
        return {hashlib.sha256(obj.read_raw_bytes()).hexdigest()
                for obj in images if obj.objgen not in masks}


def qpdf_check(pdf: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True)


# --------------------------------------------------------------------------- EPUB


def epub_entries(epub: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(epub) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}


UNSAFE_ELEMENTS = {"script", "iframe", "object", "embed", "form", "base", "input", "button",
                   "frame", "frameset", "applet", "video", "audio", "source", "track",
                   "picture", "svg", "math", "style", "template", "noscript", "textarea"}
URL_ATTRIBUTES = {"href", "src", "srcset", "poster", "action", "formaction", "data",
                  "background", "lowsrc", "dynsrc", "xlink:href", "cite", "longdesc", "usemap",
                  "manifest", "codebase", "archive", "ping"}


def _local(name: str) -> str:
    return etree.QName(name).localname if name.startswith("{") else name


def xhtml_dangers(name: str, data: bytes) -> list[str]:
    """Scripts, handlers, script URLs, off-book fetches in one EPUB content document."""
    found = []
    if re.search(rb"(?i)<\s*script", data):
        found.append(f"{name}: <script")
    root = etree.fromstring(data)
    for element in root.iter():
        if not isinstance(element.tag, str):
            if isinstance(element, etree._ProcessingInstruction):
                found.append(f"{name}: processing instruction {element.target}")
            continue
        tag = _local(element.tag)
        if tag in UNSAFE_ELEMENTS:
            found.append(f"{name}: <{tag}>")
        if tag == "meta" and element.get("http-equiv"):
            found.append(f"{name}: <meta http-equiv>")
        if tag == "link" and element.get("href") not in ("styles/reader.css",
                                                          "../styles/reader.css"):
            found.append(f"{name}: <link href={element.get('href')!r}>")
        for attribute, value in element.attrib.items():
            local = _local(attribute)
            if local.lower().startswith("on"):
                found.append(f"{name}: <{tag} {local}=...>")
            if local == "style":
                found.append(f"{name}: <{tag} style=...>")
            squashed = re.sub(r"[\s\x00-\x1f]+", "", value).lower()
            if "javascript:" in squashed or "vbscript:" in squashed:
                found.append(f"{name}: <{tag} {local}={value[:60]!r}>")
            if local in URL_ATTRIBUTES or local == "href":
                if re.match(r"(?i)^\s*(file|data|javascript|vbscript|edition-photo):", value):
                    found.append(f"{name}: <{tag} {local}={value[:60]!r}>")
                if tag in ("img", "image", "use") and re.match(r"(?i)^\s*(https?:)?//", value):
                    found.append(f"{name}: remote <{tag} {local}={value[:60]!r}>")
                if ".." in value.split("/"):
                    found.append(f"{name}: climbing <{tag} {local}={value[:60]!r}>")
    return found


def epub_dangers(entries: dict[str, bytes]) -> list[str]:
    found = []
    for name, data in entries.items():
        if name.endswith((".xhtml", ".html", ".htm")):
            found += xhtml_dangers(name, data)
        elif name.endswith(".css") and re.search(rb"(?i)@import|url\(\s*['\"]?(https?|file|data):",
                                                 data):
            found.append(f"{name}: CSS import or off-book url()")
    return found


# --------------------------------------------------------------------------- messages

LINE = re.compile(r"^stories/(?P<file>[\w.-]+)\.md(:(?P<line>\d+))?: (?P<code>[EPRS]\d{3}) "
                  r"(?P<rest>.+)$")


def editor_message(line: str) -> dict | None:
    """`stories/x.md:<line>: CODE message (fix)`, the fix being the catalogue's, or None."""
    match = LINE.match(line)
    if not match or match["code"] not in CATALOGUE:
        return None
    if not match["rest"].endswith(f" ({CATALOGUE[match['code']].fix})"):
        return None
    return match.groupdict()
