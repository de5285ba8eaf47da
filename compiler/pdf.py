"""Edition -> print PDF with WeasyPrint.

WeasyPrint logs failures rather than raising them, so a handler on its logger
turns every ERROR into a diagnostic; nothing it says passes silently.
"""

from __future__ import annotations

import hashlib
import logging
from contextlib import contextmanager
from pathlib import Path

from .fonts import font_face_css, isolate_fontconfig

isolate_fontconfig()  # must run before WeasyPrint loads Pango and fontconfig

from weasyprint import CSS, HTML  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402

from .diagnostics import Diagnostic, diag  # noqa: E402
from .fetch import EditionFetcher  # noqa: E402
from .pdf_lang import install as install_element_languages  # noqa: E402
from .images import PRINT_LONG_SIDE, rendition  # noqa: E402
from .model import Edition, Photo  # noqa: E402
from .render import Links, context, environment  # noqa: E402
from .resources import FONTS_DIR, LAYOUTS_DIR  # noqa: E402

install_element_languages()

PRINT_JPEG_QUALITY = 84
PHOTO_SCHEME = "edition-photo"
PHOTO_FOLDER = "print-photos"


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def watched_weasyprint():
    """Collect WeasyPrint's warnings and errors for the duration of one render."""
    collector = _Collector()
    loggers = [logging.getLogger("weasyprint"), logging.getLogger("weasyprint.progress")]
    saved = [(lg, lg.propagate, lg.level) for lg in loggers]
    for lg in loggers:
        lg.addHandler(collector)
        lg.propagate = False
    loggers[0].setLevel(logging.WARNING)
    try:
        yield collector
    finally:
        for lg, propagate, level in saved:
            lg.removeHandler(collector)
            lg.propagate = propagate
            lg.setLevel(level)


def print_html(edition: Edition, work_dir: Path, cache_dir: Path | None = None) -> str:
    """The digest as one HTML document; photos become print renditions in work_dir.

    Photos are addressed as ``edition-photo:NAME`` rather than by their temporary
    path: WeasyPrint names images after their URL, so a path that changes from
    run to run would change the PDF's bytes.
    """
    photo_dir = work_dir / PHOTO_FOLDER
    photo_dir.mkdir(parents=True, exist_ok=True)

    def photo_url(photo: Photo) -> str:
        data = rendition(photo, PRINT_LONG_SIDE, PRINT_JPEG_QUALITY, cache_dir)
        name = f"{hashlib.sha256(data).hexdigest()[:20]}.jpg"
        if not (photo_dir / name).exists():
            (photo_dir / name).write_bytes(data)
        return f"{PHOTO_SCHEME}:{name}"

    links = Links(photo=photo_url, story=lambda story: f"#{story.anchor}")
    return environment("print").get_template("edition.html.j2").render(context(edition, links))


def stylesheets(edition: Edition, fetcher: EditionFetcher, fonts: FontConfiguration
                ) -> list[CSS]:
    page = f"@page {{ size: {edition.config.page_size}; }}"
    return [
        CSS(string=font_face_css(lambda face: face.path.as_uri()), url_fetcher=fetcher,
            base_url=FONTS_DIR.as_uri() + "/", font_config=fonts),
        CSS(filename=str(LAYOUTS_DIR / "print" / "print.css"), url_fetcher=fetcher,
            font_config=fonts),
        CSS(string=page, url_fetcher=fetcher, font_config=fonts),
    ]


def render_pdf(edition: Edition, work_dir: Path, cache_dir: Path | None = None
               ) -> tuple[bytes, int, list[Diagnostic]]:
    """Return the PDF bytes, its page count and what WeasyPrint complained about."""
    fetcher = EditionFetcher([edition.content_root, LAYOUTS_DIR, FONTS_DIR],
                             edition.config.allowed_hosts,
                             named={PHOTO_SCHEME: work_dir / PHOTO_FOLDER})
    source = print_html(edition, work_dir, cache_dir)
    fonts = FontConfiguration()
    with watched_weasyprint() as collector:
        document = HTML(string=source, base_url=edition.content_root.as_uri() + "/",
                        url_fetcher=fetcher).render(
            stylesheets=stylesheets(edition, fetcher, fonts), font_config=fonts)
        identifier = hashlib.sha256(edition.identifier.encode()).hexdigest()[:32].encode()
        data = document.write_pdf(
            pdf_identifier=identifier,
            pdf_variant="pdf/ua-1",
            custom_metadata=True,
            attachments=[],
        )
    problems = [diag("R003", refused) for refused in fetcher.refused]
    for record in collector.records:
        message = record.getMessage().splitlines()[0][:300]
        if record.levelno >= logging.ERROR:
            problems.append(diag("R001", message))
    return data, len(document.pages), problems
