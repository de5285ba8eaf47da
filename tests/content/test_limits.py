"""Overlong texts are cut between words (ICU, so Khmer too), never inside one."""

from __future__ import annotations

from compiler.content.limits import ELLIPSIS, shortened


def test_short_text_is_left_alone():
    assert shortened("Floods in Kratie", 40) == "Floods in Kratie"


def test_cut_at_the_last_word_that_fits():
    text = "The government is set to vaccinate more than 1.2 million people"
    short = shortened(text, 30)
    assert len(short) <= 30 and short.endswith(ELLIPSIS)
    assert text.startswith(short[:-1])
    assert text[len(short) - 1] == " ", "the cut fell inside a word"


def test_khmer_is_cut_between_words():
    words = ["ក្រសួង", "សុខាភិបាល", "បាន", "ប្រកាស", "ថា", "ការ", "ចាក់", "វ៉ាក់សាំង"]
    text = "".join(words) * 3
    short = shortened(text, 25, "km")[:-1]
    ends = {len("".join((words * 3)[:n])) for n in range(1, 25)}
    assert len(short) in ends, short


def test_one_enormous_word_is_cut_inside_it():
    assert shortened("x" * 500, 20) == "x" * 19 + ELLIPSIS
