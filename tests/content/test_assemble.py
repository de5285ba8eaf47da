"""compiler.content.assemble: content folder -> Edition; good stories kept, the rest explained."""

from __future__ import annotations

from datetime import date

import pytest

from compiler.config import EditionConfig
from compiler.content.assemble import assemble
from compiler.model import iso_timestamp
from support import FIXED_EPOCH, story_text

CONFIG = EditionConfig(name="test", sections=("National", "Business", "World"))
DAY = date(2026, 11, 25)


def build(content, config=CONFIG):
    return assemble(content.root, config, DAY)


def headlines(stories) -> list[str]:
    return [s.headline for s in stories]


def test_stories_are_ordered_by_section_then_priority(content):
    content.story("a", headline="World two", section="World", priority=2)
    content.story("b", headline="National three", section="National", priority=3)
    content.story("c", headline="Business one", section="Business", priority=1)
    content.story("d", headline="World one", section="World", priority=1)
    content.story("e", headline="National one", section="National", priority=1)
    content.story("f", headline="National default")  # priority 100
    edition = build(content).edition
    assert [s.name for s in edition.sections] == ["National", "Business", "World"]
    assert [headlines(s.stories) for s in edition.sections] == [
        ["National one", "National three", "National default"],
        ["Business one"],
        ["World one", "World two"],
    ]
    assert all(
        story.section == section.name for section in edition.sections for story in section.stories
    )


def test_sections_follow_the_edition_order_and_empty_ones_are_skipped(content):
    config = EditionConfig(name="t", sections=("Sport", "World", "National"))
    content.story("a", headline="N", section="National")
    content.story("b", headline="S", section="Sport")
    edition = build(content, config).edition
    assert [s.name for s in edition.sections] == ["Sport", "National"]


def test_the_lead_is_the_priority_one_story_wherever_it_is(content):
    content.story("a", headline="National two", section="National", priority=2)
    content.story("b", headline="World lead", section="World", priority=1)
    content.story("c", headline="Business five", section="Business", priority=5)
    edition = build(content).edition
    assert edition.lead.headline == "World lead"
    assert edition.stories[0].headline == "National two"  # order is still by section


def test_duplicate_slug_is_s009_and_the_first_file_is_kept(content):
    first = content.story("a-first", headline="First filed", slug="ferry")
    second = content.story("b-second", headline="Second filed", slug="Ferry")
    third = content.story("ferry", headline="Third filed")
    assembly = build(content)
    assert headlines(assembly.edition.stories) == ["First filed"]
    assert set(assembly.left_out) == {second, third}
    s009 = [d for d in assembly.diagnostics if d.code == "S009"]
    assert {d.path for d in s009} == {second, third}
    assert all(first.name in d.message for d in s009)


def test_a_story_left_out_does_not_cost_the_others(content):
    content.story("good-one", headline="Good one", priority=1)
    bad = content.story("bad", headline="Bad", section="Weather")
    broken = content.raw("broken", b"---\nheadline: [\n---\nBody\n")
    content.story("good-two", headline="Good two", section="Business")
    assembly = build(content)
    assert sorted(headlines(assembly.edition.stories)) == ["Good one", "Good two"]
    assert set(assembly.left_out) == {bad, broken}
    assert {d.path for d in assembly.diagnostics if d.is_error} == {bad, broken}


def test_no_story_files_is_e004(content):
    assembly = build(content)
    assert assembly.edition is None
    assert [d.code for d in assembly.diagnostics] == ["E004"]


def test_no_usable_story_gives_no_edition(content):
    bad = content.story("bad", headline="Bad", section="Weather")
    assembly = build(content)
    assert assembly.edition is None
    assert assembly.left_out == (bad,)
    assert [d.code for d in assembly.diagnostics] == ["S007"]


