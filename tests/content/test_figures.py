"""Photos inside a story's body: read and checked (compiler/figures.py), then set as
figures in the PDF (pdftotext, pikepdf) and the EPUB (EPUBCheck, lxml, Pillow)."""

from __future__ import annotations

import io
import re
import zipfile

import pikepdf
import pytest
from lxml import etree
from PIL import Image

from compiler.config import EditionConfig
from compiler.content.figures import with_photos
from compiler.content.markdown import read_story
from compiler.model import Photo
from support import DAILY, Content, epubcheck, pdftotext, run_cli

BOXERS = '![Boxers in the ring](../images/ring.jpg "Boxers trade blows on Sunday.")'


CONFIG = EditionConfig(name="test", sections=("National", "Sport"))


def read(content: Content, name: str, body: str):
    return read_story(content.story(name, body=body), content.root.resolve(), CONFIG)


def codes(problems) -> list[str]:
    return [p.code for p in problems]


def _body(story) -> etree._Element:
    return etree.fromstring(f"<div>{story.body_html}</div>")


def test_a_markdown_photo_alone_in_its_paragraph_becomes_a_captioned_figure(content):
    content.photo("ring.jpg", size=(900, 1200))
    story, problems = read(content, "fight", body=f"Before.\n\n{BOXERS}\n\nAfter.\n")
    assert problems == []
    (photo,) = story.figures
    assert (photo.alt, photo.caption, photo.width, photo.height) == (
        "Boxers in the ring", "Boxers trade blows on Sunday.", 900, 1200)
    body = _body(story)
    assert [child.tag for child in body] == ["p", "figure", "p"]
    figure = body[1]
    assert [child.tag for child in figure] == ["img", "figcaption"]
    assert figure[0].attrib == {"data-figure": "0"}, "no file path is left in the body"
    assert figure[1].text == "Boxers trade blows on Sunday."


@pytest.mark.parametrize("body, words", [
    (f"The bout {BOXERS} ended in the fifth round.\n", "The bout ended in the fifth round."),
    # A link (or emphasis) left empty goes too: an empty link is a trap for screen readers.
    (f"See [{BOXERS}](https://example.com/fight) tonight.\n", "See tonight."),
], ids=["mid-sentence", "inside-a-link"])
def test_a_photo_inside_a_paragraph_follows_it_and_the_words_stay(content, body, words):
    content.photo("ring.jpg")
    story, problems = read(content, "inline", body=body)
    assert problems == [] and len(story.figures) == 1
    paragraph, figure = _body(story)
    assert (paragraph.tag, figure.tag) == ("p", "figure")
    assert paragraph.find("a") is None
    assert " ".join("".join(paragraph.itertext()).split()) == words


def test_the_authors_own_figure_and_caption_are_kept(content):
    content.photo("ring.jpg")
    html = ('<figure><img src="../images/ring.jpg" alt="The ring">'
            "<figcaption>Round five. <em>Photo: Staff</em></figcaption></figure>\n")
    story, problems = read(content, "own", body=html)
    assert problems == []
    figure = _body(story)[0]
    assert [child.tag for child in figure] == ["img", "figcaption"]
    assert "".join(figure[1].itertext()) == "Round five. Photo: Staff"
    assert story.figures[0].alt == "The ring"


def test_photos_that_are_not_files_in_the_content_folder_are_refused(content, tmp_path):
    outside = tmp_path / "secret.jpg"
    Image.new("RGB", (50, 50)).save(outside)
    body = ("Text.\n\n![web](https://example.com/a.jpg)\n\n![abs](/etc/hostname)\n\n"
            "![gone](../images/nope.jpg)\n\n![out](../../secret.jpg)\n")
    story, problems = read(content, "refused", body=body)
    path = content.root / "stories" / "refused.md"
    assert story is not None and story.figures == ()
    assert "<img" not in story.body_html
    s013 = [p for p in problems if p.code == "S013"]
    assert s013 and "not a file in the content folder" in s013[0].message
    lines = path.read_text(encoding="utf-8").splitlines()
    by_code = {p.code: p for p in problems}
    assert "nope.jpg" in lines[by_code["P001"].line - 1], "P001 names the photo's line"
    assert "secret.jpg" in lines[by_code["P002"].line - 1]
    assert sorted(codes(problems)) == ["P001", "P002", "S013"]


