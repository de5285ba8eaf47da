"""Small pieces of the shelf, without a build: the report, the EPUB, folders, dates, the lock."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date

import pytest
from PIL import Image

from compiler.shelf.epubinfo import EpubProblem, read_epub, thumbnail
from compiler.shelf.issue import FileEntry, Headline, Issue, read_issue, write_issue
from compiler.shelf.lock import Locked, shelf_lock
from compiler.shelf.paths import day_dir, day_dirs, day_href, href, prune_empty
from compiler.shelf.report import ReportProblem, parse_report, read_report
from compiler.shelf.retention import expired, oldest_kept

OPF = """<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">
 <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
  <dc:identifier id="id">urn:edition:daily:2026-11-25</dc:identifier>
  <dc:title>The Daily, Wednesday 25 November 2026</dc:title>
  <dc:language>en</dc:language>
  <dc:creator>Newsroom</dc:creator>
  <dc:date>2026-11-25</dc:date>
  <dc:description>The Daily for Wednesday 25 November 2026: Second story leads</dc:description>
  <dc:subject>National</dc:subject><dc:subject>Sport</dc:subject>
 </metadata>
 <manifest>
  <item href="art/front.jpg" id="c" media-type="image/jpeg" properties="cover-image"/>
  <item href="nav.xhtml" id="nav" media-type="application/xhtml+xml" properties="nav"/>
 </manifest>
</package>"""
NAV = """<?xml version="1.0" encoding="utf-8"?>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">
<body><nav epub:type="toc"><ol>
 <li><a href="contents.xhtml">Contents</a></li>
 <li><a href="national.xhtml">National</a><ol>
   <li><a href="a.xhtml">First   story</a></li>
   <li><a href="b.xhtml">Second story leads</a></li></ol></li>
 <li><a href="sport.xhtml">Sport</a><ol><li><a href="c.xhtml">Third story</a></li></ol></li>
