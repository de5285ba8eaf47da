"""Bad photos and pathological markup cost only themselves, with clear messages.

One edition holds good stories, stories with broken photos (they stay, without the photo,
with P003/P004), a 10,000-level <div> story (refused with S012) and stories with broken
front matter; it is built once by the real CLI and judged from its outputs, its stderr
and its JSON report. ``edition check`` on the same folder must list every problem at once.
A story that makes WeasyPrint slow is left out with R002 (one slow-ish test).
"""

from __future__ import annotations

import json
import re
import time
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from PIL import Image

from compiler.config import EditionConfig
from compiler.content.markdown import read_story
from support import DAILY, Content, pdftotext, run_cli, story_text
from support.hostile import bomb_png, editor_message, noisy_jpeg, pdf_image_digests, tiny_png

DATE = "2026-11-25"
GOOD = {
    "good-lead": ("Council approves riverside park", "National",
                  "The municipal council approved a new riverside park on Tuesday.\n"),
    "good-market": ("Rice exports climb for a third month", "Business",
                    "Milled rice exports rose again in October, traders said.\n"),
}
PHOTOS = {  # story -> (file, expected code or None when the photo is fine)
    "photo-corrupt": ("corrupt.jpg", "P003"),
    "photo-truncated": ("truncated.jpg", "P003"),
    "photo-bomb": ("bomb.png", "P004"),
    "photo-too-many-pixels": ("huge.png", "P004"),
    "photo-svg": ("drawing.svg", "P003"),
    "photo-empty": ("empty.jpg", "P003"),
    "photo-fine-gif": ("fine.gif", None),
    "photo-fine-png": ("fine.png", None),
}
BAD = {  # story -> (text or bytes, code, line)
    "bad-yaml": ("---\nheadline: Fine headline\nsection: National\nbyline: a: b\n---\nBody.\n",
                 "S002", 4),
    "no-front-matter": ("Just a body, no front matter.\n", "S003", 1),
    "missing-headline": ("---\nsection: National\n---\nBody.\n", "S004", None),
    "wrong-section": ("---\nheadline: Somewhere\nsection: Gardening\n---\nBody.\n", "S007", 3),
    "not-utf8": ("---\nheadline: Caf\xe9\nsection: National\n---\nBody.\n".encode("latin-1"),
                 "S006", 2),
    "bad-date": ("---\nheadline: When\nsection: National\npublished: next tuesday\n---\nB.\n",
                 "S015", 4),
}
DEEP = "deep-divs"
def write_photos(images: Path) -> None:
    images.mkdir(parents=True, exist_ok=True)
    corrupt = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 8
    (images / "corrupt.jpg").write_bytes(corrupt)
    whole = noisy_jpeg()
    (images / "truncated.jpg").write_bytes(whole[: len(whole) // 2])
    (images / "bomb.png").write_bytes(bomb_png(100_000, 100_000))
    (images / "huge.png").write_bytes(bomb_png(9_000, 9_000))  # 81 Mpx: under Pillow's own guard
    (images / "drawing.svg").write_text(
        "<svg xmlns='http://www.w3.org/2000/svg'><image href='file:///etc/passwd'/></svg>")
    (images / "empty.jpg").write_bytes(b"")
    Image.new("P", (320, 200), 3).save(images / "fine.gif", "GIF")
    (images / "fine.png").write_bytes(tiny_png())
    Image.open(images / "fine.png").resize((300, 200)).save(images / "fine.png")
    assert len((images / "bomb.png").read_bytes()) < 200


def fill(content: Content) -> None:
    for name, (headline, section, body) in GOOD.items():
        content.story(name, headline=headline, section=section, body=body,
                      priority=1 if name == "good-lead" else 50)
    write_photos(content.root / "images")
    for name, (file, _) in PHOTOS.items():
        content.story(name, headline=f"Story with {name}", section="World",
                      body=f"Text of the {name} story stays.\n",
                      image={"src": f"../images/{file}", "alt": "A picture", "caption": "Cap"})
    content.story(DEEP, headline="Deeply nested", section="Opinion",
                  body="Intro.\n\n" + "<div>" * 10_000 + "deep" + "</div>" * 10_000 + "\n")
    for name, (text, _, _) in BAD.items():
        if isinstance(text, bytes):
            content.raw(name, text)
        else:
            content.story(name, text)


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("isolation")
    content = Content(tmp / "content")
    fill(content)
    out = tmp / "out"
    result = run_cli("build", content.root, "--out", out, "--date", DATE, "--quiet")
    return SimpleNamespace(result=result, content=content, out=out,
                           pdf=out / f"daily-{DATE}.pdf", epub=out / f"daily-{DATE}.epub",
                           report=out / f"daily-{DATE}.report.json")


def messages(stderr: str) -> list[dict]:
    return [m for m in map(editor_message, stderr.splitlines()) if m]


def codes_for(stderr: str, story: str) -> set[str]:
    return {m["code"] for m in messages(stderr) if m["file"] == story}


def epub_story(epub: Path, name: str) -> str:
    with zipfile.ZipFile(epub) as archive:
        matches = [n for n in archive.namelist() if n.endswith(f"story-{name}.xhtml")]
        return archive.read(matches[0]).decode("utf-8") if matches else ""


def test_the_edition_is_written_despite_everything(edition):
    assert edition.result.returncode == 0, edition.result.stderr
    assert "Traceback" not in edition.result.stderr
    assert "RecursionError" not in edition.result.stderr
    assert edition.pdf.is_file() and edition.epub.is_file()


def test_every_stderr_line_is_an_editor_message(edition):
    lines = [line for line in edition.result.stderr.splitlines() if line.strip()]
    assert lines
    assert [line for line in lines if not editor_message(line)] == []


@pytest.mark.parametrize("story", sorted(PHOTOS))
def test_a_bad_photo_costs_only_the_photo(edition, story):
    _, code = PHOTOS[story]
    report = json.loads(edition.report.read_text(encoding="utf-8"))
    assert f"stories/{story}.md" in report["included"]
    xhtml = epub_story(edition.epub, story)
    assert f"Text of the {story} story stays." in xhtml
    if code:
        assert code in codes_for(edition.result.stderr, story), edition.result.stderr
        assert "<img" not in xhtml
    else:
        assert not codes_for(edition.result.stderr, story) - {"P005"}
        assert "<img" in xhtml


def test_only_the_good_photos_are_printed(edition):
    text = " ".join(pdftotext(edition.pdf).split())
    for story in PHOTOS:
        assert f"Text of the {story} story stays." in text
    fine = sum(1 for _, code in PHOTOS.values() if code is None)
    assert len(pdf_image_digests(edition.pdf)) == fine


def test_deep_markup_is_refused_with_s012_and_the_rest_is_written(edition):
    found = [m for m in messages(edition.result.stderr) if m["file"] == DEEP]
    assert [m["code"] for m in found] == ["S012"], edition.result.stderr
    text = " ".join(pdftotext(edition.pdf).split())
    assert "Deeply nested" not in text
    for headline, _, body in GOOD.values():
        assert headline in text
        assert body.strip() in text


def test_s002_names_the_file_and_line_with_the_fix(edition):
    lines = [line for line in edition.result.stderr.splitlines()
             if line.startswith("stories/bad-yaml.md")]
    assert len(lines) == 1, edition.result.stderr
    assert re.fullmatch(r"stories/bad-yaml\.md:4: S002 front matter is not valid YAML: "
                        r".*mapping values.* \(fix the YAML or remove the file\)", lines[0])


@pytest.mark.parametrize("story", sorted(BAD))
def test_each_bad_story_gets_its_code_and_line(edition, story):
    _, code, line = BAD[story]
    found = [m for m in messages(edition.result.stderr) if m["file"] == story]
    assert [m["code"] for m in found] == [code], edition.result.stderr
    if line is not None:
        assert found[0]["line"] == str(line)


def test_report_lists_left_out_stories_with_their_codes(edition):
    report = json.loads(edition.report.read_text(encoding="utf-8"))
    left = {entry["file"]: {p["code"] for p in entry["problems"]} for entry in report["left_out"]}
    expected = {f"stories/{name}.md": {code} for name, (_, code, _) in BAD.items()}
    expected[f"stories/{DEEP}.md"] = {"S012"}
    assert left == expected
    assert report["exit_code"] == 0
    assert set(report["included"]) == {f"stories/{n}.md" for n in [*GOOD, *PHOTOS]}
    yaml_problem = next(e for e in report["left_out"] if e["file"] == "stories/bad-yaml.md")
    assert yaml_problem["problems"][0]["line"] == 4
    assert yaml_problem["problems"][0]["fix"] == "fix the YAML or remove the file"


def test_check_lists_every_problem_at_once_and_exits_1(edition):
    result = run_cli("check", edition.content.root)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    found = messages(result.stderr)
    for name, (_, code, _) in BAD.items():
        assert (name, code) in {(m["file"], m["code"]) for m in found}, result.stderr
    assert (DEEP, "S012") in {(m["file"], m["code"]) for m in found}
    bad_yaml = next(m for m in found if m["file"] == "bad-yaml")
    assert bad_yaml["line"] == "4"
    usable = len(GOOD) + len(PHOTOS)
    assert result.stdout.startswith(f"{usable} stories usable, {len(BAD) + 1} left out")


# --------------------------------------------------------------------------- deep markup, unit


CONFIG = EditionConfig(name="test", sections=("National",))


def shapes(*cases):
    return [pytest.param(body, id=shape) for shape, body in cases]


@pytest.mark.parametrize("body", shapes(
    ("nested divs", "<div>" * 10_000 + "x" + "</div>" * 10_000),
    ("self-closing divs", "<div/>" * 10_000 + "x"),
    ("divs closed by stray end tags", "<div></x>" * 10_000 + "x"),
    ("unclosed spans", "<span>" * 10_000 + "x"),
    ("nested lists", "<ul><li>" * 5_000 + "x"),
    ("nested tables", "<table><tr><td>" * 3_000 + "x"),
    ("nested quotes", "<blockquote>" * 10_000 + "x"),
    ("emphasis", "*" * 20_000 + "x" + "*" * 20_000),
))
def test_deep_markup_of_any_shape_is_refused_with_s012(content, body):
    path = content.story("deep", story_text(section="National", body=f"Intro.\n\n{body}\n"))
    story, problems = read_story(path, content.root.resolve(), CONFIG)
    assert story is None, f"read as a story ({story.body_html.count('<div')} <div>s kept)"
    assert [p.code for p in problems] == ["S012"]


@pytest.mark.parametrize("body", shapes(
    ("markdown quotes", "".join(">" * i + " x\n" for i in range(1, 1_000))),
    ("markdown lists", "".join("  " * i + "- x\n" for i in range(500))),
    ("brackets", "[" * 20_000 + "x" + "]" * 20_000),
))
def test_deep_markdown_never_raises(content, body):
    path = content.story("deep", story_text(section="National", body=f"Intro.\n\n{body}\n"))
    story, problems = read_story(path, content.root.resolve(), CONFIG)
    assert story is not None or [p.code for p in problems] == ["S012"], problems


# --------------------------------------------------------------------------- slow story


def test_a_story_that_lays_out_slowly_is_left_out_with_r002(tmp_path):
    content = Content(tmp_path / "content")
    content.story("normal", headline="Bridge reopens after repairs", section="National",
                  body="The Chroy Changvar bridge reopened to traffic on Monday.\n", priority=1)
    rows = "\n".join(f"| row {i} | value {i} | a longer cell of text {i} |" for i in range(10_000))
    content.story("slow", headline="A very long table", section="Business",
                  body=f"Intro.\n\n| a | b | c |\n|---|---|---|\n{rows}\n")
    toml = DAILY.read_text(encoding="utf-8")
    toml, replaced = re.subn(r"(?m)^render_timeout\s*=.*$", "render_timeout = 3", toml)
    assert replaced == 1
    edition_file = tmp_path / "slow.toml"
    edition_file.write_text(toml, encoding="utf-8")
    out = tmp_path / "out"
    started = time.monotonic()
    result = run_cli("build", content.root, "--edition", edition_file, "--out", out,
                     "--date", DATE, "--quiet", timeout=300)
    elapsed = time.monotonic() - started
    print(f"slow-story build took {elapsed:.1f} s")
    assert result.returncode == 0, result.stderr
    assert "R002" in codes_for(result.stderr, "slow"), result.stderr
    text = " ".join(pdftotext(out / f"slow-{DATE}.pdf").split())
    assert "Bridge reopens after repairs" in text
    assert "The Chroy Changvar bridge reopened" in text
    assert "A very long table" not in text
    with zipfile.ZipFile(out / f"slow-{DATE}.epub") as archive:
        assert not [n for n in archive.namelist() if "story-slow" in n]
    report = json.loads((out / f"slow-{DATE}.report.json").read_text(encoding="utf-8"))
    left = {e["file"]: [p["code"] for p in e["problems"]] for e in report["left_out"]}
    assert left == {"stories/slow.md": ["R002"]}
