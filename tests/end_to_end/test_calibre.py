"""The sample edition read back by real reading software, not by our own parser.

- calibre's ebook-convert turns the EPUB into plain text: every story's headline must come
  out exactly (Khmer included, NFC on both sides, once the U+200B word-break marks are
  taken out), and a search for any one Khmer word finds it as typed: the marks sit only
  between words. (calibre's viewer search ignores soft hyphens, ZWNJ and ZWJ between the
  letters typed, not U+200B: a phrase of several Khmer words is found word by word.)
- calibre's AZW3 (the Kindle advice for a Khmer edition) keeps the Khmer faces and words.
- headless Chromium finds Khmer words and whole phrases in a story page (window.find), and
  sets no Khmer text slanted.
- calibre's ebook-meta reads the title, language, identifier and series from the package.
- poppler's pdftotext (content-stream order) gets the headlines back out of the PDF.

calibre and chromium come from `bash .ci/readers-setup`; a test whose tool is missing is
skipped.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import tomllib
import unicodedata
import zipfile
from datetime import date
from pathlib import Path

import pytest
import yaml

from compiler.text import khmer
from compiler.text.templates import long_date
from support import DAILY, SAMPLE

SETUP_HINT = "run `bash .ci/readers-setup`"
ZWSP = "\u200b"
KHMER = re.compile("[\u1780-\u17ff\u19e0-\u19ff]")
EDITION_DATE = date(2026, 11, 25)
# calibre reports ISO 639-2 codes
CALIBRE_LANGUAGE = {"en": "eng", "km": "khm"}
# Headless calibre as root: no display, and QtWebEngine (used by some conversions) unsandboxed.
CALIBRE_ENV = {"QT_QPA_PLATFORM": "offscreen", "QTWEBENGINE_CHROMIUM_FLAGS": "--no-sandbox"}


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def squash(text: str) -> str:
    """NFC with runs of whitespace as one space: line wrapping is not the reader's text."""
    return " ".join(nfc(text).split())


def sample_headlines() -> list[str]:
    headlines = []
    for path in sorted((SAMPLE / "stories").glob("*.md")):
        meta = yaml.safe_load(path.read_text(encoding="utf-8").split("---", 2)[1])
        headlines.append(meta["headline"])
    assert headlines, f"no stories in {SAMPLE}"
    return headlines


def daily_config() -> dict:
    return tomllib.loads(DAILY.read_text(encoding="utf-8"))["edition"]


def one(folder: Path, pattern: str) -> Path:
    found = sorted(folder.glob(pattern))
    assert len(found) == 1, f"expected one {pattern} in {folder}: {found}"
    return found[0]


def calibre(tool: str, *args, timeout: int = 300) -> subprocess.CompletedProcess:
    if not shutil.which(tool):
        pytest.skip(f"calibre's {tool} is not installed: {SETUP_HINT}")
    return subprocess.run([tool, *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **CALIBRE_ENV})


@pytest.fixture(scope="module")
def sample_epub(sample_build) -> Path:
    return one(sample_build[0], "*-????-??-??.epub")


@pytest.fixture(scope="module")
def sample_pdf(sample_build) -> Path:
    return one(sample_build[0], "*.pdf")


