"""The digest cut into parts (front, runs of each section's stories, back) to lay out.

Parts are laid out in parallel and joined, so nothing in a part may depend on
CSS cross-references into another part. Page numbers come from ``page_ref``
instead: a placeholder slot that is filled in after layout (page_slots), or the
number as text where the numbers are already known.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from markupsafe import Markup

from compiler.model import Edition, Photo, Section, Story, iso_timestamp
from compiler.pdf.join import Bookmark
from compiler.pdf.slots import slot
from compiler.pdf.typeset import house_stylesheets
from compiler.text.dates import long_date
from compiler.text.labels import labels
from compiler.text.numerals import digits, numbering_system, primary
from compiler.text.templates import Links, context, environment

FRONT_ANCHORS = ("front-page", "contents")
FOLIO_STYLES = {"khmr": "khmer", "arab": "arabic-indic", "beng": "bengali", "deva": "devanagari",
                "laoo": "lao", "mymr": "myanmar", "thai": "thai", "tibt": "tibetan"}
"""CLDR numbering systems -> CSS Counter Styles 3's predefined styles (WeasyPrint has them)."""
UNSPACED = frozenset({"km"})
"""Languages whose running heads are set without the Latin heads' letter-spacing."""
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
    """Anchors this part links to that live elsewhere (typeset.write_part gives WeasyPrint
    a stand-in for each, and the join points the links at the right page)."""
    stories: tuple[str, ...] = ()
    opener: bool = True
    """False for a section's later runs: no section opener, so no section anchor."""

    def run(self, edition: Edition) -> tuple[Story, ...]:
        return tuple(edition.story_by_slug(slug) for slug in self.stories)

    def photos(self, edition: Edition) -> list[Photo]:
        if self.kind == "front":  # the lead's photo; its body is not on the front
            return [edition.lead.photo] if edition.lead.photo else []
        return [photo for story in self.run(edition) for photo in story.photos]

    def weight(self, edition: Edition) -> int:
        """Roughly how long the part takes to lay out, to send the longest first."""
        if self.kind == "back":
            return 600 * (len(edition.more_stories) + len(edition.related_in_edition))
        return 1500 * len(self.photos(edition)) + sum(
            len(story.body_html) for story in self.run(edition))


def run_key(section: Section, first: Story) -> str:
    """A run is named by its first story, so its name survives a correction that
    changes how many runs come before it."""
    if first is section.stories[0]:
        return f"section-{section.slug}"
    return f"section-{section.slug}@{first.slug}"


def runs(stories: tuple[Story, ...], cuts=frozenset()) -> list[tuple[Story, ...]]:
    """A section's stories in runs, each laid out as a part of its own (from a new
    page), cut before each story whose slug is in ``cuts``: the stories that began a
    page when the section was last laid out (printer.py keeps them for the day's next
    build). With no cuts, the section is one run: one flow, with no blank space."""
    found: list[list[Story]] = []
    for story in stories:
        if not found or story.slug in cuts:
            found.append([])
        found[-1].append(story)
    return [tuple(run) for run in found]


def section_part(edition: Edition, section: Section, run: tuple[Story, ...]) -> Part:
    opener = run[0] is section.stories[0]
    own = {*(s.anchor for s in run), *([section.anchor] if opener else [])}
    targets = {edition.story_by_slug(r.target).anchor for s in run
               for r in s.related if r.target}
    targets |= {twin.anchor for s in run if s.translation and s.translation.target
                and (twin := edition.story_by_slug(s.translation.target))}
    return Part(run_key(section, run[0]), "section", section, tuple(sorted(own)),
                tuple(sorted(targets - own)), tuple(s.slug for s in run), opener=opener)


def split_part(edition: Edition, part: Part, cuts) -> list[Part]:
    """``part`` cut into runs before the stories in ``cuts`` (a worker found them at
    the top of a page: typeset.split_flow)."""
    return [section_part(edition, part.section, piece)
            for piece in runs(part.run(edition), cuts)]


