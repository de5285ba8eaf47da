"""Story Markdown/HTML -> a safe, well-formed XHTML fragment.

Bodies come from a CMS and wire services, so anything that could run, fetch or
embed is removed here, once, before either renderer sees the story. nh3
(ammonia) does the cleaning; lxml re-serialises the result as XML so the EPUB
gets XHTML that parses.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import nh3
from lxml import etree, html
from markdown_it import MarkdownIt

MAX_DEPTH = 64
"""Deeper markup is refused: no real story needs it, and parsers recurse on it."""

ALLOWED_TAGS = {
    "p", "br", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "li",
    "em", "strong", "b", "i", "u", "s", "sub", "sup", "small", "abbr", "cite", "q",
    "code", "pre", "a", "hr", "table", "thead", "tbody", "tfoot", "tr", "th", "td",
    "caption", "figure", "figcaption", "dl", "dt", "dd", "span", "div", "mark", "time",
    "img", "wbr",
}
ALLOWED_ATTRIBUTES = {
    "*": {"lang", "title"},
    "a": {"href"},
    "abbr": {"title"},
    "td": {"colspan", "rowspan", "class"},
    "th": {"colspan", "rowspan", "scope", "class"},
    "time": {"datetime"},
    "ol": {"start"},
    "img": {"src", "alt"},
}
DROPPED_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "svg", "math",
                        "template", "noscript", "textarea", "select", "title"}
UNSAFE_TAGS = DROPPED_WITH_CONTENT | {"link", "meta", "base", "form", "input",
                                      "frame", "frameset", "video", "audio", "source", "picture"}

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
BODY_HEADING = 3
"""Body headings come out as h3 and h4, under the print headline (h2); a layout with
another headline level asks ``headings_under`` for its own."""

_markdown = MarkdownIt("commonmark", {"html": True, "typographer": True, "linkify": True}
                       ).enable(["table", "strikethrough", "replacements", "smartquotes",
                                 "linkify"])
"""``linkify`` (linkify-it-py) makes bare addresses in story text links, in both outputs."""

ALIGNMENTS = {f"align-{side}" for side in ("left", "center", "right")}
"""A GFM table's column alignment (``|---:|``) as a class both layouts style: markdown-it
writes it as a style attribute, which the cleaner removes (and once reported as S013)."""
ADDRESS = re.compile(r"^(?:https?://|www\.)\S+$|^[^\s@]+@[^\s@]+\.\w+$", re.IGNORECASE)
"""Link text that is an address, whatever the link points to."""
URL_BREAKS = re.compile(r"(?<=.)(?=[/.?-])")
"""Where an address shown as its own link text may break: before a slash, dot, hyphen or
question mark (so no line ends in what reads as a full stop or a hyphen), never inside it."""


class _Survey(HTMLParser):
    """Measures depth and lists unsafe constructs without recursion."""

    VOID = {"br", "hr", "img", "input", "meta", "link", "base", "source", "col", "wbr", "area"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.max_depth = 0
        self.unsafe: dict[str, int] = {}
        """What was found, each with the first line (of the HTML fed) it is on."""

    def _found(self, what: str) -> None:
        self.unsafe.setdefault(what, self.getpos()[0])

    def handle_starttag(self, tag, attrs):
        if tag in UNSAFE_TAGS:
            self._found(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self._found(f"{name}= handler")
            elif name == "style":
                self._found("style attribute")
            elif value and name in {"href", "src", "xlink:href", "action", "data"}:
                scheme = re.sub(r"[^a-z0-9+.-]", "", value.split(":", 1)[0].lower())[:20]
                if ":" in value and scheme not in {"http", "https", "mailto"}:
                    self._found(f"{scheme}: URL")
                elif tag == "img" and name == "src" and not _local(value):
                    self._found("image that is not a file in the content folder")
                elif ":" not in value and name == "href" and not value.startswith("#"):
                    self._found("relative link")
        if tag not in self.VOID:
            self.open.append(tag)
            self.max_depth = max(self.max_depth, len(self.open))

    def handle_startendtag(self, tag, attrs):
        # HTML ignores the "/" in <div/>: the element stays open, so it still nests.
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        """Only an end tag that closes something open goes back up: a stray one
        (``</span>`` with no span open) must not hide the nesting around it."""
        if tag in self.open:
            while self.open and self.open.pop() != tag:
                pass


def _local(url: str) -> bool:
    """A path beside the story (``../images/x.jpg``): the only images a body may show;
    the network is for the edition's allowed hosts, never for story content."""
    return ":" not in url and not url.startswith(("/", "\\"))


