"""Numbers in the digits the edition's readers expect: ២៥ in a Khmer edition, 25 in English.

Which numbering system a language prints comes from CLDR through Babel: the
locale's default system, or its "native" one for the languages whose papers print
native digits although CLDR's default is Latin (``NATIVE``). Babel names the
system (``khmr``) but carries no digits for it (its ``format_decimal(...,
numbering_system="khmr")`` changes only the separators and still writes 0-9), so
the digits come from the same CLDR data through ICU (``NumberingSystem``), which
the build already uses for Khmer word breaks: no table of our own.
"""

from __future__ import annotations

import unicodedata
from functools import cache

from babel import Locale, UnknownLocaleError

LATIN = "0123456789"
NATIVE = frozenset({"km"})
"""Khmer papers (Post Khmer, Rasmei Kampuchea, Koh Santepheap) print Khmer digits in
dates, folios and page references; CLDR's Khmer default is Latin (for software)."""


def primary(language: str) -> str:
    """The primary subtag of a BCP 47 tag, lower-cased: ``km-KH`` -> ``km``."""
    return language.replace("_", "-").split("-")[0].lower()


@cache
def numbering_system(language: str) -> str:
    """The CLDR numbering system a reader of ``language`` expects (``latn``, ``khmr``)."""
    try:
        place = Locale.parse(language.replace("_", "-"), sep="-")
    except (UnknownLocaleError, ValueError, TypeError):
        return "latn"
    if primary(language) in NATIVE:
        return place.other_numbering_systems.get("native", place.default_numbering_system)
    return place.default_numbering_system


@cache
def _table(system: str) -> dict[int, str]:
    import icu

    zero_to_nine = icu.NumberingSystem.createInstanceByName(system).getDescription()
    if len(zero_to_nine) != 10:  # an algorithmic system (Roman, Chinese): keep Latin
        return {}
    return str.maketrans(LATIN, zero_to_nine)


def digits(value, language: str = "en") -> str:
    """``str(value)`` with its Latin digits in the language's own: any text, so "12-14"
    or "page 7" keep their other characters."""
    text = str(value)
    system = numbering_system(language)
    return text if system == "latn" else text.translate(_table(system))


def like(number: int, sample: str) -> str:
    """``number`` in the digits of ``sample``, the text it replaces (a placeholder laid
    out as "៨៨" is filled with Khmer digits); Latin when ``sample`` has no digit.

    Unicode encodes every decimal digit set as ten consecutive code points, zero first,
    so the set is known from any one of its digits."""
    text = str(number)
    for char in sample:
        if char.isdigit() and unicodedata.decimal(char, None) is not None:
            zero = ord(char) - unicodedata.decimal(char)
            return text if zero == ord("0") else text.translate(
                {ord("0") + i: zero + i for i in range(10)})
    return text

