"""compiler.text.templates: the shared template context, filters and the two layouts' HTML."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date, timedelta

import pytest
from lxml import etree, html

from compiler.config import EditionConfig
from compiler.content.assemble import assemble
from compiler.epub.package import reading_minutes, story_end_words
from compiler.model import iso_timestamp
from compiler.pdf.printer import print_html
from compiler.text.khmer import ZWSP
from compiler.text.templates import Links, context, environment, long_date
from support import REPO

KHMER_HEADLINE = "ព្រះរាជាណាចក្រកម្ពុជាជាប្រទេសមួយនៅអាស៊ីអាគ្នេយ៍"
KHMER_BODY = "កាលពីម្សិលមិញភ្លៀងធ្លាក់យ៉ាងខ្លាំងនៅក្នុងខេត្តសៀមរាបហើយផ្លូវជាច្រើនត្រូវបានលិចទឹក។"
CONFIG = EditionConfig(name="test", title="Test Gazette", sections=("National", "World"))
WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
MONTHS = (
    "January February March April May June July August September October November December"
).split()
XHTML_NS = {"x": "http://www.w3.org/1999/xhtml"}


@pytest.fixture
def edition(content):
    content.story(
        "english",
        headline="Ferry service resumes",
        priority=1,
        body="The ferry is back.\n\n# A body heading\n\nMore text.\n",
        related=[{"headline": KHMER_HEADLINE, "slug": "khmer"}],
    )
    content.story(
        "khmer", headline=KHMER_HEADLINE, section="World", language="km", body=KHMER_BODY + "\n"
    )
    assembly = assemble(content.root, CONFIG, date(2026, 11, 25))
    assert assembly.diagnostics == ()
    return assembly.edition


def epub_story(edition, slug: str) -> etree._Element:
    story = edition.story_by_slug(slug)
    links = Links(photo=lambda photo: "images/x.jpg", story=lambda s: s.file_name)
    xhtml = (
        environment("epub")
        .get_template("story.xhtml.j2")
        .render(
            context(edition, links), page_title=story.headline, lang=story.language, story=story,
            next_story=None, section_file="section.xhtml", minutes=reading_minutes(story),
            ends=story_end_words(edition.config.language)
        )
    )
    return etree.fromstring(xhtml.encode())


def print_article(edition, tmp_path, slug: str):
    document = html.document_fromstring(print_html(edition, tmp_path / "work"))
    return document, document.get_element_by_id(f"story-{slug}")


# ---------- long_date ----------


def test_long_date_names_the_weekday_day_month_and_year_in_english():
    day = date(2026, 1, 1)
    while day.year == 2026:
        expected = f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]} {day.year}"
        assert long_date(day) == expected
        day += timedelta(days=1)


@pytest.fixture(scope="module")
def french_locale(tmp_path_factory):
    """Compile fr_FR.UTF-8 into a private folder; no system change is needed."""
    if not shutil.which("localedef") or not os.path.isdir("/usr/share/i18n/locales"):
        pytest.skip("localedef or locale sources are not available")
    folder = tmp_path_factory.mktemp("locales")
    made = subprocess.run(
        ["localedef", "-i", "fr_FR", "-f", "UTF-8", str(folder / "fr_FR.UTF-8")],
        capture_output=True,
        text=True,
    )
    if not (folder / "fr_FR.UTF-8").exists():
        pytest.skip(f"cannot compile fr_FR: {made.stderr}")
    return folder


def test_long_date_does_not_follow_the_machine_locale(french_locale):
    day = date(2026, 11, 25)
    script = (
        "import locale, datetime, sys\n"
        "locale.setlocale(locale.LC_ALL, '')\n"
        "from compiler.text.templates import long_date\n"
        "d = datetime.date(2026, 11, 25)\n"
        "print(d.strftime('%A %B'))\n"
        "print(long_date(d))\n"
    )
    env = {
        **os.environ,
        "LOCPATH": str(french_locale),
        "LC_ALL": "fr_FR.UTF-8",
        "LANG": "fr_FR.UTF-8",
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    localised, rendered = result.stdout.splitlines()
    if localised != "mercredi novembre":
        pytest.skip(f"the French locale did not take effect ({localised!r})")
    assert rendered == long_date(day)  # the machine speaks French, the edition does not
    assert "Wednesday" in rendered and "November" in rendered


# ---------- Khmer line-break marks: print only ----------


def test_print_html_gets_khmer_break_marks(edition, tmp_path):
    _, article = print_article(edition, tmp_path, "khmer")
    headline = article.find_class("headline")[0].text_content()
    body = article.find_class("body")[0].text_content()
    assert ZWSP in headline and ZWSP in body
    assert headline.replace(ZWSP, "") == KHMER_HEADLINE
    assert body.strip().replace(ZWSP, "") == KHMER_BODY


def test_print_html_leaves_latin_text_alone(edition, tmp_path):
    _, article = print_article(edition, tmp_path, "english")
    headline = article.find_class("headline")[0].text_content()
    assert headline == "Ferry service resumes"
    body = article.find_class("body")[0]
    for aside in body.find_class("see-also"):  # a Khmer headline it points at has marks
        aside.drop_tree()
    assert ZWSP not in body.text_content()


def test_epub_template_leaves_khmer_word_breaks_to_the_packer(edition):
    """The template renders clean text; the packer marks Khmer words with U+200B in the
    pages' body text only (tests/epub/test_devices.py judges that with libunibreak)."""
    root = epub_story(edition, "khmer")
    text = "".join(root.itertext())
    assert ZWSP not in text
    assert root.find(".//x:h1", XHTML_NS).text == KHMER_HEADLINE
    assert KHMER_BODY in text
    see_also = epub_story(edition, "english").find(".//x:aside", XHTML_NS)
    assert ZWSP not in "".join(see_also.itertext())
    assert KHMER_HEADLINE in "".join(see_also.itertext())


