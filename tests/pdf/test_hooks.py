"""Smoke tests of compiler/pdf/hooks.py: each hook into WeasyPrint's internals does its
job on a real laid-out document, the installed WeasyPrint is in the range pyproject.toml
admits, and no other module reaches past WeasyPrint's public API."""

from __future__ import annotations

import ast
import io
import re
import tomllib
from pathlib import Path

import pydyf
import pytest

from compiler.pdf import hooks
from support import REPO, pdftotext
from support.storypage import story_under

HTML_TEXT = ('<p lang="en">Edition news, see page&#160;<span class="page-slot"'
             ' data-page-of="far" data-align="right">888</span></p>')
CSS_TEXT = ('@page { size: A6; @bottom-center { content: counter(page) } }'
            ' body { font-family: "Edition Sans" }')


@pytest.fixture
def document():
    """A one-page part as the printer lays it out: a page reference and a folio."""
    from compiler.text.fonts import font_face_css, isolate_fontconfig

    isolate_fontconfig()
    from weasyprint import CSS, HTML

    sheets = [CSS(string=font_face_css(lambda face: face.path.as_uri())), CSS(string=CSS_TEXT)]
    return HTML(string=HTML_TEXT).render(stylesheets=sheets)


@pytest.fixture
def restored():
    yield
    hooks.restore()


def _slot(document):
    return next(box for box in hooks.page_text_boxes(document.pages[0])
                if hooks.box_text(box) == "888")


def _pdf_text(document, tmp_path: Path, **options) -> str:
    pdf = tmp_path / "part.pdf"
    pdf.write_bytes(document.write_pdf(**options))
    return pdftotext(pdf)


def test_page_text_boxes_lists_the_text_of_the_page_and_its_margins(document):
    texts = [hooks.box_text(box) for box in hooks.page_text_boxes(document.pages[0])]
    assert "888" in texts and "1" in texts
    assert any("Edition" in text for text in texts)


def test_margin_text_boxes_finds_the_folio_only(document):
    page = document.pages[0]
    assert [hooks.box_text(box) for box in hooks.margin_text_boxes(page, "@bottom-center")] \
        == ["1"]
    assert hooks.margin_text_boxes(page, "@top-center") == []


def test_box_element_and_tag_are_the_html_the_box_was_made_for(document):
    slot = _slot(document)
    element = hooks.box_element(slot)
    assert element.get("class") == "page-slot"
    assert element.get("data-page-of") == "far"
    assert hooks.box_tag(slot) == "span"


def test_text_width_measures_in_the_box_style(document):
    slot = _slot(document)
    assert hooks.text_width(slot, "888") == pytest.approx(hooks.box_width(slot))
    assert 0 < hooks.text_width(slot, "7") < hooks.text_width(slot, "888")


def test_set_box_text_is_what_weasyprint_draws(document, tmp_path):
    slot = _slot(document)
    right = slot.position_x + hooks.box_width(slot)
    width = hooks.text_width(slot, "7")
    hooks.set_box_text(slot, "7", width, hooks.box_width(slot) - width)
    assert hooks.box_text(slot) == "7"
    assert slot.position_x + hooks.box_width(slot) == pytest.approx(right)
    text = _pdf_text(document, tmp_path)
    assert re.search(r"\b7\b", text) and "888" not in text


def test_wrap_draw_text_sees_every_text_box_and_its_stream(document, tmp_path, restored):
    seen = []

    def spy(original, stream, textbox, *args, **kwargs):
        seen.append(hooks.box_text(textbox))
        stream.begin_marked_content("Span", pydyf.Dictionary({"ActualText": pydyf.String("x")}))
        try:
            return original(stream, textbox, *args, **kwargs)
        finally:
            stream.end_marked_content()

    assert hooks.wrap_draw_text(spy)
    assert hooks.wrap_draw_text(spy), "a second install (every part's) wraps the original once"
    text = _pdf_text(document, tmp_path)
    assert "888" in seen and "1" in seen and seen.count("888") == 1
    assert "Edition" not in text and "x" in text, "readers read the span's ActualText"
    hooks.restore()
    seen.clear()
    document.write_pdf()
    assert seen == []


