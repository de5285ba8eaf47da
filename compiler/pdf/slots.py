"""Page numbers written into a part after it is laid out, so it is laid out once.

A part is laid out before anyone knows the edition's page numbers: each page
reference holds a placeholder as wide as the widest number the edition can
reach, and folios count from 1. Once every part's length is known, the real
numbers go into the laid-out text boxes and WeasyPrint draws those instead.
Nothing moves: page references end their line (the templates keep them last),
so a narrower number leaves only space after it; a contents number is moved to
keep its right edge (its box keeps the placeholder's width, so the leaders all
end in one column), and a folio is re-centred in its margin box. A number wider
than the placeholder cannot be filled in; that part is laid out again with its
numbers as plain text (``too_wide``).

Numbers keep the digits of what they replace: a Khmer edition lays its folios
out with the CSS counter style ``khmer`` and its slots as "៨៨" (parts.py), and
gets Khmer digits back, so filling needs no language.
"""

from __future__ import annotations

from markupsafe import Markup

from compiler.pdf import hooks
from compiler.text.numerals import like

SLOT_CLASS = "page-slot"
FOLIO_BOX = "@bottom-center"


def placeholder(stories: int) -> str:
    """Digits enough for nearly every edition's pages (three per story, where the
    digest averages one and a half), from the story count alone: a correction that
    lengthens a story must not change every part's placeholder."""
    return "8" * len(str(3 * stories + 10))


def slot(anchor: str, text: str, align: str = "left", label: str = "", here: str = ""
         ) -> Markup:
    """``label``: the slot prints "<label> <number>"; ``here``: what it prints instead
    when the number is the page it stands on (a "See also" never says "page 9" on 9)."""
    extra = (f' data-label="{Markup.escape(label)}" data-here="{Markup.escape(here)}"'
             if label else "")
    return Markup(f'<span class="{SLOT_CLASS}" data-page-of="{Markup.escape(anchor)}"'
                  f' data-align="{align}"{extra}>{Markup.escape(text)}</span>')


def too_wide(numbers: dict[str, int], width: str) -> bool:
    """Folios need no check: their margin box is wider than any number."""
    return any(len(str(n)) > len(width) for n in numbers.values())


def _is_slot(box) -> bool:
    element = hooks.box_element(box)
    return element is not None and element.get("class") == SLOT_CLASS


def slots_of(document) -> list[str]:
    """The anchors whose page numbers this laid-out part prints."""
    found = []
    for page in document.pages:
        for box in hooks.page_text_boxes(page):
            if _is_slot(box):
                found.append(hooks.box_element(box).get("data-page-of"))
    return sorted(set(found))


def _put(text_box, text: str, align: str) -> None:
    """Replace the text of a laid-out box; ``align`` keeps its right edge or centre."""
    new_width = hooks.text_width(text_box, text)
    shift = hooks.box_width(text_box) - new_width
    hooks.set_box_text(text_box, text, new_width,
                       {"right": shift, "center": shift / 2}.get(align, 0))


def fill(document, numbers: dict[str, int], first_page: int) -> None:
    """Write the real page numbers into a document laid out with placeholders.

    Safe to call again with other numbers: each call starts from the boxes as
    they are now."""
    for index, page in enumerate(document.pages):
        for box in hooks.margin_text_boxes(page, FOLIO_BOX):
            folio = hooks.box_text(box).strip()
            if folio.isdigit():  # the folio, not some other margin text
                _put(box, like(first_page + index, folio), "center")
        for box in hooks.page_text_boxes(page):
            if _is_slot(box):
                element = hooks.box_element(box)
                _put(box, _slot_text(element, numbers, first_page + index),
                     element.get("data-align"))


def _slot_text(element, numbers: dict[str, int], on_page: int) -> str:
    """The number in the digits of the slot's placeholder (the element's text, which
    an earlier fill leaves as it was)."""
    number = numbers[element.get("data-page-of")]
    digits = like(number, element.text or "")
    if not (label := element.get("data-label")):
        return digits
    if number == on_page and (here := element.get("data-here")):
        return here
    return f"{label}\u00a0{digits}"
