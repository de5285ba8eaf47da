"""One story under a filler on an A5 page, for the tests of photo fitting (pdf/fit.py,
hooks.wrap_story_layout): the markup print.css gives a story (a headline kept with a
two-column body that opens with its photo), without the edition around it."""

from __future__ import annotations

SHEET = ("@page { size: A5; margin: 10mm } body { margin: 0 }"
         " .body { columns: 2; column-gap: 0; orphans: 3; widows: 3 }"
         " h2 { margin: 0; break-after: avoid; font-size: 20px }"
         " figure { margin: 0; break-inside: avoid }"
         " img { display: block; width: auto; height: auto; max-width: 100%;"
         " max-height: 70mm; margin: 0 auto }")
"""A5, 128 mm wide: each column 64 mm, so a 3:2 picture is 42.7 mm tall in it."""


def story_under(filler_mm: float, picture: str, paragraphs: int = 5,
                see_also: bool = False):
    """A WeasyPrint document: a filler ``filler_mm`` tall, then story ``story-a`` whose
    photo (``picture``, a URL) leads its columns, ``paragraphs`` paragraphs of news, and a
    "See also" line when asked."""
    from weasyprint import CSS, HTML

    html = (f'<div style="height: {filler_mm}mm"></div><article id="story-a" class="story">'
            '<h2>Headline</h2><div class="body"><figure class="photo">'
            f'<img src="{picture}"></figure>'
            + "".join(f"<p>{'Words of news today. ' * 30}</p>" for _ in range(paragraphs))
            + ('<aside class="see-also">See also</aside>' if see_also else "")
            + "</div></article>")
    return HTML(string=html).render(stylesheets=[CSS(string=SHEET)])
