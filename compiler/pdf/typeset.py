"""Typesetting one part with WeasyPrint, in a worker process.

Everything a worker needs travels in a TypesetJob, and only plain data comes
back (a TypesetPart), so jobs can run in any process and be cached by their
content. Typesetting (``typeset_part``) and writing (``write_part``) are apart
because page
numbers are filled in between (``slots``). WeasyPrint logs failures rather
than raising them: every ERROR it logs comes back as a diagnostic.
"""

from __future__ import annotations

import hashlib
import logging
import math
import pickle
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from weakref import WeakKeyDictionary

from compiler.diagnostics import Diagnostic, diag
from compiler.resources import FONTS_DIR, LAYOUTS_DIR
from compiler.text.fonts import font_face_css, isolate_fontconfig

PX_TO_PT = 0.75

_FETCHERS: WeakKeyDictionary = WeakKeyDictionary()
"""Laid-out document -> the fetcher it was laid out with: writing fetches too
(attachments), under the same guard. Kept beside WeasyPrint's Document, not on it."""
_TITLES: WeakKeyDictionary = WeakKeyDictionary()
"""Laid-out document -> its job's link titles, for the tags put right as it is written."""


@dataclass(frozen=True)
class TypesetJob:
    html: str
    stylesheets: tuple[str, ...]
    base_url: str
    roots: tuple[Path, ...]
    named: tuple[tuple[str, Path], ...]
    allowed_hosts: tuple[str, ...]
    titles: tuple[tuple[str, str], ...] = ()
    """Anchor -> what a link there leads to (a headline, a section), for each anchor the
    part links to: the tags' link descriptions (pdf/tagging.py)."""
    shares: tuple[str, str] = ("", "")
    """Anchors of the stories this run shares with the runs before and after it
    (parts.Part.lead_in, .continued), or "": the pages up to the one the first begins on
    are dropped, and those after the one the last begins on."""

    def key(self, fingerprint: str) -> str:
        roots = tuple(str(r) for r in self.roots)
        payload = (self.html, self.stylesheets, self.base_url, roots, self.allowed_hosts,
                   self.titles, self.shares, fingerprint)
        return hashlib.sha256(pickle.dumps(payload, protocol=4)).hexdigest()


@dataclass
class TypesetPart:
    pages: int
    anchors: dict[str, tuple[int, float, float]]
    """Anchor -> (page index in the part, x, y) in PDF points from the bottom-left."""
    pdf: bytes | None = None
    problems: list[Diagnostic] = field(default_factory=list)
    slots: tuple[str, ...] = ()
    """Anchors whose page numbers the part prints as placeholders, to fill in."""
    fills: tuple[float, ...] = ()
    """How full each page is (pdf/fill.py), for the report's list of holes."""
    runs_on: float | None = None
    """For a run whose last story runs on into the next run: the lead-in that run needs
    (``lead_in``), or None if that story now begins a page. A correction compares it with
    the next run's, which is laid out again if they differ."""
    ends_at: float | None = None
    """Where a story would begin below the run's last one, on its last page (CSS px;
    hooks.stories_end): a correction that leaves more room there than the day's last
    build did lays the next run out again after it."""


def house_stylesheets() -> list[str]:
    """The fonts and the print CSS: the same for every part of every edition, so a
    worker can parse them before it knows the edition."""
    return [font_face_css(lambda face: face.path.as_uri()),
            (LAYOUTS_DIR / "print" / "print.css").read_text(encoding="utf-8")]


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


_SHARED: dict = {}


