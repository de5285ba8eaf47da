"""The digest cut into parts (front, runs of each section's stories, back) to lay out.

Parts are laid out in parallel and joined, so nothing in a part may depend on
CSS cross-references into another part. Page numbers come from ``page_ref``
instead: a placeholder slot that is filled in after layout (page_slots), or the
number as text where the numbers are already known.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from markupsafe import Markup

from compiler.model import Edition, Photo, Section, Story, iso_timestamp
from compiler.pdf.join import Bookmark
from compiler.pdf.photos import PHOTO_FOLDER, PHOTO_SCHEME
from compiler.pdf.slots import slot
from compiler.pdf.typeset import TypesetJob, house_stylesheets
from compiler.resources import FONTS_DIR, LAYOUTS_DIR
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
    lead_in: float | None = None
    """The run opens with a story that began on the page before, below other stories:
    laid out alone, that story stands under a block this tall (CSS px) so its lines break
    as in its section's flow, and that first page is dropped (it belongs to the run
    before). None: the run's first story begins a page."""
    continued: bool = False
    """The run's last story runs on into the next run (which has a ``lead_in``): the
    pages after the one it begins on are dropped."""
    after: float | None = None
    """For a run whose first story began a page: where that story would have begun on
    the page before (TypesetPart.ends_at) when the day's last build cut there."""

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


def run_key(section: Section, first: Story, lead_in: bool = False) -> str:
    """A run is named by its first story, so its name survives a correction that
    changes how many runs come before it; a run that opens with the rest of a story
    that began on the page before is marked ``~``."""
    if first is section.stories[0] and not lead_in:
        return f"section-{section.slug}"
    return f"section-{section.slug}@{first.slug}{'~' if lead_in else ''}"


Cuts = dict[str, tuple[float | None, float | None]]
"""Slug of a story that starts a run -> the run's lead-in (``Part.lead_in``: None where
the story began a page, else how far down the page before it began) and, where it began
a page, where it would have begun on the page before (``Part.after``)."""


def runs(stories: tuple[Story, ...], cuts: Cuts | None = None
         ) -> list[tuple[tuple[Story, ...], tuple[float | None, float | None]]]:
    """A section's stories in runs, each laid out as a part of its own, and each run's
    lead-in. A run starts at each story in ``cuts``: the page breaks the section's last
    layout made (printer.py keeps them for the day's next build). Where that story
    began a page, the run before ends with the story before it; where it began lower on
    the page before, both runs hold it (the first keeps its first page, the second the
    rest). With no cuts, the section is one run: one flow, with no blank space."""
    found: list[tuple[list[Story], tuple[float | None, float | None]]] = []
    for story in stories:
        if not found or (cuts and story.slug in cuts):
            cut = cuts[story.slug] if found and cuts else (None, None)
            if cut[0] is not None:
                found[-1][0].append(story)
            found.append(([], cut))
        found[-1][0].append(story)
    return [(tuple(run), cut) for run, cut in found]


def section_part(edition: Edition, section: Section, run: tuple[Story, ...],
                 lead_in: float | None = None, continued: bool = False,
                 after: float | None = None) -> Part:
    opener = run[0] is section.stories[0] and lead_in is None
    begun = run[1:] if lead_in is not None else run  # the first began in the run before
    own = {*(s.anchor for s in begun), *([section.anchor] if opener else [])}
    targets = {edition.story_by_slug(r.target).anchor for s in run
               for r in s.related if r.target}
    targets |= {twin.anchor for s in run if s.translation and s.translation.target
                and (twin := edition.story_by_slug(s.translation.target))}
    return Part(run_key(section, run[0], lead_in is not None), "section", section,
                tuple(sorted(own)), tuple(sorted(targets - own)), tuple(s.slug for s in run),
                opener=opener, lead_in=lead_in, continued=continued,
                after=after if lead_in is None else None)


def split_part(edition: Edition, part: Part, cuts: Cuts) -> list[Part]:
    """``part`` cut into runs at ``cuts`` (a worker found those page breaks:
    typeset.split_flow). The first run keeps the part's lead-in, the last whether it
    runs on."""
    found = runs(part.run(edition), cuts)
    found[0] = (found[0][0], (part.lead_in, part.after))
    pieces = []
    for index, (stories, (lead_in, after)) in enumerate(found):
        continued = (part.continued if index == len(found) - 1
                     else found[index + 1][1][0] is not None)
        pieces.append(section_part(edition, part.section, stories, lead_in, continued, after))
    return pieces


def joined(edition: Edition, chain: list[Part], lead_in: float | None) -> Part:
    """Consecutive runs of a section as one part (the stories they share once), opening
    with ``lead_in``: what a correction lays out when it changes more than one run of a
    chain, or moves the story a run ends with."""
    stories: list[Story] = []
    for part in chain:
        stories += [s for s in part.run(edition) if not stories or s is not stories[-1]]
    return section_part(edition, chain[0].section, tuple(stories), lead_in,
                        chain[-1].continued, chain[0].after)


def chain_end(parts: list[Part], start: int) -> int:
    """The index after the runs that follow on from ``parts[start]`` through lead-ins:
    the pages of each depend on where the one before ended."""
    end = start + 1
    while end < len(parts) and parts[end].lead_in is not None:
        end += 1
    return end


def join_changed(edition: Edition, parts: list[Part], changed: set[str]) -> list[Part]:
    """Each chain of runs (``chain_end``) with the runs in ``changed`` (keys) joined,
    from the first to the last, into one part: only the first of them may start where
    the last build left off, and one worker lays out what depends on it."""
    planned, start = [], 0
    while start < len(parts):
        end = chain_end(parts, start)
        hit = [i for i in range(start, end) if parts[i].key in changed]
        if len(hit) > 1:
            first, last = hit[0], hit[-1] + 1
            planned += [*parts[start:first],
                        joined(edition, parts[first:last], parts[first].lead_in),
                        *parts[last:end]]
        else:
            planned += parts[start:end]
        start = end
    return planned


def plan_parts(edition: Edition, cuts: dict[str, Cuts] | None = None) -> list[Part]:
    """``cuts``: section name -> the stories that start a run and their lead-ins (see
    ``runs``), as the day's last build left them."""
    all_anchors = {a for s in edition.sections for a in (s.anchor, *(t.anchor for t in s.stories))}
    has_back = edition.has_more_stories
    parts = [Part("front", "front", None, FRONT_ANCHORS,
                  tuple(sorted(all_anchors | ({"more-stories"} if has_back else set()))))]
    for section in edition.sections:
        found = runs(section.stories, (cuts or {}).get(section.name))
        for index, (run, (lead_in, after)) in enumerate(found):
            parts.append(section_part(edition, section, run, lead_in, index + 1 < len(
                found) and found[index + 1][1][0] is not None, after))
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
    if part and part.lead_in is not None:
        first_page -= 1  # its lead-in's page comes first, and is dropped
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


def part_job(edition: Edition, part: Part, photo_url, pages, width: str, first_page: int,
             work_dir: Path, titles: dict[str, str]) -> TypesetJob:
    """``titles``: anchor -> what a link there leads to (``link_titles``, made once per
    print); the part's job carries those of the anchors it links to."""
    return TypesetJob(
        html=part_html(edition, part, photo_url, pages, width),
        stylesheets=tuple(part_stylesheets(edition, first_page, part)),
        base_url=(LAYOUTS_DIR / "print").as_uri() + "/",
        roots=(edition.content_root, LAYOUTS_DIR, FONTS_DIR),
        named=((PHOTO_SCHEME, work_dir / PHOTO_FOLDER),),
        allowed_hosts=edition.config.allowed_hosts,
        titles=tuple(sorted((anchor, titles[anchor]) for anchor in
                            {*part.anchors, *part.foreign_anchors} if anchor in titles)),
        shares=_shares(edition, part),
    )


def _shares(edition: Edition, part: Part) -> tuple[str, str]:
    """The stories a run shares with its neighbours (TypesetJob.shares)."""
    if part.kind != "section":
        return "", ""
    run = part.run(edition)
    return (run[0].anchor if part.lead_in is not None else "",
            run[-1].anchor if part.continued else "")
