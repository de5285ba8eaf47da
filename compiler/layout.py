"""Laying out one part with WeasyPrint, in a worker process.

Everything a worker needs travels in a LayoutJob, and only plain data comes
back, so jobs can run in any process and be cached by their content.
WeasyPrint logs failures rather than raising them: every ERROR it logs comes
back as a diagnostic.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .diagnostics import Diagnostic, diag
from .fonts import isolate_fontconfig

PX_TO_PT = 0.75


@dataclass(frozen=True)
class LayoutJob:
    html: str
    stylesheets: tuple[str, ...]
    base_url: str
    roots: tuple[Path, ...]
    named: tuple[tuple[str, Path], ...]
    allowed_hosts: tuple[str, ...]
    write: bool
    """False in the first pass: only page counts and anchor positions are needed."""

    def key(self, fingerprint: str) -> str:
        roots = tuple(str(r) for r in self.roots)
        payload = (self.html, self.stylesheets, self.base_url, roots, self.allowed_hosts,
                   self.write, fingerprint)
        return hashlib.sha256(pickle.dumps(payload, protocol=4)).hexdigest()


@dataclass
class PartLayout:
    pages: int
    anchors: dict[str, tuple[int, float, float]]
    """Anchor -> (page index in the part, x, y) in PDF points from the bottom-left."""
    pdf: bytes | None = None
    problems: list[Diagnostic] = field(default_factory=list)


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def watched_weasyprint():
    collector = _Collector()
    logger = logging.getLogger("weasyprint")
    saved = logger.propagate, logger.level
    logger.addHandler(collector)
    logger.propagate = False
    logger.setLevel(logging.WARNING)
    try:
        yield collector
    finally:
        logger.removeHandler(collector)
        logger.propagate, logger.level = saved


def lay_out(job: LayoutJob) -> PartLayout:
    isolate_fontconfig()
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from .fetch import EditionFetcher
    from .pdf_lang import install

    install()
    fetcher = EditionFetcher(list(job.roots), job.allowed_hosts, named=dict(job.named))
    fonts = FontConfiguration()
    with watched_weasyprint() as collector:
        sheets = [CSS(string=text, url_fetcher=fetcher, font_config=fonts,
                      base_url=job.base_url) for text in job.stylesheets]
        document = HTML(string=job.html, base_url=job.base_url, url_fetcher=fetcher).render(
            stylesheets=sheets, font_config=fonts)
        anchors: dict[str, tuple[int, float, float]] = {}
        for index, page in enumerate(document.pages):
            height = page.height * PX_TO_PT
            for name, (x, y, _, _) in page.anchors.items():
                anchors.setdefault(name, (index, x * PX_TO_PT, height - y * PX_TO_PT))
        data = None
        if job.write:
            data = document.write_pdf(pdf_variant="pdf/ua-1", custom_metadata=True,
                                      attachments=[])
    problems = [diag("R003", refused) for refused in fetcher.refused]
    problems += [diag("R001", record.getMessage().splitlines()[0][:300])
                 for record in collector.records if record.levelno >= logging.ERROR]
    return PartLayout(len(document.pages), anchors, data, problems)
