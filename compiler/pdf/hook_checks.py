"""The check of every hook in hooks.py against the installed WeasyPrint:
each target's name and signature, and what a laid-out page carries. Kept apart so the
hooks module stays readable; it reaches the same internals, for the same reason."""

from __future__ import annotations

import inspect

from compiler.pdf.hooks import (
    _ORIGINALS,
    _TARGETS,
    _WRAPPERS,
    _boxes,
    _module,
    box_element,
    box_tag,
    box_text,
    box_width,
    column_ends,
    column_lines,
    fill_columns,
    letter_spacing,
    margin_text_boxes,
    page_content_extents,
    page_text_boxes,
    page_top,
    stories_end,
    story_columns,
    text_width,
    wrap_story_layout,
)


def _parameters(function) -> list[str]:
    return list(inspect.signature(function).parameters)


def _probe(problems: list[str], hook: str, probe) -> None:
    try:
        problem = probe()
    except (AttributeError, ImportError, KeyError, TypeError, ValueError) as exc:
        problem = f"{type(exc).__name__}: {exc}"
    if problem:
        problems.append(f"{hook}: {problem}")


def _boxes_shape():
    boxes = _boxes()
    if not callable(boxes.Box.descendants):
        return "Box.descendants is not a method"
    if _parameters(boxes.Box.__init__)[1:4] != ["element_tag", "style", "element"]:
        return "Box(element_tag, style, element) has another signature"
    if "text" not in _parameters(boxes.TextBox.__init__):
        return "TextBox takes no text"
    if "at_keyword" not in _parameters(boxes.MarginBox.__init__):
        return "MarginBox takes no at_keyword"
    return None


def _line_break_shape():
    from weasyprint.text import line_break

    if _parameters(line_break.line_size)[:2] != ["line", "style"]:
        return "line_size(line, style) has another signature"
    for method in ("set_text", "get_first_line", "reactivate"):
        if not callable(getattr(line_break.Layout, method)):
            return f"Layout.{method} is not a method"
    return None


def _unwrapped(target: str):
    """WeasyPrint's function as it is now, seen through our wrapper if installed."""
    module_name, name = _TARGETS[target]
    current = getattr(_module(module_name), name)
    if current is _WRAPPERS.get(target, (None, None))[1]:
        return _ORIGINALS[target]
    return current


def _draw_text_shape():
    draw_text = _unwrapped("draw_text")
    if _parameters(draw_text)[:2] != ["stream", "textbox"]:
        return "draw_text(stream, textbox, ...) has another signature"
    return None


def _box_tree_shape():
    build = _unwrapped("box_tree")
    if not inspect.isgeneratorfunction(build):
        return "_build_box_tree is no longer a generator"
    if _parameters(build)[:2] != ["box", "parent"]:
        return "_build_box_tree(box, parent, ...) has another signature"
    return None


def _story_layout_shape():
    from weasyprint.css.properties import Dimension

    layout = _unwrapped("block_layout")
    if _parameters(layout)[:6] != ["context", "box", "bottom_space", "skip_stack",
                                   "containing_block", "page_is_empty"]:
        return "block_level_layout(context, box, bottom_space, ...) has another signature"
    if Dimension(1, "px").value != 1:
        return "Dimension(value, unit) changed"
    if not callable(_boxes().Box.deepcopy):
        return "Box.deepcopy is not a method"
    from weasyprint.layout import LayoutContext

    init = inspect.getsource(LayoutContext.__init__)
    if not all(f"self.{name} =" in init for name in ("in_column", "forced_break")):
        return "LayoutContext no longer sets in_column and forced_break"
    return None


