"""Diagnostics with stable codes, so editors and scripts can act on them.

Every problem the build finds becomes a :class:`Diagnostic`; nothing is printed
from deep inside the pipeline. The catalogue below is the single list of codes
(the README's table is generated from it by ``edition codes``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

# Exit codes every command shares. Here, beside the codes, so the CLI can name them
# without importing the pipeline: ``edition build`` starts its layout workers first.
EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


class Severity(StrEnum):
    ERROR = "error"  # the story (or the edition) cannot be used
    WARNING = "warning"  # something was dropped or degraded, the story stays
    INFO = "info"  # a fact for the record: what `edition ingest` did with an item


@dataclass(frozen=True)
class Code:
    code: str
    severity: Severity
    summary: str
    fix: str


CATALOGUE: dict[str, Code] = {
    c.code: c
    for c in [
        # Edition definition
        Code("E001", Severity.ERROR, "edition definition cannot be read",
             "give --edition an edition's name or the path of its .toml file"),
        Code("E002", Severity.ERROR, "edition definition is not valid TOML",
             "fix the TOML syntax at the line shown"),
        Code("E003", Severity.ERROR, "edition definition has a bad or unknown field",
             "correct the field; see editions/daily.toml for every field"),
        Code("E004", Severity.ERROR, "content folder has no stories",
             "put one Markdown file per story in CONTENT/stories/"),
        # Story sources
        Code("S001", Severity.ERROR, "story file cannot be read",
             "check the file's permissions or remove it"),
        Code("S002", Severity.ERROR, "front matter is not valid YAML",
             "fix the YAML or remove the file"),
        Code("S003", Severity.ERROR, "front matter is missing",
             "start the file with a --- line, the YAML keys, then another --- line"),
        Code("S004", Severity.ERROR, "required front-matter key is missing",
             "add the key (headline and section are required)"),
        Code("S005", Severity.ERROR, "front-matter value has the wrong type",
             "give the value the type shown in the README's content contract"),
        Code("S006", Severity.ERROR, "story file is not UTF-8",
             "save the file as UTF-8"),
        Code("S007", Severity.ERROR, "story section is not in the edition",
             "use one of the edition's sections or add it to the edition definition"),
        Code("S008", Severity.ERROR, "story body is empty",
             "write the story body under the front matter"),
        Code("S009", Severity.ERROR, "two stories share a slug",
             "give one of them a different slug: key or file name"),
        Code("S010", Severity.WARNING, "text over its limit was shortened at a word boundary",
             "shorten it yourself (the limits, max_headline_chars and the like, are in the "
             "edition definition)"),
        Code("S011", Severity.WARNING, "unknown front-matter key is ignored",
             "remove the key or check its spelling"),
        Code("S012", Severity.ERROR, "story markup is nested too deeply",
             "simplify the story's HTML"),
        Code("S013", Severity.WARNING, "unsafe markup was removed from the story",
             "remove scripts, styles, frames and off-site embeds from the story; put "
             "photos in the content folder and give their path, like ../images/x.jpg"),
        Code("S014", Severity.WARNING, "related entry is unusable and was skipped",
             "give every related entry a headline"),
        Code("S015", Severity.ERROR, "published date is not ISO 8601",
             "write it like 2026-11-25T06:30:00+07:00"),
        Code("S016", Severity.WARNING, "a character no bundled font can draw (printed as a box)",
             "replace the character, or add a font that has it to fonts/ as fonts/README.md says"),
        Code("S017", Severity.INFO, "stories in languages the edition does not take are for "
             "other editions", "nothing to do; the edition's languages list says which it takes"),
        Code("S018", Severity.WARNING, "translation names no story in the content folder",
             "give the slug (slug: key or file name) of the story's translation, or remove "
             "the translation key"),
        Code("S019", Severity.WARNING, "translation pair is not symmetric",
             "make the two stories name each other in their translation keys"),
        # Photos
        Code("P001", Severity.WARNING, "photo file is missing",
             "check the image src path, relative to the story file"),
        Code("P002", Severity.WARNING, "photo path leaves the content folder",
             "copy the photo into the content folder and point at it there"),
        Code("P003", Severity.WARNING, "photo cannot be decoded",
             "replace the file with a valid JPEG, PNG or WebP"),
        Code("P004", Severity.WARNING, "photo is too large to decode safely",
             "downscale the photo below 50 megapixels before filing"),
        Code("P005", Severity.WARNING, "photo has no alt text; the caption is used",
             "add image.alt describing the photo for screen-reader users"),
        # Rendering
        Code("R001", Severity.ERROR, "story failed to render and was left out",
             "see the message; fix the story's markup or photo"),
        Code("R002", Severity.ERROR, "story took too long or too much memory to render",
             "simplify the story; it was left out of tonight's edition"),
        Code("R003", Severity.WARNING, "a resource was refused by the fetcher",
             "keep resources inside the content folder or allow the host in the edition"),
        Code("R004", Severity.ERROR, "the edition could not be written",
             "see the message; the previous edition was kept"),
        Code("R005", Severity.ERROR, "page numbers did not settle; nothing was written",
             "build again; if it happens again, send the content folder to the developers"),
        # Devices (compiler/epub/kindle.py)
        Code("D001", Severity.WARNING, "Send to Kindle would likely refuse the EPUB",
             "see the check named; a Khmer edition: sideload calibre's AZW3 or read the PDF "
             "(docs/devices.md)"),
        Code("D002", Severity.INFO, "Send to Kindle does not take the edition's language",
             "nothing to fix: Kindle readers sideload calibre's AZW3 or read the PDF "
             "(docs/devices.md)"),
        # Ingest (edition ingest: feeds and CMS exports -> a content folder)
        Code("I001", Severity.INFO, "new item; its story was written", "nothing to do"),
        Code("I002", Severity.INFO, "item changed at the source; its story was rewritten",
             "nothing to do"),
        Code("I003", Severity.INFO, "item unchanged since the last ingest", "nothing to do"),
        Code("I004", Severity.INFO, "story removed: its item is gone from the sources (--prune)",
             "nothing to do"),
        Code("I005", Severity.INFO, "item is older than --since and was skipped",
             "give an earlier --since to take it"),
        Code("I010", Severity.ERROR, "source cannot be read",
             "check the path or URL and that the server answers; the other sources were read"),
        Code("I011", Severity.ERROR, "source is not a feed ingest can read",
             "give an RSS, Atom, WordPress REST, ninjs or JSON Feed source, or name it with "
             "--format"),
        Code("I012", Severity.WARNING, "source's Content-Type does not match its content",
             "have the server send the right Content-Type; the content was read as what it is"),
        Code("I013", Severity.WARNING, "source XML is malformed; items after the fault may be "
             "missing", "fix the feed at the line shown; the items read were kept"),
        Code("I014", Severity.ERROR, "source JSON is invalid or truncated",
             "fix the JSON at the line shown, or fetch the source again"),
        Code("I015", Severity.ERROR, "source XML declares entities and was refused",
             "serve the feed without <!ENTITY> declarations (they can expand without bound "
             "or read files)"),
        Code("I016", Severity.ERROR, "source is over the size limit",
             "serve a shorter feed (fewer or shorter items)"),
        Code("I017", Severity.WARNING, "source has more items than the limit; the rest were "
             "skipped", "serve fewer items per feed or page"),
        Code("I020", Severity.ERROR, "item has no title and was skipped",
             "give the item a title at the source"),
        Code("I021", Severity.ERROR, "item id was already used by another item; skipped",
             "give every item its own id (guid) at the source"),
        Code("I022", Severity.ERROR, "item has no text body and was skipped",
             "give the item a body at the source (a photo alone is not a story)"),
        Code("I023", Severity.WARNING, "no category of the item maps to a section; it went to "
             "default_section", "add the category to section_map in the edition definition"),
        Code("I024", Severity.ERROR, "no category of the item maps to a section; skipped",
             "add the category to section_map, or set default_section, in the edition "
             "definition"),
        Code("I025", Severity.ERROR, "item markup is nested too deeply; skipped",
             "simplify the item's HTML at the source"),
        Code("I026", Severity.WARNING, "unsafe markup was removed from the item",
             "remove scripts, styles, frames and embeds from the item at the source"),
        Code("I027", Severity.ERROR, "item is withdrawn or not usable at the source; skipped",
             "nothing to do unless the source should have sent it"),
        Code("I030", Severity.WARNING, "photo was not fetched; the story runs without it",
             "allow the photo's host (--allow-host or allowed_hosts) or fix the photo at the "
             "source"),
        Code("I031", Severity.WARNING, "photos inside the item's body were left out",
             "ingest fetches the main photo only; make the photo the item's featured image"),
    ]
}


@dataclass(frozen=True)
class Diagnostic:
    code: str
    message: str
    path: Path | None = None
    line: int | None = None

    @property
    def severity(self) -> Severity:
        return CATALOGUE[self.code].severity

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    @property
    def fix(self) -> str:
        return CATALOGUE[self.code].fix

    def location(self, root: Path | None = None) -> str:
        if self.path is None:
            return "edition"
        shown = self.path
        if root is not None:
            try:
                shown = self.path.relative_to(root)
            except ValueError:
                pass
        return f"{shown}:{self.line}" if self.line else str(shown)

    def format(self, root: Path | None = None) -> str:
        """One line an editor can act on: where, code, what, and the fix.

        Story text can reach the message; control characters are escaped so a
        story can never print a line of its own into the night log."""
        line = f"{self.location(root)}: {self.code} {self.message} ({self.fix})"
        return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in line)

    def as_dict(self, root: Path | None = None) -> dict:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "file": self.location(root).rsplit(":", 1)[0] if self.path else None,
            "line": self.line,
            "message": self.message,
            "fix": self.fix,
        }


def diag(code: str, detail: str = "", path: Path | None = None,
         line: int | None = None) -> Diagnostic:
    """Build a diagnostic whose message starts with the catalogue's summary."""
    summary = CATALOGUE[code].summary
    return Diagnostic(code, f"{summary}: {detail}" if detail else summary, path, line)
