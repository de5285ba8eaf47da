"""An Item -> a story in the content contract: the edition's rules, once for every format.

Here the edition decides what the source only suggests: the section (through
``section_map``), the language, the slug, the main photo, and what of the HTML
survives (the build's own sanitiser, so ingest and build agree on what is safe).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from urllib.parse import urljoin, urlsplit

from lxml import etree
from lxml import html as lxml_html

from compiler.config import EditionConfig
from compiler.content.markdown import MAX_STORY_BYTES
from compiler.content.sanitize import MarkupTooDeep, clean_html
from compiler.ingest.item import Item, Link, Note, Picture, plain
from compiler.text.slugs import slugify

MAX_SLUG = 60
_KHMER = re.compile("[\u1780-\u17ff\u19e0-\u19ff]")
_LETTER = re.compile(r"\w")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}$")


@dataclass
class Prepared:
    item: Item
    section: str
    language: str
    body: str
    """The body as it goes under the front matter: sanitised XHTML, one block per line."""
    picture: Picture | None
    related: list[Link] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    slug: str = ""


def prepare(item: Item, label: str, config: EditionConfig) -> tuple[Prepared | None, list[Note]]:
    """``label``: how the item is named in its notes. None and the reason when it is skipped."""
    if not item.usable:
        return None, [Note("I027", "the source marks it withdrawn or not a story", label)]
    if not item.title:
        return None, [Note("I020", "", label)]
    notes = []
    section = _section(item, config)
    if section is None:
        wanted = ", ".join(item.categories) or "none"
        return None, [Note("I024", f"categories: {wanted}", label)]
    if not _mapped(item, config):
        notes.append(Note("I023", f"categories: {', '.join(item.categories) or 'none'} -> "
                          f"{section}", label))
    body_html, picture, dropped = _photos(item)
    if dropped:
        notes.append(Note("I031", f"{dropped} photo{'s' if dropped != 1 else ''}", label))
    try:
        body, removed = clean_html(body_html)
    except MarkupTooDeep as exc:
        return None, notes + [Note("I025", str(exc), label)]
    if removed:
        notes.append(Note("I026", ", ".join(removed), label))
    body = one_block_per_line(body)
    if not body.strip():
        return None, notes + [Note("I022", "", label)]
    if len(body.encode()) > MAX_STORY_BYTES * 3 // 4:
        return None, notes + [Note("I022", f"the body is over {MAX_STORY_BYTES * 3 // 4} "
                                   "bytes", label)]
    if _repeats_body(item.summary, body):
        item = replace(item, summary="")
    return Prepared(item, section, language_of(item, config), body, picture,
                    list(item.related), notes), []


def _repeats_body(summary: str, body: str) -> bool:
    """An automatic excerpt (WordPress's first 55 words, a feed's cut description) is the
    body's opening again: as a standfirst it would print the same words twice."""
    start = summary.strip().removesuffix("[…]").removesuffix("[...]").rstrip(" .…")[:200]
    return bool(start) and plain(body).startswith(start)


def _mapped(item: Item, config: EditionConfig) -> bool:
    return _section(item, config, use_default=False) is not None


def _section(item: Item, config: EditionConfig, use_default: bool = True) -> str | None:
    """The first of the item's categories (then tags) that the map or a section name
    places; else ``default_section``; else None."""
    mapping = {k.casefold(): v for k, v in config.section_map}
    sections = {s.casefold(): s for s in config.sections}
    for name in (*item.categories, *item.tags):
        key = name.strip().casefold()
        if key in mapping:
            return mapping[key]
        if key in sections:
            return sections[key]
    if use_default and config.default_section:
        return config.default_section
    return None


def language_of(item: Item, config: EditionConfig) -> str:
    """The source's language (xml:lang, dc:language, ninjs language), as its primary
    subtag (``km-KH`` -> ``km``); else Khmer when the headline is written in Khmer;
    else the edition's."""
    primary = item.language.replace("_", "-").split("-")[0].strip().lower()
    if _LANGUAGE.match(primary):
        return primary
    letters = _LETTER.findall(item.title)
    if letters and len(_KHMER.findall(item.title)) * 2 > len(letters):
        return "km"
    return config.language


