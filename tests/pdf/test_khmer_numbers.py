"""A Khmer edition prints Khmer digits wherever a reader sees a number; the daily Latin ones.

One content folder is built twice by the real CLI, as a `language = "km"` edition and as
the English daily, and pdftotext reads the PDFs: folios, contents numbers, the cover
index, "See also ... page N", the More stories list and the dates. The stories hold no
digit themselves (a Khmer story's numbered list has its numbers from the layout), so any
Latin digit in the Khmer PDF is one the edition printed. Sections
print one story per run, so page numbers reach two digits (a placeholder "៨៨" filled with
"១២" is where a script mix-up would show). The Khmer EPUB's page-list and reading times are
checked from the same build.
"""

from __future__ import annotations

import re
import zipfile
from datetime import date

import pikepdf
import pytest
from lxml import etree

from compiler.text.dates import long_date
from compiler.text.labels import labels
from support import DAILY, EPUB_NS, Content, pdftotext, run_cli

DAY = "2026-11-25"
KHMER_DIGITS = "០១២៣៤៥៦៧៨៩"
WORDS = ("The council met on Tuesday to weigh the plan, and members asked for figures on "
         "costs, timing and who would pay for the work over the coming years. ") * 14
SECTIONS = ("National", "Business", "World")
HEADLINES = [f"{topic} story for the {section} pages" for section in SECTIONS
             for topic in ("Lead", "Second", "Third", "Fourth")]


def _slug(headline: str) -> str:
    return headline.lower().replace(" ", "-")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("khmer-numbers")
    content = Content(root / "content")
    for n, headline in enumerate(HEADLINES):
        nxt = HEADLINES[(n + 1) % len(HEADLINES)]
        content.story(_slug(headline), headline=headline, section=SECTIONS[n // 4],
                      priority=n % 4 + 1, body=(WORDS + "\n\n") * 3,
                      related=[{"headline": nxt, "slug": _slug(nxt)},
                               {"headline": "Archive piece", "url": "https://example.com/a"}])
    content.story("khmer-list", headline="ផែនការបួនចំណុចសម្រាប់ទីក្រុង", section="World",
                  language="km", priority=9,  # a numbered list counts in Khmer digits
                  body="ក្រុមប្រឹក្សាបានស្នើ៖\n\n1. ផ្លូវឡានក្រុង\n2. ឡានក្រុងញឹកញាប់\n3. សំបុត្រតែមួយ\n")
    text = DAILY.read_text()
    outs = {}
    for language in ("km", "en"):
        definition = root / f"{language}.toml"
        definition.write_text(re.sub(r'(?m)^language = "en"', f'language = "{language}"', text))
        out = root / f"out-{language}"
        done = run_cli("build", content.root, "--edition", definition, "--out", out,
                       "--date", DAY, "--workers", "2")
        assert done.returncode == 0, done.stderr
        outs[language] = out / f"{language}-{DAY}"
    return outs


def _pages(pdf) -> list[str]:
    with pikepdf.open(pdf) as document:
        count = len(document.pages)
    return [pdftotext(pdf, "-layout", "-f", str(n), "-l", str(n)) for n in range(1, count + 1)]


def _number(page: int, language: str) -> str:
    return "".join(KHMER_DIGITS[int(d)] for d in str(page)) if language == "km" else str(page)


def _story_pages(pages: list[str]) -> dict[str, int]:
    """Where each story starts: the first page after the contents with its headline."""
    found = {}
    for index, text in enumerate(pages[2:], start=3):
        flat = " ".join(text.split())
        for headline in HEADLINES:  # as a headline, not a "See also ..., page" entry
            if headline not in found and re.search(re.escape(headline) + r"(?!\s*,)", flat):
                found[headline] = index
    return found


@pytest.mark.parametrize("language", ["km", "en"])
def test_folios_and_contents_numbers_are_in_the_edition_s_digits(built, language):
    pages = _pages(built[language].with_suffix(".pdf"))
    assert len(pages) >= 12  # two-digit page numbers
    for index, text in enumerate(pages[1:], start=2):
        folio = text.strip().splitlines()[-1].strip()
        assert folio == _number(index, language), (index, folio)
    starts = _story_pages(pages)
    assert len(starts) == len(HEADLINES)
    contents = " ".join(pages[1].split())
    for headline, page in starts.items():
        assert re.search(re.escape(headline) + r"[. ]*" + _number(page, language) + r"\b",
                         contents), (headline, page)


def test_no_latin_digit_anywhere_in_the_khmer_pdf(built):
    text = pdftotext(built["km"].with_suffix(".pdf"))
    assert not re.findall(r".{0,30}[0-9].{0,10}", text)
    assert long_date(date.fromisoformat(DAY), "km") in text  # cover and running heads
    assert "ថ្ងៃពុធ ទី២៥ ខែវិច្ឆិកា ឆ្នាំ២០២៦" in text
    assert "១. ផ្លូវឡានក្រុង" in text and "២. ឡានក្រុងញឹកញាប់" in text  # list numbers


def test_cover_see_also_and_more_stories_numbers_name_the_right_page_in_khmer(built):
    pages = _pages(built["km"].with_suffix(".pdf"))
    starts = _story_pages(pages)
    page = labels("km").page
    flat = [" ".join(text.split()) for text in pages]
    cover = re.findall(rf"{page} ([{KHMER_DIGITS}]+)", flat[0])
    assert len(cover) >= 6  # the lead's "full story" and the index
    assert {int(n) for n in cover} <= set(starts.values())
    references = 0
    for text in flat[2:]:
        for headline, number in re.findall(rf"({'|'.join(HEADLINES)}), {page} ([0-9០-៩]+)",
                                           text):
            assert number == _number(starts[headline], "km"), (headline, number)
            references += 1
    # every story's See also (less those on the very page) and the More stories list
    assert references >= len(HEADLINES)


def test_the_english_daily_keeps_latin_digits(built):
    text = pdftotext(built["en"].with_suffix(".pdf"))
    assert not any(c in KHMER_DIGITS for c in text)
    assert "Wednesday 25 November 2026" in text
    assert "1. ផ្លូវឡានក្រុង" in text  # the daily's Khmer stories are set as before
    assert re.search(r"See also: \S.*, page \d+", text)


def test_the_khmer_epub_s_page_list_and_reading_times_use_khmer_digits(built):
    with zipfile.ZipFile(built["km"].with_suffix(".epub")) as book:
        nav = etree.fromstring(book.read("EPUB/nav.xhtml"))
        stories = [book.read(name).decode() for name in book.namelist()
                   if name.startswith("EPUB/story-")]
    labels_ = nav.xpath("//x:nav[@epub:type='page-list']//x:a/text()", namespaces=EPUB_NS)
    assert labels_[:12] == [_number(n, "km") for n in range(1, 13)]
    times = [re.search(r'class="reading-time">([^<]*)<', s)[1] for s in stories]
    assert times and all(re.search(f"[{KHMER_DIGITS}]", t) and not re.search("[0-9]", t)
                         for t in times), times