def _fonts_and_sheets(job: TypesetJob):
    """One FontConfiguration and one parse of each stylesheet per worker process: the
    parts of an edition share them, and Pango's caches stay warm from part to part
    (a seventh less time per part). Stylesheets are all our own, never story content,
    so what they load (fonts) is fetched from the layouts and fonts only."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    from compiler.pdf.fetcher import EditionFetcher

    fonts = _SHARED.setdefault("fonts", FontConfiguration())
    fetcher = _SHARED.setdefault("fetcher", EditionFetcher([LAYOUTS_DIR, FONTS_DIR]))
    sheets = []
    for text in job.stylesheets:
        key = (text, job.base_url)
        if key not in _SHARED:
            _SHARED[key] = CSS(string=text, url_fetcher=fetcher, font_config=fonts,
                               base_url=job.base_url)
        sheets.append(_SHARED[key])
    return fonts, sheets


def warm_up() -> None:
    """What every worker's first part would otherwise wait for: WeasyPrint's import,
    the fonts and print CSS, Pango's first shaping of each script. Done as the worker
    starts, while the parent is still reading stories, so a correction's one part is
    laid out at once."""
    base_url = (LAYOUTS_DIR / "print").as_uri() + "/"
    html = ('<p lang="en">Edition <b>warm</b> <i>up</i></p>'
            '<p lang="km">\u1780\u17b6\u179a\u1796\u17b7\u1793\u17b7\u178f\u17d2\u1799</p>')
    job = TypesetJob(html, tuple(house_stylesheets()), base_url, (LAYOUTS_DIR,), (), ())
    typeset_part(job)


def typeset_part(job: TypesetJob):
    """Lay the part out; returns the WeasyPrint document (to fill and write) and
    what the parent needs to number the edition."""
    isolate_fontconfig()
    from weasyprint import HTML

    from compiler.pdf import actual_text as pdf_actual_text
    from compiler.pdf import fit as pdf_fit
    from compiler.pdf import lang as pdf_lang
    from compiler.pdf.fetcher import EditionFetcher
    from compiler.pdf.fill import page_fills
    from compiler.pdf.slots import slots_of

    pdf_lang.install()
    pdf_actual_text.install()
    pdf_fit.install()
    fetcher = EditionFetcher(list(job.roots), job.allowed_hosts, named=dict(job.named))
    with watched_weasyprint() as collector:
        fonts, sheets = _fonts_and_sheets(job)
        document = HTML(string=job.html, base_url=job.base_url, url_fetcher=fetcher).render(
            stylesheets=sheets, font_config=fonts)
    document, runs_on = _shared_pages_dropped(document, *job.shares)
    _FETCHERS[document] = fetcher
    _TITLES[document] = dict(job.titles)
    anchors: dict[str, tuple[int, float, float]] = {}
    for index, page in enumerate(document.pages):
        height = page.height * PX_TO_PT
        for name, (x, y, _, _) in page.anchors.items():
            anchors.setdefault(name, (index, x * PX_TO_PT, height - y * PX_TO_PT))
    problems = [diag("R003", refused) for refused in fetcher.refused]
    problems += _errors(collector)
    return document, TypesetPart(len(document.pages), anchors, None, problems,
                                tuple(slots_of(document)), page_fills(document), runs_on,
                                _ends_at(document.pages))


def _ends_at(pages) -> float | None:
    from compiler.pdf.hooks import stories_end

    return stories_end(pages[-1]) if pages else None


def lead_in(page, anchor: str) -> float | None:
    """How far below the top of ``page``'s text block the story ``anchor`` begins, as
    the height (CSS px) of a block that puts it exactly there when a run is laid out
    alone (nudged by an ulp or two, so the sum WeasyPrint makes lands on the very same
    float); None when it begins the page."""
    from compiler.pdf.hooks import page_top

    top, y = page_top(page), page.anchors[anchor][1]
    if y <= top + 2:
        return None
    height = y - top
    for _ in range(4):
        if top + height == y:
            break
        height = math.nextafter(height, math.inf if top + height < y else -math.inf)
    return height


def _shared_pages_dropped(document, first: str, last: str):
    """The run's own pages (``TypesetJob.shares``), and the lead-in the next run needs."""
    pages = document.pages
    start, end, runs_on = 0, len(pages), None
    if first:
        start = next((i + 1 for i, page in enumerate(pages) if first in page.anchors), 0)
    begins = next((i for i, page in enumerate(pages) if last and last in page.anchors), None)
    if begins is not None:
        runs_on = lead_in(pages[begins], last)
        end = begins + (runs_on is not None)  # the run's page when the story begins lower
    if (start, end) == (0, len(pages)):
        return document, runs_on
    return document.copy(pages[start:end]), runs_on


