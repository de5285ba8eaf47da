"""The EPUB, built by the real CLI and judged with EPUBCheck, lxml, Pillow and fontTools.

One small edition is built once for the module (EPUB only); the sample edition
comes from the session-wide ``sample_build``.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from lxml import etree
from PIL import Image

from compiler.config import EditionConfig
from compiler.content.assemble import assemble
from compiler.epub.package import build_epub
from support import EPUB_NS, FIXED_EPOCH, Content, epubcheck, run_cli

DAY = date(2026, 11, 25)
ZWSP = "\u200b"
NS = EPUB_NS
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

LEAD = "Council approves new river ferry service"
TOWER = "Old water tower to become a museum"
PORT = "Port traffic reaches a new record"
KHMER = "ភ្លៀងធ្លាក់យ៉ាងខ្លាំងនៅខេត្តសៀមរាប"
KHMER_BODY = (
    "កាលពីម្សិលមិញភ្លៀងធ្លាក់យ៉ាងខ្លាំងនៅក្នុងខេត្តសៀមរាបហើយផ្លូវជាច្រើនត្រូវបានលិចទឹក។ "
    "តម្លៃអង្ករឡើងដល់ ៣០០០៛ ក្នុងមួយគីឡូក្រាម។"
)
ELSEWHERE = (
    "Drought hits rice farmers",
    "Farmers in three provinces ask for help.",
    "https://news.example.org/rice",
)
# (section, headline, language) in edition order
STORIES = [
    ("National", LEAD, "en"),
    ("National", TOWER, "en"),
    ("Business", PORT, "en"),
    ("World", KHMER, "km"),
]


@dataclass
class Book:
    path: Path
    out: Path
    stderr: str
    zip: zipfile.ZipFile
    opf_path: str

    def read(self, name: str) -> bytes:
        return self.zip.read(name)

    def xml(self, name: str) -> etree._Element:
        return etree.fromstring(self.read(name))

    def href(self, relative: str, base: str | None = None) -> str:
        """Zip name of a manifest href (relative to the OPF, or to ``base``)."""
        folder = posixpath.dirname(base or self.opf_path)
        return posixpath.normpath(posixpath.join(folder, relative.split("#")[0]))

    @property
    def opf(self) -> etree._Element:
        return self.xml(self.opf_path)

    def manifest(self) -> list[etree._Element]:
        return self.opf.findall("opf:manifest/opf:item", NS)


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    root = tmp_path_factory.mktemp("epub-edition")
    content = Content(root / "content")
    content.photo("ferry.jpg", size=(3000, 2000))
    content.photo("tower.jpg", size=(1000, 2400), color=(150, 120, 60))
    content.story(
        "lead",
        headline=LEAD,
        priority=1,
        image={
            "src": "../images/ferry.jpg",
            "caption": "The old jetty.",
            "alt": "A wooden jetty on a wide brown river",
        },
        body="Boats will run every half hour.\n\n## Timetable\n\nFrom March.\n",
        related=[
            {"headline": "Port figures", "slug": "port"},
            {"headline": ELSEWHERE[0], "teaser": ELSEWHERE[1], "url": ELSEWHERE[2]},
        ],
    )
    content.story(
        "tower",
        headline=TOWER,
        priority=2,
        image={"src": "../images/tower.jpg", "caption": "The tower at dusk."},
        body="The tower was built in 1932.\n",
    )
    content.story("port", headline=PORT, section="Business", body="Volumes rose −0.2%.\n")
    content.story("khmer", headline=KHMER, section="World", language="km", body=KHMER_BODY + "\n")
    toml = root / "gazette.toml"
    toml.write_text(
        '[edition]\ntitle = "The Test Gazette"\npublisher = "Gazette Newsroom"\n'
        'sections = ["National", "Business", "World"]\noutputs = ["epub"]\n',
        encoding="utf-8",
    )
    out = root / "out"
    result = run_cli(
        "build", content.root, "--edition", toml, "--out", out, "--date", DAY.isoformat(), "--quiet"
    )
    assert result.returncode == 0, result.stderr
    path = out / f"gazette-{DAY.isoformat()}.epub"
    archive = zipfile.ZipFile(path)
    container = etree.fromstring(archive.read("META-INF/container.xml"))
    opf_path = container.find(".//c:rootfile", NS).get("full-path")
    yield Book(path, out, result.stderr, archive, opf_path)
    archive.close()


def assert_epubcheck_clean(path: Path) -> None:
    result = epubcheck(path)
    output = result.stdout + result.stderr
    bad = [line for line in output.splitlines() if re.match(r"^(WARNING|ERROR|FATAL)", line)]
    assert result.returncode == 0, output
    assert not bad, "\n".join(bad)
    assert re.search(r"\b0 fatals / 0 errors / 0 warnings\b", output), output


def story_files(book: Book) -> dict[str, str]:
    """Headline -> zip name of its XHTML, read from the documents themselves."""
    found = {}
    for item in book.manifest():
        if item.get("media-type") == "application/xhtml+xml" and "nav" not in (
            item.get("properties") or ""
        ):
            name = book.href(item.get("href"))
            root = book.xml(name)
            if root.find(".//x:article[@class='story']", NS) is not None:
                # the headline as written: U+200B only marks Khmer word breaks
                found[root.find(".//x:h1", NS).text.replace(ZWSP, "")] = name
    return found


# ---------- the small edition ----------


def test_epub_is_named_after_the_edition_and_date_and_passes_epubcheck(book):
    assert sorted(p.name for p in book.out.iterdir() if not p.name.startswith(".")) == [
        f"gazette-{DAY.isoformat()}.epub",
        f"gazette-{DAY.isoformat()}.report.json",
    ]
    # The only thing to say is that the tower photo's alt text came from its caption.
    assert [line.split(" ")[:2] for line in book.stderr.splitlines()] == [
        ["stories/tower.md:5:", "P005"]
    ]
    assert_epubcheck_clean(book.path)


def test_zip_is_written_reproducibly(book):
    infos = book.zip.infolist()
    assert infos[0].filename == "mimetype"
    assert infos[0].compress_type == zipfile.ZIP_STORED
    assert book.read("mimetype") == b"application/epub+zip"
    stamp = datetime.fromtimestamp(int(FIXED_EPOCH), tz=UTC).timetuple()[:6]
    assert {info.date_time for info in infos} == {stamp}
    names = [info.filename for info in infos[2:]]
    assert names == sorted(names)


def test_every_story_is_its_own_document(book):
    files = story_files(book)
    assert sorted(files) == sorted(headline for _, headline, _ in STORIES)


def test_nav_lists_every_story_under_its_section(book):
    nav_item = next(i for i in book.manifest() if "nav" in (i.get("properties") or "").split())
    nav_name = book.href(nav_item.get("href"))
    toc = book.xml(nav_name).find(".//x:nav[@epub:type='toc']", NS)
    listed = {}
    for li in toc.findall("x:ol/x:li", NS):
        link = li.find("x:a", NS)
        children = li.findall("x:ol/x:li/x:a", NS)
        if children:
            listed[link.text] = [(a.text, book.href(a.get("href"), nav_name)) for a in children]
    sections = list(dict.fromkeys(section for section, _, _ in STORIES))
    assert list(listed) == sections
    files = story_files(book)
    for section in sections:
        expected = [headline for s, headline, _ in STORIES if s == section]
        assert [text for text, _ in listed[section]] == expected
        for text, target in listed[section]:
            assert target == files[text]


def test_ncx_exists_and_lists_every_story(book):
    opf = book.opf
    spine_toc = opf.find("opf:spine", NS).get("toc")
    ncx_item = next(i for i in book.manifest() if i.get("id") == spine_toc)
    assert ncx_item.get("media-type") == "application/x-dtbncx+xml"
    ncx_name = book.href(ncx_item.get("href"))
    ncx = book.xml(ncx_name)
    files = story_files(book)
    found = {}
    for point in ncx.findall("ncx:navMap/ncx:navPoint", NS):
        label = point.findtext("ncx:navLabel/ncx:text", namespaces=NS)
        for child in point.findall("ncx:navPoint", NS):
            found[child.findtext("ncx:navLabel/ncx:text", namespaces=NS)] = (
                label,
                book.href(child.find("ncx:content", NS).get("src"), ncx_name),
            )
    for section, headline, _ in STORIES:
        assert found[headline] == (section, files[headline])
    orders = [int(p.get("playOrder")) for p in ncx.iter(f"{{{NS['ncx']}}}navPoint")]
    assert orders == list(range(1, len(orders) + 1))


def test_each_story_document_carries_its_language(book):
    files = story_files(book)
    for _, headline, language in STORIES:
        root = book.xml(files[headline])
        assert root.get(XML_LANG) == language, headline
        assert root.get("lang") == language, headline


def test_khmer_text_is_intact_and_breaks_only_between_khmer_letters_of_the_body(book):
    """U+200B marks Khmer word boundaries for dictionary-less readers (KOReader, Kobo's
    Adobe renderer): in the body's text only, never in the head, an attribute, the nav,
    the NCX or the package."""
    name = story_files(book)[KHMER]
    root = book.xml(name)
    text = "".join(root.find("x:body", NS).itertext())
    assert ZWSP in text
    assert KHMER_BODY in text.replace(ZWSP, "")
    khmer = re.compile("[\u1780-\u17ff]")
    for before, after in re.findall(f"(.)?{ZWSP}(.)?", text):
        assert khmer.match(before or "") and khmer.match(after or ""), (before, after)
    assert ZWSP not in root.findtext("x:head/x:title", namespaces=NS)
    for element in root.iter():
        assert not any(ZWSP in value for value in element.attrib.values()), element.tag
    for item in book.manifest():
        if item.get("media-type") != "application/xhtml+xml" or \
                "nav" in (item.get("properties") or "").split():
            assert ZWSP.encode() not in book.read(book.href(item.get("href"))), item.get("href")
    assert ZWSP.encode() not in book.read(book.opf_path)


def test_photos_are_downscaled_to_1600_pixels_and_have_alt_text(book):
    cover_ids = {
        i.get("id") for i in book.manifest() if "cover-image" in (i.get("properties") or "")
    }
    photos = [
        i
        for i in book.manifest()
        if i.get("media-type", "").startswith("image/") and i.get("id") not in cover_ids
    ]
    assert len(photos) == 2
    for item in photos:
        with Image.open(io.BytesIO(book.read(book.href(item.get("href"))))) as image:
            assert max(image.size) == 1600, (item.get("href"), image.size)
    files = story_files(book)
    names = {book.href(i.get("href")) for i in photos}
    for headline, alt in (
        (LEAD, "A wooden jetty on a wide brown river"),
        (TOWER, "The tower at dusk."),
    ):
        (img,) = book.xml(files[headline]).iterfind(".//x:img", NS)
        assert book.href(img.get("src"), files[headline]) in names
        assert img.get("alt") == alt


def test_cover_image_is_present_and_declared(book):
    covers = [i for i in book.manifest() if "cover-image" in (i.get("properties") or "").split()]
    assert len(covers) == 1
    name = book.href(covers[0].get("href"))
    with Image.open(io.BytesIO(book.read(name))) as image:
        assert image.format == "JPEG"
        assert image.size[1] > image.size[0]
    first = book.opf.find("opf:spine/opf:itemref", NS).get("idref")
    first_item = next(i for i in book.manifest() if i.get("id") == first)
    cover_page = book.href(first_item.get("href"))
    srcs = [
        book.href(img.get("src"), cover_page)
        for img in book.xml(cover_page).iterfind(".//x:img", NS)
    ]
    assert srcs == [name]


def test_bundled_fonts_are_embedded_and_cover_the_text(book):
    fonts = [
        i
        for i in book.manifest()
        if i.get("media-type")
        in (
            "font/ttf",
            "font/otf",
            "application/font-sfnt",
            "application/vnd.ms-opentype",
            "font/woff2",
        )
    ]
    assert fonts
    faces = {}
    for item in fonts:
        name = book.href(item.get("href"))
        font = TTFont(io.BytesIO(book.read(name)))
        faces[name] = font
    css_item = next(i for i in book.manifest() if i.get("media-type") == "text/css")
    css_name = book.href(css_item.get("href"))
    css = book.read(css_name).decode()
    urls = {book.href(url, css_name) for url in re.findall(r'url\("?([^")]+)"?\)', css)}
    assert urls and urls <= set(faces)
    families = set(re.findall(r'font-family:\s*"([^"]+)"', css))
    assert {"Edition Serif", "Edition Sans Khmer"} <= families
    khmer_faces = [f for n, f in faces.items() if "Khmer" in n]
    assert khmer_faces
    needed = {ord(ch) for ch in KHMER + KHMER_BODY if "\u1780" <= ch <= "\u17ff"}
    for font in khmer_faces:
        assert needed <= set(font.getBestCmap()), "a Khmer subset lost characters the text uses"
    story = book.xml(story_files(book)[LEAD])
    links = [
        book.href(link.get("href"), story_files(book)[LEAD])
        for link in story.iterfind(".//x:link[@rel='stylesheet']", NS)
    ]
    assert css_name in links


def test_every_character_of_every_page_is_in_a_font_subset(book):
    covered = set()
    for item in book.manifest():
        if item.get("media-type") == "font/ttf":
            covered |= set(TTFont(io.BytesIO(book.read(book.href(item.get("href"))))).getBestCmap())
    pages = [i for i in book.manifest() if i.get("media-type") == "application/xhtml+xml"]
    assert any(i.get("href").endswith("more-stories.xhtml") for i in pages)
    for item in pages:
        text = "".join(book.xml(book.href(item.get("href"))).itertext())
        missing = {ch for ch in text if not ch.isspace() and ord(ch) not in covered}
        assert not missing, (item.get("href"), missing)


def test_an_edition_without_more_stories_has_no_page_or_link_for_them(tmp_path):
    content = Content(tmp_path / "content")
    content.story("lead", headline=LEAD, priority=1)
    config = EditionConfig(name="gazette", title="The Test Gazette", sections=("National",))
    edition = assemble(content.root, config, DAY).edition
    assert not edition.has_more_stories
    archive = zipfile.ZipFile(io.BytesIO(build_epub(edition)))
    assert [n for n in archive.namelist() if "more-stories" in n] == []
    for name in archive.namelist():
        if name.endswith((".xhtml", ".opf", ".ncx")):
            assert b"more-stories" not in archive.read(name), name


def test_see_also_and_more_stories_link_correctly(book):
    files = story_files(book)
    lead = book.xml(files[LEAD])
    see_also = lead.findall(".//x:aside//x:a", NS)
    assert [("".join(a.itertext()), book.href(a.get("href"), files[LEAD])) for a in see_also] == [
        (PORT, files[PORT])
    ]
    more_name = next(
        book.href(i.get("href"))
        for i in book.manifest()
        if i.get("href").endswith("more-stories.xhtml")
    )
    more = book.xml(more_name)
    text = " ".join("".join(more.itertext()).split())
    assert ELSEWHERE[0] in text and ELSEWHERE[1] in text
    assert ELSEWHERE[2] in [a.get("href") for a in more.iterfind(".//x:a", NS)]


def test_body_headings_sit_under_the_headline(book):
    lead = book.xml(story_files(book)[LEAD])
    assert [h.text for h in lead.iterfind(".//x:h1", NS)] == [LEAD]
    assert [h.text for h in lead.iterfind(".//x:div[@class='body']//x:h2", NS)] == ["Timetable"]


def test_opf_metadata(book):
    metadata = book.opf.find("opf:metadata", NS)
    assert metadata.findtext("dc:language", namespaces=NS) == "en"
    assert metadata.findtext("dc:date", namespaces=NS) == DAY.isoformat()
    assert "The Test Gazette" in metadata.findtext("dc:title", namespaces=NS)
    modified = metadata.find("opf:meta[@property='dcterms:modified']", NS).text
    expected = datetime.fromtimestamp(int(FIXED_EPOCH), tz=UTC)
    assert modified == expected.strftime("%Y-%m-%dT%H:%M:%SZ")


# ---------- the sample edition ----------


def test_sample_epub_passes_epubcheck_without_errors_or_warnings(sample_build):
    out, _ = sample_build
    (path,) = out.glob("*-????-??-??.epub")
    assert_epubcheck_clean(path)
