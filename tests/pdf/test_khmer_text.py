"""Khmer in both outputs: lines stay inside the text block in the PDF, and the
EPUB text round-trips exactly (no break characters a reader would search on)."""

from __future__ import annotations

import re
import subprocess
import unicodedata
import zipfile
from html import unescape

import pytest
from lxml import etree

from support import SAMPLE, run_cli, story_text

KHMER_SOURCE = SAMPLE / "stories" / "water-festival-km.md"
MM = 72 / 25.4
MARGINS = {1: 12 * MM}  # layouts/print/print.css: @page :first is 12 mm, other pages 15 mm


def _khmer_paragraph() -> str:
    body = KHMER_SOURCE.read_text(encoding="utf-8").split("---", 2)[2]
    paragraphs = [p.strip() for p in body.split("\n\n") if p.strip()]
    longest = max(paragraphs, key=len)
    assert len(longest) > 400
    return longest


@pytest.fixture(scope="module")
def khmer_build(tmp_path_factory):
    root = tmp_path_factory.mktemp("khmer")
    (root / "stories").mkdir()
    paragraph = _khmer_paragraph()
    (root / "stories" / "long.md").write_text(story_text(
        headline="ពិធីបុណ្យអុំទូក បណ្ដែតប្រទីប និងសំពះព្រះខែ", section="National",
        language="km", standfirst=paragraph[:120],
        body="\n\n".join([paragraph] * 6) + "\n"), encoding="utf-8")
    out = root / "out"
    result = run_cli("build", root, "--out", out, "--date", "2026-11-25", "--quiet")
    assert result.returncode == 0, result.stderr
    return paragraph, out / "daily-2026-11-25.pdf", out / "daily-2026-11-25.epub"


def test_khmer_lines_stay_inside_the_text_block(khmer_build):
    _, pdf, _ = khmer_build
    xml = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True,
                         check=True).stdout
    tree = etree.fromstring(xml, etree.XMLParser(recover=True))
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    khmer_lines = 0
    for number, page in enumerate(tree.iterfind(".//x:page", ns), start=1):
        width = float(page.get("width"))
        margin = MARGINS.get(number, 15 * MM)
        for line in page.iterfind(".//x:line", ns):
            text = "".join(w.text or "" for w in line.iterfind("x:word", ns))
            if not any("\u1780" <= ch <= "\u17ff" for ch in text):
                continue
            khmer_lines += 1
            assert float(line.get("xMin")) >= margin - 2, (number, text, line.get("xMin"))
            assert float(line.get("xMax")) <= width - margin + 2, (number, text, line.get("xMax"))
    assert khmer_lines > 40, "the long Khmer paragraphs should make many lines"


def test_khmer_story_is_tagged_km_in_the_pdf(khmer_build):
    _, pdf, _ = khmer_build
    import pikepdf

    with pikepdf.open(pdf) as document:
        languages = {str(element.get("/Lang")) for element in _struct_elements(document)
                     if element.get("/Lang") is not None}
    assert "km" in languages


def _struct_elements(document):
    stack = [document.Root.StructTreeRoot]
    while stack:
        node = stack.pop()
        yield node
        kids = node.get("/K")
        if kids is None:
            continue
        kids = kids if isinstance(kids, (list, type(document.make_indirect([])))) else [kids]
        try:
            iterator = list(kids)
        except TypeError:
            iterator = [kids]
        stack += [k for k in iterator if hasattr(k, "get") and k.get("/S") is not None]


def test_khmer_text_round_trips_from_the_epub(khmer_build):
    paragraph, _, epub = khmer_build
    with zipfile.ZipFile(epub) as archive:
        story = archive.read("EPUB/story-long.xhtml").decode("utf-8")
    root = etree.fromstring(story.encode())
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "km"
    # Word-break marks for dictionary-less readers (KOReader, Kobo); the words are intact.
    assert "\u200b" in story
    text = unicodedata.normalize("NFC", unescape("".join(root.itertext())).replace("\u200b", ""))
    assert unicodedata.normalize("NFC", paragraph) in re.sub(r"\s+", " ", text)
