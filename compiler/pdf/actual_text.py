"""Khmer and letter-spaced text that PDF readers can copy, search and read aloud.

A PDF maps each glyph back to text through the font's ToUnicode table, one
glyph to one fixed string. Khmer shaping reorders and merges glyphs (a pre-base
vowel is drawn before the consonant it follows; COENG and a consonant become
one subscript glyph), so no such table can give the words back: pdftotext read
"ឆ្នាំ" as "្ន ំ". PDF's answer is /ActualText: a marked-content span that
says which text its glyphs stand for. WeasyPrint writes none, so we wrap its
``draw_text`` (one call per laid-out line fragment) and put each Khmer
fragment, without our word-break marks, inside such a span. Poppler, Acrobat
and Chrome use it; viewers that ignore it fall back to the glyphs as before.

Letter-spaced capitals (the cover's dateline, bylines) need the same: their glyphs
stand so far apart that pdftotext read "W E D N E S DAY" and a search for the date
failed. Any text set with positive letter-spacing gets its words as /ActualText too.

The wrapping goes through ``hooks.wrap_draw_text``; if WeasyPrint renames the
function, ``install`` reports it and the test that reads the Khmer headlines back
fails (as does ``hooks.check``), rather than the build breaking.
"""

from __future__ import annotations

import pydyf

from compiler.pdf import hooks
from compiler.text.khmer import ZWSP, has_khmer

INVISIBLE = str.maketrans("", "", ZWSP + "\u00ad")
"""Break opportunities: they were never part of the words."""


def _draw_text(original, stream, textbox, *args, **kwargs):
    text = hooks.box_text(textbox).translate(INVISIBLE)
    if not (has_khmer(text) or hooks.letter_spacing(textbox) > 0):
        return original(stream, textbox, *args, **kwargs)
    stream.begin_marked_content("Span", pydyf.Dictionary({"ActualText": pydyf.String(text)}))
    try:
        return original(stream, textbox, *args, **kwargs)
    finally:
        stream.end_marked_content()


def install() -> bool:
    return hooks.wrap_draw_text(_draw_text)
