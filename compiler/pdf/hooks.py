"""Every use of WeasyPrint's internals, in one module, for the versions we test.

WeasyPrint promises only what its API reference documents; of the rest it says "we
reserve the right to change it or remove it at any point ... or have dependency to a
specific WeasyPrint version". Four things the edition needs are not in that API:

- page numbers written into a part after layout (``slots``): the laid-out boxes of a
  page, the width of a text in a box's style, and a box's text replaced;
- /ActualText spans around Khmer and letter-spaced text (``actual_text``): WeasyPrint's
  ``draw_text``, and the letter-spacing a text box is set with;
- a /Lang per structure element (``lang``): the tagger's ``_build_box_tree``;
- a story's photo fitted to what is left of a page (``fit``), and a section's end
  balanced (``balance``): ``block_level_layout``, the boxes of a story's body, a
  picture's max-height, the body's column fill.

The hooks below (and their check, in ``hook_checks``) are the only way into them; the
modules above hold the logic (what to do) and treat WeasyPrint's boxes and streams as
handles they pass back here. No other module may import from WeasyPrint anything
outside ``PUBLIC``, nor touch one of WeasyPrint's private names (tests/pdf/test_hooks.py
reads the source to hold this).

``TESTED`` is the range of WeasyPrint versions the smoke tests have passed on (and the
bound in pyproject.toml): a new major release is admitted only once ``check()`` and
tests/pdf/test_hooks.py pass on it. When WeasyPrint changes under a hook, the hook (or
``check()``) raises ``HookError`` naming the hook, the version found and the range.
"""

from __future__ import annotations

import functools
from importlib.metadata import version

TESTED = ">=68,<71"
"""WeasyPrint versions the hooks are tested with: pyproject.toml says the same."""

PUBLIC: dict[str, frozenset[str]] = {
    "weasyprint": frozenset({"HTML", "CSS", "Attachment", "Document", "DocumentMetadata",
                             "Page"}),
    "weasyprint.document": frozenset({"Document", "DocumentMetadata", "Page"}),
    "weasyprint.text.fonts": frozenset({"FontConfiguration"}),
    "weasyprint.urls": frozenset({"URLFetcher", "URLFetcherResponse"}),
}
"""WeasyPrint's documented API (its API reference and "URL Fetchers"), which any module
may import, with the methods and attributes documented on it (``Page.anchors``, ...)."""

INTERNAL_NAMES = frozenset({
    "_page_box", "descendants", "at_keyword", "element_tag", "position_x", "pango_layout",
    "draw_text", "_build_box_tree", "line_size", "block_level_layout", "replacement",
    "get_intrinsic_size", "is_column", "excluded_shapes",
})
"""Attributes of WeasyPrint's internals that the hooks reach: no other module names them."""


class HookError(RuntimeError):
    """WeasyPrint changed under a hook."""


def found() -> str:
    """The installed WeasyPrint's version."""
    return version("weasyprint")


def in_tested_range(text: str) -> bool:
    low, high = (int(part.lstrip(">=<")) for part in TESTED.split(","))
    return low <= int(text.split(".")[0]) < high


def _error(problems: list[str]) -> HookError:
    listed = "\n".join(f"  - {problem}" for problem in problems)
    return HookError(
        f"WeasyPrint {found()} changed under the edition's hooks into its internals "
        f"(compiler/pdf/hooks.py, tested with weasyprint{TESTED}):\n{listed}\n"
        f"Install a WeasyPrint in the tested range, or update the hooks and their tests.")


def _hook(name: str):
    """Turns a missing WeasyPrint name inside the hook into a HookError naming it."""
    def decorate(function):
        @functools.wraps(function)
        def hooked(*args, **kwargs):
            try:
                return function(*args, **kwargs)
            except (AttributeError, ImportError, KeyError) as exc:
                raise _error([f"{name}: {exc}"]) from exc
        return hooked
    return decorate


@functools.cache
def _boxes():
    from weasyprint.formatting_structure import boxes

    return boxes


# Laid-out pages and boxes (slots). ---------------------------------------------------

