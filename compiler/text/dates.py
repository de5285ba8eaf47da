"""Dates the way the edition's newspaper prints them, from CLDR through Babel.

Weekday and month names come from CLDR (Babel's locale data), never from tables
of our own, so a new language needs a pattern at most. The patterns are the
papers' own house style, which CLDR does not record: the English daily prints
"Wednesday 25 November 2026" (CLDR's English "full" date has commas and puts the
month first), and Khmer papers print "ថ្ងៃពុធ ទី២៥ ខែវិច្ឆិកា ឆ្នាំ២០២៦", each part
led by its word (ថ្ងៃ day, ទី the ordinal, ខែ month, ឆ្នាំ year) where CLDR's Khmer
date is the bare "ពុធ 25 វិច្ឆិកា 2026". A language with no pattern here gets
CLDR's own forms. Digits follow the language (``numerals.digits``).

Nothing depends on the machine's locale: the same build gives the same bytes on
every machine.
"""

from __future__ import annotations

from datetime import date
from functools import cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, match_skeleton

from compiler.text.numerals import digits

LONG = {
    "en": "EEEE d MMMM y",
    "km": "'ថ្ងៃ'EEEE 'ទី'd 'ខែ'MMMM 'ឆ្នាំ'y",
}
"""Weekday, day, month and year."""
DAY_AND_MONTH = {
    "en": "EEEE d MMMM",
    "km": "'ថ្ងៃ'EEEE 'ទី'd 'ខែ'MMMM",
}
"""An issue in a list grouped by month (the shelf's download page)."""
MONTH_AND_YEAR = {
    "en": "LLLL y",
    "km": "'ខែ'LLLL 'ឆ្នាំ'y",
}
"""The heading of such a month."""
CLDR_SKELETONS = {"long": "full", "day_and_month": "MMMMEEEEd", "month_and_year": "yMMMM"}
"""CLDR's forms for a language without a house pattern."""


@cache
def cldr_locale(language: str) -> Locale:
    """The CLDR locale of a BCP 47 tag (``km-KH`` -> km_KH); English for a tag CLDR
    does not know, as the layouts' labels fall back to English."""
    try:
        return Locale.parse(language.replace("_", "-"), sep="-")
    except (UnknownLocaleError, ValueError, TypeError):
        return Locale("en")


def _format(day: date, language: str, patterns: dict[str, str], form: str) -> str:
    place = cldr_locale(language)
    pattern = patterns.get(place.language)
    if pattern is None:
        skeleton = CLDR_SKELETONS[form]
        pattern = skeleton if skeleton == "full" else place.datetime_skeletons[
            match_skeleton(skeleton, place.datetime_skeletons)]
    return digits(format_date(day, pattern, locale=place), language)


def long_date(day: date, language: str = "en") -> str:
    """``Wednesday 25 November 2026``; ``ថ្ងៃពុធ ទី២៥ ខែវិច្ឆិកា ឆ្នាំ២០២៦``."""
    return _format(day, language, LONG, "long")


def day_and_month(day: date, language: str = "en") -> str:
    """``Wednesday 25 November``; ``ថ្ងៃពុធ ទី២៥ ខែវិច្ឆិកា``."""
    return _format(day, language, DAY_AND_MONTH, "day_and_month")


def month_and_year(day: date, language: str = "en") -> str:
    """``November 2026``; ``ខែវិច្ឆិកា ឆ្នាំ២០២៦``."""
    return _format(day, language, MONTH_AND_YEAR, "month_and_year")
