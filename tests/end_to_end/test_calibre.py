"""The sample edition read back by real reading software, not by our own parser.

- calibre's ebook-convert turns the EPUB into plain text: every story's headline must come
  out exactly (Khmer included, NFC on both sides), with no U+200B anywhere in the EPUB.
- calibre's ebook-meta reads the title, language and identifier from the package.
- poppler's pdftotext (content-stream order) gets the headlines back out of the PDF.

calibre comes from `bash .ci/readers-setup`; a test whose tool is missing is skipped.
"""

from __future__ import annotations

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
    return one(sample_build[0], "*.epub")


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
    text = squash(calibre_text)
    missing = [h for h in sample_headlines() if squash(h) not in text]
    assert not missing, f"headlines calibre does not read back: {missing}"


def test_calibre_text_has_the_khmer_headlines_without_break_marks(calibre_text):
    khmer = [h for h in sample_headlines() if KHMER.search(h)]
    assert khmer, "the sample has no Khmer headline any more; this test needs one"
    for headline in khmer:
        assert nfc(headline) in nfc(calibre_text), f"Khmer headline not intact: {headline!r}"
    assert ZWSP not in calibre_text


def test_epub_text_has_no_zero_width_space(sample_epub):
    with zipfile.ZipFile(sample_epub) as archive:
        dirty = [name for name in archive.namelist()
                 if name.endswith((".xhtml", ".html", ".ncx", ".opf"))
                 and ZWSP in archive.read(name).decode("utf-8")]
    assert not dirty, f"U+200B in {dirty}"


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


def pdf_raw_text(pdf: Path) -> str:
    """Text extraction in content order (-raw): what copy, search and text-to-speech get.

    (pdftotext's default layout mode reorders glyphs by position and drops Khmer vowel signs
    it takes for overlapping glyphs, so it is not a fair reading of Khmer.)
    """
    if not shutil.which("pdftotext"):
        pytest.skip(f"pdftotext (poppler-utils) is not installed: {SETUP_HINT}")
    return subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True,
                          text=True, check=True, timeout=120).stdout


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
    paragraphs = [line.strip() for path in sorted((SAMPLE / "stories").glob("*.md"))
                  for line in path.read_text(encoding="utf-8").split("---", 2)[2].splitlines()
                  if KHMER.search(line) and len(line.strip()) > 40
                  and not line.lstrip().startswith(("#", ">", "-", "|"))]
    assert len(paragraphs) >= 3, "the sample's Khmer story has no body paragraphs"
    raw = pdf_raw_text(sample_pdf)
    assert ZWSP not in raw, "the PDF text layer carries U+200B"
    missing = unextractable(khmer + paragraphs, raw)
    assert not missing, f"Khmer text not extractable from the PDF: {missing}"