def _photos(item: Item) -> tuple[str, Picture | None, int]:
    """Body images on the web cannot be shown (the build fetches nothing): the first
    becomes the main photo when the item has none (Drupal puts its photo there), the
    rest are dropped and counted."""
    picture = item.picture
    if "<img" not in item.body_html:
        return item.body_html, picture, 0
    try:
        root = lxml_html.fragment_fromstring(item.body_html, create_parent="div")
    except (etree.ParserError, ValueError):
        return item.body_html, picture, 0
    dropped = 0
    for image in list(root.iter("img")):
        src = urljoin(item.url, image.get("src") or "") if item.url else image.get("src", "")
        if picture is None and urlsplit(src).scheme in ("http", "https"):
            picture = Picture(url=src, alt=" ".join((image.get("alt") or "").split()),
                              caption=_figcaption(image))
        else:
            dropped += 1
        _remove(image)
    html = (root.text or "") + "".join(etree.tostring(child, encoding="unicode", method="html")
                                       for child in root)
    return html, picture, dropped


def _figcaption(image) -> str:
    figure = next((a for a in image.iterancestors("figure")), None)
    caption = figure.find(".//figcaption") if figure is not None else None
    return " ".join(caption.text_content().split()) if caption is not None else ""


def _remove(image) -> None:
    """The image, and the figure or link around it when nothing else is left in it."""
    target = image
    for ancestor in image.iterancestors():
        if ancestor.tag not in ("figure", "a", "p", "div") or ancestor.getparent() is None:
            break
        others = [e for e in ancestor.iter() if e is not ancestor and e is not image
                  and e.tag != "figcaption" and e.getparent().tag != "figcaption"]
        text = "".join(t for t in ancestor.itertext() if t not in _captions(ancestor))
        if others or text.strip():
            break
        target = ancestor
    parent = target.getparent()
    if target.tail and target.tail.strip():
        previous = target.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + target.tail
        else:
            parent.text = (parent.text or "") + target.tail
    parent.remove(target)


def _captions(element) -> set[str]:
    return {t for caption in element.iter("figcaption") for t in caption.itertext()}


_BLOCK = re.compile(r"\n")


def one_block_per_line(xhtml: str) -> str:
    """Sanitised XHTML laid out so Markdown passes it through untouched: each top-level
    element on one line (a newline inside it becomes ``&#10;``), no blank line anywhere
    (a blank line would end CommonMark's HTML block), loose text and inline runs wrapped
    in paragraphs (a line starting with text would be read as Markdown)."""
    if not xhtml.strip():
        return ""
    container = etree.fromstring(f"<div>{xhtml}</div>")
    blocks, run = [], []

    def flush():
        text = "".join(run).strip()
        if text:
            blocks.append(f"<p>{text}</p>")
        run.clear()

    if container.text and container.text.strip():
        run.append(_escape(container.text))
    for child in container:
        tail, child.tail = child.tail, None
        markup = etree.tostring(child, encoding="unicode")
        if child.tag in _BLOCK_TAGS:
            flush()
            blocks.append(markup)
        else:
            run.append(markup)
        if tail and tail.strip():
            run.append(_escape(tail))
        elif tail and run:
            run.append(" ")
    flush()
    return "\n".join(_BLOCK.sub("&#10;", block) for block in blocks)


_BLOCK_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "table",
               "figure", "div", "pre", "hr", "dl"}


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slug_for(item: Item, taken: set[str]) -> str:
    """From the item's web address (its last path segment), else its headline; unique."""
    path = urlsplit(item.url).path.rstrip("/").rsplit("/", 1)[-1] if item.url else ""
    path = re.sub(r"\.(html?|php|aspx?)$", "", path)
    base = slugify(path) if re.search(r"[A-Za-z]{3}", path) else slugify(item.title)
    base = base[:MAX_SLUG].rstrip("-") or "story"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug
