"""deploy/nginx-shelf.conf in a real nginx (Debian's) serving a shelf the shelf published.

The example server block is included as it stands, with only ``listen``, the
certificate lines and the PUBLIC path rewritten, into an nginx.conf whose pid,
logs and temporary folders are under tmp_path. nginx runs in the foreground
(``daemon off``) in its own process group on a free port of 127.0.0.1 and is
stopped by the fixture; every wait is bounded.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from compiler.shelf.nightly import publish
from compiler.shelf.paths import ISSUE_FILE, day_dirs
from support import FIXED_EPOCH, REPO
from support.shelf import (
    CORRECTED_DAY,
    DAYS,
    EPOCH_CORRECTION,
    env_epoch,
    shelf_builds,
    weekly_build,
)

EXAMPLE = REPO / "deploy" / "nginx-shelf.conf"
EXAMPLE_PUBLIC = "/var/www/edition"
NGINX = next((p for p in ("/usr/sbin/nginx", shutil.which("nginx")) if p and os.path.isfile(p)),
             None)
LATEST_HINT = ".latest"
"""PUBLIC/<edition>/.latest: a relative symlink to the newest issue's day folder, from
which nginx names latest.* by date (see the conf). Made here if the shelf does not."""
WAIT = 15.0
OPDS = "application/atom+xml;profile=opds-catalog"

pytestmark = pytest.mark.skipif(
    NGINX is None, reason="nginx is not installed (Debian's package `nginx`; .ci/setup has it)")


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    return shelf_builds(tmp_path_factory)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_block(public: Path, port: int) -> str:
    """The example as it stands, listening on the test's port and serving its PUBLIC."""
    text = EXAMPLE.read_text(encoding="utf-8")
    assert text.count("server {") == 1 and EXAMPLE_PUBLIC in text
    text = re.sub(r"^\s*(listen|ssl_certificate\w*)\s[^;]*;\n", "", text, flags=re.M)
    text = text.replace("server {", f"server {{\n    listen 127.0.0.1:{port};", 1)
    return text.replace(EXAMPLE_PUBLIC, str(public))


def main_conf(folder: Path, server: Path) -> str:
    temp = "\n".join(f"    {kind}_temp_path {folder / kind};"
                     for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers must read tmp_path (0700)
    return (f"daemon off;\nworker_processes 1;\npid {folder / 'nginx.pid'};\n{user}"
            f"error_log {folder / 'error.log'} warn;\n"
            "events { worker_connections 64; }\n"
            f"http {{\n    access_log {folder / 'access.log'};\n{temp}\n"
            f"    include {server};\n}}\n")


class Nginx:
    def __init__(self, folder: Path, public: Path):
        self.folder = folder
        self.public = public
        self.process: subprocess.Popen | None = None
        self.port = 0

    def command(self, *extra: str) -> list[str]:
        return [NGINX, "-p", f"{self.folder}/", "-c", str(self.folder / "nginx.conf"),
                "-e", str(self.folder / "error.log"), *extra]

    def configure(self) -> subprocess.CompletedProcess:
        self.port = free_port()
        server = self.folder / "shelf.conf"
        server.write_text(server_block(self.public, self.port), encoding="utf-8")
        (self.folder / "nginx.conf").write_text(main_conf(self.folder, server),
                                               encoding="utf-8")
        return subprocess.run(self.command("-t"), capture_output=True, text=True, timeout=30)

    def start(self) -> None:
        """Start and wait until the port answers; retry on another port if it was taken."""
        for _attempt in range(3):
            checked = self.configure()
            assert checked.returncode == 0 and "[warn]" not in checked.stderr, checked.stderr
            log = (self.folder / "nginx.out").open("ab")
            self.process = subprocess.Popen(self.command(), stdout=log, stderr=log,
                                            stdin=subprocess.DEVNULL, start_new_session=True)
            log.close()
            if self._wait_ready():
                return
            self.stop()
        pytest.fail("nginx did not start:\n" + self.log())

    def _wait_ready(self) -> bool:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return True
            except OSError:
                pass
            try:
                self.process.wait(timeout=0.05)  # polls for an early exit (port taken)
                return False
            except subprocess.TimeoutExpired:
                continue
        return False

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)  # the master stops its workers
        try:
            self.process.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=WAIT)

    def log(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in
                         (self.folder / "nginx.out", self.folder / "error.log") if p.exists())

    def get(self, path: str, method: str = "GET", headers: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=WAIT)
        try:
            connection.request(method, path, headers=headers or {})
            response = connection.getresponse()
            body = response.read()
            return SimpleNamespace(status=response.status, headers=response.headers, body=body)
        finally:
            connection.close()


