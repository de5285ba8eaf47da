"""Every use of WeasyPrint's internals, in one module, for the versions we test.

WeasyPrint promises only what its API reference documents; of the rest it says "we
reserve the right to change it or remove it at any point ... or have dependency to a
specific WeasyPrint version". Three things the edition needs are not in that API:

- page numbers written into a part after layout (``slots``): the laid-out boxes of a
  page, the width of a text in a box's style, and a box's text replaced;
- /ActualText spans around Khmer and letter-spaced text (``actual_text``): WeasyPrint's
  ``draw_text``, and the letter-spacing a text box is set with;
- a /Lang per structure element (``lang``): the tagger's ``_build_box_tree``.

(A fourth, the part's URL fetcher kept on WeasyPrint's Document for writing, now sits
beside the document in ``typeset``: no attribute of ours is added to WeasyPrint's objects.)

The hooks below are the only way into them; the modules above hold the logic (what to
do) and treat WeasyPrint's boxes and streams as handles they pass back here. No other
module may import from WeasyPrint anything outside ``PUBLIC``, nor touch one of
WeasyPrint's private names (tests/pdf/test_hooks.py reads the source to hold this).

``TESTED`` is the range of WeasyPrint versions the smoke tests have passed on, and the
bound in pyproject.toml; each WeasyPrint major release changes internals, so a new one
is admitted only after ``check()`` and tests/pdf/test_hooks.py pass on it. When
WeasyPrint changes under a hook, the hook (or ``check()``) raises ``HookError`` naming
the hook, the version found and the range tested.
"""

from __future__ import annotations

import functools
import inspect
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
may import: module -> names. Methods and attributes documented on these classes
(``HTML.render``, ``Document.pages``, ``Document.write_pdf``, ``Page.anchors``,
``Page.width``, ...) are public too."""

INTERNAL_NAMES = frozenset({
    "_page_box", "descendants", "at_keyword", "element_tag", "position_x", "pango_layout",
    "draw_text", "_build_box_tree", "line_size",
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


@_hook("story_boxes")
def story_boxes(page) -> tuple[float, list[dict]]:
    """The text block's foot, and each story (``article``) on the page, in CSS px: ``top``,
    ``bottom``, ``body`` (columns' top), ``photo`` (top, foot, picture height of a photo leading
    column 1), ``line`` (a line's height), ``blocks`` (body block -> its height here)."""
    boxes, found = _boxes(), []
    for article in (b for b in page._page_box.descendants() if box_tag(b) == "article"):
        found.append(story := {"anchor": article.element.get("id"), "top": article.position_y,
                               "bottom": article.position_y + article.margin_height(),
                               "body": None, "photo": None, "line": 0.0, "blocks": {}})
        body = next((b for b in article.children if "body" in _classes(b)), None)
        if body is None:
            continue
        story["body"] = body.position_y
        index = {id(element): i for i, element in enumerate(
            c for c in body.element if isinstance(c.tag, str)
            and not {"photo", "see-also"} & set(c.get("class", "").split()))}
        for n, column in enumerate(c for c in body.children if c.is_column):
            for block in column.children:
                if n == 0 and block is column.children[0] and "photo" in _classes(block):
                    image = next(b for b in block.descendants() if isinstance(b, boxes.ReplacedBox))
                    story["photo"] = (block.position_y, block.position_y + block.margin_height(),
                                      image.height)
                elif id(block.element) in index:
                    i = index[id(block.element)]
                    story["blocks"][i] = story["blocks"].get(i, 0.0) + block.margin_height()
                    story["line"] = story["line"] or next((b.height for b in block.descendants()
                                                           if isinstance(b, boxes.LineBox)), 0.0)
    return page._page_box.content_box_y() + page._page_box.height, found


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
            "box_tree": ("weasyprint.pdf.tags", "_build_box_tree")}


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
    *args, **kwargs)``: ``stream`` is a ``pydyf.Stream`` (marked content may be opened on
    it), ``textbox`` a handle for ``box_text``. False when WeasyPrint has no such function
    (the build goes on without the wrapper; ``check()`` and the tests fail)."""
    return _wrap("draw_text", wrapper)


def wrap_box_tree(wrapper) -> bool:
    """The tagger's recursive generator of structure elements goes through
    ``wrapper(original, box, parent, *args, **kwargs)``, which yields what the original
    yields (``pydyf.Dictionary`` structure elements, children before parents). False when
    WeasyPrint has no such function."""
    return _wrap("box_tree", wrapper)


def restore() -> None:
    """Put WeasyPrint's own functions back (for tests)."""
    for target, original in _ORIGINALS.items():
        if original is not None:
            module_name, name = _TARGETS[target]
            setattr(_module(module_name), name, original)


# The check. ---------------------------------------------------------------------------

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


def check(document=None) -> None:
    """Raise one HookError listing every hook whose WeasyPrint target is missing or
    changed shape. Reads the laid-out boxes of ``document`` (its first page must have a
    paragraph and a ``@bottom-center`` folio), or lays out a tiny one."""
    problems: list[str] = []
    hooks = ("page_text_boxes, margin_text_boxes, page_content_extents, page_top, box_element, "
             "box_tag, box_text, box_width, text_width, set_box_text")
    _probe(problems, "page_text_boxes, margin_text_boxes, box_*", _boxes_shape)
    _probe(problems, "text_width, set_box_text", _line_break_shape)
    _probe(problems, "wrap_draw_text", _draw_text_shape)
    _probe(problems, "wrap_box_tree", _box_tree_shape)
    if not problems:
        _probe(problems, hooks, lambda: _laid_out_shape(
            document if document is not None else _tiny()))
    if problems:
        raise _error(problems)


def _tiny():
    from weasyprint import CSS, HTML

    page = CSS(string="@page { size: A7; @bottom-center { content: counter(page) } }")
    return HTML(string="<p>Edition</p>").render(stylesheets=[page])
