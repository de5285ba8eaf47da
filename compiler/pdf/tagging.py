"""A part's tags put right for PDF/UA-1, in one cheap pass over its structure.

WeasyPrint tags each part well enough for its own checker but leaves six things that
PDF/UA validators (``page-validation``, ``outloud``) and screen readers trip on. Each is
fixed here with pikepdf on each part's PDF as its worker writes it (pdf/typeset.py), so
the work is shared between the workers and cached with the part, and the join only
keeps it (a few hundredths of a second per 20 pages; figures in docs/accessibility.md):

- **Running heads and folios** (CSS margin boxes) are marked content whose structure
  elements WeasyPrint keeps out of the tree (its issue #1836: PDF 1.7 has no Artifact
  element). A screen reader still met them as untagged text on every page. Their
  ``BDC`` operators become ``/Artifact <</Type /Pagination>>`` and they leave the
  parent tree (``_artifacts``).
- **Links**: WeasyPrint gives every box inside an ``<a>`` a link annotation of its own
  (a flex item, a span, an anonymous block), tagged as that box, not as a Link (its
  issue #2482, "nested tags in anchors"). An annotation on the line its Link element's
  annotation covers is dropped (one tab stop per link, not three; the Link's grows to
  cover both); any other moves under that Link element (``_links``, ``_relink``). Every link says
  where it goes in ``/Contents``: the headline or section it leads to, or its web
  address; and is printable (``/F 4``).
- **Table header cells** get ``/Scope``: Column for a row of headers, Row for a header
  beside data (``_scopes``).
- **Empty elements**: the empty ``<span>`` targets the join points cross-part links at,
  what the link fix leaves empty, and empty list items, are removed (``_prune``).
- **Subset tags** (ISO 32000-1 §9.6.4): each part subsets a face under the same tag,
  so the joined PDF had one tag for several font programs. Each program is named from a
  hash of its bytes (``_subset_tags``): the same in every part, so programs stay apart
  in the joined PDF, and the PDF stays byte-reproducible.
- **Khmer glyphs** with an empty ToUnicode entry get the text they stand for
  (``compiler.pdf.tounicode``).
"""

from __future__ import annotations

import hashlib
import re

import pikepdf
from pikepdf import Array, Dictionary, Name

from compiler.pdf import tounicode

PRUNABLE = frozenset({"/Span", "/NonStruct", "/Div", "/LI", "/LBody"})
"""Grouping elements that mean nothing without content: removed when empty. A list item
of a nested list can come out of WeasyPrint with no content (outloud LST-002)."""

PAGINATION = b"/Artifact <</Type /Pagination>> BDC"
_MARKED = re.compile(rb"^/[A-Za-z]+\s<</MCID (\d+)>>\sBDC$", re.MULTILINE)
"""A tag with an MCID as pydyf writes it: one operand or operator a line, so the text of
an /ActualText string can never be taken for one."""


class _Tree:
    """The structure tree as read once: every element in document order, its parent,
    kids and type, and the parent tree (key -> element, or -> elements by MCID)."""

    def __init__(self, pdf: pikepdf.Pdf):
        self.root = pdf.Root.StructTreeRoot
        self.order: list[Dictionary] = []
        self.parent: dict[tuple[int, int], Dictionary] = {}
        self.kids: dict[tuple[int, int], list] = {}
        self.type: dict[tuple[int, int], str] = {}
        stack = [(kid, self.root) for kid in reversed(_kids(self.root))]
        while stack:  # the hot loop: 15,000 elements on 80 pages
            node, parent = stack.pop()
            if not isinstance(node, Dictionary):
                continue  # a marked-content id
            key = node.objgen
            kind = node.get("/S")
            if kind is None or key in self.parent:
                continue  # an annotation's or a marked-content reference
            kids = _kids(node)
            self.parent[key], self.kids[key], self.type[key] = parent, kids, str(kind)
            self.order.append(node)
            stack.extend((kid, node) for kid in reversed(kids))
        nums = self.root.ParentTree.Nums
        self.values = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}

    def reachable(self, node) -> bool:
        return node.objgen in self.parent

    def set_kids(self, element, kids: list) -> None:
        self.kids[element.objgen] = kids
        element.K = Array(kids)

    def write_parent_tree(self, pdf: pikepdf.Pdf) -> None:
        nums = []
        for key in sorted(self.values):
            nums.extend([key, self.values[key]])
        self.root.ParentTree = pdf.make_indirect(Dictionary(Nums=Array(nums)))


def _is_element(node) -> bool:
    return isinstance(node, Dictionary) and "/S" in node


def _kids(node) -> list:
    kids = node.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, Array) else [kids]


def finish(pdf: pikepdf.Pdf, titles: dict[str, str]) -> None:
    """Put the joined PDF's tags right (see the module's docstring). ``titles``: anchor
    name -> what a link to it leads to (a headline, a section), for ``/Contents``."""
    tree = _Tree(pdf)
    _artifacts(pdf, tree)
    _links(pdf, tree, titles)
    _scopes(tree)
    _prune(tree)
    tree.write_parent_tree(pdf)
    fonts = _fonts(pdf)
    _subset_tags(fonts)
    tounicode.fill([(font.ToUnicode, str(font.get("/BaseFont", ""))[8:]) for font in fonts
                    if "/ToUnicode" in font])


