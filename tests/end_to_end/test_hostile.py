"""Nothing leaks, nothing is fetched: a hostile corpus built as one edition by the real CLI.

A canary file outside the content folder holds a random token (as text and as a JPEG
comment); a local HTTP server counts every request. After the build the token must be in
neither output, the server must have heard nothing, the PDF must carry no attachments or
scripts, and the EPUB no scripts, handlers or script URLs, and it must still pass EPUBCheck.
The fetcher itself (compiler.pdf.fetcher.EditionFetcher) is unit-tested below, and so is the
fetcher's defence when hostile HTML reaches WeasyPrint without the sanitiser.
"""

from __future__ import annotations

import base64
import json
import os
import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from compiler.pdf.fetcher import EditionFetcher, RefusedURL
from support import Content, epubcheck, pdftotext, run_cli, story_text
from support.hostile import (
    NO_PROXY_ENV,
    CountingServer,
    bomb_png,
    canary_jpeg,
    editor_message,
    epub_dangers,
    epub_entries,
    new_token,
    pdf_all_bytes,
    pdf_dangers,
    tiny_png,
)

DATE = "2026-11-25"
SECTIONS = ["National", "Business", "World", "Opinion", "Sport"]
NORMAL_HEADLINE = "Ferry service to resume on the Tonle Sap"
NORMAL_BODY = "Passenger boats will run again between Phnom Penh and Siem Reap from Monday.\n"


