"""Dates from CLDR through Babel: English as glibc's C locale prints it, Khmer as Khmer papers.

The English judge is strftime in the C locale, run in a process of its own (so nothing in
this one can have changed its locale); the Khmer judge is Babel's CLDR data itself, read
by day and month number, so a pattern that picked the wrong field or form would show.
"""

from __future__ import annotations

import os
import subprocess
import sys
import unicodedata
from datetime import date, timedelta

import pytest
from babel import Locale

from compiler.text.dates import day_and_month, long_date, month_and_year

YEARS = (1999, 2000, 2024, 2026, 2027, 2028)
"""A leap century, an ordinary year, leap years and the years the shelf tests use."""
KHMER_DIGITS = "០១២៣៤៥៦៧៨៩"


def _days():
    for year in YEARS:
        day = date(year, 1, 1)
        while day.year == year:
            yield day
            day += timedelta(days=1)


@pytest.fixture(scope="module")
def c_locale_dates() -> dict[date, tuple[str, str, str]]:
    """What strftime prints in the C locale for every day of YEARS: long, day and month,
    month and year."""
    script = (
        "import datetime, locale, sys\n"
        "locale.setlocale(locale.LC_ALL, 'C')\n"
        "for line in sys.stdin:\n"
        "    d = datetime.date.fromisoformat(line.strip())\n"
        "    print(d.strftime('%A %-d %B %Y|%A %-d %B|%B %Y'))\n"
    )
    days = list(_days())
    done = subprocess.run([sys.executable, "-c", script], input="\n".join(map(str, days)),
                          capture_output=True, text=True, check=True,
                          env={**os.environ, "LC_ALL": "C", "LANG": "C"})
    return {day: tuple(line.split("|")) for day, line in
            zip(days, done.stdout.splitlines(), strict=True)}


def test_english_dates_are_the_c_locale_s_on_every_day(c_locale_dates):
    for day, (long, in_month, month) in c_locale_dates.items():
        assert long_date(day) == long, day
        assert long_date(day, "en") == long_date(day, "en-GB") == long, day
        assert day_and_month(day, "en") == in_month, day
        assert month_and_year(day, "en") == month, day


def test_the_daily_s_date_keeps_its_bytes():
    assert long_date(date(2026, 11, 25)).encode() == b"Wednesday 25 November 2026"


def _khmer(number: int) -> str:
    return "".join(KHMER_DIGITS[int(d)] for d in str(number))


def test_khmer_dates_use_cldr_names_and_khmer_digits():
    cldr = Locale("km")
    weekdays = cldr.days["format"]["wide"]  # 0 = Monday, as date.weekday()
    months = cldr.months["format"]["wide"]
    for day in _days():
        weekday, month = weekdays[day.weekday()], months[day.month]
        expected = f"ថ្ងៃ{weekday} ទី{_khmer(day.day)} ខែ{month} ឆ្នាំ{_khmer(day.year)}"
        assert long_date(day, "km") == expected, day
        assert long_date(day, "km-KH") == expected, day
        assert day_and_month(day, "km") == f"ថ្ងៃ{weekday} ទី{_khmer(day.day)} ខែ{month}"
        assert month_and_year(day, "km") == f"ខែ{month} ឆ្នាំ{_khmer(day.year)}"


def test_the_issue_s_example_date():
    assert long_date(date(2021, 2, 12), "km") == "ថ្ងៃសុក្រ ទី១២ ខែកុម្ភៈ ឆ្នាំ២០២១"


def test_a_khmer_date_has_no_latin_digit_and_every_character_is_khmer_or_a_space():
    text = long_date(date(2026, 11, 25), "km")
    assert not any(c.isascii() and c.isdigit() for c in text)
    assert all(c == " " or "KHMER" in unicodedata.name(c) for c in text), text


def test_a_language_cldr_does_not_know_gets_the_english_house_style():
    day = date(2026, 11, 25)
    assert long_date(day, "zz") == long_date(day, "") == "Wednesday 25 November 2026"


def test_another_language_gets_cldr_s_own_forms():
    day = date(2026, 11, 25)
    assert long_date(day, "fr") == "mercredi 25 novembre 2026"
    assert month_and_year(day, "fr") == "novembre 2026"
