"""Join the parts' PDFs into one tagged PDF with one outline and one structure tree.

Each part is a complete PDF/UA document from WeasyPrint. Joining keeps every
part's structure elements under a single Document element, renumbers the
parent-tree keys of pages and annotations, rebuilds the named destinations
from the anchors that really live in each part, and writes one outline. What
WeasyPrint's tags lack for PDF/UA-1 (running heads as artifacts, links, subset tags,
...) was put right in each part as its worker wrote it (``tagging.finish``).
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from datetime import datetime

import pikepdf
from pikepdf import Array, Dictionary, Name, OutlineItem

from compiler.pdf.typeset import TypesetPart


@dataclass(frozen=True)
class Bookmark:
    title: str
    anchor: str
    children: tuple[Bookmark, ...] = ()


def restamp(text: str, dates: tuple[datetime, datetime]) -> str:
    """The parts' stand-in date replaced by the build's, in XMP and PDF date forms."""
    stand_in, real = dates
    for form in ("%Y-%m-%dT%H:%M:%S", "%Y%m%d%H%M%S"):
        text = text.replace(stand_in.strftime(form), real.strftime(form))
    return text


def merge_parts(parts: list[tuple[tuple[str, ...], TypesetPart]], bookmarks: list[Bookmark],
                dates: tuple[datetime, datetime]) -> bytes:
    """parts: (anchors owned by the part, its layout with PDF bytes), in reading order;
    dates: the date the parts carry and the build's date, which the whole gets."""
    out = pikepdf.new()
    sources = [pikepdf.open(io.BytesIO(layout.pdf)) for _, layout in parts]
    document = out.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, K=Array()))
    nums: list = []  # one Array at the end: extending a pikepdf Array copies it
    destinations: dict[str, Array] = {}
    next_key = 0
    first_page = 0
    for (own, layout), source in zip(parts, sources, strict=True):
        with warnings.catch_warnings():
            # pikepdf warns that named destinations are not carried over: we rebuild them.
            warnings.simplefilter("ignore", pikepdf.PageCopyWarning if hasattr(
                pikepdf, "PageCopyWarning") else UserWarning)
            out.pages.extend(source.pages)
        copied = out.pages[first_page:first_page + len(source.pages)]
        tree = out.copy_foreign(source.Root.StructTreeRoot)
        old_keys = {}
        old_nums = tree.ParentTree.Nums
        for i in range(0, len(old_nums), 2):
            old_keys[int(old_nums[i])] = old_nums[i + 1]
        for page in copied:
            page_key = int(page.obj.get("/StructParents", -1))
            if page_key in old_keys:
                page.obj.StructParents = next_key
                nums.extend([next_key, old_keys[page_key]])
                next_key += 1
            for annotation in page.obj.get("/Annots", []):
                annotation_key = int(annotation.get("/StructParent", -1))
                if annotation_key in old_keys:
                    annotation.StructParent = next_key
                    nums.extend([next_key, old_keys[annotation_key]])
                    next_key += 1
        for part_document in tree.K:
            for kid in part_document.get("/K", []):
                if isinstance(kid, Dictionary):
                    kid.P = document
                document.K.append(kid)
        for name in own:
            if name in layout.anchors:
                index, x, y = layout.anchors[name]
                destinations[name] = Array([copied[index].obj, Name.XYZ, x, y, 0])
        first_page += len(source.pages)

    root = out.make_indirect(Dictionary(
        Type=Name.StructTreeRoot, K=Array([document]),
        ParentTree=out.make_indirect(Dictionary(Nums=Array(nums))), ParentTreeNextKey=next_key))
    document.P = root
    out.Root.StructTreeRoot = root
    first = sources[0]
    out.Root.Lang = pikepdf.String(str(first.Root.get("/Lang", "")))
    out.Root.MarkInfo = Dictionary(Marked=True)
    out.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
    if "/Metadata" in first.Root:
        xmp = restamp(first.Root.Metadata.read_bytes().decode("utf-8"), dates)
        out.Root.Metadata = out.make_stream(xmp.encode("utf-8"), Type=Name.Metadata,
                                            Subtype=Name.XML)
    for key, value in first.docinfo.items():
        out.docinfo[key] = pikepdf.String(restamp(str(value), dates))
    names = Array()
    for name in sorted(destinations):
        names.extend([pikepdf.String(name), destinations[name]])
    out.Root.Names = Dictionary(Dests=Dictionary(Names=names))
    _write_outline(out, bookmarks, destinations)
    out.Root.PageMode = Name.UseOutlines

    buffer = io.BytesIO()
    out.save(buffer, deterministic_id=True, compress_streams=True,
             object_stream_mode=pikepdf.ObjectStreamMode.generate,
             fix_metadata_version=False)
    for source in sources:
        source.close()
    return buffer.getvalue()


def link_titles(bookmarks: list[Bookmark]) -> dict[str, str]:
    """Anchor -> its bookmark's title (a headline, a section): what a link there leads to."""
    titles: dict[str, str] = {}
    stack = list(bookmarks)
    while stack:
        mark = stack.pop()
        titles.setdefault(mark.anchor, mark.title)
        stack.extend(mark.children)
    return titles


def _write_outline(pdf: pikepdf.Pdf, bookmarks: list[Bookmark], destinations: dict) -> None:
    def item(mark: Bookmark) -> OutlineItem | None:
        dest = destinations.get(mark.anchor)
        if dest is None:
            return None
        entry = OutlineItem(mark.title, destination=dest)
        entry.children.extend(c for c in (item(child) for child in mark.children) if c)
        return entry

    with pdf.open_outline() as outline:
        outline.root.extend(e for e in (item(mark) for mark in bookmarks) if e)
