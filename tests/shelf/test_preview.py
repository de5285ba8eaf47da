"""``edition preview``: serves the print HTML on 127.0.0.1 and rebuilds after an edit."""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler

import pytest

from compiler.shelf.preview import BACKLOG, REQUEST_TIMEOUT, Preview, PreviewServer
from support import FIXED_EPOCH, REPO
from support.shelf import DAYS, fill_content, write_edition

TEST_TIMEOUT = 1.0
"""The preview's socket timeout in these tests (the default is REQUEST_TIMEOUT)."""


def fetch(url: str) -> tuple[int, bytes, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read(), response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        return exc.code, b"", ""


@pytest.fixture
def preview(tmp_path):
    config = write_edition(tmp_path / "editions")
    content = fill_content(tmp_path / "content", "Preview lead before the edit", DAYS[0])
    server = Preview(content.root, config, DAYS[0], port=0, interval=0.1,
                     request_timeout=TEST_TIMEOUT)
    server.start()
    yield server, content
    server.stop()


def test_the_page_shows_the_edition_and_the_edit_after_a_rebuild(preview):
    server, content = preview
    assert server.server.server_address[0] == "127.0.0.1"
    status, body, kind = fetch(server.url)
    page = body.decode()
    assert status == 200 and kind.startswith("text/html")
    assert "Preview lead before the edit" in page
    assert "<style>" in page and "@font-face" in page  # looks like the print, not bare HTML

    version = server.version
    story = content.story("lead", headline="Preview lead after the edit", section="National",
                          priority=1, body="Edited.\n")
    stat = story.stat()
    os.utime(story, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))
    assert server.wait_for_version(version, timeout=60), "no rebuild after the edit"
    page = fetch(server.url)[1].decode()
    assert "Preview lead after the edit" in page
    assert "Preview lead before the edit" not in page

    version = server.version
    content.raw("broken", b"no front matter\n")
    assert server.wait_for_version(version, timeout=60)
    page = fetch(server.url)[1].decode()
    assert "broken.md" in page and "S003" in page  # the editor sees why a story is missing
    assert "Preview lead after the edit" in page


def test_only_the_photos_and_fonts_of_the_preview_are_served(preview):
    server, _ = preview
    page = fetch(server.url)[1].decode()
    photos = re.findall(r'src="(/photos/[0-9a-f]{64}-2400-[0-9]+-v[0-9]+\.jpg)"', page)
    assert photos, "the lead photo is addressed through the preview server"
    status, body, kind = fetch(server.url.rstrip("/") + photos[0])
    assert status == 200 and kind == "image/jpeg" and body[:2] == b"\xff\xd8"
    font = re.search(r'url\("(/fonts/[^"]+\.ttf)"\)', page)[1]
    status, body, kind = fetch(server.url.rstrip("/") + font)
    assert status == 200 and kind == "font/ttf" and len(body) > 1000
    for path in ("/etc/passwd", "/photos/../../../etc/passwd", "/fonts/../pyproject.toml",
                 "/fonts/OFL.txt", "/photos/0000.jpg", "/stories/lead.md", "/content/"):
        assert fetch(server.url.rstrip("/") + path)[0] == 404, path


def raw_exchange(server: Preview, request: bytes) -> tuple[bytes, bytes]:
    """Send bytes, read until the server closes (HTTP/1.0): status and headers, body."""
    with socket.create_connection(server.server.server_address[:2], timeout=30) as client:
        client.sendall(request)
        chunks = []
        while chunk := client.recv(65536):
            chunks.append(chunk)
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    return head, body


def header_lines(head: bytes) -> list[bytes]:
    return sorted(line for line in head.split(b"\r\n")[1:] if not line.startswith(b"Date:"))


def test_head_is_answered_like_get_without_a_body(preview):
    server, _ = preview
    page = fetch(server.url)[1].decode()
    font = re.search(r'url\("(/fonts/[^"]+\.ttf)"\)', page)[1]
    for path in ("/", "/__version", font):
        get_head, get_body = raw_exchange(server, f"GET {path} HTTP/1.0\r\n\r\n".encode())
        head, body = raw_exchange(server, f"HEAD {path} HTTP/1.0\r\n\r\n".encode())
        assert head.startswith(b"HTTP/1.0 200 "), head
        assert header_lines(head) == header_lines(get_head), path
        assert f"Content-Length: {len(get_body)}".encode() in head.split(b"\r\n")
        assert body == b"" and len(get_body) > 0, path
    head, body = raw_exchange(server, b"HEAD /etc/passwd HTTP/1.0\r\n\r\n")
    assert head.startswith(b"HTTP/1.0 404 ") and body == b""
    connection = http.client.HTTPConnection(*server.server.server_address[:2], timeout=30)
    connection.request("HEAD", "/")  # a client that knows HEAD has no body
    assert connection.getresponse().status == 200
    connection.close()


@pytest.mark.parametrize("sent", [b"", b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n"],
                         ids=["idle", "half-a-request"])
def test_a_silent_connection_is_closed_after_the_timeout(preview, capsys, sent):
    server, _ = preview
    assert 1 <= REQUEST_TIMEOUT <= 10  # the default: a few seconds
    address = server.server.server_address[:2]
    started = time.monotonic()  # before the server can start its clock
    with socket.create_connection(address, timeout=30) as client:
        client.sendall(sent)
        client.settimeout(TEST_TIMEOUT + 10)
        try:
            data = client.recv(1024)  # b"" once the server has closed the connection
        except TimeoutError:
            pytest.fail("the server held a silent connection open")
        waited = time.monotonic() - started
    assert data == b"", data
    assert TEST_TIMEOUT * 0.9 <= waited < TEST_TIMEOUT + 10
    assert fetch(server.url)[0] == 200  # and it goes on serving
    assert "Traceback" not in capsys.readouterr().err


def test_the_listen_queue_takes_a_burst_of_connections(preview):
    server, _ = preview
    assert server.server.request_queue_size == BACKLOG >= 64
    # A server that accepts nothing yet: the kernel queues BACKLOG connections (+1),
    # where http.server's default of 5 would drop the 7th attempt.
    queued = PreviewServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    clients = []
    try:
        for _ in range(48):
            clients.append(socket.create_connection(queued.server_address[:2], timeout=5))
    finally:
        for client in clients:
            client.close()
        queued.server_close()
    assert len(clients) == 48


def test_the_preview_command_serves_until_interrupted(tmp_path):
    config = write_edition(tmp_path / "editions")
    content = fill_content(tmp_path / "content", "Preview through the CLI", DAYS[0])
    env = {**os.environ, "SOURCE_DATE_EPOCH": FIXED_EPOCH, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "compiler", "preview", str(content.root), "--edition",
         str(config.path), "--port", "0", "--date", str(DAYS[0])],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert url, line + process.stderr.read() if process.poll() is not None else line
        assert "Preview through the CLI" in fetch(url[0])[1].decode()
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert "Stopped." in out
