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

from compiler import __version__
from compiler.files import atomic_write
from compiler.pdf.typeset import TypesetJob, TypesetPart
from compiler.resources import FONTS_DIR, PACKAGE_DIR


@lru_cache(maxsize=1)
def fingerprint() -> str:
    digest = hashlib.sha256(f"{__version__}:{version('weasyprint')}".encode())
    for folder, pattern in ((PACKAGE_DIR, "**/*.py"), (FONTS_DIR, "*.ttf")):
        for path in sorted(folder.glob(pattern)):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


class PartCache:
    """Layouts by their job; written PDFs by their job and the numbers filled in."""

    def __init__(self, folder: Path):
        self.folder = folder

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.pickle"

    def _load(self, key: str):
        try:
            return pickle.loads(self._path(key).read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
            return None

    def get(self, job: TypesetJob) -> TypesetPart | None:
        return self._load(job.key(fingerprint()))

    def put(self, job: TypesetJob, layout: TypesetPart) -> None:
        atomic_write(self._path(job.key(fingerprint())), pickle.dumps(layout, protocol=4),
                     durable=False)

    @staticmethod
    def _pdf_key(job: TypesetJob, numbers: dict[str, int], first_page: int) -> str:
        filled = json.dumps([sorted(numbers.items()), first_page]).encode()
        return hashlib.sha256(job.key(fingerprint()).encode() + filled).hexdigest()

    def get_pdf(self, job: TypesetJob, numbers: dict[str, int], first_page: int
                ) -> bytes | None:
        data = self._load(self._pdf_key(job, numbers, first_page))
        return data if isinstance(data, bytes) else None

    def put_pdf(self, job: TypesetJob, numbers: dict[str, int], first_page: int,
                data: bytes) -> None:
        atomic_write(self._path(self._pdf_key(job, numbers, first_page)),
                     pickle.dumps(data, protocol=4), durable=False)

    def _cuts_path(self, edition) -> Path:
        day = f"{edition.config.name}:{edition.date.isoformat()}:{fingerprint()}"
        return self.folder / "cuts" / f"{hashlib.sha256(day.encode()).hexdigest()}.json"

    def cuts(self, edition) -> dict:
        """Section name -> the stories that began a run when the day's edition was last
        printed, with each run's lead-in and the room left before it (parts.Cuts): a
        correction keeps those page breaks, and so lays out only the runs it changes.
        Nothing for a new day, or if the record is unreadable."""
        try:
            found = json.loads(self._cuts_path(edition).read_text(encoding="utf-8"))
            return {str(name): {str(slug): (_length(lead_in), _length(after))
                                for slug, lead_in, after in runs}
                    for name, runs in found["cuts"].items()}
        except (OSError, ValueError, AttributeError, TypeError, KeyError):
            return {}

    def put_cuts(self, edition, cuts: dict[str, list[tuple[str, float | None, float | None]]]
                 ) -> None:
        atomic_write(self._cuts_path(edition),
                     json.dumps({"cuts": cuts}, sort_keys=True,
                                ensure_ascii=False).encode(), durable=False)


def _length(value) -> float | None:
    return None if value is None else float(value)