def test_related_entries_resolve_by_slug_url_and_exact_headline(content):
    content.story(
        "lead",
        headline="Lead story",
        priority=1,
        related=[
            {"headline": "Different words, same story", "slug": "port-record"},
            {"headline": "Also different", "url": "https://example.com/market"},
            {"headline": "Rice harvest begins"},
            {"headline": "rice harvest begins again"},  # not the exact headline
            {"headline": "Elsewhere", "url": "https://example.com/elsewhere"},
        ],
    )
    content.story("port-record", headline="Port handles record volumes", section="Business")
    content.story("market", headline="Market reopens", url="https://example.com/market")
    content.story("rice", headline="Rice harvest begins", section="World")
    edition = build(content).edition
    lead = edition.story_by_slug("lead")
    assert [(r.headline, r.target) for r in lead.related] == [
        ("Different words, same story", "port-record"),
        ("Also different", "market"),
        ("Rice harvest begins", "rice"),
        ("rice harvest begins again", None),
        ("Elsewhere", None),
    ]
    assert headlines(edition.related_in_edition) == [
        "Market reopens",
        "Port handles record volumes",
        "Rice harvest begins",
    ]
    assert headlines(edition.more_stories) == ["rice harvest begins again", "Elsewhere"]


def test_self_references_are_dropped(content):
    content.story(
        "lead",
        headline="Lead story",
        url="https://example.com/lead",
        related=[
            {"headline": "By slug", "slug": "lead"},
            {"headline": "By url", "url": "https://example.com/lead"},
            {"headline": "Lead story"},
            {"headline": "Kept", "url": "https://example.com/kept"},
        ],
    )
    edition = build(content).edition
    assert headlines(edition.lead.related) == ["Kept"]
    assert headlines(edition.more_stories) == ["Kept"]
    assert edition.related_in_edition == ()


def test_more_stories_are_deduplicated_by_url_else_headline(content):
    content.story(
        "a",
        headline="A",
        priority=1,
        related=[
            {
                "headline": "Floods in the north",
                "teaser": "First teaser",
                "url": "https://x.org/floods",
            },
            {"headline": "No link story"},
            {"headline": "Same headline, two pages", "url": "https://x.org/one"},
        ],
    )
    content.story(
        "b",
        headline="B",
        section="Business",
        related=[
            {"headline": "Northern floods (updated)", "url": "https://x.org/floods"},
            {"headline": "NO LINK STORY"},
            {"headline": "Same headline, two pages", "url": "https://x.org/two"},
        ],
    )
    more = build(content).edition.more_stories
    assert [(m.headline, m.url) for m in more] == [
        ("Floods in the north", "https://x.org/floods"),
        ("No link story", ""),
        ("Same headline, two pages", "https://x.org/one"),
        ("Same headline, two pages", "https://x.org/two"),
    ]
    assert more[0].teaser == "First teaser"


def test_related_entry_pointing_at_a_left_out_story_goes_to_more_stories(content):
    content.story(
        "lead",
        headline="Lead",
        priority=1,
        related=[{"headline": "The broken one", "slug": "broken", "url": "https://x.org/broken"}],
    )
    content.story("broken", headline="The broken one", section="Weather")
    edition = build(content).edition
    assert edition.lead.related[0].target is None
    assert headlines(edition.more_stories) == ["The broken one"]
    assert edition.related_in_edition == ()


@pytest.mark.parametrize(
    ("related", "in_edition", "elsewhere"),
    [
        ([], 0, 0),
        ([{"headline": "Other", "slug": "other"}], 1, 0),
        ([{"headline": "Far away", "url": "https://example.com/far"}], 0, 1),
        ([{"headline": "Other"}, {"headline": "Far away"}], 1, 1),
    ],
)
def test_the_edition_says_whether_it_has_more_stories(content, related, in_edition, elsewhere):
    content.story("lead", headline="Lead", priority=1, related=related)
    content.story("other", headline="Other")
    edition = build(content).edition
    assert (len(edition.related_in_edition), len(edition.more_stories)) == (in_edition, elsewhere)
    assert edition.has_more_stories is bool(in_edition or elsewhere)


def test_edition_date_and_timestamp(content, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    content.story("a", text=story_text())
    edition = assemble(content.root, CONFIG).edition
    assert edition.timestamp.timestamp() == int(FIXED_EPOCH)
    assert iso_timestamp(edition.timestamp) == "2025-11-25T00:00:00Z"
    assert edition.date == edition.timestamp.date()
    assert edition.output_name("pdf") == f"test-{edition.date.isoformat()}.pdf"
    assert edition.output_name("report") == f"test-{edition.date.isoformat()}.report.json"
    assert build(content).edition.date == DAY
