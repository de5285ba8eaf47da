"""The print PDF, built by the real CLI and judged with poppler, qpdf and pikepdf.

One small edition is built once for the module (PDF only); the sample edition
comes from the session-wide ``sample_build``.
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pikepdf
import pytest
import yaml

from compiler.text.templates import long_date
from support import SAMPLE, Content, pdftotext, run_cli

DAY = date(2026, 11, 25)
TITLE = "The Test Gazette"
PUBLISHER = "Gazette Newsroom"
ZWSP = "\u200b"

LEAD = "Council approves new river ferry service"
MARKET = "Market hall reopens after repairs"
PORT = "Port traffic reaches a new record"
SUMMIT = "Regional leaders meet on flood warnings"
KHMER = "ភ្លៀងធ្លាក់យ៉ាងខ្លាំងនៅខេត្តសៀមរាប"
KHMER_BODY = (
    "កាលពីម្សិលមិញភ្លៀងធ្លាក់យ៉ាងខ្លាំងនៅក្នុងខេត្តសៀមរាបហើយផ្លូវជាច្រើនត្រូវបានលិចទឹក។ "
    "តម្លៃអង្ករឡើងដល់ ៣០០០៛ ក្នុងមួយគីឡូក្រាម។\n"
)
DROUGHT = (
    "Drought hits rice farmers",
    "Farmers in three provinces ask for help.",
    "https://news.example.org/rice",
)
BUSES = (
    "Bus routes to be redrawn",
    "A new map is due next month.",
    "https://news.example.org/buses",
)
MUSEUM = ("Museum opens a new wing", "", "")
SECTIONS = ("National", "Business", "World")
# Edition order: section, then priority.
STORIES = [
    ("National", LEAD),
    ("National", MARKET),
    ("Business", PORT),
    ("World", SUMMIT),
    ("World", KHMER),
]


def paragraphs(topic: str, count: int) -> str:
    sentence = (
        "Paragraph {i} about the {topic}. Officials said the plan had been discussed at "
        "length with residents, traders and boat owners, and that work would begin in the "
        "new year once the budget for the {topic} had been approved by the council."
    )
    return "\n\n".join(sentence.format(i=i, topic=topic) for i in range(count)) + "\n"


@dataclass
class Built:
    pdf: Path
    out: Path
    stdout: str
    stderr: str


WEBSITE = "https://news.example.org"


def write_edition(folder: Path, name: str, **fields) -> Path:
    lines = [
        "[edition]",
        f'title = "{TITLE}"',
        f'publisher = "{PUBLISHER}"',
        f"sections = {list(SECTIONS)!r}".replace("'", '"'),
        'outputs = ["pdf"]',
        f'website = "{WEBSITE}"',
    ]
    lines += [f"{key} = {json.dumps(value)}" for key, value in fields.items()]
    path = folder / f"{name}.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Built:
    root = tmp_path_factory.mktemp("pdf-edition")
    content = Content(root / "content")
    content.photo("ferry.jpg", size=(1600, 1000))
    content.story(
        "lead",
        headline=LEAD,
        priority=1,
        url="https://news.example.org/ferry",
        standfirst="Boats will run every half hour from March.",
        image={
            "src": "../images/ferry.jpg",
            "caption": "The old jetty.",
            "credit": "Staff",
            "alt": "A wooden jetty on a wide brown river",
        },
        body=paragraphs("ferry", 28),
        related=[
            {"headline": "Port figures out", "slug": "port-traffic"},
            {"headline": "Market story", "url": "https://news.example.org/market"},
            {"headline": DROUGHT[0], "teaser": DROUGHT[1], "url": DROUGHT[2]},
            {"headline": LEAD},
            {"headline": MUSEUM[0]},
        ],
    )
    content.story(
        "market",
        headline=MARKET,
        priority=2,
        url="https://news.example.org/market",
        body=paragraphs("market", 4),
        related=[{"headline": BUSES[0], "teaser": BUSES[1], "url": BUSES[2]}],
    )
    content.story(
        "port-traffic",
        headline=PORT,
        section="Business",
        priority=1,
        body="Container volumes rose 12 per cent; the index moved −0.2% on the day.\n\n"
        + paragraphs("port", 3),
        related=[
            {"headline": DROUGHT[0] + " hard", "teaser": "Another teaser.", "url": DROUGHT[2]},
            {"headline": LEAD},
        ],
    )
    content.story(
        "summit",
        headline=SUMMIT,
        section="World",
        priority=1,
        body=paragraphs("summit", 3),
        related=[{"headline": "x", "slug": "khmer-rain"}],
    )
    content.story(
        "khmer-rain", headline=KHMER, section="World", priority=2, language="km", body=KHMER_BODY
    )
    toml = write_edition(root, "gazette")
    out = root / "out"
    result = run_cli(
        "build", content.root, "--edition", toml, "--out", out, "--date", DAY.isoformat(), "--quiet"
    )
    assert result.returncode == 0, result.stderr
    return Built(out / f"gazette-{DAY.isoformat()}.pdf", out, result.stdout, result.stderr)


# ---------- helpers ----------


def norm(text: str) -> str:
    """Text as a reader sees it: no invisible break marks, single spaces."""
    return " ".join(text.replace(ZWSP, "").replace("\u00ad", "").split())


def squash(text: str) -> str:
    """For text pdftotext may wrap and de-hyphenate: drop whitespace and hyphens."""
    return re.sub(r"[\s\-\u2010\u00ad\u200b]+", "", text)


def page_text(pdf: Path, number: int, *options: str) -> str:
    return pdftotext(pdf, "-f", str(number), "-l", str(number), *options)


def pages_text(pdf: Path, first: int, last: int) -> str:
    return pdftotext(pdf, "-f", str(first), "-l", str(last))


@dataclass
class Mark:
    title: str
    page: int
    children: list


def outline(pdf_path: Path) -> list[Mark]:
    with pikepdf.open(pdf_path) as pdf:
        pages = {page.obj.objgen: index for index, page in enumerate(pdf.pages, start=1)}

        def walk(items):
            marks = []
            for item in items:
                assert item.destination is not None, f"bookmark {item.title!r} has no destination"
                marks.append(
                    Mark(item.title, pages[item.destination[0].objgen], walk(item.children))
                )
            return marks

        with pdf.open_outline() as tree:
            return walk(tree.root)


def page_count(pdf_path: Path) -> int:
    with pikepdf.open(pdf_path) as pdf:
        return len(pdf.pages)


def story_pages(marks: list[Mark]) -> dict[str, int]:
    """Headline (break marks removed) -> page of its bookmark."""
    return {
        norm(child.title): child.page
        for mark in marks
        if mark.title in SECTIONS
        for child in mark.children
    }


def top(marks: list[Mark], title: str) -> Mark:
    found = [m for m in marks if m.title == title]
    assert len(found) == 1, [m.title for m in marks]
    return found[0]


def uris(pdf_path: Path, first: int, last: int) -> list[str]:
    found = []
    with pikepdf.open(pdf_path) as pdf:
        for page in list(pdf.pages)[first - 1 : last]:
            for annot in page.get("/Annots", []):
                action = annot.get("/A")
                if annot.get("/Subtype") == "/Link" and action is not None and "/URI" in action:
                    found.append(str(action.URI))
    return found


# ---------- the small edition ----------


def test_build_is_clean_and_writes_the_named_pdf_and_report(built):
    stem = f"gazette-{DAY.isoformat()}"
    published = sorted(p.name for p in built.out.iterdir() if not p.name.startswith("."))
    assert published == [f"{stem}.pdf", f"{stem}.report.json"]
    assert built.stderr == ""
    check = subprocess.run(["qpdf", "--check", str(built.pdf)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    report = json.loads((built.out / f"{stem}.report.json").read_text(encoding="utf-8"))
    assert report["pages"] == page_count(built.pdf)
    assert report["outputs"]["pdf"]["bytes"] == built.pdf.stat().st_size
    assert str(page_count(built.pdf)) in built.stdout


def test_every_headline_is_in_the_pdf(built):
    text = norm(pdftotext(built.pdf))
    for _, headline in STORIES:
        if headline != KHMER:  # pdftotext cannot put Khmer clusters back together; see bookmarks
            assert headline in text
    assert norm(KHMER) in story_pages(outline(built.pdf))


def test_bookmarks_are_sections_holding_their_stories(built):
    marks = outline(built.pdf)
    sections = [m for m in marks if m.title in SECTIONS]
    assert [m.title for m in sections] == list(SECTIONS)
    for mark in sections:
        expected = [headline for section, headline in STORIES if section == mark.title]
        assert [norm(child.title) for child in mark.children] == [norm(h) for h in expected]
    headlines = {norm(h) for _, h in STORIES}
    assert not headlines & {norm(m.title) for m in marks}, "a story bookmark is at the top level"
    for mark in sections:
        assert mark.title.upper() in page_text(built.pdf, mark.page)
        for child in mark.children:
            assert child.page >= mark.page
            if child.title.isascii():
                assert child.title in norm(page_text(built.pdf, child.page))


def test_bookmark_titles_carry_no_invisible_break_marks(built):
    """The outline is the PDF's menu: it should hold the headline as written."""
    titles = [child.title for m in outline(built.pdf) for child in [m, *m.children]]
    assert [t for t in titles if norm(t) == KHMER] == [KHMER]
    assert not [t for t in titles if ZWSP in t]


