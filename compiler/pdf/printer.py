"""Edition -> print PDF: parts laid out in parallel worker processes, joined once.

Every part is laid out once, with placeholder page numbers, to learn its length
and where its anchors fall; the worker keeps it and, as soon as the part's
numbers are known, fills them in and writes it (page_slots). Only a part whose
numbers outgrow the placeholder is laid out again, with the numbers as text.
Layouts and written parts are cached by content, so a correction lays out the
part it touches, once.
A part that fails, hangs or exhausts memory has its stories laid out alone to
find the one at fault, which is left out; the edition is then laid out again
without it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from compiler.content.assemble import without_stories
from compiler.diagnostics import Diagnostic, diag
from compiler.memory import give_back
from compiler.model import Edition, Section, Story
from compiler.pdf.cache import PartCache
from compiler.pdf.isolate import run_limited
from compiler.pdf.join import Bookmark, merge_parts
from compiler.pdf.parts import (
    FRONT_ANCHORS,
    PART_TIMESTAMP,
    Part,
    part_html,
    part_stylesheets,
    plan_parts,
)
from compiler.pdf.photos import PHOTO_FOLDER, PHOTO_SCHEME, PrintPhotos, photo_cache
from compiler.pdf.slots import placeholder, too_wide
from compiler.pdf.typeset import LayoutJob, PartLayout, lay_out
from compiler.pdf.workers import RENDER, RENDER_WRITE, WRITE, PartWorkers, Task, workers_for
from compiler.resources import FONTS_DIR, LAYOUTS_DIR
from compiler.text.labels import labels

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


def _job(edition: Edition, part: Part, photo_url, pages, width: str, first_page: int,
         work_dir: Path) -> LayoutJob:
    return LayoutJob(
        html=part_html(edition, part, photo_url, pages, width),
        stylesheets=tuple(part_stylesheets(edition, first_page, part)),
        base_url=(LAYOUTS_DIR / "print").as_uri() + "/",
        roots=(edition.content_root, LAYOUTS_DIR, FONTS_DIR),
        named=((PHOTO_SCHEME, work_dir / PHOTO_FOLDER),),
        allowed_hosts=edition.config.allowed_hosts,
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


class _Run:
    """One attempt at the edition's PDF: workers plus the cache, counting layouts,
    and every part's layout and written PDF as they come."""

    def __init__(self, edition: Edition, workers: PartWorkers, cache: PartCache | None,
                 jobs: dict[str, LayoutJob], exact_job):
        self.edition, self.workers, self.cache, self.jobs = edition, workers, cache, jobs
        self.exact_job = exact_job  # (part, pages, first page) -> job with numbers as text
        self.laid_out = 0
        self.layouts: dict[str, PartLayout] = {}
        self.final: dict[str, PartLayout] = {}
        self.used: dict[str, tuple[dict, int]] = {}
        """Numbers and first page each written part got, to check against the end."""
        self.exact: dict[str, LayoutJob] = {}

    def seconds(self, part: Part) -> float:
        return self.edition.config.render_timeout * (1 + len(part.stories) / 4)

    def run(self, tasks: list[Task], then=None) -> None:
        outcome = self.workers.run(tasks, then)
        self.laid_out += outcome.laid_out
        if outcome.failures:
            raise _PartFailed(outcome.failures)

    def check(self, key: str, problems) -> None:
        if errors := [d for d in problems if d.code == "R001"]:
            raise _PartFailed({key: errors[0].message})

    def laid_out_part(self, key: str, layout: PartLayout) -> None:
        self.check(key, layout.problems)
        self.layouts[key] = layout
        if self.cache:
            self.cache.put(self.jobs[key], layout)

    def numbers(self, key: str, pages: dict[str, int]) -> dict[str, int]:
        return {anchor: pages[anchor] for anchor in self.layouts[key].slots}

    def write_task(self, part: Part, pages: dict[str, int], first: int, width: str
                   ) -> Task | None:
        """How to write a part with its numbers: from the cache (no task), by filling
        them into the kept layout, or by laying it out again (with them as text when
        they outgrow the placeholder)."""
        key = part.key
        numbers = self.numbers(key, pages)
        self.used[key] = (numbers, first)
        if too_wide(numbers, width):
            job = self.exact[key] = self.exact_job(part, pages, first)
            cached = self.cache.get(job) if self.cache else None
            if cached is not None and cached.pdf is not None:
                self.final[key] = cached
                return None
            return Task(key, RENDER_WRITE, (job, None, first), self.seconds(part))
        self.exact.pop(key, None)
        data = self.cache.get_pdf(self.jobs[key], numbers, first) if self.cache else None
        if data is not None:
            self.final[key] = replace(self.layouts[key], pdf=data)
            return None
        if self.workers.holder(key):
            return Task(key, WRITE, (numbers, first), self.seconds(part))
        return Task(key, RENDER_WRITE, (self.jobs[key], numbers, first), self.seconds(part))

    def written(self, key: str, value) -> None:
        if isinstance(value, PartLayout):
            final = value
        else:
            data, problems = value
            final = replace(self.layouts[key], pdf=data,
                            problems=self.layouts[key].problems + problems)
        self.check(key, final.problems)
        self.final[key] = final
        if self.cache and key in self.exact:
            self.cache.put(self.exact[key], final)
        elif self.cache:
            numbers, first = self.used[key]
            self.cache.put_pdf(self.jobs[key], numbers, first, final.pdf)


