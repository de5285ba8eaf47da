"""The OPDS catalogue, judged by the published schemas (OPDS 1.2 and RFC 4287's RELAX NG,
tests/shelf/schemas/), by RFC 4287's rules that a schema cannot express, by lxml
(structure) and by feedparser (a real feed reader)."""

from __future__ import annotations

import copy
import re
from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urljoin

import feedparser
import pytest
from lxml import etree

from compiler.shelf.issue import load_issues
from compiler.shelf.nightly import publish
from compiler.shelf.opds import ROOT_ID, acquisition_feed
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
    issue_json,
    shelf_builds,
    weekly_build,
)

NS = {"a": "http://www.w3.org/2005/Atom", "dc": "http://purl.org/dc/terms/",
      "opds": "http://opds-spec.org/2010/catalog"}
A = "{http://www.w3.org/2005/Atom}"
ACQUISITION = "application/atom+xml;profile=opds-catalog;kind=acquisition"
NAVIGATION = "application/atom+xml;profile=opds-catalog;kind=navigation"
SCHEMAS = Path(__file__).resolve().parent / "schemas"
FEEDS = {"single": ("daily/opds.xml", "opds.xml"),
         "several": ("daily/opds.xml", "opds.xml", "weekly/opds.xml")}
"""Every feed each test shelf holds: the one-edition root is an acquisition feed, the
several-edition root a navigation feed, and each edition has its own acquisition feed."""


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


def test_single_edition_root_is_an_acquisition_feed_newest_first(shelves):
    feed = parse(shelves.single / "opds.xml")
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
        assert [a.get("type") for a in acquisitions] == [  # e-readers take the first
            "application/epub+zip", "application/pdf", "application/kepub+zip"]
        assert acquisitions[2].get("href").endswith(".kepub.epub")
        for link in [image, thumb, *acquisitions]:
            href = link.get("href")
            assert not href.startswith(("/", "http:", "https:", "file:")), href
            assert (shelves.single / href).is_file(), href
            assert href.startswith(f"daily/{day[:4]}/{day[5:7]}/{day[8:]}/")
        for link in acquisitions:
            assert int(link.get("length")) == (shelves.single / link.get("href")).stat().st_size


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
    assert types == {"application/epub+zip", "application/pdf", "application/kepub+zip"}
    # Relative links resolve against the feed's own address.
    base = "https://news.example/shelf/opds.xml"
    epub = next(link.href for link in newest.links if link.type == "application/epub+zip")
    assert urljoin(base, epub) == (f"https://news.example/shelf/daily/2027/01/02/"
                                   f"daily-{DAYS[2]}.epub")


def test_per_edition_feed_links_up_to_the_root(shelves):
    feed = parse(shelves.single / "daily" / "opds.xml")
    top = links(feed)
    assert top["self"][0].get("href") == "opds.xml"
    assert top["start"][0].get("href") == "../opds.xml"
    assert top["up"][0].get("href") == "../opds.xml"
    entry = feed.find("a:entry", NS)
    href = links(entry)["http://opds-spec.org/acquisition"][0].get("href")
    assert href.startswith("2027/01/02/") and (shelves.single / "daily" / href).is_file()


def test_several_editions_make_the_root_a_navigation_feed(shelves):
    root = parse(shelves.several / "opds.xml")
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


# --- Valid Atom and OPDS: the schemas, then RFC 4287's rules that a schema cannot express.

RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})\Z")
SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:.")
NOT_IN_IRI = re.compile(r'[\s<>"{}|\\^`\x00-\x1f\x7f]|%(?![0-9A-Fa-f]{2})')
AT_MOST_ONE = {"feed": ("generator", "icon", "logo", "rights", "subtitle"),
               "entry": ("content", "published", "rights", "source", "summary")}