# Running heads and folios. -------------------------------------------------------------

def _artifacts(pdf: pikepdf.Pdf, tree: _Tree) -> None:
    """Marked content whose element is outside the tree (margin boxes) -> pagination
    artifacts; their MCIDs leave the page's parent-tree array."""
    for page in pdf.pages:
        key = int(page.obj.get("/StructParents", -1))
        elements = tree.values.get(key)
        if not isinstance(elements, Array):
            continue
        outside = {mcid for mcid, element in enumerate(elements)
                   if _is_element(element) and not tree.reachable(element)}
        if not outside:
            continue
        page.contents_coalesce()
        content = page.obj.Contents
        data = _MARKED.sub(lambda m, outside=outside: PAGINATION if int(m[1]) in outside
                           else m[0], content.read_bytes())
        content.write(data)
        kept = [None if mcid in outside else element for mcid, element in enumerate(elements)]
        while kept and kept[-1] is None:  # margin boxes are drawn last: usually all go
            kept.pop()
        tree.values[key] = Array(kept)


# Links. ----------------------------------------------------------------------------------

def _links(pdf: pikepdf.Pdf, tree: _Tree, titles: dict[str, str]) -> None:
    """Every link annotation under a Link element of its own <a>, described, printable;
    the ones inside their Link's area already are dropped."""
    for page in pdf.pages:
        annots = page.obj.get("/Annots")
        if not annots:
            continue
        kept = []
        for annot in annots:
            if annot.get("/Subtype") != Name.Link:
                kept.append(annot)
                continue
            key = int(annot.get("/StructParent", -1))
            element = tree.values.get(key)
            if _is_element(element) and tree.reachable(element) \
                    and tree.type[element.objgen] != "/Link":
                if not _relink(pdf, tree, element, annot, page.obj, key):
                    continue  # its Link's annotation covers it
            annot.F = 4
            annot.Contents = pikepdf.String(_description(annot, titles))
            kept.append(annot)
        page.obj.Annots = Array(kept)


def _relink(pdf: pikepdf.Pdf, tree: _Tree, element, annot, page, key: int) -> bool:
    """Put an annotation tagged as some box inside a link under a Link element; False
    when it is dropped instead."""
    link = _enclosing_link(tree, element)
    if link is None and tree.type[element.objgen] in ("/Span", "/NonStruct"):
        element.S = Name.Link  # no <a> above: the inline box that holds it is the link
        tree.type[element.objgen] = "/Link"
        return True
    tree.set_kids(element, [kid for kid in tree.kids[element.objgen]
                            if not _objr_of(kid, annot)])
    if link is not None and _covered(tree, link, annot, page):
        del tree.values[key]
        return False
    if link is None:  # in a block with no <a> above: a Link element of its own
        link = pdf.make_indirect(Dictionary(
            Type=Name.StructElem, S=Name.Link, P=element, K=Array()))
        tree.set_kids(element, [*tree.kids[element.objgen], link])
        tree.parent[link.objgen], tree.type[link.objgen] = element, "/Link"
    tree.set_kids(link, [*tree.kids.get(link.objgen, []), pdf.make_indirect(
        Dictionary(Type=Name.OBJR, Obj=annot, Pg=page))])
    tree.values[key] = link
    return True


def _enclosing_link(tree: _Tree, element):
    node = tree.parent.get(element.objgen)
    while node is not None and node.objgen in tree.type:
        if tree.type[node.objgen] == "/Link":
            return node
        node = tree.parent.get(node.objgen)
    return None


def _is_objr(kid) -> bool:
    return isinstance(kid, Dictionary) and kid.get("/Type") == Name.OBJR


def _objr_of(kid, annot) -> bool:
    return _is_objr(kid) and kid.Obj.objgen == annot.objgen


def _covered(tree: _Tree, link, annot, page) -> bool:
    """The Link element already holds an annotation on this page, to the same place, on
    the same line: across this one's width and overlapping its height. That annotation
    grows to cover both (a Khmer span's line is taller than its English link's)."""
    inner = _rect(annot)
    for kid in tree.kids.get(link.objgen, []):
        if not _is_objr(kid):
            continue
        other = kid.Obj
        if other.objgen == annot.objgen or kid.get("/Pg") is None \
                or kid.Pg.objgen != page.objgen or _target(other) != _target(annot):
            continue
        outer = _rect(other)
        if (outer[0] - 1 <= inner[0] and inner[2] <= outer[2] + 1
                and inner[1] < outer[3] and outer[1] < inner[3]):
            other.Rect = Array([min(outer[0], inner[0]), min(outer[1], inner[1]),
                                max(outer[2], inner[2]), max(outer[3], inner[3])])
            return True
    return False


def _rect(annot) -> tuple[float, float, float, float]:
    x1, y1, x2, y2 = (float(v) for v in annot.Rect)
    return min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)


