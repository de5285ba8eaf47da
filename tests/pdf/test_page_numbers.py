"""Page numbers filled in after layout, and sections printed in runs of stories.

Each part is laid out once with placeholder numbers; these tests check that the
numbers written in afterwards are the real ones (folios, See also), that a number
wider than the placeholder still comes out right, and that runs start new pages.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pikepdf
import pytest

from compiler.config import load_config
from compiler.content.assemble import assemble
from compiler.diagnostics import Severity
from compiler.pdf import printer as pdf_module
from compiler.pdf.cache import PartCache
from compiler.pdf.jobs import SerialPool
from compiler.pdf.parts import plan_parts
from compiler.pdf.workers import WorkerPool
from support import DAILY, pdftotext

DAY = date(2026, 11, 25)
PARAGRAPH = ("The council met on Tuesday to weigh the plan, and members asked for figures "
             "on costs, timing and who would pay for the work over the coming years. ")


def _edition(content, tmp_path: Path | None = None):
    text = DAILY.read_text()
    definition = (tmp_path or content.root.parent) / "edition.toml"
    definition.write_text(text)
    config, problems = load_config(definition)
    assert config is not None, problems
    return assemble(content.root, config, DAY).edition


def _many_stories(content, count: int, paragraphs: int = 6):
    for n in range(count):
        related = [{"headline": f"Story {count - 1}", "slug": f"story-{count - 1:02d}"}]
        content.story(f"story-{n:02d}", headline=f"Story {n}", section="National",
                      body=(PARAGRAPH * 5 + "\n\n") * paragraphs, related=related)


def _page_texts(pdf: Path) -> list[str]:
    with pikepdf.open(pdf) as document:
        count = len(document.pages)
    return [pdftotext(pdf, "-layout", "-f", str(n), "-l", str(n)) for n in range(1, count + 1)]


def _render(edition, tmp_path):
    with WorkerPool(2, 0) as pool:
        result = pdf_module.print_pdf(edition, tmp_path / "work", pool)
    assert result.pdf is not None, result.problems
    assert not [d for d in result.problems if d.severity is Severity.ERROR]
    path = tmp_path / "edition.pdf"
    path.write_bytes(result.pdf)
    return path, result


def _last_line(text: str) -> str:
    return [line for line in text.splitlines() if line.strip()][-1].strip()


def test_cuts_divide_a_section_into_runs_named_by_their_first_story(content, tmp_path):
    _many_stories(content, 5, paragraphs=1)
    edition = _edition(content, tmp_path)
    sections = [p for p in plan_parts(edition) if p.kind == "section"]
    assert [len(p.stories) for p in sections] == [5], "no cuts: one flow"
    cut = plan_parts(edition, {"National": {"story-02": (None, 900.0), "story-04": (None, None),
                                       "gone": (None, None)}})
    sections = [p for p in cut if p.kind == "section"]
    assert [p.key for p in sections] == ["section-national", "section-national@story-02",
                                        "section-national@story-04"]
    assert [p.stories for p in sections] == [("story-00", "story-01"),
                                             ("story-02", "story-03"), ("story-04",)]
    assert [p.opener for p in sections] == [True, False, False]
    assert "section-national" in sections[0].anchors
    assert all("section-national" not in p.anchors for p in sections[1:])


def test_a_story_that_runs_on_is_held_by_both_its_runs(content, tmp_path):
    """A cut with a lead-in: the story began lower on the page before, so the run before
    ends with it (and owns its anchor), and the next run opens with it."""
    _many_stories(content, 5, paragraphs=1)
    edition = _edition(content, tmp_path)
    cut = plan_parts(edition, {"National": {"story-02": (312.5, None), "story-04": (None, 700.0)}})
    sections = [p for p in cut if p.kind == "section"]
    assert [p.key for p in sections] == ["section-national", "section-national@story-02~",
                                        "section-national@story-04"]
    assert [p.stories for p in sections] == [("story-00", "story-01", "story-02"),
                                             ("story-02", "story-03"), ("story-04",)]
    assert [(p.lead_in, p.continued, p.after) for p in sections] == [
        (None, True, None), (312.5, False, None), (None, False, 700.0)]
    assert "story-story-02" in sections[0].anchors
    assert "story-story-02" not in sections[1].anchors
    html = pdf_module.part_html(edition, sections[1], str, None)
    assert 'class="lead-in" style="height: 312.5px"' in html


def test_a_retired_setting_says_what_replaced_it(tmp_path):
    definition = tmp_path / "edition.toml"
    definition.write_text(DAILY.read_text() + "stories_per_run = 3\n")
    config, problems = load_config(definition)
    assert config is None
    assert [p.code for p in problems] == ["E003"]
    assert "stories_per_run is no longer used" in problems[0].message
    assert "remove the line" in problems[0].message


def test_folios_see_also_and_running_heads_are_right_on_every_page(content, tmp_path):
    _many_stories(content, 6, paragraphs=8)
    pdf, _ = _render(_edition(content, tmp_path), tmp_path)
    pages = _page_texts(pdf)
    assert len(pages) >= 8
    for number, text in enumerate(pages[1:], start=2):
        assert _last_line(text) == str(number), f"folio of page {number}"
        assert "NATIONAL" in text or "CONTENTS" in text or "MORE STORIES" in text.upper(), \
            f"running head of page {number}"
    starts = {int(m[1]): n for n, text in enumerate(pages, start=1)
              for m in re.finditer(r"^\s*Story (\d+)\s*$", text, re.MULTILINE)}
    see_also = {int(p) for p in re.findall(r"Story 5, page\s+(\d+)", " ".join(pages))}
    assert see_also == {starts[5]}


def _heads(pages: list[str]) -> set[int]:
    """Stories whose headline is the first line under a page's running head."""
    found = set()
    for text in pages:
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        if len(lines) > 1 and (match := re.fullmatch(r"Story (\d+)", lines[1])):
            found.add(int(match[1]))
    return found


