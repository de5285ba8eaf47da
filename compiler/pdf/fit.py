"""A story's photo placed so the story can start in what is left of a page.

A story whose headline, photo and first lines do not fit in what is left of a page
starts the next one, and the rest of the page stays empty: WeasyPrint moves a
multi-column body whose first block does not fit (its issues #1963 and #2032). No CSS
rule can know the space left, so a section's flow is laid out, the first story that
jumped this way is read off the pages (``fits_found``), and the flow is laid out again
from the run before it with that story's photo fitted (``apply_fits``): its height
capped to the space, or moved down its body so the text fills the page and the photo
comes on the next one. What a section's fits may lay out again is bounded
(``again_budget``), so a hole far from the end of a long section is left.

A fit is a fact about one story in one flow, kept with the run that holds the story
(parts.Part.fits) and with the day's cuts (PartCache), so the run laid out alone, in a
correction, comes out as it did in its flow.
"""

from __future__ import annotations

from dataclasses import dataclass

from compiler.pdf.fill import FULL
from compiler.pdf.hooks import story_boxes

PX_PER_MM = 96 / 25.4
LINES = 3
"""Lines of a story's body that must fit under its headline (print.css: orphans)."""
SMALLEST = 32 * PX_PER_MM
"""A photo is never capped below this height (px): smaller, it no longer reads."""
MILD = 0.75
"""A cap keeping at least this share of the photo's height is preferred to a move."""
SPARE = 1.5 * PX_PER_MM
"""Room left over when fitting, for rounding in the second layout (px)."""
AGAIN_SHARE = 0.5
AGAIN_LEAST = 12
"""The pages a section's fits may lay out again, in all: half its pages, or 12 for a
short section. A fit lays the section out again from the run holding its hole, so a
hole far from the section's end is left once that would cost more; with no bound,
fitting made the 200-story build 69 % slower (docs/performance.md)."""


def again_budget(pages: int) -> int:
    return max(AGAIN_LEAST, round(AGAIN_SHARE * pages))


@dataclass(frozen=True)
class Fit:
    """How one story's photo is set: ``after`` body blocks before it (0: it leads the
    first column) and at most ``height`` mm tall (0: print.css's own limit)."""

    after: int = 0
    height: float = 0.0

    def as_list(self) -> list:
        return [self.after, self.height]


def fits_found(document, fills: tuple[float, ...], anchors: dict[str, str],
               fitted=frozenset(), start: int = 0):
    """Each story (of ``anchors``, not ``fitted`` already) that begins a page after a page
    under FULL because its photo kept it off that page, in page order from page ``start``:
    (that page's index, the story's anchor, its Fit). Pages are read once, as needed."""
    pages = {}

    def read(index: int):
        if index not in pages:
            pages[index] = story_boxes(document.pages[index])
        return pages[index]

    for index in range(start, len(document.pages) - 1):
        if fills[index] >= FULL:
            continue
        (bottom, before), (_, after) = read(index), read(index + 1)
        starts = document.pages[index + 1].anchors  # the stories that begin there
        story = min((s for s in after if s["anchor"] in starts), key=lambda s: s["top"],
                    default=None)
        if (not before or story is None or story["photo"] is None
                or story["anchor"] not in anchors or story["anchor"] in fitted
                or story["top"] > min(s["top"] for s in after) + 2):
            continue
        free = bottom - max(s["bottom"] for s in before) - SPARE
        fit = _fit(story, free, [s for page in range(index + 1, len(document.pages))
                                 for s in read(page)[1] if s["anchor"] == story["anchor"]])
        if fit is not None:
            yield index, story["anchor"], fit


def _fit(story: dict, free: float, pieces: list[dict]) -> Fit | None:
    """Cap the photo when a little is enough; else move it down the body, after the
    blocks that fill both columns of the space; else cap it as far as it still reads."""
    line = story["line"] or 5 * PX_PER_MM
    head = story["body"] - story["top"]  # headline, standfirst, byline
    _, foot, picture = story["photo"]
    if free < head + LINES * line:
        return None  # not even the headline and three lines would fit
    capped = picture - (foot - story["top"] + LINES * line - free)
    if capped >= MILD * picture:
        return Fit(height=round(capped / PX_PER_MM, 1))
    room, filled = 2 * (free - head), 0.0
    heights: dict[int, float] = {}
    for piece in pieces:
        for block, height in piece["blocks"].items():
            heights[block] = heights.get(block, 0.0) + height
    for block in sorted(heights)[:-1]:  # never after the last block
        filled += heights[block]
        if filled >= room + 2 * line:
            return Fit(after=block + 1)
    return Fit(height=round(capped / PX_PER_MM, 1)) if capped >= SMALLEST else None


def apply_fits(html: str, fits: dict[str, Fit]) -> str:
    """The part's HTML with each fitted photo capped or moved: by the comments the print
    template sets around a story's photo and after each of its body blocks."""
    for anchor, fit in sorted(fits.items()):
        start_mark, end_mark = f"<!--fit:photo:{anchor}-->", f"<!--/fit:photo:{anchor}-->"
        start = html.find(start_mark)
        end = html.find(end_mark, start)
        if start < 0 or end < 0:
            continue  # the story is not in this part, or has no photo in its column
        end += len(end_mark)
        photo = html[start:end]
        if fit.height:
            photo = photo.replace("<img ", f'<img style="max-height: {fit.height:.1f}mm" ', 1)
        html = html[:start] + ("" if fit.after else photo) + html[end:]
        if fit.after:
            mark = f"<!--fit:after:{anchor}:{fit.after}-->"
            html = html.replace(mark, mark + photo, 1)
    return html
