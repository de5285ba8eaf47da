"""The edition definition: one TOML file per edition under ``editions/``.

Loading collects every problem before giving up, so an editor fixes the file
in one pass rather than one error per run (MkDocs does the same).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path

from compiler.diagnostics import Diagnostic, diag
from compiler.text.slugs import slugify

PAGE_SIZES = ("A4", "Letter")
OUTPUTS = ("pdf", "epub", "kepub")


@dataclass(frozen=True)
class EditionConfig:
    name: str
    """File stem of the definition; it names the output files (``daily-2026-11-25.pdf``)."""
    title: str = "The Daily Edition"
    """Masthead title, on the cover, running heads and in the metadata."""
    tagline: str = ""
    """Line under the masthead on the cover."""
    publisher: str = ""
    """Publisher named in the PDF and EPUB metadata."""
    language: str = "en"
    """BCP 47 language of the edition; a story may override it with ``language``."""
    page_size: str = "A4"
    """Print page size: A4 or Letter."""
    languages: tuple[str, ...] = ()
    """Which stories the edition takes, by their ``language`` (BCP 47 primary tags such as
    ``en``, ``km``; ``km`` takes ``km-KH`` too). Empty takes every language. A story in
    another language is not an error: it is for another edition (info S017)."""
    sections: tuple[str, ...] = ("News",)
    """Section order, by the newsroom's section keys (what a story's ``section`` says); a
    story naming another section is left out with S007."""
    section_names: tuple[tuple[str, str], ...] = ()
    """What readers see for each section key (a TOML table, key -> printed name: section
    openers, running heads, contents, bookmarks, the EPUB's nav). A key without an entry
    prints as itself. Anchors and file names keep the key, so they are the same in every
    edition."""
    outputs: tuple[str, ...] = OUTPUTS
    """Which outputs to write: pdf, epub and kepub (the Kobo EPUB, made from the EPUB)."""
    website: str = ""
    """The newspaper's web address, shown in the back matter."""
    allowed_hosts: tuple[str, ...] = ()
    """Hosts the build may fetch from; empty means nothing is fetched from the network."""
    max_headline_chars: int = 140
    """Headlines (and related entries' headlines) longer than this are shortened at a
    word boundary, with warning S010 (an error with ``--strict``)."""
    max_standfirst_chars: int = 400
    """Standfirsts longer than this are shortened the same way."""
    max_caption_chars: int = 300
    """Photo captions longer than this are shortened the same way."""
    max_teaser_chars: int = 400
    """Related entries' teasers longer than this are shortened the same way."""
    render_timeout: float = 120.0
    """Seconds one story may take to lay out before it is left out (R002)."""
    render_memory_mb: int = 2048
    """Memory one story's layout may use before it is left out (R002)."""
    retention_days: int = 30
    """How many days of editions a publication folder keeps."""
    sources: tuple[str, ...] = ()
    """Feeds ``edition nightly`` ingests before it builds (and ``edition ingest`` when it is
    given none): http(s) URLs or files, relative to this definition's folder."""
    section_map: tuple[tuple[str, str], ...] = ()
    """Ingest: a source's category -> one of ``sections`` (a TOML table; case does not
    matter). A category named like a section goes there without an entry."""
    default_section: str = ""
    """Ingest: the section for an item no category places (with warning I023); empty
    leaves such an item out (I024)."""
    path: Path | None = field(default=None, compare=False)
    """Where the definition was read from (for messages)."""

    def takes(self, language: str) -> bool:
        """Whether a story in ``language`` belongs in this edition."""
        return not self.languages or language.split("-")[0].lower() in self.languages

    def section_title(self, key: str) -> str:
        """The printed name of the section ``key``."""
        return dict(self.section_names).get(key, key)


_FIELD_TYPES = {
    "title": str, "tagline": str, "publisher": str, "language": str, "page_size": str,
    "languages": list, "sections": list, "section_names": dict, "outputs": list,
    "website": str, "allowed_hosts": list,
    "max_headline_chars": int, "max_standfirst_chars": int, "max_caption_chars": int,
    "max_teaser_chars": int, "render_timeout": (int, float), "render_memory_mb": int,
    "retention_days": int,
    "sources": list, "section_map": dict, "default_section": str,
}


RETIRED = {
    "stories_per_run": "a section is laid out as one flow and cut into parts where a "
                       "story begins a page (docs/layout.md)",
}
"""Fields earlier versions read, with what took their place."""


def find_edition(name_or_path: str, search_dirs: list[Path]) -> Path | None:
    """An edition is a path to a TOML file or a bare name looked up in ``editions/``."""
    candidate = Path(name_or_path)
    if candidate.suffix == ".toml" or "/" in name_or_path:
        return candidate if candidate.is_file() else None
    for folder in search_dirs:
        path = folder / f"{name_or_path}.toml"
        if path.is_file():
            return path
    return None


def load_config(path: Path) -> tuple[EditionConfig | None, list[Diagnostic]]:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        return None, [diag("E001", exc.strerror or str(exc), path)]
    except UnicodeDecodeError:
        return None, [diag("E001", "not UTF-8", path)]
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)  # Python 3.14+; before, only in the message
        if line is None and (found := re.search(r"at line (\d+)", str(exc))):
            line = int(found[1])
        return None, [diag("E002", str(exc).split(" (at line")[0], path, line)]

    edition = raw.get("edition", raw)
    problems: list[Diagnostic] = []
    known = {f.name for f in fields(EditionConfig)} - {"name", "path"}
    values: dict = {}
    for key, value in edition.items():
        if key in RETIRED:
            problems.append(diag("E003", f"{key} is no longer used: {RETIRED[key]}; "
                                 "remove the line", path))
            continue
        if key not in known:
            problems.append(diag("E003", f"unknown field {key!r}", path))
            continue
        expected = _FIELD_TYPES[key]
        if not isinstance(value, expected) or isinstance(value, bool):
            kind = type(value).__name__
            problems.append(diag("E003", f"{key} has the wrong type ({kind})", path))
            continue
        values[key] = tuple(value) if isinstance(value, list) else value

    if values.get("page_size", "A4") not in PAGE_SIZES:
        problems.append(diag("E003", f"page_size must be one of {', '.join(PAGE_SIZES)}", path))
    bad_outputs = set(values.get("outputs", ())) - set(OUTPUTS)
    if bad_outputs:
        problems.append(diag("E003", f"unknown outputs {sorted(bad_outputs)}", path))
    for key in ("sections", "allowed_hosts"):
        if any(not isinstance(item, str) or not item for item in values.get(key, ())):
            problems.append(diag("E003", f"{key} must be a list of non-empty strings", path))
    if "sections" in values and not values["sections"]:
        problems.append(diag("E003", "sections must name at least one section", path))

    slugs = [slugify(name) for name in values.get("sections", ()) if isinstance(name, str)]
    if len(set(slugs)) != len(slugs):
        problems.append(diag("E003", "two sections have the same name once simplified "
                             f"for file names ({', '.join(values['sections'])})", path))

    problems += _ingest_problems(values, path)
    problems += _language_problems(values, path)
    if problems:
        return None, problems
    return EditionConfig(name=path.stem, path=path, **values), []


