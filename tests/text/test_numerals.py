"""Numbers in the edition's digits, and a filled-in number in the digits of its placeholder."""

from __future__ import annotations

import unicodedata

import pytest

from compiler.text.numerals import digits, like, numbering_system


def test_a_khmer_edition_prints_khmer_digits_from_cldr():
    assert numbering_system("km") == numbering_system("km-KH") == "khmr"
    for n in (0, 7, 10, 42, 2026, 1234567890):
        text = digits(n, "km")
        assert [unicodedata.name(c) for c in text] == [
            f"KHMER DIGIT {unicodedata.name(d).split()[-1]}" for d in str(n)]
        assert int(text) == n  # Python reads any Unicode decimal digits


@pytest.mark.parametrize("language", ["en", "en-GB", "fr", "th", "zz", ""])
def test_other_editions_keep_latin_digits(language):
    assert digits(2026, language) == "2026"


def test_only_digits_change():
    assert digits("page 12-14, 3.5%", "km") == "page ១២-១៤, ៣.៥%"


@pytest.mark.parametrize(("sample", "expected"), [
    ("៨៨", "១២"), ("ទំព័រ ៨៨", "១២"), ("88", "12"), ("page 88", "12"), ("", "12"),
    ("this page", "12"), ("٨٨", "١٢"), ("๘๘", "๑๒"),
])
def test_a_number_takes_the_digits_of_the_text_it_replaces(sample, expected):
    assert like(12, sample) == expected
