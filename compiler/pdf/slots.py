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
"""

from __future__ import annotations

from markupsafe import Markup

SLOT_CLASS = "page-slot"
FOLIO_BOX = "@bottom-center"


def placeholder(stories: int) -> str:
    """Digits enough for nearly every edition's pages (three per story, where the
    digest averages one and a half), from the story count alone: a correction that
    lengthens a story must not change every part's placeholder."""
    return "8" * len(str(3 * stories + 10))


def slot(anchor: str, text: str, align: str = "left") -> Markup:
    return Markup(f'<span class="{SLOT_CLASS}" data-page-of="{Markup.escape(anchor)}"'
                  f' data-align="{align}">{Markup.escape(text)}</span>')


def too_wide(numbers: dict[str, int], width: str) -> bool:
    """Folios need no check: their margin box is wider than any number."""
    return any(len(str(n)) > len(width) for n in numbers.values())


def _text_boxes(box):
    from weasyprint.formatting_structure import boxes

    return [b for b in box.descendants() if isinstance(b, boxes.TextBox)]


def slots_of(document) -> list[str]:
    """The anchors whose page numbers this laid-out part prints."""
    found = []
    for page in document.pages:
        for text in _text_boxes(page._page_box):
            element = text.element
            if element is not None and element.get("class") == SLOT_CLASS:
                found.append(element.get("data-page-of"))
    return sorted(set(found))


def _width(text_box, text: str) -> float:
    from weasyprint.text.line_break import Layout, line_size

    layout = Layout(text_box.style)
    layout.set_text(text)
    line, _ = layout.get_first_line()
    return line_size(line, text_box.style)[0]


def _put(text_box, text: str, align: str) -> None:
    """Replace the text of a laid-out box; ``align`` keeps its right edge or centre."""
    new_width = _width(text_box, text)
    shift = text_box.width - new_width
    text_box.position_x += {"right": shift, "center": shift / 2}.get(align, 0)
    text_box.width = new_width
    text_box.text = text
    text_box.pango_layout.text = text  # WeasyPrint shapes this text again when drawing


def fill(document, numbers: dict[str, int], first_page: int) -> None:
    """Write the real page numbers into a document laid out with placeholders.

    Safe to call again with other numbers: each call starts from the boxes as
    they are now."""
    from weasyprint.formatting_structure import boxes

    for index, page in enumerate(document.pages):
        for box in page._page_box.descendants():
            if isinstance(box, boxes.MarginBox) and box.at_keyword == FOLIO_BOX:
                for text in _text_boxes(box):
                    if text.text.strip().isdigit():  # the folio, not some other margin text
                        _put(text, str(first_page + index), "center")
            elif isinstance(box, boxes.TextBox) and box.element is not None \
                    and box.element.get("class") == SLOT_CLASS:
                element = box.element
                _put(box, str(numbers[element.get("data-page-of")]), element.get("data-align"))
