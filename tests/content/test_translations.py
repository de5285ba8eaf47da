"""Which stories an edition takes (``languages``), what it calls its sections
(``section_names``), and each story's translation (``translation: SLUG``), at assembly."""

from __future__ import annotations

from datetime import date

import pytest

from compiler.config import EditionConfig
from compiler.content.assemble import assemble, without_stories

DAY = date(2026, 11, 25)
SECTIONS = ("National", "Sport")
ENGLISH = EditionConfig(name="daily", sections=SECTIONS, languages=("en",))
KHMER = EditionConfig(name="khmer", language="km", sections=SECTIONS, languages=("km",),
                      section_names=(("National", "ជាតិ"), ("Sport", "កីឡា")))
BOTH = EditionConfig(name="both", sections=SECTIONS)


@pytest.fixture
def pair(content):
    """An English story and its Khmer translation, naming each other, plus one English
    story without a translation."""
    content.story("rain", headline="Heavy rain in Kampot", language="en", translation="rain-km",
                  url="https://example.com/rain")
    content.story("rain-km", headline="ភ្លៀងធ្លាក់ខ្លាំងនៅខេត្តកំពត", language="km",
                  translation="rain", url="https://example.com/km/rain")
    content.story("match", headline="Svay Rieng win", section="Sport", language="en")
    return content


def codes(assembly) -> list[str]:
    return [d.code for d in assembly.diagnostics]


def test_an_edition_takes_only_its_languages_and_says_once_where_the_rest_went(pair):
    assembly = assemble(pair.root, ENGLISH, DAY)
    assert [s.slug for s in assembly.edition.stories] == ["rain", "match"]
    assert assembly.left_out == ()
    assert [p.name for p in assembly.elsewhere] == ["rain-km.md"]
    notes = [d for d in assembly.diagnostics if d.code == "S017"]
    assert len(notes) == 1 and notes[0].severity == "info"
    assert "1 story (km)" in notes[0].message


def test_no_languages_list_takes_every_story(pair):
    assembly = assemble(pair.root, BOTH, DAY)
    assert len(assembly.edition.stories) == 3
    assert codes(assembly) == []


def test_problems_of_stories_for_other_editions_are_theirs_to_report(pair):
    pair.story("bad-km", headline="ពាក្យ", language="km", bogus_key=1)  # S011 in Khmer only
    assert "S011" not in codes(assemble(pair.root, ENGLISH, DAY))
    assert "S011" in codes(assemble(pair.root, KHMER, DAY))


def test_a_story_without_a_language_is_in_the_language_of_every_edition(content):
    """``language`` defaults to the edition's: an untagged story goes everywhere."""
    content.story("untagged", headline="No language key")
    assert len(assemble(content.root, KHMER, DAY).edition.stories) == 1
    assert len(assemble(content.root, ENGLISH, DAY).edition.stories) == 1


def test_an_edition_with_no_story_in_its_languages_is_e004(content):
    content.story("only", headline="English only", language="en")
    assembly = assemble(content.root, KHMER, DAY)
    assert assembly.edition is None
    assert "E004" in codes(assembly)
    assert "km" in next(d.message for d in assembly.diagnostics if d.code == "E004")


def test_section_names_are_what_readers_see_and_keys_stay_for_anchors(pair):
    edition = assemble(pair.root, KHMER, DAY).edition
    section = edition.sections[0]
    assert (section.name, section.title, section.anchor) == ("National", "ជាតិ",
                                                            "section-national")
    assert EditionConfig(name="x").section_title("World") == "World"


def test_a_translation_in_the_same_edition_points_at_its_story_both_ways(pair):
    edition = assemble(pair.root, BOTH, DAY).edition
    english, khmer = edition.story_by_slug("rain"), edition.story_by_slug("rain-km")
    assert (english.translation.target, english.translation.language) == ("rain-km", "km")
    assert (khmer.translation.target, khmer.translation.language) == ("rain", "en")


def test_a_translation_in_another_edition_keeps_its_address(pair):
    story = assemble(pair.root, KHMER, DAY).edition.story_by_slug("rain-km")
    assert story.translation.target is None
    assert story.translation.url == "https://example.com/rain"
    assert story.translation.language == "en"


def test_a_translation_left_out_of_the_edition_becomes_its_address(pair):
    edition = assemble(pair.root, BOTH, DAY).edition
    story = without_stories(edition, {"rain-km"}).story_by_slug("rain")
    assert story.translation.target is None
    assert story.translation.url == "https://example.com/km/rain"


def test_a_translation_naming_no_story_is_s018_with_its_line(content):
    path = content.story("rain", headline="Heavy rain", translation="no-such-story")
    assembly = assemble(content.root, BOTH, DAY)
    problem = next(d for d in assembly.diagnostics if d.code == "S018")
    assert problem.path == path and problem.severity == "warning"
    assert problem.line == path.read_text().splitlines().index(
        "translation: no-such-story") + 1
    assert "'no-such-story'" in problem.message
    assert assembly.edition.stories[0].translation is None


def test_a_story_cannot_be_its_own_translation(content):
    content.story("rain", headline="Heavy rain", translation="rain")
    assert "S018" in codes(assemble(content.root, BOTH, DAY))


def test_a_pair_that_does_not_name_each_other_back_is_s019(content):
    content.story("a", headline="A", translation="b")
    content.story("b", headline="B", language="km", translation="c")
    content.story("c", headline="C")
    assembly = assemble(content.root, BOTH, DAY)
    problems = [d for d in assembly.diagnostics if d.code == "S019"]
    assert [p.path.name for p in problems] == ["a.md", "b.md"]
    assert "'b' (b.md) names 'c'" in problems[0].message
    # kept all the same: A still links to B
    assert assembly.edition.story_by_slug("a").translation.target == "b"
