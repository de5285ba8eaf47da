"""Several editions of one day: ``edition nightly --edition daily --edition khmer``.

The daily (every language) and a Khmer edition (``languages = ["km"]``) are built
from one content folder and published side by side: the OPDS root becomes a
navigation feed of both, the issues of the same date link each other on the pages
and in the feeds, and the Khmer edition's page is in Khmer. One edition failing
leaves the other published and its own shelf as it was. The edition definitions
are written here (tmp_path), so the tests do not depend on editions/khmer.toml.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urljoin, urlsplit

import feedparser
import pytest
from lxml import etree, html
from shelf.test_catalogue import MISSING_SCHEMAS, SCHEMAS, rfc4287_problems

from compiler.config import load_config
from compiler.shelf.lock import EXIT_LOCKED, shelf_lock
from compiler.shelf.several import run_nights
from compiler.shelf.verify import verify_shelf
from support import FIXED_EPOCH, Content, run_cli
from support.shelf import DAYS, env_epoch, issue_json

NS = {"a": "http://www.w3.org/2005/Atom", "dc": "http://purl.org/dc/terms/"}
NAVIGATION = "application/atom+xml;profile=opds-catalog;kind=navigation"
ACQUISITION = "application/atom+xml;profile=opds-catalog;kind=acquisition"
KHMER_TITLE = "ប៉ុស្តិ៍ខ្មែរសាកល្បង"
SECTIONS = '["National", "Business", "World"]'
LINE = re.compile(r"^\S+ (?P<edition>daily|khmer) (?P<date>\S+): (?P<rest>.*)$")


def write_editions(folder: Path) -> SimpleNamespace:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "daily.toml").write_text(
        '[edition]\ntitle = "The Test Daily"\npublisher = "Test Newsroom"\n'
        f"sections = {SECTIONS}\nlanguages = [\"en\", \"km\"]\n", encoding="utf-8")
    (folder / "khmer.toml").write_text(
        f'[edition]\ntitle = "{KHMER_TITLE}"\npublisher = "បន្ទប់ព័ត៌មានសាកល្បង"\n'
        f'language = "km"\nlanguages = ["km"]\nsections = {SECTIONS}\n'
        '[edition.section_names]\nNational = "ជាតិ"\nBusiness = "សេដ្ឋកិច្ច"\n'
        'World = "អន្តរជាតិ"\n', encoding="utf-8")
    configs = {}
    for name in ("daily", "khmer"):
        config, problems = load_config(folder / f"{name}.toml")
        assert config is not None, problems
        configs[name] = config
    return SimpleNamespace(folder=folder, **configs)


def fill(root: Path, khmer: bool = True) -> Content:
    """English stories, and (``khmer``) Khmer ones; every story names its language."""
    content = Content(root)
    content.photo("boats.jpg", size=(600, 400))
    image = {"src": "../images/boats.jpg", "alt": "Boats on the river", "caption": "Boats"}
    content.story("lead", headline="Boat racers crowd the riverfront", section="National",
                  language="en", priority=1, image=image,
                  body="The races began at dawn.\n\nCrowds lined the banks.\n")
    content.story("markets", headline="Markets steady", section="Business", language="en",
                  body="Prices held.\n")
    if khmer:
        content.story("lead-km", headline="អ្នកប្រណាំងទូកមកដល់មាត់ទន្លេ", section="National",
                      language="km", priority=1, image=image,
                      body="ការប្រណាំងបានចាប់ផ្តើមនៅពេលព្រឹកព្រលឹម។\n")
        content.story("markets-km", headline="ទីផ្សារមានស្ថិរភាព", section="Business",
                      language="km", body="តម្លៃនៅដដែល។\n")
    return content


@pytest.fixture(scope="module")
def night(tmp_path_factory):
    """One real night of both editions, through the CLI."""
    root = tmp_path_factory.mktemp("editions")
    editions = write_editions(root / "editions")
    content = fill(root / "content")
    public = root / "public"
    done = run_cli("nightly", content.root, public, "--edition", editions.daily.path,
                   "--edition", editions.khmer.path, "--date", DAYS[0])
    return SimpleNamespace(done=done, public=public, editions=editions)


def test_a_night_of_two_editions_publishes_both_with_a_line_each(night):
    assert night.done.returncode == 0, night.done.stderr
    lines = night.done.stdout.strip().splitlines()[-2:]
    assert [LINE.match(line)["edition"] for line in lines] == ["daily", "khmer"]
    for line, name, stories in zip(lines, ("daily", "khmer"), (4, 2), strict=True):
        match = LINE.match(line)
        assert match["date"] == DAYS[0].isoformat()
        assert match["rest"].startswith(f"{stories} stories in, 0 left out")
        assert match["rest"].endswith(", new"), line
        assert (night.public / name / "nightly.log").read_text(encoding="utf-8") == line + "\n"
        record = issue_json(night.public, DAYS[0], name)
        assert record["language"] == ("en" if name == "daily" else "km")
        for latest in ("latest.pdf", "latest.epub"):
            assert (night.public / name / latest).is_file()
    stages = [line for line in night.done.stderr.splitlines() if line.startswith("[")]
    assert stages[0] == f"[1/{len(stages)}] Checking the shelf"
    assert stages[-1] == f"[{len(stages)}/{len(stages)}] Done"
    assert any("khmer: Laying out the PDF digest" in line for line in stages)
    assert verify_shelf(night.public).ok


def test_what_the_editions_share_does_not_change_their_bytes(night, tmp_path):
    """The shared reads, photo cache and workers give each edition the bytes it has when
    built alone (reproducible builds: SOURCE_DATE_EPOCH is set by run_cli)."""
    content = night.public.parent / "content"
    for name in ("daily", "khmer"):
        alone = run_cli("build", content, "--edition", getattr(night.editions, name).path,
                        "--out", tmp_path / name, "--date", DAYS[0], "--quiet")
        assert alone.returncode == 0, alone.stderr
        for kind in ("pdf", "epub", "kepub.epub"):
            file = f"{name}-{DAYS[0]}.{kind}"
            published = night.public / name / "2026" / "12" / "31" / file
            assert (tmp_path / name / file).read_bytes() == published.read_bytes(), file


def test_the_opds_root_is_a_navigation_feed_naming_both_editions(night):
    root = etree.parse(str(night.public / "opds.xml")).getroot()
    assert root.find("a:link[@rel='self']", NS).get("type") == NAVIGATION
    entries = root.findall("a:entry", NS)
    assert [e.findtext("a:title", namespaces=NS) for e in entries] == [
        "The Test Daily", KHMER_TITLE]
    assert [e.findtext("dc:language", namespaces=NS) for e in entries] == ["en", "km"]
    for entry, name in zip(entries, ("daily", "khmer"), strict=True):
        sub = entry.find("a:link[@rel='subsection']", NS)
        assert (sub.get("href"), sub.get("type")) == (f"{name}/opds.xml", ACQUISITION)
        assert sub.get("hreflang") == entry.findtext("dc:language", namespaces=NS)
        feed = etree.parse(str(night.public / sub.get("href"))).getroot()
        assert feed.findtext("a:entry/dc:language", namespaces=NS) == entry.findtext(
            "dc:language", namespaces=NS)
    parsed = feedparser.parse((night.public / "opds.xml").read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert [e.title for e in parsed.entries] == ["The Test Daily", KHMER_TITLE]


def test_every_feed_is_valid_atom_and_opds(night):
    if not all((SCHEMAS / f"{name}.rng").is_file() for name in ("atom", "opds")):
        pytest.skip(MISSING_SCHEMAS)
    for name in ("atom", "opds"):
        schema = etree.RelaxNG(etree.parse(str(SCHEMAS / f"{name}.rng")))
        for feed in ("opds.xml", "daily/opds.xml", "khmer/opds.xml"):
            tree = etree.parse(str(night.public / feed))
            assert schema.validate(tree), (feed, str(schema.error_log))
            assert rfc4287_problems(tree.getroot()) == [], feed


@pytest.mark.parametrize(("name", "other", "language"), [("daily", "khmer", "km"),
                                                          ("khmer", "daily", "en")])
def test_the_feeds_link_the_same_day_in_the_other_language(night, name, other, language):
    feed_path = night.public / name / "opds.xml"
    (entry,) = etree.parse(str(feed_path)).getroot().findall("a:entry", NS)
    (alternate,) = entry.findall("a:link[@rel='alternate']", NS)
    assert alternate.get("hreflang") == language
    assert alternate.get("type") == "application/epub+zip"
    target = (feed_path.parent / alternate.get("href")).resolve()
    assert target == (night.public / other / "2026" / "12" / "31" /
                      f"{other}-{DAYS[0]}.epub").resolve()
    parsed = feedparser.parse(feed_path.read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    (link,) = [link for link in parsed.entries[0].links if link.rel == "alternate"]
    assert link.hreflang == language
    assert urljoin(f"https://news.example/{name}/opds.xml", link.href) == (
        f"https://news.example/{other}/2026/12/31/{other}-{DAYS[0]}.epub")


@pytest.mark.parametrize(("page", "other", "language"), [
    ("daily/index.html", "khmer", "km"), ("khmer/index.html", "daily", "en"),
    ("index.html", "khmer", "km"), ("index.html", "daily", "en")])
def test_the_pages_link_the_same_day_in_the_other_language(night, page, other, language):
    path = night.public / page
    doc = html.parse(str(path)).getroot()
    links = [a for a in doc.iter("a") if a.get("hreflang") == language]
    assert links, page
    for link in links:
        assert link.text_content() == ("The Test Daily" if other == "daily" else KHMER_TITLE)
        assert link.get("lang") == language
        target = urlsplit(link.get("href"))
        assert (path.parent / target.path).resolve() == (night.public / other /
                                                         "index.html").resolve()
        there = html.parse(str(night.public / other / "index.html")).getroot()
        (row,) = there.xpath(f"//*[@id='{target.fragment}']")
        assert row.find("time").get("datetime") == DAYS[0].isoformat()


ALLOWED_LATIN = {"PDF", "EPUB", "Kobo", "kB", "MB", "OPDS", "UTC", ".kepub.epub"}
"""Names of formats and units, which Khmer text writes in Latin letters too."""


def test_the_khmer_download_page_is_in_khmer(night):
    doc = html.parse(str(night.public / "khmer" / "index.html")).getroot()
    assert doc.get("lang") == "km"
    buttons = [a for a in doc.iter("a") if "button" in (a.get("class") or "")]
    assert buttons and all(a.text_content().startswith("ទាញយក") for a in buttons)
    time = doc.find(".//h2[@id='latest-heading']/time")
    assert time.text.startswith("ថ្ងៃ") and "៣១" in time.text  # 31 December, Khmer digits
    seen = []
    for node in doc.iter():
        if node.tag in ("style", "script") or not isinstance(node.tag, str):
            continue
        language = next((n.get("lang") for n in (node, *node.iterancestors())
                         if n.get("lang")), None)
        for text in (node.text, node.tail):
            text = (text or "").strip()
            where = node if text is node.text else node.getparent()
            if not text or language != "km" or where is None:
                continue
            seen.append(text)
            assert not re.search(r"[0-9]", text), text  # every number in Khmer digits
            words = set(re.findall(r"[A-Za-z.]+[A-Za-z]", text))
            assert words <= ALLOWED_LATIN, text
    assert any("ជាតិ" in text for text in seen)  # the section names, as readers see them
    alt = doc.find(".//figure[@class='cover']//img").get("alt")
    assert alt.startswith("ទំព័រមុខ") and "Front page" not in alt


def test_the_english_page_stays_in_english(night):
    doc = html.parse(str(night.public / "daily" / "index.html")).getroot()
    assert doc.get("lang") == "en"
    text = doc.text_content()
    assert "Latest edition" in text and "Download PDF" in text
    assert "The same day in another language:" in text


# --- In this process: one edition failing, a retry, the lock.

@pytest.fixture(scope="module")
def nights(tmp_path_factory):
    """Night 1 publishes both editions; night 2 has no Khmer story, so the Khmer edition
    (given first) fails and the daily is published; night 3 retries with
    ``skip_published`` once the Khmer stories arrived."""
    root = tmp_path_factory.mktemp("nights")
    editions = write_editions(root / "editions")
    configs = [editions.khmer, editions.daily]
    public = root / "public"
    with env_epoch(FIXED_EPOCH):
        first = run_nights(fill(root / "content-1").root, public, configs, DAYS[0])
        before = shelf_bytes(public / "khmer")
        second = run_nights(fill(root / "content-2", khmer=False).root, public, configs,
                            DAYS[1])
        after = shelf_bytes(public / "khmer")
        third = run_nights(fill(root / "content-3").root, public, configs, DAYS[1],
                           skip_published=True)
    return SimpleNamespace(public=public, first=first, second=second, third=third,
                           before=before, after=after)


def shelf_bytes(folder: Path) -> dict[str, bytes]:
    """Every file of an edition's folder but its night log."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != "nightly.log"}


