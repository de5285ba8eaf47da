"""The stories at fault when a part fails: each typeset alone, to name them.

A part that fails, hangs or exhausts memory takes down its whole run; the printer
cannot tell which story did it. Each of its stories is laid out alone here, on the
same pool and with the part's limits, and those that fail are reported (printer.py
hands them to ``build``, which leaves them out and prints again).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from compiler.diagnostics import Diagnostic, diag
from compiler.model import Edition, Section, Story
from compiler.pdf.jobs import PROBE, Task
from compiler.pdf.join import link_titles
from compiler.pdf.parts import Part, bookmarks, part_job, plan_parts
from compiler.pdf.photos import PrintPhotos
from compiler.pdf.slots import placeholder
from compiler.pdf.typeset import TypesetPart


def _alone(edition: Edition, story: Story) -> tuple[Edition, Part]:
    lonely = replace(story, related=tuple(r for r in story.related if r.target is None))
    single = replace(edition, sections=(Section(story.section, (lonely,)),), more_stories=(),
                     lead=lonely)
    return single, next(p for p in plan_parts(single) if p.kind == "section")


def blame(edition: Edition, part_keys: set[str], parts: list[Part], pool, work_dir: Path,
          image_cache) -> dict[str, Diagnostic]:
    """Typeset each story of the failed parts alone, on the pool (in parallel, each
    with the part's limits), to find the ones at fault."""
    config = edition.config
    photos = PrintPhotos(work_dir, image_cache)
    tasks, stories = [], {}
    for part in parts:
        if part.key not in part_keys:
            continue
        for slug in part.stories:
            story = stories[slug] = edition.story_by_slug(slug)
            single, section_part = _alone(edition, story)
            job = part_job(single, section_part, photos.url, None, placeholder(1), 1, work_dir,
                       link_titles(bookmarks(single)))
            tasks.append(Task(slug, PROBE, (job, None, 1), config.render_timeout))
    culprits: dict[str, Diagnostic] = {}

    def then(task: Task, typeset: TypesetPart) -> list[Task]:
        if errors := [d for d in typeset.problems if d.code == "R001"]:
            culprits[task.key] = diag("R001", f"WeasyPrint: {errors[0].message}",
                                      stories[task.key].source)
        return []

    try:
        outcome = pool.process(tasks, then)
    finally:
        pool.stop_workers()
    for slug, failure in outcome.failures.items():
        code = "R002" if failure.over_limit else "R001"
        culprits[slug] = diag(code, failure.reason, stories[slug].source)
    return culprits
