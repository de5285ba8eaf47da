"""Bare addresses become links that break only at / . - ? and are never hyphenated; GFM
tables keep their column alignment as classes, with no warning; S013 names the line of
the markup it removed. Judged in the Markdown reader, then in the built PDF (pdftotext,
pikepdf) and EPUB (its XHTML, EPUBCheck)."""

from __future__ import annotations

import re
import zipfile
from html import unescape

import pikepdf
import pytest
from lxml import etree

from compiler.config import EditionConfig
from compiler.content.markdown import read_story
from compiler.content.sanitize import clean_html, markdown_to_html
from support import Content, epubcheck, pdftotext, run_cli, story_text

CONFIG = EditionConfig(name="test", sections=("National", "Business"))
URL = ("https://www.phnompenhpost.com/business/2026/11/25/"
       "rice-export-figures-rise-again-this-season?ref=digest-edition")
TABLE = ("| Crop | Tonnes | Change |\n"
         "|:-----|-------:|:------:|\n"
         "| Rice | 4,000 | +2% |\n"
         "| Maize | 120 | \u22121% |\n")
BODY = (f"Exporters say the figures, at {URL}, are the best since records began and "
        "that the federation will publish more of them.\n\n" + TABLE +
        "\nMore at www.example.org and from press@example.org.\n")
X = "{http://www.w3.org/1999/xhtml}"


def body_of(markdown: str) -> etree._Element:
    cleaned, removed = clean_html(markdown_to_html(markdown))
    assert removed == []
    return etree.fromstring(f"<div>{cleaned}</div>")


def read(content: Content, name: str, text: str):
    path = content.story(name, text)
    return path, *read_story(path, content.root.resolve(), CONFIG)


def test_a_bare_address_is_a_link_that_breaks_only_before_its_separators():
    body = body_of(f"See {URL} now.\n")
    (link,) = body.iter("a")
    assert link.get("href") == URL and link.get("class") == "url"
    assert "".join(link.itertext()) == URL
    pieces = [link.text] + [wbr.tail for wbr in link]
    assert {child.tag for child in link} == {"wbr"}
    assert pieces[0] == "https://www"  # never between the scheme and the host
    assert all(piece[0] in "/.-?" for piece in pieces[1:]), pieces
    assert len(pieces) == URL.count("/") - 2 + URL.count(".") + URL.count("-") + 1 + 1


def test_addresses_without_a_scheme_and_mail_addresses_are_links_too():
    links = {a.get("href"): "".join(a.itertext()) for a in body_of(BODY).iter("a")}
    assert links == {URL: URL, "http://www.example.org": "www.example.org",
                     "mailto:press@example.org": "press@example.org"}


def test_a_link_that_shows_an_address_is_treated_as_one():
    body = body_of("[www.mrcmekong.org/reports](https://www.mrcmekong.org/reports/) and "
                   "<https://example.org/a-b>.\n")
    assert [a.get("class") for a in body.iter("a")] == ["url", "url"]
    assert all(len(a) for a in body.iter("a"))


def test_a_link_with_words_of_its_own_is_left_as_it_is():
    body = body_of("The [annual report](https://www.mrcmekong.org/) is out.\n")
    (link,) = body.iter("a")
    assert link.get("class") is None and len(link) == 0


def test_markup_in_a_story_cannot_choose_its_own_classes():
    cleaned, _ = clean_html('<p><a class="url x" href="https://a.org/">words</a></p>'
                            '<table><tr><td class="align-right">1</td>'
                            '<td class="evil">2</td></tr></table>')
    assert 'class="url' not in cleaned and "evil" not in cleaned
    assert '<td class="align-right">1</td>' in cleaned


def test_an_aligned_table_keeps_its_alignment_as_classes():
    body = body_of(TABLE)
    rows = [[cell.get("class") for cell in row] for row in body.iter("tr")]
    assert rows == [["align-left", "align-right", "align-center"]] * 3
    assert "style" not in etree.tostring(body, encoding="unicode")


def test_links_and_tables_clean_the_same_twice():
    once, _ = clean_html(markdown_to_html(BODY))
    twice, removed = clean_html(once)
    assert (twice, removed) == (once, [])


def test_an_aligned_table_on_any_line_gives_no_warning(content):
    _, story, problems = read(content, "table", story_text(body="Intro.\n\n" + TABLE))
    assert story is not None and problems == []
    assert 'class="align-right"' in story.body_html


