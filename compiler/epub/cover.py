"""The EPUB cover picture: masthead, date and the lead story, drawn with Pillow.

Readers show the cover in their library grid, so it must say which paper and
which day at thumbnail size. Drawn with the bundled faces only.
"""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont, ImageOps, features

from compiler.content.photos import SCREEN, rendition
from compiler.model import Edition
from compiler.text import khmer
from compiler.text.dates import long_date
from compiler.text.fonts import DISPLAY_KHMER, face_path
from compiler.text.numerals import primary

WIDTH, HEIGHT = 1600, 2400
MARGIN = 110
INK = (17, 17, 17)
ACCENT = (138, 28, 28)


def _font(family: str, weight: int, size: int) -> ImageFont.FreeTypeFont:
    engine = ImageFont.Layout.RAQM if features.check("raqm") else ImageFont.Layout.BASIC
    return ImageFont.truetype(str(face_path(family, weight)), size, layout_engine=engine)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int, max_lines: int,
          ellipsis: str = "…") -> list[str]:
    """``ellipsis``: "..." for a face without "…" (Moul), which Pillow would draw as a box."""
    tokens = khmer.segment(text) if khmer.has_khmer(text) else [w + " " for w in text.split()]
    lines, current = [], ""
    for token in tokens:
        trial = current + token
        if current and draw.textlength(trial.strip(), font=font) > width:
            lines.append(current.strip())
            current = token.lstrip()
        else:
            current = trial
    if current.strip():
        lines.append(current.strip())
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1].rstrip(" ,.;:") + ellipsis
    return lines


def _fit(draw, text, family, weight, size, width):
    font = _font(family, weight, size)
    while draw.textlength(text, font=font) > width and size > 40:
        size -= 4
        font = _font(family, weight, size)
    return font


def cover_jpeg(edition: Edition, cache_dir=None) -> bytes:
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    inner = WIDTH - 2 * MARGIN
    config = edition.config

    # A Khmer title in Moul, as Khmer papers set their mastheads (one weight).
    khmer_title = khmer.has_khmer(config.title)
    title_face = (DISPLAY_KHMER, 400) if khmer_title else ("Edition Serif", 700)
    masthead = _fit(draw, config.title, *title_face, 170, inner)
    draw.text((WIDTH // 2, 150), config.title, font=masthead, fill=INK, anchor="mt")
    # Moul's subscripts hang 1.81 of its size below the top: the rule goes under them.
    y = 150 + int(masthead.size * (1.85 if khmer_title else 1)) + 50
    draw.line((MARGIN, y, WIDTH - MARGIN, y), fill=INK, width=4)
    date_line = long_date(edition.date, config.language).upper()
    date_font = _font("Edition Sans Khmer" if khmer.has_khmer(date_line) else "Edition Sans",
                      700, 58)
    draw.text((WIDTH // 2, y + 35), date_line, font=date_font,
              fill=INK, anchor="mt")
    y += 35 + 58 + 35
    draw.line((MARGIN, y, WIDTH - MARGIN, y), fill=INK, width=4)
    draw.line((MARGIN, y + 12, WIDTH - MARGIN, y + 12), fill=INK, width=4)
    y += 70

    lead = edition.lead
    if lead.photo:
        photo = Image.open(io.BytesIO(rendition(lead.photo, SCREEN, cache_dir)))
        photo = ImageOps.fit(photo.convert("RGB"), (inner, 900), Image.Resampling.LANCZOS)
        image.paste(photo, (MARGIN, y))
        y += 900 + 60

    is_khmer = lead.language.startswith("km")
    display = is_khmer and primary(config.language) == "km"  # Moul, as in the PDF
    family, weight, size, step = ((DISPLAY_KHMER, 400, 88, 1.85) if display else
                                  ("Edition Sans Khmer", 700, 104, 1.5) if is_khmer else
                                  ("Edition Sans", 700, 104, 1.15))
    headline_font = _font(family, weight, size)
    lines = (_wrap(draw, lead.headline, headline_font, inner, 3, "...") if display
             else _wrap(draw, lead.headline, headline_font, inner, 4))
    for line in lines:
        draw.text((MARGIN, y), line, font=headline_font, fill=INK)
        y += int(headline_font.size * step)

    titles = [section.title.upper() for section in edition.sections]
    khmer_footer = any(khmer.has_khmer(title) for title in titles)
    footer = ("    " if khmer_footer else "  ·  ").join(titles)  # the Khmer face has no ·
    footer_family = "Edition Sans Khmer" if khmer_footer else "Edition Sans"
    footer_font = _fit(draw, footer, footer_family, 700, 48, inner)
    draw.line((MARGIN, HEIGHT - 200, WIDTH - MARGIN, HEIGHT - 200), fill=INK, width=3)
    draw.text((WIDTH // 2, HEIGHT - 150), footer, font=footer_font, fill=ACCENT, anchor="mt")

    out = io.BytesIO()
    image.save(out, "JPEG", quality=82, optimize=True)
    return out.getvalue()