@pytest.fixture(scope="module")
def calibre_text(sample_epub, tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("calibre") / "sample.txt"
    result = calibre("ebook-convert", sample_epub, out)
    assert result.returncode == 0, f"ebook-convert failed:\n{result.stdout[-3000:]}\n" \
                                   f"{result.stderr[-3000:]}"
    return out.read_text(encoding="utf-8")


def test_calibre_text_has_every_headline_exactly(calibre_text):
    text = squash(calibre_text.replace(ZWSP, ""))
    missing = [h for h in sample_headlines() if squash(h) not in text]
    assert not missing, f"headlines calibre does not read back: {missing}"


def khmer_words(text: str) -> list[str]:
    """ICU's Khmer words of a text: what a reader types to search."""
    return [w for w in khmer.segment(text) if KHMER.search(w)]


def test_calibre_finds_every_khmer_word_as_typed(calibre_text):
    headlines = [h for h in sample_headlines() if KHMER.search(h)]
    assert headlines, "the sample has no Khmer headline any more; this test needs one"
    text = nfc(calibre_text)
    for headline in headlines:
        for word in khmer_words(headline):
            assert nfc(word) in text, f"Khmer word {word!r} of {headline!r} not found"
    marks = re.findall(f"(.){ZWSP}(.)", text)
    assert marks, "no word-break marks: dictionary-less readers cannot wrap Khmer"
    assert all(KHMER.match(a) and KHMER.match(b) for a, b in marks), "U+200B outside Khmer"


def test_epub_carries_break_marks_only_in_the_pages(sample_epub):
    """Never in the package, the NCX or the nav, which readers show in their menus."""
    with zipfile.ZipFile(sample_epub) as archive:
        dirty = [name for name in archive.namelist()
                 if name.endswith(("nav.xhtml", ".ncx", ".opf"))
                 and ZWSP in archive.read(name).decode("utf-8")]
    assert not dirty, f"U+200B in {dirty}"


def chromium_answer(page: Path, script: str):
    """Run ``script`` (JavaScript whose last statement sets ``answer``) in the page with
    headless Chromium; the answer is written into the page and read back from --dump-dom."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        pytest.skip(f"chromium is not installed: {SETUP_HINT}")
    probe = page.with_name("probe-" + page.name)
    tag = ("<script>//<![CDATA[\nvar answer = null;\n" + script + "\n"
           "var out = document.createElement('pre'); out.id = 'answer';"
           " out.textContent = JSON.stringify(answer); document.body.appendChild(out);\n"
           "//]]></script>")
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", tag + "</body>"),
                     encoding="utf-8")
    result = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                             "--dump-dom", probe.as_uri()], capture_output=True, text=True,
                            timeout=120)
    found = re.search(r'<pre id="answer">([^<]*)</pre>', result.stdout)
    assert found, f"chromium gave no answer:\n{result.stderr[-2000:]}"
    return json.loads(found[1].replace("&quot;", '"').replace("&amp;", "&"))


def chromium_finds(page: Path, queries: list[str]) -> list[bool]:
    """window.find for each query, as a reader's find-in-page does."""
    return chromium_answer(page, "var queries = " + json.dumps(queries) + "; answer = [];\n"
                           "for (var i = 0; i < queries.length; i++) {"
                           " window.getSelection().removeAllRanges();"
                           " answer.push(window.find(queries[i], false, false, true)); }")


@pytest.fixture(scope="module")
def khmer_page(sample_epub, tmp_path_factory) -> Path:
    """The sample's first Khmer story page, unpacked with its CSS, fonts and photos."""
    folder = tmp_path_factory.mktemp("unpacked")
    with zipfile.ZipFile(sample_epub) as archive:
        archive.extractall(folder)
    pages = [p for p in sorted((folder / "EPUB").glob("story-*.xhtml"))
             if 'lang="km"' in p.read_text(encoding="utf-8")[:400]]
    assert pages, "the sample has no Khmer story any more; this test needs one"
    # one with a photo credit, which is set in italics elsewhere
    return min(pages, key=lambda p: 'class="credit"' not in p.read_text(encoding="utf-8"))


def test_chromium_finds_khmer_words_and_phrases(khmer_page):
    text = khmer_page.read_text(encoding="utf-8")
    paragraph = max(re.findall(r"<p>([^<]+)</p>", text), key=len)
    assert ZWSP in paragraph, "the Khmer story carries no word-break marks"
    words = khmer_words(paragraph.replace(ZWSP, ""))
    # the longest run without a space: several words, with U+200B between them on the page
    phrase = max(paragraph.replace(ZWSP, "").split(), key=len)
    assert len(khmer_words(phrase)) >= 3 and phrase not in text
    queries = [*dict.fromkeys(words[:8]), phrase, "\u1780\u17d2\u179f\u17c2\u1780\u17d2\u179f"]
    found = chromium_finds(khmer_page, queries)
    assert found == [True] * (len(queries) - 1) + [False], list(zip(queries, found, strict=True))


def test_chromium_sets_no_khmer_slanted(khmer_page):
    """The Khmer faces have no italic: every element holding Khmer text is upright, and the
    browser may not make up an italic or bold (font-synthesis: none)."""
    styles = chromium_answer(khmer_page, (
        "answer = []; var all = document.querySelectorAll('body *');\n"
        "for (var i = 0; i < all.length; i++) { var e = all[i], own = '';"
        " for (var n = e.firstChild; n; n = n.nextSibling) if (n.nodeType == 3) own += n.data;"
        " if (/[\\u1780-\\u17ff]/.test(own)) { var c = getComputedStyle(e);"
        " answer.push([e.tagName + '.' + e.className, c.fontStyle,"
        " c.getPropertyValue('font-synthesis-style'),"
        " c.getPropertyValue('font-synthesis-weight')]); } }"))
    assert len(styles) > 5
    assert any(name.endswith(".credit") for name, *_ in styles), styles
    slanted = [s for s in styles if s[1:] != ["normal", "none", "none"]]
    assert not slanted, slanted


def test_calibre_makes_an_azw3_with_the_khmer_faces(sample_epub, tmp_path):
    """The Kindle advice for Khmer (docs/devices.md): sideload calibre's AZW3. It must keep
    the embedded Khmer faces (Kindle has none) and the Khmer words."""
    from fontTools.ttLib import TTFont

    azw3 = tmp_path / "sample.azw3"
    result = calibre("ebook-convert", sample_epub, azw3)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    back = tmp_path / "back.epub"
    assert calibre("ebook-convert", azw3, back).returncode == 0
    text = tmp_path / "back.txt"
    assert calibre("ebook-convert", azw3, text).returncode == 0
    with zipfile.ZipFile(back) as archive:
        # calibre's EPUB output hides fonts with Adobe's obfuscation: the first 1024 bytes
        # XORed with the book's UUID
        uuid = re.search(rb"urn:uuid:([0-9a-f-]{36})", archive.read("content.opf"))[1]
        key = bytes.fromhex(uuid.decode().replace("-", ""))
        hidden = set(re.findall(r'URI="([^"]+)"', archive.read("META-INF/encryption.xml")
                                .decode()) if "META-INF/encryption.xml" in archive.namelist()
                     else ())
        fonts = [(archive.read(name), name in hidden) for name in archive.namelist()
                 if name.endswith((".ttf", ".otf"))]
    assert fonts, "calibre's AZW3 dropped the embedded fonts"
    fonts = [bytes(b ^ key[i % 16] for i, b in enumerate(data[:1024])) + data[1024:]
             if obfuscated else data for data, obfuscated in fonts]
    cmaps = [TTFont(io.BytesIO(data)).getBestCmap() or {} for data in fonts]
    assert any(0x1780 in cmap for cmap in cmaps), "no Khmer face kept"
    words = [w for h in sample_headlines() if KHMER.search(h) for w in khmer_words(h)]
    content = nfc(text.read_text(encoding="utf-8"))
    assert words and all(nfc(w) in content for w in words)


def test_ebook_meta_reads_title_language_and_identifier(sample_epub):
    result = calibre("ebook-meta", sample_epub, timeout=120)
    assert result.returncode == 0, result.stderr
    fields = {}
    for line in result.stdout.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            fields[key.strip()] = value.strip()
    config = daily_config()
    assert fields.get("Title") == f"{config['title']}, {long_date(EDITION_DATE)}", fields
    language = config.get("language", "en")
    assert fields.get("Languages") == CALIBRE_LANGUAGE.get(language, language), fields
    # calibre splits "urn:edition:daily:2026-11-25" into scheme "edition" and its value
    identifier = f"urn:edition:{DAILY.stem}:{EDITION_DATE.isoformat()}"
    assert identifier.removeprefix("urn:") in fields.get("Identifiers", ""), fields
    # issues group as one series, in date order
    assert fields.get("Series") == f"{config['title']} #{EDITION_DATE:%Y%m%d}", fields


def pdf_raw_text(pdf: Path) -> str:
    """Text extraction in content order (-raw): what copy, search and text-to-speech get.

    (pdftotext's default layout mode reorders glyphs by position and drops Khmer vowel signs
    it takes for overlapping glyphs, so it is not a fair reading of Khmer.)
    """
    if not shutil.which("pdftotext"):
        pytest.skip(f"pdftotext (poppler-utils) is not installed: {SETUP_HINT}")
    return subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True,
                          text=True, check=True, timeout=120).stdout


