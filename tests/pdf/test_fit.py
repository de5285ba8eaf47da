"""A story's photo fitted to what is left of a page (compiler/pdf/fit.py): the HTML it
changes, and on a generated day, judged by poppler, that fitting fills pages without
changing a photo's proportions or parting it from its caption."""

from __future__ import annotations

import json
import subprocess

import pytest

from compiler.pdf.fit import Fit, apply_fits
from support import run_cli
from support.days import generated_day

ANCHOR = "story-harbour"
HTML = (f'<article id="{ANCHOR}"><div class="body">'
        f'<!--fit:photo:{ANCHOR}--><figure class="photo in-column"><img src="p.jpg" alt="">'
        f'<figcaption>Caption</figcaption></figure><!--/fit:photo:{ANCHOR}-->'
        f'<p>One</p><!--fit:after:{ANCHOR}:1--><p>Two</p><!--fit:after:{ANCHOR}:2-->'
        f'<p>Three</p><!--fit:after:{ANCHOR}:3--></div></article>')


def _order(html: str) -> list[str]:
    marks = ("<figure", "<p>One", "<p>Two", "<p>Three")
    return sorted(marks, key=html.index)


def test_a_moved_photo_follows_the_blocks_it_is_set_after():
    moved = apply_fits(HTML, {ANCHOR: Fit(after=2)})
    assert _order(moved) == ["<p>One", "<p>Two", "<figure", "<p>Three"]
    assert moved.count("<figure") == 1 and "max-height" not in moved


def test_a_capped_photo_keeps_its_place_and_gets_its_height():
    capped = apply_fits(HTML, {ANCHOR: Fit(height=41.5)})
    assert _order(capped) == ["<figure", "<p>One", "<p>Two", "<p>Three"]
    assert '<img style="max-height: 41.5mm" src="p.jpg"' in capped


def test_a_fit_for_a_story_not_in_the_part_changes_nothing():
    assert apply_fits(HTML, {"story-elsewhere": Fit(after=1)}) == HTML
    assert apply_fits(HTML, {}) == HTML


@pytest.fixture(scope="module")
def day(tmp_path_factory):
    root = tmp_path_factory.mktemp("fit")
    content = generated_day(root / "content", 20, seed=2026)
    out = root / "out"
    result = run_cli("build", content.root, "--out", out, "--date", "2026-11-25", "--quiet",
                     "--cache-dir", root / "cache")
    assert result.returncode == 0, result.stderr
    report = json.loads((out / "daily-2026-11-25.report.json").read_text())
    return out / "daily-2026-11-25.pdf", report, content, root


def test_a_rebuild_keeps_the_fitted_photos_and_lays_out_nothing(day):
    """The fits are kept with the day's cuts: the next build plans the same runs with the
    same photos, finds every one in the cache, and writes the same PDF."""
    pdf, report, content, root = day
    assert report["pdf_parts_laid_out"] > 7  # the sections' flows, and the fits' layouts
    again = root / "again"
    result = run_cli("build", content.root, "--out", again, "--date", "2026-11-25", "--quiet",
                     "--cache-dir", root / "cache")
    assert result.returncode == 0, result.stderr
    second = json.loads((again / "daily-2026-11-25.report.json").read_text())
    assert second["pdf_parts_laid_out"] == 0
    assert (again / "daily-2026-11-25.pdf").read_bytes() == pdf.read_bytes()


def test_fitted_photos_keep_their_proportions(day):
    """pdfimages gives each picture's resolution across and down the page: equal when
    the picture is drawn in its own proportions (a cap narrows it as it shortens it)."""
    pdf = day[0]
    rows = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True,
                          check=True).stdout.splitlines()[2:]
    images = [row.split() for row in rows if row.strip() and row.split()[2] == "image"]
    assert len(images) >= 8
    for row in images:
        x_ppi, y_ppi = int(row[12]), int(row[13])
        assert abs(x_ppi - y_ppi) <= 0.02 * x_ppi + 1, row


def test_the_day_has_few_part_empty_pages(day):
    """At most 1 in 10 of the pages that may not end short is under 85 % full."""
    report = day[1]
    holes, pages = len(report["pages_under_85_percent"]), report["pages_that_must_be_full"]
    assert pages >= 15
    assert holes <= pages / 10, report["pages_under_85_percent"]
