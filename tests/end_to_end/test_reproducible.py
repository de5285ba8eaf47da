"""Same content + same SOURCE_DATE_EPOCH -> the same bytes, whatever the clock, zone or locale.

The PDF, the EPUB and the Kobo KEPUB are all checked. Three builds run at once in separate
processes: two with the same SOURCE_DATE_EPOCH but a different TZ and LANG (they must be
byte-identical), one with another SOURCE_DATE_EPOCH (its EPUB's dcterms:modified must move,
proving the variable is used).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pikepdf
import pytest
from lxml import etree

from support import FIXED_EPOCH, REPO, Content
from support.hostile import pdf_all_bytes

DATE = "2026-11-25"
OTHER_EPOCH = str(int(FIXED_EPOCH) + 86_400 + 3_723)  # a day, an hour, 2 min and 3 s later
OPF = "{http://www.idpf.org/2007/opf}"
DC = "{http://purl.org/dc/elements/1.1/}"
BUILDS = {
    "utc": {"SOURCE_DATE_EPOCH": FIXED_EPOCH, "TZ": "UTC", "LANG": "C", "LC_ALL": "C"},
    "phnom-penh": {"SOURCE_DATE_EPOCH": FIXED_EPOCH, "TZ": "Asia/Phnom_Penh",
                   "LANG": "km_KH.UTF-8", "LC_ALL": "km_KH.UTF-8"},
    "later": {"SOURCE_DATE_EPOCH": OTHER_EPOCH, "TZ": "America/Los_Angeles",
              "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"},
}


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("repro")
    content = Content(tmp / "content")
    content.photo("river.jpg", size=(1400, 900), color=(20, 100, 160))
    content.story("river", headline="River level falls after the rains", section="National",
                  priority=1, published="2026-11-24T18:30:00+07:00",
                  body="The Mekong fell by half a metre overnight.\n\n*Farmers* were relieved.\n",
                  image={"src": "../images/river.jpg", "alt": "The river", "caption": "Low water"})
    content.story("riel", headline="Riel steady against the dollar", section="Business",
                  body="| Day | Rate |\n|---|---|\n| Mon | 4,010 |\n| Tue | 4,012 |\n")
    content.story("boat-race", headline="ប្រណាំងទូកនៅភ្នំពេញ", section="Sport", language="km",
                  body="ការប្រណាំងទូកបានចាប់ផ្តើមនៅថ្ងៃនេះ។\n")
    processes = {}
    for name, extra in BUILDS.items():
        env = {**os.environ, **extra}
        out = tmp / name
        processes[name] = (out, subprocess.Popen(
            [sys.executable, "-m", "compiler", "build", str(content.root), "--out", str(out),
             "--date", DATE, "--quiet"], cwd=REPO, env=env, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True))
    outs = {}
    for name, (out, process) in processes.items():
        _, stderr = process.communicate(timeout=300)
        assert process.returncode == 0, f"{name}: {stderr}"
        outs[name] = out
    return outs


def zip_stamp(epoch: str) -> tuple:
    """Zip entries keep DOS times: two-second resolution."""
    stamp = datetime.fromtimestamp(int(epoch), tz=UTC).timetuple()[:6]
    return (*stamp[:5], stamp[5] - stamp[5] % 2)


def output(outs, name: str, kind: str) -> Path:
    return outs[name] / f"daily-{DATE}.{kind}"


def opf(epub: Path) -> etree._Element:
    with zipfile.ZipFile(epub) as archive:
        container = etree.fromstring(archive.read("META-INF/container.xml"))
        path = container.find(".//{*}rootfile").get("full-path")
        return etree.fromstring(archive.read(path))


def modified(epub: Path) -> str:
    return opf(epub).find(f".//{OPF}meta[@property='dcterms:modified']").text


def identifier(epub: Path) -> str:
    package = opf(epub)
    unique = package.get("unique-identifier")
    return package.find(f".//{DC}identifier[@id='{unique}']").text


def pdf_id(pdf: Path) -> list[bytes]:
    with pikepdf.open(pdf) as doc:
        return [bytes(part) for part in doc.trailer.ID]


@pytest.mark.parametrize("kind", ["pdf", "epub", "kepub.epub"])
def test_zone_and_locale_do_not_change_a_byte(builds, kind):
    first = output(builds, "utc", kind).read_bytes()
    second = output(builds, "phnom-penh", kind).read_bytes()
    assert first == second, f"{kind} differs between TZ=UTC/LANG=C and TZ=Asia/Phnom_Penh"


def test_pdf_id_and_epub_identifier_are_stable(builds):
    ids = {name: pdf_id(output(builds, name, "pdf")) for name in ("utc", "phnom-penh")}
    assert ids["utc"] == ids["phnom-penh"]
    assert len(ids["utc"]) == 2 and all(ids["utc"])
    identifiers = {identifier(output(builds, name, "epub")) for name in BUILDS}
    assert len(identifiers) == 1, identifiers
    assert identifiers.pop().strip()


@pytest.mark.parametrize("kind", ["epub", "kepub.epub"])
def test_epub_zip_is_normalised(builds, kind):
    with zipfile.ZipFile(output(builds, "utc", kind)) as archive:
        infos = archive.infolist()
        assert infos[0].filename == "mimetype"
        assert infos[0].compress_type == zipfile.ZIP_STORED
        assert infos[0].extra == b""
        assert archive.read("mimetype") == b"application/epub+zip"
        assert {info.date_time for info in infos} == {zip_stamp(FIXED_EPOCH)}
        names = [info.filename for info in infos]
        assert len(names) == len(set(names))
    raw = output(builds, "utc", kind).read_bytes()
    assert raw[30:38] == b"mimetype"  # first local header, name right after it


def test_source_date_epoch_is_used(builds):
    def stamp(epoch: str) -> str:
        return datetime.fromtimestamp(int(epoch), tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    for kind in ("epub", "kepub.epub"):
        assert modified(output(builds, "utc", kind)) == stamp(FIXED_EPOCH)
        assert modified(output(builds, "later", kind)) == stamp(OTHER_EPOCH)
    with zipfile.ZipFile(output(builds, "later", "epub")) as archive:
        assert {info.date_time for info in archive.infolist()} == {zip_stamp(OTHER_EPOCH)}


def test_pdf_dates_come_from_source_date_epoch(builds):
    with pikepdf.open(output(builds, "utc", "pdf")) as doc:
        info = {str(k): str(v) for k, v in doc.docinfo.items()}
        xmp = bytes(doc.Root.Metadata.read_bytes()) if "/Metadata" in doc.Root else b""
    dates = [v for k, v in info.items() if k in ("/CreationDate", "/ModDate")]
    assert dates, info
    for value in dates:
        assert value.startswith("D:20251125000000"), value
    for stamp in re.findall(rb"<xmp:(?:Create|Modify)Date>([^<]+)<", xmp):
        assert stamp.startswith(b"2025-11-25T00:00:00"), stamp


def test_no_temporary_paths_in_the_outputs(builds, tmp_path):
    """Content and work folders differ per run: no path may reach the bytes."""
    for name in ("utc", "phnom-penh"):
        top = str(builds[name].parent).encode()
        assert top not in pdf_all_bytes(output(builds, name, "pdf"), tmp_path)
        assert b"/tmp/" not in pdf_all_bytes(output(builds, name, "pdf"), tmp_path)
        for kind in ("epub", "kepub.epub"):
            with zipfile.ZipFile(output(builds, name, kind)) as archive:
                for entry in archive.namelist():
                    assert top not in archive.read(entry), entry
