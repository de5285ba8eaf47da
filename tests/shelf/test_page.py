"""The subscriber download page: its HTML, and the page as a real browser renders it."""

from __future__ import annotations

import shutil
import subprocess
from types import SimpleNamespace

import pytest
from lxml import html
from PIL import Image, ImageStat

from compiler.shelf.issue import human_size
from compiler.shelf.nightly import publish
from support import FIXED_EPOCH
from support.shelf import (
    CORRECTED_DAY,
    CORRECTED_LEAD,
    DAYS,
    EPOCH_CORRECTION,
    LEADS,
    env_epoch,
    shelf_builds,
)

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def shelf(tmp_path_factory):
    builds = shelf_builds(tmp_path_factory)
    public = tmp_path_factory.mktemp("page") / "public"
    with env_epoch(FIXED_EPOCH):
        for day in DAYS:
            publish(builds.out[day], public, builds.config, day)
    with env_epoch(EPOCH_CORRECTION):
        publish(builds.corrected_out, public, builds.config, CORRECTED_DAY)
    return SimpleNamespace(public=public, page=public / "index.html")


def day_file(day, kind: str) -> str:
    return f"daily/{day:%Y}/{day:%m}/{day:%d}/daily-{day}.{kind}"


def expected_size(public, day, kind) -> str:
    return human_size((public / day_file(day, kind)).stat().st_size)


def check_page(doc, public) -> None:
    """What must be in the page, whether parsed from the file or dumped by a browser."""
    newest = DAYS[2]
    hrefs = [a.get("href") for a in doc.iter("a")]
    for kind, label in (("pdf", "PDF"), ("epub", "EPUB"), ("kepub.epub", "Kobo EPUB")):
        button = next(a for a in doc.iter("a") if a.get("href") == day_file(newest, kind)
                      and "button" in (a.get("class") or ""))
        text = " ".join(button.text_content().split())
        assert f"Download {label}" in text and expected_size(public, newest, kind) in text
        if kind == "kepub.epub":
            assert button.get("type") == "application/kepub+zip"
        for day in DAYS:
            assert day_file(day, kind) in hrefs
            assert (public / day_file(day, kind)).is_file()
        assert f"daily/latest.{kind}" in hrefs
    assert "opds.xml" in hrefs
    text = " ".join(doc.text_content().split())
    assert LEADS[newest] in text and CORRECTED_LEAD in text
    assert "Friday 1 January" in text and "January 2027" in text and "December 2026" in text


def test_the_page_is_static_accessible_html(shelf):
    doc = html.fromstring(shelf.page.read_bytes())
    assert doc.get("lang") == "en"
    assert doc.find(".//title").text.startswith("The Test Daily")
    assert [h.text_content().strip() for h in doc.iter("h1")] == ["The Test Daily"]
    assert [h.text_content() for h in doc.iter("h2")][1] == "Archive"
    assert not list(doc.iter("script"))
    assert doc.find(".//style") is not None and not doc.xpath("//link[@rel='stylesheet']")
    images = list(doc.iter("img"))
    assert images and all(img.get("alt", "").strip() for img in images)
    cover = images[0]
    assert cover.get("src") == day_file(DAYS[2], "thumb.jpg")
    assert LEADS[DAYS[2]] in cover.get("alt")
    check_page(doc, shelf.public)
    badges = [b for b in doc.find_class("badge")]
    assert len(badges) == 1  # the corrected day, in the archive
    assert CORRECTED_LEAD in badges[0].getparent().text_content()


def test_human_sizes():
    assert human_size(0) == "0 B"
    assert human_size(999) == "999 B"
    assert human_size(1000) == "1 kB"
    assert human_size(849_600) == "850 kB"
    assert human_size(999_499) == "999 kB"
    assert human_size(999_500) == "1.0 MB"
    assert human_size(2_345_678) == "2.3 MB"
    assert human_size(3_380_944) == "3.4 MB"
    assert human_size(1_500_000_000) == "1.5 GB"


def chromium(*args, tmp_path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         f"--user-data-dir={tmp_path / 'profile'}", *map(str, args)],
        capture_output=True, text=True, timeout=180)


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed "
                    "(Debian: apt-get install chromium); the browser check needs it")
def test_a_real_browser_renders_the_page_with_links_and_sizes(shelf, tmp_path):
    shot = tmp_path / "page.png"
    done = chromium(f"--screenshot={shot}", "--window-size=1200,1600", shelf.page.as_uri(),
                    tmp_path=tmp_path)
    assert shot.is_file(), done.stderr[-2000:]
    with Image.open(shot) as image:
        assert image.size == (1200, 1600)
        rgb = image.convert("RGB")
        assert len(rgb.getcolors(maxcolors=1 << 20) or ()) > 50  # not blank, not one colour
        assert max(ImageStat.Stat(rgb).stddev) > 20
        # The cover thumbnail was loaded: its region is not the page background.
        cover = rgb.crop((100, 250, 380, 650))
        assert max(ImageStat.Stat(cover).stddev) > 20

    dom = chromium("--dump-dom", shelf.page.as_uri(), tmp_path=tmp_path)
    assert dom.returncode == 0, dom.stderr[-2000:]
    check_page(html.fromstring(dom.stdout), shelf.public)
