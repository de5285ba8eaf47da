"""Edition -> print PDF: parts laid out in parallel worker processes, joined once.

Every part is laid out once, with placeholder page numbers, to learn its length
and where its anchors fall; the worker keeps it and, as soon as the part's
numbers are known, fills them in and writes it (page_slots). Only a part whose
numbers outgrow the placeholder is laid out again, with the numbers as text.
Layouts and written parts are cached by content, so a correction lays out the
part it touches, once.
A part that fails, hangs or exhausts memory has its stories typeset alone, on
the same pool, to find the ones at fault. This stage does not change the
edition: it reports them (``Printed.left_out``), and ``build``, which owns the
edition, leaves them out and prints again.

Page numbers are checked after the last round: if they still move, nothing is
printed (R005) rather than a PDF whose references point at the wrong pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from compiler.diagnostics import Diagnostic, diag
from compiler.memory import give_back
from compiler.model import Edition
from compiler.pdf.blame import blame
from compiler.pdf.cache import PartCache
from compiler.pdf.fill import Hole, part_holes
from compiler.pdf.jobs import SPLIT, TYPESET, TYPESET_WRITE, WRITE, Failure, Task
from compiler.pdf.join import link_titles, merge_parts
from compiler.pdf.parts import (
    PART_TIMESTAMP,
    Part,
    bookmarks,
    chain_end,
    join_changed,
    joined,
    part_html,
    part_job,
    part_stylesheets,
    plan_parts,
    run_key,
    split_part,
)
from compiler.pdf.photos import PrintPhotos, photo_cache
from compiler.pdf.slots import placeholder, too_wide
from compiler.pdf.typeset import TypesetJob, TypesetPart

MAX_NUMBERING_ROUNDS = 3


@dataclass
class Printed:
    """What the PDF stage made of an edition: the PDF, or the stories that must be left
    out before it can be made (``build`` leaves them out and asks again), or neither
    (an error in ``problems``)."""

    pdf: bytes | None = None
    pages: int = 0
    problems: list[Diagnostic] = field(default_factory=list)
    left_out: dict[str, Diagnostic] = field(default_factory=dict)
    """Slug -> why that story cannot be printed."""
    typeset: int = 0
    """Parts typeset by WeasyPrint (not served from the cache): for the report."""
    holes: list[Hole] = field(default_factory=list)
    """Pages under FULL that may not end short, for the night editor."""
    full_pages: int = 0
    """How many pages may not end short (the share of holes is counted on these)."""
    anchor_pages: dict[str, int] = field(default_factory=dict)
    """Anchor (cover, contents, each section and story, more stories) -> the page it
    starts on: the EPUB's page-list (compiler/epub/pagelist.py)."""


class _PartFailed(Exception):
    def __init__(self, failures: dict[str, Failure]):
        super().__init__(failures)
        self.failures = failures  # part key -> why
        self.parts: list[Part] = []  # the parts as planned and split when it failed


class _NumbersMoved(Exception):
    pass


def _numbering(parts: list[Part], typeset_parts: dict[str, TypesetPart]):
    pages: dict[str, int] = {}
    first_pages: dict[str, int] = {}
    next_page = 1
    for part in parts:
        typeset = typeset_parts[part.key]
        first_pages[part.key] = next_page
        for anchor in part.anchors:
            if anchor in typeset.anchors:
                pages[anchor] = next_page + typeset.anchors[anchor][0]
        next_page += typeset.pages
    return pages, first_pages


