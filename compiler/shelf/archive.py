"""Publish one finished build from an out folder into the dated public archive.

Everything that can fail is checked before the first byte is written: the
build report must say the build succeeded and hold every fact the shelf lists
(lead, headlines, sections, counts: taken from it, never guessed from the
outputs), the files must be the ones and the size the report recorded (so a
build still being copied is refused), the EPUB must be readable and carry the
right date. Then the day's files are written one by one, each atomically, and
``issue.json`` last: a day folder without it is not an issue, so no page, feed
or ``latest`` name ever points at a half-published day. Only then do
``latest`` and retention move.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from PIL import UnidentifiedImageError

from compiler.config import EditionConfig
from compiler.content.assemble import build_timestamp
from compiler.files import atomic_write, remove_temporaries
from compiler.model import iso_timestamp
from compiler.shelf.corrections import read_corrections, record_correction
from compiler.shelf.epubinfo import EpubProblem, read_epub, thumbnail
from compiler.shelf.issue import FileEntry, Issue, read_issue, write_issue
from compiler.shelf.latest import point_latest
from compiler.shelf.paths import DELIVERABLES, ISSUE_FILE, day_dir, day_dirs, edition_dir, file_name
from compiler.shelf.report import BuildReport, ReportProblem, read_report
from compiler.shelf.retention import apply_retention, oldest_kept


class PublishError(Exception):
    """Nothing was published; the message says why and what to do."""


@dataclass
class Publication:
    issue: Issue
    status: str
    """``new``, ``correction`` or ``unchanged`` (same bytes published again)."""
    folder: Path
    correction: dict | None = None
    removed: list[date] = field(default_factory=list)
    """Dates deleted by retention."""
    latest: Issue | None = None


def timestamp_now() -> str:
    """UTC, from SOURCE_DATE_EPOCH when set, so tests and reruns are reproducible; the one
    time the shelf writes (issue.json, corrections.json, the feeds, nightly.log)."""
    return iso_timestamp(build_timestamp())


def publish_issue(out_dir: Path, public: Path, config: EditionConfig, day: date,
                  when: str | None = None, report: BuildReport | None = None) -> Publication:
    """``report``: the build's report when the caller ran the build (nightly); read from
    ``out_dir`` when None."""
    when = when or timestamp_now()
    edition = config.name
    files, report = _read_build(out_dir, config, day, report)
    _check_retention(public, edition, day, config.retention_days)
    try:
        read_corrections(public, edition)  # a damaged record must stop us before any write
    except ValueError as exc:
        raise PublishError(str(exc)) from exc

    book = None
    if "epub" in files:
        try:
            book = read_epub(files["epub"])
        except EpubProblem as exc:
            raise PublishError(f"{out_dir / file_name(edition, day, 'epub')}: {exc}") from exc
        if book.issued and book.issued != day.isoformat():
            raise PublishError(f"the EPUB is the edition of {book.issued}, not {day}; "
                               "check --date or rebuild")
        if book.cover:
            files["cover"] = book.cover
            try:
                files["thumbnail"] = thumbnail(book.cover)
            except (UnidentifiedImageError, OSError) as exc:
                raise PublishError(f"the EPUB's cover image cannot be read ({exc})") from exc

    folder = day_dir(public, edition, day)
    previous = read_issue(folder)  # None: this day was never completely published
    entries = {kind: FileEntry(file_name(edition, day, kind), len(blob), _sha256(blob))
               for kind, blob in files.items()}
    changes = {}
    if previous is not None:
        changes = {kind: (_entry_sha(previous, kind), _entry_sha(entries, kind))
                   for kind in DELIVERABLES if kind in entries or kind in previous.files}
    if previous is None:
        status = "new"
    elif any(old != new for old, new in changes.values()):
        status = "correction"
    else:
        status = "unchanged"

    issue = Issue(
        edition=edition, date=day,
        identifier=book.identifier if book else f"urn:edition:{edition}:{day.isoformat()}",
        title=book.title if book else f"{config.title}, {day.isoformat()}",
        edition_title=config.title, tagline=config.tagline, website=config.website,
        author=(book.author if book else "") or config.publisher or config.title,
        publisher=config.publisher, language=(book.language if book else "") or config.language,
        headlines=report.lead_first(), sections=report.sections,
        stories=report.stories, left_out=report.left_out, pages=report.pages,
        published=previous.published if previous else when,
        updated=previous.updated if status == "unchanged" else when,
        files=entries,
    )
    if status != "unchanged":
        folder.mkdir(parents=True, exist_ok=True)
        remove_temporaries(folder)
        for kind, blob in files.items():
            atomic_write(folder / entries[kind].file, blob)
        write_issue(folder, issue)
        for kind, entry in (previous.files.items() if previous else ()):
            if kind not in entries:
                (folder / entry.file).unlink(missing_ok=True)
    else:
        issue = previous
    correction = None
    if status == "correction":
        correction = record_correction(public, edition, day, when, changes)
    remove_temporaries(edition_dir(public, edition))
    latest = point_latest(public, edition)
    removed = apply_retention(public, edition, config.retention_days)
    return Publication(issue, status, folder, correction, removed, latest)


def _read_build(out_dir: Path, config: EditionConfig, day: date,
                report: BuildReport | None) -> tuple[dict[str, bytes], BuildReport]:
    """The build's outputs and report file as bytes, checked against what the report says."""
    report_path = out_dir / file_name(config.name, day, "report")
    try:
        report = report or read_report(report_path)
    except ReportProblem as exc:
        raise PublishError(str(exc)) from exc
    if report.edition != config.name:
        raise PublishError(f"{report.path}: a build of {report.edition!r}, not {config.name!r}")
    data = {}
    for kind in DELIVERABLES:
        if kind not in config.outputs:
            continue
        path = out_dir / file_name(config.name, day, kind)
        recorded = report.outputs.get(kind)
        if recorded is None:
            raise PublishError(f"{report.path}: the build made no {kind}, though the edition "
                               "has it among its outputs; rebuild")
        if recorded.file != path.name:
            raise PublishError(f"{report.path}: the report is of {recorded.file}, not "
                               f"{path.name}; check --date or rebuild")
        try:
            blob = path.read_bytes()
        except FileNotFoundError:
            raise PublishError(f"{path}: missing, though the edition has {kind} among its "
                               "outputs; rebuild") from None
        if recorded.bytes != len(blob):
            raise PublishError(f"{path}: {len(blob)} bytes but the report says "
                               f"{recorded.bytes}; the build may still be writing it — try "
                               "again when it ends")
        data[kind] = blob
    if "pdf" in data and not data["pdf"].startswith(b"%PDF-"):
        raise PublishError(f"{out_dir / file_name(config.name, day, 'pdf')}: not a PDF")
    try:
        data["report"] = report.path.read_bytes()
    except OSError as exc:
        raise PublishError(f"{report.path}: the build report cannot be read "
                           f"({exc.strerror or exc}); rebuild") from exc
    return data, report


def _check_retention(public: Path, edition: str, day: date, retention_days: int) -> None:
    dates = [d for d, folder in day_dirs(edition_dir(public, edition))
             if (folder / ISSUE_FILE).is_file()]
    if dates and day < oldest_kept(dates[-1], retention_days):
        raise PublishError(
            f"{day} is older than the {retention_days} days the shelf keeps (newest is "
            f"{dates[-1]}), so it would be deleted at once; raise retention_days to "
            "publish it")


def _entry_sha(source: Issue | dict, kind: str) -> str | None:
    entries = source.files if isinstance(source, Issue) else source
    entry = entries.get(kind)
    return entry.sha256 if entry else None


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