def corpus(s: str, canary_txt: Path, canary_jpg: Path) -> list[tuple[str, dict, str]]:
    """(name, extra front matter, body) for each hostile story; s is the local server URL."""
    txt_uri, jpg_uri = canary_txt.as_uri(), canary_jpg.as_uri()
    bomb = base64.b64encode(bomb_png()).decode()
    png = base64.b64encode(tiny_png()).decode()
    return [
        ("script", {}, f"<script>fetch('{s}/script')</script>\n\n"
                       f"<script src=\"{s}/script.js\"></script>\n"),
        ("handlers", {}, f"<p onclick=\"alert(1)\" onmouseover='fetch(\"{s}/on\")'>Handlers"
                         "</p>\n\n<div onload=alert(1) ONFOCUS=alert(2)>More</div>\n"),
        ("javascript-link", {}, "[click](javascript:alert(1))\n\n"
                                "<a href=\"javascript:alert(1)\">there</a>\n"),
        ("iframe", {}, f"<iframe src=\"{txt_uri}\"></iframe>\n\n"
                       f"<iframe srcdoc=\"<img src={s}/srcdoc>\" src=\"{s}/frame\"></iframe>\n"),
        ("object-embed", {}, f"<object data=\"{txt_uri}\" type=\"text/plain\"></object>\n\n"
                             f"<embed src=\"{s}/embed\">\n\n"
                             f"<applet code=\"x\" codebase=\"{s}/applet\"></applet>\n"),
        ("style-block", {}, f"<style>@import url({s}/import.css);\n"
                            f"@font-face {{ font-family: x; src: url({txt_uri}); }}\n"
                            f"body {{ background: url({s}/bg.png); }}</style>\n\nStyled.\n"),
        ("style-attribute", {}, f"<p style=\"background:url({s}/style-attr.png)\">One</p>\n\n"
                                f"<p style=\"list-style-image: url('{jpg_uri}')\">Two</p>\n\n"
                                f"<div style=\"background-image:u\\rl({s}/escaped)\">"
                                "Three</div>\n"),
        ("link-stylesheet", {}, f"<link rel=\"stylesheet\" href=\"{s}/link.css\">\n\n"
                                f"<link rel=\"stylesheet\" href=\"{txt_uri}\">\n"),
        ("a-rel-attachment", {}, f"<a rel=\"attachment\" href=\"{txt_uri}\">file</a> "
                                 f"<a rel=\"attachment\" href=\"../../canary.txt\">rel</a> "
                                 f"<a rel=\"attachment\" href=\"{s}/attach\">http</a>\n"),
        ("link-rel-attachment", {}, f"<link rel=\"attachment\" href=\"{txt_uri}\">\n\n"
                                    f"<link rel=\"attachment\" href=\"{s}/link-attach\">\n"),
        ("file-urls", {}, f"<img src=\"{jpg_uri}\" alt=\"a\">\n\n<a href=\"{txt_uri}\">txt</a>\n"
                          f"\n<file://{canary_txt}>\n"),
        ("climbing-paths", {}, "<img src=\"../../canary.jpg\" alt=\"a\">\n\n"
                               "[up](../../canary.txt) and [root](/../../../canary.txt)\n\n"
                               "<a href=\"%2e%2e/%2e%2e/canary.txt\">enc</a>\n"),
        ("svg-image-use", {}, "<svg xmlns=\"http://www.w3.org/2000/svg\">"
                              f"<image href=\"{jpg_uri}\"/>"
                              f"<image xlink:href=\"{s}/svg-image.png\"/>"
                              f"<use href=\"{txt_uri}#x\"/><use href=\"{s}/use.svg#x\"/></svg>\n"),
        ("data-urls", {}, f"<img src=\"data:image/png;base64,{png}\" alt=\"d\">\n\n"
                          "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">"
                          "data link</a>\n\n<object data=\"data:text/html,<script>1</script>\">"
                          "</object>\n"),
        ("data-image-bomb", {}, f"<img src=\"data:image/png;base64,{bomb}\" alt=\"bomb\">\n\n"
                                f"<p style=\"background:url(data:image/png;base64,{bomb})\">"
                                "Bomb</p>\n"),
        ("metadata-service", {}, "<img src=\"http://169.254.169.254/latest/meta-data/\">\n\n"
                                 "<link rel=\"stylesheet\" "
                                 "href=\"http://169.254.169.254/latest/meta-data/iam\">\n"),
        ("local-server", {}, f"<img src=\"{s}/img.png\" alt=\"x\">\n\n"
                             f"<img src=\"{s}/redirect\" alt=\"r\">\n\n"
                             f"<img src=\"http://localhost:{s.rsplit(':', 1)[1]}/host.png\">\n"),
        ("markdown-images", {}, f"![x]({s}/x.png)\n\n![y](../../canary.jpg)\n\n"
                                f"![z]({jpg_uri})\n\n![r]({s}/redirect \"title\")\n"),
        ("photo-absolute", {"image": {"src": str(canary_jpg), "alt": "abs"}}, ""),
        ("photo-climbing", {"image": {"src": "../../canary.jpg", "alt": "up"}}, ""),
        ("photo-symlink", {"image": {"src": "../images/escape.jpg", "alt": "link"}}, ""),
        ("photo-http", {"image": {"src": f"{s}/photo.jpg", "alt": "remote"}}, ""),
        ("photo-file-uri", {"image": {"src": jpg_uri, "alt": "file"}}, ""),
        ("base-href", {}, "<base href=\"file:///\">\n\n"
                          f"<img src=\"{str(canary_jpg).lstrip('/')}\">\n\n"
                          f"<base href=\"{s}/\"><img src=\"based.png\">\n"),
        ("meta-refresh", {}, f"<meta http-equiv=\"refresh\" content=\"0;url={s}/refresh\">\n\n"
                             f"<meta http-equiv=\"Set-Cookie\" content=\"a=b\">\n"),
        ("form", {}, f"<form action=\"{s}/form\" method=\"post\"><input type=\"image\" "
                     f"src=\"{s}/input.png\"><button formaction=\"{s}/button\">Go</button>"
                     "<textarea>t</textarea></form>\n"),
        ("entity-tricks", {}, "<a href=\"&#x6A;avascript:alert(1)\">hex</a> "
                              "<a href=\"&#106;&#97;vascript:alert(1)\">dec</a> "
                              "<a href=\"&#0000106avascript:alert(1)\">long</a> "
                              "<a href=\"java&#x09;script:alert(1)\">tab</a>\n"),
        ("obfuscated-scheme", {}, "<a href=\" JaVaScRiPt:alert(1)\">case</a> "
                                  "<a href=\"java\nscript:alert(1)\">newline</a> "
                                  "<a href=\"vbscript:msgbox(1)\">vb</a> "
                                  "<a href=\"\x01javascript:alert(1)\">ctl</a>\n"),
        ("svg-script", {}, "<svg><script>alert(1)</script>"
                           "<a xlink:href=\"javascript:alert(1)\"><text>x</text></a>"
                           f"<foreignObject><iframe src=\"{s}/fo\"></iframe></foreignObject>"
                           "</svg>\n"),
        ("math", {}, "<math><mi xlink:href=\"javascript:alert(1)\">x</mi>"
                     "<maction actiontype=\"statusline\">y</maction></math>\n"),
        ("comments-cdata", {}, f"<!-- <img src=\"{s}/comment.png\"> -->\n\n"
                               f"<!--[if IE]><img src=\"{s}/ie.png\"><![endif]-->\n\n"
                               "<![CDATA[<script>alert(1)</script>]]>\n\n"
                               f"<?xml-stylesheet href=\"{s}/pi.css\"?>\n"),
        ("srcset-picture", {}, f"<img srcset=\"{s}/srcset.png 1x, {jpg_uri} 2x\" alt=\"s\">\n\n"
                               f"<picture><source srcset=\"{s}/source.png\">"
                               f"<img src=\"{s}/pic.png\"></picture>\n"),
        ("video-audio", {}, f"<video poster=\"{s}/poster.png\" src=\"{s}/v.mp4\">"
                            f"<source src=\"{s}/v.webm\"><track src=\"{txt_uri}\"></video>\n\n"
                            f"<audio src=\"{s}/a.mp3\"></audio>\n"),
        ("img-onerror", {}, "<img src=x onerror=\"alert(1)\">\n\n"
                            "<img src=\"\" onload=alert(1)>\n"),
        ("mutation", {}, "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">"
                         "</noscript>\n\n<template><img src=x onerror=alert(1)></template>\n\n"
                         "<p title=\"x&quot; onmouseover=&quot;alert(1)\">quoted</p>\n"),
        ("table-background", {}, f"<table background=\"{s}/table.png\"><tr>"
                                 f"<td background=\"{jpg_uri}\">cell</td></tr></table>\n"),
        ("frames-legacy", {}, f"<frameset><frame src=\"{txt_uri}\"></frameset>\n\n"
                              f"<img lowsrc=\"{s}/low.png\" dynsrc=\"{s}/dyn.png\">\n\n"
                              f"<isindex action=\"{s}/isindex\">\n"),
        ("named-scheme", {}, "<img src=\"edition-photo:../../canary.jpg\">\n\n"
                             "<a rel=\"attachment\" href=\"edition-photo:..%2F..%2Fcanary.txt\">"
                             "n</a>\n"),
        ("reference-links", {}, f"[ref one][a] and [ref two][b] and <javascript:alert(1)>\n\n"
                                f"[a]: {txt_uri}\n[b]: javascript:alert(1)\n"),
        ("front-matter", {
            "headline": "Front matter <script>alert(1)</script>"
                        f"<img src=\"{s}/headline.png\">",
            "byline": f"<link rel=\"attachment\" href=\"{txt_uri}\">",
            "standfirst": f"<style>@import url({s}/standfirst.css);</style>",
            "slug": "../../../etc/passwd",
            "related": [
                {"headline": "<a href=\"javascript:alert(1)\">bad</a>",
                 "url": "javascript:alert(1)"},
                {"headline": "Off-site related story",
                 "teaser": f"<img src=\"{s}/teaser.png\">", "url": f"{s}/related-link"},
            ],
        }, ""),
    ]


