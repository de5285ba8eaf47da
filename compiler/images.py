"""Photos: refuse what would hurt the build, then make print and screen copies.

A photo only ever costs its own story the picture: every failure here is a
warning and the story runs without it.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from pathlib import Path

from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from .diagnostics import Diagnostic, diag
from .model import Photo

MAX_PIXELS = 50_000_000
"""Checked from the header before decoding, so a decompression bomb never expands."""
MAX_FILE_BYTES = 40 * 1024 * 1024
SCREEN_LONG_SIDE = 1600
PRINT_LONG_SIDE = 2400
FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}

Image.MAX_IMAGE_PIXELS = MAX_PIXELS


def inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
        return True
    except ValueError:
        return False


def load_photo(spec: dict, story_path: Path, content_root: Path, line: int | None
               ) -> tuple[Photo | None, list[Diagnostic]]:
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
    size, problem = _probe(path)
    if problem:
        code, detail = problem
        return None, [diag(code, f"{src}: {detail}", story_path, line)]
    caption = " ".join(str(spec.get("caption") or "").split())
    alt = " ".join(str(spec.get("alt") or "").split())
    notes = [] if alt else [diag("P005", src, story_path, line)]
    return Photo(
        source=path, width=size[0], height=size[1], caption=caption,
        credit=" ".join(str(spec.get("credit") or "").split()), alt=alt or caption,
    ), notes


def _probe(path: Path) -> tuple[tuple[int, int], tuple[str, str] | None]:
    if path.stat().st_size > MAX_FILE_BYTES:
        return (0, 0), ("P004", f"file is over {MAX_FILE_BYTES // 2**20} MB")
    try:
        with warnings.catch_warnings():
            # Pillow warns on big images before our own pixel check reports P004.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(path)
        with image:
            if image.format not in FORMATS:
                return (0, 0), ("P003", f"{image.format} is not a supported format")
            width, height = image.size
            if width * height > MAX_PIXELS:
                return (0, 0), ("P004", f"{width}x{height} pixels")
            # WeasyPrint sets LOAD_TRUNCATED_IMAGES for the whole process when imported;
            # a truncated photo must still count as broken here.
            tolerant, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
            try:
                image.load()
            finally:
                ImageFile.LOAD_TRUNCATED_IMAGES = tolerant
            return (width, height), None
    except Image.DecompressionBombError as exc:
        return (0, 0), ("P004", str(exc))
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        return (0, 0), ("P003", str(exc) or type(exc).__name__)


def rendition(photo: Photo, long_side: int, quality: int, cache_dir: Path | None = None) -> bytes:
    """A JPEG no larger than long_side, stripped of metadata, same bytes every time."""
    data = photo.source.read_bytes()
    key = hashlib.sha256(data + f"{long_side}:{quality}".encode()).hexdigest()
    cached = cache_dir / f"{key}.jpg" if cache_dir else None
    if cached and cached.is_file():
        return cached.read_bytes()
    with Image.open(io.BytesIO(data)) as image:
        image = ImageOps.exif_transpose(image)
        if image.mode not in ("RGB", "L"):
            background = Image.new("RGB", image.size, "white")
            rgba = image.convert("RGBA")
            background.paste(rgba, mask=rgba.getchannel("A"))
            image = background
        image.thumbnail((long_side, long_side), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        image.save(out, "JPEG", quality=quality, optimize=True, progressive=False)
    result = out.getvalue()
    if cached:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(".tmp")
        tmp.write_bytes(result)
        tmp.replace(cached)
    return result