def _laid_out_shape(document):
    """What WeasyPrint sets on pages and boxes as it lays out, read on a real document;
    changes nothing."""
    page = document.pages[0]
    texts = page_text_boxes.__wrapped__(page)
    folios = margin_text_boxes.__wrapped__(page, "@bottom-center")
    if not texts or not folios:
        return "found no text box, or none in the @bottom-center margin box"
    paragraph, folio = texts[0], folios[0]
    area, extents = page_content_extents.__wrapped__(page)
    if not extents or not all(isinstance(v, (int, float)) for v in (*area, *extents[0])):
        return "found no line box with a position and size in the page area"
    if not isinstance(page_top.__wrapped__(page), (int, float)) or not isinstance(
            page.anchors, dict):
        return "a page has no content box top, or no anchors"
    if box_element(paragraph) is None or box_tag(paragraph) is None:
        return "a paragraph's text box has no element or element_tag"
    if not box_text(paragraph) or not box_text(folio):
        return "a text box has no text"
    if not isinstance(letter_spacing.__wrapped__(paragraph), float):
        return "a text box's letter-spacing is not a length"
    if abs(text_width.__wrapped__(paragraph, box_text(paragraph)) - box_width(paragraph)) > 1:
        return "the width measured for a box's own text is not the box's width"
    if not isinstance(paragraph.position_x, (int, float)):
        return "a text box has no position_x"
    if paragraph.pango_layout.text != box_text(paragraph):
        return "a text box's pango_layout.text is not its text"
    return None


def _stories_end_shape() -> str | None:
    page = _tiny().pages[0]
    end = stories_end.__wrapped__(page)
    if not isinstance(end, (int, float)) or end <= page_top.__wrapped__(page):
        return "found no article box with a position and height on the page"
    return None


SHEET = ".body { columns: 2 } p { margin: 0 }"


def _columns_shape() -> str | None:
    """A section's last story levelled (balance.py): its body's columns filled in turn to
    a height, and its "See also" set across them, on a real layout."""
    from weasyprint import CSS, HTML

    seen = []

    def end(article, laid_out, again):
        columns = story_columns.__wrapped__(article)
        top, line = column_lines(laid_out)
        for height, span in ((150.0, False), (None, True)):
            fill_columns.__wrapped__(columns, height, span)
            box, goes_on = again()
            seen.append((columns["see_also"] is not None and line, column_ends(box), top,
                         goes_on))
        fill_columns.__wrapped__(columns, None)
        return False

    module_name, name = _TARGETS["block_layout"]
    saved = getattr(_module(module_name), name), _WRAPPERS.get("block_layout")
    try:  # the probe's wrapper only for this layout: the build's own is put back
        wrap_story_layout(lambda article, again: None, end)
        HTML(string='<article class="story section-last"><div class="body">'
             + "<p>Words of news.</p>" * 9 + '<aside class="see-also">See also</aside>'
             "</div></article>").render(stylesheets=[CSS(string=SHEET)])
    finally:
        setattr(_module(module_name), name, saved[0])
        if saved[1] is None:
            _WRAPPERS.pop("block_layout", None)
        else:
            _WRAPPERS["block_layout"] = saved[1]
    if len(seen) != 2 or not seen[0][0]:
        return "found no body, See also or line boxes in a section's last story"
    (line, filled, top, goes_on), (_, spanned, _, span_goes_on) = seen
    if goes_on or len(filled) != 2 or not top + 150 - line < filled[0] <= top + 150.5:
        return "a body's column_fill and height were ignored"
    if span_goes_on or len(spanned) != 2:
        return "a See also across the columns (column_span) did not lay out under them"
    return None


def problems(document=None) -> list[str]:
    """Every hook whose WeasyPrint target is missing or changed shape (hooks.check)."""
    found: list[str] = []
    hooks = ("page_text_boxes, margin_text_boxes, page_content_extents, page_top, box_element, "
             "box_tag, box_text, box_width, text_width, set_box_text")
    _probe(found, "page_text_boxes, margin_text_boxes, box_*", _boxes_shape)
    _probe(found, "text_width, set_box_text", _line_break_shape)
    _probe(found, "wrap_draw_text", _draw_text_shape)
    _probe(found, "wrap_box_tree", _box_tree_shape)
    _probe(found, "wrap_story_layout, story_photo, arrange_photo", _story_layout_shape)
    _probe(found, "stories_end", _stories_end_shape)
    _probe(found, "story_columns, fill_columns, column_lines", _columns_shape)
    if not found:
        _probe(found, hooks, lambda: _laid_out_shape(
            document if document is not None else _tiny()))
    return found


def _tiny():
    from weasyprint import CSS, HTML

    page = CSS(string="@page { size: A7; @bottom-center { content: counter(page) } }")
    return HTML(string="<article><p>Edition</p></article>").render(stylesheets=[page])
