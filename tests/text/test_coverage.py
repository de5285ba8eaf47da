"""compiler.text.coverage and the fallback faces: every character a story uses is drawn from
a font that has it, in the PDF (judged by the glyphs its pages draw, with pikepdf) and in
the EPUB (judged by the cmaps of the fonts it embeds, with fontTools); a character no face
has is S016 naming the story, the line and the character."""

from __future__ import annotations

import io
import re
import zipfile
from collections import defaultdict
from pathlib import Path

import pikepdf
import pytest
from fontTools.ttLib import TTFont
from lxml import etree

from compiler.config import EditionConfig
from compiler.content.markdown import read_story
from compiler.text.coverage import covered_codepoints, describe, needs_glyph, uncovered
from compiler.text.fonts import FACES, FALLBACK, FALLBACK_SYMBOLS
from support import REPO, Content, pdftotext, run_cli, story_text

BULLETS = "\u2022\u25e6\u25aa\u2023"  # • ◦ ▪ ‣
DASHES = "\u2013\u2014\u2212"  # – — −
CURRENCY = "$\u20ac\u00a3\u00a5\u17db\u20b9"  # $ € £ ¥ ៛ ₹
ARROWS = "\u2190\u2192\u2191\u2193"  # ← → ↑ ↓
COMMON = "\u00a9\u00ae\u2122\u00b0\u00b1\u00d7\u00f7\u00a7\u00b6\u2026"  # © ® ™ ° ± × ÷ § ¶ …
SYMBOLS = BULLETS + DASHES + CURRENCY + ARROWS + COMMON
NOWHERE = "\ue000\U00010380"  # a private-use character; UGARITIC LETTER ALPA

BODY = """Rice sold at 4,000\u17db a kilo, $1.20, \u20ac1, \u00a33, \u00a5150 and \u20b990; the
index moved \u22122.5 \u00b1 0.1 points \u2013 and fell \u2014 again.

- Markets \u2022 open
    - Prices \u25e6 with arrows \u2190 \u2192 \u2191 \u2193
        - Detail \u25aa \u2023 with \u00a9 \u00ae \u2122 \u00b0 \u00d7 \u00f7 \u00a7 \u00b6 \u2026
    - Back at two
- Closed

| Item | Price |
|:-----|------:|
| Rice | 4,000\u17db |
"""
CONFIG = EditionConfig(name="test", sections=("National", "Business"))


def test_the_bundled_faces_cover_every_symbol_a_story_commonly_uses():
    assert uncovered(SYMBOLS + BODY) == []


def test_the_fallback_faces_are_bundled_and_draw_the_nested_list_bullets():
    families = {face.family: face for face in FACES}
    assert {FALLBACK, FALLBACK_SYMBOLS} <= set(families)
    cmap = TTFont(families[FALLBACK].path).getBestCmap()
    assert {0x25E6, 0x25AA} <= set(cmap)
    readme = (REPO / "fonts" / "README.md").read_text(encoding="utf-8")
    for face in FACES:
        assert face.file.split("-")[0] in readme, f"{face.file} has no source in fonts/README.md"


def test_characters_no_face_has_are_found_and_named():
    assert uncovered(f"a{NOWHERE}b{NOWHERE}") == list(NOWHERE)
    assert describe("\ue000") == "U+E000 <private use>"
    assert describe("\U00010380") == "U+10380 UGARITIC LETTER ALPA"
    assert describe("\U000e0fff") == "U+E0FFF <unassigned>"
    assert ord("\ue000") not in covered_codepoints()


def test_characters_that_are_never_drawn_are_not_reported():
    # U+200B (the PDF's Khmer breaks), soft hyphen, joiners, bidi marks, variation selector
    assert uncovered("a\u200b\u00ad\u200c\u200d\u200e\u2060\ufe0f\ufeff\t\n") == []


