"""Which characters of a story the bundled faces can draw, checked when the story is read.

A character no face has prints as an empty box (.notdef) in the PDF and, on a reader
that does not fall back glyph by glyph, in the EPUB too; nothing in either output would
say so. Every stack in the layouts ends with the same faces (the Khmer faces, the maths
face and the two fallback faces, see fonts.py), and the Serif and Sans faces cover the
same characters, so one set, the union of every face's cmap, answers for both outputs.
The cmaps are read once per process.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path

import uharfbuzz as hb
from lxml import etree

from compiler.diagnostics import Diagnostic, diag
from compiler.model import Story
from compiler.text.fonts import FACES, FALLBACK, FALLBACK_SYMBOLS, Face

LIST_MARKERS = "\u2022\u25e6\u25aa"
"""What the layouts draw for ul, ul ul and ul ul ul (disc, circle, square): in no text,
but drawn from the same faces."""
MAX_REPORTED = 10
"""Characters named per story; a story in an uncovered script would otherwise fill the log."""


@cache
def cmap(face: Face) -> frozenset[int]:
    """The characters a face maps, read by HarfBuzz (a sixth of fontTools' time: this
    runs in every build, a correction's included)."""
    return frozenset(hb.Face(face.path.read_bytes()).unicodes)


@cache
def covered_codepoints() -> frozenset[int]:
    return frozenset().union(*(cmap(face) for face in FACES))


def drawn_only_by(face: Face) -> frozenset[int] | None:
    """For a fallback face, the characters no face before it in its stacks has (all it will
    ever draw); None for a text face."""
    if face.family not in (FALLBACK, FALLBACK_SYMBOLS):
        return None
    earlier = FACES[:FACES.index(face)]
    return cmap(face) - frozenset().union(*(cmap(f) for f in earlier))


def needs_glyph(ch: str) -> bool:
    """Whether a character needs a glyph at all: controls, format characters (U+200B,
    soft hyphen, joiners, bidi marks) and variation selectors are never drawn."""
    if ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp"):
        return False
    point = ord(ch)
    return not (0xFE00 <= point <= 0xFE0F or 0xE0100 <= point <= 0xE01EF or point == 0x034F)


def uncovered(text: str) -> list[str]:
    """Characters of ``text`` no bundled face has, in order of first appearance."""
    covered = covered_codepoints()
    return [ch for ch in dict.fromkeys(text) if ord(ch) not in covered and needs_glyph(ch)]


def describe(ch: str) -> str:
    """U+E000 <private use>, U+1F600 GRINNING FACE: what an editor can search for."""
    name = unicodedata.name(ch, "")
    if not name:
        category = unicodedata.category(ch)
        name = {"Co": "<private use>", "Cn": "<unassigned>", "Cs": "<surrogate>"}.get(
            category, f"<{category}>")
    return f"U+{ord(ch):04X} {name}"


def story_text(story: Story) -> str:
    """Every character the outputs draw for the story: front matter, body (without its
    markup), captions, related entries, and the bullets of its lists."""
    parts = [story.headline, story.standfirst, story.byline]
    if story.body_html:
        body = etree.fromstring(f"<div>{story.body_html}</div>")
        parts.append("".join(body.itertext()))
        if body.find(".//ul") is not None:
            parts.append(LIST_MARKERS)
    for photo in (story.photo, *story.figures):
        if photo is not None:
            parts += [photo.caption, photo.credit, photo.alt]
    for entry in story.related:
        parts += [entry.headline, entry.teaser]
    return "\n".join(parts)


def check_story(story: Story, source: str, path: Path, fallback_line: int | None
                ) -> list[Diagnostic]:
    """S016 for each character of the story no face has, at the first line of ``source``
    (the story file) that has it; ``fallback_line`` for one the typographer made."""
    missing = uncovered(story_text(story))
    problems = []
    for ch in missing[:MAX_REPORTED]:
        at = source.find(ch)
        line = source.count("\n", 0, at) + 1 if at >= 0 else fallback_line
        problems.append(diag("S016", describe(ch), path, line))
    if len(missing) > MAX_REPORTED:
        rest = " ".join(f"U+{ord(ch):04X}" for ch in missing[MAX_REPORTED:])
        problems.append(diag("S016", f"and {len(missing) - MAX_REPORTED} more: {rest}",
                             path, fallback_line))
    return problems
