"""What compiler/pdf/tagging.py, tounicode.py and actual_text.py promise, read back from
the sample edition's PDF with pikepdf, pdftotext and pdffonts (docs/accessibility.md).

The validators themselves (page-validation, outloud) run in
tests/end_to_end/test_accessibility.py, on the sample and on a Khmer-only edition.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from pathlib import Path

import pikepdf
import pytest

from compiler.pdf import tounicode
from support import pdftotext

KHMER = re.compile("[\u1780-\u17ff]")


@pytest.fixture(scope="module")
def sample_pdf(sample_build) -> Path:
    out, _ = sample_build
    return next(out.glob("*.pdf"))


@pytest.fixture(scope="module")
def pdf(sample_pdf):
    with pikepdf.open(sample_pdf) as opened:
        yield opened


def _kids(node) -> list:
    kids = node.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _elements(pdf) -> dict[tuple[int, int], tuple[pikepdf.Dictionary, pikepdf.Object]]:
    """Every structure element reachable from the root -> (element, parent)."""
    found = {}
    stack = [(kid, pdf.Root.StructTreeRoot) for kid in _kids(pdf.Root.StructTreeRoot)]
    while stack:
        node, parent = stack.pop()
        if isinstance(node, pikepdf.Dictionary) and "/S" in node and node.objgen not in found:
            found[node.objgen] = (node, parent)
            stack.extend((kid, node) for kid in _kids(node))
    return found


def _parent_tree(pdf) -> dict[int, pikepdf.Object]:
    nums = pdf.Root.StructTreeRoot.ParentTree.Nums
    return {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}


def _links(pdf):
    for number, page in enumerate(pdf.pages, start=1):
        for annot in page.obj.get("/Annots", []):
            if annot.get("/Subtype") == "/Link":
                yield number, page, annot


# Links. ------------------------------------------------------------------------------

def test_every_link_annotation_sits_under_a_link_element_that_holds_it(pdf):
    elements, values = _elements(pdf), _parent_tree(pdf)
    problems, count = [], 0
    for number, page, annot in _links(pdf):
        count += 1
        element = values.get(int(annot.get("/StructParent", -1)))
        if not isinstance(element, pikepdf.Dictionary) or element.get("/S") != "/Link":
            problems.append(f"page {number}: StructParent is not a /Link element")
            continue
        if element.objgen not in elements:
            problems.append(f"page {number}: its /Link element is outside the structure tree")
        objrs = [kid for kid in _kids(element) if isinstance(kid, pikepdf.Dictionary)
                 and kid.get("/Type") == "/OBJR" and kid.Obj.objgen == annot.objgen]
        if len(objrs) != 1 or objrs[0].Pg.objgen != page.obj.objgen:
            problems.append(f"page {number}: its /Link element has no /OBJR to it on its page")
    assert count > 50, "the sample's contents and cover index alone have more links"
    assert not problems, "\n".join(problems[:20])


def test_one_annotation_per_link_not_one_per_box_inside_it(pdf):
    """WeasyPrint gave each box inside an <a> its own annotation: 288 on the sample,
    three tab stops for one contents entry."""
    per_element = defaultdict(list)
    values = _parent_tree(pdf)
    for number, _, annot in _links(pdf):
        per_element[values[int(annot.StructParent)].objgen].append(number)
    links = sum(1 for _ in _links(pdf))
    assert links < 200, f"{links} link annotations: the nested boxes' are back"
    assert all(len(set(pages)) == len(pages) for pages in per_element.values()), \
        "a Link element holds two annotations on one page"


def test_links_say_where_they_go(pdf):
    titles = set()
    with pdf.open_outline() as outline:
        stack = list(outline.root)
        while stack:
            item = stack.pop()
            titles.add(item.title)
            stack.extend(item.children)
    problems = []
    for number, _, annot in _links(pdf):
        contents = str(annot.get("/Contents", ""))
        if "/Dest" in annot and contents not in titles:
            problems.append(f"page {number}: internal link described as {contents!r}")
        if "/A" in annot and contents != str(annot.A.URI):
            problems.append(f"page {number}: web link described as {contents!r}")
        if int(annot.get("/F", 0)) & 4 != 4:
            problems.append(f"page {number}: link annotation not printable (/F)")
    assert not problems, "\n".join(problems[:20])


# Running heads and folios. -----------------------------------------------------------

def test_running_heads_and_folios_are_pagination_artifacts(pdf, sample_pdf):
    """No marked content on a page belongs to an element outside the structure tree,
    and the running head's words are drawn inside /Artifact /Pagination on every page
    but the cover."""
    elements, values = _elements(pdf), _parent_tree(pdf)
    problems = []
    for number, page in enumerate(pdf.pages, start=1):
        data = page.obj.Contents.read_bytes()
        mapped = values.get(int(page.obj.get("/StructParents", -1)), [])
        for mcid in map(int, re.findall(rb"/MCID (\d+)", data)):
            element = mapped[mcid] if mcid < len(mapped) else None
            if not isinstance(element, pikepdf.Dictionary) or element.objgen not in elements:
                problems.append(f"page {number}: MCID {mcid} is not in the structure tree")
        if number > 1 and data.count(b"/Artifact <</Type /Pagination>> BDC") < 2:
            problems.append(f"page {number}: no running head and folio as artifacts")
    assert not problems, "\n".join(problems[:20])
    page_three = pdftotext(sample_pdf, "-f", "3", "-l", "3")
    assert "THE PHNOM PENH DAILY" in page_three, "the running head is still printed"


# Tables. -----------------------------------------------------------------------------

def test_table_header_cells_have_a_scope(pdf):
    headers = []
    for element, _ in _elements(pdf).values():
        if element.S != "/TH":
            continue
        found = element.get("/A")
        attributes = list(found) if isinstance(found, pikepdf.Array) else [found]
        scopes = [str(a.get("/Scope")) for a in attributes
                  if isinstance(a, pikepdf.Dictionary) and a.get("/O") == "/Table"]
        headers.append(scopes[0] if scopes else None)
    assert headers, "the sample has a table with a header row"
    assert set(headers) <= {"/Column", "/Row", "/Both"}, headers
    assert "/Column" in headers, "a Markdown table's header row is column headers"


# Empty elements. ---------------------------------------------------------------------

def test_no_empty_span_nonstruct_or_div(pdf):
    empty = [str(element.S) for element, _ in _elements(pdf).values()
             if element.S in ("/Span", "/NonStruct", "/Div") and not _kids(element)
             and "/Alt" not in element and "/ActualText" not in element]
    assert not empty, f"{len(empty)} empty elements: {sorted(set(empty))}"


# Fonts. ------------------------------------------------------------------------------

def _fonts(pdf):
    seen = {}
    for page in pdf.pages:
        for _, font in page.obj.Resources.get("/Font", {}).items():
            seen.setdefault(font.objgen, font)
    return list(seen.values())


def _program(font):
    descendant = font.DescendantFonts[0] if font.get("/Subtype") == "/Type0" else font
    descriptor = descendant.FontDescriptor
    return next(descriptor[k] for k in ("/FontFile2", "/FontFile3", "/FontFile")
                if k in descriptor), descendant, descriptor


def test_subset_tags_are_unique_per_font_program(pdf):
    programs_by_tag = defaultdict(set)
    for font in _fonts(pdf):
        program, descendant, descriptor = _program(font)
        name = str(font.BaseFont)
        assert re.fullmatch(r"/[A-Z]{6}\+[\w-]+", name), name
        assert str(descendant.BaseFont) == name == str(descriptor.FontName)
        programs_by_tag[name[1:7]].add(hashlib.sha256(program.read_bytes()).hexdigest())
    shared = {tag: len(p) for tag, p in programs_by_tag.items() if len(p) > 1}
    assert len(programs_by_tag) > 10, "the parts' subsets of each face are told apart"
    assert not shared, f"subset tags naming several font programs: {shared}"


def test_no_glyph_maps_to_nothing_and_khmer_glyphs_map_to_what_they_draw(pdf):
    empty, khmer_entries = [], []
    for font in _fonts(pdf):
        cmap = font.ToUnicode.read_bytes()
        empty += [f"{font.BaseFont} <{gid.decode()}>"
                  for gid in re.findall(rb"<([0-9a-f]{4})> <>", cmap)]
        if "Khmer" in str(font.BaseFont):
            khmer_entries += [bytes.fromhex(text.decode()).decode("utf-16-be")
                              for text in re.findall(rb"<[0-9a-f]{4}> <([0-9a-f]+)>", cmap)]
    assert not empty, f"{len(empty)} empty ToUnicode entries: {empty[:10]}"
    assert any(text.startswith("\u17d2") for text in khmer_entries), \
        "a subscript (COENG) glyph maps to COENG and its consonant"
    too_long = [t for t in khmer_entries if KHMER.search(t) and len(t) > 3]
    assert not too_long, f"Khmer glyphs mapped to whole clusters: {too_long[:10]}"


def test_remap_fills_empty_and_khmer_entries_only():
    cmap = (b"3 beginbfchar\n<0001> <>\n<0002> <17801782>\n<0003> <0041>\nendbfchar\n")
    texts = {1: "\u17c1", 2: "\u1780", 3: "B"}
    out = tounicode.remap(cmap, texts)
    assert b"<0001> <17c1>" in out and b"<0002> <1780>" in out
    assert b"<0003> <0041>" in out, "Latin entries keep WeasyPrint's mapping"
    latin = b"1 beginbfchar\n<0003> <0041>\nendbfchar\n"
    assert tounicode.remap(latin, lambda: pytest.fail("no font read")) == latin


def test_bundled_khmer_faces_name_their_subscripts():
    files = tounicode.face_files()
    assert {"Edition-Serif-Khmer", "Edition-Sans-Khmer-Bold"} <= set(files)
    texts = tounicode.glyph_texts(files["Edition-Serif-Khmer"])
    subscripts = [t for t in texts.values() if t.startswith("\u17d2") and len(t) == 2]
    assert len(subscripts) >= 30, "every consonant has a subscript glyph named uni17D2XXXX"


# Letter-spaced text. -----------------------------------------------------------------

def test_letter_spaced_date_extracts_as_words(sample_pdf):
    cover = pdftotext(sample_pdf, "-f", "1", "-l", "1")
    assert "WEDNESDAY 25 NOVEMBER 2026" in cover, cover[:300]
    assert "W E D" not in cover


def test_letter_spacing_hook_reads_the_box_style():
    from weasyprint import HTML

    from compiler.pdf import hooks

    document = HTML(string='<p style="letter-spacing: 2px">Spaced</p><p>Plain</p>').render()
    spacing = {hooks.box_text(box): hooks.letter_spacing(box)
               for box in hooks.page_text_boxes(document.pages[0])}
    assert spacing == {"Spaced": 2, "Plain": 0}


def test_letter_spaced_capitals_are_drawn_inside_actual_text(tmp_path):
    from weasyprint import HTML

    from compiler.pdf import actual_text, hooks
    from compiler.text.fonts import isolate_fontconfig

    isolate_fontconfig()
    html = ('<p style="letter-spacing: 0.3em; text-transform: uppercase; font-size: 20pt">'
            'Wednesday</p><p>plain words</p>')
    try:
        assert actual_text.install()
        data = HTML(string=html).render().write_pdf()
    finally:
        hooks.restore()
    pdf = tmp_path / "spaced.pdf"
    pdf.write_bytes(data)
    with pikepdf.open(pdf) as written:
        assert b"/ActualText" in written.pages[0].Contents.read_bytes()
    text = pdftotext(pdf)
    assert "WEDNESDAY" in text and "plain words" in text, text


# The link fix on a hand-made tree: the cases the sample does not have. ------------------

def _tiny_tagged_pdf():
    """One page: a Link element whose <span> has an annotation on another line, and a
    paragraph whose <span> has an annotation with no <a> above it."""
    from pikepdf import Array, Dictionary, Name

    pdf = pikepdf.new()
    pdf.add_blank_page()
    page = pdf.pages[0].obj

    def annot(rect, dest):
        return pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name.Link,
                                            Rect=Array(rect), Dest=pikepdf.String(dest)))

    def element(kind, parent, kids=()):
        made = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name(kind), P=parent,
                                            K=Array(list(kids))))
        if parent is not None:
            parent.K.append(made)
        return made

    def objr(target):
        return pdf.make_indirect(Dictionary(Type=Name.OBJR, Obj=target, Pg=page))

    own, far, stray, block = (annot([10, 10, 90, 20], "a"), annot([10, 40, 50, 50], "a"),
                              annot([10, 70, 50, 80], "b"), annot([10, 90, 50, 99], "b"))
    root = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot, K=Array()))
    document = element("/Document", root)
    root.K.append(document)
    link = element("/Link", document, [objr(own)])
    far_span = element("/Span", link, [objr(far)])
    paragraph = element("/P", document)
    stray_span = element("/Span", paragraph, [objr(stray)])
    heading = element("/H1", document, [objr(block)])
    nums = []
    for key, (target, holder) in enumerate([(own, link), (far, far_span),
                                            (stray, stray_span), (block, heading)]):
        target.StructParent = key
        nums += [key, holder]
    root.ParentTree = pdf.make_indirect(Dictionary(Nums=Array(nums)))
    page.Annots = Array([own, far, stray, block])
    pdf.Root.StructTreeRoot = root
    return pdf, (own, far, stray, block), (link, paragraph, heading)


def test_annotations_off_their_links_line_or_outside_any_link_get_a_link_element():
    from compiler.pdf import tagging

    pdf, (own, far, stray, block), (link, paragraph, heading) = _tiny_tagged_pdf()
    tagging.finish(pdf, {"a": "A headline", "b": "A section"})
    values = _parent_tree(pdf)
    assert values[1].objgen == link.objgen, "the far annotation's parent is the Link"
    assert [k.Obj.objgen for k in _kids(link) if isinstance(k, pikepdf.Dictionary)
            and k.get("/Type") == "/OBJR"] == [own.objgen, far.objgen]
    assert values[2].S == "/Link" and values[2].P.objgen == paragraph.objgen, \
        "an inline box holding a link with no <a> above is the Link"
    assert values[3].S == "/Link" and values[3].P.objgen == heading.objgen, \
        "a block holding a link gets a Link element inside it"
    assert str(far.Contents) == "A headline" and str(stray.Contents) == "A section"
    assert not any(e.S == "/Span" for e, _ in _elements(pdf).values()), \
        "the span the far annotation left is empty, so gone"
    assert len(pdf.pages[0].Annots) == 4