def test_the_editions_share_each_story_read(nights):
    assert nights.first.exit_code == 0
    assert [run.exit_code for run in nights.first.runs.values()] == [0, 0]
    assert nights.first.stories_reused == 4  # each story read by the first edition only


def test_one_failing_edition_leaves_the_other_published_and_its_own_shelf_untouched(nights):
    runs = nights.second.runs
    assert list(runs) == ["khmer", "daily"]
    assert nights.second.exit_code == 1  # not every edition was published
    assert runs["khmer"].exit_code == 1 and runs["khmer"].publication is None
    assert runs["daily"].exit_code == 0 and runs["daily"].publication.status == "new"
    assert issue_json(nights.public, DAYS[1], "daily")["date"] == DAYS[1].isoformat()
    assert nights.after == nights.before  # not one byte of the Khmer shelf changed
    log = (nights.public / "khmer" / "nightly.log").read_text(encoding="utf-8").splitlines()
    assert "NOTHING PUBLISHED" in log[1] and DAYS[1].isoformat() in log[1]


def test_a_retry_builds_only_the_edition_missing_from_the_shelf(nights):
    runs = nights.third.runs
    assert nights.third.exit_code == 0
    assert runs["daily"].skipped and runs["daily"].build is None
    assert runs["khmer"].publication.status == "new"
    daily_log = (nights.public / "daily" / "nightly.log").read_text(encoding="utf-8")
    assert f"daily {DAYS[1]}: already on the shelf, skipped" in daily_log.splitlines()[-1]
    assert verify_shelf(nights.public).ok
    page = (nights.public / "daily" / "index.html").read_text(encoding="utf-8")
    assert f"../khmer/index.html#issue-{DAYS[1]}" in page  # linked once both are there


