"""The bundled faces, named once for the print CSS, the EPUB and the cover.

Families get names of our own ("Edition Serif") so nothing on the build machine
can stand in for them; fonts come from ``fonts/``, never from the system.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from compiler.resources import FONTS_DIR


@dataclass(frozen=True)
class Face:
    family: str
    file: str
    weight: int = 400
    style: str = "normal"
    editions: tuple[str, ...] = ()
    """Only editions in these languages use the face (empty: every edition), so the
    others' EPUBs neither declare nor embed it."""
    unicode_range: tuple[tuple[int, int], ...] = ()
    """The characters the face draws (empty: all it has), so a display face draws only
    its script and a Latin word in a Khmer headline comes from the text faces."""

    def draws(self, char: str) -> bool:
        return not self.unicode_range or any(
            low <= ord(char) <= high for low, high in self.unicode_range)

    @property
    def path(self) -> Path:
        return FONTS_DIR / self.file


FALLBACK = "Edition Fallback"
FALLBACK_SYMBOLS = "Edition Fallback Symbols"
DISPLAY_KHMER = "Edition Display Khmer"
"""Moul, the masthead and headline face of Khmer papers: a Khmer edition's masthead,
section openers and Khmer headlines (only the Khmer ones: an English headline in a
Khmer edition keeps Edition Sans, and the English daily's Khmer stories keep Edition
Sans Khmer)."""

FACES = (
    Face("Edition Serif", "NotoSerif-Regular.ttf"),
    Face("Edition Serif", "NotoSerif-Bold.ttf", 700),
    Face("Edition Serif", "NotoSerif-Italic.ttf", 400, "italic"),
    Face("Edition Serif", "NotoSerif-BoldItalic.ttf", 700, "italic"),
    Face("Edition Sans", "NotoSans-Regular.ttf"),
    Face("Edition Sans", "NotoSans-Bold.ttf", 700),
    Face("Edition Serif Khmer", "NotoSerifKhmer-Regular.ttf"),
    Face("Edition Serif Khmer", "NotoSerifKhmer-Bold.ttf", 700),
    Face("Edition Sans Khmer", "NotoSansKhmer-Regular.ttf"),
    Face("Edition Sans Khmer", "NotoSansKhmer-Bold.ttf", 700),
    Face(DISPLAY_KHMER, "Moul-Regular.ttf", editions=("km",),
         unicode_range=((0x1780, 0x17FF), (0x25CC, 0x25CC))),
    Face("Edition Symbols", "NotoSansMath-Regular.ttf"),
    Face(FALLBACK, "NotoSansSymbols2-Regular.ttf"),
    Face(FALLBACK_SYMBOLS, "NotoSansSymbols-Regular.ttf"),
)
"""Every stack in the layouts' CSS ends "Edition Symbols", FALLBACK, FALLBACK_SYMBOLS:
the last faces draw only what the ones before them lack (bullets of nested lists, shapes,
dingbats), in the PDF and on readers that fall back glyph by glyph. fonts/README.md says
which face covers what and where each file comes from."""


def in_edition(face: Face, language: str | None) -> bool:
    """Whether an edition in ``language`` uses the face (None: any edition may)."""
    return (language is None or not face.editions
            or language.replace("_", "-").split("-")[0].lower() in face.editions)


def font_face_css(url_for, language: str | None = None) -> str:
    """@font-face rules; url_for(face) says where the reader finds the file. With
    ``language``, only the faces an edition in it uses."""
    rules = []
    for face in FACES:
        if not in_edition(face, language):
            continue
        rules.append(
            "@font-face {\n"
            f'  font-family: "{face.family}";\n'
            f'  src: url("{url_for(face)}") format("truetype");\n'
            f"  font-weight: {face.weight};\n"
            f"  font-style: {face.style};\n"
            f"{_css_range(face.unicode_range)}"
            "}"
        )
    return "\n".join(rules) + "\n"


def _css_range(ranges) -> str:
    """The ``unicode-range`` line of a face that has one, else nothing."""
    if not ranges:
        return ""
    return "  unicode-range: " + ", ".join(
        f"U+{low:04X}" + (f"-{high:04X}" if high != low else "") for low, high in ranges
    ) + ";\n"


def face_path(family: str, weight: int = 400) -> Path:
    return next(f.path for f in FACES if f.family == family and f.weight == weight
                and f.style == "normal")


@cache
def isolate_fontconfig() -> None:
    """Point fontconfig at fonts/ only, before Pango starts (so once per process:
    fontconfig reads the file once).

    WeasyPrint falls back to any system font for a glyph our faces lack; with
    this config there is nothing else to fall back to, so the PDF can only ever
    embed the bundled fonts.
    """
    digest = hashlib.sha256(str(FONTS_DIR).encode()).hexdigest()[:12]
    folder = Path(tempfile.gettempdir()) / f"edition-fontconfig-{os.getuid()}-{digest}"
    folder.mkdir(parents=True, exist_ok=True)
    conf = folder / "fonts.conf"
    text = (
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        f"<fontconfig>\n  <dir>{FONTS_DIR}</dir>\n  <cachedir>{folder / 'cache'}</cachedir>\n"
        "</fontconfig>\n"
    )
    if not conf.is_file() or conf.read_text() != text:
        conf.write_text(text)
    os.environ["FONTCONFIG_FILE"] = str(conf)