def point_hint(public: Path, edition: str, stand_in: set) -> None:
    """Until the shelf keeps the .latest hint itself, the test keeps it as the shelf would:
    a relative symlink to the newest day folder holding an issue.json, switched by rename."""
    folder = public / edition
    hint = folder / LATEST_HINT
    if hint.is_symlink() and hint not in stand_in:
        return  # the shelf writes it: test the shelf's
    newest = max(d for _, d in day_dirs(folder) if (d / ISSUE_FILE).is_file())
    temporary = folder / ".latest.stand-in.tmp"
    temporary.unlink(missing_ok=True)
    temporary.symlink_to(newest.relative_to(folder))
    os.replace(temporary, hint)
    stand_in.add(hint)


@pytest.fixture(scope="module")
def shelf(builds, tmp_path_factory):
    """Two days of "daily" published; the tests publish the third and a correction."""
    root = tmp_path_factory.mktemp("nginx")
    public = root / "public"
    stand_in: set = set()

    def publish_day(day, out=None, config=None, epoch=FIXED_EPOCH, edition="daily"):
        with env_epoch(epoch):
            publish(out or builds.out[day], public, config or builds.config, day)
        point_hint(public, edition, stand_in)

    for day in DAYS[:2]:
        publish_day(day)
    server = Nginx(root, public)
    server.start()
    yield SimpleNamespace(public=public, server=server, publish=publish_day, builds=builds)
    server.stop()
    assert server.process.returncode is not None
    # e.g. realpath() failing on a missing hint is logged as [crit]: the conf must not
    assert not re.search(r"\[(crit|alert|emerg)\]", server.log()), server.log()


def day_url(day, name_kind: str, edition: str = "daily") -> str:
    return f"/{edition}/{day:%Y/%m/%d}/{edition}-{day.isoformat()}.{name_kind}"


def test_files_are_served_with_the_types_the_docs_name(shelf):
    server = shelf.server
    day = DAYS[0]
    expected = {
        day_url(day, "pdf"): "application/pdf",
        day_url(day, "epub"): "application/epub+zip",
        day_url(day, "kepub.epub"): "application/kepub+zip",  # the Kobo book: by its name
        day_url(day, "cover.jpg"): "image/jpeg",
        day_url(day, "thumb.jpg"): "image/jpeg",
        "/daily/latest.pdf": "application/pdf",
        "/daily/latest.epub": "application/epub+zip",
        "/daily/latest.kepub.epub": "application/kepub+zip",
        "/opds.xml": OPDS,  # acquisition or navigation: depends on the editions on the shelf
        "/daily/opds.xml": f"{OPDS};kind=acquisition",
        "/": "text/html; charset=utf-8",
        "/index.html": "text/html; charset=utf-8",
        "/daily/": "text/html; charset=utf-8",
        "/daily/index.html": "text/html; charset=utf-8",
    }
    for path, kind in expected.items():
        response = server.get(path)
        assert response.status == 200, path
        assert response.headers["Content-Type"] == kind, path
        assert response.headers["X-Content-Type-Options"] == "nosniff", path
    # docs/shelf.md names the feed types the server must send
    docs = (REPO / "docs" / "shelf.md").read_text(encoding="utf-8")
    assert f"`{OPDS};kind=acquisition`" in docs and f"`{OPDS}`" in docs
    if (shelf.public / "daily" / "corrections.json").exists():
        assert server.get("/daily/corrections.json").headers["Content-Type"] == \
            "application/json; charset=utf-8"


def test_every_public_file_is_revalidated_before_a_cache_reuses_it(shelf):
    server = shelf.server
    for path in (day_url(DAYS[0], "pdf"), day_url(DAYS[0], "epub"),
                 day_url(DAYS[0], "thumb.jpg"), "/daily/latest.pdf", "/daily/latest.epub",
                 "/opds.xml", "/daily/opds.xml", "/", "/daily/"):
        response = server.get(path)
        assert response.status == 200, path
        assert response.headers["Cache-Control"] == "no-cache", path
        assert "Expires" not in response.headers, path
        etag, modified = response.headers["ETag"], response.headers["Last-Modified"]
        assert etag and modified, path
        assert server.get(path, headers={"If-None-Match": etag}).status == 304, path
        assert server.get(path, headers={"If-Modified-Since": modified}).status == 304, path


def test_a_corrected_day_is_not_served_stale(shelf):
    server, public = shelf.server, shelf.public
    path = day_url(CORRECTED_DAY, "epub")
    # The original was published hours before its correction (the files' mtime is in the
    # ETag, with the size; the build and the correction here run within the same second).
    folder = public / "daily" / f"{CORRECTED_DAY:%Y/%m/%d}"
    hours_ago = time.time() - 6 * 3600
    for file in folder.iterdir():
        os.utime(file, (hours_ago, hours_ago))
    before = server.get(path)
    shelf.publish(CORRECTED_DAY, out=shelf.builds.corrected_out, epoch=EPOCH_CORRECTION)
    after = server.get(path, headers={"If-None-Match": before.headers["ETag"],
                                      "If-Modified-Since": before.headers["Last-Modified"]})
    assert after.status == 200, "a cache revalidating the old copy would keep it"
    assert after.body == (folder / f"daily-{CORRECTED_DAY.isoformat()}.epub").read_bytes()
    assert after.body != before.body
    assert after.headers["ETag"] != before.headers["ETag"]