@pytest.fixture(scope="module")
def server():
    with CountingServer() as running:
        yield running


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, server):
    """The whole corpus plus one normal story, built once by the real CLI."""
    tmp = tmp_path_factory.mktemp("hostile")
    token = new_token()
    canary_txt = tmp / "canary.txt"
    canary_txt.write_text(f"{token}\n", encoding="utf-8")
    canary_jpg = canary_jpeg(tmp / "canary.jpg", token)
    content = Content(tmp / "content")
    os.symlink(canary_jpg, content.root / "images" / "escape.jpg")

    names = []
    for index, (name, front, body) in enumerate(corpus(server.url, canary_txt, canary_jpg)):
        front = dict(front)
        headline = front.pop("headline", f"Hostile story {index:02d}: {name}")
        marker = f"Safe paragraph of the {name} story."
        content.story(f"h{index:02d}-{name}", story_text(
            headline=headline, section=SECTIONS[index % len(SECTIONS)],
            body=f"{marker}\n\n{body}", **front))
        names.append(f"h{index:02d}-{name}")
    content.story("normal", headline=NORMAL_HEADLINE, section="National", body=NORMAL_BODY,
                  priority=1)
    out = tmp / "out"
    result = run_cli("build", content.root, "--out", out, "--date", DATE, "--quiet",
                     env=NO_PROXY_ENV)
    return SimpleNamespace(result=result, out=out, tmp=tmp, token=token, content=content,
                           names=names, pdf=out / f"daily-{DATE}.pdf",
                           epub=out / f"daily-{DATE}.epub",
                           report=out / f"daily-{DATE}.report.json")