def _corrected(content, slug: str, extra: str, word: str = "council") -> None:
    n = int(slug.split("-")[1])
    content.story(slug, headline=f"Story {n}", section="National",
                  body=(PARAGRAPH.replace("council", word) * 5 + "\n\n") * 5 + extra,
                  related=[{"headline": "Story 7", "slug": "story-07"}])


def _print(content, tmp_path, name: str, cache: Path | None):
    with WorkerPool(2, 0) as pool:
        result = pdf_module.print_pdf(_edition(content, tmp_path), tmp_path / name, pool, cache)
    (tmp_path / f"{name}.pdf").write_bytes(result.pdf)
    return result


def test_a_section_is_cut_into_runs_at_the_page_breaks_it_makes(content, tmp_path,
                                                               monkeypatch):
    """One flow per section, kept as runs cut before a story that begins a page, and
    after a page whose last story runs on (that run opens with it, under a lead-in); the
    next build of the day plans those runs, and a correction lays out only its own."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")  # builds compared byte for byte
    _many_stories(content, 8, paragraphs=5)
    cache = tmp_path / "cache"
    _print(content, tmp_path, "first", cache)
    pages = _page_texts(tmp_path / "first.pdf")
    heads = _heads(pages) - {0}
    edition = _edition(content, tmp_path)
    sections = [p for p in plan_parts(edition, PartCache(cache / "parts").cuts(edition))
                if p.kind == "section"]
    runs_on = [p for p in sections if p.lead_in is not None]
    assert heads and runs_on, "the test needs both kinds of cut"
    assert sorted(int(p.stories[0].split("-")[1]) for p in sections[1:]
                  if p.lead_in is None) == sorted(heads)
    for before, run in zip(sections, sections[1:], strict=False):
        assert before.continued == (run.lead_in is not None)
        if run.lead_in is not None:  # the story it opens with began on the page before
            assert before.stories[-1] == run.stories[0]
    # A correction in the last run: that run alone is laid out again, and the PDF is the
    # one a fresh build of the corrected day makes, byte for byte.
    _corrected(content, "story-07", "One more line.")
    again = _print(content, tmp_path, "again", cache)
    assert again.typeset == 1
    fresh = _print(content, tmp_path, "fresh", None)
    assert again.pdf == fresh.pdf
    assert "One more line." in " ".join(_page_texts(tmp_path / "again.pdf"))


def test_a_corrected_word_lays_out_only_the_runs_that_hold_the_story(content, tmp_path,
                                                                     monkeypatch):
    """A story in the middle of a section, held by two runs (it runs on from one into
    the next), corrected without changing its length: those two runs are laid out again
    as one part, nothing else, and the PDF is the fresh build's, byte for byte."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")
    _many_stories(content, 8, paragraphs=5)
    cache = tmp_path / "cache"
    _print(content, tmp_path, "first", cache)
    edition = _edition(content, tmp_path)
    holding = [p for p in plan_parts(edition, PartCache(cache / "parts").cuts(edition))
               if "story-02" in p.stories]
    assert len(holding) == 2 and holding[1].lead_in is not None, "the test's premise"
    _corrected(content, "story-02", "", word="Council")
    again = _print(content, tmp_path, "again", cache)
    assert again.typeset == 1
    assert again.pdf == _print(content, tmp_path, "fresh", None).pdf