def test_latest_downloads_under_its_dated_name_and_follows_the_night(shelf):
    server, public = shelf.server, shelf.public
    newest = max(DAYS[:2])
    for kind in ("pdf", "epub", "kepub.epub"):
        response = server.get(f"/daily/latest.{kind}")
        assert response.status == 200
        assert response.headers["Content-Disposition"] == \
            f'attachment; filename="daily-{newest.isoformat()}.{kind}"'
        assert response.body == (public / "daily" / f"latest.{kind}").read_bytes()
        assert "Content-Disposition" not in server.get(day_url(newest, kind)).headers
        head = server.get(f"/daily/latest.{kind}", method="HEAD")
        assert head.status == 200 and head.body == b""
        assert head.headers["Content-Disposition"] == response.headers["Content-Disposition"]

    shelf.publish(DAYS[2])  # the next night, with nginx running and not reloaded
    for kind in ("pdf", "epub", "kepub.epub"):
        response = server.get(f"/daily/latest.{kind}")
        assert response.headers["Content-Disposition"] == \
            f'attachment; filename="daily-{DAYS[2].isoformat()}.{kind}"'
        assert response.body == (public / "daily" / f"latest.{kind}").read_bytes()
        assert response.body == server.get(day_url(DAYS[2], kind)).body


def test_without_the_hint_latest_is_still_served_named_by_its_edition(shelf, tmp_path_factory):
    config, out = weekly_build(tmp_path_factory)
    shelf.publish(DAYS[2], out=out, config=config, edition="weekly")
    (shelf.public / "weekly" / LATEST_HINT).unlink(missing_ok=True)  # a copy made without it
    for kind in ("pdf", "epub", "kepub.epub"):
        response = shelf.server.get(f"/weekly/latest.{kind}")
        assert response.status == 200
        assert response.headers["Content-Disposition"] == \
            f'attachment; filename="weekly-latest.{kind}"'
        assert response.headers["Cache-Control"] == "no-cache"
        assert response.body == (shelf.public / "weekly" / f"latest.{kind}").read_bytes()
    assert shelf.server.get("/weekly/latest.kepub.epub").headers["Content-Type"] == \
        "application/kepub+zip"


def test_newsroom_and_temporary_files_are_not_served(shelf):
    public, server = shelf.public, shelf.server
    folder = public / "daily" / f"{DAYS[0]:%Y/%m/%d}"
    made = {
        public / ".nightly.lock": b"4242\n",
        public / "daily" / "nightly.log": b"2026-12-31T19:30:00Z daily ...\n",
        public / ".publishing" / "journal.json": b"{}",
        folder / ".daily-2026-12-31.pdf.k3j9x.tmp": b"%PDF-",
        folder / ".daily-2026-12-31.epub.k3j9x.part": b"PK",
        public / "daily" / ".latest.pdf.a1b2c3.tmp": b"%PDF-",
        public / ".opds.xml.x1y2.tmp": b"<feed",
        public / ".index.html.x1y2.part": b"<html",
    }
    for path, data in made.items():
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    assert (folder / ISSUE_FILE).is_file()
    assert (folder / f"daily-{DAYS[0].isoformat()}.report.json").is_file()
    denied = [f"/{p.relative_to(public).as_posix()}" for p in made] + [
        f"/daily/{DAYS[0]:%Y/%m/%d}/issue.json",
        f"/daily/{DAYS[0]:%Y/%m/%d}/issue%2Ejson",
        f"/daily/{DAYS[0]:%Y/%m/%d}/ISSUE.JSON",
        day_url(DAYS[0], "report.json"),
        day_url(DAYS[0], "REPORT.JSON"),
        f"/daily/{LATEST_HINT}/daily-{DAYS[1].isoformat()}.pdf",  # the hint is no way in
        "/.latest-file/daily/latest.pdf",  # nor is the internal name of undated latest.*
        "/.latest-file/daily/latest.kepub.epub",  # its nested location is internal too
        "/.publishing/",
        f"/daily/{DAYS[0]:%Y/%m}/",  # no listings
    ]
    for path in denied:
        for method in ("GET", "HEAD"):
            response = server.get(path, method=method)
            assert response.status in (403, 404), (method, path, response.status)
            assert b"4242" not in response.body and b"%PDF" not in response.body
