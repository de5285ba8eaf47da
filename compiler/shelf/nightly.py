"""The night run: check the shelf, build the day's edition, publish it, log one line.

Holds the shelf lock for the whole run so two runs never overlap, and turns
every outcome into an exit code a scheduler can act on:

    0   published (a new day, a correction, or the same bytes again)
    1   nothing published: the shelf could not be used or repaired, the build
        failed, or the publication was refused; the shelf, ``latest`` and the
        feeds are as they were
    2   usage: a bad argument or an edition definition that cannot be found
    75  another run holds ``PUBLIC/.nightly.lock``; nothing done, try later

Whatever happens, one line goes to ``PUBLIC/<edition>/nightly.log`` (and is
printed), so the morning editor reads the night in one glance; when the log
itself cannot be written, the run says so (``NightlyRun.log_problem``). A
failure never escapes as an exception: it becomes one sentence for people that
names the path, what is wrong and what to do (``NightlyRun.problem``).
"""

from __future__ import annotations

import errno
import os
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from compiler.build import BuildResult, build
from compiler.config import EditionConfig
from compiler.content.assemble import build_timestamp
from compiler.diagnostics import EXIT_FAILED as EXIT_NOTHING_PUBLISHED
from compiler.diagnostics import EXIT_OK, EXIT_USAGE
from compiler.diagnostics import EXIT_OK as EXIT_PUBLISHED
from compiler.pdf.jobs import SerialPool
from compiler.pdf.workers import WorkerPool
from compiler.progress import DONE, Progress, stage_count
from compiler.shelf.archive import Publication, PublishError, publish_issue, timestamp_now
from compiler.shelf.issue import human_size
from compiler.shelf.journal import JOURNAL, STAGING
from compiler.shelf.lock import EXIT_LOCKED, Locked, describe_os_error, shelf_lock
from compiler.shelf.paths import DELIVERABLES, NIGHTLY_LOG, edition_dir
from compiler.shelf.report import BuildReport, report_of
from compiler.shelf.verify import verify_shelf

if TYPE_CHECKING:
    from compiler.ingest.run import IngestResult

__all__ = ["EXIT_LOCKED", "EXIT_NOTHING_PUBLISHED", "EXIT_PUBLISHED", "EXIT_USAGE",
           "describe_failure", "night_stage_count", "publish", "run_nightly"]

NIGHT_STAGES = ("Checking the shelf", "Publishing to the shelf")
"""The night's own stages, one before the build's and one after; Done stays the last."""


@dataclass
class NightlyRun:
    exit_code: int
    summary: str = ""
    build: BuildResult | None = None
    publication: Publication | None = None
    error: BaseException | None = None
    """The exception behind a failure, for ``--debug``."""
    problem: str = ""
    """Why nothing was published: the path, what is wrong with it, what to do."""
    repaired: int = 0
    """What the check before the build repaired (left by an earlier run that was killed)."""
    log_problem: str = ""
    """Why the night's line is not in nightly.log; empty when it is."""
    ingest: IngestResult | None = None
    """What ingest did, when the edition lists ``sources`` (it runs before the build)."""
    skipped: bool = False
    """``--skip-published``: the day was already on the shelf, so nothing was built."""


def default_day() -> date:
    """SOURCE_DATE_EPOCH's date when set (reproducible runs), else today on the local clock.

    The local clock, not UTC: a paper in Phnom Penh running at 02:30 wants that
    morning's date, which in UTC is still the day before. Set TZ for the job.
    """
    if os.environ.get("SOURCE_DATE_EPOCH", "").strip().isdigit():
        return build_timestamp().date()
    return date.today()


def night_stage_count(outputs) -> int:
    return stage_count(outputs) + len(NIGHT_STAGES)


def publish(out_dir: Path, public: Path, config: EditionConfig, day: date,
            report: BuildReport | None = None) -> Publication:
    """Publish a finished build; its feeds and pages are part of the same publication.
    The caller holds the lock.

    ``report``: what the build reported, when the caller ran it; else read from ``out_dir``.
    """
    return publish_issue(out_dir, public, config, day, timestamp_now(), report)


