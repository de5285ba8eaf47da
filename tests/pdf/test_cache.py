"""The layout cache: corrections re-lay out only what they touch, and nothing stale is served."""

from __future__ import annotations

import json
import shutil

from compiler.pdf import cache as cache_module
from compiler.pdf.typeset import TypesetJob
from support import DAILY, REPO, make_photo, run_cli


def _build(content, out, cache, edition=DAILY, env=None):
    result = run_cli("build", content.root, "--out", out, "--date", "2026-11-25", "--quiet",
                     "--cache-dir", cache, "--edition", edition, env=env)
    assert result.returncode == 0, result.stderr
    report = json.loads((out / "daily-2026-11-25.report.json").read_text())
    return report["pdf_parts_laid_out"], (out / "daily-2026-11-25.pdf").read_bytes()


def test_correction_lays_out_only_its_part_and_matches_a_clean_build(content, tmp_path):
    for section in ("National", "Business", "World"):
        for n in range(2):
            content.story(f"{section.lower()}-{n}", headline=f"{section} story {n}",
                          section=section, body="News of the day, told plainly. " * 60 + "\n")
    cache = tmp_path / "cache"
    first, _ = _build(content, tmp_path / "a", cache)
    assert first == 4  # front + three sections, once each

    again, _ = _build(content, tmp_path / "b", cache)
    assert again == 0, "an unchanged edition is served from the cache"

    content.story("world-1", headline="World story 1", section="World",
                  body="A corrected paragraph, told plainly. " * 60 + "\n")
    corrected, cached_pdf = _build(content, tmp_path / "c", cache)
    assert corrected == 1, "only the corrected section, once; the rest keep their numbers"

    _, clean_pdf = _build(content, tmp_path / "d", tmp_path / "fresh-cache")
    assert cached_pdf == clean_pdf, "a cached build is byte-identical to a clean one"


def test_a_later_build_reuses_parts_but_carries_its_own_date(content, tmp_path):
    """Nightly reruns have no SOURCE_DATE_EPOCH: the build time must not void the cache."""
    import pikepdf

    content.story("one", headline="One", section="National")
    cache = tmp_path / "cache"
    _build(content, tmp_path / "a", cache, env={"SOURCE_DATE_EPOCH": "1764028800"})
    laid_out, data = _build(content, tmp_path / "b", cache,
                            env={"SOURCE_DATE_EPOCH": "1764115200"})  # a day later
    assert laid_out == 0
    with pikepdf.open(tmp_path / "b" / "daily-2026-11-25.pdf") as pdf:
        assert str(pdf.docinfo["/CreationDate"]).startswith("D:20251126")
        xmp = pdf.Root.Metadata.read_bytes().decode()
    assert "2025-11-26T00:00:00" in xmp
    assert "2000-01-01" not in xmp and b"20000101" not in data


def test_changing_the_edition_definition_invalidates_every_part(content, tmp_path):
    content.story("one", headline="One", section="National")
    cache = tmp_path / "cache"
    _build(content, tmp_path / "a", cache)
    renamed = tmp_path / "daily.toml"
    renamed.write_text(DAILY.read_text().replace("The Phnom Penh Daily", "The Evening Edition"))
    laid_out, _ = _build(content, tmp_path / "b", cache, edition=renamed)
    assert laid_out == 2, "every part laid out again: the masthead is on every page"


def _job(css: str) -> TypesetJob:
    return TypesetJob("<p>x</p>", (css,), "file:///", (REPO,), (), ())


def test_key_covers_layout_css():
    assert _job("p { color: red }").key("f") != _job("p { color: blue }").key("f")


def test_fingerprint_covers_fonts_and_compiler_code(tmp_path, monkeypatch):
    fonts = tmp_path / "fonts"
    shutil.copytree(REPO / "fonts", fonts)
    package = tmp_path / "compiler"
    shutil.copytree(REPO / "compiler", package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cache_module, "FONTS_DIR", fonts)
    monkeypatch.setattr(cache_module, "PACKAGE_DIR", package)
    cache_module.fingerprint.cache_clear()
    base = cache_module.fingerprint()

    (fonts / "README.txt").write_text("notes beside the fonts do not change any layout\n")
    make_photo(package / "diagram.jpg")
    cache_module.fingerprint.cache_clear()
    assert cache_module.fingerprint() == base, "only font files and Python sources count"

    (fonts / "NotoSans-Regular.ttf").write_bytes(b"changed font")
    cache_module.fingerprint.cache_clear()
    after_font = cache_module.fingerprint()
    assert after_font != base

    (package / "render.py").write_text("# a new compiler\n", encoding="utf-8")
    cache_module.fingerprint.cache_clear()
    assert cache_module.fingerprint() != after_font
    cache_module.fingerprint.cache_clear()




def test_a_correction_that_moves_pages_still_matches_a_clean_build(content, tmp_path):
    """When a story grows by pages, every later number moves: parts served from the
    cache get their new numbers, and the result must still equal a build from scratch."""
    for section in ("National", "Business"):
        content.story(f"{section.lower()}", headline=f"{section} story", section=section,
                      body="News of the day, told plainly. " * 40 + "\n",
                      related=[{"headline": "Business story", "slug": "business"}]
                      if section == "National" else None)
    cache = tmp_path / "cache"
    _build(content, tmp_path / "a", cache)
    content.story("national", headline="National story", section="National",
                  body=("A much longer corrected report, told plainly. " * 40 + "\n\n") * 12,
                  related=[{"headline": "Business story", "slug": "business"}])
    laid_out, cached_pdf = _build(content, tmp_path / "b", cache)
    _, clean_pdf = _build(content, tmp_path / "c", tmp_path / "fresh-cache")
    assert cached_pdf == clean_pdf
    # National; the front, Business and More stories again for their new numbers (their
    # layouts came from the cache, so no worker kept them).
    assert laid_out == 4
