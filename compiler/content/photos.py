"""Photos: refuse what would hurt the build, then make print and screen copies.

A photo only ever costs its own story the picture: every failure here is a
warning and the story runs without it.
"""

from __future__ import annotations

import hashlib
import io
import re
import threading
import warnings
from pathlib import Path
from typing import NamedTuple

from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from compiler.diagnostics import Diagnostic, diag
from compiler.files import atomic_write
from compiler.model import Photo

MAX_PIXELS = 50_000_000
"""Checked from the header before decoding, so a decompression bomb never expands."""
MAX_FILE_BYTES = 40 * 1024 * 1024
FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
FORMATS_SHOWN = "JPEG, PNG, WebP or GIF"
PROBE_SCALE = 8
"""The photo check decodes JPEGs at 1/8 scale: every byte is still read, so a
truncated file still fails, at a fraction of the cost."""


class Size(NamedTuple):
    long_side: int
    quality: int


PRINT = Size(2400, 84)
"""180 mm of text width at about 340 dpi."""
SCREEN = Size(1600, 78)
RENDITION_VERSION = 4
"""Part of every cached copy's name: bump it when the way copies are made changes."""
COPIES_FOLDER = "photos"
"""Under the build cache: copies named by the digest of their source's bytes."""
_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()

Image.MAX_IMAGE_PIXELS = MAX_PIXELS


def inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
        return True
    except ValueError:
        return False


def load_photo(spec: dict, story_path: Path, content_root: Path, line: int | None,
               decoded: frozenset[str] = frozenset()) -> tuple[Photo | None, list[Diagnostic]]:
    src = str(spec.get("src") or "").strip()
    if not src:
        return None, [diag("S005", "image.src is missing", story_path, line)]
    if "://" in src or src.startswith(("data:", "file:")):
        detail = f"{src!r} is not a file in the content folder"
        return None, [diag("P002", detail, story_path, line)]
    candidate = story_path.parent / src
    if not inside(candidate, content_root):
        return None, [diag("P002", src, story_path, line)]
    path = candidate.resolve()
    if not path.is_file():
        return None, [diag("P001", src, story_path, line)]
    size, problem, digest = _probe(path, decoded)
    if problem:
        code, detail = problem
        return None, [diag(code, f"{src}: {detail}", story_path, line)]
    caption = " ".join(str(spec.get("caption") or "").split())
    alt = " ".join(str(spec.get("alt") or "").split())
    notes = [] if alt else [diag("P005", src, story_path, line)]
    return Photo(
        source=path, width=size[0], height=size[1], caption=caption,
        credit=" ".join(str(spec.get("credit") or "").split()), alt=alt or caption,
        digest=digest,
    ), notes


def decoded_before(cache_dir: Path | None) -> frozenset[str]:
    """Digests of the photos whose copies are in the build cache: those exact bytes
    decoded whole once, so checking them again need not decode them (a correction
    would otherwise decode every photo of the edition to check it)."""
    folder = cache_dir / COPIES_FOLDER if cache_dir else None
    if folder is None or not folder.is_dir():
        return frozenset()
    suffix = copy_name("", PRINT)
    return frozenset(path.name.removesuffix(suffix) for path in folder.glob(f"*{suffix}"))


def copy_name(digest: str, size: Size) -> str:
    return f"{digest}-{size.long_side}-{size.quality}-v{RENDITION_VERSION}.jpg"


def _probe(path: Path, decoded: frozenset[str] = frozenset()
           ) -> tuple[tuple[int, int], tuple[str, str] | None, str]:
    if path.stat().st_size > MAX_FILE_BYTES:
        return (0, 0), ("P004", f"file is over {MAX_FILE_BYTES // 2**20} MB"), ""
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    size, problem = check_photo(data, decode=digest not in decoded)
    return size, problem, digest


