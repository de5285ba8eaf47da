"""The pipeline: load -> model -> render -> write -> publish, each stage once.

``build`` never prints; it returns a BuildResult the CLI reports from, and a
JSON report written beside the outputs tells the night editor what happened.
"""

from __future__ import annotations

import json
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from compiler import __version__
from compiler.config import EditionConfig
from compiler.content.assemble import assemble, without_stories
from compiler.content.markdown import declares_language, read_story
from compiler.content.photos import decoded_before
from compiler.diagnostics import EXIT_FAILED, EXIT_OK, Diagnostic, Severity, diag
from compiler.epub.devices import BOOKS, finish_book, pack_books
from compiler.epub.kindle import preflight
from compiler.files import atomic_write, remove_temporaries
from compiler.memory import give_back
from compiler.pdf.jobs import SerialPool
from compiler.pdf.photos import photo_cache
from compiler.pdf.printer import print_pdf
from compiler.pdf.workers import pool_for
from compiler.progress import Progress, stage_count


@dataclass
class BuildResult:
    config: EditionConfig
    content_root: Path
    diagnostics: list[Diagnostic] = field(default_factory=list)
    left_out: list[Path] = field(default_factory=list)
    included: list[str] = field(default_factory=list)
    outputs: dict[str, Path] = field(default_factory=dict)
    pages: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    exit_code: int = EXIT_FAILED
    report_path: Path | None = None
    parts_typeset: int = 0
    send_to_kindle: dict = field(default_factory=dict)
    """The Send-to-Kindle preflight of the EPUB (compiler/epub/kindle.py)."""
    holes: list = field(default_factory=list)
    """Pages under 85 % full that are not the last of their section (pdf/fill.py)."""
    full_pages: int = 0
    """Pages that may not end short: what the holes are a share of."""
    lead: str = ""
    headlines: list[dict] = field(default_factory=list)
    """What subscribers' shelves show: section, headline and language, in edition order."""
    sections: list[str] = field(default_factory=list)
    """The edition's sections that have stories, in edition order, by the names readers
    see (``section_names``: Khmer in a Khmer edition); the shelf lists them."""

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]

    @property
    def problems(self) -> list[Diagnostic]:
        """Errors and warnings: what ``--strict`` refuses (notes, like D002, are facts)."""
        return [d for d in self.diagnostics if d.severity is not Severity.INFO]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.WARNING]

    def report(self) -> dict:
        root = self.content_root
        reasons: dict[str, list[dict]] = {}
        for d in self.diagnostics:
            if d.path is not None and d.path in self.left_out and d.is_error:
                reasons.setdefault(str(d.path.relative_to(root)), []).append(d.as_dict(root))
        return {
            "compiler": f"edition-compiler {__version__}",
            "edition": self.config.name,
            "content": str(root),
            "exit_code": self.exit_code,
            "included": self.included,
            "lead": self.lead,
            "headlines": self.headlines,
            "sections": self.sections,
            "left_out": [{"file": f, "problems": p} for f, p in reasons.items()],
            "diagnostics": [d.as_dict(root) for d in self.diagnostics],
            "outputs": {kind: {"file": path.name, "bytes": path.stat().st_size}
                        for kind, path in self.outputs.items()},
            "pages": self.pages,
            "pdf_parts_laid_out": self.parts_typeset,
            "pages_that_must_be_full": self.full_pages,
            "pages_under_85_percent": [hole.as_dict() for hole in self.holes],
            "send_to_kindle": self.send_to_kindle,
            "timings_seconds": {k: round(v, 3) for k, v in self.timings.items()},
        }


def build(content_root: Path, config: EditionConfig, out_dir: Path, day: date | None = None,
          strict: bool = False, write: bool = True, progress: Progress | None = None,
          cache_dir: Path | None = None, workers: int | None = None, pool=None,
          reading: Reading | None = None) -> BuildResult:
    """``pool``: layout workers the caller started and owns (the CLI starts them before
    it imports this module); else ``workers`` processes are started and stopped here
    (0: everything in this process, for a debugger or profiler). ``reading``: stories
    already read for another edition of the same day (several editions in one night)."""
    if pool is not None:
        return _build(content_root, config, out_dir, day, strict, write, progress,
                      cache_dir, pool, reading)
    with pool_for(config, workers) if write else SerialPool() as own:
        return _build(content_root, config, out_dir, day, strict, write, progress,
                      cache_dir, own, reading)


