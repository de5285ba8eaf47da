"""The real `edition ingest` on every sample format, then `edition check`, one `edition
build` and one `edition nightly` on what it wrote, judged by pdftotext and the EPUB."""

from __future__ import annotations

import io
import json
import re
import zipfile
from xml.sax.saxutils import escape

import yaml
from PIL import Image

from support import REPO, SAMPLE, epubcheck, pdftotext, run_cli

DATA = REPO / "tests" / "data"
NINJS = ["1.4-ninjsExComplex1.json", "1.6-004_simple_text_article.json",
         "2.1-tt_text_image_2.json", "2.1-dpa_text.json", "3.0-tt_text_image_3.json",
         "3.0-ntb_text.json", "3.1-006_photo_only.json", "3.1-007_multimedia.json"]


def lines(result, status):
    return [line for line in (result.stdout + result.stderr).splitlines()
            if line.startswith(status)]


def test_every_format_in_and_a_second_run_is_unchanged(tmp_path, edition, site):
    """Sources as URLs (RSS, Atom, WordPress) and as files (ninjs, JSON Feed)."""
    urls = [site.add("/rss.xml", (DATA / "rss/guardian.rss").read_bytes(), "application/rss+xml"),
            site.add("/atom", (DATA / "atom/heise.atom").read_bytes(), "application/atom+xml"),
            site.add("/wp-json/wp/v2/posts", (DATA / "wordpress/worona-posts-category-7.json")
                     .read_bytes(), "application/json")]
    files = [DATA / "rss/medium-content-encoded.rss", DATA / "jsonfeed/feedparser-example.json",
             *(DATA / "ninjs" / name for name in NINJS)]
    content = tmp_path / "content"
    first = run_cli("ingest", *urls, *files, content, "--edition", edition)
    assert first.returncode == 0, first.stderr
    new = lines(first, "new")
    # 55 Guardian + 15 heise + 5 WordPress + 7 Medium + 1 JSON Feed + 5 ninjs stories;
    # skipped: an untitled item, TT's 3.0 copy of its 2.1 item (the same uri), NTB's item
    # without a body and a photo-only ninjs
    assert len(new) == 88, first.stdout
    assert len(list((content / "stories").glob("*.md"))) == 88
    skipped = lines(first, "skipped")
    assert sorted(re.search(r" (I0\d\d) ", line)[1] for line in skipped) == [
        "I020", "I021", "I022", "I027"]
    assert "Ingested 88 new, 0 updated, 0 unchanged, 4 skipped" in first.stdout
    report = json.loads((content / "ingest.report.json").read_text())
    assert sum(1 for line in report["lines"] if line["status"] == "new") == 88

    check = run_cli("check", content, "--edition", edition)
    assert check.returncode == 0, check.stderr
    assert "88 stories usable, 0 left out, 0 errors" in check.stdout

    before = {p.name: p.read_bytes() for p in (content / "stories").glob("*.md")}
    second = run_cli("ingest", *urls, *files, content, "--edition", edition)
    assert second.returncode == 0 and len(lines(second, "unchanged")) == 88
    assert lines(second, "new") == lines(second, "updated") == []
    assert {p.name: p.read_bytes() for p in (content / "stories").glob("*.md")} == before

    # WordPress changes one post: only its story is rewritten
    posts = json.loads((DATA / "wordpress/worona-posts-category-7.json").read_text())
    posts[2]["modified_gmt"] = "2026-11-24T10:00:00"
    posts[2]["title"]["rendered"] = "Kebumen City, revisited"
    site.add("/wp-json/wp/v2/posts", json.dumps(posts).encode(), "application/json")
    third = run_cli("ingest", *urls, *files, content, "--edition", edition)
    (updated,) = lines(third, "updated")
    assert "stories/kebumen.md" in updated and len(lines(third, "unchanged")) == 87
    assert "Kebumen City, revisited" in (content / "stories/kebumen.md").read_text()

    # A source dropped: its stories stay, unless --prune
    fourth = run_cli("ingest", *files, content, "--edition", edition)
    assert lines(fourth, "removed") == [] and len(list((content / "stories").glob("*"))) == 88
    fifth = run_cli("ingest", *files, content, "--edition", edition, "--prune")
    assert len(lines(fifth, "removed")) == 75
    assert len(list((content / "stories").glob("*.md"))) == 13


