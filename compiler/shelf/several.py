"""Several editions of one day in one night: ``edition nightly --edition daily --edition khmer``.

One run, one lock: ``PUBLIC/.nightly.lock`` is held from the first edition to the
last, because every publication rewrites the shelf's shared root (the navigation
feed and the editions page) and the links between editions of the same date. The
shelf is checked and repaired once, the editions' ``sources`` are ingested once
each, and then each edition is built and published in turn, each in its own
publication (its own transaction): an edition whose build or publication fails
costs only that edition. What is already published stays published, and the
failed edition's folder is as it was but for its night's line.

The builds share what they can without sharing state: one worker pool (WeasyPrint
loaded and warmed once), one photo cache for the night (the second edition's
photos are copied from the first's renditions and checked from their headers),
the EPUB font subsets and typeset parts cached by content, and each story file
read once (``build.Reading``; which stories an edition takes is decided after
reading, by its ``languages``).

Exit code: 0 only when every edition was published (or, with ``--skip-published``,
was already on the shelf); 75 when another run holds the lock (nothing done); else
1, and each edition's line in its own ``nightly.log`` says which were published.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from compiler.build import Reading
from compiler.config import EditionConfig
from compiler.diagnostics import EXIT_FAILED as EXIT_NOTHING_PUBLISHED
from compiler.diagnostics import EXIT_OK
from compiler.pdf.jobs import SerialPool
from compiler.pdf.workers import WorkerPool
from compiler.progress import DONE, Progress, stage_count
from compiler.shelf.issue import read_issue
from compiler.shelf.lock import EXIT_LOCKED, Locked, shelf_lock
from compiler.shelf.nightly import (
    NIGHT_STAGES,
    NightlyRun,
    build_and_publish,
    default_day,
    describe_failure,
    ingest_sources,
    log_night,
    repair_shelf,
    unlocked,
)
from compiler.shelf.paths import day_dir


@dataclass
class Night:
    """The runs of one night, one per edition, in the order given."""

    runs: dict[str, NightlyRun] = field(default_factory=dict)
    stories_reused: int = 0
    """Story reads one edition took from another's (``build.Reading``)."""

    @property
    def exit_code(self) -> int:
        codes = {run.exit_code for run in self.runs.values()}
        if codes <= {EXIT_OK}:
            return EXIT_OK
        return EXIT_LOCKED if EXIT_LOCKED in codes else EXIT_NOTHING_PUBLISHED


def nights_stage_count(configs: list[EditionConfig]) -> int:
    """The shelf check, each edition's build stages without their Done and its
    publication, then one Done."""
    return 1 + sum(stage_count(c.outputs) for c in configs) + 1


class _Named:
    """Progress lines that say which edition they are about."""

    def __init__(self, progress: Progress, name: str) -> None:
        self.progress, self.name = progress, name

    def stage(self, label: str) -> None:
        self.progress.stage(label if label == DONE else f"{self.name}: {label}")


def run_nights(content: Path, public: Path, configs: list[EditionConfig],
               day: date | None = None, out_dir: Path | None = None,
               progress: Progress | None = None,
               pool: WorkerPool | SerialPool | None = None,
               skip_published: bool = False) -> Night:
    """Never raises for a failure of the night: each edition's run says what happened.
    ``skip_published``: an edition whose day already has a complete issue on the shelf
    is not built again (a retry after one edition failed)."""
    day = day or default_day()
    progress = progress or Progress(nights_stage_count(configs), quiet=True)
    started = time.perf_counter()
    night = Night()
    try:
        with shelf_lock(public):
            _nights(night, content, public, configs, day, out_dir, progress, pool,
                    skip_published)
            return night
    except (Locked, OSError) as exc:  # held by another run, or PUBLIC or its lock unwritable
        failed = unlocked(exc, public)
    for config in configs:
        run = NightlyRun(failed.exit_code, error=failed.error, problem=failed.problem)
        log_night(run, public, config.name, day, started)  # one appended write each
        night.runs[config.name] = run
    return night


def _nights(night: Night, content: Path, public: Path, configs: list[EditionConfig],
            day: date, out_dir: Path | None, progress: Progress, pool,
            skip_published: bool) -> None:
    started = time.perf_counter()
    progress.stage(NIGHT_STAGES[0])
    failed = None
    try:
        repaired, left = repair_shelf(public)
    except Exception as exc:
        repaired, left = 0, 0
        failed = NightlyRun(EXIT_NOTHING_PUBLISHED, error=exc,
                            problem=describe_failure(exc, public, public, "checking the shelf"))
    if left:
        failed = NightlyRun(EXIT_NOTHING_PUBLISHED, repaired=repaired, problem=(
            f"{public}: {left} problem{'s' if left != 1 else ''} left on the shelf that a "
            f"repair cannot fix — run `edition shelf verify {public}` to see what is wrong"))
    if failed is not None:
        for config in configs:
            run = NightlyRun(failed.exit_code, error=failed.error, problem=failed.problem,
                             repaired=failed.repaired)
            log_night(run, public, config.name, day, started)
            night.runs[config.name] = run
        return
    todo = []
    for config in configs:
        if skip_published and read_issue(day_dir(public, config.name, day)) is not None:
            night.runs[config.name] = run = NightlyRun(EXIT_OK, skipped=True,
                                                       repaired=repaired)
            repaired = 0  # said once, on the first line
            log_night(run, public, config.name, day, started)
        else:
            todo.append(config)
    ingested = _ingest_all(content, todo)
    reading = Reading()
    try:
        work = tempfile.TemporaryDirectory(prefix="edition-nightly-", ignore_cleanup_errors=True)
    except OSError as exc:
        work = None
        problem = describe_failure(exc, public, Path(tempfile.gettempdir()))
    for config in todo:
        began = time.perf_counter()
        ingest, failure = ingested.get(config.name, (None, None))
        if failure is not None:
            run = replace(failure)  # editions with the same sources share the ingest
        elif work is None:
            run = NightlyRun(EXIT_NOTHING_PUBLISHED, problem=problem)
        else:
            run = build_and_publish(content, public, config, day,
                                     out_dir or Path(work.name) / "out",
                                     _Named(progress, config.name), pool,
                                     Path(work.name) / "cache", reading)
        run.repaired, run.ingest = repaired, ingest
        repaired = 0
        log_night(run, public, config.name, day, began)
        night.runs[config.name] = run
    if work is not None:
        work.cleanup()
    night.stories_reused = reading.reused
    night.runs = {config.name: night.runs[config.name] for config in configs}


def _ingest_all(content: Path, configs: list[EditionConfig]) -> dict[str, tuple]:
    """Each distinct ``sources`` list ingested once, before any build reads CONTENT.
    Pruning removes the stories of sources a run does not list, so it is done only when
    every edition that has sources lists the same ones: one edition's prune must not
    remove the stories another edition's sources brought."""
    listing = {c.sources for c in configs if c.sources}
    prune = len(listing) == 1
    done: dict[tuple, tuple] = {}
    found = {}
    for config in configs:
        if not config.sources:
            continue
        if config.sources not in done:
            done[config.sources] = ingest_sources(content, config, prune=prune)
        found[config.name] = done[config.sources]
    return found