def _build(content_root, config, out_dir, day, strict, write, progress, cache_dir, pool,
           reading=None) -> BuildResult:
    content_root = content_root.resolve()
    result = BuildResult(config, content_root)
    progress = progress or Progress(stage_count(config.outputs), quiet=True)
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        result.timings[name] = now - clock
        clock = now

    progress.stage("Reading stories")
    assembly = assemble(content_root, config, day, decoded_before(cache_dir),
                        reading.read if reading else read_story)
    result.diagnostics += assembly.diagnostics
    result.left_out += assembly.left_out
    lap("load")
    edition = assembly.edition
    if edition is None:
        return result
    result.included = [str(s.source.relative_to(content_root)) for s in edition.stories]
    if strict and result.problems:
        return result
    if not write:
        result.exit_code = EXIT_OK
        return result

    outputs: dict[str, bytes] = {}
    # The EPUB is packed in a thread while the PDF's parts are typeset in the workers.
    with tempfile.TemporaryDirectory(prefix="edition-") as work, \
            ThreadPoolExecutor(max_workers=1) as side:
        photos = photo_cache(cache_dir, Path(work))
        fonts = cache_dir / "fonts" if cache_dir else None
        books_wanted = {"epub", "kepub"} & set(config.outputs)
        epub_job = (side.submit(_packed_books, edition, photos, fonts, config.outputs)
                    if books_wanted else None)
        anchor_pages = None
        if "pdf" in config.outputs:
            progress.stage("Laying out the PDF digest")
            while True:
                printed = print_pdf(edition, Path(work), pool, cache_dir)
                result.diagnostics += printed.problems
                result.parts_typeset += printed.typeset
                if not printed.left_out:
                    break
                # The PDF stage says which stories it cannot print; the edition is
                # changed here, once, and both outputs are made from what is left.
                result.diagnostics += printed.left_out.values()
                result.left_out += [d.path for d in printed.left_out.values()]
                edition = without_stories(edition, set(printed.left_out))
                if edition is None:
                    return result
                result.included = [str(s.source.relative_to(content_root))
                                   for s in edition.stories]
                if epub_job is not None:
                    epub_job.cancel()
                    epub_job = side.submit(_packed_books, edition, photos, fonts,
                                           config.outputs)
            if printed.pdf is None:
                return result
            result.pages = printed.pages
            result.holes, result.full_pages = printed.holes, printed.full_pages
            anchor_pages = printed.anchor_pages
            outputs["pdf"] = printed.pdf
            lap("pdf")
        if epub_job is not None:
            # The books were packed meanwhile; the print pages go into their page-lists.
            try:
                packed = epub_job.result()
                for kind in sorted(books_wanted):
                    progress.stage(BOOKS[kind])
                    outputs[kind] = finish_book(packed[kind], edition, anchor_pages,
                                                result.pages)
            except Exception as exc:
                result.diagnostics.append(diag("R004", f"EPUB: {type(exc).__name__}: {exc}"))
                return result
            if "epub" in books_wanted:
                kindle = preflight(outputs["epub"])
                result.send_to_kindle = kindle.as_dict()
                result.diagnostics += kindle.diagnostics()
            lap("epub")

    if strict and result.problems:
        return result
    result.lead = edition.lead.headline
    result.sections = [s.title for s in edition.sections]  # as readers see them
    result.headlines = [{"section": s.section, "headline": s.headline, "language": s.language}
                        for s in edition.stories]
    progress.stage("Writing the files")
    out_dir.mkdir(parents=True, exist_ok=True)
    remove_temporaries(out_dir)
    for kind, data in outputs.items():
        path = out_dir / edition.output_name(kind)
        atomic_write(path, data)
        result.outputs[kind] = path
    lap("publish")
    result.exit_code = EXIT_OK
    write_report(result, out_dir / edition.output_name("report"))
    progress.stage("Done")
    return result


def _packed_books(edition, photos: Path, fonts: Path | None, outputs):
    books = pack_books(edition, photos, fonts, kobo="kepub" in outputs)
    give_back()  # while the PDF's parts are still being laid out
    return books


def write_report(result: BuildResult, path: Path) -> None:
    result.report_path = path
    atomic_write(path, json.dumps(result.report(), indent=2, ensure_ascii=False).encode() + b"\n")


class Reading:
    """Each story file read once for several editions of one day (``edition nightly``
    with several ``--edition``): parsing, sanitising and the photo checks are done by
    the first edition, and another takes the same frozen Story and diagnostics when it
    reads stories the same way. Which stories an edition takes (its ``languages``) is
    decided after reading, in ``assemble``, so the Khmer edition reuses what the daily
    read. What reading depends on is the key: the file as it is, the sections, the text
    limits, and the edition's language only for a story that declares none."""

    def __init__(self) -> None:
        self._stories: dict[tuple, tuple] = {}
        self._lock = threading.Lock()
        self.reused = 0

    def read(self, path: Path, content_root: Path, config: EditionConfig,
             decoded: frozenset[str] = frozenset()):
        key = self._key(path, config)
        if key is not None:
            with self._lock:
                if key in self._stories:
                    self.reused += 1
                    story, problems = self._stories[key]
                    return story, list(problems)
        story, problems = read_story(path, content_root, config, decoded)
        if key is not None:
            with self._lock:
                self._stories[key] = (story, list(problems))
        return story, problems

    @staticmethod
    def _key(path: Path, config: EditionConfig) -> tuple | None:
        try:
            raw = path.read_bytes()
        except OSError:
            return None  # read_story says why, each time
        return (path, raw, config.sections,
                config.max_headline_chars, config.max_standfirst_chars,
                config.max_caption_chars, config.max_teaser_chars,
                None if declares_language(raw) else config.language)