def test_wrap_box_tree_yields_the_structure_elements(document, restored):
    pikepdf = pytest.importorskip("pikepdf")
    tagged = []

    def mark(original, box, parent, *args, **kwargs):
        for struct in original(box, parent, *args, **kwargs):
            if hooks.box_tag(box) == "span":
                struct["Lang"] = pydyf.String("x-hook")
                tagged.append(struct)
            yield struct

    assert hooks.wrap_box_tree(mark)
    data = document.write_pdf(pdf_variant="pdf/ua-1")
    assert tagged and all(isinstance(struct, pydyf.Dictionary) for struct in tagged)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        langs = [str(obj.get("/Lang")) for obj in pdf.objects
                 if isinstance(obj, pikepdf.Dictionary) and "/Lang" in obj]
    assert "x-hook" in langs


def test_check_passes_on_the_installed_weasyprint(document):
    hooks.check()
    hooks.check(document)


def test_check_names_the_hook_the_version_and_the_tested_range(restored, monkeypatch):
    from weasyprint.pdf import tags
    from weasyprint.text import line_break

    hooks.wrap_box_tree(lambda original, *args, **kwargs: original(*args, **kwargs))
    monkeypatch.setattr(tags, "_build_box_tree", lambda box, parent: None)
    monkeypatch.setattr(line_break, "line_size", lambda width, height: None)
    with pytest.raises(hooks.HookError) as raised:
        hooks.check()
    message = str(raised.value)
    assert "wrap_box_tree: _build_box_tree is no longer a generator" in message
    assert "text_width, set_box_text: line_size(line, style)" in message
    assert f"WeasyPrint {hooks.found()} " in message and f"weasyprint{hooks.TESTED}" in message


def test_a_hook_whose_target_is_gone_says_so():
    class Page:  # what a WeasyPrint page would be without its private _page_box
        pass

    with pytest.raises(hooks.HookError, match=r"page_text_boxes: .*_page_box"):
        hooks.page_text_boxes(Page())


def test_typeset_part_leaves_weasyprint_document_as_weasyprint_made_it():
    from weasyprint import HTML

    from compiler.pdf.typeset import TypesetJob, typeset_part, write_part

    html = '<html lang="en"><title>Part</title><p>Edition</p></html>'
    document, layout = typeset_part(TypesetJob(html, (), REPO.as_uri() + "/", (REPO,), (), ()))
    fresh = HTML(string=html).render()
    assert set(vars(document)) == set(vars(fresh))
    data, problems = write_part(document)
    assert data.startswith(b"%PDF") and problems == [] and layout.pages == 1


def _pyproject_weasyprint() -> str:
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    return next(dep for dep in pyproject["project"]["dependencies"]
                if re.match(r"weasyprint\b", dep, re.IGNORECASE))


def test_installed_weasyprint_is_in_the_tested_range_pyproject_declares():
    from packaging.requirements import Requirement

    requirement = Requirement(_pyproject_weasyprint())
    assert set(str(requirement.specifier).split(",")) == set(hooks.TESTED.split(","))
    assert any(spec.operator == "<" for spec in requirement.specifier), "no upper bound"
    assert requirement.specifier.contains(hooks.found()), (
        f"WeasyPrint {hooks.found()} is installed; the hooks are tested with "
        f"weasyprint{hooks.TESTED}")
    assert hooks.in_tested_range(hooks.found())
    for outside in ("67.0", "71.0"):
        assert hooks.in_tested_range(outside) == requirement.specifier.contains(outside)


# No module but the hooks reaches past WeasyPrint's public API. ---------------------------

HOOK_MODULES = ("compiler/pdf/hooks.py", "compiler/pdf/hook_checks.py")

