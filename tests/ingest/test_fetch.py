"""The URL path against a server on 127.0.0.1: sources, photos, redirects and refusals."""

from __future__ import annotations

import io
import json
import threading
from dataclasses import replace

import pytest
from PIL import Image

from compiler.config import load_config
from compiler.content.markdown import read_story
from compiler.ingest import photos
from compiler.ingest.run import ingest
from support import REPO

DATA = REPO / "tests" / "data"


def jpeg(size=(640, 400), color=(30, 80, 120)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG", quality=70)
    return out.getvalue()


def feed(*photo_urls: str) -> bytes:
    """A JSON Feed whose items point at the given photos (made here, for the photo tests)."""
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "items": [
        {"id": f"p{n}", "title": f"Story {n}", "tags": ["Business"], "image": url,
         "content_html": f"<p>Story {n} text.</p>"} for n, url in enumerate(photo_urls, 1)
    ]}).encode()


@pytest.fixture
def config(edition):
    return load_config(edition)[0]


def codes(result):
    return [line.code for line in result.lines]


def detail(result, code):
    return next(line.detail for line in result.lines if line.code == code)


def test_a_source_url_is_read_like_a_file(tmp_path, config, site):
    url = site.add("/posts", (DATA / "wordpress/worona-posts-category-7.json").read_bytes(),
                   "application/json; charset=UTF-8")
    result = ingest([url], tmp_path / "c", config)
    assert codes(result).count("I001") == 5 and result.exit_code == 0


def test_a_wrong_content_type_is_a_warning_and_the_items_arrive(tmp_path, config, site):
    url = site.add("/feed", (DATA / "rss/guardian.rss").read_bytes(), "application/json")
    result = ingest([url], tmp_path / "c", config)
    assert codes(result)[0] == "I012" and "I001" in codes(result)


def test_a_source_redirect_to_an_unnamed_private_host_is_refused(tmp_path, config, site):
    port = site.url.rsplit(":", 1)[1]
    site.add("/feed.json", (DATA / "jsonfeed/feedparser-example.json").read_bytes(),
             "application/feed+json")
    site.redirects["/moved"] = f"http://localhost:{port}/feed.json"
    result = ingest([site.url + "/moved"], tmp_path / "c", config)
    assert codes(result) == ["I010"] and "non-public address" in detail(result, "I010")
    assert result.exit_code == 1
    named = ingest([site.url + "/moved"], tmp_path / "c", config, allow_hosts=("localhost",))
    assert "I001" in codes(named)


def test_photos_only_from_allowed_hosts(tmp_path, config, site):
    photo = site.add("/a.jpg", jpeg(), "image/jpeg")
    source = site.add("/feed.json", feed(photo), "application/feed+json")
    result = ingest([source], tmp_path / "c", config)
    assert "host 127.0.0.1 is not allowed" in detail(result, "I030")
    assert "image:" not in (tmp_path / "c/stories/story-1.md").read_text()
    assert "/a.jpg" not in site.hits  # refused before any request


def test_an_allowed_photo_is_fetched_checked_and_used(tmp_path, config, site):
    photo = site.add("/a.jpg", jpeg(), "text/plain")  # the server's word is not taken
    source = site.add("/feed.json", feed(photo), "application/feed+json")
    content = tmp_path / "c"
    result = ingest([source], content, config, allow_hosts=("127.0.0.1",))
    assert "I030" not in codes(result)
    story, problems = read_story(content / "stories/story-1.md", content.resolve(), config)
    assert story.photo is not None and (story.photo.width, story.photo.height) == (640, 400)
    assert story.photo.source == (content / "images/story-1.jpg").resolve()
    again = ingest([source], content, config, allow_hosts=("127.0.0.1",))
    assert codes(again) == ["I003"] and site.hits.count("/a.jpg") == 1


