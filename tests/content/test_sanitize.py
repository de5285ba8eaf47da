"""compiler.content.sanitize: untrusted story HTML -> a safe, well-formed XHTML fragment."""

from __future__ import annotations

import re

import pytest
from lxml import etree

from compiler.content.sanitize import (
    MAX_DEPTH,
    MarkupTooDeep,
    clean_html,
    headings_under,
    markdown_to_html,
    plain_text,
    to_xhtml,
)

UNSAFE_TAGS = {
    "script",
    "style",
    "iframe",
    "object",
    "embed",
    "svg",
    "math",
    "link",
    "meta",
    "base",
    "form",
    "input",
    "frame",
    "frameset",
    "video",
    "audio",
    "source",
    "picture",
    "template",
    "noscript",
    "textarea",
    "title",
}

HOSTILE = [
    '<p>Hello<script>alert("x")</script> world</p>',
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT><p>after</p>",
    "<p onclick=\"steal()\" onmouseover='steal()'>click</p>",
    '<img src="x" onerror="steal()"><p>text</p>',
    '<a href="javascript:alert(1)">js</a> <a href=" JaVaScRiPt:alert(1)">js2</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD4=">data</a>',
    '<a href="vbscript:msgbox(1)">vb</a>',
    '<iframe src="https://evil.example/"></iframe><p>after frame</p>',
    "<style>body { display: none }</style><p>styled</p>",
    '<p style="position:fixed;top:0">overlay</p>',
    '<div style="background:url(javascript:alert(1))">bg</div>',
    '<svg onload="steal()"><script>alert(1)</script></svg>',
    '<object data="https://evil.example/x.swf"></object><embed src="x.swf">',
    '<form action="https://evil.example/"><input name="q"></form>',
    '<link rel="stylesheet" href="https://evil.example/x.css"><meta http-equiv="refresh">',
    '<base href="https://evil.example/"><p>based</p>',
    '<math><mi xlink:href="javascript:alert(1)">m</mi></math>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></p></noscript>',
    '<a href="file:///etc/passwd">local</a> <a href="/etc/passwd">root</a>',
    '<img src="https://evil.example/pixel.gif"><img src="//evil.example/x.jpg">',
    '<img src="/etc/passwd"><img src="file:///etc/passwd"><img src="\\\\host\\share\\x.jpg">',
    '<img src="data:image/png;base64,iVBORw0KGgo=" alt="data">',
]


def parse(fragment: str) -> etree._Element:
    """The fragment must be well-formed XML once wrapped in one element."""
    return etree.fromstring(f"<div>{fragment}</div>".encode())


def assert_safe(fragment: str) -> None:
    tree = parse(fragment)
    for element in tree.iter():
        assert isinstance(element.tag, str), "comments or processing instructions survived"
        assert element.tag.lower() not in UNSAFE_TAGS, element.tag
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (element.tag, name)
            assert name.lower() != "style", element.tag
            if element.tag == "img" and name == "src":
                # Only a path beside the story: images.load_photo checks it is a file
                # in the content folder; the build never fetches a story's images.
                assert ":" not in value and not value.startswith(("/", "\\")), value
            elif name.lower() in ("href", "src", "xlink:href", "action", "data"):
                assert value.split(":", 1)[0].lower() in ("http", "https", "mailto"), value