@_hook("page_text_boxes")
def page_text_boxes(page) -> list:
    """Every laid-out text box on a page, its margins included, in tree order."""
    text_box = _boxes().TextBox
    return [box for box in page._page_box.descendants() if isinstance(box, text_box)]


@_hook("margin_text_boxes")
def margin_text_boxes(page, at_keyword: str) -> list:
    """The text boxes of a page's margin box (``@bottom-center``, ...): margin boxes are
    children of the page box."""
    boxes = _boxes()
    return [text for margin in page._page_box.children
            if isinstance(margin, boxes.MarginBox) and margin.at_keyword == at_keyword
            for text in margin.descendants() if isinstance(text, boxes.TextBox)]


@_hook("page_content_extents")
def page_content_extents(page) -> tuple[tuple[float, float, float, float], list]:
    """The page area (x, y, width, height) and, for each line and picture laid out in
    it (margin boxes left out), (left, right, bottom); in CSS px from the top-left.
    How full a page is (pdf/fill.py) is read off these."""
    boxes = _boxes()
    page_box = page._page_box
    area = (page_box.content_box_x(), page_box.content_box_y(), page_box.width,
            page_box.height)
    extents = []
    for child in page_box.children:
        if isinstance(child, boxes.MarginBox):
            continue
        for box in child.descendants():
            if isinstance(box, boxes.LineBox | boxes.ReplacedBox):
                extents.append((box.position_x, box.position_x + box.margin_width(),
                                box.position_y + box.margin_height()))
    return area, extents


@_hook("page_top")
def page_top(page) -> float:
    """Where the page's text block begins, in CSS px from the top: a story whose box
    starts there begins the page (typeset.split_pages)."""
    return page._page_box.content_box_y()


@_hook("stories_end")
def stories_end(page) -> float | None:
    """Where a story would begin below the last one ending on ``page`` (CSS px from the
    top, its bottom margin included), or None: a correction that leaves more room than
    the day's last build did may let the next story start there (printer.py)."""
    page_box = page._page_box
    ends = [box.position_y + box.margin_height() for child in page_box.children
            for box in child.descendants() if getattr(box, "element_tag", "") == "article"]
    return max(ends, default=None)


@_hook("story_photo")
def story_photo(article):
    """The photo leading an ``article``'s columns, as a handle for the hooks below, or
    None: with ``blocks``, the body's children after it (``text`` of them the story's
    own, before "See also"), and ``height``, its picture's height (CSS px) as print.css
    sets it in its column, before any cap."""
    body = next((b for b in article.children if "body" in _classes(b)), None)
    if body is None or not body.children or "photo" not in _classes(body.children[0]):
        return None
    image = next((b for b in body.children[0].descendants()
                  if isinstance(b, _boxes().ReplacedBox)), None)
    if image is None or not isinstance(article.width, int | float):
        return None
    width, height, _ = image.replacement.get_intrinsic_size(1, 16)
    count, gap = body.style["column_count"], body.style["column_gap"]
    count = count if isinstance(count, int) else 1
    gap = float(gap.value) if getattr(gap, "unit", None) == "px" else 0.0
    column = (article.width - (count - 1) * gap) / count
    limit = image.style["max_height"]
    limit = float(limit.value) if getattr(limit, "unit", None) == "px" else float("inf")
    natural = min(limit, column * height / width) if width and height else limit
    blocks = list(body.children[1:])
    return {"body": body, "photo": body.children[0], "blocks": blocks, "height": natural,
            "text": sum(1 for b in blocks if "see-also" not in _classes(b))}