# ---------- structure and escaping ----------


def test_epub_story_has_one_h1_and_body_headings_one_level_below(edition):
    root = epub_story(edition, "english")
    assert [h.text for h in root.iterfind(".//x:h1", XHTML_NS)] == ["Ferry service resumes"]
    body = root.find(".//x:div[@class='body']", XHTML_NS)
    assert [h.text for h in body.iterfind(".//x:h2", XHTML_NS)] == ["A body heading"]
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"


def test_print_story_headline_is_h2_and_body_headings_h3(edition, tmp_path):
    _, article = print_article(edition, tmp_path, "english")
    assert [h.text_content() for h in article.iter("h2")] == ["Ferry service resumes"]
    assert [h.text_content() for h in article.find_class("body")[0].iter("h3")] == [
        "A body heading"
    ]


def test_front_matter_markup_is_shown_never_run(content, tmp_path):
    headline = '<script>alert("x")</script> & <b>bold</b>'
    content.story("evil", headline=headline, standfirst="<img src=x onerror=alert(1)>", priority=1)
    edition = assemble(content.root, CONFIG, date(2026, 11, 25)).edition
    document, article = print_article(edition, tmp_path, "evil")
    assert document.xpath("//script | //img[@onerror] | //b") == []
    assert article.find_class("headline")[0].text_content() == headline
    root = epub_story(edition, "evil")
    assert root.find(".//x:h1", XHTML_NS).text == headline
    assert root.xpath("//x:script | //x:img | //x:b", namespaces=XHTML_NS) == []


def test_both_layouts_get_the_same_date_line(edition, tmp_path):
    document, _ = print_article(edition, tmp_path, "english")
    expected = long_date(edition.date)
    assert document.findtext(".//title") == f"{CONFIG.title}, {expected}"
    assert expected in document.find(".//body").text_content()
    links = Links(photo=lambda p: "", story=lambda s: s.file_name)
    contents = (
        environment("epub")
        .get_template("contents.xhtml.j2")
        .render(context(edition, links), page_title="Contents", lang="en")
    )
    assert expected in "".join(etree.fromstring(contents.encode()).itertext())


def test_print_metadata_carries_the_build_time(edition, tmp_path):
    document, _ = print_article(edition, tmp_path, "english")
    stamps = document.xpath("//meta[starts-with(@name, 'dcterms.')]/@content")
    assert stamps == [iso_timestamp(edition.timestamp)] * 2


@pytest.mark.parametrize("elsewhere", [True, False])
def test_both_layouts_have_more_stories_only_when_the_edition_does(content, tmp_path, elsewhere):
    far = [{"headline": "Far away", "url": "https://example.com/far"}] if elsewhere else []
    content.story("lead", headline="Lead", priority=1, related=far)
    edition = assemble(content.root, CONFIG, date(2026, 11, 25)).edition
    assert edition.has_more_stories is elsewhere
    document = html.document_fromstring(print_html(edition, tmp_path / "work"))
    links = Links(photo=lambda p: "", story=lambda s: s.file_name)
    contents = etree.fromstring(
        environment("epub")
        .get_template("contents.xhtml.j2")
        .render(context(edition, links), page_title="Contents", lang="en")
        .encode()
    )
    assert bool(document.xpath("//*[@id='more-stories']")) is elsewhere
    assert bool(document.xpath("//nav[@id='contents']//a[@href='#more-stories']")) is elsewhere
    assert bool(contents.xpath("//x:a[@href='more-stories.xhtml']", namespaces=XHTML_NS)) is (
        elsewhere
    )
