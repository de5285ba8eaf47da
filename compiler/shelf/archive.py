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
from compiler.files import remove_temporaries
from compiler.model import iso_timestamp
from compiler.shelf.corrections import correction_entry, corrections_file, read_corrections
from compiler.shelf.epubinfo import EpubProblem, read_epub, thumbnail
from compiler.shelf.issue import FileEntry, Issue, load_issues, read_issue
from compiler.shelf.journal import JOURNAL, STAGING, Transaction
from compiler.shelf.latest import latest_hint, latest_links
from compiler.shelf.lock import describe_os_error
from compiler.shelf.paths import (
    CORRECTIONS_FILE,
    DELIVERABLES,
    ISSUE_FILE,
    day_dir,
    day_dirs,
    day_parts,
    edition_dir,
    file_name,
)
from compiler.shelf.report import BuildReport, ReportProblem, read_report
from compiler.shelf.retention import expired, oldest_kept
from compiler.shelf.sameness import reader_digest
from compiler.shelf.site import corrected_editions, shelf_issues, site_files


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

    books = {}
    for kind, name in (("epub", "EPUB"), ("kepub", "KEPUB")):
        if kind not in files:
            continue
        try:
            books[kind] = read_epub(files[kind])
        except EpubProblem as exc:
            raise PublishError(f"{out_dir / file_name(edition, day, kind)}: {exc}") from exc
        if (issued := books[kind].issued) and issued != day.isoformat():
            raise PublishError(f"the {name} is the edition of {issued}, not {day}; "
                               "check --date or rebuild")
    book = books.get("epub")
    if book is not None and book.cover:
        files["cover"] = book.cover
        try:
            files["thumbnail"] = thumbnail(book.cover)
        except (UnidentifiedImageError, OSError) as exc:
            raise PublishError(f"the EPUB's cover image cannot be read ({exc})") from exc

    folder = day_dir(public, edition, day)
    previous = read_issue(folder)  # None: this day was never completely published
    entries = {kind: FileEntry(file_name(edition, day, kind), len(blob), _sha256(blob))
               for kind, blob in files.items()}
    changes = _changes(previous, folder, entries, files)
    if previous is None:
        status = "new"
    elif changes:
        status = "correction"
    else:
        status = "unchanged"

    issue = previous if status == "unchanged" else Issue(
        edition=edition, date=day,
        identifier=book.identifier if book else f"urn:edition:{edition}:{day.isoformat()}",
        title=book.title if book else f"{config.title}, {day.isoformat()}",
        edition_title=config.title, tagline=config.tagline, website=config.website,
        author=(book.author if book else "") or config.publisher or config.title,
        publisher=config.publisher, language=(book.language if book else "") or config.language,
        headlines=report.lead_first(), sections=report.sections,
        stories=report.stories, left_out=report.left_out, pages=report.pages,
        published=previous.published if previous else when,
        updated=when,
        files=entries,
    )
    correction = None
    if status == "correction":
        correction = correction_entry(day, when, changes)
    removed = _publish(public, config, issue, files if status != "unchanged" else {},
                       previous, correction, when)
    latest = next(iter(load_issues(public, edition)), None)
    return Publication(issue, status, folder, correction, removed, latest)


def _changes(previous: Issue | None, folder: Path, entries: dict[str, FileEntry],
             files: dict[str, bytes]) -> dict[str, tuple[str | None, str | None]]:
    """Deliverables whose content a reader would see change: kind -> (old, new) sha256.
    Bytes that differ only in the build's time are not a correction."""
    if previous is None:
        return {}
    changes = {}
    for kind in DELIVERABLES:
        old, new = _entry_sha(previous, kind), _entry_sha(entries, kind)
        if old == new:
            continue
        if old and new and _same_for_readers(kind, folder / previous.files[kind].file,
                                             files[kind]):
            continue
        changes[kind] = (old, new)
    return changes


def _same_for_readers(kind: str, published: Path, data: bytes) -> bool:
    try:
        return reader_digest(kind, published.read_bytes()) == reader_digest(kind, data)
    except OSError:
        return False


def _publish(public: Path, config: EditionConfig, issue: Issue, files: dict[str, bytes],
             previous: Issue | None, correction: dict | None, when: str) -> list[date]:
    """Every change the publication makes, as one transaction (``journal``): the day's
    files and record, corrections, ``latest.*``, feeds and pages, retention. Returns the
    dates retention removed."""
    edition = config.name
    day_path = "/".join((edition, *day_parts(issue.date)))
    issues = sorted([i for i in load_issues(public, edition) if i.date != issue.date]
                    + [issue], key=lambda i: i.date, reverse=True)
    folders = dict(day_dirs(edition_dir(public, edition)))
    removed = expired(issues[0].date, sorted({*folders, issue.date}), config.retention_days)
    issues = [i for i in issues if i.date not in removed]
    editions = shelf_issues(public)
    editions[edition] = issues
    corrected = corrected_editions(public) | ({edition} if correction else set())
    for folder in (public, edition_dir(public, edition), day_dir(public, edition, issue.date)):
        if folder.is_dir():
            remove_temporaries(folder)
    try:
        with Transaction(public) as transaction:
            for kind, blob in files.items():
                transaction.write(f"{day_path}/{issue.files[kind].file}", blob)
            if files:
                transaction.write(f"{day_path}/{ISSUE_FILE}", issue.to_json())
                for kind, entry in (previous.files.items() if previous else ()):
                    if kind not in issue.files:
                        transaction.remove(f"{day_path}/{entry.file}")
            if correction is not None:
                history = read_corrections(public, edition) + [correction]
                transaction.write(f"{edition}/{CORRECTIONS_FILE}",
                                  corrections_file(edition, history))
            for target, source in latest_links(edition, issues).items():
                transaction.link(target, source)
            if hint := latest_hint(edition, issues):
                transaction.symlink(*hint)
            for relative, data in site_files(editions, corrected, when).items():
                if _differs(public / relative, data):
                    transaction.write(relative, data)
            for day in removed:
                if day in folders:
                    transaction.remove(folders[day].relative_to(public).as_posix())
            transaction.commit()
    except OSError as exc:
        raise PublishError(_failure(exc, public)) from exc
    return removed


def _differs(path: Path, data: bytes) -> bool:
    try:
        return path.read_bytes() != data
    except OSError:
        return True


def _failure(exc: OSError, public: Path) -> str:
    """One line for the night editor: which path, what happened, what to do."""
    if (public / STAGING / JOURNAL).exists():
        return (f"{describe_os_error(exc, public)}; the publication was committed but not "
                f"finished: once that is fixed, the next run or `edition shelf verify --repair "
                f"{public}` finishes it")
    return f"{describe_os_error(exc, public)}; nothing was published (the shelf is as it was)"


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