def test_a_broken_inline_photo_costs_only_itself(content):
    (content.root / "images" / "cut.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    story, problems = read(content, "cut", body="Words stay.\n\n![cut](../images/cut.jpg)\n")
    assert codes(problems) == ["P003"]
    assert story.figures == () and "Words stay." in story.body_html


def test_each_output_gets_its_own_address_escaped(content):
    photo = Photo(source=content.root / "images" / "x.jpg", width=10, height=10,
                  alt='Rock "n" <roll> & co')
    body = '<figure><img data-figure="0"/></figure>'
    out = with_photos(body, (photo,), lambda p: "images/a&b.jpg")
    element = etree.fromstring(out)[0]
    assert element.attrib == {"src": "images/a&b.jpg", "alt": 'Rock "n" <roll> & co'}
    assert with_photos(body, (), lambda p: "x") == body


def _figure_alts(element) -> list[str]:
    """/Alt of every Figure in the PDF's structure tree, in order."""
    found = []
    if isinstance(element, pikepdf.Dictionary):
        if element.get("/S") == "/Figure":
            found.append(str(element.get("/Alt", "")))
        kids = element.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            found += _figure_alts(kid)
    return found


def test_inline_photos_print_and_pack_end_to_end(tmp_path):
    content = Content(tmp_path / "content")
    content.photo("ring.jpg", size=(2000, 3000), color=(200, 40, 40))
    content.photo("harbour.jpg", size=(3000, 2000), color=(30, 80, 120))
    text = "Paragraph of news about the fight. " * 20
    content.story("fight", headline="Champion keeps her title", section="Sport",
                  body=f"{text}\n\n{BOXERS}\n\n{text}\n\n"
                       '![The harbour at dawn](../images/harbour.jpg "Ships wait at dawn.")\n')
    out = tmp_path / "out"
    result = run_cli("build", content.root, "--edition", DAILY, "--out", out,
                     "--date", "2026-11-25", "--quiet")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""

    pdf_path = out / "daily-2026-11-25.pdf"
    text_layer = " ".join(pdftotext(pdf_path).split())
    assert "Boxers trade blows on Sunday." in text_layer and "Ships wait at dawn." in text_layer
    with pikepdf.open(pdf_path) as pdf:
        sizes = sorted((int(x.Width), int(x.Height)) for page in pdf.pages
                       for x in page.get_images().values())
        alts = _figure_alts(pdf.Root.StructTreeRoot)
    assert (1600, 2400) in sizes and (2400, 1600) in sizes, sizes
    assert {"Boxers in the ring", "The harbour at dawn"} <= set(alts), "tagged with their alt"

    epub_path = out / "daily-2026-11-25.epub"
    check = epubcheck(epub_path)
    assert check.returncode == 0, check.stdout + check.stderr
    with zipfile.ZipFile(epub_path) as book:
        story = etree.fromstring(book.read("EPUB/story-fight.xhtml"))
        images = story.findall(".//{http://www.w3.org/1999/xhtml}figure/"
                               "{http://www.w3.org/1999/xhtml}img")
        assert [img.get("alt") for img in images] == ["Boxers in the ring",
                                                      "The harbour at dawn"]
        for img in images:
            assert re.fullmatch(r"images/photo-\d{3}\.jpg", img.get("src"))
            with Image.open(io.BytesIO(book.read(f"EPUB/{img.get('src')}"))) as photo:
                assert max(photo.size) == 1600
