"""Subset bundled fonts to the characters an edition uses, for a small EPUB.

Full Noto faces would be about 4 MB per edition; subsets are tens of kB.
fontTools keeps the GSUB/GPOS closure, so Khmer still shapes after subsetting.
"""

from __future__ import annotations

import hashlib
import io
from functools import lru_cache
from pathlib import Path

import fontTools
from fontTools import subset
from fontTools.ttLib import TTFont

from .publish import atomic_write

ALWAYS = "".join(chr(c) for c in range(0x20, 0x7F))
ALWAYS += "\u00a0\u2018\u2019\u201c\u201d\u2013\u2014\u2026"


def subset_font(path: Path, text: str, cache_dir: Path | None = None) -> bytes:
    """Cached on disk by font, characters and fontTools version: subsetting the
    edition's faces is most of a correction's EPUB time."""
    characters = "".join(sorted(set(text + ALWAYS)))
    if cache_dir is None:
        return _subset(path, characters)
    key = hashlib.sha256(path.read_bytes() + characters.encode() + fontTools.version.encode())
    cached = cache_dir / f"{key.hexdigest()}.ttf"
    try:
        return cached.read_bytes()
    except OSError:
        data = _subset(path, characters)
        atomic_write(cached, data, durable=False)
        return data


@lru_cache(maxsize=64)
def _subset(path: Path, characters: str) -> bytes:
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.glyph_names = False
    options.hinting = False
    font = TTFont(str(path), recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=characters)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()