def plan_parts(edition: Edition, cuts: dict[str, frozenset[str]] | None = None
               ) -> list[Part]:
    """``cuts``: section name -> slugs of the stories that start a run (see ``runs``), as
    the day's last build left them."""
    all_anchors = {a for s in edition.sections for a in (s.anchor, *(t.anchor for t in s.stories))}
    has_back = edition.has_more_stories
    parts = [Part("front", "front", None, FRONT_ANCHORS,
                  tuple(sorted(all_anchors | ({"more-stories"} if has_back else set()))))]
    for section in edition.sections:
        for run in runs(section.stories, (cuts or {}).get(section.name, frozenset())):
            parts.append(section_part(edition, section, run))
    if has_back:
        parts.append(Part("back", "back", None, ("more-stories",),
                          tuple(sorted(s.anchor for s in edition.related_in_edition))))
    return parts


def part_html(edition: Edition, part: Part, photo_url, pages: dict[str, int] | None,
              width: str = "88") -> str:
    links = Links(photo=photo_url, story=lambda story: f"#{story.anchor}")
    ctx = context(edition, links)
    if part.kind != "all":
        ctx["timestamp"] = iso_timestamp(PART_TIMESTAMP)
    return environment("print").get_template("part.html.j2").render(
        ctx, part=part,
        page_ref=lambda anchor, align="left", label="", here="": _page_ref(
            part, pages, anchor, width, align, label, here, edition.config.language),
        run=part.run(edition))


def _page_ref(part: Part, pages: dict[str, int] | None, anchor: str, width: str, align: str,
              label: str = "", here: str = "", language: str = "en"):
    """A slot as wide as ``width`` to fill in after layout, or the number as text
    when it is known; in one whole document, WeasyPrint's own target-counter (the
    preview and the benchmark's baseline use that). With ``label`` ("page") the slot
    prints "page 12", or ``here`` ("this page") when it stands on that very page. In the
    edition's digits: a slot laid out as "៨៨" is filled with Khmer ones (slots.fill)."""
    prefix = f"{label}\u00a0" if label else ""
    if part.kind == "all":
        return Markup(f'{prefix}<span class="page-number" data-target="#{anchor}"></span>')
    if pages:
        return prefix + digits(pages[anchor], language)
    return slot(anchor, prefix + digits(width, language), align, label, here)


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _language_style(language: str) -> str:
    """Folios in the edition's digits: CSS predefines a counter style per digit set,
    named like its CLDR numbering system (``khmer`` for ``khmr``); slots.fill keeps
    the digits it finds. Running heads without letter-spacing in a script that has no
    capitals, whose clusters it would pull apart."""
    style = FOLIO_STYLES.get(numbering_system(language))
    rules = f" @bottom-center {{ content: counter(page, {style}); }}" if style else ""
    if primary(language) in UNSPACED:
        rules += " @top-left { letter-spacing: 0; } @top-center { letter-spacing: 0; }"
    return rules


def part_stylesheets(edition: Edition, first_page: int, part: Part | None = None
                     ) -> list[str]:
    """Fonts, the print CSS, then what differs per part: running heads and first folio
    (a section's later runs have no opener to take the section's name from)."""
    config = edition.config
    section = (f" @top-center {{ content: {_css_string(part.section.title)}; }}"
               if part and not part.opener else "")
    running = (
        f"@page {{ size: {config.page_size};"
        f" @top-left {{ content: {_css_string(config.title)}; }}"
        f" @top-right {{ content: {_css_string(long_date(edition.date, config.language))}; }}"
        f"{section}{_language_style(config.language)} }}\n"
    )
    if first_page > 1:
        running += f"@page :first {{ counter-reset: page {first_page}; }}\n"
    return [*house_stylesheets(), running]


def bookmarks(edition: Edition) -> list[Bookmark]:
    """The PDF's outline: the cover, the contents, each section holding its stories."""
    words = labels(edition.config.language)
    marks = [Bookmark(words.front_page, FRONT_ANCHORS[0]),
             Bookmark(words.contents, FRONT_ANCHORS[1])]
    for section in edition.sections:
        marks.append(Bookmark(section.title, section.anchor, tuple(
            Bookmark(story.headline, story.anchor) for story in section.stories)))
    if edition.has_more_stories:
        marks.append(Bookmark(words.more_stories, "more-stories"))
    return marks