def test_a_held_lock_stops_every_edition_and_each_logs_it(tmp_path):
    editions = write_editions(tmp_path / "editions")
    public = tmp_path / "public"
    with shelf_lock(public):
        night = run_nights(fill(tmp_path / "content").root, public,
                           [editions.daily, editions.khmer], DAYS[0])
    assert night.exit_code == EXIT_LOCKED
    for name in ("daily", "khmer"):
        (line,) = (public / name / "nightly.log").read_text(encoding="utf-8").splitlines()
        assert "NOTHING PUBLISHED (another run" in line
        assert not (public / name / "2026").exists()


def test_two_definitions_with_one_name_are_a_usage_error(tmp_path):
    editions = write_editions(tmp_path / "editions")
    other = tmp_path / "other" / "daily.toml"
    other.parent.mkdir()
    other.write_text((editions.folder / "daily.toml").read_text(encoding="utf-8"),
                     encoding="utf-8")
    done = run_cli("nightly", fill(tmp_path / "content").root, tmp_path / "public",
                   "--edition", editions.daily.path, "--edition", other)
    assert done.returncode == 2
    assert "both named 'daily'" in done.stderr
    assert not (tmp_path / "public").exists()


# --- build.Reading: a story is shared only between editions that read it the same way.

READING_FIELDS = {"language", "sections", "max_headline_chars", "max_standfirst_chars",
                  "max_caption_chars", "max_teaser_chars"}
