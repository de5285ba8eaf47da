"""Fixtures for the ingest tests: an edition with a section map, the real samples in
tests/data, and a local HTTP server on 127.0.0.1 that serves them (plus redirects,
photos and misbehaviour) so the URL path is tested without the internet."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from support import REPO

DATA = REPO / "tests" / "data"

EDITION = """\
[edition]
title = "Ingest Test Daily"
language = "en"
sections = ["National", "Business", "World", "Opinion", "Sport"]
outputs = ["pdf", "epub"]
default_section = "World"
allowed_hosts = {allowed}
sources = {sources}

[edition.section_map]
"US news" = "National"
"US politics" = "National"
"Business" = "Business"
"Football" = "Sport"
"Sport" = "Sport"
"Opinion" = "Opinion"
"Nature" = "World"
"Inrikes" = "National"
"Innenriks" = "National"
"Politik" = "National"
"""


def write_edition(folder: Path, allowed=(), sources=(), name="ingest-test") -> Path:
    path = folder / f"{name}.toml"
    quoted = lambda values: "[" + ", ".join(f'"{v}"' for v in values) + "]"  # noqa: E731
    path.write_text(EDITION.format(allowed=quoted(allowed), sources=quoted(sources)),
                    encoding="utf-8")
    return path


@pytest.fixture
def edition(tmp_path) -> Path:
    return write_edition(tmp_path)


class Site:
    """Routes by path: ``files`` serves bytes with a content type; ``redirects`` sends a
    302; ``stall`` holds the answer until the test ends; ``barrier`` makes requests for
    those paths wait for each other (proof that downloads overlap)."""

    def __init__(self):
        self.files: dict[str, tuple[bytes, str]] = {}
        self.redirects: dict[str, str] = {}
        self.stall: set[str] = set()
        self.released = threading.Event()
        self.barrier: threading.Barrier | None = None
        self.barrier_paths: set[str] = set()
        self.hits: list[str] = []
        self.url = ""

    def add(self, path: str, data: bytes, content_type: str = "application/octet-stream"):
        self.files[path] = (data, content_type)
        return self.url + path


@pytest.fixture
def site():
    state = Site()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            path = self.path.split("?", 1)[0]
            state.hits.append(path)
            if path in state.stall:
                state.released.wait(30)
                return
            if path in state.barrier_paths and state.barrier is not None:
                try:
                    state.barrier.wait()
                except threading.BrokenBarrierError:
                    self.send_error(503)
                    return
            if path in state.redirects:
                self.send_response(302)
                self.send_header("Location", state.redirects[path])
                self.end_headers()
                return
            if path not in state.files:
                self.send_error(404)
                return
            data, kind = state.files[path]
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    state.released.set()
    server.shutdown()
    server.server_close()


@pytest.fixture
def make_edition():
    """``make_edition(folder, allowed=(), sources=())`` -> the path of a definition."""
    return write_edition
