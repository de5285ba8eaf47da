import re
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from compiler.text import khmer
from compiler.text.khmer import ZWSP, break_html, has_khmer, insert_break_opportunities, segment

POPULATION = "ប្រទេសកម្ពុជាមានប្រជាជនប្រហែលដប់ប្រាំពីរលាននាក់"
KINGDOM = "ព្រះរាជាណាចក្រកម្ពុជាជាប្រទេសមួយនៅអាស៊ីអាគ្នេយ៍ដែលមានរាជធានីភ្នំពេញនិងមានប្រវត្តិសាស្ត្រយូរលង់ណាស់មកហើយ"
RAIN = "កាលពីម្សិលមិញភ្លៀងធ្លាក់យ៉ាងខ្លាំងនៅក្នុងខេត្តសៀមរាបហើយផ្លូវជាច្រើនត្រូវបានលិចទឹក។"
CHILDREN = "ក្មេងៗលេងបាល់ទាត់នៅទីលានផ្សេងៗគ្នា"
MIXED = f"Phnom Penh (ភ្នំពេញ) — {POPULATION}, says the UN report; ok."
TEXTS = [POPULATION, KINGDOM, RAIN, CHILDREN, MIXED, f"{RAIN} {KINGDOM}", "", "plain"]

KHMER = re.compile("[\u1780-\u17ff\u19e0-\u19ff]")
CLUSTER_START = re.compile("[\u1780-\u17b3]")  # consonants and independent vowels


def assert_breaks_are_clean(text: str) -> None:
    for match in re.finditer(ZWSP, text):
        i = match.start()
        before, after = text[i - 1], text[i + 1]
        assert KHMER.match(before) and KHMER.match(after), (i, text)
        assert before != "\u17d2", f"ZWSP after COENG at {i}"
        assert CLUSTER_START.match(after), f"ZWSP before {after!r} (U+{ord(after):04X}) at {i}"


def test_segment_splits_a_known_sentence_into_dictionary_words():
    words = segment(POPULATION)
    assert "".join(words) == POPULATION
    assert len(words) >= 6
    for word in ("ប្រទេស", "កម្ពុជា", "មាន", "ប្រជាជន", "នាក់"):
        assert word in words


def test_segment_is_lossless_for_mixed_text_and_characters_beyond_the_bmp():
    text = f"😀{POPULATION} 𝒜 ok {RAIN}"
    words = segment(text)
    assert "".join(words) == text
    assert "😀" in words
    assert "កម្ពុជា" in words


def test_segment_of_empty_text():
    assert segment("") == []


def test_long_sentence_gets_several_breaks():
    out = insert_break_opportunities(KINGDOM)
    assert out.count(ZWSP) > 3
    assert out.replace(ZWSP, "") == KINGDOM
    assert f"{ZWSP}កម្ពុជា{ZWSP}" in out
    assert_breaks_are_clean(out)


@pytest.mark.parametrize("text", TEXTS)
def test_removing_zwsp_gives_back_the_input(text):
    assert insert_break_opportunities(text).replace(ZWSP, "") == text


@pytest.mark.parametrize("text", TEXTS)
def test_idempotent(text):
    once = insert_break_opportunities(text)
    assert insert_break_opportunities(once) == once


@pytest.mark.parametrize("text", TEXTS)
def test_no_break_inside_a_grapheme_cluster(text):
    assert_breaks_are_clean(insert_break_opportunities(text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (POPULATION, True),
        (MIXED, True),
        ("\u17e0\u17e9", True),  # Khmer digits
        ("\u19e0\u19ff", True),  # Khmer Symbols: lunar dates
        ("plain", False),
        (f"Thai \u0e01 and Lao \u0e81{ZWSP}", False),
        ("", False),
    ],
)
def test_has_khmer_finds_the_khmer_block_and_khmer_symbols(text, expected):
    assert has_khmer(text) is expected


