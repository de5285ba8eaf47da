"""Generated news days for layout tests: not tuned to the sample edition.

A seeded day of ``stories`` stories over the daily edition's five sections, with news
prose of 250-700 words, subheads, a quotation, half the stories with a photo (landscape
or, one in four, portrait), and related entries pointing at other stories of the day or
at the web. Photos are small plain JPEGs with shapes: the layout only needs their
proportions, and they are made in milliseconds.
"""

from __future__ import annotations

import random
from pathlib import Path

from PIL import Image, ImageDraw

from support import Content, story_text

SECTIONS = ("National", "Business", "World", "Opinion", "Sport")
WEIGHTS = (30, 22, 22, 10, 16)
WORDS = ("the ministry said on Tuesday that provincial officials would review the plan "
         "before the rainy season while farmers in the district asked for more support "
         "and traders in the capital reported higher prices for rice fuel and fertiliser "
         "a spokesman told reporters the budget had been approved by the national assembly "
         "last month and that work on the new road would begin in the first quarter of "
         "next year according to a report published by the development bank").split()


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(12, 28))]
    return " ".join(words).capitalize() + "."


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(2, 4)))


def _body(rng: random.Random, words: int) -> str:
    parts, count = [], 0
    while count < words:
        if parts and rng.random() < 0.12:
            parts.append("### " + _sentence(rng)[:40].rstrip(" .").capitalize())
        elif parts and rng.random() < 0.08:
            parts.append("> “" + _sentence(rng) + "”\n>\n> — A spokesman for the ministry")
        paragraph = _paragraph(rng)
        parts.append(paragraph)
        count += len(paragraph.split())
    return "\n\n".join(parts) + "\n"


def _photo(content: Content, name: str, rng: random.Random, portrait: bool) -> str:
    size = (1000, 1500) if portrait else (1500, 1000)
    path = content.photo(name, size=size, color=tuple(rng.randrange(40, 200) for _ in "rgb"))
    with Image.open(path) as image:
        draw = ImageDraw.Draw(image)
        for _ in range(6):
            x, y = rng.randrange(size[0]), rng.randrange(size[1])
            draw.ellipse((x, y, x + 200, y + 200), fill=tuple(rng.randrange(256) for _ in "rgb"))
        image.save(path, "JPEG", quality=80)
    return name


def generated_day(root: Path, stories: int, seed: int = 2026, **overrides) -> Content:
    """A content folder with ``stories`` stories; ``overrides``: slug -> front-matter keys
    to set on that story (``story-001``...)."""
    rng = random.Random(seed)
    content = Content(root)
    slugs = [f"story-{i:03d}" for i in range(1, stories + 1)]
    for slug in slugs:
        section = rng.choices(SECTIONS, WEIGHTS)[0]
        front = {"standfirst": _sentence(rng), "byline": "Staff reporter",
                 "priority": rng.randint(1, 100), "slug": slug}
        if rng.random() < 0.5:
            name = _photo(content, f"{slug}.jpg", rng, portrait=rng.random() < 0.25)
            front["image"] = {"src": f"../images/{name}", "caption": _sentence(rng),
                              "credit": "Staff photographer", "alt": "A photo for the story"}
        related = []
        for _ in range(rng.randint(1, 3)):
            if rng.random() < 0.5:
                target = rng.choice(slugs)
                if target != slug:
                    related.append({"headline": f"Headline of {target}", "slug": target})
            else:
                k = rng.randint(1, 40)
                related.append({"headline": f"Web story {k}", "teaser": _sentence(rng),
                                "url": f"https://www.example.com/news/{k}"})
        front["related"] = related
        front.update(overrides.get(slug, {}))
        headline = front.pop("headline", _sentence(rng)[:rng.randint(40, 90)].rstrip(" ."))
        section = front.pop("section", section)
        body = _body(rng, rng.randint(250, 700))
        content.story(slug, story_text(headline=headline, section=section, body=body, **front))
    return content
