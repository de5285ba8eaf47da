"""Subset bundled fonts to the characters an edition uses, for a small EPUB.

Full Noto faces would be about 4 MB per edition; subsets are tens of kB.
HarfBuzz's subsetter keeps every layout feature and script (the GSUB/GPOS
closure), so Khmer shapes after subsetting exactly as before; it takes
milliseconds where fontTools took two seconds per edition.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

import uharfbuzz as hb

from compiler.files import atomic_write
from compiler.text.coverage import drawn_only_by
from compiler.text.fonts import FACES

ALWAYS = "".join(chr(c) for c in range(0x20, 0x7F))
ALWAYS += "\u00a0\u2018\u2019\u201c\u201d\u2013\u2014\u2026"
ALWAYS += "\u2022\u25e6\u25aa"
"""The reader draws list markers (disc, circle, square: the bullets of nested lists) that
are in no text; the fallback face (fonts/README.md) keeps ◦ and ▪, the text faces •."""
KEEP_ALL = (hb.SubsetInputSets.LAYOUT_FEATURE_TAG, hb.SubsetInputSets.LAYOUT_SCRIPT_TAG,
            hb.SubsetInputSets.NAME_ID, hb.SubsetInputSets.NAME_LANG_ID)
"""Sets that start out as HarfBuzz's defaults (only common features, some names);
emptied and inverted, they keep everything."""


def subset_font(path: Path, text: str, cache_dir: Path | None = None) -> bytes:
    """Cached on disk by font, characters and HarfBuzz version."""
    characters = "".join(sorted(set(text + ALWAYS)))
    face = next((f for f in FACES if f.path == path), None)
    if face is not None and face.unicode_range:  # a display face draws its script only
        characters = " " + "".join(ch for ch in characters if face.draws(ch))
    needed = _fallback_only(path)
    if needed is not None:  # a fallback face draws only what the faces before it lack;
        # the space keeps a cmap in a subset the text does not use (tools expect one)
        characters = " " + "".join(ch for ch in characters if ord(ch) in needed)
    if cache_dir is None:
        return _subset(path, characters)
    key = hashlib.sha256(path.read_bytes() + characters.encode() + hb.__version__.encode())
    cached = cache_dir / f"{key.hexdigest()}.ttf"
    try:
        return cached.read_bytes()
    except OSError:
        data = _subset(path, characters)
        atomic_write(cached, data, durable=False)
        return data


def _fallback_only(path: Path) -> frozenset[int] | None:
    face = next((f for f in FACES if f.path == path), None)
    return drawn_only_by(face) if face else None


@lru_cache(maxsize=64)
def _subset(path: Path, characters: str) -> bytes:
    face = hb.Face(hb.Blob.from_file_path(str(path)))
    wanted = hb.SubsetInput()
    wanted.unicode_set.update(ord(c) for c in characters)
    for kind in KEEP_ALL:
        tags = wanted.sets(kind)
        tags.clear()
        tags.invert()
    wanted.flags = hb.SubsetFlags.NO_HINTING | hb.SubsetFlags.NOTDEF_OUTLINE
    return hb.subset(face, wanted).blob.data