def _weasyprint_private_names() -> set[str]:
    """Every ``_name`` WeasyPrint's own source defines or uses as an attribute."""
    import weasyprint

    names = set()
    for path in Path(weasyprint.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            name = getattr(node, "attr", None) or getattr(node, "name", None) \
                or getattr(node, "id", None)
            if isinstance(name, str) and name.startswith("_") and not name.startswith("__") \
                    and name != "_":
                names.add(name)
    return names


def _dotted(node) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return ".".join([node.id, *reversed(parts)])
    return None


def _on_self(node: ast.Attribute) -> bool:
    return isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")


def _public(module: str, name: str) -> bool:
    return name in hooks.PUBLIC.get(module, ())


def _reaches(tree: ast.Module, private: set[str]) -> list[str]:
    found = []
    imports_weasyprint = False
    inner = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    for node in ast.walk(tree):
        where = f"line {getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "weasyprint":
            imports_weasyprint = True
            found += [f"{where}: from {node.module} import {alias.name}"
                      for alias in node.names if not _public(node.module, alias.name)]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("weasyprint."):
                    found.append(f"{where}: import {alias.name}")
                imports_weasyprint |= alias.name.split(".")[0] == "weasyprint"
        elif isinstance(node, ast.Attribute):
            dotted = _dotted(node) or ""
            module, _, name = dotted.rpartition(".")
            if dotted.startswith("weasyprint.") and id(node) not in inner \
                    and not _public(module, name):
                found.append(f"{where}: {dotted}")
            elif node.attr in hooks.INTERNAL_NAMES:
                found.append(f"{where}: .{node.attr}")
            elif node.attr in private and not _on_self(node):
                found.append(f"{where}: .{node.attr}")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and re.fullmatch(r"weasyprint\.[\w.]+", node.value) \
                and node.value not in hooks.PUBLIC:
            found.append(f"{where}: {node.value!r}")
    if imports_weasyprint:  # a subclass of a WeasyPrint class must not use its privates
        own = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)
               and isinstance(node.ctx, ast.Store)}
        own |= {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}
        found += [f"line {node.lineno}: self.{node.attr}" for node in ast.walk(tree)
                  if isinstance(node, ast.Attribute) and _on_self(node)
                  and node.attr in private and node.attr not in own]
    return found


def test_no_module_but_hooks_reaches_weasyprint_internals():
    private = _weasyprint_private_names()
    assert "_page_box" in private and "_build_box_tree" in private
    offences = {}
    for path in sorted((REPO / "compiler").rglob("*.py")):
        if path.relative_to(REPO).as_posix() in HOOK_MODULES:
            continue
        found = _reaches(ast.parse(path.read_text(encoding="utf-8")), private)
        if found:
            offences[str(path.relative_to(REPO))] = found
    assert offences == {}, (
        f"only {HOOK_MODULES} may use WeasyPrint beyond hooks.PUBLIC: {offences}")


def test_the_scan_catches_what_the_hooks_replaced():
    private = _weasyprint_private_names()
    caught = _reaches(ast.parse(
        "from weasyprint.formatting_structure import boxes\n"
        "from weasyprint import draw, HTML\n"
        "import weasyprint.pdf.tags\n"
        "page._page_box.descendants()\n"
        "box.pango_layout.text = 'x'\n"
        "tags._build_box_tree = wrapped\n"
        "weasyprint.text.line_break.Layout\n"), private)
    assert len(caught) == 8, caught  # _page_box and descendants on line 4
    assert _reaches(ast.parse(
        "from weasyprint import CSS, HTML\n"
        "from weasyprint.text.fonts import FontConfiguration\n"
        "from weasyprint.urls import URLFetcher\n"
        "document.write_pdf(); page.anchors; os._exit(1)\n"), private) == []


def test_wrap_story_layout_offers_a_story_that_jumps_and_keeps_its_fit(restored):
    """A story whose photo does not fit under what fills the page is offered to the fit
    before it moves: ``story_photo`` finds the photo and the picture's height in its
    column, ``again`` lays the story out as ``arrange_photo`` last set it, and the
    arrangement kept is the one the page shows."""
    picture = ("data:image/svg+xml,%3Csvg xmlns=%27http://www.w3.org/2000/svg%27 "
               "width=%27300%27 height=%27200%27/%3E")
    seen = []

    def fit(article, again):
        photo = hooks.story_photo(article)
        seen.append((hooks.box_element(article).get("id"), photo["height"], photo["text"],
                     len(photo["blocks"]), again()))
        hooks.arrange_photo(photo, 2, None)
        laid_out = again()
        return laid_out is not None and not hooks.holds(laid_out, photo)

    assert hooks.wrap_story_layout(fit, lambda article, laid_out, again: None)
    document = story_under(158, picture, paragraphs=4, see_also=True)
    (anchor, height, text, blocks, first), = seen
    column = (148 - 20) / 2 * 96 / 25.4  # support/storypage.py: A5, no column gap
    assert anchor == "story-a" and height == pytest.approx(column * 2 / 3, abs=1)
    assert (text, blocks, first) == (4, 5, None)  # "See also" is not the story's text
    assert "story-a" in document.pages[0].anchors  # kept: it starts under the filler
    hooks.restore()
    unfitted = story_under(158, picture, paragraphs=4, see_also=True)
    assert "story-a" in unfitted.pages[1].anchors  # without the hook it jumps
