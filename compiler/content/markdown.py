"""Markdown stories with YAML front matter, the newsroom CMS's export format.

A reader never raises for bad content: it returns diagnostics naming the file
and line, and the build leaves that one story out.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from pathlib import Path

import yaml

from compiler.config import EditionConfig
from compiler.content.figures import extract_figures
from compiler.content.limits import bounded
from compiler.content.photos import inside, load_photo
from compiler.content.sanitize import (
    MarkupTooDeep,
    clean_html,
    markdown_to_html,
    plain_text,
    unsafe_lines,
)
from compiler.diagnostics import Diagnostic, diag
from compiler.model import Related, Story, Translation
from compiler.text.coverage import check_story
from compiler.text.slugs import slugify

KNOWN_KEYS = {"headline", "section", "byline", "standfirst", "published", "tags", "priority",
              "language", "slug", "url", "image", "related", "translation"}
STRING_KEYS = ("headline", "section", "byline", "standfirst", "language", "slug", "url",
               "translation")
MAX_STORY_BYTES = 2 * 1024 * 1024
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def read_story(path: Path, content_root: Path, config: EditionConfig,
               decoded: frozenset[str] = frozenset()) -> tuple[Story | None, list[Diagnostic]]:
    """``decoded``: digests of photos known to decode whole (images.decoded_before)."""
    if not inside(path, content_root):
        return None, [diag("S001", "the file is a link that leaves the content folder", path)]
    try:
        if path.stat().st_size > MAX_STORY_BYTES:
            return None, [diag("S001", f"file is over {MAX_STORY_BYTES // 2**20} MB", path)]
        raw = path.read_bytes()
    except OSError as exc:
        return None, [diag("S001", exc.strerror or str(exc), path)]
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [diag("S006", f"byte 0x{raw[exc.start]:02x} is not UTF-8", path, line)]

    meta, body, body_line, problems = _split_front_matter(text, path)
    if meta is None:
        return None, problems
    return _build_story(meta, body, body_line, text, path, content_root, config, decoded)


def declares_language(raw: bytes) -> bool:
    """Whether a story file names its own language, read as ``read_story`` reads it; a
    story that does not takes its edition's, so editions of other languages cannot share
    one reading of it (build.Reading)."""
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        return False
    meta = _split_front_matter(text, Path())[0]
    return bool(meta and meta.get("language"))


class _TextDates(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """Dates stay text, so an impossible date (2026-02-30) is S015, not a crash.
    LibYAML's parser when PyYAML has it: a tenth of the time per story."""


_TextDates.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _split_front_matter(text: str, path: Path):
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        return None, "", 0, [diag("S003", "the first line is not ---", path, 1)]
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
    if end is None:
        return None, "", 0, [diag("S003", "no closing --- line", path, 1)]
    try:
        meta = yaml.load("\n".join(lines[1:end]), Loader=_TextDates)
    except yaml.YAMLError as exc:
        reason, line = _yaml_problem(exc)
        return None, "", 0, [diag("S002", reason, path, line + 2 if line is not None else None)]
    if not isinstance(meta, dict):
        return None, "", 0, [diag("S005", "front matter must be a mapping of keys", path, 2)]
    return meta, "\n".join(lines[end + 1:]), end + 2, []


_OPENED = ("while scanning a quoted scalar", "while parsing a flow")
"""PyYAML's contexts for a quote or a [ ] / { } that runs on: it gives up where the
text ran out (problem_mark), but the line to fix is where it opened (context_mark)."""


def _yaml_problem(exc: yaml.YAMLError) -> tuple[str, int | None]:
    """The reason and the 0-based line of the front matter where the problem starts."""
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None) or ""
    gave_up = getattr(exc, "problem_mark", None)
    opened = getattr(exc, "context_mark", None)
    if gave_up and opened and context.startswith(_OPENED) and opened.line < gave_up.line:
        if "quoted" in context and "end of stream" in problem:
            return "the quote that opens on this line is never closed", opened.line
        return f"{problem} ({context} that starts on this line)", opened.line
    return problem, gave_up.line if gave_up else None


def _key_line(text: str, key: str) -> int | None:
    match = re.search(rf"^{re.escape(key)}\s*:", text, re.MULTILINE)
    return text[: match.start()].count("\n") + 1 if match else None