def test_see_also_gives_the_page_where_the_story_is(built):
    marks = outline(built.pdf)
    pages = story_pages(marks)
    found = []  # (headline, page it names, page it stands on): "this page" names its own
    for number in range(1, max(pages.values()) + 2):
        text = norm(page_text(built.pdf, number))
        for headline, named in re.findall(r"See also: (.+?), (?:page (\d+)|this page)", text):
            found.append((headline, int(named) if named else number, number))
    # lead -> port, market; port -> lead; summit -> khmer. The lead's link to itself is dropped.
    assert len(found) == 4, found
    latin = {(headline, page) for headline, page, _ in found if headline.isascii()}
    assert {headline for headline, _ in latin} == {PORT, MARKET, LEAD}
    for headline, page in latin:
        assert page == pages[headline]
        assert headline in norm(page_text(built.pdf, page))
    (khmer_page,) = [page for headline, page, _ in found if not headline.isascii()]
    assert khmer_page == pages[norm(KHMER)]
    assert sum(1 for headline, _, _ in found if headline == LEAD) == 1


def test_contents_page_numbers_match_where_stories_are(built):
    marks = outline(built.pdf)
    pages = story_pages(marks)
    contents = page_text(built.pdf, top(marks, "Contents").page, "-layout")
    entries = re.findall(r"^\s*(\S.*?)\s*\.{4,}\s*(\d+)\s*$", contents, re.MULTILINE)
    assert len(entries) == len(STORIES), contents
    for (title, page), (_, headline) in zip(entries, STORIES, strict=True):
        assert int(page) == pages[norm(headline)], (title, page)
        if headline.isascii():
            assert norm(title) == headline
    for section in SECTIONS:
        match = re.search(rf"^\s*{section.upper()}\s+(\d+)\s*$", contents, re.MULTILINE)
        assert match, (section, contents)
        assert int(match.group(1)) == top(marks, section).page