def rfc4287_problems(feed: etree._Element) -> list[str]:
    """RFC 4287's rules for a feed that RELAX NG cannot check (Appendix B states the
    author and content rules as Schematron notes, which a RELAX NG validator skips)."""
    problems = _container_problems(feed, "feed")
    entries = feed.findall("a:entry", NS)
    feed_author = bool(feed.findall("a:author", NS))
    if not feed_author and not all(e.findall("a:author", NS) for e in entries):
        problems.append("feed: no atom:author, and not every entry has one (4.1.1)")
    for number, entry in enumerate(entries, 1):
        where = f"entry {number}"
        problems += _container_problems(entry, where)
        if not (feed_author or entry.findall("a:author", NS)
                or entry.findall("a:source/a:author", NS)):
            problems.append(f"{where}: no atom:author, nor one in its feed (4.1.2)")
        content = entry.find("a:content", NS)
        if content is None and not _alternates(entry):
            problems.append(f'{where}: neither atom:content nor a rel="alternate" link (4.1.2)')
        if content is not None and entry.find("a:summary", NS) is None and (
                content.get("src") or not _inline(content.get("type"))):
            problems.append(f"{where}: content by reference or in base64 needs a summary (4.1.2)")
    for node in feed.iter(f"{A}id"):
        if not SCHEME.match(node.text or "") or NOT_IN_IRI.search(node.text):
            problems.append(f"atom:id {node.text!r} is not an absolute IRI (4.2.6)")
    for node in feed.iter(f"{A}updated", f"{A}published"):
        if not _rfc3339(node.text or ""):
            problems.append(f"{etree.QName(node).localname} {node.text!r} is not an "
                            f"RFC 3339 date-time with T and Z in upper case (3.3)")
    for link in feed.iter(f"{A}link"):
        if NOT_IN_IRI.search(link.get("href", " ")):
            problems.append(f"link href {link.get('href')!r} is not an IRI reference (4.2.7.1)")
    return problems


def _container_problems(node: etree._Element, where: str) -> list[str]:
    problems = []
    kind = etree.QName(node).localname
    for tag in ("id", "title", "updated"):
        if (count := len(node.findall(f"a:{tag}", NS))) != 1:
            problems.append(f"{where}: {count} atom:{tag} where exactly one is required")
    for tag in AT_MOST_ONE[kind]:
        if len(node.findall(f"a:{tag}", NS)) > 1:
            problems.append(f"{where}: more than one atom:{tag}")
    seen = set()
    for link in _alternates(node):
        key = (link.get("type"), link.get("hreflang"))
        if key in seen:
            problems.append(f'{where}: two rel="alternate" links with type and hreflang {key}')
        seen.add(key)
    return problems


def _alternates(node: etree._Element) -> list[etree._Element]:
    """A link without rel is an alternate link (4.2.7.2)."""
    return [link for link in node.findall("a:link", NS)
            if link.get("rel", "alternate") == "alternate"]


def _inline(media_type: str | None) -> bool:
    return (media_type in (None, "text", "html", "xhtml") or media_type.startswith("text/")
            or media_type.endswith(("+xml", "/xml")))


def _rfc3339(value: str) -> bool:
    try:
        return bool(RFC3339.match(value) and datetime.fromisoformat(value))
    except ValueError:  # the shape of a date, but no such day or time
        return False


def every_feed(shelves) -> list[Path]:
    return [getattr(shelves, shelf) / feed for shelf, feeds in FEEDS.items() for feed in feeds]


MISSING_SCHEMAS = ("the published schemas are not committed (they come from fetched "
                   "snapshots of other repositories): tests/shelf/schemas/README.md says where "
                   "to get them and how to convert them")


@pytest.fixture(scope="module")
def schemas() -> dict[str, etree.RelaxNG]:
    """RFC 4287's schema and OPDS 1.2's, which includes it (see schemas/README.md)."""
    if not all((SCHEMAS / f"{name}.rng").is_file() for name in ("atom", "opds")):
        pytest.skip(MISSING_SCHEMAS)
    return {name: etree.RelaxNG(etree.parse(str(SCHEMAS / f"{name}.rng")))
            for name in ("atom", "opds")}


