"""The Kobo KEPUB (``.kepub.epub``): the EPUB with the markup Kobo's own renderer wants.

A plain EPUB on a Kobo gets the older Adobe (RMSDK) renderer: no reading
statistics, no page turns by chapter, weaker CSS. A book named ``.kepub.epub``
gets Kobo's WebKit renderer, which counts, highlights and bookmarks by the
``koboSpan`` spans Kobo's own store books carry. calibre cannot write one, so
the compiler does, with the markup kepubify (github.com/pgaskin/kepubify,
``kepub/transform.go``) makes, which matches Kobo's store books:

- a ``<style class="kobostylehacks">`` at the end of the head (kepubify's trimmed
  version of Kobo's: ``div#book-inner`` without vertical margins);
- the body's content wrapped in ``div#book-columns > div#book-inner``, the
  targets of Kobo's pagination styles;
- every text run in the body cut after each sentence (``.``, ``!``, ``?``, then
  at most one quote or ellipsis, then white space) and each piece wrapped in
  ``<span class="koboSpan" id="kobo.P.S">``: P counts paragraphs (a ``p``, list,
  table or heading starts a new one when it holds text), S the pieces within
  one. An image is wrapped in a span of its own paragraph. White space outside
  a ``p`` stays bare text. ``script``, ``style``, ``pre``, ``audio``, ``video``,
  ``svg`` and ``math`` are left alone.

One difference from kepubify: it transforms every XHTML item, this only the
spine's documents; the nav is not displayed by Kobo (its menu reads the NCX and
nav themselves), and left untouched it stays exactly EPUBCheck's nav.
Everything else (package, fonts, photos, Khmer word breaks) is the EPUB's.
"""

from __future__ import annotations

from lxml import etree

from compiler.epub.container import Packed

X = "{http://www.w3.org/1999/xhtml}"
KOBO_STYLE = "div#book-inner { margin-top: 0; margin-bottom: 0;}"
NEW_PARAGRAPH = {"p", "ol", "ul", "table", "h1", "h2", "h3", "h4", "h5", "h6"}
LEFT_ALONE = {"script", "style", "pre", "audio", "video", "svg", "math"}
SENTENCE_END = ".!?"
AFTER_END = "'\"\u201d\u2019\u201c\u2026"
SPACE = "\t\n\f\r "


def kepub(packed: Packed) -> Packed:
    """The KEPUB's files, from the packed EPUB's (same names, same package)."""
    return packed.with_files({name: kobo_document(packed.files[name])
                              for name in packed.spine()})


def split_sentences(text: str) -> list[str]:
    """kepubify's sentence pieces: each ends after its terminal punctuation, at most one
    quote or ellipsis, and the white space that follows; joined, they are the text."""
    pieces, start, state = [], 0, "in"
    for index, char in enumerate(text):
        if state == "space":
            if char in SPACE:
                continue
            pieces.append(text[start:index])
            start = index
            state = "end" if char in SENTENCE_END else "in"
        elif char in SENTENCE_END:
            state = "end"
        elif state in ("end", "extra") and char in SPACE:
            state = "space"
        elif state == "end" and char in AFTER_END:
            state = "extra"
        else:
            state = "in"
    if start < len(text) or not pieces:
        pieces.append(text[start:])
    return pieces


def kobo_document(xhtml: bytes) -> bytes:
    root = etree.fromstring(xhtml)
    head, body = root.find(f"{X}head"), root.find(f"{X}body")
    style = etree.SubElement(head, f"{X}style", {"type": "text/css", "class": "kobostylehacks"})
    style.text = KOBO_STYLE
    _wrap_body(body)
    _Spans().walk(body)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def _wrap_body(body) -> None:
    columns = etree.Element(f"{X}div", id="book-columns")
    inner = etree.SubElement(columns, f"{X}div", id="book-inner")
    inner.text, body.text = body.text, None
    for child in list(body):
        inner.append(child)  # moves it, with its tail
    body.append(columns)


def _name(element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


class _Spans:
    """The running paragraph and piece numbers, in document order, as kepubify keeps them."""

    def __init__(self) -> None:
        self.paragraph = 0
        self.piece = 0
        self.new_paragraph = False

    def span(self) -> etree._Element:
        if self.new_paragraph:
            self.paragraph, self.piece, self.new_paragraph = self.paragraph + 1, 0, False
        self.piece += 1
        return etree.Element(f"{X}span", {"class": "koboSpan",
                                          "id": f"kobo.{self.paragraph}.{self.piece}"})

    def text(self, parent, text: str | None) -> list:
        if not text:
            return []
        items: list = []
        for piece in split_sentences(text):
            if piece.isspace() and _name(parent) != "p":
                items.append(piece)
            else:
                span = self.span()
                span.text = piece
                items.append(span)
        return items

    def walk(self, element) -> None:
        """Wrap the text inside ``element`` (whose own kind was already counted)."""
        items = self.text(element, element.text)
        for child in list(element):
            name = _name(child)
            tail, child.tail = child.tail, None
            if name == "img":
                self.paragraph, self.piece, self.new_paragraph = self.paragraph + 1, 0, False
                wrapper = self.span()
                element.replace(child, wrapper)
                wrapper.append(child)
                items.append(wrapper)
            elif name in LEFT_ALONE or not isinstance(child.tag, str):
                items.append(child)
            else:
                if name in NEW_PARAGRAPH:
                    self.new_paragraph = True
                self.walk(child)
                items.append(child)
            items += self.text(element, tail)
        _rebuild(element, items)


def _rebuild(element, items: list) -> None:
    """``element``'s content becomes ``items``: text strings and elements, in order."""
    for child in list(element):
        element.remove(child)
    element.text = None
    last = None
    for item in items:
        if isinstance(item, str):
            if last is None:
                element.text = (element.text or "") + item
            else:
                last.tail = (last.tail or "") + item
        else:
            element.append(item)
            item.tail = None
            last = item