@_hook("arrange_photo")
def arrange_photo(photo, after: int, height: float | None) -> None:
    """Set the photo after the first ``after`` blocks of its story's body (0: first), at
    most ``height`` CSS px tall (None: as its style says); set after text, it is spaced
    from it above as from the text below. Each arrangement is made of fresh copies of the
    body's boxes: a layout that failed leaves marks on the boxes it tried, and the next
    try must not see them."""
    from weasyprint.css.properties import Dimension

    blocks = [block.deepcopy() for block in photo["blocks"]]
    figure = photo["photo"].deepcopy()
    if after:
        figure.style = figure.style.copy()
        figure.style["margin_top"] = figure.style["margin_bottom"]
    image = next(b for b in figure.descendants() if isinstance(b, _boxes().ReplacedBox))
    if height is not None:
        image.style = image.style.copy()
        image.style["max_height"] = Dimension(height, "px")
    photo["body"].children = [*blocks[:after], figure, *blocks[after:]]


def holds(laid_out, photo) -> bool:
    """Whether a laid-out box has the photo in it (on this page)."""
    element = photo["photo"].element
    return any(getattr(box, "element", None) is element for box in laid_out.descendants())


def column_ends(laid_out) -> list[float]:
    """Where each column of a laid-out article's body ends on this page (CSS px)."""
    body = next((b for b in laid_out.children if "body" in _classes(b)), None)
    return [max((b.position_y + b.margin_height() for b in column.children),
                default=column.position_y)
            for column in (body.children if body is not None else ())
            if getattr(column, "is_column", False)]


@_hook("story_columns")
def story_columns(article):
    """An ``article``'s body, as a handle for ``fill_columns``, or None."""
    body = next((b for b in article.children if "body" in _classes(b)), None)
    see = next((b for b in body.children if "see-also" in _classes(b)), None) if body else None
    return body and {"body": body, "style": body.style, "classes": _classes(article),
                     "see_also": see and (see, see.style)}


@_hook("fill_columns")
def fill_columns(columns, height: float | None, span: bool = False) -> None:
    """Fill the body's columns in turn to ``height`` CSS px, or (None) as print.css says;
    with ``span``, its "See also" set across both columns under them."""
    from weasyprint.css.properties import Dimension

    style = columns["style"]
    if height is not None:
        style = style.copy()
        style["height"], style["column_fill"] = Dimension(height, "px"), "auto"
    columns["body"].style = style
    if columns["see_also"]:
        box, original = columns["see_also"]
        box.style = original.copy() if span else original
        box.style["column_span"] = "all" if span else original["column_span"]


def column_lines(laid_out) -> tuple[float, float]:
    """Where a laid-out article's body begins on this page, and its commonest line height."""
    body = next(b for b in laid_out.children if "body" in _classes(b))
    heights = [round(b.height, 2) for b in body.descendants()
               if isinstance(b, _boxes().LineBox)]
    return body.content_box_y(), max(heights, key=heights.count, default=0.0)


def _classes(box) -> set[str]:
    element = box_element(box)
    return set((element.get("class") or "").split()) if element is not None else set()


def box_element(box):
    """The HTML element a box was made for (ElementTree API), or None."""
    return getattr(box, "element", None)


def box_tag(box) -> str | None:
    """The tag of a box's element (``p``, ``html``), or None."""
    return getattr(box, "element_tag", None)


def box_text(box) -> str:
    """A text box's text, as laid out (other boxes have none)."""
    return getattr(box, "text", "")


@_hook("letter_spacing")
def letter_spacing(box) -> float:
    """The letter-spacing a text box is set with, in CSS px (0 for ``normal``)."""
    spacing = box.style["letter_spacing"]
    return 0.0 if spacing == "normal" else float(spacing)


@_hook("box_width")
def box_width(box) -> float:
    return box.width


@_hook("text_width")
def text_width(box, text: str) -> float:
    """The width ``text`` takes on one line in a text box's style."""
    from weasyprint.text.line_break import Layout, line_size

    layout = Layout(box.style)
    layout.set_text(text)
    line, _ = layout.get_first_line()
    return line_size(line, box.style)[0]


@_hook("set_box_text")
def set_box_text(box, text: str, width: float, shift: float) -> None:
    """Give a laid-out text box another text, ``width`` wide, moved ``shift`` right."""
    box.position_x += shift
    box.width = width
    box.text = text
    box.pango_layout.text = text  # WeasyPrint shapes this text again when drawing


# Wrapped functions (actual_text, lang). -----------------------------------------------