def test_the_corpus_is_big_enough():
    assert len(corpus("http://127.0.0.1:1", Path("/c.txt"), Path("/c.jpg"))) >= 30


def test_hostile_edition_builds_with_every_story(hostile):
    assert hostile.result.returncode == 0, hostile.result.stderr
    assert "Traceback" not in hostile.result.stderr
    report = json.loads(hostile.report.read_text(encoding="utf-8"))
    included = {Path(f).stem for f in report["included"]}
    assert included == {*hostile.names, "normal"}, report["left_out"]


def test_every_stderr_line_is_an_editor_message(hostile):
    lines = [line for line in hostile.result.stderr.splitlines() if line.strip()]
    assert [line for line in lines if not editor_message(line)] == []


def test_the_normal_story_is_in_both_outputs(hostile):
    text = " ".join(pdftotext(hostile.pdf).split())
    assert NORMAL_HEADLINE in text
    assert "Passenger boats will run again" in text
    epub = b"".join(epub_entries(hostile.epub).values())
    assert NORMAL_HEADLINE.encode() in epub


def test_safe_text_of_hostile_stories_survives(hostile):
    """The stories really went through both renderers, not dropped on the way."""
    def squashed(text: str) -> str:  # line breaks and hyphenation aside
        return re.sub(r"[\s\-\u00ad\u2010]", "", text)

    text = squashed(pdftotext(hostile.pdf))
    epub = b"".join(epub_entries(hostile.epub).values()).decode("utf-8", "replace")
    for name in hostile.names:
        marker = f"Safe paragraph of the {name.split('-', 1)[1]} story."
        assert marker in epub, name
        assert squashed(marker) in text, name


def test_the_local_server_heard_nothing(hostile, server):
    assert hostile.result.returncode == 0, hostile.result.stderr
    assert server.requests == []


def test_canary_is_not_in_the_pdf(hostile):
    assert hostile.token.encode() not in pdf_all_bytes(hostile.pdf, hostile.tmp)


def test_canary_is_not_in_the_epub(hostile):
    for name, data in epub_entries(hostile.epub).items():
        assert hostile.token.encode() not in data, name


def test_canary_is_not_in_the_messages(hostile):
    assert hostile.token not in hostile.result.stdout + hostile.result.stderr
    assert hostile.token not in hostile.report.read_text(encoding="utf-8")


def test_pdf_has_no_attachments_scripts_or_odd_links(hostile):
    assert pdf_dangers(hostile.pdf) == []


def test_epub_has_no_scripts_handlers_or_script_urls(hostile):
    assert epub_dangers(epub_entries(hostile.epub)) == []


