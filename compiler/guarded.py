"""The PDF render, guarded: limits per render, and blame for the story at fault.

The whole edition is laid out once in a limited child process. Only when that
fails (hang, memory, crash or a WeasyPrint ERROR) is each story laid out alone
to find the culprits; they are left out and the edition is laid out again.
The normal night costs one render.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

from .assemble import without_stories
from .diagnostics import Diagnostic, diag
from .isolate import Outcome, run_limited
from .model import Edition, Section, Story
from .pdf import render_pdf


def _alone(edition: Edition, story: Story) -> Edition:
    lonely = replace(story, related=tuple(r for r in story.related if r.target is None))
    return replace(edition, sections=(Section(story.section, (lonely,)),), more_stories=(),
                   lead=lonely)


def _render(edition: Edition, work_dir: Path, cache_dir: Path | None, stories: int) -> Outcome:
    config = edition.config
    timeout = config.render_timeout * (1 + stories / 4)
    return run_limited(render_pdf, (edition, work_dir, cache_dir), timeout,
                       config.render_memory_mb)


def _blame(edition: Edition, work_dir: Path, cache_dir: Path | None) -> dict[str, Diagnostic]:
    """Lay out each story alone; return the failing ones with the reason."""
    def probe(story: Story) -> tuple[Story, Outcome]:
        return story, _render(_alone(edition, story), work_dir, cache_dir, 0)

    culprits: dict[str, Diagnostic] = {}
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        for story, outcome in pool.map(probe, edition.stories):
            if not outcome.ok:
                code = "R002" if outcome.timed_out or "memory" in outcome.error else "R001"
                culprits[story.slug] = diag(code, outcome.error, story.source)
            else:
                errors = [d for d in outcome.value[2] if d.code == "R001"]
                if errors:
                    culprits[story.slug] = diag("R001", f"WeasyPrint: {errors[0].message}",
                                                story.source)
    return culprits


def render_pdf_guarded(edition: Edition, work_dir: Path, cache_dir: Path | None = None
                       ) -> tuple[Edition | None, bytes | None, int, list[Diagnostic]]:
    """Return the edition actually rendered (maybe smaller), the PDF, pages, diagnostics."""
    outcome = _render(edition, work_dir, cache_dir, len(edition.stories))
    if outcome.ok and not any(d.code == "R001" for d in outcome.value[2]):
        data, pages, problems = outcome.value
        return edition, data, pages, problems

    culprits = _blame(edition, work_dir, cache_dir)
    if not culprits:
        reason = outcome.error if not outcome.ok else outcome.value[2][0].message
        return None, None, 0, [diag("R004", f"PDF: {reason}")]
    smaller = without_stories(edition, set(culprits))
    if smaller is None:
        return None, None, 0, list(culprits.values())
    retry = _render(smaller, work_dir, cache_dir, len(smaller.stories))
    if not retry.ok:
        return None, None, 0, [*culprits.values(), diag("R004", f"PDF: {retry.error}")]
    data, pages, problems = retry.value
    return smaller, data, pages, [*culprits.values(), *problems]
