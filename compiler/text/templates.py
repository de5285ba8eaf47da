"""The Jinja2 environment and the one function that builds the template context.

Both outputs share the context so the PDF and the EPUB never disagree on what
the edition holds; they differ only in templates and in how a photo or a font
is addressed (``Links``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context, select_autoescape
from markupsafe import Markup

from compiler import __version__
from compiler.content.figures import with_photos
from compiler.content.sanitize import headings_under
from compiler.model import Edition, Photo, Story, iso_timestamp
from compiler.resources import LAYOUTS_DIR
from compiler.text import khmer
from compiler.text.dates import long_date
from compiler.text.labels import labels, read_in
from compiler.text.numerals import digits


@dataclass(frozen=True)
class Links:
    """How one output addresses photos and other stories."""

    photo: Callable[[Photo], str]
    story: Callable[[Story], str]


def _breakable(value) -> Markup:
    """Khmer word-break opportunities for print (the EPUB packer adds its own to the
    pages' body text only, compiler/epub/package.py)."""
    text = value if isinstance(value, Markup) else Markup.escape(value)
    return Markup(khmer.break_html(str(text)))


@cache
def environment(kind: str) -> Environment:
    """One per kind and process, so each template is compiled once per build (twenty
    parts each compiling the print templates cost most of a correction's setup)."""
    env = Environment(
        loader=FileSystemLoader(str(LAYOUTS_DIR / kind)),
        autoescape=select_autoescape(["html", "xhtml", "j2"], default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["long_date"] = _long_date
    env.filters["digits"] = _digits
    env.filters["breakable"] = _breakable
    env.filters["safe_body"] = _safe_body
    return env


@pass_context
def _long_date(ctx, day) -> str:
    return long_date(day, ctx["config"].language)


@pass_context
def _digits(ctx, value) -> str:
    """A number a reader sees, in the edition's digits (៣ in a Khmer edition)."""
    return digits(value, ctx["config"].language)


@pass_context
def _safe_body(ctx, story, headline: int) -> Markup:
    """The sanitised body, its headings under this layout's story headline (level
    ``headline``) and its photos at this output's addresses (``photo_url``)."""
    body = headings_under(story.body_html, headline)
    return Markup(with_photos(body, story.figures, ctx["photo_url"]))


def context(edition: Edition, links: Links) -> dict:
    config = edition.config
    return {
        "edition": edition,
        "config": config,
        "sections": edition.sections,
        "lead": edition.lead,
        "more_stories": edition.more_stories,
        "related_in_edition": edition.related_in_edition,
        "date_long": long_date(edition.date, config.language),
        "timestamp": iso_timestamp(edition.timestamp),
        "generator": f"edition-compiler {__version__}",
        "story_by_slug": edition.story_by_slug,
        "photo_url": links.photo,
        "story_url": links.story,
        "top_stories": edition.cover_index(),
        "L": labels(config.language),
        "read_in": read_in,
    }