"""What Reading's key holds about the edition."""


class Recording:
    """An edition definition that notes which fields are read."""

    def __init__(self, config):
        self._config, self.read = config, set()

    def __getattr__(self, name):
        self.read.add(name)
        return getattr(self._config, name)


def test_reading_a_story_uses_only_the_fields_the_shared_key_holds(tmp_path):
    from compiler.content.markdown import read_story

    editions = write_editions(tmp_path / "editions")
    content = fill(tmp_path / "content")
    content.story("plain", headline="A story that names no language", section="World",
                  body="Text.\n", related=[{"headline": "Elsewhere", "teaser": "More."}])
    recording = Recording(editions.khmer)
    for path in sorted((content.root / "stories").glob("*.md")):
        story, _ = read_story(path, content.root, recording)
        assert story is not None, path
    assert recording.read <= READING_FIELDS, recording.read - READING_FIELDS


def test_a_story_without_a_language_is_read_again_for_an_edition_of_another(tmp_path):
    from compiler.build import Reading

    editions = write_editions(tmp_path / "editions")
    content = Content(tmp_path / "content")
    named = content.story("named", headline="Named", section="World", language="en",
                          body="Text.\n")
    plain = content.story("plain", headline="Plain", section="World", body="Text.\n")
    boolean = content.story("no", text="---\nheadline: Yes\nsection: World\nlanguage: no\n"
                            "---\nText.\n")
    reading = Reading()
    first = {p.name: reading.read(p, content.root, editions.daily)[0]
             for p in (named, plain, boolean)}
    second = {p.name: reading.read(p, content.root, editions.khmer)[0]
              for p in (named, plain, boolean)}
    assert reading.reused == 1
    assert second["named.md"] is first["named.md"]
    assert (first["plain.md"].language, second["plain.md"].language) == ("en", "km")
    assert (first["no.md"].language, second["no.md"].language) == ("en", "km")  # YAML's False