@pytest.mark.parametrize("raw", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_markup_comes_out_safe_and_well_formed(raw):
    cleaned, removed = clean_html(raw)
    assert_safe(cleaned)
    assert removed, f"nothing reported removed for {raw!r}"


def test_script_and_style_content_is_dropped_not_shown():
    cleaned, removed = clean_html(
        "<p>Before</p><script>var stolen = 1;</script><style>p { color: red }</style><p>After</p>"
    )
    assert "stolen" not in cleaned
    assert "color" not in cleaned
    assert "".join(parse(cleaned).itertext()) == "BeforeAfter"
    assert "<script>" in removed and "<style>" in removed


def test_removed_list_names_what_went():
    _, removed = clean_html(
        '<p onclick="x()" style="color:red"><a href="javascript:x()">a</a></p><iframe></iframe>'
    )
    joined = " ".join(removed)
    for needle in ("onclick", "style", "javascript", "iframe"):
        assert needle in joined, (needle, removed)


def test_safe_markup_is_kept():
    raw = (
        '<p>A <em>free</em> <strong>press</strong> and <a href="https://example.com/a?b=1&c=2">'
        'a link</a> and <a href="mailto:desk@example.com">mail</a>.</p>'
        "<blockquote><p>Quote</p></blockquote><ul><li>one</li></ul>"
        '<table><thead><tr><th scope="col">H</th></tr></thead><tbody><tr><td colspan="2">d</td>'
        "</tr></tbody></table>"
    )
    cleaned, removed = clean_html(raw)
    assert removed == []
    tree = parse(cleaned)
    assert [a.get("href") for a in tree.iter("a")] == [
        "https://example.com/a?b=1&c=2",
        "mailto:desk@example.com",
    ]
    for tag in ("em", "strong", "blockquote", "ul", "li", "table", "th", "td"):
        assert tree.find(f".//{tag}") is not None, tag
    assert tree.find(".//td").get("colspan") == "2"


@pytest.mark.parametrize(
    "raw",
    [
        "<p>Unclosed <b>bold <i>and italic",
        "<p>one<p>two<p>three",
        "Fish &amp; chips &nbsp; &copy; &mdash; 5 < 6 & 7 > 3",
        "<br><hr><p>a<br>b</p>",
        "<table><tr><td>cell without tbody</table>",
        "<li>orphan item</li>",
        "</p></div>stray end tags",
        "text with \u200b zero width space and \u00ad soft hyphen",
    ],
)
def test_messy_html_becomes_well_formed_xml(raw):
    cleaned, _ = clean_html(raw)
    tree = parse(cleaned)
    assert "".join(tree.itertext()).strip()


def test_comments_are_dropped_with_what_they_hide():
    cleaned, _ = clean_html("<p>a<!-- <script>alert(1)</script> -->b</p><!--[if IE]>x<![endif]-->")
    assert_safe(cleaned)
    assert "alert" not in cleaned
    assert "".join(parse(cleaned).itertext()) == "ab"


@pytest.mark.parametrize(
    "raw",
    [
        "<section>\nLine one\x08line two\n</section>",
        "<article>\nESC \x1b[31m red\n</article>",
        "<foo>\nbell \x07 here\n</foo>",
    ],
    ids=["backspace", "escape", "bell"],
)
def test_control_characters_never_break_the_xml(raw):
    """Markdown passes raw HTML blocks through; a tag the cleaner strips leaves bare text."""
    cleaned, _ = clean_html(raw)
    text = "".join(parse(cleaned).itertext())
    assert "line" in text or "red" in text or "bell" in text


def test_entities_survive_as_text():
    cleaned, _ = clean_html("<p>Fish &amp; chips &lt;b&gt; &nbsp;&copy;</p>")
    text = "".join(parse(cleaned).itertext())
    assert text == "Fish & chips <b> \u00a0\u00a9"


def test_cleaning_is_idempotent():
    for raw in HOSTILE + ["<h1>T</h1><p>a &amp; b</p>", "<p>x<br>y</p>"]:
        once, _ = clean_html(raw)
        twice, removed = clean_html(once)
        assert twice == once
        assert removed == []


def test_headings_are_shifted_under_the_story_headline():
    cleaned, _ = clean_html(
        "<h1>One</h1><h2>Two</h2><h3>Three</h3><h4>Four</h4><h5>Five</h5><h6>Six</h6>"
    )
    tree = parse(cleaned)
    assert [(e.tag, e.text) for e in tree] == [
        ("h3", "One"),
        ("h3", "Two"),
        ("h3", "Three"),
        ("h4", "Four"),
        ("h4", "Five"),
        ("h4", "Six"),
    ]


def test_markdown_headings_end_up_below_h2():
    cleaned, _ = clean_html(markdown_to_html("# Title\n\n## Sub\n\nText.\n"))
    tree = parse(cleaned)
    assert not tree.findall(".//h1") and not tree.findall(".//h2")
    assert [e.text for e in tree.iter("h3")] == ["Title", "Sub"]


SANITISED_BODY, _ = clean_html(
    'Lead &amp; text <h1 title="a &quot;b&quot; &lt;c&gt;">One &amp; two</h1><p>x &gt; y</p>'
    "<h4 lang=\"km\">\u1781\u17d2\u1798\u17c2\u179a</h4><h3></h3><hr><p>tail</p>"
)
FIGURE = '<figure class="inline-photo"><img data-figure="0"/></figure>'


def test_headings_under_an_h1_move_up_one_level_and_nothing_else_changes():
    body = SANITISED_BODY + FIGURE  # a figure marker, as figures.extract_figures leaves it
    assert "<h3/>" in body  # an empty heading is written short and must move too
    expected = re.sub(r"<(/?)h([34])\b", lambda m: f"<{m[1]}h{int(m[2]) - 1}", body)
    assert headings_under(body, 1) == expected
    assert [e.tag for e in parse(expected) if e.tag.startswith("h")] == ["h2", "h3", "h2", "hr"]


def test_headings_under_the_print_headline_are_the_body_as_sanitised():
    assert headings_under(SANITISED_BODY, 2) is SANITISED_BODY
    assert headings_under("<p>No headings</p>", 1) == "<p>No headings</p>"


def test_headings_never_go_below_h6():
    assert headings_under("<h3>a</h3><h4>b</h4>", 5) == "<h6>a</h6><h6>b</h6>"


def test_nesting_at_the_limit_is_allowed():
    cleaned, _ = clean_html("<div>" * MAX_DEPTH + "deep" + "</div>" * MAX_DEPTH)
    assert "deep" in cleaned


@pytest.mark.parametrize(
    "raw",
    [
        "<div>" * (MAX_DEPTH + 1) + "x" + "</div>" * (MAX_DEPTH + 1),
        "<blockquote>" * 500,
        "<b><i>" * 1000 + "x",
        "<p><span>" * 200,
    ],
    ids=["divs", "blockquotes", "inline", "p-span"],
)
def test_deep_nesting_raises_markup_too_deep(raw):
    with pytest.raises(MarkupTooDeep):
        clean_html(raw)


@pytest.mark.parametrize(
    "raw",
    [
        "<div></span>" * 200,
        "<blockquote></i>" * 300,
        "<div></p>" * 200,
    ],
    ids=["div-stray-span", "blockquote-stray-i", "div-stray-p"],
)
def test_stray_end_tags_do_not_hide_deep_nesting(raw):
    """An end tag that closes nothing must not count as leaving a level.

    Browsers (and html5ever in nh3) ignore ``</span>`` when no span is open, so
    each ``<div></span>`` really is one level deeper.
    """
    with pytest.raises(MarkupTooDeep):
        cleaned, _ = clean_html(raw)
        depth = max(len(list(e.iterancestors())) for e in parse(cleaned).iter())
        pytest.fail(f"accepted markup nested {depth} levels deep (limit {MAX_DEPTH})")


def test_to_xhtml_of_blank_is_empty():
    assert to_xhtml("   \n") == ""


def test_plain_text_collapses_whitespace_and_keeps_markup_visible():
    assert plain_text("  <b>Bold</b>\n\tclaim  ") == "<b>Bold</b> claim"
    assert plain_text(2026) == "2026"