def check_photo(data: bytes, decode: bool = True) -> tuple[tuple[int, int], tuple[str, str] | None]:
    if not data:
        return (0, 0), ("P003", "the file is empty (0 bytes)")
    try:
        with warnings.catch_warnings():
            # Pillow warns on big images before our own pixel check reports P004.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
        with image:
            if image.format not in FORMATS:
                return (0, 0), ("P003", f"{image.format} is not supported (use {FORMATS_SHOWN})")
            width, height = image.size
            if width * height > MAX_PIXELS:
                return (0, 0), ("P004", over_the_limit(width * height, f"{width}x{height}"))
            if not decode:
                return (width, height), None
            # WeasyPrint sets LOAD_TRUNCATED_IMAGES for the whole process when imported;
            # a truncated photo must still count as broken here.
            tolerant, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
            try:
                image.draft("RGB", (max(1, width // PROBE_SCALE), max(1, height // PROBE_SCALE)))
                image.load()
            finally:
                ImageFile.LOAD_TRUNCATED_IMAGES = tolerant
            return (width, height), None
    except Image.DecompressionBombError as exc:
        # Pillow refuses at twice MAX_PIXELS, before our check sees the size; its message
        # names its own limit, so only the pixel count is taken from it.
        found = re.search(r"\((\d+) pixels\)", str(exc))
        return (0, 0), ("P004", over_the_limit(int(found[1]) if found else None))
    except UnidentifiedImageError:
        return (0, 0), ("P003", f"the file is not a {FORMATS_SHOWN} image")
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        return (0, 0), ("P003", _damaged(exc))


def over_the_limit(pixels: int | None, dimensions: str = "") -> str:
    """``56 megapixels (8000x7000), over the 50-megapixel limit``: the limit this module
    enforces, whichever check (Pillow's or ours) caught the photo."""
    limit = f"over the {_megapixels(MAX_PIXELS)}-megapixel limit"
    if pixels is None:
        return f"the photo is {limit}"
    shown = f" ({dimensions})" if dimensions else ""
    return f"{_megapixels(pixels)} megapixels{shown}, {limit}"


def _megapixels(pixels: int) -> str:
    return f"{pixels / 1_000_000:,.1f}".removesuffix(".0")


def _damaged(exc: BaseException) -> str:
    """Pillow's reason when it is words; never a Python object's repr or a type name."""
    reason = str(exc).strip()
    if isinstance(exc, EOFError) or "truncated" in reason.lower():
        return "the file ends before the image does (it is truncated)"
    if reason and not re.search(r"<[^>]*>|0x[0-9a-f]{6,}", reason):
        return f"the image data is damaged ({reason})"
    return "the image data is damaged"


def rendition(photo: Photo, size: Size, cache_dir: Path | None = None) -> bytes:
    """A JPEG no larger than ``size``, stripped of metadata, same bytes every time.

    The print and screen copies come from one decode, the screen copy always from
    the print-size image, so a copy's bytes never depend on which was asked for
    first; threads asking for the same photo wait for one another instead of
    decoding it twice."""
    data = None if photo.digest else photo.source.read_bytes()
    digest = photo.digest or hashlib.sha256(data).hexdigest()

    def cached(wanted: Size) -> Path | None:
        return cache_dir / copy_name(digest, wanted) if cache_dir else None

    path = cached(size)
    if path and path.is_file():
        return path.read_bytes()
    with _lock(digest):
        if path and path.is_file():
            return path.read_bytes()
        if data is None:
            data = photo.source.read_bytes()
            if hashlib.sha256(data).hexdigest() != digest:  # changed since it was checked
                return _chain(data)[size]
        made = _chain(data)
        for wanted, copy in made.items():
            if target := cached(wanted):
                atomic_write(target, copy, durable=False)
    return made[size]


def _lock(digest: str) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(digest, threading.Lock())


def _chain(data: bytes) -> dict[Size, bytes]:
    made = {}
    with Image.open(io.BytesIO(data)) as original:
        image = ImageOps.exif_transpose(original)
        if image.mode not in ("RGB", "L"):
            background = Image.new("RGB", image.size, "white")
            rgba = image.convert("RGBA")
            background.paste(rgba, mask=rgba.getchannel("A"))
            image = background
        for size in (PRINT, SCREEN):
            # Hamming: sharper than bilinear at the cost of bilinear, half bicubic's;
            # at these gentle reductions (0.8, then 0.67) the difference from
            # bicubic does not show at 340 dpi or on a screen, and photo copies are
            # about a fifth of a first build's CPU (one photo's timing x 33 / a build).
            image.thumbnail((size.long_side, size.long_side), Image.Resampling.HAMMING)
            out = io.BytesIO()
            image.save(out, "JPEG", quality=size.quality, optimize=True, progressive=False)
            made[size] = out.getvalue()
    return made