def test_hostile_epub_passes_epubcheck(hostile):
    result = epubcheck(hostile.epub)
    assert result.returncode == 0, result.stdout + result.stderr


def test_removed_markup_and_escaping_photos_are_reported(hostile):
    lines = hostile.result.stderr.splitlines()

    def codes(name: str) -> set[str]:
        return {line.split(": ", 1)[1].split()[0] for line in lines
                if line.startswith(f"stories/{name}.md:")}

    for name in hostile.names:
        tail = name.split("-", 1)[1]
        if tail.startswith("photo-"):
            assert "P002" in codes(name), (name, codes(name))
        elif tail in ("script", "handlers", "iframe", "object-embed", "style-block",
                      "style-attribute", "file-urls", "svg-script", "math", "form"):
            assert "S013" in codes(name), (name, codes(name))


def test_story_file_symlinked_outside_the_content_folder_is_not_read(content, tmp_path):
    """A story file is content too: a symlink in stories/ must not pull in a file from
    outside the content folder (the same rule the fetcher and the photo checks apply)."""
    token = new_token()
    outside = tmp_path / "outside.md"
    outside.write_text(story_text(headline="Outside", section="National",
                                  body=f"Secret {token}\n"), encoding="utf-8")
    content.story("normal", headline=NORMAL_HEADLINE, section="National", body=NORMAL_BODY)
    os.symlink(outside, content.root / "stories" / "escape.md")
    result = run_cli("check", content.root)
    assert token not in result.stdout + result.stderr
    assert result.stdout.startswith("1 story usable"), result.stdout + result.stderr
    assert "stories/escape.md" in result.stderr


# --------------------------------------------------------------------------- the fetcher


@pytest.fixture
def fetch_setup(tmp_path, monkeypatch):
    for key, value in NO_PROXY_ENV.items():
        monkeypatch.setenv(key, value)
    token = new_token()
    root = tmp_path / "content"
    (root / "images").mkdir(parents=True)
    canary = tmp_path / "canary.txt"
    canary.write_text(token, encoding="utf-8")
    inside = root / "images" / "ok.png"
    inside.write_bytes(tiny_png())
    os.symlink(canary, root / "images" / "escape.txt")
    photos = tmp_path / "work" / "print-photos"
    photos.mkdir(parents=True)
    (photos / "abc.jpg").write_bytes(b"jpeg")
    (photos / "sub").mkdir()
    (photos / "sub" / "deep.jpg").write_bytes(b"jpeg")
    return SimpleNamespace(root=root, canary=canary, inside=inside, photos=photos, token=token)


def refused(fetcher: EditionFetcher, url: str) -> str:
    with pytest.raises(RefusedURL) as caught:
        fetcher.fetch(url)
    assert any(entry.startswith(url[:200]) for entry in fetcher.refused), fetcher.refused
    return str(caught.value)


def test_fetcher_serves_files_inside_its_roots(fetch_setup):
    fetcher = EditionFetcher([fetch_setup.root])
    response = fetcher.fetch(fetch_setup.inside.as_uri())
    assert response.read() == tiny_png()
    assert fetcher.refused == []


@pytest.mark.parametrize("how", ["absolute", "climbing", "encoded", "symlink", "host"])
def test_fetcher_refuses_files_outside_its_roots(fetch_setup, how):
    setup = fetch_setup
    url = {
        "absolute": setup.canary.as_uri(),
        "climbing": setup.root.as_uri() + "/images/../../canary.txt",
        "encoded": setup.root.as_uri() + "/images/%2e%2e/%2e%2e/canary.txt",
        "symlink": (setup.root / "images" / "escape.txt").as_uri(),
        "host": "file://localhost" + str(setup.canary),
    }[how]
    fetcher = EditionFetcher([setup.root])
    refused(fetcher, url)


@pytest.mark.parametrize("url", ["data:text/plain,hello", "ftp://127.0.0.1/x",
                                 "javascript:alert(1)", "gopher://127.0.0.1:70/x",
                                 "edition-photo:abc.jpg"])
