"""One ingest: sources read, items prepared, photos fetched, stories written, one line each.

Every item gets exactly one status line (new, updated, unchanged or skipped)
with its code; warnings about it follow on lines of their own. The same lines
go to ``CONTENT/ingest.report.json``. The exit code is the build's: 0 when the
content folder holds something usable from the sources, 1 when nothing could be
read, 2 for usage errors (the command's).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from compiler.config import EditionConfig
from compiler.diagnostics import CATALOGUE, EXIT_FAILED, EXIT_OK, Severity
from compiler.files import atomic_write
from compiler.ingest import store
from compiler.ingest.fetch import Fetcher
from compiler.ingest.item import Item, Link, Note
from compiler.ingest.photos import WORKERS, fetch_all
from compiler.ingest.prepare import Prepared, prepare, slug_for
from compiler.ingest.sources import is_url, read_source

RELATED_FROM_TAGS = 3
STATUS = {"I001": "new", "I002": "updated", "I003": "unchanged", "I004": "removed",
          "I005": "skipped"}


@dataclass(frozen=True)
class Line:
    code: str
    where: str
    detail: str = ""
    order: tuple[int, int] = (0, 0)
    """(source, item) it is about: lines are printed in the sources' order."""

    @property
    def status(self) -> str:
        severity = CATALOGUE[self.code].severity
        if self.code in STATUS:
            return STATUS[self.code]
        if self.code >= "I020" and severity is Severity.ERROR and self.code < "I030":
            return "skipped"
        return "failed" if severity is Severity.ERROR else "warning"

    def format(self) -> str:
        entry = CATALOGUE[self.code]
        text = f"{self.status:<9} {self.where}: {self.code} {entry.summary}"
        text += f": {self.detail}" if self.detail else ""
        if entry.severity is not Severity.INFO:
            text += f" ({entry.fix})"
        return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)

    def as_dict(self) -> dict:
        entry = CATALOGUE[self.code]
        return {"status": self.status, "code": self.code, "severity": entry.severity.value,
                "where": self.where, "message": f"{entry.summary}: {self.detail}"
                if self.detail else entry.summary, "fix": entry.fix}


@dataclass
class IngestResult:
    lines: list[Line] = field(default_factory=list)
    exit_code: int = EXIT_OK

    def count(self, status: str) -> int:
        return sum(1 for line in self.lines if line.status == status)

    def summary(self) -> str:
        counts = ", ".join(f"{self.count(s)} {s}" for s in
                           ("new", "updated", "unchanged", "skipped", "removed"))
        warnings = self.count("warning") + self.count("failed")
        return f"Ingested {counts}; {warnings} problem{'s' if warnings != 1 else ''}."


def ingest(sources: list[str], content: Path, config: EditionConfig, *, fmt: str = "auto",
           since: datetime | None = None, prune: bool = False,
           allow_hosts: tuple[str, ...] = (), base: Path | None = None,
           workers: int = WORKERS, timeout: float = 20.0) -> IngestResult:
    """``base``: the folder relative file sources are read from (None: the current one)."""
    (content / "stories").mkdir(parents=True, exist_ok=True)
    (content / "images").mkdir(exist_ok=True)
    named = {h.lower() for h in allow_hosts}
    named |= {urlsplit(s).hostname.lower() for s in sources if is_url(s) and urlsplit(s).hostname}
    fetcher = Fetcher(frozenset(h.lower() for h in (*config.allowed_hosts, *allow_hosts)),
                      frozenset(named), timeout)
    state = store.load_state(content)
    result = IngestResult()
    unread: set[str] = set()
    chosen: list[tuple[str, Prepared, str, tuple]] = []  # (code, story, where, order)
    seen: set[str] = set()
    for number, source in enumerate(sources, 1):
        read = read_source(source, fmt, fetcher, base)
        result.lines += [Line(n.code, _where(source, n.item), n.detail, (number, 0))
                         for n in read.notes]
        if not read.read or any(n.code in ("I013", "I017") for n in read.notes):
            unread.add(source)  # not read, or not whole: --prune leaves its stories
        for index, item in enumerate(read.items, 1):
            where = f"{source}#{index}"
            picked = _choose(item, where, state, seen, since, config, content, result,
                             (number, index))
            if picked:
                chosen.append((*picked, where, (number, index)))
    _name(chosen, state, content)
    _relate([story for _code, story, _where, _order in chosen])
    _write(chosen, state, content, fetcher, workers, result)
    if prune:
        _prune(state, {story.item.id for _c, story, _w, _o in chosen}, unread, content,
               result)
    store.save_state(content, state)
    result.lines.sort(key=lambda line: line.order)
    if not any(line.status in ("new", "updated", "unchanged") for line in result.lines):
        result.exit_code = EXIT_FAILED
    report = {"sources": sources, "lines": [line.as_dict() for line in result.lines]}
    atomic_write(content / store.REPORT_FILE,
                 json.dumps(report, indent=1, ensure_ascii=False).encode(), durable=False)
    return result


