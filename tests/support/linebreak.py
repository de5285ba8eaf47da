"""Khmer line breaking as KOReader does it: libunibreak, through ctypes.

KOReader's crengine breaks lines with libunibreak, which has no Khmer dictionary:
Khmer letters are class SA, resolved to AL, so a Khmer run can break only at
spaces, U+200B and punctuation. ``longest_khmer_stretch`` counts the Khmer
characters between two break opportunities, paragraph by paragraph, as a
reader lays them out. Debian's package is ``libunibreak1`` (``.ci/setup``).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import re
from functools import cache

from lxml import etree

X = "{http://www.w3.org/1999/xhtml}"
KHMER = re.compile("[\u1780-\u17ff\u19e0-\u19ff]")
MUST, ALLOW = 0, 1  # libunibreak's LINEBREAK_MUSTBREAK and LINEBREAK_ALLOWBREAK
BLOCKS = {f"{X}{tag}" for tag in (
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "figcaption", "td", "th", "dt", "dd",
    "blockquote", "div", "section", "article", "header", "nav", "aside", "figure", "ul",
    "ol", "table", "tr", "body", "title", "head")}


@cache
def library():
    """libunibreak, or None when it is not installed."""
    name = ctypes.util.find_library("unibreak") or "libunibreak.so.1"
    try:
        lib = ctypes.CDLL(name)
    except OSError:
        return None
    lib.init_linebreak()
    lib.set_linebreaks_utf32.argtypes = [ctypes.POINTER(ctypes.c_uint32), ctypes.c_size_t,
                                         ctypes.c_char_p, ctypes.c_char_p]
    lib.set_linebreaks_utf32.restype = None
    return lib


def break_opportunities(text: str, language: str = "km") -> list[bool]:
    """For each character: may a line break after it?"""
    lib = library()
    codes = (ctypes.c_uint32 * len(text))(*map(ord, text))
    breaks = ctypes.create_string_buffer(len(text))
    lib.set_linebreaks_utf32(codes, len(text), language.encode(), breaks)
    return [breaks.raw[i] in (MUST, ALLOW) for i in range(len(text))]


def longest_khmer_stretch(paragraph: str) -> tuple[int, str]:
    """The most Khmer characters between two break opportunities, and that stretch."""
    if not paragraph or not KHMER.search(paragraph):
        return 0, ""
    best, best_text, start = 0, "", 0
    for index, allowed in enumerate(break_opportunities(paragraph)):
        if allowed or index == len(paragraph) - 1:
            stretch = paragraph[start:index + 1]
            count = len(KHMER.findall(stretch))
            if count > best:
                best, best_text = count, stretch
            start = index + 1
    return best, best_text


def paragraphs(xhtml: bytes) -> list[str]:
    """The document's text as a reader lays it out: one string per block."""
    root = etree.fromstring(xhtml)
    body = root.find(f"{X}body")
    pieces: list[str] = []

    def walk(element) -> None:
        block = element.tag in BLOCKS
        if block:
            pieces.append("\n")
        pieces.append(element.text or "")
        for child in element:
            if isinstance(child.tag, str):
                walk(child)
            pieces.append(child.tail or "")
        if block:
            pieces.append("\n")

    walk(body)
    return [p for p in "".join(pieces).split("\n") if p.strip()]
