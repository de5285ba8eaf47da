"""Pages a night editor would sign off, judged on generated days (not the sample) with
poppler's own reading of the PDF (pdftotext -bbox-layout) and its outline (pikepdf).

What is asserted: the report lists every part-empty page that may not end short; no
"See also" line opens a column or a page, or points at the page it stands on; a long
table repeats its header; the cover's index names every section with stories; and a
5 000-character headline (and standfirst, caption, teaser) leaves the cover and the
contents at one page each.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from xml.etree import ElementTree

import pikepdf
import pytest

from support import run_cli
from support.days import generated_day

MM = 72 / 25.4
TOP, BOTTOM, SIDE = 20 * MM, 18 * MM, 15 * MM  # print.css @page margins
XHTML = "{http://www.w3.org/1999/xhtml}"


def _table_story(content) -> None:
    rows = "\n".join(f"| Province {i} | {1000 + 37 * i} | {i % 7}.{i % 10} |" for i in range(90))
    content.story("story-table", headline="Rice yields by province, the full table",
                  section="Business", priority=50,
                  body="The ministry published the yields.\n\n| Province | Tonnes | Change |\n"
                       "|---|---:|---:|\n" + rows + "\n\nThe figures are provisional.\n")


@pytest.fixture(scope="module")
def day(tmp_path_factory):
    root = tmp_path_factory.mktemp("layout")
    # The eight most important stories are all National: the cover must still show the
    # other sections (it used to list the first six stories in edition order).
    content = generated_day(root / "content", 28, seed=7, **{
        f"story-{i:03d}": {"section": "National", "priority": i} for i in range(1, 9)})
    _table_story(content)
    out = root / "out"
    result = run_cli("build", content.root, "--out", out, "--date", "2026-11-25", "--quiet")
    assert result.returncode == 0, result.stderr
    pdf = out / "daily-2026-11-25.pdf"
    report = json.loads((out / "daily-2026-11-25.report.json").read_text())
    return pdf, report, _lines(pdf)


def _lines(pdf: Path) -> list[list[tuple[float, float, float, float, str]]]:
    """Per page, every text line poppler finds: (x0, y0, x1, y1, text), y from the top."""
    html = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    tree = ElementTree.fromstring(html)
    pages = []
    for page in tree.iter(f"{XHTML}page"):
        lines = []
        for line in page.iter(f"{XHTML}line"):
            words = [w.text or "" for w in line.iter(f"{XHTML}word")]
            box = [float(line.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")]
            lines.append((*box, " ".join(words)))
        pages.append(lines)
    return pages


def _body_lines(lines, height: float = 841.89):
    """Lines in the text block: running heads and folios left out."""
    return [line for line in lines if line[1] > TOP - 1 and line[3] < height - BOTTOM + 1]


def _columns(lines, width: float = 595.28):
    middle = width / 2
    left = [line for line in lines if line[0] < middle - 2]
    right = [line for line in lines if line[2] > middle + 2]
    return left, right


def _section_starts(pdf: Path) -> set[int]:
    """1-based pages where a section (or More stories) begins, from the PDF's outline."""
    with pikepdf.open(pdf) as doc:
        pages = {page.obj.objgen: number for number, page in enumerate(doc.pages, start=1)}
        with doc.open_outline() as outline:
            starts = set()
            for item in outline.root[2:]:  # front page, contents, then sections
                destination = item.destination
                if destination is not None:
                    starts.add(pages[destination[0].objgen])
    return starts


def _images_per_page(pdf: Path) -> set[int]:
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True,
                             check=True).stdout.splitlines()[2:]
    return {int(row.split()[0]) for row in listing if row.strip()}


def test_report_lists_every_part_empty_page(day):
    pdf, report, pages = day
    listed = {hole["page"]: hole["fill"] for hole in report["pages_under_85_percent"]}
    starts = _section_starts(pdf)
    exempt = {1, 2, len(pages)} | {start - 1 for start in starts}
    exempt |= set(range(1, min(starts)))  # the front: cover and contents
    pictured = _images_per_page(pdf)
    height = 841.89 - TOP - BOTTOM
    for number, lines in enumerate(pages, start=1):
        left, right = _columns(_body_lines(lines))
        text_fill = min(max((ln[3] for ln in column), default=TOP) for column in (left, right))
        text_fill = (text_fill - TOP) / height
        if number in listed:
            # Pictures can only add to what the text fills; never the other way round.
            assert text_fill <= listed[number] + 0.02, (number, text_fill, listed[number])
            assert listed[number] < 0.85
            assert number not in exempt, f"page {number} may end short, yet it is listed"
        elif number not in exempt and number not in pictured:
            assert text_fill >= 0.83, f"page {number} is {text_fill:.0%} full, not listed"


def test_no_see_also_opens_a_column_or_points_at_its_own_page(day):
    _, _, pages = day
    seen = 0
    for number, lines in enumerate(pages, start=1):
        for column in _columns(_body_lines(lines)):
            if column:
                first = min(column, key=lambda line: line[1])
                assert not first[4].startswith("See also"), f"page {number}: {first[4]}"
        text = "\n".join(line[4] for line in lines)
        for match in re.finditer(r"See also:.*?(?:page\s+(\d+)|this page)", text, re.S):
            seen += 1
            assert match.group(1) is None or int(match.group(1)) != number, match.group(0)
    assert seen >= 5  # the day has related stories: the check saw some


def test_a_long_table_repeats_its_header(day):
    pdf, _, _ = day
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert len(re.findall(r"^\s*Province \d+\s+\d+\s+\d\.\d\s*$", text, re.M)) == 90
    headers = re.findall(r"Province\s+Tonnes\s+Change", text)
    assert len(headers) >= 2, "the 90-row table runs over columns without its header"


def test_cover_index_names_every_section_with_stories(day):
    pdf, report, pages = day
    cover = "\n".join(line[4] for line in pages[0]).casefold()
    index = cover.split("also in this edition")[1]
    with_stories = {headline["section"] for headline in report["headlines"]}
    assert len(with_stories) >= 4
    for section in with_stories:
        assert section.casefold() in index, f"{section} is not on the cover"


def test_overlong_texts_leave_the_cover_and_contents_one_page(tmp_path):
    long = " ".join(["Extraordinarily"] * 330)  # about 5 000 characters
    content = generated_day(tmp_path / "content", 8, seed=3, **{
        "story-001": {"headline": long, "priority": 0, "standfirst": long[:3000],
                      "related": [{"headline": long, "teaser": long[:2500],
                                   "url": "https://www.example.com/long"}]},
        "story-002": {"headline": long[:2000], "priority": 1},
    })
    out = tmp_path / "out"
    result = run_cli("build", content.root, "--out", out, "--date", "2026-11-25", "--quiet")
    assert result.returncode == 0, result.stderr
    assert "stories/story-001.md" in result.stderr and "S010" in result.stderr
    assert "shortened" in result.stderr
    pages = _lines(out / "daily-2026-11-25.pdf")
    starts = _section_starts(out / "daily-2026-11-25.pdf")
    assert min(starts) == 3, "the cover and the contents took more than a page each"
    contents = " ".join(line[4] for line in pages[1])
    assert contents.startswith("THE") or "Contents" in contents
    assert "Contents" not in " ".join(line[4] for line in pages[0])
    strict = run_cli("build", content.root, "--out", tmp_path / "strict", "--date",
                     "2026-11-25", "--strict", "--quiet")
    assert strict.returncode == 1
    assert not (tmp_path / "strict" / "daily-2026-11-25.pdf").exists()