def run_nightly(content: Path, public: Path, config: EditionConfig, day: date | None = None,
                out_dir: Path | None = None, progress: Progress | None = None,
                pool: WorkerPool | SerialPool | None = None) -> NightlyRun:
    """Never raises for a failure of the night: the run's exit code and ``problem`` say it
    (EXIT_LOCKED when another run is publishing to ``public``).
    ``progress``: counts ``night_stage_count`` stages.
    ``pool``: layout workers the caller started early and owns."""
    day = day or default_day()
    progress = progress or Progress(night_stage_count(config.outputs), quiet=True)
    started = time.perf_counter()
    try:
        with shelf_lock(public):
            run = _night(content, public, config, day, out_dir, progress, pool)
            log_night(run, public, config.name, day, started)  # under the lock
            return run
    except (Locked, OSError) as exc:  # held by another run, or PUBLIC or its lock unwritable
        run = unlocked(exc, public)
    log_night(run, public, config.name, day, started)  # one appended write, safe without the lock
    return run


def unlocked(exc: Exception, public: Path) -> NightlyRun:
    """The night that could not take the shelf's lock: another run holds it (retry), or
    PUBLIC or its lock file cannot be made or written."""
    if isinstance(exc, Locked):
        who = f", pid {exc.holder}," if exc.holder else ""
        return NightlyRun(EXIT_LOCKED, error=exc,
                          problem=f"another run{who} holds {exc.path}; try again later")
    return NightlyRun(EXIT_NOTHING_PUBLISHED, error=exc,
                      problem=describe_failure(exc, public, public))


def _night(content: Path, public: Path, config: EditionConfig, day: date,
           out_dir: Path | None, progress: Progress,
           pool: WorkerPool | SerialPool | None) -> NightlyRun:
    progress.stage(NIGHT_STAGES[0])
    try:
        repaired, left = repair_shelf(public)
    except Exception as exc:
        return NightlyRun(EXIT_NOTHING_PUBLISHED, error=exc,
                          problem=describe_failure(exc, public, public, "checking the shelf"))
    if left:
        return NightlyRun(EXIT_NOTHING_PUBLISHED, repaired=repaired, problem=(
            f"{public}: {left} problem{'s' if left != 1 else ''} left on the shelf that a "
            f"repair cannot fix — run `edition shelf verify {public}` to see what is wrong"))
    ingested = None
    if config.sources:
        ingested, failed = ingest_sources(content, config)
        if failed is not None:
            failed.repaired = repaired
            return failed
    if out_dir is not None:
        run = build_and_publish(content, public, config, day, out_dir, progress, pool)
    else:
        try:
            work = tempfile.TemporaryDirectory(prefix="edition-nightly-",
                                               ignore_cleanup_errors=True)
        except OSError as exc:
            return NightlyRun(EXIT_NOTHING_PUBLISHED, error=exc, repaired=repaired,
                              problem=describe_failure(exc, public, Path(tempfile.gettempdir())))
        with work:
            run = build_and_publish(content, public, config, day, Path(work.name), progress,
                                     pool)
    run.repaired = repaired
    run.ingest = ingested
    return run


def ingest_sources(content: Path, config: EditionConfig, prune: bool = True
            ) -> tuple[IngestResult | None, NightlyRun | None]:
    """The edition's sources into CONTENT before the build, pruned to what they list
    tonight (stories an editor wrote by hand stay); a run that reads nothing
    publishes nothing."""
    from compiler.ingest.run import ingest

    try:
        result = ingest(list(config.sources), content, config, prune=prune,
                        base=config.path.parent if config.path else None)
    except Exception as exc:
        return None, NightlyRun(EXIT_NOTHING_PUBLISHED, error=exc,
                                problem=describe_failure(exc, content, content, "the ingest"))
    if result.exit_code != EXIT_OK:
        return result, NightlyRun(EXIT_NOTHING_PUBLISHED, ingest=result, problem=(
            "ingest read no story from the edition's sources (see the lines above)"))
    return result, None


def repair_shelf(public: Path) -> tuple[int, int]:
    """Repair what an earlier run left (``edition shelf verify --repair``): how many
    problems were repaired and how many are left."""
    findings = verify_shelf(public, repair=True).findings
    repaired = sum(1 for finding in findings if finding.repaired)
    return repaired, len(findings) - repaired


