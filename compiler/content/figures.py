"""Photos inside a story's body: ``![alt](../images/x.jpg "Caption")`` in Markdown,
or ``<img>`` (alone, or in the author's own ``<figure>`` with a ``<figcaption>``).

Each is checked like the story's main photo (images.load_photo: in the content
folder, decodable, not a bomb) and becomes a figure of its own, out of the
running text, since a photo mid-sentence cannot be set in a newspaper column.
The body keeps a marker, ``<img data-figure="N"/>``, because the two outputs
address photos differently (a print copy, an EPUB image item); ``with_photos``
puts each output's address in at render time.
"""

from __future__ import annotations

import re
from html import escape
from pathlib import Path

from lxml import etree

from compiler.content.photos import load_photo
from compiler.diagnostics import Diagnostic
from compiler.model import Photo

_MARKER = re.compile(r'<img data-figure="(\d+)"/>')


def extract_figures(body_html: str, story_path: Path, content_root: Path, text: str,
                    decoded: frozenset[str] = frozenset()
                    ) -> tuple[str, tuple[Photo, ...], list[Diagnostic]]:
    """``text`` is the story file's text, to name the line of a photo that fails."""
    if "<img" not in body_html:
        return body_html, (), []
    container = etree.fromstring(f"<div>{body_html}</div>")
    photos: list[Photo] = []
    problems: list[Diagnostic] = []
    for img in list(container.iter("img")):
        src = img.get("src") or ""
        photo = None
        if src:  # no src: the sanitiser removed a web address and has said so
            line = next((n for n, row in enumerate(text.splitlines(), 1) if src in row), None)
            spec = {"src": src, "alt": img.get("alt") or "", "caption": img.get("title") or ""}
            photo, notes = load_photo(spec, story_path, content_root, line, decoded)
            problems += notes
        if photo is None:
            _remove(img)
            continue
        marker = etree.Element("img", {"data-figure": str(len(photos))})
        photos.append(photo)
        if img.getparent().tag == "figure":
            marker.tail = img.tail
            img.getparent().replace(img, marker)
            continue
        figure = etree.Element("figure", {"class": "inline-photo"})
        figure.append(marker)
        if photo.caption:
            etree.SubElement(figure, "figcaption").text = photo.caption
        block = img
        while block.getparent() is not container:
            block = block.getparent()
        if block is img:
            figure.tail = img.tail
            container.replace(img, figure)
            continue
        holder = img.getparent()
        _remove(img)
        while holder is not block and _is_empty(holder):  # a link or <em> around the photo
            parent = holder.getparent()
            _remove(holder)
            holder = parent
        if _is_empty(block):  # the photo was all the paragraph held
            figure.tail = block.tail
            container.replace(block, figure)
        else:
            block.addnext(figure)
    lead = escape(container.text or "", quote=False)
    body = lead + "".join(etree.tostring(child, encoding="unicode", with_tail=True)
                          for child in container)
    return body.strip(), tuple(photos), problems


def with_photos(body_html: str, photos: tuple[Photo, ...], photo_url) -> str:
    """The body with each marker made an image at this output's address."""
    def image(match: re.Match) -> str:
        photo = photos[int(match.group(1))]
        return f'<img src="{escape(photo_url(photo))}" alt="{escape(photo.alt)}"/>'

    return _MARKER.sub(image, body_html) if photos else body_html


def _remove(element) -> None:
    """Out of the tree, its following text kept where it was."""
    parent, tail = element.getparent(), element.tail or ""
    previous = element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(element)


def _is_empty(element) -> bool:
    return not "".join(element.itertext()).strip() and len(element) == 0
