"""Khmer word-break opportunities for the PDF and the EPUB.

Khmer is written without spaces between words, and Pango (used by WeasyPrint)
has no Khmer dictionary, so it finds no place to wrap a long Khmer line and
the text runs off the page. ICU ships a Khmer dictionary; we use it to find
word boundaries and mark them with U+200B ZERO WIDTH SPACE, which every line
breaker honours. The PDF's HTML gets them, and so does the text of the EPUB's
pages: KOReader (libunibreak) and Kobo's Adobe renderer have no Khmer dictionary
either. A search for one word still finds it (the marks sit between words);
compiler/epub/package.py keeps them out of the nav and the metadata.

Requires PyICU (``pip install PyICU``), which builds against the system ICU
(Debian: ``apt-get install libicu-dev pkg-config``).
"""

import re
import threading
from functools import cache
from itertools import pairwise

ZWSP = "\u200b"
_KHMER = "\u1780-\u17ff\u19e0-\u19ff"
# A run of Khmer text in which earlier ZWSPs count as part of the run, so a
# second pass sees the same text as the first one did (idempotence).
_RUN = re.compile(f"[{_KHMER}]+(?:{ZWSP}+[{_KHMER}]+)*")
_ANY = re.compile(f"[{_KHMER}]")
# A break may only go before a consonant or independent vowel: that is where
# a grapheme cluster starts. Dependent vowels, signs, the subscript marker
# COENG and punctuation such as KHAN (which must not begin a line) can't.
_CLUSTER_START = re.compile("[\u1780-\u17b3]")
_COENG = "\u17d2"
# Markup that may contain text which is not document text: comments, CDATA,
# script/style bodies. They are matched before the generic tag so their
# content is never treated as a text node.
_MARKUP = re.compile(
    r"(<!--.*?-->|<!\[CDATA\[.*?\]\]>"
    r"|<script\b[^>]*>.*?</script\s*>|<style\b[^>]*>.*?</style\s*>"
    r"|<[^>]*>)",
    re.DOTALL | re.IGNORECASE,
)


def has_khmer(text: str) -> bool:
    """Whether text holds any Khmer (the Khmer block or Khmer Symbols): the compiler's
    one test of whether text is Khmer."""
    return _ANY.search(text) is not None


# ICU break iterators are costly to build (the dictionary is loaded) and are
# stateful, so one is built lazily and shared under a lock.
_lock = threading.Lock()


@cache
def _word_iterator():
    try:
        import icu
    except ImportError as exc:  # pragma: no cover - depends on the machine
        raise ImportError(
            "compiler.text.khmer needs PyICU: "
            "apt-get install libicu-dev pkg-config && pip install PyICU"
        ) from exc
    return icu.BreakIterator.createWordInstance(icu.Locale("km"))


def _boundaries(text: str) -> list[int]:
    """Return ICU word boundaries as UTF-16 offsets, including 0 and the end."""
    with _lock:
        iterator = _word_iterator()
        iterator.setText(text)
        return [0, *iterator]


def segment(text: str) -> list[str]:
    """Split text into ICU word segments.

    Spaces and punctuation come back as segments of their own, so that
    ``"".join(segment(text)) == text`` always holds and callers never lose
    characters. ICU counts offsets in UTF-16 units; slicing the UTF-16 bytes
    keeps the result right when the text holds characters beyond the BMP.
    """
    if not text:
        return []
    data = text.encode("utf-16-le")
    return [
        data[2 * start : 2 * end].decode("utf-16-le") for start, end in pairwise(_boundaries(text))
    ]


def _break_run(run: str) -> str:
    """Mark the word boundaries of one Khmer run.

    The run is segmented with its old ZWSPs removed so that the boundaries
    do not depend on marks a previous pass left; old ZWSPs are kept as they
    are and a new one is only added where none is.
    """
    bare = run.replace(ZWSP, "")
    existing: dict[int, str] = {}  # position in bare -> the old ZWSPs there
    removed = 0
    for match in re.finditer(f"{ZWSP}+", run):
        existing[match.start() - removed] = match.group()
        removed += len(match.group())
    # Khmer is all in the BMP, so UTF-16 offsets are string offsets here.
    wanted = {
        pos
        for pos in _boundaries(bare)[1:-1]
        if bare[pos - 1] != _COENG and _CLUSTER_START.match(bare, pos)
    }
    out = []
    for start, end in pairwise([0, *sorted(wanted | existing.keys()), len(bare)]):
        out.append(existing.get(start, ZWSP if start in wanted else ""))
        out.append(bare[start:end])
    return "".join(out)


def insert_break_opportunities(text: str) -> str:
    """Insert ZWSP between adjacent Khmer words, and nowhere else.

    Only places with Khmer on both sides are touched, so spaces, Latin text
    and existing ZWSPs keep their meaning and applying it twice is harmless.
    """
    return _RUN.sub(lambda m: _break_run(m.group()), text)


def break_html(fragment: str) -> str:
    """Insert ZWSP into the text nodes of a sanitised XHTML fragment.

    A regular expression split is used instead of a parser so that entities,
    attribute quoting and whitespace come back byte for byte; a parser would
    re-serialise them. This assumes well-formed, sanitised markup in which
    ``>`` never appears unescaped inside an attribute value. Each text node is
    segmented on its own: a word split by inline markup is segmented per piece
    and no break is added exactly at a tag.
    """
    parts = _MARKUP.split(fragment)
    parts[::2] = [insert_break_opportunities(part) for part in parts[::2]]
    return "".join(parts)