def test_these_are_all_the_feeds_the_shelf_writes(shelves):
    for shelf, feeds in FEEDS.items():
        public = getattr(shelves, shelf)
        found = sorted(str(p.relative_to(public)) for p in public.rglob("*.xml"))
        assert found == sorted(feeds), shelf


@pytest.mark.parametrize("name", ["atom", "opds"])
def test_every_feed_is_valid_against_the_published_schema(shelves, schemas, name):
    for path in every_feed(shelves):
        schema = schemas[name]
        assert schema.validate(etree.parse(str(path))), (path, str(schema.error_log))


def test_every_feed_keeps_the_rules_of_rfc_4287(shelves):
    for path in every_feed(shelves):
        feed = parse(path)
        assert rfc4287_problems(feed) == [], path
        ids = [node.text for node in feed.iter(f"{A}id")]
        assert len(set(ids)) == len(ids), path  # and ours: one entry per day or per edition


def test_every_entry_has_content_or_an_alternate_link(shelves):
    """RFC 4287 4.1.2, which the feeds broke: the shelf has no page per day, so an issue's
    entry describes the day in text content (the navigation entries already did)."""
    for path in every_feed(shelves):
        for entry in parse(path).findall("a:entry", NS):
            content = entry.find("a:content", NS)
            assert content is not None and content.get("type") == "text", path
            assert content.text.strip() and not _alternates(entry), path
    for entry in parse(shelves.single / "opds.xml").findall("a:entry", NS):
        day = date.fromisoformat(entry.findtext("dc:issued", namespaces=NS))
        content = entry.findtext("a:content", namespaces=NS)
        assert content.startswith(long_date(day)) and "National, Business, World" in content
        # OPDS 1.2 5.1.3: the summary (the headlines) and the content don't repeat each other.
        assert entry.findtext("a:summary", namespaces=NS).split(" · ")[0] not in content


def test_each_entry_carries_its_issue_s_own_times(shelves):
    """Each entry's ``updated`` and ``published`` are its day's record's: a correction bumps
    that day's ``updated`` only. An edition's navigation entry and each feed take the newest."""
    for path in every_feed(shelves):
        public = shelves.single if shelves.single in path.parents else shelves.several
        feed = parse(path)
        entries = feed.findall("a:entry", NS)
        assert feed.findtext("a:updated", namespaces=NS) == max(
            e.findtext("a:updated", namespaces=NS) for e in entries), path
        for entry in entries:
            _, _, name, day = entry.findtext("a:id", namespaces=NS).split(":")
            issues = load_issues(public, name)
            times = (entry.findtext("a:updated", namespaces=NS),
                     entry.findtext("a:published", namespaces=NS))
            if day == "catalog":  # navigation: one entry per edition
                assert times == (max(i.updated for i in issues), None)
            else:
                (issue,) = [i for i in issues if i.date.isoformat() == day]
                assert times == (issue.updated, issue.published), (path, day)
    corrected = issue_json(shelves.single, CORRECTED_DAY)
    assert (corrected["published"], corrected["updated"]) == (
        epoch_iso(FIXED_EPOCH), epoch_iso(EPOCH_CORRECTION))


def test_the_same_records_give_the_same_bytes(shelves):
    def root() -> bytes:
        return acquisition_feed(load_issues(shelves.single, "daily"), "daily", ROOT_ID,
                                ("opds.xml", ACQUISITION), None, "2000-01-01T00:00:00Z")

    assert root() == root() == (shelves.single / "opds.xml").read_bytes()


# --- The checks above can fail: each is shown a feed that breaks its rule.

