"""Small pieces of the shelf, without a build: EPUB reading, folders, dates, the lock."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
from PIL import Image

from compiler.shelf.epubinfo import EpubProblem, read_epub, thumbnail
from compiler.shelf.issue import FileEntry, Issue, read_issue, write_issue
from compiler.shelf.lock import Locked, shelf_lock
from compiler.shelf.page import lang_of
from compiler.shelf.paths import day_dirs, href, prune_empty
from compiler.shelf.retention import apply_retention, oldest_kept

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


def test_epub_facts_come_from_the_package_and_the_nav():
    facts = read_epub(epub())
    assert facts.identifier == "urn:edition:daily:2026-11-25"
    assert facts.title == "The Daily, Wednesday 25 November 2026"
    assert (facts.author, facts.language, facts.issued) == ("Newsroom", "en", "2026-11-25")
    assert facts.sections == ("National", "Sport")
    # Story entries only (not Contents or the sections), the lead named by the description first.
    assert facts.headlines == ("Second story leads", "First story", "Third story")
    assert facts.cover[:2] == b"\xff\xd8"  # found through the manifest, not a fixed path


def test_a_broken_epub_is_a_clear_problem():
    with pytest.raises(EpubProblem, match="not a zip"):
        read_epub(b"PK but not really")
    with pytest.raises(EpubProblem, match="container.xml"):
        read_epub(epub(**{"META-INF/container.xml": None}))
    with pytest.raises(EpubProblem, match="identifier or dc:title"):
        read_epub(epub(**{"OPS/package.opf": OPF.replace("dc:title", "dc:x")}))


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
    for day in ("2026/11/20", "2026/11/24", "2026/11/25"):
        (tmp_path / "daily" / day).mkdir(parents=True)
        (tmp_path / "daily" / day / "issue.json").write_text("{}")
    (tmp_path / "daily" / "2026" / "11" / "30").mkdir()  # incomplete: does not count
    assert apply_retention(tmp_path, "daily", 2) == [date(2026, 11, 20)]
    assert (tmp_path / "daily" / "2026" / "11" / "30").is_dir()


def test_issue_record_round_trips_and_needs_its_files(tmp_path):
    issue = Issue(edition="daily", date=date(2026, 11, 25), identifier="urn:x", title="T",
                  edition_title="The Daily", headlines=("Lead", "Next"), published="p",
                  updated="u", files={"pdf": FileEntry("daily-2026-11-25.pdf", 5, "ab")})
    write_issue(tmp_path, issue)
    assert read_issue(tmp_path) is None  # the PDF it names is not there
    (tmp_path / "daily-2026-11-25.pdf").write_bytes(b"%PDF-")
    assert read_issue(tmp_path) == issue
    assert read_issue(tmp_path).lead == "Lead"


def test_the_lock_is_exclusive_and_names_its_holder(tmp_path):
    with shelf_lock(tmp_path / "public") as path:
        assert path.read_text().strip().isdigit()
        with pytest.raises(Locked, match=r"another run \(pid \d+\).*try again"):
            with shelf_lock(tmp_path / "public"):
                pass
    with shelf_lock(tmp_path / "public"):  # released on leaving
        pass


def test_small_helpers():
    assert href("daily", "2026", "11", "25", "a b.pdf") == "daily/2026/11/25/a%20b.pdf"
    assert href("", "opds.xml") == "opds.xml"
    assert lang_of("ពលរដ្ឋ ៣ លាន", "en") == "km"
    assert lang_of("City to widen canals", "en") == "en"
