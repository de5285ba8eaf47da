"""The OPDS catalogue, judged by lxml (structure) and feedparser (a real feed reader)."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from urllib.parse import urljoin

import feedparser
import pytest
from lxml import etree

from compiler.shelf.nightly import publish
from compiler.text.templates import long_date
from support import FIXED_EPOCH
from support.shelf import (
    CORRECTED_DAY,
    CORRECTED_LEAD,
    DAYS,
    EPOCH_CORRECTION,
    LEADS,
    env_epoch,
    epoch_iso,
    shelf_builds,
    weekly_build,
)

NS = {"a": "http://www.w3.org/2005/Atom", "dc": "http://purl.org/dc/terms/",
      "opds": "http://opds-spec.org/2010/catalog"}
ACQUISITION = "application/atom+xml;profile=opds-catalog;kind=acquisition"
NAVIGATION = "application/atom+xml;profile=opds-catalog;kind=navigation"


@pytest.fixture(scope="module")
def shelves(tmp_path_factory):
    """One shelf with the daily edition only, one with daily and weekly."""
    builds = shelf_builds(tmp_path_factory)
    weekly_config, weekly_out = weekly_build(tmp_path_factory)
    single = tmp_path_factory.mktemp("catalogue") / "single"
    several = tmp_path_factory.mktemp("catalogue") / "several"
    with env_epoch(FIXED_EPOCH):
        for public in (single, several):
            for day in DAYS:
                publish(builds.out[day], public, builds.config, day)
        publish(weekly_out, several, weekly_config, DAYS[2])
    with env_epoch(EPOCH_CORRECTION):
        publish(builds.corrected_out, single, builds.config, CORRECTED_DAY)
    return SimpleNamespace(single=single, several=several)


def parse(path) -> etree._Element:
    return etree.parse(str(path)).getroot()


def links(node) -> dict[str, list[etree._Element]]:
    found: dict[str, list] = {}
    for link in node.findall("a:link", NS):
        found.setdefault(link.get("rel"), []).append(link)
    return found


def assert_feed_basics(feed) -> None:
    assert feed.tag == "{http://www.w3.org/2005/Atom}feed"
    for tag in ("id", "title", "updated"):
        assert (feed.findtext(f"a:{tag}", namespaces=NS) or "").strip(), tag
    for entry in feed.findall("a:entry", NS):
        for tag in ("id", "title", "updated"):
            assert (entry.findtext(f"a:{tag}", namespaces=NS) or "").strip(), tag
        assert entry.findall("a:link", NS)


def test_single_edition_root_is_an_acquisition_feed_newest_first(shelves):
    feed = parse(shelves.single / "opds.xml")
    assert_feed_basics(feed)
    assert feed.findtext("a:title", namespaces=NS) == "The Test Daily"
    assert feed.findtext("a:updated", namespaces=NS) == epoch_iso(EPOCH_CORRECTION)
    top = links(feed)
    assert top["self"][0].get("type") == ACQUISITION and top["self"][0].get("href") == "opds.xml"
    assert top["start"][0].get("type") == ACQUISITION
    entries = feed.findall("a:entry", NS)
    issued = [e.findtext("dc:issued", namespaces=NS) for e in entries]
    assert issued == [d.isoformat() for d in reversed(DAYS)]
    ids = [e.findtext("a:id", namespaces=NS) for e in entries]
    assert ids == [f"urn:edition:daily:{d}" for d in reversed(DAYS)]


def test_each_entry_has_summary_author_covers_and_both_downloads(shelves):
    feed = parse(shelves.single / "opds.xml")
    for entry in feed.findall("a:entry", NS):
        day = entry.findtext("dc:issued", namespaces=NS)
        lead = CORRECTED_LEAD if day == CORRECTED_DAY.isoformat() else LEADS[
            next(d for d in DAYS if d.isoformat() == day)]
        assert entry.findtext("a:summary", namespaces=NS).startswith(lead)
        assert entry.findtext("a:author/a:name", namespaces=NS) == "Test Newsroom"
        assert entry.findtext("a:title", namespaces=NS) == (
            f"The Test Daily, {long_date(date.fromisoformat(day))}")
        found = links(entry)
        (image,) = found["http://opds-spec.org/image"]
        (thumb,) = found["http://opds-spec.org/image/thumbnail"]
        assert image.get("type") == thumb.get("type") == "image/jpeg"
        acquisitions = found["http://opds-spec.org/acquisition"]
        assert sorted(a.get("type") for a in acquisitions) == [
            "application/epub+zip", "application/pdf"]
        for link in [image, thumb, *acquisitions]:
            href = link.get("href")
            assert not href.startswith(("/", "http:", "https:", "file:")), href
            assert (shelves.single / href).is_file(), href
            assert href.startswith(f"daily/{day[:4]}/{day[5:7]}/{day[8:]}/")
        for link in acquisitions:
            assert int(link.get("length")) == (shelves.single / link.get("href")).stat().st_size
    corrected = next(e for e in feed.findall("a:entry", NS)
                     if e.findtext("dc:issued", namespaces=NS) == CORRECTED_DAY.isoformat())
    assert corrected.findtext("a:updated", namespaces=NS) == epoch_iso(EPOCH_CORRECTION)
    assert corrected.findtext("a:published", namespaces=NS) == epoch_iso(FIXED_EPOCH)


def test_feedparser_reads_the_catalogue_without_complaint(shelves):
    parsed = feedparser.parse((shelves.single / "opds.xml").read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.title == "The Test Daily"
    assert len(parsed.entries) == 3
    newest = parsed.entries[0]
    assert newest.id == f"urn:edition:daily:{DAYS[2]}"
    assert newest.summary.startswith(LEADS[DAYS[2]])
    assert newest.author == "Test Newsroom"
    types = {link.type for link in newest.links if link.rel == "http://opds-spec.org/acquisition"}
    assert types == {"application/epub+zip", "application/pdf"}
    # Relative links resolve against the feed's own address.
    base = "https://news.example/shelf/opds.xml"
    epub = next(link.href for link in newest.links if link.type == "application/epub+zip")
    assert urljoin(base, epub) == (f"https://news.example/shelf/daily/2027/01/02/"
                                   f"daily-{DAYS[2]}.epub")


def test_per_edition_feed_links_up_to_the_root(shelves):
    feed = parse(shelves.single / "daily" / "opds.xml")
    assert_feed_basics(feed)
    top = links(feed)
    assert top["self"][0].get("href") == "opds.xml"
    assert top["start"][0].get("href") == "../opds.xml"
    assert top["up"][0].get("href") == "../opds.xml"
    entry = feed.find("a:entry", NS)
    href = links(entry)["http://opds-spec.org/acquisition"][0].get("href")
    assert href.startswith("2027/01/02/") and (shelves.single / "daily" / href).is_file()


def test_several_editions_make_the_root_a_navigation_feed(shelves):
    root = parse(shelves.several / "opds.xml")
    assert_feed_basics(root)
    assert root.findtext("a:author/a:name", namespaces=NS) == "Test Newsroom"  # Atom needs one
    top = links(root)
    assert top["self"][0].get("type") == NAVIGATION and top["start"][0].get("type") == NAVIGATION
    entries = root.findall("a:entry", NS)
    assert [e.findtext("a:title", namespaces=NS) for e in entries] == [
        "The Test Daily", "The Test Weekly"]
    for entry, name in zip(entries, ("daily", "weekly"), strict=True):
        (sub,) = links(entry)["subsection"]
        assert sub.get("href") == f"{name}/opds.xml" and sub.get("type") == ACQUISITION
        child = parse(shelves.several / sub.get("href"))
        assert_feed_basics(child)
        child_links = links(child)
        assert child_links["self"][0].get("type") == ACQUISITION
        assert child_links["up"][0].get("href") == "../opds.xml"
        assert child_links["up"][0].get("type") == NAVIGATION
        assert child_links["start"][0].get("type") == NAVIGATION
    weekly = parse(shelves.several / "weekly" / "opds.xml").findall("a:entry", NS)
    assert [e.findtext("dc:issued", namespaces=NS) for e in weekly] == [DAYS[2].isoformat()]
    assert not feedparser.parse((shelves.several / "opds.xml").read_bytes()).bozo


def test_several_editions_get_a_page_each_and_a_root_page(shelves):
    root = (shelves.several / "index.html").read_text(encoding="utf-8")
    assert 'href="daily/index.html"' in root and 'href="weekly/index.html"' in root
    assert "The Test Weekly" in root and "The Test Daily" in root
    daily = (shelves.several / "daily" / "index.html").read_text(encoding="utf-8")
    assert 'href="../index.html"' in daily  # back to all editions
    assert f'href="2027/01/02/daily-{DAYS[2]}.pdf"' in daily