BREAKAGES = {  # each: (xpath, change) steps on the good root feed, and the problem expected
    "the-old-feed": ((("a:entry/a:content", None),), "neither atom:content nor"),
    "entry-without-id": ((("a:entry[1]/a:id", None),), "entry 1: 0 atom:id"),
    "two-feed-titles": ((("a:title", "twice"),), "feed: 2 atom:title"),
    "no-author": ((("a:author|a:entry[2]/a:author", None),), "entry 2: no atom:author"),
    "same-alternate-twice": ((("a:link[@rel='alternate']", "twice"),), "two rel=\"alternate\""),
    "relative-id": ((("a:entry[1]/a:id", "daily-2027-01-02"),), "not an absolute IRI"),
    "lower-case-t": ((("a:entry[1]/a:updated", "2027-01-02t06:00:00Z"),), "RFC 3339"),
    "no-time-zone": ((("a:entry[1]/a:published", "2027-01-02T06:00:00"),), "RFC 3339"),
    "no-such-day": ((("a:entry[1]/a:updated", "2027-02-30T06:00:00Z"),), "RFC 3339"),
    "space-in-href": ((("a:entry[1]/a:link[1]", {"href": "a b.jpg"}),), "not an IRI reference"),
    "content-by-reference": ((("a:entry[1]/a:summary", None), ("a:entry[1]/a:content", {
        "type": "application/pdf", "src": "issue.pdf"})), "needs a summary"),
}


def broken(feed: etree._Element, steps) -> etree._Element:
    feed = copy.deepcopy(feed)
    for xpath, change in steps:
        for node in feed.xpath(xpath, namespaces=NS):
            if change is None:
                node.getparent().remove(node)
            elif change == "twice":
                node.addnext(copy.deepcopy(node))
            elif isinstance(change, dict):
                node.attrib.update(change)
            else:
                node.text = change
    return feed


@pytest.mark.parametrize("breakage", BREAKAGES)
def test_the_rfc_4287_checks_catch_a_broken_feed(shelves, breakage):
    steps, expected = BREAKAGES[breakage]
    problems = rfc4287_problems(broken(parse(shelves.single / "opds.xml"), steps))
    assert any(expected in problem for problem in problems), problems


def test_the_schemas_reject_what_they_should(shelves, schemas):
    """Atom's schema rejects an entry without an id; only OPDS's rejects a purchase link
    without a price (OPDS 1.2 5.4)."""
    good = parse(shelves.single / "opds.xml")
    no_id = broken(good, BREAKAGES["entry-without-id"][0])
    assert not schemas["atom"].validate(no_id) and not schemas["opds"].validate(no_id)
    unpriced = broken(good, [("a:entry/a:link[@type='application/pdf']",
                              {"rel": "http://opds-spec.org/acquisition/buy"})])
    assert schemas["atom"].validate(unpriced) and not schemas["opds"].validate(unpriced)


def test_the_opds_schema_copy_fixes_the_published_typo(shelves):
    """The published opds.rnc excludes IRIs matching ``[ <>{}|^`"\\nrt]``, meant as
    ``\\n\\r\\t``: every IRI with an "r" or a "t" in it. Our copy is fixed (README.md)."""
    if not (SCHEMAS / "opds.rnc").is_file():
        pytest.skip(MISSING_SCHEMAS)
    fixed = r"""'.*[ <>{}|^`"\n\r\t].*'"""
    assert fixed in (SCHEMAS / "opds.rnc").read_text(encoding="utf-8")
    tree = etree.parse(str(SCHEMAS / "opds.rng"))
    (param,) = [p for p in tree.iter("{http://relaxng.org/ns/structure/1.0}param")
                if "\\n\\r\\t" in (p.text or "")]
    feed = parse(shelves.single / "opds.xml")
    assert etree.RelaxNG(tree).validate(feed)
    param.text = param.text.replace("\\n\\r\\t", "\\nrt")  # as published
    published = etree.RelaxNG(tree)
    assert not published.validate(feed)
    assert "anyURI" in str(published.error_log)