def _keep_attribute(tag: str, name: str, value: str) -> str | None:
    """Relative URLs pass nh3 only as image sources (files, checked by images.load_photo);
    a relative link has nowhere to go in print or in the EPUB."""
    if name == "href" and ":" not in value:
        return None
    if tag == "img" and name == "src" and not _local(value):
        return None
    if name == "class" and value not in ALIGNMENTS:
        return None
    return value


_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
"""Characters XML 1.0 cannot carry; the EPUB would not parse with them."""


class MarkupTooDeep(ValueError):
    pass


def markdown_to_html(text: str) -> str:
    tokens = _markdown.parse(text)
    for token in tokens:
        side = token.attrs.pop("style", "") if token.type in ("th_open", "td_open") else ""
        if str(side).startswith("text-align:"):
            token.attrs["class"] = f"align-{str(side).split(':', 1)[1]}"
    return _markdown.renderer.render(tokens, _markdown.options, {})


def unsafe_lines(text: str) -> dict[str, int]:
    """What ``clean_html(markdown_to_html(text))`` removes, each with the 1-based line of
    ``text`` it first appears on: every block that can carry HTML, surveyed on its own
    (a paragraph renders line for line, so a line inside it counts from its first)."""
    found: dict[str, int] = {}
    for token in _markdown.parse(text):
        if token.map is None or token.type not in ("inline", "html_block"):
            continue
        html_text = token.content if token.type == "html_block" else \
            _markdown.renderer.renderInline(token.children or [], _markdown.options, {})
        for what, line in survey(html_text).unsafe.items():
            found.setdefault(what, token.map[0] + line)
    return found


def survey(raw_html: str) -> _Survey:
    scan = _Survey()
    scan.feed(raw_html)
    scan.close()
    return scan


def clean_html(raw_html: str) -> tuple[str, list[str]]:
    """Return the safe XHTML fragment and what was removed, for a warning.

    Raises MarkupTooDeep before any recursive parser sees hostile nesting.
    """
    raw_html = _XML_FORBIDDEN.sub("", raw_html)
    scan = survey(raw_html)
    if scan.max_depth > MAX_DEPTH:
        raise MarkupTooDeep(f"{scan.max_depth} levels (limit {MAX_DEPTH})")
    cleaned = nh3.clean(
        raw_html,
        tags=ALLOWED_TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        url_relative="pass_through",
        attribute_filter=_keep_attribute,
        link_rel=None,
        strip_comments=True,
    )
    return to_xhtml(cleaned), sorted(scan.unsafe)


def to_xhtml(fragment: str) -> str:
    """Re-serialise HTML as XML and put headings under the story headline."""
    if not fragment.strip():
        return ""
    container = html.fragment_fromstring(fragment, create_parent="div")
    _place_headings(container, BODY_HEADING)
    _mark_addresses(container)
    return _serialise(container)


def _mark_addresses(container) -> None:
    """A link that shows its own address gets class "url" (the layouts never hyphenate
    it) and <wbr> break opportunities at URL_BREAKS, so a long address wraps in a
    column at its slashes and dots instead of overflowing or being hyphenated."""
    for link in container.iter("a"):
        href = link.get("href") or ""
        if len(link) != sum(1 for child in link if child.tag == "wbr"):
            continue  # markup inside the link text: not a bare address
        shown = "".join(link.itertext())
        if not (ADDRESS.match(shown) or shown and shown.split("://", 1)[-1] in (
                href.split("://", 1)[-1], href.removeprefix("mailto:"))):
            continue
        for child in list(link):
            link.remove(child)
        scheme, sep, rest = shown.rpartition("://")
        pieces = URL_BREAKS.split(rest)
        link.text = scheme + sep + pieces[0] if sep else pieces[0]
        for piece in pieces[1:]:
            etree.SubElement(link, "wbr").tail = piece
        link.set("class", "url")


def headings_under(body: str, headline: int) -> str:
    """A sanitised body with its headings one and two levels under a headline of level
    ``headline`` (h1 in the EPUB); as it is when that is the print headline's, h2."""
    top = headline + 1
    if top == BODY_HEADING or "<h" not in body:
        return body
    container = etree.fromstring(f"<div>{body}</div>")
    _place_headings(container, top)
    return _serialise(container)


def _place_headings(container, top: int) -> None:
    """Two levels of body heading: h1-h3 become ``top``, h4-h6 the level below it."""
    for element in container.iter(*HEADINGS):
        element.tag = f"h{min(6, top if int(element.tag[1]) <= 3 else top + 1)}"


def _serialise(container) -> str:
    """The container's content as XML, without the container."""
    parts = [etree.tostring(child, method="xml", encoding="unicode", with_tail=True)
             for child in container]
    return (_escape(container.text or "") + "".join(parts)).strip()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def plain_text(text: str) -> str:
    """Front-matter strings are plain text: markup in them is shown, never run."""
    return " ".join(_XML_FORBIDDEN.sub("", str(text)).split())
