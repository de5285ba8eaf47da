"""Visual regression: chosen pages of the sample edition against committed pictures.

Run `python -m pytest tests/end_to_end/test_visual.py --update-visual` to regenerate the
references (and the pictures in docs/), then review them in the diff.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from support import REPO, SAMPLE, pdftotext, run_cli

REFERENCES = REPO / "tests" / "end_to_end" / "visual"
DOCS = REPO / "docs"
RESOLUTION = 50
TOLERANCE = 1.5
"""Mean absolute difference per channel (0-255): catches moved text or lost photos, not noise."""


def _find_page(pdf: Path, pages: int, predicate) -> int:
    for number in range(1, pages + 1):
        if predicate(number, pdftotext(pdf, "-f", str(number), "-l", str(number))):
            return number
    raise AssertionError("no page matches")


def _page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    return int(next(line.split()[1] for line in info.stdout.splitlines()
                    if line.startswith("Pages:")))


def _render(pdf: Path, number: int, target: Path) -> Path:
    stem = target.with_suffix("")
    subprocess.run(["pdftoppm", "-png", "-r", str(RESOLUTION), "-f", str(number), "-l",
                    str(number), "-singlefile", str(pdf), str(stem)], check=True)
    return target


PAGES = {
    "cover": lambda number, text: number == 1,
    "story": lambda number, text: number > 2 and "Government" in text and "POST STAFF" in text,
    "khmer": lambda number, text: sum("\u1780" <= ch <= "\u17ff" for ch in text) > 800,
    "more-stories": lambda number, text: "READ ONLINE" in text.upper(),
}


def _khmer_text(text: str) -> int:
    return sum("\u1780" <= ch <= "\u17ff" for ch in text)


KHMER_PAGES = {
    "khmer-cover": lambda number, text: number == 1,
    "khmer-contents": lambda number, text: number == 2 and "មាតិកា" in text,
    "khmer-story": lambda number, text: number > 2 and _khmer_text(text) > 1500
    and "ព័ត៌មានជាតិ" in text,
}
"""The Khmer edition (editions/khmer.toml) of the same day: cover, contents, a story page."""


@pytest.fixture(scope="module")
def khmer_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("khmer-out")
    result = run_cli("build", SAMPLE, "--edition", "khmer", "--out", out, "--date",
                     "2026-11-25", "--quiet")
    assert result.returncode == 0, result.stderr
    return out


@pytest.mark.parametrize("name", sorted(PAGES) + sorted(KHMER_PAGES))
def test_page_matches_reference(name, request, tmp_path, update_visual):
    if name in KHMER_PAGES:
        out, pages = request.getfixturevalue("khmer_build"), KHMER_PAGES
    else:
        out, pages = request.getfixturevalue("sample_build")[0], PAGES
    pdf = next(out.glob("*.pdf"))
    number = _find_page(pdf, _page_count(pdf), pages[name])
    current = _render(pdf, number, tmp_path / f"{name}.png")
    reference = REFERENCES / f"{name}.png"
    if update_visual:
        REFERENCES.mkdir(exist_ok=True)
        shutil.copyfile(current, reference)
        shutil.copyfile(current, DOCS / f"page-{name}.png")
        pytest.skip(f"reference {reference.name} regenerated")
    assert reference.is_file(), f"no reference; run pytest {__file__} --update-visual"
    with Image.open(current) as now, Image.open(reference) as then:
        assert now.size == then.size, f"page {number} changed size"
        difference = ImageStat.Stat(ImageChops.difference(now.convert("RGB"),
                                                          then.convert("RGB"))).mean
    assert max(difference) <= TOLERANCE, (
        f"{name} (page {number}) differs from {reference.name} by {difference}; "
        "if the change is intended, rerun with --update-visual and review the pictures")
