"""``edition preview``: the print HTML in a browser, rebuilt when the content changes.

An editor wants to see tonight's edition before the night run without waiting
for WeasyPrint, so this serves the same HTML the PDF is laid out from (the
browser ignores the paged-media rules) with the same fonts and photo
renditions. Only three kinds of path are served, all from known folders: the
page, the print photos in this preview's work folder, and the bundled fonts;
anything else is a 404, and the server listens on 127.0.0.1 only. HEAD is
answered like GET without the body; a connection that sends nothing (or half a
request) for ``REQUEST_TIMEOUT`` seconds is closed, so it cannot hold a thread;
and the listen queue is ``BACKLOG`` deep, so a burst of photo and font requests
(or several open tabs) is not stalled by connection attempts the kernel drops.

Rebuilding polls the content folder's modification times: no extra dependency,
and it works on network shares where inotify does not.
"""

from __future__ import annotations

import html
import re
import sys
import tempfile
import threading
import time
import traceback
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from compiler.config import EditionConfig, load_config
from compiler.content.assemble import assemble
from compiler.pdf.photos import PHOTO_FOLDER, PHOTO_NAME, PHOTO_SCHEME
from compiler.pdf.printer import print_html
from compiler.resources import FONTS_DIR, LAYOUTS_DIR
from compiler.text.fonts import FACES, font_face_css

PREVIEW_CSS = """
html { background: #d9d6d0; }
body { background: #fff; max-width: 190mm; margin: 24px auto; padding: 14mm 12mm;
       box-shadow: 0 2px 12px rgba(0,0,0,.25); }
.preview-bar { font: 13px/1.4 system-ui, sans-serif; background: #17140f; color: #fff;
               margin: -14mm -12mm 10mm; padding: 8px 12mm; }
.preview-bar ul { margin: 4px 0 0; padding-left: 18px; color: #ffd7a8; }
.page-ref, .toc-page { visibility: hidden; }  /* page numbers exist only in the PDF */
"""
REQUEST_TIMEOUT = 5.0
"""Seconds a connection may stay silent, before or in the middle of a request."""
BACKLOG = 64
"""Connections the kernel queues until the server accepts them (http.server's is 5)."""
RELOAD_SCRIPT = """<script>
(function(){var v=%d;setInterval(function(){fetch('/__version',{cache:'no-store'})
.then(function(r){return r.text()}).then(function(t){if(+t!==v)location.reload()})
.catch(function(){})},1000)})();
</script>"""


class PreviewServer(ThreadingHTTPServer):
    """A thread per connection (daemon threads: stopping never waits on a browser)."""

    daemon_threads = True
    request_queue_size = BACKLOG

    def handle_error(self, request, client_address) -> None:
        if isinstance(sys.exc_info()[1], OSError):
            return  # a browser that went away or stalled: nothing for the editor to do
        super().handle_error(request, client_address)


