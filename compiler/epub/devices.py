"""One packing, a book per device: the EPUB and the Kobo KEPUB, with the print pages.

``pack_books`` runs in the build's side thread while the PDF is laid out: the
EPUB's files (templates, photos, font subsets: the expensive part) and the
KEPUB's markup made from them. ``finish_books`` runs once the PDF's page numbers
are known: it adds the page-list to each book and zips it (about 60 ms for both
books of the sample edition, against about 1 s of packing, cold).
"""

from __future__ import annotations

from dataclasses import dataclass

from compiler.epub.container import Packed
from compiler.epub.kepub import kepub
from compiler.epub.package import pack_epub
from compiler.epub.pagelist import add_page_list
from compiler.model import Edition


@dataclass(frozen=True)
class Books:
    epub: Packed
    kepub: Packed | None


def pack_books(edition: Edition, photos=None, fonts=None, kobo: bool = True) -> Books:
    packed = pack_epub(edition, photos, fonts)
    return Books(packed, kepub(packed) if kobo else None)


def print_source(edition: Edition) -> str:
    """What the page numbers are of: the print digest of the same day (``dc:source``)."""
    return f"{edition.identifier}:print"


def finish_books(books: Books, edition: Edition, anchor_pages: dict[str, int] | None,
                 pages: int) -> dict[str, bytes]:
    """Kind (``epub``, ``kepub``) -> the book's bytes; with a page-list when the PDF's
    pages are given."""
    finished = {}
    for kind, packed in (("epub", books.epub), ("kepub", books.kepub)):
        if packed is None:
            continue
        if anchor_pages:
            packed = add_page_list(packed, anchor_pages, pages, print_source(edition))
        finished[kind] = packed.zip()
    return finished