@pytest.mark.parametrize("where", ["body", "headline", "caption"])
def test_a_story_with_a_character_no_face_has_is_s016_at_its_line(tmp_path, where):
    content = Content(tmp_path / "content")
    content.photo("p.jpg")
    front = {"headline": "Markets", "image": {"src": "../images/p.jpg", "caption": "Stalls",
                                              "alt": "Stalls"}}
    body = "First paragraph.\n\nSecond paragraph.\n"
    if where == "body":
        body = "First paragraph.\n\nSecond \ue000 paragraph.\n"
    elif where == "headline":
        front["headline"] = "Markets \ue000"
    else:
        front["image"]["caption"] = "Stalls \ue000"
    path = content.story("odd", story_text(body=body, **front))
    story, problems = read_story(path, content.root.resolve(), CONFIG)
    assert story is not None
    found = [p for p in problems if p.code == "S016"]
    assert len(found) == 1, [p.format() for p in problems]
    assert "U+E000 <private use>" in found[0].message
    assert found[0].path == path
    assert "\ue000" in path.read_text(encoding="utf-8").splitlines()[found[0].line - 1]


def test_a_story_of_common_symbols_has_no_s016(tmp_path):
    content = Content(tmp_path / "content")
    path = content.story("symbols", headline=f"Prices {CURRENCY} {ARROWS}", body=BODY)
    story, problems = read_story(path, content.root.resolve(), CONFIG)
    assert story is not None and [p.format() for p in problems] == []


# --- the outputs, judged -------------------------------------------------------------


def missing_glyphs(pdf_path: Path) -> tuple[list[tuple[str, int]], set[str]]:
    """Glyphs the pages draw that their font program lacks (glyph 0, .notdef, or past the
    last glyph, which is how WeasyPrint writes a character its face does not have), and
    the fonts drawn from. Identity-H CID fonts: two bytes a glyph."""
    used: dict = defaultdict(set)
    fonts: dict = {}
    with pikepdf.open(pdf_path) as pdf:
        def walk(stream, resources):
            table = resources.get("/Font", {}) if resources else {}
            current = None
            for operands, operator in pikepdf.parse_content_stream(stream):
                operator = str(operator)
                if operator == "Tf":
                    current = table.get(operands[0])
                elif operator in ("Tj", "TJ", "'", '"') and current is not None:
                    fonts[current.objgen] = current
                    for item in (operands[0] if operator == "TJ" else [operands[-1]]):
                        if isinstance(item, pikepdf.String):
                            data = bytes(item)
                            used[current.objgen] |= {int.from_bytes(data[i:i + 2], "big")
                                                     for i in range(0, len(data), 2)}
                elif operator == "Do":
                    xobject = resources["/XObject"][operands[0]]
                    if xobject.get("/Subtype") == "/Form":
                        walk(xobject, xobject.get("/Resources", resources))

        for page in pdf.pages:
            walk(page, page.obj.get("/Resources"))
        bad = []
        for key, glyphs in used.items():
            font = fonts[key]
            program = font.DescendantFonts[0].FontDescriptor.FontFile2.read_bytes()
            count = TTFont(io.BytesIO(program))["maxp"].numGlyphs
            bad += [(str(font.BaseFont), g) for g in sorted(glyphs) if g == 0 or g >= count]
        return bad, {str(fonts[key].BaseFont).split("+", 1)[-1] for key in used}


def epub_uncovered(epub_path: Path) -> dict[str, set[str]]:
    """Per XHTML document, the characters (its text, and the bullets the reader draws for
    its lists, one per nesting level) that no font embedded in the EPUB has."""
    with zipfile.ZipFile(epub_path) as book:
        covered: set[int] = set()
        for name in book.namelist():
            if name.endswith((".ttf", ".otf")):
                covered |= set(TTFont(io.BytesIO(book.read(name))).getBestCmap())
        missing = {}
        for name in book.namelist():
            if not name.endswith(".xhtml"):
                continue
            root = etree.fromstring(book.read(name))
            text = "".join(root.itertext())
            for ul in root.iter("{http://www.w3.org/1999/xhtml}ul"):
                depth = sum(1 for a in ul.iterancestors("{http://www.w3.org/1999/xhtml}ul"))
                text += "\u2022\u25e6\u25aa"[min(depth, 2)]
            lacking = {ch for ch in text if needs_glyph(ch) and ord(ch) not in covered}
            if lacking:
                missing[name] = lacking
        return missing


@pytest.fixture(scope="module")
def symbols_build(tmp_path_factory):
    root = tmp_path_factory.mktemp("coverage")
    content = Content(root / "content")
    content.story("symbols", headline=f"Prices {CURRENCY} and arrows {ARROWS}",
                  section="Business", priority=1, body=BODY)
    content.story("khmer", headline="\u1791\u17b8\u1795\u17d2\u179f\u17b6\u179a",
                  section="National", language="km",
                  body="\u178f\u1798\u17d2\u179b\u17c3 \u17e4\u17e0\u17e0\u17e0\u17db\u17d4\n")
    out = root / "out"
    result = run_cli("build", content.root, "--out", out, "--date", "2026-11-25", "--quiet")
    assert result.returncode == 0, result.stderr
    return out, result


