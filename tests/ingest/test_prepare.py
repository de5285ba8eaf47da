"""An Item becomes a story: section, language, body, main photo, slug."""

from __future__ import annotations

import pytest

from compiler.config import load_config
from compiler.content.markdown import read_story
from compiler.ingest.item import Item, Picture
from compiler.ingest.prepare import language_of, one_block_per_line, prepare, slug_for


@pytest.fixture
def config(edition):
    config, problems = load_config(edition)
    assert problems == []
    return config


def item(**fields) -> Item:
    return Item(**{"id": "x", "title": "A headline", "body_html": "<p>Text.</p>", **fields})


def codes(notes) -> list[str]:
    return [note.code for note in notes]


def test_a_mapped_category_places_the_item_case_insensitively(config):
    story, skipped = prepare(item(categories=("Photography", "us NEWS")), "x", config)
    assert skipped == [] and story.section == "National" and codes(story.notes) == []


def test_a_category_named_like_a_section_needs_no_mapping(config):
    story, _ = prepare(item(tags=("world",)), "x", config)
    assert story.section == "World" and story.notes == []


def test_an_unmapped_item_goes_to_the_default_section_with_a_warning(config):
    story, _ = prepare(item(categories=("Gardening",)), "x", config)
    assert story.section == "World" and codes(story.notes) == ["I023"]
    assert "Gardening" in story.notes[0].detail


def test_without_a_default_section_an_unmapped_item_is_skipped(config):
    from dataclasses import replace

    story, skipped = prepare(item(categories=("Gardening",)), "x",
                             replace(config, default_section=""))
    assert story is None and codes(skipped) == ["I024"]


@pytest.mark.parametrize(("fields", "code"), [
    ({"title": ""}, "I020"),
    ({"body_html": "  "}, "I022"),
    ({"body_html": "<script>alert(1)</script>"}, "I022"),
    ({"usable": False}, "I027"),
    ({"body_html": "<div>" * 80 + "deep" + "</div>" * 80}, "I025"),
])
def test_unusable_items_are_skipped_with_their_reason(config, fields, code):
    story, skipped = prepare(item(categories=("Business",), **fields), "x", config)
    assert story is None and code in codes(skipped)


def test_unsafe_markup_is_removed_and_said(config):
    story, _ = prepare(item(body_html='<p onclick="x()">Hi<script>bad()</script></p>'),
                       "x", config)
    assert "script" not in story.body and "onclick" not in story.body
    assert "I026" in codes(story.notes)


@pytest.mark.parametrize(("language", "title", "expected"), [
    ("km", "A headline", "km"),
    ("km-KH", "A headline", "km"),
    ("en-gb", "A headline", "en"),
    ("", "ព្រះរាជពិធីបុណ្យអុំទូក", "km"),  # undeclared, written in Khmer
    ("", "A headline", "en"),  # the edition's
])
def test_language(config, language, title, expected):
    assert language_of(item(language=language, title=title), config) == expected


def test_the_first_photo_of_a_drupal_body_becomes_the_main_photo(config):
    body = ('<p><img src="/sites/default/files/styles/large/public/boat.jpg" alt="Boats"></p>'
            '<p>Text.</p><p>More <img src="https://x.example/y.png"> text.</p>')
    story, _ = prepare(item(body_html=body, categories=("Business",),
                            url="https://www.phnompenhpost.com/national/boats"),
                       "x", config)
    assert story.picture == Picture(
        url="https://www.phnompenhpost.com/sites/default/files/styles/large/public/boat.jpg",
        alt="Boats")
    assert "<img" not in story.body and "More  text." in story.body
    assert codes(story.notes) == ["I031"]  # the second photo could not be kept


def test_the_body_passes_through_markdown_untouched(config, content, edition):
    """Blank lines, indented lines and text that looks like Markdown stay HTML."""
    html = ("Loose *text* first\n\n    indented\n<p>A paragraph\n\nwith a blank line</p>"
            "<pre>line one\n\nline two</pre><em>inline</em> tail # not a heading")
    body = one_block_per_line(prepare(item(body_html=html), "x", config)[0].body)
    assert "\n\n" not in body
    path = content.story("s", headline="H", section="World", body=body + "\n")
    story, problems = read_story(path, content.root, config)
    assert problems == []
    assert "<em>text</em>" not in story.body_html and "*text*" in story.body_html
    assert "<code>" not in story.body_html and "<h" not in story.body_html
    assert "line one\n\nline two" in story.body_html  # <pre> keeps its lines


def test_slugs_come_from_the_web_address_else_the_headline_and_are_unique():
    taken = {"boats"}
    assert slug_for(item(url="https://site/news/boats/"), taken) == "boats-2"
    assert slug_for(item(url="https://site/?p=57", title="Water Festival"), set()) == \
        "water-festival"
    assert len(slug_for(item(title="word " * 40), set())) <= 60


def test_an_automatic_excerpt_is_not_printed_twice(config):
    body = "<p>Banff National Park is Canada’s oldest national park, established in 1885.</p>"
    auto, _ = prepare(item(body_html=body, summary="Banff National Park is Canada’s oldest […]"),
                      "x", config)
    written, _ = prepare(item(body_html=body, summary="The oldest park turns 141."), "x", config)
    assert auto.item.summary == "" and written.item.summary == "The oldest park turns 141."
