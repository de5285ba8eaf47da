"""The one HTTP client of ingest: every address checked, every redirect checked again.

The build never touches the network; ingest does, for two things: the sources an
operator names, and the photos their items point at. So:

- a photo is fetched only from the edition's ``allowed_hosts`` or ``--allow-host``,
  on every hop of a redirect;
- a host that resolves to a loopback, private or link-local address (a metadata
  service at 169.254.169.254, the machine itself) is refused unless it was named
  explicitly on this run: a SOURCE's own host, or ``--allow-host``;
- the connection goes to the address that was checked (no second lookup that a
  DNS server could answer differently), with SNI and certificate checks for https;
- bytes, time and redirects are limited, and nothing is decompressed.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

MAX_REDIRECTS = 5
USER_AGENT = "edition-compiler-ingest/1"


class FetchError(Exception):
    """A fetch that failed or was refused; the message says which and why."""


@dataclass(frozen=True)
class Response:
    body: bytes
    content_type: str
    url: str
    """The final URL, after redirects (relative links in the body resolve against it)."""


@dataclass
class Fetcher:
    allowed_hosts: frozenset[str] = frozenset()
    """Hosts photos may come from."""
    named_hosts: frozenset[str] = frozenset()
    """Hosts named on this run: they may resolve to private addresses."""
    timeout: float = 20.0
    """Seconds for one whole fetch, redirects included."""

    def get(self, url: str, limit: int, *, photo: bool = False) -> Response:
        deadline = time.monotonic() + self.timeout
        for _hop in range(MAX_REDIRECTS + 1):
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise FetchError(f"{url[:200]!r} is not an http(s) URL")
            host = parts.hostname.lower()
            if photo and host not in self.allowed_hosts:
                raise FetchError(f"host {host} is not allowed (allowed: "
                                 f"{', '.join(sorted(self.allowed_hosts)) or 'none'})")
            addresses = self._addresses(host, parts.port, parts.scheme)
            status, headers, body = _request(parts, addresses, limit, deadline)
            if status in (301, 302, 303, 307, 308):
                location = headers.get("location")
                if not location:
                    raise FetchError(f"HTTP {status} without a Location")
                url = urljoin(url, location)
                continue
            if status != 200:
                raise FetchError(f"HTTP {status} from {host}")
            return Response(body, headers.get("content-type", ""), url)
        raise FetchError(f"more than {MAX_REDIRECTS} redirects")

    def _addresses(self, host: str, port: int | None, scheme: str) -> list[str]:
        try:
            infos = socket.getaddrinfo(host, port or (443 if scheme == "https" else 80),
                                       type=socket.SOCK_STREAM)
        except OSError as exc:
            raise FetchError(f"cannot resolve {host}: {exc.strerror or exc}") from exc
        addresses = [info[4][0] for info in infos]
        if host not in self.named_hosts:
            for address in addresses:
                ip = ipaddress.ip_address(address.split("%", 1)[0])
                if not ip.is_global:
                    raise FetchError(f"{host} resolves to the non-public address {ip} "
                                     "(name the host with --allow-host to allow it)")
        return list(dict.fromkeys(addresses))


def _connect(addresses: list[str], port: int, timeout: float) -> socket.socket:
    """The first of the checked addresses that answers (``localhost`` may be ::1 first)."""
    problem: OSError = OSError("no address")
    for address in addresses:
        try:
            return socket.create_connection((address, port), timeout)
        except OSError as exc:
            problem = exc
    raise problem


class _Pinned(http.client.HTTPConnection):
    """Connects to the addresses that were checked, whatever the name resolves to later."""

    def __init__(self, host, port, addresses, timeout):
        super().__init__(host, port, timeout=timeout)
        self._addresses = addresses

    def connect(self):
        self.sock = _connect(self._addresses, self.port, self.timeout)


class _PinnedTLS(http.client.HTTPSConnection):
    def __init__(self, host, port, addresses, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._addresses = addresses

    def connect(self):
        sock = _connect(self._addresses, self.port, self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _request(parts, addresses: list[str], limit: int, deadline: float):
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise FetchError("took too long")
    kind = _PinnedTLS if parts.scheme == "https" else _Pinned
    connection = kind(parts.hostname, parts.port, addresses, min(remaining, 15.0))
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("GET", path, headers={
            "User-Agent": USER_AGENT, "Accept": "*/*", "Accept-Encoding": "identity"})
        response = connection.getresponse()
        headers = {k.lower(): v for k, v in response.getheaders()}
        if response.status != 200:
            return response.status, headers, b""
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise FetchError(f"{declared} bytes is over the limit of {limit}")
        chunks, size = [], 0
        while True:
            if time.monotonic() > deadline:
                raise FetchError("took too long")
            chunk = response.read(65536)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                raise FetchError(f"over the limit of {limit} bytes")
            chunks.append(chunk)
        return response.status, headers, b"".join(chunks)
    except (OSError, http.client.HTTPException) as exc:
        reason = "timed out" if isinstance(exc, TimeoutError) else str(exc) or type(exc).__name__
        raise FetchError(f"{parts.hostname}: {reason}") from exc
    finally:
        connection.close()
