"""Stories written into the content folder, and what ingest remembers between runs.

The state file (``CONTENT/.ingest-state.json``) maps each item's source id to its
slug, its version and the files written for it: a re-run rewrites only what the
source changed, and ``--prune`` removes only what ingest wrote, never a story an
editor put there by hand.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from compiler.files import atomic_write
from compiler.ingest.prepare import Prepared

STATE_FILE = ".ingest-state.json"
REPORT_FILE = "ingest.report.json"
TEASER_CHARS = 240
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
"""LibYAML's emitter when PyYAML has it: the pure-Python one is most of an ingest's time."""


def load_state(content: Path) -> dict[str, dict]:
    try:
        state = json.loads((content / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    items = state.get("items") if isinstance(state, dict) else None
    return {k: v for k, v in (items or {}).items() if isinstance(v, dict) and v.get("slug")}


def save_state(content: Path, items: dict[str, dict]) -> None:
    data = json.dumps({"version": 1, "items": dict(sorted(items.items()))}, indent=1,
                      ensure_ascii=False)
    atomic_write(content / STATE_FILE, data.encode("utf-8"), durable=False)


def story_text(story: Prepared, photo_src: str) -> str:
    """The story file: front matter in the README's order, then the body."""
    item = story.item
    meta: dict = {"headline": item.title, "section": story.section}
    if item.byline:
        meta["byline"] = item.byline
    if item.summary:
        meta["standfirst"] = shorten(item.summary, 400)
    if item.published:
        meta["published"] = item.published.isoformat()
    tags = list(dict.fromkeys((*item.categories, *item.tags)))
    if tags:
        meta["tags"] = tags
    if item.priority is not None:
        meta["priority"] = item.priority
    meta["language"] = story.language
    meta["slug"] = story.slug
    if item.url.startswith(("http://", "https://")):
        meta["url"] = item.url
    if photo_src and story.picture is not None:
        image = {"src": photo_src}
        for key in ("caption", "credit", "alt"):
            if getattr(story.picture, key):
                image[key] = getattr(story.picture, key)
        meta["image"] = image
    related = []
    for link in story.related:
        entry = {"headline": link.headline}
        if link.teaser:
            entry["teaser"] = shorten(link.teaser, TEASER_CHARS)
        if link.url.startswith(("http://", "https://")):
            entry["url"] = link.url
        if link.slug:
            entry["slug"] = link.slug
        related.append(entry)
    if related:
        meta["related"] = related
    front = yaml.dump(meta, Dumper=_DUMPER, allow_unicode=True, sort_keys=False, width=1000)
    return f"---\n{front}---\n{story.body}\n"


def shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def write_story(content: Path, story: Prepared, photo_src: str) -> Path:
    path = content / "stories" / f"{story.slug}.md"
    atomic_write(path, story_text(story, photo_src).encode("utf-8"), durable=False)
    return path


def write_photo(content: Path, slug: str, data: bytes, suffix: str) -> str:
    """The photo as ``images/<slug>.<suffix>``; its path relative to the story file."""
    for old in (content / "images").glob(f"{slug}.*"):
        if old.suffix != f".{suffix}":
            old.unlink(missing_ok=True)
    atomic_write(content / "images" / f"{slug}.{suffix}", data, durable=False)
    return f"../images/{slug}.{suffix}"


def remove(content: Path, record: dict) -> None:
    for key in ("story", "photo"):
        if record.get(key):
            (content / record[key]).unlink(missing_ok=True)
