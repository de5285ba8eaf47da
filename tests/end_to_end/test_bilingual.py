"""A bilingual paper built by the real CLI and judged by real tools: the daily (English and
Khmer stories, each pair linked both ways), the Khmer edition of the same content folder
(editions/khmer.toml: Khmer stories only, Khmer section names, no English word a reader
sees), an edition whose translations are elsewhere (their web addresses), and `edition
check` on a translation that names nothing."""

from __future__ import annotations

import re
import subprocess
import tomllib
import unicodedata
import zipfile
from pathlib import Path

import pytest
import yaml
from lxml import etree

from support import EPUB_NS, SAMPLE, epubcheck, pdftotext, run_cli

pikepdf = pytest.importorskip("pikepdf")

DAY = "2026-11-25"
ZWSP = "\u200b"
TO_KHMER = "អានជាភាសាខ្មែរ"
TO_ENGLISH = "Read in English"
LATIN_WORD = re.compile(r"[A-Za-z]+")


def front_matter(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])


def sample_stories() -> dict[str, dict]:
    """slug (the file name: the sample gives no slug to a translated story) -> front matter."""
    return {path.stem: front_matter(path) for path in sorted((SAMPLE / "stories").glob("*.md"))}


def pairs() -> list[tuple[str, str]]:
    """(English slug, Khmer slug) of every translated pair in the sample."""
    stories = sample_stories()
    return [(slug, meta["translation"]) for slug, meta in stories.items()
            if meta.get("translation") and meta.get("language") == "en"]


def plain(text: str) -> str:
    """pdftotext's text with digits of any script as ASCII, no-break spaces as spaces and
    no U+200B, so "ទំព័រ ១២" and "page 12" compare as numbers."""
    text = text.replace(ZWSP, "").replace("\u00a0", " ")
    return "".join(str(unicodedata.digit(ch)) if ch.isdigit() else ch for ch in text)


def page_texts(pdf: Path) -> list[str]:
    """Page 1 first; each page's text extracted alone."""
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    count = int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.MULTILINE)[1])
    return [plain(pdftotext(pdf, "-f", str(n), "-l", str(n))) for n in range(1, count + 1)]


def story_page(pages: list[str], story: dict) -> int:
    """The page the story starts on: the one after the cover and contents whose text has
    the opening words of its headline and of its standfirst (lines wrap; "See also" and
    the back matter name the headline alone)."""
    openings = [plain(story["headline"])[:18], plain(story["standfirst"])[:18]]
    found = [n for n, text in enumerate(pages, start=1)
             if n > 2 and all(opening in text for opening in openings)]
    assert len(found) == 1, f"{story['headline']!r} starts on pages {found}"
    return found[0]


def visible_epub_text(archive: zipfile.ZipFile) -> str:
    """What a reader sees or hears from the book: the pages' text, their alt texts and
    labels, the nav and NCX titles, and the metadata readers show."""
    seen = []
    for name in archive.namelist():
        if name.endswith((".xhtml", ".ncx")):
            root = etree.fromstring(archive.read(name))
            seen += [t for t in root.itertext()]
            seen += [v for el in root.iter() if isinstance(el.tag, str)
                     for k, v in el.attrib.items() if k in ("alt", "aria-label", "title")]
        elif name.endswith(".opf"):
            root = etree.fromstring(archive.read(name))
            seen += [el.text or "" for el in root.iter()
                     if isinstance(el.tag, str) and el.tag.split("}")[1] in
                     ("title", "creator", "publisher", "description", "subject")]
            seen += [el.text or "" for el in root.iter(f"{{{EPUB_NS['opf']}}}meta")
                     if el.get("property") in ("schema:accessibilitySummary",
                                               "belongs-to-collection")]
    return "\n".join(seen)


def assert_epubcheck_clean(path: Path) -> None:
    result = epubcheck(path)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert re.search(r"\b0 fatals / 0 errors / 0 warnings\b", output), output


# ---------- the daily: both languages, each pair linked both ways ----------


def test_the_sample_has_a_khmer_edition_s_worth_of_stories_and_pairs():
    stories = sample_stories()
    khmer = {slug: meta for slug, meta in stories.items() if meta.get("language") == "km"}
    assert len(khmer) >= 8
    assert len({meta["section"] for meta in khmer.values()}) >= 3
    assert len(pairs()) >= 4
    for english, translation in pairs():
        assert stories[translation]["translation"] == english  # symmetric


def test_each_pair_prints_the_other_s_page_in_its_language_both_ways(sample_build):
    out, result = sample_build
    assert "S018" not in result.stderr and "S019" not in result.stderr
    pages = page_texts(out / f"daily-{DAY}.pdf")
    stories = sample_stories()
    for english, khmer in pairs():
        en_page, km_page = story_page(pages, stories[english]), story_page(pages, stories[khmer])
        # A pair on one page says so ("this page"), in the language of the line.
        together = en_page == km_page
        to_khmer = "ទំព័រនេះ" if together else f"ទំព័រ {km_page}"
        to_english = "this page" if together else f"page {en_page}"
        assert f"{TO_KHMER} {to_khmer}" in pages[en_page - 1], english
        assert f"{TO_ENGLISH}, {to_english}" in pages[km_page - 1], khmer