def _writable(run: _Run, parts: list[Part], owner: dict[str, int], done: set[str],
              width: str) -> list[Task]:
    """Parts whose numbers are all known now: every part up to the last one they need
    (their own first page, the pages they refer to) is laid out. ``owner``: anchor ->
    index of the part it lives in."""
    known = next((i for i, p in enumerate(parts) if p.key not in run.layouts), len(parts))
    pages, first_pages = _numbering(parts[:known], run.layouts)
    tasks = []
    for part in parts[:known]:
        if part.key in done or any(owner[a] >= known for a in run.layouts[part.key].slots):
            continue
        done.add(part.key)
        if task := run.write_task(part, pages, first_pages[part.key], width):
            tasks.append(task)
    return tasks


def _render_once(edition: Edition, workers: PartWorkers, cache: PartCache | None,
                 work_dir: Path, image_cache) -> PdfResult:
    parts = plan_parts(edition)
    # The front first: every part's first page waits on its length, so parts can be
    # written while others still lay out. Then the longest, so the workers finish
    # close together. The photos are made in that order too.
    order = sorted(parts, key=lambda p: (p.kind != "front", -p.weight(edition)))
    photos = PrintPhotos(work_dir, image_cache, [f for p in order for f in p.photos(edition)])
    width = placeholder(len(edition.stories))
    jobs = {p.key: _job(edition, p, photos.url, None, width, 1, work_dir) for p in order}
    run = _Run(edition, workers, cache, jobs, lambda part, pages, first: _job(
        edition, part, photos.url, pages, width, first, work_dir))
    done: set[str] = set()
    owner = {anchor: i for i, part in enumerate(parts) for anchor in part.anchors}

    def then(task: Task, value) -> list[Task]:
        if task.kind == RENDER:
            run.laid_out_part(task.key, value)
            return _writable(run, parts, owner, done, width)
        run.written(task.key, value)
        return []

    try:
        for part in parts:
            cached = cache.get(jobs[part.key]) if cache else None
            if cached is not None:
                run.layouts[part.key] = cached
        renders = [Task(p.key, RENDER, (jobs[p.key], None, 1), run.seconds(p),
                        lambda p=p: photos.ready(p.photos(edition)))
                   for p in order if p.key not in run.layouts]
        workers.expect(len(renders))
        run.run(renders + _writable(run, parts, owner, done, width), then)
        for _ in range(MAX_NUMBERING_ROUNDS):
            # A part laid out again with its numbers as text may have taken other pages.
            pages, first_pages = _numbering(parts, run.final)
            stale = [p for p in parts
                     if run.used[p.key] != (run.numbers(p.key, pages), first_pages[p.key])]
            if not stale:
                break
            run.run([t for p in stale
                     if (t := run.write_task(p, pages, first_pages[p.key], width))], then)
    finally:
        # Workers hold every part until it is written: let them go before the join,
        # the build's other big moment for memory (a retry starts new ones).
        workers.close()
        photos.close()
        give_back(collect=False)
    final = run.final
    has_back = any(p.kind == "back" for p in parts)
    data = merge_parts([(p.anchors, final[p.key]) for p in parts],
                       _bookmarks(edition, has_back), (PART_TIMESTAMP, edition.timestamp))
    problems = sorted({d for p in parts for d in final[p.key].problems}, key=str)
    return PdfResult(edition, data, sum(final[p.key].pages for p in parts), problems,
                     run.laid_out)


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
    photo_url = PrintPhotos(work_dir, image_cache).url
    for part in plan_parts(edition):
        if part.key not in part_keys:
            continue
        for slug in part.stories:
            story = edition.story_by_slug(slug)
            single, section_part = _alone(edition, story)
            job = _job(single, section_part, photo_url, None, placeholder(1), 1, work_dir)
            outcome = run_limited(lay_out, (job, False), config.render_timeout,
                                  config.render_memory_mb)
            if not outcome.ok:
                code = "R002" if outcome.timed_out or "memory" in outcome.error else "R001"
                culprits[slug] = diag(code, outcome.error, story.source)
            elif errors := [d for d in outcome.value.problems if d.code == "R001"]:
                culprits[slug] = diag("R001", f"WeasyPrint: {errors[0].message}", story.source)
    return culprits


def render_pdf(edition: Edition, work_dir: Path, cache_dir: Path | None = None,
               workers: int | PartWorkers | None = None) -> PdfResult:
    """``workers``: how many processes, or workers already started by the caller."""
    cache = PartCache(cache_dir / "parts") if cache_dir else None
    image_cache = photo_cache(cache_dir, work_dir)
    pool = workers if isinstance(workers, PartWorkers) else workers_for(edition.config, workers)
    left_out: list[Diagnostic] = []
    try:
        while True:
            try:
                result = _render_once(edition, pool, cache, work_dir, image_cache)
                result.problems = left_out + result.problems
                return result
            except _PartFailed as failed:  # _render_once has already let its workers go
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
    photos = PrintPhotos(work_dir, cache_dir, [p for s in edition.stories for p in s.photos])
    try:
        html = part_html(edition, whole, photos.url, None)
        photos.wait()  # the preview serves the files, the baseline lays them out
        return html
    finally:
        photos.close()


def whole_stylesheets(edition: Edition) -> list[str]:
    return part_stylesheets(edition, 1)