def test_a_longer_story_moves_the_runs_that_follow_on_from_it(content, tmp_path,
                                                               monkeypatch):
    """The same story made longer moves the stories after it: the runs that open with a
    lead-in are laid out again, and so is a run whose first story began a page when the
    run before it now leaves more room (it may start there now). The PDF is still the
    fresh build's, byte for byte."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")
    _many_stories(content, 8, paragraphs=5)
    cache = tmp_path / "cache"
    _print(content, tmp_path, "first", cache)
    edition = _edition(content, tmp_path)
    record = PartCache(cache / "parts").cuts(edition)["National"]
    _corrected(content, "story-02", (PARAGRAPH * 4 + "\n\n") * 2, word="Council")
    again = _print(content, tmp_path, "again", cache)
    assert PartCache(cache / "parts").cuts(edition)["National"] != record, "what follows moved"
    assert again.pdf == _print(content, tmp_path, "fresh", None).pdf


def test_numbers_wider_than_the_placeholder_are_laid_out_as_text(content, tmp_path,
                                                                 monkeypatch):
    """A one-digit placeholder cannot hold page 12: those parts are laid out again with
    their numbers, and every number still comes out right."""
    _many_stories(content, 6, paragraphs=12)
    edition = _edition(content, tmp_path)
    monkeypatch.setattr(pdf_module, "placeholder", lambda stories: "8")
    pdf, result = _render(edition, tmp_path)
    pages = _page_texts(pdf)
    assert len(pages) >= 12, "the test needs two-digit page numbers"
    for number, text in enumerate(pages[1:], start=2):
        assert _last_line(text) == str(number)
    starts = {int(m[1]): n for n, text in enumerate(pages, start=1)
              for m in re.finditer(r"^\s*Story (\d+)\s*$", text, re.MULTILINE)}
    assert starts[5] >= 10
    see_also = {int(p) for p in re.findall(r"Story 5, page\s+(\d+)", " ".join(pages))}
    assert see_also == {starts[5]}
    assert result.typeset > len(plan_parts(edition)) + 1, "some parts were laid out again"


def test_numbers_that_never_settle_are_not_printed(content, tmp_path, monkeypatch):
    """After the last round of numbering the numbers are checked once more; if they
    still move, no PDF is made (R005), rather than one pointing at the wrong pages."""
    _many_stories(content, 2, paragraphs=1)
    edition = _edition(content, tmp_path)
    numbering, calls = pdf_module._numbering, []

    def moving(parts, layouts):  # every count gives other first pages
        pages, first_pages = numbering(parts, layouts)
        calls.append(1)
        return pages, {key: first + len(calls) for key, first in first_pages.items()}

    monkeypatch.setattr(pdf_module, "_numbering", moving)
    with SerialPool() as pool:
        result = pdf_module.print_pdf(edition, tmp_path / "work", pool)
    assert result.pdf is None
    assert [d.code for d in result.problems] == ["R005"]
    assert len(calls) > pdf_module.MAX_NUMBERING_ROUNDS


def test_numbers_that_settle_within_the_rounds_are_printed(content, tmp_path, monkeypatch):
    """The same check passes when the numbers move once and then hold."""
    _many_stories(content, 2, paragraphs=1)
    edition = _edition(content, tmp_path)
    numbering, calls = pdf_module._numbering, []

    def settling(parts, layouts):
        pages, first_pages = numbering(parts, layouts)
        calls.append(1)
        shift = 1 if len(calls) == 1 else 0
        return pages, {key: first + shift for key, first in first_pages.items()}

    monkeypatch.setattr(pdf_module, "_numbering", settling)
    with SerialPool() as pool:
        result = pdf_module.print_pdf(edition, tmp_path / "work", pool)
    assert result.pdf is not None, result.problems


@pytest.fixture(scope="module")
def weasyprint_document():
    from compiler.text.fonts import font_face_css, isolate_fontconfig

    isolate_fontconfig()
    from weasyprint import CSS, HTML

    from compiler.pdf.slots import slot

    html = (f"<p>See also: a headline, page&#160;{slot('far', '888')}</p>"
            f"<p>And page&#160;{slot('near', '888')}</p>")
    sheets = [CSS(string=font_face_css(lambda face: face.path.as_uri())),
              CSS(string='@page { size: A6; @bottom-center { content: counter(page); } }'
                         ' body { font-family: "Edition Sans"; }'
                         ' .page-slot { font-variant-numeric: tabular-nums; }')]
    return HTML(string=html).render(stylesheets=sheets)


def test_fill_writes_numbers_and_recentres_the_folio(weasyprint_document):
    from compiler.pdf import hooks
    from compiler.pdf.slots import fill, slots_of

    assert slots_of(weasyprint_document) == ["far", "near"]

    def folio():
        page = weasyprint_document.pages[0]
        return hooks.margin_text_boxes(page, "@bottom-center")[0]

    centre = folio().position_x + folio().width / 2
    for numbers, first in (({"far": 123, "near": 7}, 100), ({"far": 4, "near": 56}, 9)):
        fill(weasyprint_document, numbers, first)
        texts = [hooks.box_text(b) for b in hooks.page_text_boxes(weasyprint_document.pages[0])]
        assert str(numbers["far"]) in texts and str(numbers["near"]) in texts
        assert folio().text == str(first)
        assert folio().position_x + folio().width / 2 == pytest.approx(centre)
    text = weasyprint_document.write_pdf()
    assert b"%PDF" in text[:8]


def test_the_whole_document_names_only_photos_that_are_on_disk(content, tmp_path):
    """The preview and the benchmark's baseline lay out print_html: every photo it names
    must have been made, however many there are (more than the threads making them)."""
    from compiler.pdf.photos import PHOTO_FOLDER, PHOTO_SCHEME
    from compiler.pdf.printer import print_html

    for n in range(8):
        content.photo(f"p{n}.jpg", size=(900, 600), color=(20 * n, 90, 140))
        content.story(f"s{n}", headline=f"Photo story {n}", section="National",
                      image={"src": f"../images/p{n}.jpg", "alt": f"photo {n}"})
    html = print_html(_edition(content, tmp_path), tmp_path / "work")
    names = re.findall(rf"{PHOTO_SCHEME}:([^\"']+)", html)
    assert len(set(names)) == 8
    for name in names:
        assert (tmp_path / "work" / PHOTO_FOLDER / name).stat().st_size > 1000