_ORIGINALS: dict[str, object] = {}
_WRAPPERS: dict[str, object] = {}
_TARGETS = {"draw_text": ("weasyprint.draw", "draw_text"),
            "box_tree": ("weasyprint.pdf.tags", "_build_box_tree"),
            "block_layout": ("weasyprint.layout.block", "block_level_layout")}


def _module(dotted: str):
    import importlib

    return importlib.import_module(dotted)


def _wrap(target: str, wrapper) -> bool:
    """Install ``wrapper(original, *args, **kwargs)`` in place of a WeasyPrint function;
    calling it again (each part does) wraps the original once, never a wrapper."""
    module_name, name = _TARGETS[target]
    module = _module(module_name)
    if target not in _ORIGINALS:
        _ORIGINALS[target] = getattr(module, name, None)
    original = _ORIGINALS[target]
    if original is None:
        return False
    if _WRAPPERS.get(target, (None,))[0] is not wrapper:
        @functools.wraps(original)
        def wrapped(*args, **kwargs):
            return wrapper(original, *args, **kwargs)
        _WRAPPERS[target] = (wrapper, wrapped)
    setattr(module, name, _WRAPPERS[target][1])
    return True


def wrap_draw_text(wrapper) -> bool:
    """Every text box WeasyPrint draws goes through ``wrapper(original, stream, textbox,
    *args, **kwargs)``: ``stream`` a ``pydyf.Stream``, ``textbox`` a handle for
    ``box_text``. False when WeasyPrint has no such function (``check()`` fails)."""
    return _wrap("draw_text", wrapper)


def wrap_box_tree(wrapper) -> bool:
    """The tagger's recursive generator of structure elements (``pydyf.Dictionary``,
    children first) goes through ``wrapper(original, box, parent, *args, **kwargs)``."""
    return _wrap("box_tree", wrapper)


def wrap_story_layout(fit, end) -> bool:
    """An ``article`` that WeasyPrint would move whole to the next page is first given to
    ``fit(article, again)``: ``again()`` lays it out there once more, returning the box
    or None. One that ends on this page goes to ``end(article, laid_out, again)``, whose
    ``again()`` returns the box and whether the story goes on. When either returns True
    its last layout is kept, when False the first. False if WeasyPrint has no such function."""
    def wrapper(original, context, box, bottom_space, skip_stack, containing_block,
                page_is_empty=True, *args, **kwargs):
        def again():
            # As before the first try: a layout moves the box it is given by its margins.
            vars(box).update(before)
            context.in_column, context.forced_break = state
            del context.excluded_shapes[shapes:]
            last[:] = [original(context, box, bottom_space, skip_stack, containing_block,
                                page_is_empty, *args, **kwargs)]
            return last[0][0]

        if box_tag(box) != "article":
            return original(context, box, bottom_space, skip_stack, containing_block,
                            page_is_empty, *args, **kwargs)
        last: list = []
        before = dict(vars(box))
        state, shapes = (context.in_column, context.forced_break), len(context.excluded_shapes)
        laid_out = again()
        if laid_out is None and not (skip_stack or page_is_empty):
            if fit(box, again) is False:
                again()  # as it was: fit put the story back after its trials
        elif laid_out is not None and last[0][1] is None and end(
                box, laid_out, lambda: (again(), last[0][1] is not None)) is False:
            again()
        return last[0]

    return _wrap("block_layout", wrapper)


def restore() -> None:
    """Put WeasyPrint's own functions back (for tests)."""
    for target, original in _ORIGINALS.items():
        if original is not None:
            module_name, name = _TARGETS[target]
            setattr(_module(module_name), name, original)


# The check (hook_checks.py). -------------------------------------------------------

def check(document=None) -> None:
    """Raise one HookError listing every hook whose WeasyPrint target is missing or
    changed shape. Reads the laid-out boxes of ``document`` (its first page must have a
    paragraph and a ``@bottom-center`` folio), or lays out a tiny one."""
    from compiler.pdf.hook_checks import problems

    if found_problems := problems(document):
        raise _error(found_problems)
