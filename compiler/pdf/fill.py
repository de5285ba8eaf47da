"""How full each page is, so the night editor sees the pages with holes.

A page's fill is where the shorter of its two columns ends (its lowest line or
picture) as a share of the text block's height: a page whose left column runs to the
foot but whose right column stops half-way is half full. Lines and pictures that
cross the middle of the text block (headlines, wide photos, the cover) belong to both
columns. Read off the laid-out boxes in the worker, so it costs no second look at the
PDF.
"""

from __future__ import annotations

from dataclasses import dataclass

from compiler.pdf.hooks import page_content_extents

FULL = 0.85
"""Under this, a page that is not the last of its section is reported as a hole."""


def page_fill(page) -> float:
    (left, top, width, height), extents = page_content_extents(page)
    middle = left + width / 2
    ends = [top, top]  # lowest content of the left and of the right column
    for x0, x1, bottom in extents:
        if x0 < middle - 1:
            ends[0] = max(ends[0], bottom)
        if x1 > middle + 1:
            ends[1] = max(ends[1], bottom)
    return round(max(0.0, min(1.0, (min(ends) - top) / height)), 3) if height else 0.0


def page_fills(document) -> tuple[float, ...]:
    return tuple(page_fill(page) for page in document.pages)


@dataclass(frozen=True)
class Hole:
    """A page under FULL that a reader would see as part-empty."""

    page: int
    fill: float
    section: str

    def as_dict(self) -> dict:
        return {"page": self.page, "fill": self.fill, "section": self.section}


def holes(numbered_fills: list[tuple[int, float, str, bool]]) -> tuple[int, list[Hole]]:
    """How many pages must be full, and those that are not: ``numbered_fills`` is
    ``(page number, fill, section, exempt)`` for every page of the digest, where a page
    is exempt when it may end short: a section's last page, the cover, the contents and
    the back section's last page."""
    checked = [(page, fill, section) for page, fill, section, exempt in numbered_fills
               if not exempt]
    return len(checked), [Hole(page, fill, section) for page, fill, section in checked
                          if fill < FULL]


def part_holes(parts, fills: list[tuple[float, ...]]) -> tuple[int, list[Hole]]:
    """``holes`` for the digest's parts (printer.Part) in order, with each part's page
    fills: the front, a section's last page and the back's last page may end short."""
    pages, number = [], 1
    for index, (part, part_fills) in enumerate(zip(parts, fills, strict=True)):
        following = parts[index + 1] if index + 1 < len(parts) else None
        section_ends = part.kind == "back" or (
            following is None or following.section is not part.section)
        name = part.section.name if part.section else part.kind
        for i, fill in enumerate(part_fills):
            last = i == len(part_fills) - 1
            pages.append((number + i, fill, name, part.kind == "front" or
                          (last and section_ends)))
        number += len(part_fills)
    return holes(pages)