def _target(annot) -> str:
    if "/Dest" in annot:
        return "#" + str(annot.Dest)
    action = annot.get("/A")
    return str(action.get("/URI", "")) if action is not None else ""


def _description(annot, titles: dict[str, str]) -> str:
    target = _target(annot)
    if target.startswith("#"):
        return titles.get(target[1:], target[1:])
    return target


# Tables. ---------------------------------------------------------------------------------

def _scopes(tree: _Tree) -> None:
    """/Scope on every header cell: Column in a row of header cells (a thead), Row
    for a header cell beside data cells (WeasyPrint links /Headers the same way only
    for scope="row"; Markdown tables have header rows only)."""
    for element in tree.order:
        if tree.type[element.objgen] != "/TH":
            continue
        attributes = _table_attributes(element)
        if "/Scope" in attributes:
            continue
        row = tree.parent[element.objgen]
        cells = [tree.type.get(kid.objgen) for kid in tree.kids.get(row.objgen, [])
                 if _is_element(kid)]
        headers_only = all(cell == "/TH" for cell in cells)
        attributes.Scope = Name.Column if headers_only else Name.Row


def _table_attributes(element) -> Dictionary:
    found = element.get("/A")
    candidates = list(found) if isinstance(found, Array) else [found] if found else []
    for attributes in candidates:
        if isinstance(attributes, Dictionary) and attributes.get("/O") == Name.Table:
            return attributes
    attributes = Dictionary(O=Name.Table)
    element.A = Array([*candidates, attributes]) if candidates else attributes
    return attributes


# Empty elements. -------------------------------------------------------------------------

def _prune(tree: _Tree) -> None:
    """Remove PRUNABLE elements with no content, children first, so that a parent left
    empty goes too."""
    removed: set[tuple[int, int]] = set()
    touched: dict[tuple[int, int], Dictionary] = {}
    for element in reversed(tree.order):
        key = element.objgen
        if tree.type[key] not in PRUNABLE or not all(
                isinstance(kid, Dictionary) and kid.objgen in removed for kid in tree.kids[key]):
            continue
        if "/Alt" in element or "/ActualText" in element:
            continue
        removed.add(key)
        parent = tree.parent[key]
        touched[parent.objgen] = parent
    for parent in touched.values():
        tree.set_kids(parent, [kid for kid in tree.kids.get(parent.objgen, _kids(parent))
                               if not (isinstance(kid, Dictionary) and kid.objgen in removed)])
    tree.order = [element for element in tree.order if element.objgen not in removed]


# Fonts. ----------------------------------------------------------------------------------

def _fonts(pdf: pikepdf.Pdf) -> list[Dictionary]:
    """Every font dictionary the pages (and their forms) use, once each, in page order."""
    seen: set[tuple[int, int]] = set()
    fonts = []
    stack = [page.obj.get("/Resources") for page in reversed(pdf.pages)]
    while stack:
        resources = stack.pop()
        if not isinstance(resources, Dictionary):
            continue
        for _, font in sorted((resources.get("/Font") or {}).items()):
            if font.objgen not in seen:
                seen.add(font.objgen)
                fonts.append(font)
        for _, xobject in sorted((resources.get("/XObject") or {}).items()):
            if xobject.get("/Subtype") == Name.Form and xobject.objgen not in seen:
                seen.add(xobject.objgen)
                stack.append(xobject.get("/Resources"))
    return fonts


def descriptor(font: Dictionary):
    """The font's descriptor (a Type0 font's is on its descendant), or None."""
    if font.get("/Subtype") == Name.Type0:
        font = font.DescendantFonts[0]
    return font.get("/FontDescriptor")


def _program(font_descriptor):
    for key in ("/FontFile2", "/FontFile3", "/FontFile"):
        if key in font_descriptor:
            return font_descriptor[key]
    return None


def _subset_tags(fonts: list[Dictionary]) -> None:
    """A tag per font program, from its bytes: the same program keeps one tag wherever
    it comes from, two programs never share one."""
    taken: dict[str, tuple[int, int]] = {}
    for font in fonts:
        font_descriptor = descriptor(font)
        program = _program(font_descriptor) if font_descriptor is not None else None
        name = str(font.get("/BaseFont", ""))
        if program is None or not re.fullmatch(r"/[A-Z]{6}\+.+", name):
            continue
        digest = hashlib.sha256(program.read_raw_bytes()).digest()
        tag = _tag(digest, 0)
        attempt = 0
        while taken.get(tag, program.objgen) != program.objgen:  # two programs, one tag
            attempt += 1
            tag = _tag(digest, attempt)
        taken[tag] = program.objgen
        renamed = Name("/" + tag + name[7:])
        font.BaseFont = renamed
        if font.get("/Subtype") == Name.Type0:
            font.DescendantFonts[0].BaseFont = renamed
        font_descriptor.FontName = renamed


def _tag(digest: bytes, attempt: int) -> str:
    window = digest[attempt % 26:attempt % 26 + 6]
    return "".join(chr(65 + byte % 26) for byte in window)
