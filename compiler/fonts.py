"""The bundled faces, named once for the print CSS, the EPUB and the cover.

Families get names of our own ("Edition Serif") so nothing on the build machine
can stand in for them; fonts come from ``fonts/``, never from the system.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .resources import FONTS_DIR


@dataclass(frozen=True)
class Face:
    family: str
    file: str
    weight: int = 400
    style: str = "normal"

    @property
    def path(self) -> Path:
        return FONTS_DIR / self.file


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
)


def font_face_css(url_for) -> str:
    """@font-face rules; url_for(face) says where the reader finds the file."""
    rules = []
    for face in FACES:
        rules.append(
            "@font-face {\n"
            f'  font-family: "{face.family}";\n'
            f'  src: url("{url_for(face)}") format("truetype");\n'
            f"  font-weight: {face.weight};\n"
            f"  font-style: {face.style};\n"
            "}"
        )
    return "\n".join(rules) + "\n"


def face_path(family: str, weight: int = 400) -> Path:
    return next(f.path for f in FACES if f.family == family and f.weight == weight
                and f.style == "normal")
