"""The one URL fetcher every WeasyPrint object gets.

WeasyPrint's default fetcher reads any ``file:`` path and any network URL, and
``rel=attachment`` embeds what it fetched into the PDF. Story content is
untrusted, so this fetcher serves only files under the content folder, the
layouts and the fonts, and the network only for hosts the edition allows,
checking every resolved address and every redirect.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import unquote, urljoin, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

MAX_REMOTE_BYTES = 20 * 1024 * 1024


class RefusedURL(ValueError):
    pass


class EditionFetcher(URLFetcher):
    def __init__(self, roots: list[Path], allowed_hosts: tuple[str, ...] = (), timeout: float = 10,
                 named: dict[str, Path] | None = None):
        super().__init__(timeout=timeout, allow_redirects=False)
        self.roots = [root.resolve() for root in roots]
        self.named = {scheme: folder.resolve() for scheme, folder in (named or {}).items()}
        self.allowed_hosts = {host.lower() for host in allowed_hosts}
        self.refused: list[str] = []
        self._lock = threading.Lock()

    def fetch(self, url, headers=None):
        try:
            scheme = urlsplit(url).scheme.lower()
            if scheme == "file":
                return self._file(url)
            if scheme in self.named:
                return self._named(self.named[scheme], url.split(":", 1)[1])
            if scheme in ("http", "https"):
                return self._remote(url, headers)
            raise RefusedURL(f"scheme {scheme or '(none)'}: is not allowed")
        except RefusedURL as exc:
            with self._lock:
                self.refused.append(f"{url[:200]}: {exc}")
            raise

    def _file(self, url: str) -> URLFetcherResponse:
        path = Path(unquote(urlsplit(url).path)).resolve()
        if not any(path == root or root in path.parents for root in self.roots):
            raise RefusedURL("outside the content folder, layouts and fonts")
        if not path.is_file():
            raise RefusedURL("no such file")
        return URLFetcherResponse(path.as_uri(), path.read_bytes(),
                                  {"Content-Type": _guess_type(path)})

    def _named(self, folder: Path, name: str) -> URLFetcherResponse:
        """Files the build itself made (print photos), addressed by a stable name."""
        if not name or name in (".", "..") or "/" in name or "\\" in name:
            raise RefusedURL("not a build file name")
        path = (folder / name).resolve()
        if path.parent != folder or not path.is_file():
            raise RefusedURL("no such build file")
        return URLFetcherResponse(f"{folder.name}/{name}", path.read_bytes(),
                                  {"Content-Type": _guess_type(path)})

    def _remote(self, url: str, headers) -> URLFetcherResponse:
        for _hop in range(5):
            host = (urlsplit(url).hostname or "").lower()
            if host not in self.allowed_hosts:
                raise RefusedURL(f"host {host!r} is not in the edition's allowed_hosts")
            check_public(host)
            try:
                response = super().fetch(url, headers)
            except HTTPError as exc:
                # urllib raises on a redirect it is told not to follow; follow it
                # here, so the next hop is checked like the first.
                if exc.code not in (301, 302, 303, 307, 308):
                    raise
                url = urljoin(url, exc.headers.get("Location", ""))
                exc.close()
                continue
            body = response.read(MAX_REMOTE_BYTES + 1)
            response.close()
            if len(body) > MAX_REMOTE_BYTES:
                raise RefusedURL("response is over the size limit")
            return URLFetcherResponse(response.url, body, response.headers, response.status)
        raise RefusedURL("too many redirects")


def check_public(host: str) -> None:
    """Refuse hosts that resolve to loopback, private or link-local addresses (SSRF)."""
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError as exc:
        raise RefusedURL(f"cannot resolve {host}: {exc}") from exc
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise RefusedURL(f"{host} resolves to non-public address {address}")


def _guess_type(path: Path) -> str:
    return {
        ".css": "text/css", ".ttf": "font/ttf", ".otf": "font/otf", ".woff": "font/woff",
        ".woff2": "font/woff2", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
        ".webp": "image/webp", ".gif": "image/gif", ".svg": "image/svg+xml",
        ".html": "text/html",
    }.get(path.suffix.lower(), "application/octet-stream")