def khmer_story(name: str) -> tuple[dict, str]:
    text = (SAMPLE / "stories" / name).read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    return yaml.safe_load(front), body


def jpeg(color) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (900, 600), color).save(out, "JPEG", quality=70)
    return out.getvalue()


def test_build_from_ingested_feeds_with_photos_related_headlines_and_khmer(tmp_path, edition,
                                                                         site):
    """Made here: a Drupal-style RSS feed (xml:base, "N at URL" guids, the photo in the
    body under /sites/default/files, dc:creator) carrying the sample's Khmer stories, and
    the WordPress sample with Jetpack related posts added."""
    site.add("/sites/default/files/styles/large/public/boats.jpg", jpeg((20, 90, 160)),
             "image/jpeg")
    site.add("/wp-content/uploads/2016/11/canyon.jpg", jpeg((160, 90, 20)), "image/jpeg")
    items = []
    for n, name in enumerate(["water-festival-km.md", "boat-race-final-km.md"], 1):
        meta, body = khmer_story(name)
        html = "".join(f"<p>{escape(p)}</p>" for p in body.split("\n\n") if p.strip()
                       and not p.startswith("#"))
        if n == 1:
            html = ('<p><img src="/sites/default/files/styles/large/public/boats.jpg" '
                    'alt="Boats on the river" /></p>' + html)
        items.append(f"""<item><title>{escape(meta['headline'])}</title>
<link>national/{n}</link><description>{escape(html)}</description>
<category domain="{site.url}/taxonomy/term/1">National</category>
<pubDate>Wed, 25 Nov 2026 0{n}:00:00 +0700</pubDate>
<dc:creator>{escape(meta['byline'])}</dc:creator>
<guid isPermaLink="false">{n} at {site.url}/</guid></item>""")
    drupal = (f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" xml:base="{site.url}/"'
              ' xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Post</title>'
              f'<link>{site.url}/</link><description>d</description><language>km</language>'
              + "".join(items) + "</channel></rss>")
    posts = json.loads((DATA / "wordpress/worona-posts-category-7.json").read_text())
    for post in posts:
        for media in post["_embedded"].get("wp:featuredmedia", []):
            media["source_url"] = media["source_url"].replace("https://demo.worona.org", site.url)
    posts[1]["jetpack-related-posts"] = [
        {"id": 9, "url": "https://demo.worona.org/iceland-gullfoss/", "title":
         "The Beauties of Gullfoss", "excerpt": "A waterfall in the canyon of the Hvítá."}]
    sources = [site.add("/rss.xml", drupal.encode(), "application/rss+xml; charset=utf-8"),
               site.add("/wp-json/wp/v2/posts", json.dumps(posts).encode(), "application/json"),
               DATA / "ninjs/2.1-dpa_text.json", DATA / "ninjs/1.4-ninjsExComplex1.json",
               DATA / "ninjs/3.0-tt_text_image_3.json", DATA / "jsonfeed/feedparser-example.json",
               DATA / "rss/medium-content-encoded.rss", DATA / "atom/heise.atom"]
    content, out = tmp_path / "content", tmp_path / "out"
    ingest = run_cli("ingest", *sources, content, "--edition", edition,
                     "--allow-host", "127.0.0.1")
    assert ingest.returncode == 0, ingest.stderr
    # 2 Drupal + 5 WordPress + 3 ninjs + 1 JSON Feed + 7 RSS + 15 Atom
    assert len(lines(ingest, "new")) == 33, ingest.stdout
    written = {p.stem: p.read_text() for p in (content / "stories").glob("*.md")}
    khmer = [text for text in written.values() if "language: km" in text]
    assert len(khmer) == 2 and sum("image:" in text for text in khmer) == 1
    assert "src: ../images/" in written["lower-antelope-canyon"]

    build = run_cli("build", content, "--edition", edition, "--out", out, "--workers", "0",
                    "--date", "2026-11-25", timeout=900)
    assert build.returncode == 0, build.stderr
    assert "33 stories" in build.stdout and "0 left out" in build.stdout
    text = pdftotext(out / "ingest-test-2026-11-25.pdf")
    for headline in ("Antelope Canyon", "Faktencheck Derby-Elfmeter", "more stories",
                     "The Beauties of Gullfoss", "Captain of wrecked", "Militärövning",
                     "post 2", "THE CREATIVE FORAGER", "Java-Anwendungsserver"):
        assert headline.casefold() in text.casefold()
    assert "ពលរដ្ឋជាងបីលាននាក់" in text  # a Khmer headline, copied out of the PDF
    with zipfile.ZipFile(out / "ingest-test-2026-11-25.epub") as epub:
        names = epub.namelist()
        pages = [epub.read(n).decode() for n in names if n.endswith(".xhtml")]
    assert sum('xml:lang="km"' in page and "ពលរដ្ឋជាងបីលាននាក់" in page for page in pages) >= 1
    assert sum(n.endswith(".jpg") and "cover" not in n for n in names) >= 2  # ingested photos
    assert any("The Beauties of Gullfoss" in page for page in pages)  # More stories
    check = epubcheck(out / "ingest-test-2026-11-25.epub")
    assert check.returncode == 0 and "Messages: 0 fatals / 0 errors / 0 warnings" in \
        check.stdout + check.stderr, check.stdout + check.stderr


