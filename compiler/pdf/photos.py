"""Print copies of the photos, made in background threads while parts lay out.

Parts address photos as ``edition-photo:NAME``: WeasyPrint names images after
their URL, so a temporary path would change the PDF's bytes every run. NAME
comes from the source file's content, so a part's HTML is known before its
photos are ready; a part is only sent to a worker once they are (``ready``).
Pillow releases the GIL while it decodes, resamples and encodes, so the threads
use the cores the workers leave idle. A copy already among the cached copies is
hard-linked into the build's folder under the same name, not read and written
again (18 MB at 60 stories).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from compiler.content.photos import COPIES_FOLDER, PRINT, copy_name, rendition
from compiler.files import atomic_write
from compiler.model import Photo

PHOTO_SCHEME = "edition-photo"
PHOTO_FOLDER = "print-photos"
PHOTO_NAME = re.compile(r"^[0-9a-f]{64}-[0-9]+-[0-9]+-v[0-9]+\.jpg$")
"""What ``url`` names a photo; the editor's preview serves nothing else."""


def photo_cache(cache_dir: Path | None, work_dir: Path) -> Path:
    """Where both outputs keep photo copies: the cache, or the build's scratch folder,
    so the PDF and the EPUB share one decode either way."""
    return (cache_dir or work_dir) / COPIES_FOLDER


class PrintPhotos:
    def __init__(self, work_dir: Path, cache_dir: Path | None, photos: list[Photo] = ()):
        """Starts on ``photos`` at once, in the order given: the parts sent first
        should come first."""
        self.folder = work_dir / PHOTO_FOLDER
        self.folder.mkdir(parents=True, exist_ok=True)
        self.cache_dir = cache_dir
        self.names: dict[Path, str] = {}
        self.jobs: dict[Path, Future] = {}
        self.pool = ThreadPoolExecutor(max_workers=os.cpu_count() or 2,
                                       thread_name_prefix="print-photo")
        for photo in photos:
            if photo.source not in self.jobs:
                self.jobs[photo.source] = self.pool.submit(self._make, photo)

    def _name(self, photo: Photo) -> str:
        if photo.source not in self.names:
            digest = photo.digest or hashlib.sha256(photo.source.read_bytes()).hexdigest()
            self.names[photo.source] = copy_name(digest, PRINT)
        return self.names[photo.source]

    def _make(self, photo: Photo) -> None:
        target = self.folder / self._name(photo)
        if target.exists():
            return
        cached = self.cache_dir / target.name if self.cache_dir else None
        if cached is None or not cached.is_file():
            data = rendition(photo, PRINT, self.cache_dir)
            if cached is None or not cached.is_file():  # no cache, or the file changed
                atomic_write(target, data, durable=False)  # since its check: this build only
                return
        try:
            os.link(cached, target)
        except OSError:  # another file system
            shutil.copyfile(cached, target)

    def url(self, photo: Photo) -> str:
        if photo.source not in self.jobs:  # not announced: made now, before it is used
            self._make(photo)
            done: Future = Future()
            done.set_result(None)
            self.jobs[photo.source] = done
        return f"{PHOTO_SCHEME}:{self._name(photo)}"

    def ready(self, photos) -> bool:
        """True once every given photo is on disk; a photo that failed counts as ready
        (the part then reports it missing, as for any unreadable image)."""
        return all(self.jobs[p.source].done() for p in photos if p.source in self.jobs)

    def wait(self) -> None:
        for job in self.jobs.values():
            job.exception()

    def close(self) -> None:
        """Photos not started yet are dropped: call ``wait`` first to have them all."""
        self.pool.shutdown(wait=True, cancel_futures=True)