def test_each_pair_links_both_ways_in_the_epub_in_the_target_s_language(sample_build):
    out, _ = sample_build
    with zipfile.ZipFile(out / f"daily-{DAY}.epub") as archive:
        for english, khmer in pairs():
            for here, there, language, words in ((english, khmer, "km", TO_KHMER),
                                                 (khmer, english, "en", TO_ENGLISH)):
                root = etree.fromstring(archive.read(f"EPUB/story-{here}.xhtml"))
                line = root.find(".//x:p[@class='translation-link']", EPUB_NS)
                assert line is not None, here
                assert line.get("lang") == language
                link = line.find("x:a", EPUB_NS)
                assert link.get("href") == f"story-{there}.xhtml"
                assert "".join(link.itertext()).replace(ZWSP, "") == words


# ---------- the Khmer edition of the same content folder ----------


@pytest.fixture(scope="module")
def khmer_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("khmer-out")
    result = run_cli("build", SAMPLE, "--edition", "khmer", "--out", out, "--date", DAY,
                     "--quiet")
    assert result.returncode == 0, result.stderr
    return out, result


def test_the_khmer_edition_takes_the_khmer_stories_and_says_where_the_rest_went(khmer_build):
    out, result = khmer_build
    stories = sample_stories()
    english = sum(meta.get("language") == "en" for meta in stories.values())
    notes = [line for line in result.stderr.splitlines() if " S017 " in line]
    assert len(notes) == 1 and f"{english} stories (en)" in notes[0]
    assert "left out" not in result.stdout or ", 0 left out," in result.stdout
    with zipfile.ZipFile(out / f"khmer-{DAY}.epub") as archive:
        names = {n for n in archive.namelist() if "/story-" in n}
    assert names == {f"EPUB/story-{slug}.xhtml" for slug, meta in stories.items()
                     if meta.get("language") == "km"}


def test_khmer_section_names_are_in_the_bookmarks_and_the_nav(khmer_build):
    out, _ = khmer_build
    names = tomllib.loads((SAMPLE.parent / "khmer.toml").read_text(encoding="utf-8"))[
        "edition"]["section_names"]
    with pikepdf.open(out / f"khmer-{DAY}.pdf") as pdf, pdf.open_outline() as outline:
        titles = [item.title for item in outline.root]
    assert titles[2:-1] == list(names.values())  # after the front page and contents
    with zipfile.ZipFile(out / f"khmer-{DAY}.epub") as archive:
        nav = etree.fromstring(archive.read("EPUB/nav.xhtml"))
        toc = nav.find(".//x:nav[@epub:type='toc']", EPUB_NS)
        shown = ["".join(a.itertext()) for a in toc.findall("x:ol/x:li/x:a", EPUB_NS)]
        ncx = etree.fromstring(archive.read("EPUB/toc.ncx"))
        ncx_titles = [t.text for t in ncx.findall(
            "ncx:navMap/ncx:navPoint/ncx:navLabel/ncx:text", EPUB_NS)]
        section_page = etree.fromstring(archive.read("EPUB/national.xhtml"))
    for title in names.values():
        assert title in shown and title in ncx_titles
    heading = "".join(section_page.find(".//x:h1", EPUB_NS).itertext())
    assert heading.replace(ZWSP, "") == names["National"]


def allowed_latin(stories: dict[str, dict]) -> set[str]:
    """The only Latin a Khmer edition may show: web addresses (More stories, the
    newspaper's site), word by word, as pdftotext may cut them across lines."""
    addresses = ["https://www.phnompenhpost.com"]
    for meta in stories.values():
        if meta.get("language") == "km":
            addresses += [entry.get("url", "") for entry in meta.get("related") or []]
    return {word.lower() for address in addresses for word in LATIN_WORD.findall(address)}


def test_no_english_word_a_reader_sees_in_the_khmer_pdf(khmer_build):
    out, _ = khmer_build
    allowed = allowed_latin(sample_stories())
    # -layout: poppler's default mode joins a web address hyphen-wrapped across lines
    text = plain(pdftotext(out / f"khmer-{DAY}.pdf", "-layout"))
    with pikepdf.open(out / f"khmer-{DAY}.pdf") as pdf:
        text += "\n" + "\n".join(str(pdf.docinfo.get(key, "")) for key in
                                 ("/Title", "/Subject", "/Keywords", "/Author"))
        with pdf.open_outline() as outline:
            text += "\n" + "\n".join(item.title for item in outline.root)
    english = {word for word in LATIN_WORD.findall(text) if word.lower() not in allowed}
    assert not english, sorted(english)