def test_fetcher_refuses_other_schemes(fetch_setup, url):
    refused(EditionFetcher([fetch_setup.root]), url)


def test_fetcher_refuses_hosts_not_allowed_without_connecting(fetch_setup, server):
    before = len(server.requests)
    fetcher = EditionFetcher([fetch_setup.root], allowed_hosts=("example.org",))
    refused(fetcher, f"{server.url}/x.png")
    refused(fetcher, f"http://localhost:{server.port}/x.png")
    refused(fetcher, "http://169.254.169.254/latest/meta-data/")
    refused(fetcher, f"https://example.org.127.0.0.1.nip.io:{server.port}/x")
    assert len(server.requests) == before


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_fetcher_refuses_an_allowed_host_that_is_not_public(fetch_setup, server, host):
    before = len(server.requests)
    fetcher = EditionFetcher([fetch_setup.root], allowed_hosts=(host,))
    assert "non-public" in refused(fetcher, f"http://{host}:{server.port}/x.png")
    assert len(server.requests) == before


@pytest.fixture
def loopback_is_public(monkeypatch):
    """Redirects can only be tested against the local server: let it pass the public check,
    while every other address is still checked."""
    import compiler.pdf.fetcher as fetch_module

    real = fetch_module.check_public
    monkeypatch.setattr(fetch_module, "check_public",
                        lambda host: None if host == "127.0.0.1" else real(host))


def test_fetcher_follows_a_redirect_on_an_allowed_host(fetch_setup, server, loopback_is_public):
    before = len(server.requests)
    fetcher = EditionFetcher([fetch_setup.root], allowed_hosts=("127.0.0.1",))
    response = fetcher.fetch(f"{server.url}/a/redirect")
    assert response.read() == tiny_png()
    assert server.requests[before:] == ["/a/redirect", "/x.png"]


def test_fetcher_refuses_a_redirect_to_a_host_not_allowed(fetch_setup, server,
                                                          loopback_is_public):
    before = len(server.requests)
    fetcher = EditionFetcher([fetch_setup.root], allowed_hosts=("127.0.0.1",))
    assert "localhost" in refused(fetcher, f"{server.url}/elsewhere")
    assert server.requests[before:] == ["/elsewhere"]


def test_fetcher_gives_up_on_a_redirect_loop(fetch_setup, server, loopback_is_public):
    before = len(server.requests)
    fetcher = EditionFetcher([fetch_setup.root], allowed_hosts=("127.0.0.1",))
    assert "redirect" in refused(fetcher, f"{server.url}/loop")
    assert 1 <= len(server.requests) - before <= 5


@pytest.mark.parametrize("name", ["../canary.txt", "sub/deep.jpg", "..", "/etc/passwd",
                                  "..%2Fcanary.txt", "sub/../abc.jpg", "./abc.jpg"])
def test_named_scheme_refuses_paths(fetch_setup, name):
    fetcher = EditionFetcher([fetch_setup.root], named={"edition-photo": fetch_setup.photos})
    refused(fetcher, f"edition-photo:{name}")


def test_named_scheme_serves_plain_names(fetch_setup):
    fetcher = EditionFetcher([fetch_setup.root], named={"edition-photo": fetch_setup.photos})
    assert fetcher.fetch("edition-photo:abc.jpg").read() == b"jpeg"


# --------------------------------------------------------------------------- defence in depth


