"""EPUB font subsets, judged by HarfBuzz's shaper: text set in a subset must come
out glyph for glyph, advance for advance, as in the full face."""

from __future__ import annotations

from itertools import groupby
from pathlib import Path

import pytest
import uharfbuzz as hb

from compiler.epub.subset import subset_font
from compiler.resources import FONTS_DIR
from compiler.text.fonts import FACES
from support import SAMPLE

STORIES = sorted((SAMPLE / "stories").glob("*.md"))
TEXT = "".join(path.read_text(encoding="utf-8") for path in STORIES)
PARAGRAPHS = sorted({line.strip() for line in TEXT.splitlines() if len(line.strip()) > 20})


def _shaped(font_data: bytes, text: str) -> list[tuple]:
    font = hb.Font(hb.Face(font_data))
    buffer = hb.Buffer()
    buffer.add_str(text)
    buffer.guess_segment_properties()
    hb.shape(font, buffer)
    return [(info.cluster, pos.x_advance, pos.x_offset, pos.y_offset,
             font.get_glyph_extents(info.codepoint))
            for info, pos in zip(buffer.glyph_infos, buffer.glyph_positions, strict=True)]


def test_the_sample_has_khmer_to_shape():
    assert any("\u1780" <= ch <= "\u17ff" for ch in TEXT)


@pytest.mark.parametrize("face", sorted({f.file for f in FACES}))
def test_subset_shapes_every_paragraph_like_the_full_face(face):
    path = FONTS_DIR / face
    full = path.read_bytes()
    subset = subset_font(path, TEXT)
    assert len(subset) < len(full) / 2
    cmap = hb.Font(hb.Face(full))
    draws = next(f for f in FACES if f.file == face).draws
    # A display face draws its script only (unicode-range): its text is each run of it.
    pieces = {"".join(run) for p in PARAGRAPHS for drawn, run in groupby(p, draws) if drawn}
    # Paragraphs (runs) the face can set whole (others fall back to another face).
    covered = [p for p in sorted(pieces) if all(cmap.get_nominal_glyph(ord(c)) for c in p)]
    # The maths and fallback faces only fill gaps: no sample paragraph is theirs alone.
    assert covered or face in {"NotoSansMath-Regular.ttf", "NotoSansSymbols-Regular.ttf",
                               "NotoSansSymbols2-Regular.ttf"}
    assert [p for p in covered if _shaped(full, p) != _shaped(subset, p)] == []


def test_subsets_are_cached_by_content_and_stable(tmp_path: Path):
    path = FONTS_DIR / "NotoSansKhmer-Regular.ttf"
    first = subset_font(path, TEXT, tmp_path)
    assert subset_font(path, TEXT, tmp_path) == first
    assert len(list(tmp_path.glob("*.ttf"))) == 1
    unused = next(chr(c) for c in range(0x1780, 0x17B4) if chr(c) not in TEXT)
    assert subset_font(path, TEXT + unused, tmp_path) != first
    assert len(list(tmp_path.glob("*.ttf"))) == 2