class Preview:
    def __init__(self, content: Path, config: EditionConfig, day: date | None = None,
                 host: str = "127.0.0.1", port: int = 8000, interval: float = 0.5,
                 request_timeout: float = REQUEST_TIMEOUT) -> None:
        self.content = content.resolve()
        self.config = config
        self.day = day
        self.interval = interval
        self._work = tempfile.TemporaryDirectory(prefix="edition-preview-")
        self.work = Path(self._work.name)
        self.version = 0
        self.page = b""
        self.problems: list[str] = []
        self._changed = threading.Condition()
        self._stop = threading.Event()
        self._signature = self._scan()
        self.rebuild()
        self.server = PreviewServer((host, port), _handler(self, request_timeout))
        self._threads: list[threading.Thread] = []

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/"

    def start(self) -> str:
        for target in (self.server.serve_forever, self._watch):
            thread = threading.Thread(target=target, daemon=True)
            thread.start()
            self._threads.append(thread)
        return self.url

    def stop(self) -> None:
        self._stop.set()
        self.server.shutdown()
        self.server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._work.cleanup()

    def wait_for_version(self, version: int, timeout: float = 30) -> bool:
        """Block until a rebuild newer than ``version`` is served (for tests and tools)."""
        with self._changed:
            return self._changed.wait_for(lambda: self.version > version, timeout)

    def rebuild(self) -> None:
        """Assemble and render; a failure becomes the page, so the editor sees why."""
        started = time.perf_counter()
        try:
            page, problems = self._render()
        except Exception as exc:
            problems = [f"{type(exc).__name__}: {exc}"]
            page = _error_page("The preview could not be built",
                               problems + traceback.format_exc().splitlines()[-3:])
        seconds = time.perf_counter() - started
        with self._changed:
            self.version += 1
            self.problems = problems
            self.page = _decorate(page, self.version, problems, seconds).encode()
            self._changed.notify_all()

    def _render(self) -> tuple[str, list[str]]:
        config = self.config
        if config.path is not None and config.path.is_file():
            loaded, config_problems = load_config(config.path)
            if loaded is None:
                messages = [p.format() for p in config_problems]
                return _error_page("The edition definition has problems", messages), messages
            config = loaded
        assembly = assemble(self.content, config, self.day)
        problems = [d.format(self.content) for d in assembly.diagnostics]
        if assembly.edition is None:
            return _error_page("No edition: every story was left out", problems), problems
        source = print_html(assembly.edition, self.work, self.work / "cache")
        source = re.sub(rf"(?<=[\"'(]){re.escape(PHOTO_SCHEME)}:", "/photos/", source)
        css = font_face_css(lambda face: f"/fonts/{face.file}")
        css += (LAYOUTS_DIR / "print" / "print.css").read_text(encoding="utf-8") + PREVIEW_CSS
        return source.replace("</head>", f"<style>\n{css}</style>\n</head>", 1), problems

    def _scan(self) -> tuple:
        files = [p for p in self.content.rglob("*") if p.is_file()]
        if self.config.path is not None:
            files.append(self.config.path)
        signature = []
        for path in sorted(files):
            try:
                stat = path.stat()
            except OSError:
                continue
            signature.append((str(path), stat.st_mtime_ns, stat.st_size))
        return tuple(signature)

    def _watch(self) -> None:
        while not self._stop.wait(self.interval):
            signature = self._scan()
            if signature != self._signature:
                self._signature = signature
                self.rebuild()

    def file_for(self, url_path: str) -> Path | None:
        """The one file a request may read, or None: photos of this preview, bundled fonts."""
        folder, _, name = url_path.lstrip("/").partition("/")
        if folder == "photos" and PHOTO_NAME.match(name):
            path = self.work / PHOTO_FOLDER / name
        elif folder == "fonts" and name in {face.file for face in FACES}:
            path = FONTS_DIR / name
        else:
            return None
        return path if path.is_file() else None


def _decorate(page: str, version: int, problems: list[str], seconds: float) -> str:
    items = "".join(f"<li>{html.escape(p)}</li>" for p in problems)
    listing = f"<ul>{items}</ul>" if items else ""
    bar = (f'<div class="preview-bar" role="status">Preview, rebuilt {time.strftime("%H:%M:%S")}'
           f" in {seconds:.1f} s · {len(problems)} problems · page numbers are in the PDF only"
           f"{listing}</div>")
    page = re.sub(r"(<body[^>]*>)", lambda m: m[1] + bar, page, count=1)
    return page.replace("</body>", RELOAD_SCRIPT % version + "</body>", 1)


def _error_page(title: str, lines: list[str]) -> str:
    items = "".join(f"<li><code>{html.escape(line)}</code></li>" for line in lines)
    title = html.escape(title)
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
            f"</head><body><h1>{title}</h1><ul>{items}</ul></body></html>")


def _handler(preview: Preview, request_timeout: float) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        timeout = request_timeout  # on the socket: a silent client gets TimeoutError, closed

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            self._answer(body=True)

        def do_HEAD(self) -> None:  # noqa: N802
            self._answer(body=False)

        def _answer(self, body: bool) -> None:
            path = self.path.split("?", 1)[0]
            if path in ("/", "/index.html"):
                self._send(preview.page, "text/html; charset=utf-8", body)
            elif path == "/__version":
                self._send(str(preview.version).encode(), "text/plain", body)
            elif (file := preview.file_for(path)) is not None:
                kind = "image/jpeg" if file.suffix == ".jpg" else "font/ttf"
                self._send(file.read_bytes(), kind, body)
            else:
                self.send_error(404, "Not part of the preview")  # no body for HEAD

        def _send(self, data: bytes, content_type: str, body: bool) -> None:
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            if body:
                self.wfile.write(data)

        def log_message(self, format: str, *args) -> None:  # noqa: A002
            pass  # an editor's terminal should show rebuilds, not every font request

    return Handler