def test_an_edition_allowed_host_must_still_be_public(tmp_path, config, site):
    """allowed_hosts in the definition is not naming a host on this run: localhost
    (127.0.0.1) is refused, and so is a redirect from an allowed host to it."""
    port = site.url.rsplit(":", 1)[1]
    local = f"http://localhost:{port}"
    site.add("/a.jpg", jpeg(), "image/jpeg")
    site.redirects["/hop.jpg"] = f"{local}/a.jpg"
    source = site.add("/feed.json", feed(f"{local}/a.jpg", f"{site.url}/hop.jpg"),
                      "application/feed+json")
    allowed = replace(config, allowed_hosts=("localhost", "127.0.0.1"))
    result = ingest([source], tmp_path / "c", allowed, allow_hosts=("127.0.0.1",))
    problems = [line.detail for line in result.lines if line.code == "I030"]
    assert len(problems) == 2 and all("non-public address" in p for p in problems)
    assert "/a.jpg" not in site.hits and "/hop.jpg" in site.hits  # checked after the hop


def _truncated_jpeg() -> bytes:
    whole = io.BytesIO()
    Image.effect_noise((600, 400), 60).convert("RGB").save(whole, "JPEG", quality=90)
    return whole.getvalue()[: len(whole.getvalue()) // 2]


# The content folder's own check judges them (compiler/content/photos.py), so a photo
# ingest keeps is one the build accepts: a JPEG cut in half is caught by its decode probe.
@pytest.mark.parametrize(("body", "reason"), [
    (b"<html><body>Not a photo</body></html>", "not a JPEG, PNG, WebP or GIF"),
    (b"\xff\xd8\xff\xe0" + b"\x00" * 100, "is not a JPEG, PNG, WebP or GIF image"),
    (_truncated_jpeg(), "truncated"),
], ids=["html", "bad-header", "truncated"])
def test_a_photo_that_is_not_an_image_costs_only_the_photo(tmp_path, config, site, body,
                                                          reason):
    source = site.add("/feed.json", feed(site.add("/a.jpg", body, "image/jpeg")),
                      "application/feed+json")
    content = tmp_path / "c"
    result = ingest([source], content, config, allow_hosts=("127.0.0.1",))
    assert reason in detail(result, "I030") and "I001" in codes(result)
    assert list((content / "images").iterdir()) == []


def test_byte_pixel_and_time_limits(tmp_path, config, site, monkeypatch):
    big = io.BytesIO()
    Image.new("1", (8000, 8000)).save(big, "PNG")  # 64 megapixels in a few kilobytes
    monkeypatch.setattr(photos, "MAX_PHOTO_BYTES", 50_000)
    site.stall.add("/slow.jpg")
    source = site.add("/feed.json", feed(site.add("/bomb.png", big.getvalue(), "image/png"),
                                         site.add("/huge.jpg", jpeg((2000, 2000)) + b"\0" * 60000,
                                                  "image/jpeg"),
                                         site.url + "/slow.jpg"), "application/feed+json")
    result = ingest([source], tmp_path / "c", config, allow_hosts=("127.0.0.1",), timeout=2)
    problems = sorted(line.detail for line in result.lines if line.code == "I030")
    assert len(problems) == 3
    assert "megapixels" in problems[0] and "over the limit of 50000" in problems[1]
    assert "timed out" in problems[2] or "took too long" in problems[2]
    assert codes(result).count("I001") == 3


def test_photos_are_downloaded_in_parallel(tmp_path, config, site):
    """Three requests wait for each other at the server: one-by-one downloads would time
    out there; parallel ones all arrive."""
    paths = [f"/p{n}.jpg" for n in range(3)]
    urls = [site.add(path, jpeg(), "image/jpeg") for path in paths]
    site.barrier, site.barrier_paths = threading.Barrier(3, timeout=10), set(paths)
    source = site.add("/feed.json", feed(*urls), "application/feed+json")
    result = ingest([source], tmp_path / "c", config, allow_hosts=("127.0.0.1",))
    assert "I030" not in codes(result)
    assert len(list((tmp_path / "c/images").iterdir())) == 3


def test_redirect_loops_and_other_schemes_are_refused(tmp_path, config, site):
    site.redirects["/loop"] = "/loop"
    site.redirects["/file"] = "file:///etc/passwd"
    result = ingest([site.url + "/loop", site.url + "/file"], tmp_path / "c", config)
    problems = [line.detail for line in result.lines if line.code == "I010"]
    assert "more than 5 redirects" in problems[0] and "not an http(s) URL" in problems[1]
    assert site.hits.count("/loop") == 6
