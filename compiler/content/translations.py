"""Each story's translation (front-matter ``translation: SLUG``), found and checked.

A translation is looked for among every story of the content folder, not only
the edition's: a Khmer edition's story still names its English original, and
prints that story's web address when the original is in another edition. The
two steps match the two moments: ``resolve_translations`` when the content
folder is read (the counterpart's language and address, S018/S019), and
``translations_in_edition`` each time an edition is made of some of those
stories (whether the counterpart is in it, to print its page).
"""

from __future__ import annotations

from dataclasses import replace

from compiler.diagnostics import Diagnostic, diag
from compiler.model import Story


def resolve_translations(stories: list[Story], everything: list[Story]
                         ) -> tuple[list[Story], list[Diagnostic]]:
    """``stories``: the edition's; ``everything``: every story the content folder has.
    A translation that names no story is dropped with S018; one whose counterpart does
    not name it back is kept, with S019."""
    by_slug = {story.slug: story for story in everything}
    resolved, problems = [], []
    for story in stories:
        wanted = story.translation
        if wanted is None:
            resolved.append(story)
            continue
        other = by_slug.get(wanted.slug)
        if other is None or other is story:
            why = "the story itself" if other is story else "no story has that slug"
            problems.append(diag("S018", f"{wanted.slug!r} ({why})", story.source, wanted.line))
            resolved.append(replace(story, translation=None))
            continue
        back = other.translation.slug if other.translation else None
        if back != story.slug:
            named = f"names {back!r}" if back else "names no translation"
            problems.append(diag("S019", f"{story.slug!r} names {other.slug!r}, but "
                                 f"{other.slug!r} ({other.source.name}) {named}",
                                 story.source, wanted.line))
        resolved.append(replace(story, translation=replace(
            wanted, language=other.language, url=other.url)))
    return resolved, problems


def translations_in_edition(stories: list[Story]) -> list[Story]:
    """Point each translation at its counterpart when that is one of ``stories``."""
    slugs = {story.slug for story in stories}
    return [replace(story, translation=replace(
                story.translation,
                target=story.translation.slug if story.translation.slug in slugs else None))
            if story.translation else story for story in stories]
