"""Content folder -> Edition: read every story, keep the good ones, say why for the rest.

One bad story never costs the others: each reader failure is a diagnostic and
the story is left out. Only an edition with no usable story at all fails.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path

from compiler.config import EditionConfig
from compiler.content.markdown import read_story
from compiler.content.translations import resolve_translations, translations_in_edition
from compiler.diagnostics import Diagnostic, diag
from compiler.model import Edition, Related, Section, Story


@dataclass(frozen=True)
class Assembly:
    edition: Edition | None
    diagnostics: tuple[Diagnostic, ...]
    left_out: tuple[Path, ...]
    """Story files not in the edition; their reasons are among the diagnostics."""
    elsewhere: tuple[Path, ...] = ()
    """Story files in languages the edition does not take: for other editions, not
    left out (their own problems are reported by the editions that take them)."""


def build_timestamp() -> datetime:
    """SOURCE_DATE_EPOCH pins every date in the outputs, so rebuilds are byte-identical."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC)
    return datetime.now(tz=UTC).replace(microsecond=0)


def story_files(content_root: Path) -> list[Path]:
    folder = content_root / "stories"
    return sorted(folder.glob("*.md")) if folder.is_dir() else []


def assemble(content_root: Path, config: EditionConfig, day: date | None = None,
             decoded: frozenset[str] = frozenset(), reader=read_story) -> Assembly:
    """``decoded``: digests of photos that decoded whole in an earlier build; their
    check reads only the header. ``reader``: ``read_story`` or a stand-in with its
    signature (``build.Reading``: one read of each story for several editions)."""
    content_root = content_root.resolve()
    timestamp = build_timestamp()
    day = day or timestamp.date()
    files = story_files(content_root)
    if not files:
        return Assembly(None, (diag("E004", str(content_root / "stories")),), ())

    diagnostics: list[Diagnostic] = []
    stories: list[Story] = []
    left_out: list[Path] = []
    elsewhere: list[Story] = []
    seen_slugs: dict[str, Path] = {}
    # Threads: checking a story's photo decodes it, and Pillow does that without the GIL.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        read = list(pool.map(lambda path: reader(path, content_root, config, decoded),
                         files))
    for path, (story, problems) in zip(files, read, strict=True):
        ours = story is None or config.takes(story.language)
        diagnostics += problems if ours else []
        if story is None:
            left_out.append(path)
            continue
        if story.slug in seen_slugs and not ours:
            continue
        if story.slug in seen_slugs:
            diagnostics.append(diag("S009", f"{story.slug!r} is already used by "
                                    f"{seen_slugs[story.slug].name}", path))
            left_out.append(path)
            continue
        seen_slugs[story.slug] = path
        (stories if config.takes(story.language) else elsewhere).append(story)

    if elsewhere:
        languages = ", ".join(sorted({s.language for s in elsewhere}))
        count = f"{len(elsewhere)} {'story' if len(elsewhere) == 1 else 'stories'}"
        diagnostics.append(diag("S017", f"{count} ({languages})"))
    stories, notes = resolve_translations(stories, [*stories, *elsewhere])
    diagnostics += notes
    others = tuple(s.source for s in elsewhere)
    if not stories:
        if elsewhere and not left_out:
            diagnostics.append(diag("E004", f"none in the edition's languages "
                                    f"({', '.join(config.languages)})", content_root / "stories"))
        return Assembly(None, tuple(diagnostics), tuple(left_out), others)
    edition = make_edition(stories, config, day, content_root, timestamp)
    return Assembly(edition, tuple(diagnostics), tuple(left_out), others)


def make_edition(stories: list[Story], config: EditionConfig, day: date, content_root: Path,
                 timestamp: datetime) -> Edition:
    stories = _resolve_related(stories)
    stories = translations_in_edition(stories)
    order = {name: index for index, name in enumerate(config.sections)}
    stories.sort(key=lambda s: (order[s.section], s.priority, s.headline.casefold(), s.slug))
    sections = tuple(
        Section(name, tuple(s for s in stories if s.section == name),
                config.section_title(name))
        for name in config.sections
        if any(s.section == name for s in stories)
    )
    lead = min(stories, key=lambda s: (s.priority, order[s.section]))
    return Edition(
        config=config, date=day, sections=sections, more_stories=_more_stories(stories),
        lead=lead, content_root=content_root, timestamp=timestamp,
    )


def without_stories(edition: Edition, slugs: set[str]) -> Edition | None:
    """The edition minus stories that cannot be rendered; links to them turn into
    More stories entries (or vanish when they had no web address)."""
    kept = [s for s in edition.stories if s.slug not in slugs]
    if not kept:
        return None
    return make_edition(kept, edition.config, edition.date, edition.content_root,
                        edition.timestamp)


def _resolve_related(stories: list[Story]) -> list[Story]:
    by_slug = {s.slug: s for s in stories}
    by_url = {s.url: s for s in stories if s.url}
    by_headline = {s.headline: s for s in stories}
    resolved = []
    for story in stories:
        entries = []
        for entry in story.related:
            target = (by_slug.get(entry.slug) or by_url.get(entry.url)
                      or by_headline.get(entry.headline))
            if target is story:
                continue
            if target is None and entry.target is not None and not entry.url:
                continue  # pointed at a story that was since left out, and has no web address
            entries.append(replace(entry, target=target.slug if target else None))
        resolved.append(replace(story, related=tuple(entries)))
    return resolved


def _more_stories(stories: list[Story]) -> tuple[Related, ...]:
    seen: set[str] = set()
    result = []
    for story in stories:
        for entry in story.related:
            if entry.target is None and entry.dedupe_key not in seen:
                seen.add(entry.dedupe_key)
                result.append(entry)
    return tuple(result)