def test_no_english_word_a_reader_sees_in_the_khmer_epub(khmer_build):
    out, _ = khmer_build
    allowed = allowed_latin(sample_stories())
    with zipfile.ZipFile(out / f"khmer-{DAY}.epub") as archive:
        text = visible_epub_text(archive)
    english = {word for word in LATIN_WORD.findall(text) if word.lower() not in allowed}
    assert not english, sorted(english)


def test_no_latin_digit_a_reader_sees_in_the_khmer_edition(khmer_build):
    """Folios, page references, dates, counts and reading times in Khmer digits; only a
    web address may keep its own."""
    out, _ = khmer_build
    stories = sample_stories()
    addresses = " ".join(entry.get("url", "") for meta in stories.values()
                         if meta.get("language") == "km" for entry in meta.get("related") or [])
    allowed = set(re.findall(r"[0-9]+", addresses))
    text = pdftotext(out / f"khmer-{DAY}.pdf", "-layout")
    with zipfile.ZipFile(out / f"khmer-{DAY}.epub") as archive:
        text += visible_epub_text(archive)
    latin = set(re.findall(r"[0-9]+", text)) - allowed
    assert not latin, sorted(latin)
    assert re.search("[០-៩]{4}", text), "the year in Khmer digits"


def test_the_khmer_epub_passes_epubcheck(khmer_build):
    out, _ = khmer_build
    assert_epubcheck_clean(out / f"khmer-{DAY}.epub")


# ---------- translations in another edition; a translation that names nothing ----------

EDITION = """[edition]
title = "{title}"
language = "{language}"
languages = ["{language}"]
sections = ["National"]
outputs = ["pdf", "epub"]
"""


@pytest.fixture
def split_pair(content):
    content.story("rain", headline="Heavy rain floods Kampot", language="en",
                  translation="rain-km", url="https://example.com/national/kampot-rain",
                  body="Rain fell all night in Kampot.\n")
    content.story("rain-km", headline="ភ្លៀងធ្លាក់ខ្លាំងនៅខេត្តកំពត", language="km",
                  translation="rain", url="https://example.com/km/kampot-rain",
                  body="ភ្លៀងបានធ្លាក់ពេញមួយយប់នៅខេត្តកំពត។\n")
    return content


@pytest.mark.parametrize("language, title, here, words, address", [
    ("km", "ភ្នំពេញប្រចាំថ្ងៃ", "rain-km", TO_ENGLISH + ":",
     "https://example.com/national/kampot-rain"),
    ("en", "The Daily", "rain", TO_KHMER + "៖", "https://example.com/km/kampot-rain"),
])
def test_a_translation_in_another_edition_is_named_by_its_web_address(
        split_pair, tmp_path, language, title, here, words, address):
    toml = tmp_path / f"only-{language}.toml"
    toml.write_text(EDITION.format(title=title, language=language), encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("build", split_pair.root, "--edition", toml, "--out", out, "--date", DAY,
                     "--quiet")
    assert result.returncode == 0, result.stderr
    text = re.sub(r"\s+", "", plain(pdftotext(out / f"only-{language}-{DAY}.pdf")))
    assert re.sub(r"\s+", "", words) + address in text
    assert "page" not in text.lower().split(address)[0][-40:]
    with zipfile.ZipFile(out / f"only-{language}-{DAY}.epub") as archive:
        root = etree.fromstring(archive.read(f"EPUB/story-{here}.xhtml"))
    line = root.find(".//x:p[@class='translation-link']", EPUB_NS)
    assert line.find("x:a", EPUB_NS).get("href") == address


def test_no_line_when_the_translation_elsewhere_has_no_web_address(content, tmp_path):
    content.story("rain", headline="Heavy rain", language="en", translation="rain-km")
    content.story("rain-km", headline="ភ្លៀង", language="km", translation="rain")
    toml = tmp_path / "only-en.toml"
    toml.write_text(EDITION.format(title="The Daily", language="en"), encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("build", content.root, "--edition", toml, "--out", out, "--date", DAY,
                     "--quiet")
    assert result.returncode == 0, result.stderr
    assert TO_KHMER not in plain(pdftotext(out / f"only-en-{DAY}.pdf"))
    with zipfile.ZipFile(out / f"only-en-{DAY}.epub") as archive:
        assert b"translation-link" not in archive.read("EPUB/story-rain.xhtml")


def test_edition_check_reports_a_translation_that_names_nothing(content):
    path = content.story("rain", headline="Heavy rain", language="en",
                         translation="rain-in-khmer")
    line = path.read_text(encoding="utf-8").splitlines().index(
        "translation: rain-in-khmer") + 1
    result = run_cli("check", content.root)
    assert result.returncode == 0, result.stderr  # a warning: the story still runs
    assert f"stories/rain.md:{line}: S018 " in result.stderr
    assert "'rain-in-khmer'" in result.stderr
    assert run_cli("check", content.root, "--strict").returncode == 1
