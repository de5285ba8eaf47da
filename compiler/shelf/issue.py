"""One published issue as the shelf remembers it: ``issue.json`` in its day folder.

Pages and feeds are regenerated from these records alone, for every edition
on the shelf, so regenerating never reopens a PDF or an EPUB and an edition
whose definition file has since moved still gets listed correctly.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

from compiler.files import atomic_write
from compiler.shelf.paths import ISSUE_FILE, day_dirs, edition_dir
from compiler.text.khmer import has_khmer

FORMAT = 2
"""2: each headline carries its language and section, as the build reported them.
1 (still read): headlines were bare strings."""


@dataclass(frozen=True)
class Headline:
    """One story's headline as the build reported it."""

    text: str
    language: str
    """BCP 47: the story's own language, or the edition's when the story declared none."""
    section: str


@dataclass(frozen=True)
class FileEntry:
    file: str
    bytes: int
    sha256: str


@dataclass(frozen=True)
class Issue:
    edition: str
    date: date
    identifier: str
    title: str
    edition_title: str
    author: str = ""
    publisher: str = ""
    language: str = "en"
    tagline: str = ""
    website: str = ""
    headlines: tuple[Headline, ...] = ()
    """Lead first, then the rest in edition order."""
    sections: tuple[str, ...] = ()
    stories: int = 0
    left_out: int = 0
    pages: int = 0
    published: str = ""
    """When this date was first published (UTC, ISO 8601)."""
    updated: str = ""
    """When its files last changed: the first publication or the latest correction."""
    files: dict[str, FileEntry] = field(default_factory=dict)
    """By kind: pdf, epub, report, cover, thumbnail (whichever the build had)."""

    @property
    def lead(self) -> Headline | None:
        return self.headlines[0] if self.headlines else None

    def to_json(self) -> bytes:
        data = asdict(self)
        data = {"format": FORMAT, **data, "date": self.date.isoformat()}
        return json.dumps(data, indent=2, ensure_ascii=False).encode() + b"\n"

    @classmethod
    def from_json(cls, raw: bytes) -> Issue:
        data = json.loads(raw)
        if data.pop("format", 1) > FORMAT:
            raise ValueError(f"format {FORMAT} or older expected; written by a newer compiler")
        data["date"] = date.fromisoformat(data["date"])
        data["files"] = {kind: FileEntry(**entry) for kind, entry in data["files"].items()}
        language = data.get("language", "en")
        data["headlines"] = tuple(
            Headline(**item) if isinstance(item, dict) else _format_1_headline(item, language)
            for item in data.get("headlines", ()))
        data["sections"] = tuple(data.get("sections", ()))
        return cls(**data)


def _format_1_headline(text: str, language: str) -> Headline:
    """Days published before the build reported each story's language: Khmer script in
    another language's edition is taken for Khmer, as the pages used to guess."""
    return Headline(text, "km" if has_khmer(text) else language, "")


def write_issue(folder: Path, issue: Issue) -> None:
    atomic_write(folder / ISSUE_FILE, issue.to_json())


def read_issue(folder: Path) -> Issue | None:
    """The day's record, or None when the day is incomplete or the record unreadable."""
    path = folder / ISSUE_FILE
    try:
        issue = Issue.from_json(path.read_bytes())
    except (OSError, ValueError, TypeError, KeyError):
        return None
    if not all((folder / entry.file).is_file() for entry in issue.files.values()):
        return None
    return issue


def load_issues(public: Path, edition: str) -> list[Issue]:
    """Every complete issue of one edition, newest first."""
    issues = [read_issue(folder) for _, folder in day_dirs(edition_dir(public, edition))]
    return sorted((i for i in issues if i is not None), key=lambda i: i.date, reverse=True)


def counterpart_issues(issue: Issue, same_day: dict[str, Issue]) -> list[tuple[str, Issue]]:
    """The other editions' issues of ``issue``'s date in another language (the paper's
    translation, such as the daily's Khmer sister), by edition name, one per language
    (the first edition by name): two links of one language would be ambiguous (and
    RFC 4287 forbids two alternate links with the same type and hreflang)."""
    own = issue.language.split("-")[0].lower()
    found: dict[str, tuple[str, Issue]] = {}
    for name, other in sorted(same_day.items()):
        language = other.language.split("-")[0].lower()
        if name != issue.edition and language != own:
            found.setdefault(language, (name, other))
    return list(found.values())


def human_size(size: int) -> str:
    """Decimal units as file managers and browsers show them: ``2.3 MB``, ``850 kB``."""
    if size < 1000:
        return f"{size} B"
    if round(size / 1000) < 1000:
        return f"{round(size / 1000)} kB"
    if round(size / 1e6, 1) < 1000:
        return f"{size / 1e6:.1f} MB"
    return f"{size / 1e9:.1f} GB"