@pytest.fixture(scope="module")
def nowhere_build(tmp_path_factory):
    root = tmp_path_factory.mktemp("nowhere")
    content = Content(root / "content")
    content.story("odd", headline="A rare script", section="National",
                  body=f"Plain words.\n\nThe sign {NOWHERE[0]} and the letter {NOWHERE[1]}.\n")
    out = root / "out"
    result = run_cli("build", content.root, "--out", out, "--date", "2026-11-25")
    assert result.returncode == 0, result.stderr
    return out, result


def test_the_pdf_draws_every_symbol_and_bullet_from_a_face_that_has_it(symbols_build):
    out, result = symbols_build
    assert "S016" not in result.stdout + result.stderr
    pdf = out / "daily-2026-11-25.pdf"
    bad, drawn_from = missing_glyphs(pdf)
    assert bad == []
    assert "Edition-Fallback" in drawn_from, drawn_from  # ◦ and ▪ of the nested lists
    text = pdftotext(pdf)
    for ch in SYMBOLS:
        assert ch in text, f"U+{ord(ch):04X} is not in the PDF's text"
    markers = [line.split()[0] for line in text.splitlines()
               if re.match(r"^\S (Markets|Prices|Detail|Back|Closed)\b", line)]
    assert sorted(markers) == sorted("\u2022\u25e6\u25aa\u25e6\u2022"), markers


def test_the_epub_embeds_a_font_for_every_character_and_bullet(symbols_build):
    out, _ = symbols_build
    epub = out / "daily-2026-11-25.epub"
    assert epub_uncovered(epub) == {}
    with zipfile.ZipFile(epub) as book:
        css = next(book.read(n).decode() for n in book.namelist() if n.endswith(".css"))
        fallback = next(n for n in book.namelist() if n.endswith("NotoSansSymbols2-Regular.ttf"))
        assert {0x25E6, 0x25AA} <= set(TTFont(io.BytesIO(book.read(fallback))).getBestCmap())
    assert f'font-family: "{FALLBACK}"' in css


def test_the_judges_see_a_character_no_face_has(nowhere_build):
    out, result = nowhere_build
    warnings = [line for line in result.stderr.splitlines() if " S016 " in line]
    assert len(warnings) == 2, result.stderr
    assert warnings[0].startswith("stories/odd.md:")
    story = (out.parent / "content" / "stories" / "odd.md").read_text(encoding="utf-8")
    for line, ch in zip(warnings, NOWHERE, strict=True):
        number = int(line.split(":")[1])
        assert ch in story.splitlines()[number - 1]
        assert describe(ch) in line
    bad, _ = missing_glyphs(out / "daily-2026-11-25.pdf")
    assert len(bad) == 2, bad
    assert set(next(iter(epub_uncovered(out / "daily-2026-11-25.epub").values()))) == set(NOWHERE)


@pytest.mark.parametrize("css", ["layouts/print/print.css", "layouts/epub/reader.css"])
def test_every_font_stack_ends_with_the_fallback_faces(css):
    text = (REPO / css).read_text(encoding="utf-8")
    stacks = re.findall(r'"Edition [^;{}]*?(?=;|\s*\})', text)
    with_symbols = [s for s in stacks if '"Edition Symbols"' in s]
    assert with_symbols
    for stack in with_symbols:
        families = [f.strip() for f in stack.split(",")]
        after = families[families.index('"Edition Symbols"') + 1:]
        assert after[:2] == [f'"{FALLBACK}"', f'"{FALLBACK_SYMBOLS}"'], stack


def test_the_epub_subset_of_a_fallback_face_keeps_only_what_the_faces_before_it_lack():
    from compiler.epub.subset import subset_font

    by_family = {face.family: face for face in FACES}
    data = subset_font(by_family[FALLBACK].path, "Nested \u25e6 \u25aa \u2192")
    subset = TTFont(io.BytesIO(data))
    assert set(subset.getBestCmap()) == {0x20, 0x25E6, 0x25AA}  # → is the maths face's