def _where(source: str, item: str) -> str:
    return f"{source} {item}" if item else source


def _choose(item: Item, where, state, seen, since, config, content, result, order):
    """The item's code and prepared story, or None (its line is already added)."""
    label = f"{where} ({item.id[:80]})"
    if item.id in seen:
        result.lines.append(Line("I021", label, "", order))
        return None
    seen.add(item.id)
    moment = item.published or item.modified
    if since is not None and moment is not None and moment < since:
        result.lines.append(Line("I005", label, f"{moment.isoformat()}", order))
        return None
    story, skipped = prepare(item, label, config)
    if story is None:
        result.lines += [Line(n.code, n.item or label, n.detail, order) for n in skipped]
        return None
    record = state.get(item.id)
    if record is None:
        code = "I001"
    elif record.get("version") == item.version and (content / record.get("story", "")).is_file():
        code = "I003"
    else:
        code = "I002"
    return code, story


def _name(chosen, state, content: Path) -> None:
    """Slugs: kept from earlier runs, new ones unique among every story in the folder."""
    taken = {record["slug"] for record in state.values()}
    taken |= {path.stem for path in (content / "stories").glob("*.md")}
    for _code, story, _where, _order in chosen:
        record = state.get(story.item.id)
        if record:
            story.slug = record["slug"]
    for _code, story, _where, _order in chosen:
        if not story.slug:
            story.slug = slug_for(story.item, taken)
            taken.add(story.slug)


def _relate(stories: list[Prepared]) -> None:
    """Related headlines from the source where it gave them; else the stories of this
    ingest that share the most tags or categories (an in-edition link by slug)."""
    by_url = {s.item.url: s for s in stories if s.item.url}
    keys = {id(s): {t.casefold() for t in (*s.item.categories, *s.item.tags)} for s in stories}
    for story in stories:
        if story.related:
            story.related = [replace(link, slug=by_url[link.url].slug)
                             if link.url in by_url and by_url[link.url] is not story else link
                             for link in story.related]
            continue
        mine = keys[id(story)] - {story.section.casefold()}
        scored = sorted(((len(mine & keys[id(other)]), other) for other in stories
                         if other is not story and mine & keys[id(other)]),
                        key=lambda pair: (-pair[0], pair[1].slug))
        story.related = [Link(o.item.title, o.item.url if o.item.url.startswith("http") else "",
                              o.item.summary, o.slug) for _n, o in scored[:RELATED_FROM_TAGS]]


def _write(chosen, state, content, fetcher, workers, result) -> None:
    wanted = [story.picture.url for code, story, _w, _o in chosen
              if code != "I003" and story.picture is not None
              and not _photo_kept(state.get(story.item.id), story, content)]
    fetched = fetch_all(wanted, fetcher, workers)
    for code, story, where, order in chosen:
        item = story.item
        record = state.get(item.id, {})
        label = f"{where} ({item.id[:80]})"
        if code == "I003":
            result.lines.append(Line(code, label, f"stories/{record['slug']}.md", order))
            continue
        photo = ""
        if story.picture is not None:
            if _photo_kept(record, story, content):
                photo = "../" + record["photo"]
            else:
                got = fetched[story.picture.url]
                if got.problem:
                    story.notes.append(Note("I030", f"{story.picture.url[:200]}: {got.problem}",
                                            label))
                else:
                    photo = store.write_photo(content, story.slug, got.data, got.suffix)
        path = store.write_story(content, story, photo)
        result.lines.append(Line(code, label, f"stories/{path.name} “{item.title[:80]}”", order))
        result.lines += [Line(n.code, n.item or label, n.detail, order) for n in story.notes]
        state[item.id] = {"slug": story.slug, "version": item.version,
                          "story": f"stories/{path.name}", "photo": photo.removeprefix("../"),
                          "photo_url": story.picture.url if photo else "",
                          "source": where.rsplit("#", 1)[0]}


def _photo_kept(record, story: Prepared, content: Path) -> bool:
    return bool(record and record.get("photo") and story.picture is not None
                and record.get("photo_url") == story.picture.url
                and (content / record["photo"]).is_file())


def _prune(state, kept: set[str], unread: set[str], content: Path, result) -> None:
    """Stories ingest wrote whose items this run's sources no longer list (or whose
    source is no longer given); a source that could not be read keeps its stories: a
    failed fetch must not empty the paper."""
    for item_id, record in sorted(state.items()):
        if item_id in kept or record.get("source") in unread:
            continue
        store.remove(content, record)
        del state[item_id]
        result.lines.append(Line("I004", f"{record.get('source')} ({item_id[:80]})",
                                 record.get("story", ""), (10**9, 0)))
