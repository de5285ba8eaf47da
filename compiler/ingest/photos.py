"""Main photos fetched in parallel and checked before they reach the content folder.

A photo only ever costs its own story the picture: a refusal, a timeout, a
response that is not an image or one too large to decode safely is a reason,
and the story is written without the photo. What the bytes are is sniffed from
their first bytes and the header Pillow reads; the server's word is not taken.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from compiler.content.photos import check_photo
from compiler.ingest.fetch import Fetcher, FetchError

MAX_PHOTO_BYTES = 25 * 1024 * 1024
WORKERS = 8
"""Downloads at once: photos are small and servers slow, so threads wait, not work."""
_MAGIC = ((b"\xff\xd8\xff", "jpg"), (b"\x89PNG\r\n\x1a\n", "png"), (b"GIF87a", "gif"),
          (b"GIF89a", "gif"))


@dataclass(frozen=True)
class Fetched:
    data: bytes = b""
    suffix: str = ""
    problem: str = ""


def fetch_all(urls: list[str], fetcher: Fetcher, workers: int = WORKERS) -> dict[str, Fetched]:
    """Each distinct URL once, ``workers`` at a time (1: one after the other)."""
    unique = list(dict.fromkeys(urls))
    if workers <= 1 or len(unique) <= 1:
        return {url: fetch_one(url, fetcher) for url in unique}
    with ThreadPoolExecutor(max_workers=min(workers, len(unique))) as pool:
        return dict(zip(unique, pool.map(lambda url: fetch_one(url, fetcher), unique),
                        strict=True))


def fetch_one(url: str, fetcher: Fetcher) -> Fetched:
    try:
        response = fetcher.get(url, MAX_PHOTO_BYTES, photo=True)
    except FetchError as exc:
        return Fetched(problem=str(exc))
    return check(response.body)


def check(data: bytes) -> Fetched:
    """The content folder's own check (format, pixels, a decode probe for truncated
    files: compiler/content/photos.py), so what ingest keeps, the build accepts."""
    suffix = sniff(data)
    if not suffix:
        return Fetched(problem=f"not a JPEG, PNG, WebP or GIF image (starts {data[:12]!r})")
    _, problem = check_photo(data)
    if problem is not None:
        return Fetched(problem=problem[1])
    return Fetched(data, suffix)


def sniff(data: bytes) -> str:
    for magic, suffix in _MAGIC:
        if data.startswith(magic):
            return suffix
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return ""