class _Attempt:
    """One attempt at the edition's PDF: the pool plus the cache, counting typesetting,
    and every part as it is typeset and written."""

    def __init__(self, edition: Edition, pool, cache: PartCache | None,
                 jobs: dict[str, TypesetJob], exact_job):
        self.edition, self.pool, self.cache, self.jobs = edition, pool, cache, jobs
        self.exact_job = exact_job  # (part, pages, first page) -> job with numbers as text
        self.typeset = 0
        self.typeset_parts: dict[str, TypesetPart] = {}
        self.final: dict[str, TypesetPart] = {}
        self.used: dict[str, tuple[dict, int]] = {}
        """Numbers and first page each written part got, to check against the end."""
        self.exact: dict[str, TypesetJob] = {}

    def seconds(self, part: Part) -> float:
        return self.edition.config.render_timeout * (1 + len(part.stories) / 4)

    def process(self, tasks: list[Task], then=None) -> None:
        outcome = self.pool.process(tasks, then)
        self.typeset += outcome.typeset
        if outcome.failures:
            raise _PartFailed(outcome.failures)

    def check(self, key: str, problems) -> None:
        if errors := [d for d in problems if d.code == "R001"]:
            raise _PartFailed({key: Failure(errors[0].message)})

    def keep_typeset(self, key: str, typeset: TypesetPart) -> None:
        self.check(key, typeset.problems)
        self.typeset_parts[key] = typeset
        if self.cache:
            self.cache.put(self.jobs[key], typeset)

    def numbers(self, key: str, pages: dict[str, int]) -> dict[str, int]:
        return {anchor: pages[anchor] for anchor in self.typeset_parts[key].slots}

    def write_task(self, part: Part, pages: dict[str, int], first: int, width: str
                   ) -> Task | None:
        """How to write a part with its numbers: from the cache (no task), by filling
        them into the kept part, or by typesetting it again (with them as text when
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
            return Task(key, TYPESET_WRITE, (job, None, first), self.seconds(part))
        self.exact.pop(key, None)
        data = self.cache.get_pdf(self.jobs[key], numbers, first) if self.cache else None
        if data is not None:
            self.final[key] = replace(self.typeset_parts[key], pdf=data)
            return None
        redo = Task(key, TYPESET_WRITE, (self.jobs[key], numbers, first), self.seconds(part))
        if self.pool.holds(key):
            return Task(key, WRITE, (numbers, first), self.seconds(part), redo=redo)
        return redo

    def written(self, key: str, value) -> None:
        if isinstance(value, TypesetPart):
            final = value
        else:
            data, problems = value
            final = replace(self.typeset_parts[key], pdf=data,
                            problems=self.typeset_parts[key].problems + problems)
        self.check(key, final.problems)
        self.final[key] = final
        if self.cache and key in self.exact:
            self.cache.put(self.exact[key], final)
        elif self.cache:
            numbers, first = self.used[key]
            self.cache.put_pdf(self.jobs[key], numbers, first, final.pdf)

    def stale(self, parts: list[Part]) -> list[tuple[Part, dict, int]]:
        """Parts written with numbers other than the final ones: a part typeset again
        with its numbers as text may have taken other pages."""
        pages, first_pages = _numbering(parts, self.final)
        return [(p, pages, first_pages[p.key]) for p in parts
                if self.used[p.key] != (self.numbers(p.key, pages), first_pages[p.key])]


def _writable(attempt: _Attempt, parts: list[Part], owner: dict[str, int], done: set[str],
              width: str) -> list[Task]:
    """Parts whose numbers are all known now: every part up to the last one they need
    (their own first page, the pages they refer to) is typeset. ``owner``: anchor ->
    index of the part it lives in."""
    known = next((i for i, p in enumerate(parts) if p.key not in attempt.typeset_parts), len(parts))
    pages, first_pages = _numbering(parts[:known], attempt.typeset_parts)
    tasks = []
    for part in parts[:known]:
        slots = attempt.typeset_parts[part.key].slots
        if part.key in done or any(owner[a] >= known for a in slots):
            continue
        done.add(part.key)
        if task := attempt.write_task(part, pages, first_pages[part.key], width):
            tasks.append(task)
    return tasks


def _typeset_task(attempt: _Attempt, edition: Edition, part: Part, photos) -> Task:
    """A section's run is laid out as one flow and kept as the runs it falls into
    (SPLIT); the front and back as they are."""
    job = attempt.jobs[part.key]
    ready = lambda: photos.ready(part.photos(edition))  # noqa: E731
    if part.kind != "section":
        return Task(part.key, TYPESET, (job, None, 1), attempt.seconds(part), ready)
    names = {story.anchor: run_key(part.section, story) for story in part.run(edition)
             if story is not part.section.stories[0]}
    return Task(part.key, SPLIT, (job, names), attempt.seconds(part), ready)


def _more_room(part: Part, following: Part | None, last: TypesetPart, cached) -> bool:
    """True if ``part``, laid out again, ends higher on its last page than when the day's
    last build cut before ``following`` (a run whose first story began a page, served
    from the cache): that story might start on this page now. A run that ends as low or
    lower leaves it where it was, as a fresh build would."""
    return (following is not None and following.section is part.section
            and following.after is not None and following.key in cached
            and last.ends_at is not None and last.ends_at < following.after - 0.01)


def _print_once(edition: Edition, pool, cache: PartCache | None, work_dir: Path,
                image_cache) -> Printed:
    # Runs cut at the page breaks the day's last build made: a correction lays out the
    # runs it changes; a first build, each section as one flow.
    parts = plan_parts(edition, cache.cuts(edition) if cache else None)
    # The front first: every part's first page waits on its length, so parts can be
    # written while others are still typeset. Then the longest, so the workers finish
    # close together. The photos are made in that order too.
    order = sorted(parts, key=lambda p: (p.kind != "front", -p.weight(edition)))
    photos = PrintPhotos(work_dir, image_cache, [f for p in order for f in p.photos(edition)])
    width = placeholder(len(edition.stories))
    titles = link_titles(bookmarks(edition))

    def job(part: Part) -> TypesetJob:
        return part_job(edition, part, photos.url, None, width, 1, work_dir, titles)

    jobs = {p.key: job(p) for p in order}
    cached = {p.key: found for p in parts
              if cache and (found := cache.get(jobs[p.key])) is not None}
    planned, parts = parts, join_changed(edition, parts, {p.key for p in parts} - set(cached))
    for part in parts:
        if all(part is not was for was in planned):  # changed runs joined into one
            jobs[part.key] = job(part)
            cached.pop(part.key, None)
    order = sorted(parts, key=lambda p: (p.kind != "front", -p.weight(edition)))
    attempt = _Attempt(edition, pool, cache, jobs, lambda part, pages, first: part_job(
        edition, part, photos.url, pages, width, first, work_dir, titles))
    done: set[str] = set()
    owner: dict[str, int] = {}  # anchor -> index of the part it lives in

    def split(key: str, runs: list[tuple[str, TypesetPart]]) -> list[Task]:
        """The flow ``key`` as the runs its worker cut it into, each a part of its own
        (and cached as that run laid out alone would be). If its last story now begins
        elsewhere than the next run's lead-in says, the rest of that chain is laid out
        again, as one part: its pages would not follow on from these."""
        index = next(i for i, p in enumerate(parts) if p.key == key)
        firsts = {run_key(parts[index].section, s): s.slug for s in parts[index].run(edition)}
        cuts = {firsts[k.rstrip("~")]: (before.runs_on, before.ends_at)
                for (_, before), (k, _) in zip(runs, runs[1:], strict=False)}
        pieces = split_part(edition, parts[index], cuts)
        assert [p.key for p in pieces] == [k for k, _ in runs], (pieces, runs)
        parts[index:index + 1] = pieces
        for piece, (_, typeset) in zip(pieces, runs, strict=True):
            jobs[piece.key] = job(piece)
            attempt.keep_typeset(piece.key, typeset)
        start = index + len(pieces)
        last = runs[-1][1]
        following = parts[start] if start < len(parts) else None
        redo = None
        if pieces[-1].continued and last.runs_on != following.lead_in:
            # The next runs' pages would not follow on from these: lay them out again.
            end = chain_end(parts, start)
            redo = joined(edition, parts[start:end], last.runs_on)
        elif _more_room(pieces[-1], following, last, cached):
            # The story that began the next page may now start on this one.
            start -= 1
            end = chain_end(parts, start + 1)
            redo = joined(edition, parts[start:end], pieces[-1].lead_in)
        if redo is not None:
            for stale in parts[start:end]:
                attempt.typeset_parts.pop(stale.key, None)
            parts[start:end] = [redo]
            jobs[redo.key] = job(redo)
            cached.pop(redo.key, None)  # laid out now, whatever the cache held under its name
        owner.update({anchor: i for i, part in enumerate(parts) for anchor in part.anchors})
        return [_typeset_task(attempt, edition, redo, photos)] if redo else []

    def then(task: Task, value) -> list[Task]:
        if task.kind == TYPESET:
            attempt.keep_typeset(task.key, value)
        elif task.kind == SPLIT:
            return split(task.key, value) + _writable(attempt, parts, owner, done, width)
        else:
            attempt.written(task.key, value)
            return []
        return _writable(attempt, parts, owner, done, width)

    owner.update({anchor: i for i, part in enumerate(parts) for anchor in part.anchors})
    try:
        attempt.typeset_parts.update((p.key, cached[p.key]) for p in parts if p.key in cached)
        typesets = [_typeset_task(attempt, edition, p, photos)
                    for p in order if p.key not in attempt.typeset_parts]
        pool.expect(len(typesets))
        attempt.process(typesets + _writable(attempt, parts, owner, done, width), then)
        for _ in range(MAX_NUMBERING_ROUNDS):
            if not (stale := attempt.stale(parts)):
                break
            attempt.process([t for part, pages, first in stale
                             if (t := attempt.write_task(part, pages, first, width))], then)
        if attempt.stale(parts):
            raise _NumbersMoved
    except _PartFailed as failed:
        failed.parts = list(parts)
        raise
    finally:
        # Workers hold every part until it is written: let them go before the join,
        # the build's other big moment for memory (a retry starts new ones).
        pool.stop_workers()
        photos.close()
        give_back(collect=False)
    final = attempt.final
    data = merge_parts([(p.anchors, final[p.key]) for p in parts], bookmarks(edition),
                       (PART_TIMESTAMP, edition.timestamp))
    if cache:
        cache.put_cuts(edition, {s.name: [
            (p.stories[0], p.lead_in, final[before.key].ends_at if p.lead_in is None else None)
            for before, p in zip(parts, parts[1:], strict=False)
            if p.section is s and not p.opener] for s in edition.sections})
    problems = sorted({d for p in parts for d in final[p.key].problems}, key=str)
    checked, found = part_holes(parts, [final[p.key].fills for p in parts])
    return Printed(data, sum(final[p.key].pages for p in parts), problems,
                   typeset=attempt.typeset, holes=found, full_pages=checked,
                   anchor_pages=_numbering(parts, final)[0])


def print_pdf(edition: Edition, work_dir: Path, pool, cache_dir: Path | None = None
              ) -> Printed:
    """The edition's PDF, typeset on ``pool`` (a WorkerPool or SerialPool, which the
    caller owns), or the stories that keep it from being made."""
    cache = PartCache(cache_dir / "parts") if cache_dir else None
    image_cache = photo_cache(cache_dir, work_dir)
    try:
        return _print_once(edition, pool, cache, work_dir, image_cache)
    except _NumbersMoved:
        return Printed(problems=[diag("R005", f"page numbers still moved after "
                                      f"{MAX_NUMBERING_ROUNDS} rounds of numbering")])
    except _PartFailed as failed:  # _print_once has already let its workers go
        culprits = blame(edition, set(failed.failures), failed.parts, pool, work_dir,
                         image_cache)
        if culprits:
            return Printed(left_out=culprits)
        reasons = "; ".join(f"{k}: {v.reason}" for k, v in failed.failures.items())
        return Printed(problems=[diag("R004", f"PDF: {reasons}")])


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
