"""compiler.content.markdown: one Markdown story -> a Story, or diagnostics naming file and line.

Every bad-story case must leave that story out (``None``) with the right code
and, where the reader can know it, the line; warnings keep the story.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from compiler.config import EditionConfig
from compiler.content.markdown import read_story
from compiler.diagnostics import Severity
from support import story_text

CONFIG = EditionConfig(name="test", sections=("National", "Business"), max_headline_chars=60)


def read(content, name: str, text: str | bytes | None = None, **front):
    if isinstance(text, bytes):
        path = content.raw(name, text)
    else:
        path = content.story(name, text, **front)
    return read_story(path, content.root.resolve(), CONFIG)


def only(problems, code: str):
    found = [p for p in problems if p.code == code]
    assert found, f"no {code} in {[p.format() for p in problems]}"
    return found[0]


def lines(*rows: str) -> str:
    return "\n".join(rows) + "\n"


def test_a_good_story_reads_without_problems(content):
    story, problems = read(
        content,
        "ferry-service",
        story_text(
            headline="Ferry service  to resume",
            section="Business",
            byline="A. Writer",
            body="First paragraph.\n\nSecond *paragraph*.\n",
            published="2026-11-25T06:30:00+07:00",
            tags=["transport", "rivers"],
            priority=2,
        ),
    )
    assert problems == []
    assert story.headline == "Ferry service to resume"
    assert story.section == "Business"
    assert story.slug == "ferry-service"
    assert story.priority == 2
    assert story.language == CONFIG.language
    assert story.tags == ("transport", "rivers")
    assert story.published == datetime.fromisoformat("2026-11-25T06:30:00+07:00")
    assert "<em>paragraph</em>" in story.body_html


def test_slug_key_wins_over_the_file_name_and_is_slugified(content):
    story, _ = read(content, "file-name", slug="Port Traffic, 2026!")
    assert story.slug == "port-traffic-2026"


def test_byte_order_mark_is_accepted(content):
    story, problems = read(content, "bom", b"\xef\xbb\xbf" + story_text().encode())
    assert problems == []
    assert story is not None


def test_front_matter_strings_are_plain_text(content):
    story, _ = read(content, "markup", headline="<b>Bold</b>\n claim", byline="<i>x</i>")
    assert story.headline == "<b>Bold</b> claim"
    assert story.byline == "<i>x</i>"


# ---------- errors: the story is left out ----------


@pytest.mark.parametrize(
    "bad_line, line",
    [
        ("byline: a: b", 4),
        ("\tbyline: tabbed", 4),
        ("byline: @handle", 4),
        ("- stray list item", 4),
    ],
)
def test_bad_yaml_is_s002_with_its_line(content, bad_line, line):
    text = lines(
        "---", "headline: Fine", "section: National", bad_line, "priority: 3", "---", "Body."
    )
    story, problems = read(content, "bad-yaml", text)
    assert story is None
    problem = only(problems, "S002")
    assert problem.line == line
    assert problem.path.name == "bad-yaml.md"
    assert problem.format(content.root).startswith(f"stories/bad-yaml.md:{line}: S002 ")


@pytest.mark.parametrize(
    "opening, line, words",
    [
        ('headline: "Unclosed quote', 2, "the quote that opens on this line is never closed"),
        ("headline: 'Unclosed quote", 2, "the quote that opens on this line is never closed"),
        ("tags: [politics, economy", 2, "flow sequence that starts on this line"),
    ],
)
def test_bad_yaml_that_runs_on_is_reported_where_it_starts_not_where_yaml_gave_up(
        content, opening, line, words):
    text = lines("---", opening, "section: National", "priority: 3", "---", "Body.")
    story, problems = read(content, "unclosed", text)
    assert story is None
    problem = only(problems, "S002")
    assert problem.line == line
    assert problem.format(content.root).startswith(f"stories/unclosed.md:{line}: S002 ")
    assert words in problem.message


@pytest.mark.parametrize(
    "text",
    [
        "Just a body, nobody wrote front matter.\n",
        "",
        lines("---", "headline: Never closed", "section: National", "", "Body."),
        lines("", "---", "headline: Blank first line", "section: National", "---", "Body."),
    ],
)
def test_missing_front_matter_is_s003(content, text):
    story, problems = read(content, "no-front", text)
    assert story is None
    assert [p.code for p in problems] == ["S003"]


@pytest.mark.parametrize(
    "front, missing",
    [
        ({"headline": None}, "headline"),
        ({"section": None}, "section"),
        ({"headline": ""}, "headline"),
    ],
)
def test_missing_headline_or_section_is_s004(content, front, missing):
    story, problems = read(content, "missing", story_text(**front))
    assert story is None
    problem = only(problems, "S004")
    assert missing in problem.message


@pytest.mark.parametrize(
    "key, value",
    [
        ("priority", "high"),
        ("priority", 1.5),
        ("tags", "politics"),
        ("headline", ["two", "headlines"]),
        ("byline", {"name": "A. Writer"}),
        ("language", "english please"),
        ("image", "photo.jpg"),
        ("related", "see the website"),
    ],
)
def test_wrong_type_is_s005_on_the_keys_line_and_the_story_is_left_out(content, key, value):
    front = {"headline": "A headline", "section": "National", "priority": 3, key: value}
    text = story_text(**front)
    expected_line = next(
        i for i, row in enumerate(text.splitlines(), start=1) if row.startswith(f"{key}:")
    )
    story, problems = read(content, "wrong-type", text)
    problem = only(problems, "S005")
    assert problem.severity is Severity.ERROR
    assert problem.line == expected_line
    # S005 is an error ("the story cannot be used"): the story must not run.
    assert story is None, f"story kept despite {problem.format()}"


def test_front_matter_that_is_not_a_mapping_is_s005(content):
    story, problems = read(content, "list", lines("---", "- headline", "- section", "---", "Body."))
    assert story is None
    assert [p.code for p in problems] == ["S005"]


@pytest.mark.parametrize(
    "data, line",
    [
        (b"---\nheadline: Fine\nsection: National\n---\nCaf\xe9 society\n", 5),
        (b"---\nheadline: Caf\xe9\nsection: National\n---\nBody.\n", 2),
        (b"---\nheadline: Fine\nsection: National\n---\nOne.\n\nTwo.\n\n\xff\xfe\n", 9),
    ],
)
def test_non_utf8_is_s006_with_the_line_of_the_bad_byte(content, data, line):
    story, problems = read(content, "latin1", data)
    assert story is None
    problem = only(problems, "S006")
    assert problem.line == line


def test_unknown_section_is_s007_on_the_section_line(content):
    text = lines(
        "---", "headline: Weather turns", "byline: Someone", "section: Weather", "---", "Body."
    )
    story, problems = read(content, "weather", text)
    assert story is None
    problem = only(problems, "S007")
    assert problem.line == 4
    assert "Weather" in problem.message


@pytest.mark.parametrize(
    "body", ["", "\n\n   \n", "<script>alert(1)</script>\n", "<!-- only a comment -->\n"]
)
def test_empty_body_is_s008_on_the_first_body_line(content, body):
    text = lines("---", "headline: Nothing here", "section: National", "---") + body
    story, problems = read(content, "empty", text)
    assert story is None
    problem = only(problems, "S008")
    assert problem.line == 5


def test_deeply_nested_markup_is_s012(content):
    story, problems = read(content, "deep", story_text(body="<div>" * 200 + "x" + "</div>" * 200))
    assert story is None
    assert only(problems, "S012").is_error


@pytest.mark.parametrize("value", ["next Tuesday", "25/11/2026", "2026-02-30", "2026-11-25T25:00"])
def test_bad_published_date_is_s015_on_its_line(content, value):
    text = lines(
        "---", "headline: Dated", "section: National", f"published: {value}", "---", "Body."
    )
    story, problems = read(content, "dated", text)
    assert story is None
    problem = only(problems, "S015")
    assert problem.line == 4


def test_published_date_only_and_with_offset(content):
    story, problems = read(
        content,
        "date-only",
        lines(
            "---", "headline: Dated", "section: National", "published: 2026-11-25", "---", "Body."
        ),
    )
    assert problems == []
    assert story.published == datetime(2026, 11, 25)


def test_every_problem_of_one_story_is_reported_together(content):
    text = lines("---", "section: National", "priority: top", "tags: politics", "---", "Body.")
    story, problems = read(content, "many", text)
    assert story is None
    assert {"S004", "S005"} <= {p.code for p in problems}
    assert len([p for p in problems if p.code == "S005"]) == 2


# ---------- warnings: the story runs ----------


def test_unknown_key_is_s011_warning_on_its_line_and_the_story_stays(content):
    text = lines("---", "headline: Colourful", "section: National", "colour: red", "---", "Body.")
    story, problems = read(content, "colour", text)
    assert story is not None
    problem = only(problems, "S011")
    assert problem.severity is Severity.WARNING
    assert problem.line == 4
    assert "colour" in problem.message


def test_over_long_headline_is_s010_warning(content):
    limit = CONFIG.max_headline_chars
    story, problems = read(content, "long", headline="x" * (limit + 1))
    assert story is not None
    assert only(problems, "S010").severity is Severity.WARNING
    story, problems = read(content, "at-limit", headline="x" * limit)
    assert story is not None
    assert "S010" not in {p.code for p in problems}


def test_unsafe_markup_is_s013_warning_and_removed(content):
    body = 'Hi <script>steal()</script><b onclick="x()">b</b>\n'
    story, problems = read(content, "unsafe", body=body)
    assert story is not None
    assert only(problems, "S013").severity is Severity.WARNING
    assert "script" not in story.body_html and "steal" not in story.body_html
    assert "onclick" not in story.body_html


def test_related_entries_without_headline_are_s014_and_skipped(content):
    related = [
        {"teaser": "No headline here", "url": "https://example.com/a"},
        "a bare string",
        {"headline": "   "},
        {"headline": "Usable entry", "teaser": "Kept.", "url": "https://example.com/b"},
        {"headline": "Bad scheme", "url": "javascript:alert(1)"},
    ]
    story, problems = read(content, "related", related=related)
    assert story is not None
    s014 = [p for p in problems if p.code == "S014"]
    assert len(s014) == 4
    assert all(p.severity is Severity.WARNING for p in s014)
    assert [r.headline for r in story.related] == ["Usable entry", "Bad scheme"]
    assert story.related[0].url == "https://example.com/b"
    assert story.related[1].url == ""


def test_photo_problems_never_cost_the_story(content):
    story, problems = read(
        content, "no-photo", image={"src": "../images/absent.jpg", "caption": "Gone"}
    )
    assert story is not None
    assert story.photo is None
    assert only(problems, "P001").severity is Severity.WARNING


def test_the_reader_never_raises_on_control_characters(content):
    """A stray control character (pasted from another program) must not crash the build."""
    text = lines(
        "---",
        "headline: Pasted",
        "section: National",
        "---",
        "<section>",
        "Line one\x08line two",
        "</section>",
    )
    story, problems = read(content, "pasted", text)
    assert story is not None or [p for p in problems if p.is_error]
    if story is not None:
        assert "Line one" in story.body_html and "\x08" not in story.body_html
