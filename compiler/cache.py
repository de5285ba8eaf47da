"""Content-addressed cache of part layouts.

A key covers everything a layout depends on: the part's HTML and CSS, the
photos (their names are content hashes), and a fingerprint of the compiler's
code, WeasyPrint's version and the bundled fonts, so changing a layout, a font,
the edition definition or the compiler never serves a stale part.
"""

from __future__ import annotations

import hashlib
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