def split_pages(document, layout: TypesetPart, key: str, names: dict[str, str]
                ) -> list[tuple[str, object, TypesetPart]]:
    """A section laid out as one flow, cut at the page breaks it made (``names``: a
    story's anchor -> the key of the run it would start): each run is written and cached
    as a part of its own (``Document.copy``), so a correction lays out only its runs
    again. Two kinds of break, each giving the very pages the run laid out alone gives:

    - before a story that begins a page, which lays out the same whatever came before;
    - after a page whose last-begun story runs on, where the run laid out alone opens
      with that story as far down an extra first page (``lead_in``), then dropped.
      On a day without photos few stories begin a page, and this keeps the runs short."""
    from compiler.pdf.slots import slots_of

    starts: dict[int, tuple[str, float | None]] = {0: (key, None)}
    last_begun: dict[int, tuple[float, str]] = {}  # page -> its lowest story to begin
    for name, (index, _, _) in layout.anchors.items():
        if name not in names:
            continue
        y = document.pages[index].anchors[name][1]
        if index and lead_in(document.pages[index], name) is None:
            starts[index] = (names[name], None)
        last_begun[index] = max(last_begun.get(index, (y, name)), (y, name))
    for index in range(1, len(document.pages)):
        if index not in starts and index - 1 in last_begun:
            name = last_begun[index - 1][1]
            if (height := lead_in(document.pages[index - 1], name)) is not None:
                starts[index] = (f"{names[name]}~", height)
    firsts = sorted(starts)
    pieces = []
    for first, end in zip(firsts, [*firsts[1:], len(document.pages)], strict=True):
        piece = document.copy(document.pages[first:end])
        _FETCHERS[piece], _TITLES[piece] = _FETCHERS[document], _TITLES[document]
        anchors = {name: (index - first, x, y) for name, (index, x, y) in layout.anchors.items()
                   if first <= index < end}
        runs_on = starts[end][1] if end in starts else layout.runs_on
        pieces.append((starts[first][0], piece, TypesetPart(
            end - first, anchors, None, list(layout.problems), tuple(slots_of(piece)),
            layout.fills[first:end], runs_on, _ends_at(piece.pages))))
    return pieces


def split_flow(key: str, job: TypesetJob, names: dict[str, str]):
    """A section's flow laid out and cut into runs (``split_pages``)."""
    document, layout = typeset_part(job)
    return split_pages(document, layout, key, names)


def write_part(document, numbers: dict[str, int] | None = None, first_page: int = 1
               ) -> tuple[bytes, list[Diagnostic]]:
    """Fill in the page numbers (when given) and write the part as tagged PDF."""
    from compiler.pdf.slots import fill

    if numbers is not None:
        fill(document, numbers, first_page)
    _stand_ins(document)
    fetcher = _FETCHERS[document]
    refused = len(fetcher.refused)
    with watched_weasyprint() as collector:
        data = document.write_pdf(pdf_variant="pdf/ua-1", custom_metadata=True,
                                  attachments=[])
    problems = [diag("R003", url) for url in fetcher.refused[refused:]]
    return _tagged(data, _TITLES[document]), problems + _errors(collector)


def _stand_ins(document) -> None:
    """An anchor on the first page for every link into another part: WeasyPrint keeps
    only links whose target it has, and the join points them at the right page. Set on
    the laid-out pages, not in the HTML, so a run cut from its section's flow and the
    same run laid out alone are written alike."""
    here = {name for page in document.pages for name in page.anchors}
    for page in document.pages:
        for link_type, target, _, _ in page.links:
            if link_type == "internal" and target not in here:
                document.pages[0].anchors[target] = (0, 0, 0, 0)
                here.add(target)


def _tagged(data: bytes, titles: dict[str, str]) -> bytes:
    """The part's tags put right for PDF/UA-1 (pdf/tagging.py) here, in the worker, so
    the work is shared between the workers and cached with the written part: the join
    and a correction's unchanged parts cost nothing more."""
    import io

    import pikepdf

    from compiler.pdf import tagging

    with pikepdf.open(io.BytesIO(data)) as pdf:
        tagging.finish(pdf, titles)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
    return out.getvalue()


def _errors(collector: _Collector) -> list[Diagnostic]:
    return [diag("R001", record.getMessage().splitlines()[0][:300])
            for record in collector.records if record.levelno >= logging.ERROR]


def typeset_and_write(job: TypesetJob, write: bool = True) -> TypesetPart:
    """Both steps at once, for parts whose numbers are already in the HTML."""
    document, layout = typeset_part(job)
    if write:
        layout.pdf, problems = write_part(document)
        layout.problems += problems
    return layout