def test_english_text_is_unchanged():
    text = "The quick brown fox jumps over the lazy dog. Zero\u200bwidth stays."
    assert insert_break_opportunities(text) == text


def test_mixed_text_only_gets_breaks_between_khmer_words():
    out = insert_break_opportunities(MIXED)
    assert out.count(ZWSP) >= 5
    assert_breaks_are_clean(out)
    assert out.startswith("Phnom Penh (ភ្នំពេញ) — ")
    assert out.endswith(", says the UN report; ok.")


def test_never_next_to_an_existing_space_or_zwsp():
    text = f"ប្រទេស កម្ពុជា{ZWSP}មាន{ZWSP}{ZWSP}ប្រជាជនប្រហែល"
    out = insert_break_opportunities(text)
    assert " " + ZWSP not in out and ZWSP + " " not in out
    assert out.count(ZWSP * 2) == 1  # the caller's double ZWSP is kept as it was
    assert out.count(ZWSP * 3) == 0
    assert out.replace(ZWSP, "") == text.replace(ZWSP, "")


def test_existing_breaks_do_not_change_the_result():
    partly = POPULATION.replace("កម្ពុជា", f"កម្ពុជា{ZWSP}")
    assert insert_break_opportunities(partly) == insert_break_opportunities(POPULATION)


def test_no_break_before_khan_or_repetition_mark():
    out = insert_break_opportunities(f"{RAIN}{CHILDREN}")
    assert ZWSP + "។" not in out
    assert ZWSP + "ៗ" not in out


def test_break_html_touches_only_text_nodes():
    fragment = (
        '<p lang="km" title="ខ្មែរភាសាខ្មែរ" data-x="កម្ពុជាមាន">'
        f"{POPULATION} &amp; &#6016;&nbsp;<b>{CHILDREN}</b><br/>"
        "<!-- ប្រទេសកម្ពុជាមាន > ប្រជាជន -->"
        "<![CDATA[ប្រទេសកម្ពុជាមាន]]>"
        '<script>var s = "ប្រទេសកម្ពុជាមាន";</script>'
        "<style>p::after { content: 'ប្រទេសកម្ពុជាមាន'; }</style>"
        f"<span class='x'>{RAIN}</span></p>"
    )
    out = break_html(fragment)
    assert out.replace(ZWSP, "") == fragment
    assert '<p lang="km" title="ខ្មែរភាសាខ្មែរ" data-x="កម្ពុជាមាន">' in out
    assert "&amp; &#6016;&nbsp;<b>" in out
    assert "<!-- ប្រទេសកម្ពុជាមាន > ប្រជាជន -->" in out
    assert "<![CDATA[ប្រទេសកម្ពុជាមាន]]>" in out
    assert '<script>var s = "ប្រទេសកម្ពុជាមាន";</script>' in out
    assert "content: 'ប្រទេសកម្ពុជាមាន';" in out
    assert insert_break_opportunities(POPULATION) in out
    assert insert_break_opportunities(CHILDREN) in out
    assert insert_break_opportunities(RAIN) in out
    for tag in re.findall(r"<[^>]*>", out):
        assert ZWSP not in tag
    assert break_html(out) == out


def test_fifty_thousand_characters_well_under_a_second():
    text = (KINGDOM + RAIN) * (50_000 // len(KINGDOM + RAIN) + 1)
    start = time.perf_counter()
    words = segment(text)
    out = insert_break_opportunities(text)
    elapsed = time.perf_counter() - start
    assert len(text) >= 50_000
    assert "".join(words) == text
    assert out.count(ZWSP) > 1000
    assert elapsed < 1.0


def test_break_iterator_is_built_once():
    assert khmer._word_iterator() is khmer._word_iterator()


def test_concurrent_use_gives_the_same_result():
    texts = [KINGDOM, RAIN, CHILDREN, POPULATION] * 25
    expected = [insert_break_opportunities(t) for t in texts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(insert_break_opportunities, texts)) == expected