def build_and_publish(content: Path, public: Path, config: EditionConfig, day: date,
                       out_dir: Path, progress: Progress,
                       pool: WorkerPool | SerialPool | None, cache_dir: Path | None = None,
                       reading=None) -> NightlyRun:
    """``cache_dir`` and ``reading``: what several editions of one night share."""
    try:
        result = build(content, config, out_dir, day, progress=progress, pool=pool,
                       cache_dir=cache_dir, reading=reading)
    except Exception as exc:  # the log line must still be written
        return NightlyRun(EXIT_NOTHING_PUBLISHED, error=exc,
                          problem=describe_failure(exc, public, out_dir, "the build"))
    if result.exit_code != EXIT_OK or not result.outputs:
        return NightlyRun(EXIT_NOTHING_PUBLISHED, build=result,
                          problem="the build produced no edition")
    progress.stage(NIGHT_STAGES[1])
    try:
        publication = publish(out_dir, public, config, day, report_of(result))
    except Exception as exc:
        return NightlyRun(EXIT_NOTHING_PUBLISHED, build=result, error=exc,
                          problem=describe_failure(exc, public, public, "publishing"))
    progress.stage(DONE)
    return NightlyRun(EXIT_PUBLISHED, build=result, publication=publication)


def describe_failure(exc: BaseException, public: Path, where: Path, doing: str = "") -> str:
    """One sentence for people: the path, what is wrong, what to do.

    ``where``: the folder being written, named when the error does not carry a path
    (a full disk reports none). ``doing``: the step, named for an unexpected error.
    """
    cause = exc.__cause__ if isinstance(exc, PublishError) else exc
    if isinstance(cause, OSError):
        text = describe_os_error(cause, where)
    elif isinstance(exc, PublishError | ValueError):
        return str(exc)
    else:
        return (f"{doing or 'the run'} failed: {type(exc).__name__}: {exc} "
                "(run with --debug for the traceback)")
    if (public / STAGING / JOURNAL).is_file():
        text += ("; the publication stopped half-way: once that is fixed, the next run or "
                 f"`edition shelf verify --repair {public}` finishes it")
    return text


def log_night(run: NightlyRun, public: Path, edition: str, day: date, started: float) -> None:
    run.summary = summary_line(edition, day, run, time.perf_counter() - started)
    log = edition_dir(public, edition) / NIGHTLY_LOG
    try:
        append_log(public, edition, run.summary)
    except OSError as exc:
        run.log_problem = describe_os_error(exc, log)


def summary_line(edition: str, day: date, run: NightlyRun, seconds: float) -> str:
    """``<run time> <edition> <date>: 11 stories in, 0 left out, 16 pages, PDF 3.4 MB, ...``"""
    result = run.build
    counts = (f"{len(result.included)} stories in, {len(result.left_out)} left out"
              if result else "not built")
    head = f"{timestamp_now()} {edition} {day.isoformat()}:"
    repaired = f", repaired {run.repaired}" if run.repaired else ""
    if run.skipped:
        return f"{head} already on the shelf, skipped; {seconds:.1f} s{repaired}"
    if run.publication is None:
        return f"{head} NOTHING PUBLISHED ({run.problem}); {counts}, {seconds:.1f} s{repaired}"
    files = run.publication.issue.files
    sizes = ", ".join(f"{kind.upper()} {human_size(files[kind].bytes)}"
                      for kind in DELIVERABLES if kind in files)
    pages = f"{result.pages} pages, " if "pdf" in files else ""  # an EPUB has no page count
    return (f"{head} {counts}, {pages}{sizes}, {seconds:.1f} s{repaired}, "
            f"{run.publication.status}")


def append_log(public: Path, edition: str, line: str) -> None:
    """One line per night, in one appended write: lines never interleave, even from a run
    that found the lock held. Never makes PUBLIC itself."""
    folder = edition_dir(public, edition)
    folder.mkdir(exist_ok=True)
    path = folder / NIGHTLY_LOG
    data = (line.replace("\n", " ") + "\n").encode()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        if os.write(fd, data) != len(data):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        os.fsync(fd)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(path)) from exc
    finally:
        os.close(fd)
