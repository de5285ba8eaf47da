"""One packing, a book per device: the EPUB and the Kobo KEPUB, with the print pages.

``pack_books`` runs in the build's side thread while the PDF is laid out: the
EPUB's files (templates, photos, font subsets: the expensive part) and the
KEPUB's markup made from them. ``finish_book`` runs for each once the PDF's page
numbers are known: it adds the page-list and zips the book (about 60 ms for both
books of the sample edition, against about 1 s of packing, cold).
"""

from __future__ import annotations

from compiler.epub.container import Packed
from compiler.epub.kepub import kepub
from compiler.epub.package import pack_epub
from compiler.epub.pagelist import add_page_list
from compiler.model import Edition

BOOKS = {"epub": "Packing the EPUB", "kepub": "Packing the Kobo KEPUB"}
"""Each book a build can make, and the stage line that announces its finishing."""


def pack_books(edition: Edition, photos=None, fonts=None, kobo: bool = True
               ) -> dict[str, Packed]:
    """Kind -> the packed book, unzipped: the EPUB, and the KEPUB made from it."""
    packed = pack_epub(edition, photos, fonts)
    return {"epub": packed, **({"kepub": kepub(packed)} if kobo else {})}


def print_source(edition: Edition) -> str:
    """What the page numbers are of: the print digest of the same day (``dc:source``)."""
    return f"{edition.identifier}:print"


def finish_book(packed: Packed, edition: Edition, anchor_pages: dict[str, int] | None,
                pages: int) -> bytes:
    """The book's bytes; with a page-list when the PDF's pages are given."""
    if anchor_pages:
        packed = add_page_list(packed, anchor_pages, pages, print_source(edition),
                               edition.config.language)
    return packed.zip()