def test_nightly_ingests_the_editions_sources_before_it_builds(tmp_path, make_edition):
    feed = tmp_path / "feeds" / "today.json"
    feed.parent.mkdir()
    feed.write_text(json.dumps({"version": "https://jsonfeed.org/version/1.1", "items": [
        {"id": f"n{n}", "title": f"Night story {n}", "tags": ["Business"],
         "content_text": f"Paragraph {n}.\n\nAnother paragraph."} for n in (1, 2)]}))
    edition = make_edition(tmp_path, sources=["feeds/today.json"])  # relative to the edition
    content, public = tmp_path / "content", tmp_path / "public"
    content.mkdir()
    night = run_cli("nightly", content, public, "--edition", edition, "--date", "2026-11-25",
                    "--quiet", timeout=900)
    assert night.returncode == 0, night.stderr
    assert "Ingested 2 new" in night.stderr
    assert "2 stories in, 0 left out" in night.stdout
    assert sorted(p.name for p in (content / "stories").iterdir()) == [
        "night-story-1.md", "night-story-2.md"]
    assert (public / "ingest-test" / "2026" / "11" / "25").is_dir()


def test_since_format_and_usage(tmp_path, edition):
    content = tmp_path / "content"
    heise = DATA / "atom/heise.atom"
    since = run_cli("ingest", heise, content, "--edition", edition,
                    "--since", "2016-02-01")  # no zone: UTC
    assert since.returncode == 0
    assert len(lines(since, "new")) == 6 and len(lines(since, "skipped")) == 9
    assert all(" I005 " in line for line in lines(since, "skipped"))
    wrong = run_cli("ingest", heise, tmp_path / "other", "--edition", edition,
                    "--format", "ninjs")
    assert wrong.returncode == 1 and " I011 " in wrong.stderr
    assert run_cli("ingest", content, "--edition", edition).returncode == 2  # no SOURCE
    assert run_cli("ingest", heise, content, "--since", "yesterday").returncode == 2
    codes = run_cli("codes")
    assert "| I001 | info | new item; its story was written |" in codes.stdout