def test_lead_story_spans_pages_so_page_numbers_are_not_trivial(built):
    pages = story_pages(outline(built.pdf))
    assert pages[MARKET] > pages[LEAD]


def test_cover_points_to_the_lead_story_page(built):
    pages = story_pages(outline(built.pdf))
    cover = norm(page_text(built.pdf, 1)).upper()
    assert f"FULL STORY: PAGE {pages[LEAD]}" in cover
    # The index is in two columns, so only check that every page it names holds a story.
    named = {int(n) for n in re.findall(r"\bPAGE (\d+)", cover)}
    assert len(named) >= 3
    assert named <= set(pages.values())


def test_more_stories_lists_headlines_teasers_and_links(built):
    marks = outline(built.pdf)
    more = top(marks, "More stories")
    last = page_count(built.pdf)
    text = norm(pages_text(built.pdf, more.page, last))
    for headline, teaser, url in (DROUGHT, BUSES, MUSEUM):
        assert text.count(headline) == 1, headline
        if teaser:
            assert teaser in text
        if url:
            assert url in text
    assert "Another teaser." not in text  # the second entry for the same url was a duplicate
    # The stories' own addresses, and the newsroom's site named in the heading.
    assert sorted(uris(built.pdf, more.page, last)) == sorted({DROUGHT[2], BUSES[2], WEBSITE})
    pages = story_pages(marks)
    for headline in (LEAD, MARKET, PORT):
        assert f"{headline}, page {pages[headline]}" in text


