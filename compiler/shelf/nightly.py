"""The night run: build the day's edition, publish it, log one line.

Holds the shelf lock for the whole run so two runs never overlap, and turns
every outcome into an exit code a scheduler can act on:

    0   published (a new day, a correction, or the same bytes again)
    1   nothing published: the build or the publication failed; the shelf,
        ``latest`` and the feeds are as they were
    2   usage: a bad argument or an edition definition that cannot be found
    75  another run holds ``PUBLIC/.nightly.lock``; nothing done, try later

Whatever happens, one line goes to ``PUBLIC/<edition>/nightly.log`` (and is
printed), so the morning editor reads the night in one glance.
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from compiler.build import BuildResult, build
from compiler.config import EditionConfig
from compiler.content.assemble import build_timestamp
from compiler.diagnostics import EXIT_FAILED as EXIT_NOTHING_PUBLISHED
from compiler.diagnostics import EXIT_OK, EXIT_USAGE
from compiler.diagnostics import EXIT_OK as EXIT_PUBLISHED
from compiler.pdf.jobs import SerialPool
from compiler.pdf.workers import WorkerPool
from compiler.progress import Progress
from compiler.shelf.archive import Publication, PublishError, publish_issue, timestamp_now
from compiler.shelf.issue import human_size
from compiler.shelf.lock import shelf_lock
from compiler.shelf.paths import DELIVERABLES, NIGHTLY_LOG, edition_dir
from compiler.shelf.report import BuildReport, report_of
from compiler.shelf.site import refresh_site

__all__ = ["EXIT_NOTHING_PUBLISHED", "EXIT_PUBLISHED", "EXIT_USAGE", "publish", "run_nightly"]


@dataclass
class NightlyRun:
    exit_code: int
    summary: str
    build: BuildResult | None = None
    publication: Publication | None = None
    error: BaseException | None = None


def default_day() -> date:
    """SOURCE_DATE_EPOCH's date when set (reproducible runs), else today on the local clock.

    The local clock, not UTC: a paper in Phnom Penh running at 02:30 wants that
    morning's date, which in UTC is still the day before. Set TZ for the job.
    """
    if os.environ.get("SOURCE_DATE_EPOCH", "").strip().isdigit():
        return build_timestamp().date()
    return date.today()


def publish(out_dir: Path, public: Path, config: EditionConfig, day: date,
            report: BuildReport | None = None) -> Publication:
    """Publish a finished build and regenerate the feeds and pages; the caller holds the lock.

    ``report``: what the build reported, when the caller ran it; else read from ``out_dir``.
    """
    when = timestamp_now()
    publication = publish_issue(out_dir, public, config, day, when, report)
    refresh_site(public, when)
    return publication


def run_nightly(content: Path, public: Path, config: EditionConfig, day: date | None = None,
                out_dir: Path | None = None, progress: Progress | None = None,
                pool: WorkerPool | SerialPool | None = None) -> NightlyRun:
    """Raises ``lock.Locked`` when another run is publishing to ``public``.
    ``pool``: layout workers the caller started early and owns."""
    day = day or default_day()
    with shelf_lock(public):
        started = time.perf_counter()
        if out_dir is not None:
            run = _build_and_publish(content, public, config, day, out_dir, progress, pool)
        else:
            with tempfile.TemporaryDirectory(prefix="edition-nightly-") as work:
                run = _build_and_publish(content, public, config, day, Path(work), progress,
                                         pool)
        run.summary = summary_line(config.name, day, run, time.perf_counter() - started)
        append_log(public, config.name, run.summary)
    return run


def _build_and_publish(content: Path, public: Path, config: EditionConfig, day: date,
                       out_dir: Path, progress: Progress | None,
                       pool: WorkerPool | SerialPool | None) -> NightlyRun:
    try:
        result = build(content, config, out_dir, day, progress=progress, pool=pool)
    except Exception as exc:  # the log line must still be written
        return NightlyRun(EXIT_NOTHING_PUBLISHED, "", error=exc)
    if result.exit_code != EXIT_OK or not result.outputs:
        return NightlyRun(EXIT_NOTHING_PUBLISHED, "", build=result)
    try:
        publication = publish(out_dir, public, config, day, report_of(result))
    except (PublishError, OSError, ValueError) as exc:
        return NightlyRun(EXIT_NOTHING_PUBLISHED, "", build=result, error=exc)
    return NightlyRun(EXIT_PUBLISHED, "", build=result, publication=publication)


def summary_line(edition: str, day: date, run: NightlyRun, seconds: float) -> str:
    """``<run time> <edition> <date>: 11 stories in, 0 left out, 16 pages, PDF 3.4 MB, ...``"""
    result = run.build
    counts = (f"{len(result.included)} stories in, {len(result.left_out)} left out"
              if result else "0 stories in, 0 left out")
    head = f"{timestamp_now()} {edition} {day.isoformat()}:"
    if run.publication is None:
        reason = (f"{type(run.error).__name__}: {run.error}" if run.error
                  else "the build produced no edition")
        return f"{head} NOTHING PUBLISHED ({reason}); {counts}, {seconds:.1f} s"
    files = run.publication.issue.files
    sizes = ", ".join(f"{kind.upper()} {human_size(files[kind].bytes)}"
                      for kind in DELIVERABLES if kind in files)
    return (f"{head} {counts}, {result.pages} pages, {sizes}, {seconds:.1f} s, "
            f"{run.publication.status}")


def append_log(public: Path, edition: str, line: str) -> None:
    """One line per night; appended under the lock, so lines never interleave."""
    folder = edition_dir(public, edition)
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / NIGHTLY_LOG).open("a", encoding="utf-8") as handle:
        handle.write(line.replace("\n", " ") + "\n")
        handle.flush()
        os.fsync(handle.fileno())
