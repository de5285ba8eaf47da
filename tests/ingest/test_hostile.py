"""Hostile and broken sources: each costs itself (or its item), never the others."""

from __future__ import annotations

import json

import pytest

from compiler.config import load_config
from compiler.ingest import sources
from compiler.ingest.run import ingest
from support import REPO

DATA = REPO / "tests" / "data"
GOOD = str(DATA / "jsonfeed" / "feedparser-example.json")  # one good item, one untitled

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY a "aaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
 <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
]>
<rss version="2.0"><channel><title>t</title>
<item><title>Laughs</title><category>World</category><description>&g;</description></item>
</channel></rss>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>t</title>
<item><title>Secret</title><category>World</category><description>&secret;</description></item>
</channel></rss>"""


@pytest.fixture
def config(edition):
    return load_config(edition)[0]


def run(tmp_path, config, *sources_, **options):
    content = tmp_path / "content"
    result = ingest([str(s) for s in sources_], content, config, **options)
    return result, content


def codes(result) -> list[str]:
    return [line.code for line in result.lines]


def stories(content) -> str:
    return "".join(p.read_text(encoding="utf-8") for p in (content / "stories").glob("*.md"))


@pytest.mark.parametrize("data", [BILLION_LAUGHS, XXE], ids=["billion-laughs", "xxe"])
def test_entity_declarations_are_refused_and_the_other_sources_still_arrive(tmp_path, config,
                                                                            data):
    bad = tmp_path / "bad.xml"
    bad.write_bytes(data)
    result, content = run(tmp_path, config, bad, GOOD)
    assert "I015" in codes(result) and "I001" in codes(result)
    assert result.exit_code == 0
    text = stories(content)
    assert "aaaaaaaaaa" not in text and "root:" not in text and "Laughs" not in text


def test_an_external_dtd_is_never_fetched(tmp_path, config, site):
    site.add("/evil.dtd", b'<!ENTITY x "pwned">', "application/xml-dtd")
    feed = tmp_path / "feed.xml"
    feed.write_bytes(f'<?xml version="1.0"?><!DOCTYPE rss SYSTEM "{site.url}/evil.dtd">'
                     '<rss version="2.0"><channel><item><title>Dtd</title>'
                     '<category>World</category><description>&lt;p&gt;x&lt;/p&gt;'
                     '</description></item></channel></rss>'.encode())
    result, content = run(tmp_path, config, feed)
    assert site.hits == []
    assert "pwned" not in stories(content)


def test_malformed_xml_keeps_the_items_before_the_fault(tmp_path, config):
    data = (DATA / "rss" / "guardian.rss").read_bytes()
    cut = tmp_path / "cut.rss"
    cut.write_bytes(data[: data.index(b"<item>", len(data) // 2) + 40])
    result, content = run(tmp_path, config, cut)
    assert "I013" in codes(result)
    arrived = [line for line in result.lines if line.code == "I001"]
    assert len(arrived) >= 10 and result.exit_code == 0


def test_truncated_json_costs_only_its_source(tmp_path, config):
    data = (DATA / "wordpress" / "worona-posts-category-7.json").read_bytes()
    cut = tmp_path / "cut.json"
    cut.write_bytes(data[: len(data) // 2])
    result, _ = run(tmp_path, config, cut, GOOD)
    line = next(line for line in result.lines if line.code == "I014")
    assert line.status == "failed" and "line" in line.detail
    assert "I001" in codes(result)


def test_an_html_page_is_not_a_feed(tmp_path, config):
    page = tmp_path / "page.xml"
    page.write_bytes(b"<!DOCTYPE html><html><body><p>Not found</p></body></html>")
    result, _ = run(tmp_path, config, page)
    assert codes(result) == ["I011"] and result.exit_code == 1


def test_duplicate_ids_and_untitled_items_are_skipped_one_by_one(tmp_path, config):
    feed = json.loads((DATA / "jsonfeed" / "feedparser-example.json").read_text())
    feed["items"].append(dict(feed["items"][0], title="The same id again"))
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(feed))
    result, content = run(tmp_path, config, path)
    statuses = [(line.status, line.code) for line in result.lines if line.status != "warning"]
    assert statuses == [("new", "I001"), ("skipped", "I020"), ("skipped", "I021")]
    assert "The same id again" not in stories(content)


def test_scripts_are_removed_from_items(tmp_path, config):
    feed = {"version": "https://jsonfeed.org/version/1.1", "items": [
        {"id": "1", "title": "Hello", "tags": ["World"],
         "content_html": '<p onmouseover="steal()">Hello, world!</p><script>alert();</script>'
                         '<iframe src="https://evil.example/"></iframe>'}]}
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(feed))
    result, content = run(tmp_path, config, path)
    assert "I026" in codes(result)
    text = stories(content)
    assert "Hello, world!" in text
    assert "script" not in text and "steal" not in text and "iframe" not in text


def test_size_and_item_limits(tmp_path, config, monkeypatch):
    monkeypatch.setattr(sources, "MAX_ITEMS", 10)
    result, _ = run(tmp_path, config, DATA / "rss" / "guardian.rss")
    assert "I017" in codes(result)
    assert sum(1 for line in result.lines if line.code in ("I001", "I024")) == 10
    monkeypatch.setattr(sources, "MAX_SOURCE_BYTES", 2000)
    result, _ = run(tmp_path, config, DATA / "rss" / "guardian.rss", GOOD)
    assert codes(result)[:2] == ["I016", "I001"]


def test_a_missing_file_is_a_source_problem(tmp_path, config):
    result, _ = run(tmp_path, config, tmp_path / "nowhere.xml", GOOD)
    assert codes(result)[0] == "I010" and result.exit_code == 0
    result, _ = run(tmp_path, config, tmp_path / "nowhere.xml")
    assert result.exit_code == 1
