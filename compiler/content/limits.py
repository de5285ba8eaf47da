"""Overlong text is shortened where a reader expects a cut: at a word boundary.

A headline of 5 000 characters must not push the cover, the contents or a section
opener past one page. Each kind of text has a limit in the edition definition
(``max_headline_chars`` and the like); a longer one is cut at the last word boundary
before the limit, ended with an ellipsis, and reported (S010). With ``--strict`` that
warning stops the build, so the editor shortens it by hand.

Word boundaries come from ICU, whose Khmer dictionary finds them in text written
without spaces, so Khmer is cut between words too.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace

import icu

from compiler.config import EditionConfig
from compiler.diagnostics import Diagnostic, diag
from compiler.model import Story

ELLIPSIS = "\u2026"
_LOCAL = threading.local()


def _words(language: str):
    """One ICU word iterator per thread and language (creating one costs ~1 ms)."""
    cache = _LOCAL.__dict__.setdefault("iterators", {})
    if language not in cache:
        cache[language] = icu.BreakIterator.createWordInstance(icu.Locale(language))
    return cache[language]


def shortened(text: str, limit: int, language: str = "en") -> str:
    """``text`` if it is at most ``limit`` characters; else its longest start that ends
    at a word boundary and, with the ellipsis, fits the limit."""
    if len(text) <= limit:
        return text
    room = max(1, limit - len(ELLIPSIS))
    words = _words(language)
    words.setText(text)
    cut = words.preceding(room + 1)
    while cut > 0 and text[cut - 1].isspace():
        cut -= 1
    if cut <= room // 2:  # one enormous "word" (a URL, a run without breaks): cut inside
        cut = room
    return text[:cut].rstrip(" ,;:\u2013\u2014-") + ELLIPSIS


def bounded(story: Story, config: EditionConfig, where: Callable[[str], int]
            ) -> tuple[Story, list[Diagnostic]]:
    """The story with every text over its limit shortened, and one S010 per text cut.
    ``where(key)``: the front-matter line of ``key``, for the message."""
    problems: list[Diagnostic] = []
    language = story.language

    def cut(text: str, limit: int, what: str, key: str) -> str:
        short = shortened(text, limit, language)
        if short != text:
            problems.append(diag("S010", f"{what}: {len(text)} characters, shortened to "
                                 f"{len(short)} at a word boundary (limit {limit})",
                                 story.source, where(key)))
        return short

    def photo(p, what: str, key: str):
        if p is None:
            return None
        return replace(p, caption=cut(p.caption, config.max_caption_chars, what, key))

    changes = {
        "headline": cut(story.headline, config.max_headline_chars, "headline", "headline"),
        "standfirst": cut(story.standfirst, config.max_standfirst_chars, "standfirst",
                          "standfirst"),
        "photo": photo(story.photo, "photo caption", "image"),
        "figures": tuple(photo(f, f"caption of photo {i}", "body")
                         for i, f in enumerate(story.figures, start=1)),
        "related": tuple(replace(
            r, headline=cut(r.headline, config.max_headline_chars,
                            f"related entry {i} headline", "related"),
            teaser=cut(r.teaser, config.max_teaser_chars, f"related entry {i} teaser",
                       "related")) for i, r in enumerate(story.related, start=1)),
    }
    return replace(story, **changes), problems
