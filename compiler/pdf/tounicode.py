"""Khmer glyphs mapped to the characters they draw, in the fonts' ToUnicode CMaps.

WeasyPrint maps a glyph to text from Pango's clusters: a cluster's text goes to its
last glyph, the glyphs before it get nothing (``<006a> <>``), and the first cluster a
glyph is seen in decides its entry for the whole part. Khmer clusters are often several
glyphs (a pre-base vowel, a subscript consonant), so Khmer fonts carry empty entries,
which PDF/UA validators fail (ISO 14289-1 7.21.7) even though /ActualText
(``actual_text``) gives every Khmer line its words.

A CMap maps a glyph, not an occurrence, so no CMap can give each glyph "its cluster's
text": the same subscript glyph sits in many clusters. What it can say is the characters
each glyph draws, and the font knows them: its cmap for a glyph of one character, its
glyph names (``uni17D2179A`` = U+17D2 U+179A, COENG RO) for ligatures and subscripts.
So every Khmer glyph maps to those characters, 1:1 and the same in every cluster. The
names are read from the bundled face (``fonts/``): the embedded subsets keep the glyph
ids (WeasyPrint subsets with retained ids) but not the names.

Viewers that ignore /ActualText then read each Khmer character once, in the order
the glyphs are drawn (a pre-base vowel before its consonant), where WeasyPrint's
entries read some twice and some not at all. Latin glyphs keep WeasyPrint's entries;
a glyph the font has no name or cmap entry for keeps its entry (none in the bundled
faces; tests/pdf/test_pdfua.py checks).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from fontTools import agl
from fontTools.ttLib import TTFont

from compiler.text.fonts import FACES

_ENTRY = re.compile(rb"<([0-9a-fA-F]{4})> <([0-9a-fA-F]*)>")


def is_khmer(text: str) -> bool:
    return any("\u1780" <= c <= "\u17ff" or "\u19e0" <= c <= "\u19ff" for c in text)


def _decode(hex_text: bytes) -> str:
    return bytes.fromhex(hex_text.decode("ascii")).decode("utf-16-be", "replace")


def _encode(text: str) -> bytes:
    return text.encode("utf-16-be").hex().encode("ascii")


_WORK = re.compile(rb"> <(?:>|(?:[0-9a-fA-F]{4})*?(?:17[89a-fA-F]|19[e-fE-F])[0-9a-fA-F])")
"""An empty entry, or one with a Khmer character (U+1780-17FF, U+19E0-19FF) in it."""


@cache
def face_files() -> dict[str, Path]:
    """Font name as WeasyPrint writes it after the subset tag -> the bundled file. Pango
    names a face by the family asked for ("Edition-Serif-Khmer-Bold") or, when it falls
    back to it, by the font's own family ("Noto-Sans-Khmer-Bold")."""
    files = {}
    for face in FACES:
        style = ["Bold" if face.weight >= 700 else "", "Italic" if face.style == "italic" else ""]
        names = TTFont(face.path, lazy=True)["name"]
        own = names.getDebugName(16) or names.getDebugName(1) or face.family
        for family in (face.family, own):
            files.setdefault("-".join(" ".join([family, *style]).split()), face.path)
    return files


@cache
def glyph_texts(path: Path) -> dict[int, str]:
    """Glyph id -> the characters it draws, from the font's cmap and glyph names."""
    font = TTFont(path, lazy=True)
    order = font.getGlyphOrder()
    cmap = {}
    if "cmap" in font:
        for codepoint, name in sorted((font.getBestCmap() or {}).items(), reverse=True):
            cmap[name] = chr(codepoint)  # the lowest code point wins
    texts = {}
    for gid, name in enumerate(order):
        text = cmap.get(name) or agl.toUnicode(_agl_name(name))
        if text and text.isprintable():
            texts[gid] = text
    return texts


_BARE_HEX = re.compile(r"[0-9A-F]{4,6}")


def _agl_name(name: str) -> str:
    """Moul names its ligatures ``uni17D2_1783_17B6``: the later components are bare
    code points, which the Adobe Glyph List reads as nothing; ``uni17D2_uni1783_uni17B6``
    is what it reads as COENG, KHA, AA."""
    if not name.startswith("uni") or "_" not in name:
        return name
    base, dot, suffix = name.partition(".")
    parts = [f"uni{c}" if _BARE_HEX.fullmatch(c) else c for c in base.split("_")]
    return "_".join(parts) + dot + suffix


def remap(cmap: bytes, texts) -> bytes:
    """The CMap with each empty or Khmer entry replaced by what its glyph draws
    (``texts``: glyph id -> characters, or a callable giving that dict when needed)."""
    def replace(match: re.Match) -> bytes:
        old = _decode(match[2]) if match[2] else ""
        if old and not is_khmer(old):
            return match[0]
        own = table.get(int(match[1], 16))
        if not own or own == old:
            return match[0]
        return b"<" + match[1] + b"> <" + _encode(own) + b">"

    if not _WORK.search(cmap):
        return cmap
    table = texts() if callable(texts) else texts
    return _ENTRY.sub(replace, cmap)


def fill(fonts) -> None:
    """``fonts``: (ToUnicode stream, font name after the subset tag) of each font, as
    pikepdf objects. Rewrites the CMaps with empty or Khmer entries of the bundled
    faces; the others are not touched."""
    for to_unicode, name in fonts:
        cmap = to_unicode.read_bytes()
        if not _WORK.search(cmap) or (path := face_files().get(name)) is None:
            continue
        new = remap(cmap, glyph_texts(path))
        if new != cmap:
            to_unicode.write(new)