def test_s013_names_the_line_of_each_kind_of_markup_removed(content):
    body = ("Intro.\n\n" + TABLE +
            '| Pepper | <b onclick="x()">7</b> | 0 |\n'
            "\nA paragraph that runs on\nto a second line "
            '<span style="color:red">red</span>.\n'
            "\n<script>\nsteal()\n</script>\n")
    path, story, problems = read(content, "unsafe", story_text(body=body))
    assert story is not None
    lines = path.read_text(encoding="utf-8").splitlines()
    found = {p.message.rsplit(": ", 1)[1]: p.line for p in problems if p.code == "S013"}
    assert set(found) == {"onclick= handler", "style attribute", "<script>"}
    assert "onclick" in lines[found["onclick= handler"] - 1]
    assert "style=" in lines[found["style attribute"] - 1]
    assert lines[found["<script>"] - 1] == "<script>"


def test_check_strict_passes_on_plain_markdown_with_aligned_tables(content):
    content.story("table", story_text(body=BODY))
    result = run_cli("check", content.root, "--strict")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "S013" not in result.stdout + result.stderr


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("links")
    content = Content(root / "content")
    content.story("rice", story_text(headline="Rice export figures", section="Business",
                                     body=BODY))
    out = root / "out"
    result = run_cli("build", content.root, "--out", out, "--date", "2026-11-25", "--strict")
    assert result.returncode == 0, result.stderr
    return out / "daily-2026-11-25.pdf", out / "daily-2026-11-25.epub"


def test_the_pdf_breaks_the_address_only_at_its_separators_and_never_hyphenates(built):
    pdf, _ = built
    lines = pdftotext(pdf, "-raw").splitlines()
    first = next(i for i, line in enumerate(lines) if "https://" in line)
    pieces = [lines[first][lines[first].index("https://"):]]
    while len("".join(pieces)) < len(URL):
        pieces.append(lines[first + len(pieces)])
    text = "".join(pieces)
    assert text.startswith(URL), pieces
    assert "\u2010" not in text and "\u00ad" not in text
    assert len(pieces) > 1, "the address is wider than a column, so it must break"
    ends = [sum(map(len, pieces[:n])) for n in range(1, len(pieces))]
    for at in ends:
        assert URL[at - 1] in "/.-?" or URL[at] in "/.-?", (URL[:at], URL[at:])


def test_the_pdf_links_the_address(built):
    pdf, _ = built
    with pikepdf.open(pdf) as document:
        uris = {str(annot.A.URI) for page in document.pages
                for annot in page.get("/Annots", []) if "/A" in annot and "/URI" in annot.A}
    assert URL in uris and "mailto:press@example.org" in uris, uris


def test_the_pdf_keeps_the_table_alignment(built):
    pdf, _ = built
    words = [(unescape(w), float(x0), float(x1)) for x0, x1, w in re.findall(
        r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>',
        pdftotext(pdf, "-bbox"))]

    def box(word):
        return next((x0, x1) for w, x0, x1 in words if w == word)

    def aligned(values):
        return max(values) - min(values) < 0.5  # points

    rights = [box(w)[1] for w in ("Tonnes", "4,000", "120")]
    centres = [sum(box(w)) / 2 for w in ("Change", "+2%", "\u22121%")]
    lefts = [box(w)[0] for w in ("Crop", "Maize")]
    assert aligned(rights) and aligned(centres) and aligned(lefts), (rights, centres, lefts)
    assert not aligned([box("Tonnes")[0], box("4,000")[0]])  # not merely left-aligned


def test_the_epub_links_the_address_and_keeps_the_alignment(built):
    _, epub = built
    with zipfile.ZipFile(epub) as book:
        name = next(n for n in book.namelist() if n.endswith("rice.xhtml"))
        root = etree.fromstring(book.read(name))
        css = next(book.read(n).decode() for n in book.namelist() if n.endswith(".css"))
    links = {a.get("href"): a.get("class") for a in root.iter(f"{X}a")}
    assert links[URL] == "url"
    cells = [c.get("class") for c in root.iter(f"{X}td")]
    assert cells == ["align-left", "align-right", "align-center"] * 2
    assert not any(e.get("style") for e in root.iter())
    assert ".align-right { text-align: right; }" in css and "a.url" in css


def test_the_epub_with_links_and_tables_passes_epubcheck(built):
    _, epub = built
    result = epubcheck(epub)
    assert result.returncode == 0, result.stdout + result.stderr