def _ingest_problems(values: dict, path: Path) -> list[Diagnostic]:
    """Check the ingest fields and store ``section_map`` as pairs (the config stays hashable)."""
    problems = []
    sections = values.get("sections", EditionConfig.sections)
    if any(not isinstance(item, str) or not item for item in values.get("sources", ())):
        problems.append(diag("E003", "sources must be a list of URLs or file paths", path))
    mapping = values.get("section_map", {})
    for category, section in mapping.items():
        if not isinstance(section, str) or section not in sections:
            problems.append(diag("E003", f"section_map sends {category!r} to {section!r}, "
                                 f"which is not one of the sections", path))
    values["section_map"] = tuple((str(k), str(v)) for k, v in mapping.items())
    default = values.get("default_section", "")
    if default and default not in sections:
        problems.append(diag("E003", f"default_section {default!r} is not one of the "
                             "sections", path))
    return problems


_PRIMARY_TAG = re.compile(r"^[a-z]{2,3}$")


def _language_problems(values: dict, path: Path) -> list[Diagnostic]:
    """Check ``languages`` and ``section_names``; store them normalised (lower-case
    primary tags; the names as pairs, so the config stays hashable)."""
    problems = []
    languages = values.get("languages", ())
    if any(not isinstance(tag, str) or not _PRIMARY_TAG.match(tag.lower())
           for tag in languages):
        problems.append(diag("E003", "languages must be a list of language codes like "
                             '"en" or "km" (empty: every language)', path))
    else:
        values["languages"] = tuple(dict.fromkeys(tag.lower() for tag in languages))
    sections = values.get("sections", EditionConfig.sections)
    names = values.get("section_names", {})
    for key, name in names.items():
        if key not in sections:
            problems.append(diag("E003", f"section_names names {key!r}, which is not one of "
                                 "the sections", path))
        elif not isinstance(name, str) or not name.strip():
            problems.append(diag("E003", f"section_names gives {key!r} an empty or non-text "
                                 "name", path))
    values["section_names"] = tuple((str(k), str(v).strip()) for k, v in names.items())
    return problems
