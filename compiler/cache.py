"""Content-addressed cache of part layouts.

A key covers everything a layout depends on: the part's HTML and CSS, the
photos (their names are content hashes), and a fingerprint of the compiler's
code, WeasyPrint's version and the bundled fonts, so changing a layout, a font,
the edition definition or the compiler never serves a stale part.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

from . import __version__
from .layout import LayoutJob, PartLayout
from .publish import atomic_write
from .resources import FONTS_DIR, PACKAGE_DIR


@lru_cache(maxsize=1)
def fingerprint() -> str:
    digest = hashlib.sha256(f"{__version__}:{version('weasyprint')}".encode())
    for folder, pattern in ((PACKAGE_DIR, "**/*.py"), (FONTS_DIR, "*.ttf")):
        for path in sorted(folder.glob(pattern)):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


class PartCache:
    def __init__(self, folder: Path):
        self.folder = folder

    def _path(self, job: LayoutJob) -> Path:
        key = job.key(fingerprint())
        return self.folder / key[:2] / f"{key}.pickle"

    def get(self, job: LayoutJob) -> PartLayout | None:
        path = self._path(job)
        try:
            return pickle.loads(path.read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
            return None

    def put(self, job: LayoutJob, layout: PartLayout) -> None:
        atomic_write(self._path(job), pickle.dumps(layout, protocol=4))

    def _numbering_path(self, identifier: str) -> Path:
        name = hashlib.sha256(identifier.encode()).hexdigest()[:32]
        return self.folder / "numbering" / f"{name}.json"

    def numbering(self, identifier: str) -> tuple[dict, dict] | None:
        """Page numbers of the last build of this edition and date: a guess to check."""
        try:
            pages, first_pages = json.loads(self._numbering_path(identifier).read_text())
        except (OSError, ValueError, TypeError):
            return None
        return pages, first_pages

    def save_numbering(self, identifier: str, numbering: tuple[dict, dict]) -> None:
        atomic_write(self._numbering_path(identifier), json.dumps(numbering).encode())