def markdown_text(line: str) -> str:
    """A Markdown line as the reader sees it: no list number, emphasis marks or link
    targets."""
    line = re.sub(r"^\d+\.\s+", "", line.strip())
    return re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line).replace("*", "")


def unextractable(headlines: list[str], raw: str) -> list[str]:
    """Headlines not found in the text; line breaks may fall anywhere, so no whitespace."""
    text = re.sub(r"\s+", "", nfc(raw))
    return [h for h in headlines if re.sub(r"\s+", "", nfc(h)) not in text]


def test_pdftotext_reads_every_latin_headline_back(sample_pdf):
    raw = pdf_raw_text(sample_pdf)
    assert ZWSP not in raw, "the PDF text layer carries U+200B"
    latin = [h for h in sample_headlines() if not KHMER.search(h)]
    missing = unextractable(latin, raw)
    assert not missing, f"headlines not extractable from the PDF: {missing}"


def test_pdftotext_reads_the_khmer_headlines_and_paragraphs_back(sample_pdf):
    """Khmer shaping reorders glyphs, so only /ActualText (compiler/pdf_actual_text.py) gives
    the words back; before it, "ឆ្នាំ" came out as "្ន ំ"."""
    khmer = [h for h in sample_headlines() if KHMER.search(h)]
    assert khmer, "the sample has no Khmer headline any more; this test needs one"
    paragraphs = [markdown_text(line) for path in sorted((SAMPLE / "stories").glob("*.md"))
                  for line in path.read_text(encoding="utf-8").split("---", 2)[2].splitlines()
                  if KHMER.search(line) and len(line.strip()) > 40
                  and not line.lstrip().startswith(("#", ">", "-", "|"))]
    assert len(paragraphs) >= 3, "the sample's Khmer story has no body paragraphs"
    raw = pdf_raw_text(sample_pdf)
    assert ZWSP not in raw, "the PDF text layer carries U+200B"
    # A paragraph may go on in the next column or page, after list bullets drawn beside
    # it, a running head and a folio: those lines are not the paragraph's text.
    head = re.escape(daily_config()["title"].upper())
    raw = "\n".join(line for line in raw.splitlines()
                    if not re.fullmatch(rf"•|\d+|{head} .*", line.strip()))
    missing = unextractable(khmer + paragraphs, raw)
    assert not missing, f"Khmer text not extractable from the PDF: {missing}"
