"""The digest cut into parts (front, one per section, back) for separate layout.

Parts are laid out in parallel and joined, so nothing in a part may depend on
CSS cross-references into another part. Page numbers come from ``page_ref``
instead: a placeholder slot that is filled in after layout (page_slots), or the
number as text where the numbers are already known.
"""

from __future__ import annotations

import hashlib
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from markupsafe import Markup

from .fonts import font_face_css
from .images import PRINT, rendition
from .model import Edition, Photo, Section
from .page_slots import slot
from .render import Links, context, environment, long_date
from .resources import LAYOUTS_DIR

PHOTO_SCHEME = "edition-photo"
PHOTO_FOLDER = "print-photos"
FRONT_ANCHORS = ("front-page", "contents")
PART_TIMESTAMP = datetime(2000, 1, 1, tzinfo=UTC)
"""Parts carry this date, not the build's, so a part laid out last night still
serves tonight; the join writes the real one (pdf_merge.restamp)."""


@dataclass(frozen=True)
class Part:
    key: str
    kind: str  # "front", "section" or "back"
    section: Section | None
    anchors: tuple[str, ...]
    """Anchors that live in this part."""
    foreign_anchors: tuple[str, ...]
    """Anchors this part links to that live elsewhere; empty targets keep WeasyPrint's
    link annotations, and the join points them at the right page."""
    stories: tuple[str, ...] = ()


def plan_parts(edition: Edition) -> list[Part]:
    all_anchors = {a for s in edition.sections for a in (s.anchor, *(t.anchor for t in s.stories))}
    has_back = bool(edition.more_stories or edition.related_in_edition)
    parts = [Part("front", "front", None, FRONT_ANCHORS,
                  tuple(sorted(all_anchors | ({"more-stories"} if has_back else set()))))]
    for section in edition.sections:
        own = {section.anchor, *(s.anchor for s in section.stories)}
        targets = {edition.story_by_slug(r.target).anchor for s in section.stories
                   for r in s.related if r.target}
        parts.append(Part(f"section-{section.slug}", "section", section, tuple(sorted(own)),
                          tuple(sorted(targets - own)), tuple(s.slug for s in section.stories)))
    if has_back:
        parts.append(Part("back", "back", None, ("more-stories",),
                          tuple(sorted(s.anchor for s in edition.related_in_edition))))
    return parts


def photo_linker(work_dir: Path, cache_dir: Path | None, photos: list[Photo] = ()):
    """Print renditions addressed as ``edition-photo:NAME``: WeasyPrint names images
    after their URL, so a temporary path would change the PDF's bytes every run.

    The photos given are prepared up front on every core (Pillow releases the GIL
    while it decodes, resamples and encodes), before any part is laid out."""
    photo_dir = work_dir / PHOTO_FOLDER
    photo_dir.mkdir(parents=True, exist_ok=True)
    seen: dict[Path, str] = {}

    def prepare(photo: Photo) -> tuple[Path, str]:
        data = rendition(photo, PRINT, cache_dir)
        name = f"{hashlib.sha256(data).hexdigest()[:20]}.jpg"
        if not (photo_dir / name).exists():
            (photo_dir / name).write_bytes(data)
        return photo.source, f"{PHOTO_SCHEME}:{name}"

    unique = list({photo.source: photo for photo in photos}.values())
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        seen.update(pool.map(prepare, unique))

    def photo_url(photo: Photo) -> str:
        if photo.source not in seen:
            seen.update([prepare(photo)])
        return seen[photo.source]

    return photo_url


def part_html(edition: Edition, part: Part, photo_url, pages: dict[str, int] | None,
              width: str = "88") -> str:
    links = Links(photo=photo_url, story=lambda story: f"#{story.anchor}")
    ctx = context(edition, links)
    if part.kind != "all":
        ctx["timestamp"] = PART_TIMESTAMP.strftime("%Y-%m-%dT%H:%M:%SZ")
    return environment("print").get_template("part.html.j2").render(
        ctx, part=part, has_back=bool(edition.more_stories or edition.related_in_edition),
        page_ref=lambda anchor: _page_ref(part, pages, anchor, width))


def _page_ref(part: Part, pages: dict[str, int] | None, anchor: str, width: str):
    """A slot as wide as ``width`` to fill in after layout, or the number as text
    when it is known; in one whole document, WeasyPrint's own target-counter (the
    preview and the benchmark's baseline use that)."""
    if part.kind == "all":
        return Markup(f'<span class="page-number" data-target="#{anchor}"></span>')
    return str(pages[anchor]) if pages else slot(anchor, width)


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def part_stylesheets(edition: Edition, first_page: int) -> list[str]:
    """Fonts, the print CSS, then what differs per part: running heads and first folio."""
    config = edition.config
    running = (
        f"@page {{ size: {config.page_size};"
        f" @top-left {{ content: {_css_string(config.title)}; }}"
        f" @top-right {{ content: {_css_string(long_date(edition.date))}; }} }}\n"
    )
    if first_page > 1:
        running += f"@page :first {{ counter-reset: page {first_page}; }}\n"
    return [
        font_face_css(lambda face: face.path.as_uri()),
        (LAYOUTS_DIR / "print" / "print.css").read_text(encoding="utf-8"),
        running,
    ]
