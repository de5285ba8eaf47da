"""Subset bundled fonts to the characters an edition uses, for a small EPUB.

Full Noto faces would be about 4 MB per edition; subsets are tens of kB.
fontTools keeps the GSUB/GPOS closure, so Khmer still shapes after subsetting.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

ALWAYS = "".join(chr(c) for c in range(0x20, 0x7F))
ALWAYS += "\u00a0\u2018\u2019\u201c\u201d\u2013\u2014\u2026"


def subset_font(path: Path, text: str) -> bytes:
    return _subset(path, "".join(sorted(set(text + ALWAYS))))


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
