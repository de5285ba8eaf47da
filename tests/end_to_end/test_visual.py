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

from support import REPO, pdftotext

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


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_matches_reference(name, sample_build, tmp_path, update_visual):
    out, _ = sample_build
    pdf = next(out.glob("*.pdf"))
    number = _find_page(pdf, _page_count(pdf), PAGES[name])
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