def test_fetcher_holds_when_raw_hostile_html_reaches_weasyprint(tmp_path, server, monkeypatch):
    """If the sanitiser ever missed something, WeasyPrint still gets only the edition's
    fetcher: lay out unsanitised hostile HTML and judge the PDF."""
    from compiler.pdf.typeset import TypesetJob, typeset_and_write
    from compiler.resources import FONTS_DIR, LAYOUTS_DIR

    for key, value in NO_PROXY_ENV.items():
        monkeypatch.setenv(key, value)
    token = new_token()
    canary_txt = tmp_path / "canary.txt"
    canary_txt.write_text(token, encoding="utf-8")
    canary_jpg = canary_jpeg(tmp_path / "canary.jpg", token)
    content = Content(tmp_path / "content")
    os.symlink(canary_jpg, content.root / "images" / "escape.jpg")
    os.symlink(canary_txt, content.root / "images" / "escape.txt")
    photos = tmp_path / "work" / "print-photos"
    photos.mkdir(parents=True)
    climb = "../" * 30 + str(canary_txt).lstrip("/")
    before = len(server.requests)
    body = "".join(f"<section><p>Case {name}</p>{raw}</section>"
                   for name, _, raw in corpus(server.url, canary_txt, canary_jpg))
    body += (f"<a rel=attachment href='{climb}'>climb</a>"
             f"<a rel=attachment href='{(content.root / 'images' / 'escape.txt').as_uri()}'>l</a>"
             f"<img src='{(content.root / 'images' / 'escape.jpg').as_uri()}'>"
             "<img src='edition-photo:../../canary.jpg'>"
             f"<link rel=attachment href='{canary_txt.as_uri()}'>")
    html = (f"<html><head><link rel=stylesheet href='{server.url}/head.css'>"
            f"<link rel=attachment href='{canary_txt.as_uri()}'></head><body>{body}</body></html>")
    job = TypesetJob(html=html, stylesheets=(f"@import url({server.url}/sheet.css);",),
                    base_url=(LAYOUTS_DIR / "print").as_uri() + "/",
                    roots=(content.root.resolve(), LAYOUTS_DIR, FONTS_DIR),
                    named=(("edition-photo", photos),), allowed_hosts=())
    layout = typeset_and_write(job)
    pdf = tmp_path / "raw.pdf"
    pdf.write_bytes(layout.pdf)
    assert server.requests[before:] == []
    assert token.encode() not in pdf_all_bytes(pdf, tmp_path)
    # Links are the sanitiser's job; what the fetcher guards is what gets embedded.
    assert [d for d in pdf_dangers(pdf) if "link to" not in d] == []
    assert any(d.code == "R003" for d in layout.problems)  # refusals are reported


# --------------------------------------------------------------------------- the judges


def test_the_scanners_see_what_they_look_for(tmp_path, server):
    """The checks above are only worth something if they would fail: show WeasyPrint's own
    fetcher embedding the canary, and the EPUB scanner catching each kind of danger."""
    import urllib.request

    from weasyprint import HTML

    from support.hostile import xhtml_dangers

    token = new_token()
    canary = tmp_path / "canary.txt"
    canary.write_text(token, encoding="utf-8")
    pdf = tmp_path / "unguarded.pdf"
    HTML(string=f"<p><a rel='attachment' href='{canary.as_uri()}'>a</a>"
                f"<a href='javascript:alert(1)'>j</a></p>").write_pdf(pdf)
    assert token.encode() in pdf_all_bytes(pdf, tmp_path)
    found = pdf_dangers(pdf)
    assert any("FileAttachment" in d or "EmbeddedFile" in d for d in found), found
    assert any("javascript" in d for d in found), found

    xhtml = (b"<html xmlns='http://www.w3.org/1999/xhtml'><body>"
             b"<p onclick='x()'>a</p><a href=' JavaScript:x()'>b</a><iframe src='x'/>"
             b"<img src='file:///etc/passwd'/><img src='http://example.org/x.png'/>"
             b"<a href='../../x'>c</a><meta http-equiv='refresh' content='0'/>"
             b"</body></html>")
    kinds = " ".join(xhtml_dangers("doc.xhtml", xhtml))
    for expected in ("onclick", "JavaScript", "<iframe>", "file:", "remote", "climbing",
                     "http-equiv"):
        assert expected in kinds, (expected, kinds)
    assert "<script" in " ".join(xhtml_dangers("s.xhtml", xhtml.replace(b"<p ", b"<script/><p ")))

    before = len(server.requests)
    with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(
            f"{server.url}/redirect", timeout=5) as response:
        assert response.read() == tiny_png()
    assert server.requests[before:] == ["/redirect", "/x.png"]
