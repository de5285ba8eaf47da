"""What the build knew, taken from the report it wrote beside its outputs.

``edition build`` writes ``<edition>-<date>.report.json`` with the lead, every
headline (section, headline, language) in edition order, the sections, the
stories included and left out, the page count and each output's name and size.
The shelf takes the edition's facts from there and never guesses them back from
the PDF or the EPUB (data flows forward once). ``edition publish`` reads the
file (``read_report``); ``edition nightly`` still holds the build's result in
memory and hands it over as it is (``report_of``), through the same checks.

A report that is missing, unreadable, of a failed build or lacking a fact is a
``ReportProblem`` naming the file and saying what to do; the shelf then
publishes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from compiler.shelf.issue import Headline

if TYPE_CHECKING:
    from compiler.build import BuildResult

REBUILD = "rebuild with `edition build` and publish again"


class ReportProblem(ValueError):
    """The build report cannot be used; the message names the file and says to rebuild."""


@dataclass(frozen=True)
class Output:
    file: str
    bytes: int


@dataclass(frozen=True)
class BuildReport:
    path: Path
    edition: str
    lead: str
    headlines: tuple[Headline, ...]
    """Every story in the edition, in edition order."""
    sections: tuple[str, ...]
    """Sections that have stories, in edition order."""
    stories: int
    left_out: int
    pages: int
    """Pages of the PDF; 0 when the edition has no PDF."""
    outputs: dict[str, Output]
    """By kind (pdf, epub): the file the build wrote and its size in bytes."""

    def lead_first(self) -> tuple[Headline, ...]:
        """The lead story's headline, then the others in edition order."""
        index = next(i for i, h in enumerate(self.headlines) if h.text == self.lead)
        return (self.headlines[index], *self.headlines[:index], *self.headlines[index + 1:])


def read_report(path: Path) -> BuildReport:
    """The report at ``path``, checked; a ``ReportProblem`` when it is missing or unusable."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ReportProblem(f"{path}: no build report, so no finished build here; "
                            "run `edition build` first") from None
    except OSError as exc:
        raise ReportProblem(f"{path}: the build report cannot be read "
                            f"({exc.strerror or exc}); {REBUILD}") from exc
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise ReportProblem(f"{path}: the build report is not valid JSON ({exc}); "
                            f"{REBUILD}") from exc
    return parse_report(data, path)


def report_of(result: BuildResult) -> BuildReport:
    """The report of a build this process just ran, without reading the file back."""
    if result.report_path is None:
        raise ReportProblem("the build wrote no report (it made no outputs); "
                            "nothing to publish")
    return parse_report(result.report(), result.report_path)


def parse_report(data: object, path: Path) -> BuildReport:
    """Every fact the shelf needs, each checked for its type."""
    if not isinstance(data, dict):
        raise ReportProblem(f"{path}: not a build report (a JSON object is expected); {REBUILD}")

    def fact(key: str, kind: type | tuple[type, ...]):
        value = data.get(key)
        if not isinstance(value, kind) or isinstance(value, bool):
            written = data.get("compiler", "an unknown compiler")
            raise ReportProblem(
                f"{path}: the build report has no usable {key!r} (written by {written}, "
                f"which may be older than this shelf); {REBUILD}")
        return value

    def strings(items: list, key: str) -> tuple[str, ...]:
        if not all(isinstance(item, str) for item in items):
            raise ReportProblem(f"{path}: {key!r} in the build report must be a list of "
                                f"strings; {REBUILD}")
        return tuple(items)

    exit_code = fact("exit_code", int)
    if exit_code != 0:
        raise ReportProblem(f"{path}: the build failed (exit code {exit_code}); fix what its "
                            "diagnostics say and rebuild")
    headlines = []
    for item in fact("headlines", list):
        values = item if isinstance(item, dict) else {}
        parts = [values.get(key) for key in ("headline", "language", "section")]
        if not all(isinstance(part, str) and part for part in parts):
            raise ReportProblem(f"{path}: a headline in the build report lacks its headline, "
                                f"language or section ({item!r}); {REBUILD}")
        headlines.append(Headline(*parts))
    lead = fact("lead", str)
    if lead not in {h.text for h in headlines}:
        raise ReportProblem(f"{path}: the lead {lead!r} is not among the report's headlines; "
                            f"{REBUILD}")
    outputs = {}
    for kind, entry in fact("outputs", dict).items():
        entry = entry if isinstance(entry, dict) else {}
        name, size = entry.get("file"), entry.get("bytes")
        if not isinstance(name, str) or not isinstance(size, int) or isinstance(size, bool):
            raise ReportProblem(f"{path}: the report's entry for the {kind} lacks its file "
                                f"name or size; {REBUILD}")
        outputs[kind] = Output(name, size)
    return BuildReport(
        path=path,
        edition=fact("edition", str),
        lead=lead,
        headlines=tuple(headlines),
        sections=strings(fact("sections", list), "sections"),
        stories=len(fact("included", list)),
        left_out=len(fact("left_out", list)),
        pages=fact("pages", int),
        outputs=outputs,
    )