</ol></nav></body></html>"""
CONTAINER = """<?xml version="1.0"?>
<container xmlns="urn:oasis:names:tc:opendocument:xmlns:container" version="1.0">
<rootfiles><rootfile full-path="OPS/package.opf" media-type="application/oebps-package+xml"/>
</rootfiles></container>"""


def jpeg(size=(1600, 2400)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()


def epub(**replace) -> bytes:
    files = {"mimetype": "application/epub+zip", "META-INF/container.xml": CONTAINER,
             "OPS/package.opf": OPF, "OPS/nav.xhtml": NAV, "OPS/art/front.jpg": jpeg()}
    files.update(replace)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files.items():
            if data is not None:
                archive.writestr(name, data)
    return out.getvalue()


def test_from_the_epub_only_its_identity_and_cover():
    book = read_epub(epub())
    assert book.identifier == "urn:edition:daily:2026-11-25"
    assert book.title == "The Daily, Wednesday 25 November 2026"
    assert (book.author, book.language, book.issued) == ("Newsroom", "en", "2026-11-25")
    assert book.cover[:2] == b"\xff\xd8"  # found through the manifest, not a fixed path
    assert not hasattr(book, "headlines") and not hasattr(book, "sections")
    # The navigation document is not read at all: an EPUB without one reads the same.
    assert read_epub(epub(**{"OPS/nav.xhtml": None})) == book


def test_a_broken_epub_is_a_clear_problem():
    with pytest.raises(EpubProblem, match="not a zip"):
        read_epub(b"PK but not really")
    with pytest.raises(EpubProblem, match="container.xml"):
        read_epub(epub(**{"META-INF/container.xml": None}))
    with pytest.raises(EpubProblem, match="identifier or dc:title"):
        read_epub(epub(**{"OPS/package.opf": OPF.replace("dc:title", "dc:x")}))
    with pytest.raises(EpubProblem, match="art/front.jpg, which is not in the EPUB"):
        read_epub(epub(**{"OPS/art/front.jpg": None}))


def report_data(**replace) -> dict:
    """A report as ``edition build`` writes it (only the keys the shelf reads, and one more)."""
    data = {
        "compiler": "edition-compiler 1.0",
        "edition": "daily",
        "exit_code": 0,
        "included": ["stories/a.md", "stories/b.md", "stories/c.md"],
        "lead": "Second story leads",
        "headlines": [
            {"section": "National", "headline": "First story", "language": "en"},
            {"section": "National", "headline": "Second story leads", "language": "en"},
            {"section": "Sport", "headline": "ពលរដ្ឋ ៣ លាន", "language": "km"},
        ],
        "sections": ["National", "Sport"],
        "left_out": [{"file": "stories/bad.md", "problems": []}],
        "outputs": {"pdf": {"file": "daily-2026-11-25.pdf", "bytes": 1234}},
        "pages": 8,
    }
    data.update(replace)
    return data


def test_the_report_gives_lead_headlines_sections_and_counts(tmp_path):
    path = tmp_path / "daily-2026-11-25.report.json"
    path.write_text(json.dumps(report_data()), encoding="utf-8")
    report = read_report(path)
    assert report.path == path and report.edition == "daily"
    assert report.lead == "Second story leads"
    assert [h.text for h in report.headlines] == [
        "First story", "Second story leads", "ពលរដ្ឋ ៣ លាន"]  # edition order
    assert [h.text for h in report.lead_first()] == [
        "Second story leads", "First story", "ពលរដ្ឋ ៣ លាន"]
    assert report.headlines[2] == Headline("ពលរដ្ឋ ៣ លាន", "km", "Sport")
    assert report.sections == ("National", "Sport")
    assert (report.stories, report.left_out, report.pages) == (3, 1, 8)
    assert report.outputs["pdf"].file == "daily-2026-11-25.pdf"
    assert report.outputs["pdf"].bytes == 1234


@pytest.mark.parametrize(("data", "problem"), [
    (report_data(exit_code=1), "the build failed (exit code 1)"),
    (report_data(headlines=None), "no usable 'headlines'"),
    ({k: v for k, v in report_data().items() if k != "sections"}, "no usable 'sections'"),
    (report_data(lead="Not a headline of the day"), "is not among the report's headlines"),
    (report_data(headlines=[{"headline": "First story"}]), "lacks its headline, language"),
    (report_data(sections=["National", 3]), "must be a list of strings"),
    (report_data(pages="8"), "no usable 'pages'"),
    (report_data(outputs={"pdf": {"file": "x.pdf"}}), "lacks its file name or size"),
    ([1, 2], "not a build report"),
])
def test_an_unusable_report_names_itself_and_says_rebuild(tmp_path, data, problem):
    path = tmp_path / "daily-2026-11-25.report.json"
    with pytest.raises(ReportProblem, match="rebuild") as caught:
        parse_report(data, path)
    assert str(caught.value).startswith(f"{path}: ") and problem in str(caught.value)


def test_a_missing_or_damaged_report_file_is_a_clear_problem(tmp_path):
    path = tmp_path / "daily-2026-11-25.report.json"
    with pytest.raises(ReportProblem, match="no build report.*run `edition build` first"):
        read_report(path)
    path.write_text('{"edition": "daily",', encoding="utf-8")
    with pytest.raises(ReportProblem, match="not valid JSON .*rebuild"):
        read_report(path)
    path.unlink()
    path.mkdir()  # cannot be read as a file
    with pytest.raises(ReportProblem, match="cannot be read .*rebuild"):
        read_report(path)


def test_thumbnail_is_a_300px_jpeg_keeping_the_shape():
    with Image.open(io.BytesIO(thumbnail(jpeg()))) as image:
        assert image.format == "JPEG" and image.size == (300, 450)


def test_day_folders_are_only_real_dates(tmp_path):
    for name in ("2026/11/25", "2026/11/31", "2026/1/05", "2026/12/01", "misc/01/01", "2027/02/x"):
        (tmp_path / name).mkdir(parents=True)
    assert [d for d, _ in day_dirs(tmp_path)] == [date(2026, 11, 25), date(2026, 12, 1)]


def test_pruning_stops_at_the_edition_folder_and_at_anything_left(tmp_path):
    (tmp_path / "daily" / "2026" / "11" / "25").mkdir(parents=True)
    (tmp_path / "daily" / "2026" / "12").mkdir(parents=True)
    prune_empty(tmp_path / "daily" / "2026" / "11" / "25", tmp_path / "daily")
    assert not (tmp_path / "daily" / "2026" / "11").exists()
    assert (tmp_path / "daily" / "2026" / "12").is_dir()
    prune_empty(tmp_path / "daily" / "2026" / "12", tmp_path / "daily")
    assert (tmp_path / "daily").is_dir() and not (tmp_path / "daily" / "2026").exists()


def test_retention_window_counts_back_from_the_newest_complete_day(tmp_path):
    assert oldest_kept(date(2026, 11, 25), 30) == date(2026, 10, 27)
    assert oldest_kept(date(2026, 11, 25), 1) == date(2026, 11, 25)
    assert oldest_kept(date(2026, 11, 25), 0) == date(2026, 11, 25)  # never the newest day
    days = [date(2026, 11, d) for d in (20, 24, 25, 30)]  # the 30th: newer, incomplete
    assert expired(date(2026, 11, 25), days, 2) == [date(2026, 11, 20)]
    assert expired(date(2026, 11, 25), days, 30) == []


def test_issue_record_round_trips_and_needs_its_files(tmp_path):
    issue = Issue(edition="daily", date=date(2026, 11, 25), identifier="urn:x", title="T",
                  edition_title="The Daily", published="p", updated="u",
                  headlines=(Headline("Lead", "en", "National"), Headline("ក", "km", "Sport")),
                  files={"pdf": FileEntry("daily-2026-11-25.pdf", 5, "ab")})
    write_issue(tmp_path, issue)
    assert read_issue(tmp_path) is None  # the PDF it names is not there
    (tmp_path / "daily-2026-11-25.pdf").write_bytes(b"%PDF-")
    assert read_issue(tmp_path) == issue
    assert read_issue(tmp_path).lead == Headline("Lead", "en", "National")


def test_records_of_format_1_are_still_read(tmp_path):
    """Days published before headlines carried their language keep their place on the shelf."""
    (tmp_path / "daily-2026-11-25.pdf").write_bytes(b"%PDF-")
    (tmp_path / "issue.json").write_text(json.dumps({
        "format": 1, "edition": "daily", "date": "2026-11-25", "identifier": "urn:x",
        "title": "T", "edition_title": "The Daily", "language": "en",
        "headlines": ["City to widen canals", "ពលរដ្ឋ ៣ លាន"], "sections": ["National"],
        "files": {"pdf": {"file": "daily-2026-11-25.pdf", "bytes": 5, "sha256": "ab"}}}))
    issue = read_issue(tmp_path)
    assert issue.headlines == (Headline("City to widen canals", "en", ""),
                               Headline("ពលរដ្ឋ ៣ លាន", "km", ""))
    record = json.loads((tmp_path / "issue.json").read_text())
    (tmp_path / "issue.json").write_text(json.dumps({**record, "format": 99}))
    assert read_issue(tmp_path) is None  # a newer shelf's record is not misread


def test_the_lock_is_exclusive_and_names_its_holder(tmp_path):
    with shelf_lock(tmp_path / "public") as path:
        assert path.read_text().strip().isdigit()
        with pytest.raises(Locked, match=r"another run \(pid \d+\).*try again"):
            with shelf_lock(tmp_path / "public"):
                pass
    with shelf_lock(tmp_path / "public"):  # released on leaving
        pass


def test_small_helpers(tmp_path):
    assert href("daily", "2026", "11", "25", "a b.pdf") == "daily/2026/11/25/a%20b.pdf"
    assert href("", "opds.xml") == "opds.xml"
    day = date(2027, 1, 2)
    assert day_href("daily", day, "a b.pdf") == "daily/2027/01/02/a%20b.pdf"
    assert day_href("", day, "x.pdf") == "2027/01/02/x.pdf"
    assert day_dir(tmp_path, "daily", day) == tmp_path / "daily" / "2027" / "01" / "02"
