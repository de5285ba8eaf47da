"""A story's photo fitted to what is left of a page as the page is laid out
(compiler/pdf/fit.py): on a laid-out page, which fit is chosen for the space left; and
on a generated day, judged by poppler, that fitting fills pages without changing a
photo's proportions, and that a rebuild makes the same pages."""

from __future__ import annotations

import io
import json
import subprocess

import pytest
from PIL import Image

from compiler.pdf import fit, hooks
from support import run_cli
from support.days import generated_day
from support.storypage import story_under

MM = 96 / 25.4


def _photo_uri() -> str:
    import base64

    data = io.BytesIO()
    Image.new("RGB", (600, 400), (120, 90, 60)).save(data, "PNG")
    return "data:image/png;base64," + base64.b64encode(data.getvalue()).decode()


PHOTO = _photo_uri()


def _story_under(filler_mm: float, tmp_path):
    """A5 page, a filler ``filler_mm`` tall, then a story whose photo leads its first
    column (42.7 mm tall there): returns (page of the story, [(page, drawn height mm)] of
    the photo) from the written PDF, as pdfimages reads it."""
    document = story_under(filler_mm, PHOTO)
    page = next(i for i, p in enumerate(document.pages, 1) if "story-a" in p.anchors)
    pdf = tmp_path / f"story-{filler_mm}.pdf"
    pdf.write_bytes(document.write_pdf())
    rows = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True,
                          check=True).stdout.splitlines()[2:]
    images = [(int(r.split()[0]), int(r.split()[4]) / int(r.split()[13]) * 25.4)
              for r in rows if r.strip()]
    return page, images


@pytest.fixture
def fitted():
    fit.install()
    yield
    hooks.restore()


@pytest.mark.parametrize("filler", [60.0, 145.0, 158.0])
def test_without_the_fit_a_story_jumps_only_when_its_photo_does_not_fit(filler, tmp_path):
    hooks.restore()
    page, images = _story_under(filler, tmp_path)
    if filler > 100:
        assert page == 2 and images[0][0] == 2
    else:
        assert page == 1 and images == [(1, pytest.approx(42.7, abs=0.5))]


def test_a_photo_that_nearly_fits_is_capped_and_keeps_its_place(fitted, tmp_path):
    page, images = _story_under(145.0, tmp_path)
    assert page == 1
    ((photo_page, height),) = images
    assert photo_page == 1
    assert 0.75 * 42.7 - 0.5 <= height <= 0.9 * 42.7 + 0.5


def test_a_photo_with_no_room_moves_down_the_body_and_the_text_fills_the_page(
        fitted, tmp_path):
    page, images = _story_under(158.0, tmp_path)
    assert page == 1  # the headline and the text begin under the filler
    assert images == [(2, pytest.approx(42.7, abs=0.5))]  # whole, on the next page


def test_a_story_that_fits_is_left_as_it_is(fitted, tmp_path):
    assert _story_under(60.0, tmp_path) == (1, [(1, pytest.approx(42.7, abs=0.5))])


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


def test_a_rebuild_lays_out_nothing_and_writes_the_same_pdf(day):
    """A fit depends only on where its story stands: the next build plans the runs the
    first one cut, finds every one in the cache, and writes the same PDF."""
    pdf, report, content, root = day
    assert report["pdf_parts_laid_out"] >= 5  # the sections' flows
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