def test_only_bundled_fonts_are_embedded(built):
    listing = subprocess.run(
        ["pdffonts", str(built.pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert listing
    names = []
    for row in listing:
        parts = row.split()
        name, embedded = parts[0], parts[-5]
        names.append(name)
        assert embedded == "yes", row
    foreign = [n for n in names if not re.match(r"^[A-Z]{6}\+Edition-", n)]
    assert not foreign, f"system fonts in the PDF: {foreign}"
    assert any("Khmer" in n for n in names)


def test_metadata_title_author_and_language(built):
    expected_title = f"{TITLE}, {long_date(DAY)}"
    with pikepdf.open(built.pdf) as pdf:
        assert str(pdf.docinfo["/Title"]) == expected_title
        assert str(pdf.docinfo["/Author"]) == PUBLISHER
        assert str(pdf.Root.Lang) == "en"
        with pdf.open_metadata() as xmp:
            assert xmp["dc:title"] == expected_title


def test_default_page_size_is_a4(built):
    with pikepdf.open(built.pdf) as pdf:
        for page in pdf.pages:
            width, height = (float(v) for v in page.mediabox[2:])
            assert (round(width), round(height)) == (595, 842)


def test_letter_page_size_is_selectable(tmp_path):
    content = Content(tmp_path / "content")
    content.story("one", headline="A story on Letter paper", priority=1)
    toml = write_edition(tmp_path, "us-letter", page_size="Letter")
    out = tmp_path / "out"
    result = run_cli(
        "build", content.root, "--edition", toml, "--out", out, "--date", DAY.isoformat(), "--quiet"
    )
    assert result.returncode == 0, result.stderr
    pdf_path = out / f"us-letter-{DAY.isoformat()}.pdf"
    with pikepdf.open(pdf_path) as pdf:
        assert len(pdf.pages) >= 3
        for page in pdf.pages:
            assert [float(v) for v in page.mediabox] == [0, 0, 612, 792]
    assert "A story on Letter paper" in norm(pdftotext(pdf_path))


# ---------- the sample edition ----------


def front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("\n---", 1)[0].removeprefix("---"))


def sample_paths(sample_build):
    out, _ = sample_build
    report = json.loads(next(out.glob("*.report.json")).read_text(encoding="utf-8"))
    return out / report["outputs"]["pdf"]["file"], report


def story_text_of(pdf: Path, marks: list[Mark], headline: str) -> str:
    """The text of one story: from its bookmark to the next story's headline."""
    order = [(norm(c.title), c.page) for m in marks if m.children for c in m.children]
    index = [title for title, _ in order].index(norm(headline))
    first = order[index][1]
    last = order[index + 1][1] if index + 1 < len(order) else page_count(pdf)
    text = norm(pages_text(pdf, first, last))
    start = text.index(norm(headline))
    if index + 1 < len(order):
        # The next story's headline, but not where a "See also" line names it.
        following = re.compile(rf"(?<!See also: ){re.escape(order[index + 1][0])}")
        end = following.search(text, start + 1)
        return text[start : end.start() if end else None]
    return text[start:]


def test_sample_pdf_has_every_story_headline(sample_build):
    pdf, report = sample_paths(sample_build)
    assert report["left_out"] == []
    stories = [front_matter(SAMPLE / name) for name in report["included"]]
    assert len(stories) == len(list((SAMPLE / "stories").glob("*.md")))
    text = squash(pdftotext(pdf))
    bookmarks = {norm(child.title) for m in outline(pdf) for child in m.children}
    for meta in stories:
        headline = " ".join(meta["headline"].split())
        if not re.search("[\u1780-\u17ff]", headline):
            assert squash(headline) in text, headline
        else:  # Khmer: pdftotext cannot rebuild the clusters, the outline holds the text
            assert norm(headline) in bookmarks, headline


def test_sample_lead_related_headlines_all_appear(sample_build):
    pdf, _ = sample_paths(sample_build)
    lead = front_matter(SAMPLE / "stories" / "un-rights-report.md")
    related = [" ".join(entry["headline"].split()) for entry in lead["related"]]
    assert len(related) == 6
    marks = outline(pdf)
    more = top(marks, "More stories")
    more_text = squash(pages_text(pdf, more.page, page_count(pdf)))
    lead_text = story_text_of(pdf, marks, " ".join(lead["headline"].split()))
    pages = story_pages(marks)
    for headline in related:
        linked = re.search(rf"See also: {re.escape(headline)}, page (\d+)", lead_text)
        if linked:  # an in-edition link must give the page the story is on
            assert int(linked.group(1)) == pages[headline], headline
        else:
            assert squash(headline) in more_text, headline