def _build_story(meta, body, body_line, text, path, content_root, config, decoded):
    problems: list[Diagnostic] = []

    def where(key):
        return _key_line(text, key)

    for key in sorted(set(meta) - KNOWN_KEYS, key=str):
        problems.append(diag("S011", repr(key), path, where(str(key))))
    for key in ("headline", "section"):
        if meta.get(key) in (None, ""):
            problems.append(diag("S004", key, path, 2))
    for key in STRING_KEYS:
        value = meta.get(key)
        if value is not None and not isinstance(value, (str, int, float)):
            problems.append(diag("S005", f"{key} must be text", path, where(key)))
    priority = meta.get("priority", 100)
    if not isinstance(priority, int) or isinstance(priority, bool):
        problems.append(diag("S005", "priority must be a whole number", path, where("priority")))
    tags = meta.get("tags", [])
    if not isinstance(tags, list):
        problems.append(diag("S005", "tags must be a list", path, where("tags")))
    language = str(meta.get("language") or config.language)
    if not _LANGUAGE.match(language):
        problems.append(diag("S005", f"language {language!r} is not a BCP 47 tag", path,
                             where("language")))
    if meta.get("image") is not None and not isinstance(meta["image"], dict):
        problems.append(diag("S005", "image must be a mapping with src, caption, credit, alt",
                             path, where("image")))
    elif isinstance(meta.get("image"), dict) and not str(meta["image"].get("src") or "").strip():
        problems.append(diag("S005", "image.src is missing", path, where("image")))
    if meta.get("related") is not None and not isinstance(meta["related"], list):
        problems.append(diag("S005", "related must be a list of mappings", path,
                             where("related")))
    published = _parse_published(meta.get("published"))
    if published is False:
        problems.append(diag("S015", repr(meta.get("published")), path, where("published")))
    if any(p.is_error for p in problems):
        return None, problems

    headline = plain_text(meta["headline"])
    section = plain_text(meta["section"])
    if section not in config.sections:
        problems.append(diag("S007", f"{section!r} is not one of {', '.join(config.sections)}",
                             path, where("section")))
        return None, problems

    if not body.strip():
        return None, problems + [diag("S008", "", path, body_line)]
    try:
        body_html, removed = clean_html(markdown_to_html(body))
    except MarkupTooDeep as exc:
        return None, problems + [diag("S012", str(exc), path, body_line)]
    if removed:
        lines = unsafe_lines(body)
        problems += [diag("S013", what, path, body_line + lines[what] - 1 if what in lines
                          else body_line) for what in removed]
    if not body_html.strip():
        return None, problems + [diag("S008", "nothing is left after cleaning", path, body_line)]
    photo = None
    if meta.get("image") is not None:
        photo, photo_notes = load_photo(meta["image"], path, content_root, where("image"),
                                        decoded)
        problems += photo_notes

    body_html, figures, figure_notes = extract_figures(body_html, path, content_root, text,
                                                       decoded)
    problems += figure_notes

    related, related_notes = _read_related(meta.get("related"), path, where("related"),
                                           language)
    problems += related_notes

    story = Story(
        slug=slugify(str(meta.get("slug") or path.stem)),
        headline=headline,
        section=section,
        body_html=body_html,
        source=path,
        byline=plain_text(meta.get("byline") or ""),
        standfirst=plain_text(meta.get("standfirst") or ""),
        published=published or None,
        tags=tuple(plain_text(t) for t in tags if t is not None),
        priority=priority,
        language=language,
        photo=photo,
        figures=figures,
        related=related,
        url=plain_text(meta.get("url") or ""),
        translation=(Translation(slugify(str(meta["translation"])), where("translation"))
                     if meta.get("translation") not in (None, "") else None),
    )
    story, cuts = bounded(story, config, lambda key: body_line if key == "body" else where(key))
    return story, problems + cuts + check_story(story, text, path, body_line)


def _parse_published(value):
    """None when absent, a datetime when valid, False when present but unusable."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time())
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return False


def _read_related(entries, path, line, language):
    if entries is None:
        return (), []
    related, problems = [], []
    for index, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or not plain_text(entry.get("headline") or ""):
            problems.append(diag("S014", f"entry {index} has no headline", path, line))
            continue
        url = plain_text(entry.get("url") or "")
        if url and not re.match(r"^https?://", url):
            problems.append(diag("S014", f"entry {index} url {url!r} is not http(s)", path, line))
            url = ""
        related.append(Related(
            headline=plain_text(entry["headline"]),
            teaser=plain_text(entry.get("teaser") or ""),
            url=url,
            slug=slugify(str(entry["slug"])) if entry.get("slug") else "",
            language=language,
        ))
    return tuple(related), problems
