"""Edition -> print PDF: parts laid out in parallel worker processes, joined once.

Two passes: the first lays every part out with placeholder page numbers to
learn its length and where its anchors fall; the second lays them out again
with the real numbers and first folio, and writes them. Both passes are cached
by content, and a rebuild of the same edition and date starts from the last
build's numbers instead of the first pass, so a correction lays out only the
part it touches, once (the numbering loop still checks the guess). A part that
fails, hangs or exhausts memory has its stories laid out alone to find the one
at fault, which is left out; the edition is then laid out again without it.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
from dataclasses import dataclass, field, replace
from pathlib import Path

from .assemble import without_stories
from .cache import PartCache
from .diagnostics import Diagnostic, diag
from .isolate import run_limited
from .labels import labels
from .layout import LayoutJob, PartLayout, lay_out
from .model import Edition, Section, Story
from .pdf_merge import Bookmark, merge_parts
from .print_parts import (
    FRONT_ANCHORS,
    PHOTO_FOLDER,
    PHOTO_SCHEME,
    Part,
    part_html,
    part_stylesheets,
    photo_linker,
    plan_parts,
)
from .resources import FONTS_DIR, LAYOUTS_DIR

MAX_NUMBERING_ROUNDS = 3


@dataclass
class PdfResult:
    edition: Edition | None
    """The edition actually printed: smaller than asked when stories were left out."""
    pdf: bytes | None = None
    pages: int = 0
    problems: list[Diagnostic] = field(default_factory=list)
    laid_out: int = 0
    """Part layouts done by WeasyPrint (not served from the cache): for the report."""


class _PartFailed(Exception):
    def __init__(self, failures: dict[str, str]):
        super().__init__(failures)
        self.failures = failures  # part key -> reason


def _limit_memory(memory_mb: int) -> None:
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


class _Workers:
    """A pool of limited worker processes, replaced whole when a job overruns."""

    def __init__(self, edition: Edition, cache: PartCache | None, workers: int | None):
        self.config = edition.config
        self.cache = cache
        self.size = workers or os.cpu_count() or 2
        self.pool = None
        self.laid_out = 0

    def _pool(self):
        if self.pool is None:
            context = multiprocessing.get_context("spawn")
            self.pool = context.Pool(self.size, initializer=_limit_memory,
                                     initargs=(self.config.render_memory_mb,))
        return self.pool

    def close(self) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            self.pool = None

    def run(self, jobs: dict[str, tuple[LayoutJob, int]]) -> dict[str, PartLayout]:
        """jobs: part key -> (job, stories in the part). Raises _PartFailed."""
        results: dict[str, PartLayout] = {}
        pending = {}
        for key, (job, stories) in jobs.items():
            cached = self.cache.get(job) if self.cache else None
            if cached is not None:
                results[key] = cached
            else:
                pending[key] = (self._pool().apply_async(lay_out, (job,)), stories)
        budget = sum(self.config.render_timeout * (1 + stories / 4)
                     for _, stories in pending.values()) / self.size + 30
        failures = {}
        for key, (future, _) in pending.items():
            try:
                layout = future.get(timeout=max(budget, 1))
            except multiprocessing.TimeoutError:
                failures[key] = "timed out"
                continue
            except MemoryError:
                failures[key] = f"ran out of memory (limit {self.config.render_memory_mb} MB)"
                continue
            except Exception as exc:  # any WeasyPrint crash costs only this part
                failures[key] = f"{type(exc).__name__}: {str(exc)[:300]}"
                continue
            self.laid_out += 1
            if any(d.code == "R001" for d in layout.problems):
                failures[key] = next(d.message for d in layout.problems if d.code == "R001")
                continue
            results[key] = layout
            if self.cache:
                self.cache.put(jobs[key][0], layout)
        if any(reason == "timed out" for reason in failures.values()):
            self.close()  # a hung worker cannot be reused
        if failures:
            raise _PartFailed(failures)
        return results


def _job(edition: Edition, part: Part, photo_url, pages, first_page: int, write: bool,
         work_dir: Path) -> LayoutJob:
    return LayoutJob(
        html=part_html(edition, part, photo_url, pages),
        stylesheets=tuple(part_stylesheets(edition, first_page)),
        base_url=(LAYOUTS_DIR / "print").as_uri() + "/",
        roots=(edition.content_root, LAYOUTS_DIR, FONTS_DIR),
        named=((PHOTO_SCHEME, work_dir / PHOTO_FOLDER),),
        allowed_hosts=edition.config.allowed_hosts,
        write=write,
    )


def _numbering(parts: list[Part], layouts: dict[str, PartLayout]):
    pages: dict[str, int] = {}
    first_pages: dict[str, int] = {}
    next_page = 1
    for part in parts:
        layout = layouts[part.key]
        first_pages[part.key] = next_page
        for anchor in part.anchors:
            if anchor in layout.anchors:
                pages[anchor] = next_page + layout.anchors[anchor][0]
        next_page += layout.pages
    return pages, first_pages


def _bookmarks(edition: Edition, has_back: bool) -> list[Bookmark]:
    words = labels(edition.config.language)
    marks = [Bookmark(words.front_page, FRONT_ANCHORS[0]),
             Bookmark(words.contents, FRONT_ANCHORS[1])]
    for section in edition.sections:
        marks.append(Bookmark(section.name, section.anchor, tuple(
            Bookmark(story.headline, story.anchor) for story in section.stories)))
    if has_back:
        marks.append(Bookmark(words.more_stories, "more-stories"))
    return marks


def _render_once(edition: Edition, workers: _Workers, work_dir: Path, image_cache
                 ) -> PdfResult:
    parts = plan_parts(edition)
    photo_url = photo_linker(work_dir, image_cache,
                             [s.photo for s in edition.stories if s.photo])
    sizes = {p.key: len(p.stories) for p in parts}
    guess = workers.cache.numbering(edition.identifier) if workers.cache else None
    needed = {a for p in parts for a in (*p.anchors, *p.foreign_anchors)} - set(FRONT_ANCHORS)
    if guess and needed <= set(guess[0]) and {p.key for p in parts} <= set(guess[1]):
        # A rebuild of the same edition (a correction): last build's page numbers are
        # almost always still right, so skip the measuring pass; the loop checks them.
        pages, first_pages = guess
    else:
        first = workers.run({p.key: (_job(edition, p, photo_url, None, 1, False, work_dir),
                                     sizes[p.key]) for p in parts})
        pages, first_pages = _numbering(parts, first)
    for _ in range(MAX_NUMBERING_ROUNDS):
        final = workers.run({p.key: (_job(edition, p, photo_url, pages, first_pages[p.key],
                                          True, work_dir), sizes[p.key]) for p in parts})
        settled_pages, settled_first = _numbering(parts, final)
        if settled_pages == pages and settled_first == first_pages:
            break
        pages, first_pages = settled_pages, settled_first  # real numbers moved a line
    if workers.cache:
        workers.cache.save_numbering(edition.identifier, (pages, first_pages))
    has_back = any(p.kind == "back" for p in parts)
    data = merge_parts([(p.anchors, final[p.key]) for p in parts],
                       _bookmarks(edition, has_back))
    problems = sorted({d for p in parts for d in final[p.key].problems}, key=str)
    return PdfResult(edition, data, sum(final[p.key].pages for p in parts), problems)


def _alone(edition: Edition, story: Story) -> tuple[Edition, Part]:
    lonely = replace(story, related=tuple(r for r in story.related if r.target is None))
    single = replace(edition, sections=(Section(story.section, (lonely,)),), more_stories=(),
                     lead=lonely)
    return single, next(p for p in plan_parts(single) if p.kind == "section")


def _blame(edition: Edition, part_keys: set[str], work_dir: Path, image_cache
           ) -> dict[str, Diagnostic]:
    """Lay out each story of the failed parts alone, in its own limited process."""
    config = edition.config
    culprits = {}
    photo_url = photo_linker(work_dir, image_cache)
    for part in plan_parts(edition):
        if part.key not in part_keys:
            continue
        for slug in part.stories:
            story = edition.story_by_slug(slug)
            single, section_part = _alone(edition, story)
            job = _job(single, section_part, photo_url, None, 1, False, work_dir)
            outcome = run_limited(lay_out, (job,), config.render_timeout,
                                  config.render_memory_mb)
            if not outcome.ok:
                code = "R002" if outcome.timed_out or "memory" in outcome.error else "R001"
                culprits[slug] = diag(code, outcome.error, story.source)
            elif errors := [d for d in outcome.value.problems if d.code == "R001"]:
                culprits[slug] = diag("R001", f"WeasyPrint: {errors[0].message}", story.source)
    return culprits


def render_pdf(edition: Edition, work_dir: Path, cache_dir: Path | None = None,
               workers: int | None = None) -> PdfResult:
    cache = PartCache(cache_dir / "parts") if cache_dir else None
    image_cache = cache_dir / "photos" if cache_dir else None
    pool = _Workers(edition, cache, workers)
    left_out: list[Diagnostic] = []
    try:
        while True:
            try:
                result = _render_once(edition, pool, work_dir, image_cache)
                result.problems = left_out + result.problems
                result.laid_out = pool.laid_out
                return result
            except _PartFailed as failed:
                culprits = _blame(edition, set(failed.failures), work_dir, image_cache)
                if not culprits:
                    reasons = "; ".join(f"{k}: {v}" for k, v in failed.failures.items())
                    return PdfResult(None, problems=left_out + [diag("R004", f"PDF: {reasons}")])
                left_out += culprits.values()
                edition = without_stories(edition, set(culprits))
                if edition is None:
                    return PdfResult(None, problems=left_out)
    finally:
        pool.close()


def print_html(edition: Edition, work_dir: Path, cache_dir: Path | None = None) -> str:
    """The whole digest as one HTML document (editor's preview, benchmark baseline)."""
    whole = Part("all", "all", None, (), ())
    return part_html(edition, whole, photo_linker(work_dir, cache_dir), None)


def whole_stylesheets(edition: Edition) -> list[str]:
    return part_stylesheets(edition, 1)
