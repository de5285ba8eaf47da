"""Accessibility checks on the built outputs, with the tools a reviewer would use.

- EPUB: Ace by DAISY (axe-core in a real chromium plus EPUB package checks) on the sample
  edition and on a small Khmer-only edition; no "critical" or "serious" violation may remain.
- PDF: two PDF/UA-1 validators, `page-validation` (every machine-checkable rule, calibrated
  on veraPDF's corpus) and `outloud` (PDF/UA-1 plus semantic checks): no failed rule, and
  no finding but the exceptions docs/accessibility.md lists with evidence; the PDF/UA-1
  essentials read back with pikepdf (tagging, language, title, XMP identification, figure
  alternatives, bookmarks, link descriptions), qpdf's structural check, pdffonts (every
  font embedded), and the `pdfua` checker as a smoke test. tests/pdf/test_pdfua.py reads
  back each fix of compiler/pdf/tagging.py.

The external tools come from `bash .ci/readers-setup`; a test whose tool is missing is skipped
and says so.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata
import zipfile
from pathlib import Path

import pytest
import yaml
from lxml import etree

from support import SAMPLE, Content, make_photo, run_cli, story_text

pikepdf = pytest.importorskip("pikepdf")

SETUP_HINT = "run `bash .ci/readers-setup`"
ZWSP = "\u200b"
# Khmer letters and signs; not the riel sign U+17DB, which English prices use too.
KHMER_CHAR = re.compile("[\u1780-\u17da\u17dc-\u17ff\u19e0-\u19ff]")
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XHTML_NS = "http://www.w3.org/1999/xhtml"

# A small Khmer-only edition: two stories in real Khmer, one with a photo, Khmer section names.
KHMER_TOML = """[edition]
title = "កាសែតភ្នំពេញប្រចាំថ្ងៃ"
publisher = "ភ្នំពេញប្រចាំថ្ងៃ"
language = "km"
sections = ["ព័ត៌មានជាតិ", "កីឡា"]
"""
KHMER_PHOTO_ALT = "ផ្លូវមួយនៅក្នុងក្រុងកំពត ដែលមានទឹកជន់លិច និងម៉ូតូពីរបីគ្រឿង"
KHMER_STORIES = {
    "kampot-rain": dict(
        headline="ភ្លៀងធ្លាក់ខ្លាំងនៅខេត្តកំពត",
        section="ព័ត៌មានជាតិ",
        language="km",
        byline="សុខ ចាន់ថា",
        standfirst="ទឹកបានជន់លិចផ្លូវមួយចំនួននៅក្នុងក្រុងកំពត បន្ទាប់ពីភ្លៀងធ្លាក់ពេញមួយយប់។",
        image={
            "src": "../images/kampot-flood.jpg",
            "alt": KHMER_PHOTO_ALT,
            "caption": "ទឹកជន់លិចផ្លូវនៅក្រុងកំពត កាលពីព្រឹកម្សិលមិញ។",
            "credit": "ភ្នំពេញប៉ុស្តិ៍",
        },
        body=(
            "ភ្លៀងបានធ្លាក់ខ្លាំងពេញមួយយប់ នៅខេត្តកំពត ហើយទឹកបានជន់លិចផ្លូវមួយចំនួន"
            "នៅក្នុងក្រុង។\n\n"
            "អាជ្ញាធរខេត្តបានស្នើឱ្យប្រជាពលរដ្ឋប្រុងប្រយ័ត្ន និងជៀសវាងការធ្វើដំណើរនៅពេលយប់។\n"
        ),
    ),
    "football-win": dict(
        headline="ក្រុមបាល់ទាត់ជម្រើសជាតិកម្ពុជាឈ្នះ ២ ទល់ ១",
        section="កីឡា",
        language="km",
        body=(
            "ក្រុមបាល់ទាត់ជម្រើសជាតិកម្ពុជា បានយកឈ្នះគូប្រកួតរបស់ខ្លួន ២ ទល់ ១ "
            "នៅពហុកីឡដ្ឋានជាតិមរតកតេជោ កាលពីយប់ម្សិលមិញ។\n\n"
            "អ្នកគាំទ្ររាប់ម៉ឺននាក់បានស្រែកអបអរសាទរ បន្ទាប់ពីការប្រកួតបានបញ្ចប់។\n"
        ),
    ),
}


# ---------------------------------------------------------------------------- editions


def _front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---", 2)[1])


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


class Built:
    """One built edition: its files and what its content says it should contain."""

    def __init__(self, name: str, out: Path, language: str, headlines: list[str],
                 photo_alts: list[str]):
        self.name = name
        self.out = out
        self.language = language
        self.headlines = headlines
        self.photo_alts = photo_alts

    def file(self, suffix: str) -> Path:
        found = sorted(self.out.glob(f"*{suffix}"))
        assert len(found) == 1, f"expected one *{suffix} in {self.out}: {found}"
        return found[0]

    @property
    def pdf(self) -> Path:
        return self.file(".pdf")

    @property
    def epub(self) -> Path:
        return self.file("-??.epub")  # the EPUB, not the Kobo .kepub.epub beside it


@pytest.fixture(scope="module")
def sample(sample_build) -> Built:
    out, _ = sample_build
    metas = [_front_matter(p) for p in sorted((SAMPLE / "stories").glob("*.md"))]
    alts = [m["image"]["alt"] for m in metas if isinstance(m.get("image"), dict)
            and m["image"].get("alt")]
    return Built("sample", out, "en", [m["headline"] for m in metas], alts)


@pytest.fixture(scope="module")
def khmer(tmp_path_factory) -> Built:
    root = tmp_path_factory.mktemp("khmer-edition")
    content = Content(root / "content")
    make_photo(content.root / "images" / "kampot-flood.jpg", size=(1200, 800))
    for name, story in KHMER_STORIES.items():
        content.story(name, story_text(**story))
    toml = root / "khmer.toml"
    toml.write_text(KHMER_TOML, encoding="utf-8")
    out = root / "out"
    result = run_cli("build", content.root, "--edition", toml, "--out", out,
                     "--date", "2026-11-25", "--quiet")
    assert result.returncode == 0, (
        f"the Khmer-only edition (Khmer section names) does not build:\n{result.stderr}")
    return Built("khmer", out, "km", [s["headline"] for s in KHMER_STORIES.values()],
                 [KHMER_PHOTO_ALT])


DEVICES_BODY = (
    "Exporters say the figures, at https://www.phnompenhpost.com/business/2026/11/25/"
    "rice-export-figures-rise-again-this-season?ref=digest-edition, are the best yet.\n\n"
    "| Crop | Tonnes | Change |\n|:-----|-------:|:------:|\n| Rice | 4,000 | +2% |\n"
    "| Maize | 120 | \u22121% |\n\n"
    "- Prices rose \u2013 again \u2014 in the markets:\n"
    "  - rice at 3,000\u17db a kilo, up \u2191 from \u2190 last week\n"
    "    - paddy \u2192 \u00b15% \u00d7 2 \u2026 \u00a9 \u2122 \u00b0 \u00a7\n"
    "  - fuel at $1.10, \u20ac1.02, \u00a30.88, \u00a5160, \u20b992\n"
    "- Exporters \u2022 traders \u25e6 farmers \u25aa buyers\n"
)


@pytest.fixture(scope="module")
def devices(tmp_path_factory) -> Built:
    """A generated edition with what weaker readers stumble on (issue 13): nested lists,
    symbols and currencies, a long URL, an aligned table, and a Khmer story."""
    root = tmp_path_factory.mktemp("devices-edition")
    content = Content(root / "content")
    content.story("exports", headline="Rice exports climb for a third month",
                  section="Business", priority=1, body=DEVICES_BODY)
    make_photo(content.root / "images" / "kampot-flood.jpg", size=(1200, 800))
    content.story("kampot-rain", story_text(**{**KHMER_STORIES["kampot-rain"],
                                               "section": "National"}))
    out = root / "out"
    result = run_cli("build", content.root, "--out", out, "--date", "2026-11-25", "--quiet")
    assert result.returncode == 0, result.stderr
    assert " S016 " not in result.stderr, "a symbol of the test has no font"
    return Built("devices", out, "en", ["Rice exports climb for a third month",
                                        KHMER_STORIES["kampot-rain"]["headline"]],
                 [KHMER_PHOTO_ALT])


@pytest.fixture(scope="module")
def khmer_sample(tmp_path_factory) -> Built:
    """The bundled Khmer edition (editions/khmer.toml) of the sample day."""
    out = tmp_path_factory.mktemp("khmer-sample")
    result = run_cli("build", SAMPLE, "--edition", "khmer", "--out", out,
                     "--date", "2026-11-25", "--quiet")
    assert result.returncode == 0, result.stderr
    metas = [m for m in (_front_matter(p) for p in sorted((SAMPLE / "stories").glob("*.md")))
             if m.get("language") == "km"]
    alts = [m["image"]["alt"] for m in metas if isinstance(m.get("image"), dict)
            and m["image"].get("alt")]
    return Built("khmer_sample", out, "km", [m["headline"] for m in metas], alts)


@pytest.fixture(params=["sample", "khmer", "devices", "khmer_sample"])
def edition(request) -> Built:
    return request.getfixturevalue(request.param)


# ---------------------------------------------------------------------------- Ace by DAISY


def ace_command() -> str:
    for name in ("ace", "ace-cli"):
        path = shutil.which(name)
        if path:
            return path
    pytest.skip(f"Ace by DAISY is not installed (no `ace` or `ace-cli` on PATH): {SETUP_HINT}")


def run_ace(epub: Path, outdir: Path) -> dict:
    env = dict(os.environ)
    env.setdefault("PUPPETEER_SKIP_DOWNLOAD", "1")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium:
        env.setdefault("PUPPETEER_EXECUTABLE_PATH", chromium)
    result = subprocess.run([ace_command(), "--silent", "--force", "-o", str(outdir), str(epub)],
                            capture_output=True, text=True, timeout=600, env=env)
    report = outdir / "report.json"
    assert result.returncode == 0 and report.is_file(), (
        f"Ace failed (exit {result.returncode}):\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return json.loads(report.read_text(encoding="utf-8"))


def ace_violations(report: dict, impacts=("critical", "serious")) -> list[str]:
    """One line per failed Ace/axe assertion of the given impacts: file, rule, element."""
    found = []
    for subject in report.get("assertions", []):
        where = subject.get("earl:testSubject", {}).get("url", "?")
        for assertion in subject.get("assertions", []):
            test = assertion.get("earl:test", {})
            result = assertion.get("earl:result", {})
            if result.get("earl:outcome") != "fail" or test.get("earl:impact") not in impacts:
                continue
            pointer = result.get("earl:pointer", {}).get("css") or ""
            html = (result.get("html") or "").strip().replace("\n", " ")[:160]
            found.append(f"{where}: {test.get('dct:title')} [{test.get('earl:impact')}] "
                         f"{result.get('dct:description', '').strip()} {pointer} {html}".rstrip())
    return found


def test_ace_finds_no_critical_or_serious_violation(edition, tmp_path):
    report = run_ace(edition.epub, tmp_path / "ace")
    problems = ace_violations(report)
    assert not problems, (f"Ace by DAISY on the {edition.name} EPUB:\n  "
                          + "\n  ".join(problems))


# ---------------------------------------------------------------------------- EPUB language


def _effective_lang(element) -> str:
    while element is not None:
        lang = element.get(XML_LANG) or element.get("lang")
        if lang:
            return lang
        element = element.getparent()
    return ""


def _text_runs(tree):
    """(text, element that holds it) for every non-blank text node of an XHTML tree."""
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        if element.text and element.text.strip():
            yield element.text, element
        if element.tail and element.tail.strip() and element.getparent() is not None:
            yield element.tail, element.getparent()


def _inside_story_body(element) -> bool:
    while element is not None:
        if "body" in (element.get("class") or "").split():
            return True
        element = element.getparent()
    return False


def test_epub_marks_the_language_of_every_part(edition):
    """Khmer text sits in lang=km; template words in English are not marked as Khmer."""
    problems = []
    with zipfile.ZipFile(edition.epub) as archive:
        for name in sorted(n for n in archive.namelist() if n.endswith(".xhtml")):
            tree = etree.fromstring(archive.read(name))
            for text, holder in _text_runs(tree):
                lang = _effective_lang(holder).lower()
                tag = etree.QName(holder).localname
                if KHMER_CHAR.search(text) and not lang.startswith("km"):
                    problems.append(f"{name} <{tag}> lang={lang!r}: Khmer text "
                                    f"{text.strip()[:50]!r}")
                if (lang.startswith("km") and re.search("[A-Za-z]{2,}", text)
                        and not _inside_story_body(holder)):
                    problems.append(f"{name} <{tag} class={holder.get('class')!r}> lang={lang!r}:"
                                    f" English text {text.strip()[:50]!r}")
    assert not problems, f"{len(problems)} parts in the wrong language:\n" + "\n".join(
        problems[:40])


# ---------------------------------------------------------------------------- PDF helpers


def struct_elements(pdf):
    """(element, ancestors) for every structure element, in document (depth-first) order."""
    root = pdf.Root.get("/StructTreeRoot")
    if root is None:
        return
    seen = set()
    stack = [(kid, ()) for kid in reversed(_kids(root))]
    while stack:
        node, ancestors = stack.pop()
        if not isinstance(node, pikepdf.Dictionary) or "/S" not in node:
            continue  # marked-content ids, MCR and OBJR references
        if node.is_indirect:
            if node.objgen in seen:
                continue
            seen.add(node.objgen)
        yield node, ancestors
        stack.extend((kid, (*ancestors, node)) for kid in reversed(_kids(node)))


def _kids(node) -> list:
    kids = node.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def outline_titles(pdf) -> list[str]:
    titles = []
    with pdf.open_outline() as outline:
        stack = list(reversed(outline.root))
        while stack:
            item = stack.pop()
            titles.append(item.title)
            stack.extend(reversed(item.children))
    return titles


def _squash(text: str) -> str:
    return " ".join(_nfc(text).replace(ZWSP, "").split())


# ---------------------------------------------------------------------------- PDF checks


def test_qpdf_check_is_clean(edition):
    if not shutil.which("qpdf"):
        pytest.skip(f"qpdf is not installed: {SETUP_HINT}")
    result = subprocess.run(["qpdf", "--check", str(edition.pdf)], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No syntax or stream encoding errors found" in result.stdout, result.stdout
    assert "WARNING" not in result.stdout + result.stderr, result.stdout + result.stderr


def test_every_font_is_embedded(edition):
    if not shutil.which("pdffonts"):
        pytest.skip(f"pdffonts (poppler-utils) is not installed: {SETUP_HINT}")
    result = subprocess.run(["pdffonts", str(edition.pdf)], capture_output=True, text=True,
                            check=True, timeout=120)
    lines = result.stdout.splitlines()
    rows = lines[lines.index(next(x for x in lines if x.startswith("---"))) + 1:]
    assert rows, "pdffonts lists no font"
    # name, type (may hold spaces), encoding, emb, sub, uni, object number, generation
    not_embedded = [row for row in rows if row.split()[-5] != "yes"]
    assert not not_embedded, "fonts not embedded:\n" + "\n".join(not_embedded)


def test_catalog_declares_a_tagged_titled_document_in_its_language(edition):
    with pikepdf.open(edition.pdf) as pdf:
        catalog = pdf.Root
        assert "/MarkInfo" in catalog and bool(catalog.MarkInfo.get("/Marked")), \
            "/MarkInfo /Marked true is missing"
        assert "/StructTreeRoot" in catalog, "no /StructTreeRoot: the PDF is not tagged"
        assert str(catalog.get("/Lang", "")) == edition.language, \
            f"catalog /Lang is {catalog.get('/Lang')!r}"
        prefs = catalog.get("/ViewerPreferences")
        assert prefs is not None and bool(prefs.get("/DisplayDocTitle")), \
            "/ViewerPreferences /DisplayDocTitle true is missing"
        title = str(pdf.docinfo.get("/Title", ""))
        assert title.strip(), "the document has no /Title"


def test_xmp_identifies_pdf_ua_and_carries_the_title(edition):
    with pikepdf.open(edition.pdf) as pdf:
        title = str(pdf.docinfo.get("/Title", ""))
        meta = pdf.open_metadata()
        part = meta.get("{http://www.aiim.org/pdfua/ns/id/}part")
        assert str(part) == "1", f"XMP pdfuaid:part is {part!r}"
        dc_title = meta.get("dc:title")
        assert dc_title and str(dc_title).strip(), "XMP dc:title is missing"
        assert str(dc_title) == title, f"XMP dc:title {dc_title!r} != /Title {title!r}"


def test_every_figure_has_alternative_text(edition):
    with pikepdf.open(edition.pdf) as pdf:
        figures = [e for e, _ in struct_elements(pdf) if e.S == "/Figure"]
        alts = [_nfc(str(f.get("/Alt", f.get("/ActualText", "")))) for f in figures]
    assert figures, "no /Figure structure element, but the edition has photos"
    assert all(alt.strip() for alt in alts), \
        f"{sum(not a.strip() for a in alts)} of {len(figures)} /Figure elements have no /Alt"
    for expected in edition.photo_alts:
        assert _nfc(expected) in alts, f"photo alt text not found on any /Figure: {expected!r}"


def test_headings_are_tagged_without_skipping_levels(edition):
    with pikepdf.open(edition.pdf) as pdf:
        levels = [int(str(e.S)[2:]) for e, _ in struct_elements(pdf)
                  if re.fullmatch(r"/H[1-6]", str(e.S))]
    assert levels, "no /H1../H6 structure elements"
    assert levels[0] == 1, f"the first heading is H{levels[0]}"
    jumps = [(a, b) for a, b in zip(levels, levels[1:], strict=False) if b > a + 1]
    assert not jumps, f"heading levels skipped: {jumps}"


def test_bookmarks_lead_to_every_story(edition):
    with pikepdf.open(edition.pdf) as pdf:
        titles = {_squash(t) for t in outline_titles(pdf)}
    assert titles, "the PDF has no bookmarks (outline)"
    missing = [h for h in edition.headlines if _squash(h) not in titles]
    assert not missing, f"stories without a bookmark: {missing}"


def test_bookmark_titles_have_no_zero_width_spaces(edition):
    with pikepdf.open(edition.pdf) as pdf:
        dirty = [t for t in outline_titles(pdf) if ZWSP in t]
    assert not dirty, f"{len(dirty)} bookmark titles contain U+200B: {dirty[:3]}"


def test_links_are_described_and_pages_use_structure_tab_order(edition):
    """PDF/UA-1 7.18.5 (link /Contents), 7.18.3 (/Tabs /S), 7.18.1 (/StructParent)."""
    problems = []
    with pikepdf.open(edition.pdf) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            annots = page.obj.get("/Annots") or []
            if len(annots) and page.obj.get("/Tabs") != "/S":
                problems.append(f"page {number}: has annotations but /Tabs is not /S")
            for annot in annots:
                if annot.get("/Subtype") != "/Link":
                    continue
                if not str(annot.get("/Contents", "")).strip():
                    problems.append(f"page {number}: link without /Contents")
                if "/StructParent" not in annot:
                    problems.append(f"page {number}: link not in the structure tree")
    assert not problems, "\n".join(problems[:20])


def test_khmer_photos_in_the_pdf_are_declared_khmer(edition):
    """PDF/UA-1 7.2: a change of natural language is declared.

    A /Figure whose /Alt is Khmer must resolve to a Khmer /Lang: its own, its nearest
    ancestor's that has one, or the catalog's, so a screen reader picks the Khmer voice.
    """
    with pikepdf.open(edition.pdf) as pdf:
        document_lang = str(pdf.Root.get("/Lang", ""))
        figures = 0
        wrong = []
        for element, ancestors in struct_elements(pdf):
            alt = str(element.get("/Alt", ""))
            if element.S != "/Figure" or not KHMER_CHAR.search(alt):
                continue
            figures += 1
            declared = [str(e["/Lang"]) for e in (*ancestors, element) if "/Lang" in e]
            lang = declared[-1] if declared else document_lang
            if not lang.lower().startswith("km"):
                wrong.append(f"/Lang {lang!r}: {alt[:40]}")
    assert figures, "no /Figure with Khmer alt text; this test needs the Khmer photo"
    assert not wrong, f"Khmer /Figure alt text read as another language: {wrong}"


def test_pdfua_checker_finds_no_error(edition):
    """Smoke test with `pdfua` (pikepdf-based, 16 of the 106 machine-checkable PDF/UA rules).

    Only ERROR findings fail: its UA-15-003 warning on our table is a false positive (the
    data cells do carry /Headers pointing at the header cells' /ID, in their /A dictionary).
    """
    try:
        import pdfua  # noqa: F401
    except ImportError:
        pytest.skip(f"the pdfua checker is not installed: {SETUP_HINT}")
    result = subprocess.run([sys.executable, "-m", "pdfua", "check", "--format", "json",
                             str(edition.pdf)], capture_output=True, text=True, timeout=300)
    assert result.returncode in (0, 1, 2), (
        f"pdfua exit {result.returncode}:\n{result.stdout[-4000:]}\n{result.stderr[-2000:]}")
    report = json.loads(result.stdout)
    errors = [f"{f['rule_id']} {f.get('location', '')}: {f['message']}"
              for f in report.get("findings", []) if f.get("severity") == "error"]
    assert not errors, "\n".join(errors)


# ------------------------------------------------------------------ PDF/UA-1 validators

VALIDATORS_HINT = "pip install -e '.[test]' (page-validation and outloud are in the test extra)"

OUTLOUD_EXCEPTIONS = {
    # docs/accessibility.md, "Left, with evidence": a heuristic that strips digits from
    # lines near the top of pages; a section opener's "4 stories" is content, not a head.
    "PAG-001": re.compile(r"\d+ (stories|story)"),
}


def test_page_validation_finds_no_failed_pdf_ua_rule(edition):
    page = pytest.importorskip("page", reason=f"page-validation is not installed: "
                                              f"{VALIDATORS_HINT}")
    report = page.validate_pdf(edition.pdf, profile="ua1")
    failures = [f"{f.rule_id}: {f.message}" for f in report.failures]
    assert report.rules.total > 100, "page-validation ran fewer PDF/UA-1 rules than it has"
    assert report.is_compliant and report.checks.failed == 0, (
        f"{report.rules.failed} of {report.rules.total} PDF/UA-1 rules failed, "
        f"{report.checks.failed} checks:\n" + "\n".join(failures))


def test_outloud_finds_no_error_and_only_the_documented_warnings(edition):
    outloud = pytest.importorskip("outloud", reason=f"outloud is not installed: "
                                                    f"{VALIDATORS_HINT}")
    result = outloud.check(str(edition.pdf))
    unexpected = [f"{f.rule} p.{f.page} [{f.severity}] {f.message}: {f.evidence}"
                  for f in result.sorted_findings()
                  if not (f.severity != "error" and f.rule in OUTLOUD_EXCEPTIONS
                          and all(OUTLOUD_EXCEPTIONS[f.rule].fullmatch(e.strip())
                                  for e in str(f.evidence or "").split(";")))]
    assert result.errors == 0 and not unexpected, "\n".join(unexpected)
    assert result.verdict in ("pass", "review"), result.verdict


# ------------------------------------------------------------------ device-ready budgets

EPUB_BUDGET = 5 * 1024 * 1024
PDF_BUDGET = 10 * 1024 * 1024


def test_epubcheck_is_clean_on_every_edition(edition):
    from support import epubcheck

    result = epubcheck(edition.epub)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "0 errors / 0 warnings" in output, output


def test_epubcheck_is_clean_on_every_kepub(edition):
    from support import epubcheck

    result = epubcheck(edition.file(".kepub.epub"))
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "0 errors / 0 warnings" in output, output


def test_khmer_wraps_on_a_reader_without_a_dictionary(edition):
    """libunibreak, KOReader's line breaker, finds a break in every Khmer word group."""
    from support.linebreak import library, longest_khmer_stretch, paragraphs

    if library() is None:
        pytest.skip(f"libunibreak1 is not installed: {SETUP_HINT}")
    worst = (0, "")
    for book in (edition.epub, edition.file(".kepub.epub")):
        with zipfile.ZipFile(book) as archive:
            for name in archive.namelist():  # the nav is for menus: no marks there
                if name.endswith(".xhtml") and not name.endswith("nav.xhtml"):
                    for paragraph in paragraphs(archive.read(name)):
                        worst = max(worst, longest_khmer_stretch(paragraph))
    assert worst[0] <= 24, worst  # the bound docs/devices.md states


def test_calibre_converts_every_edition_to_azw3(edition, tmp_path):
    if not shutil.which("ebook-convert"):
        pytest.skip(f"calibre's ebook-convert is not installed: {SETUP_HINT}")
    azw3 = tmp_path / f"{edition.name}.azw3"
    result = subprocess.run(["ebook-convert", str(edition.epub), str(azw3)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0 and azw3.stat().st_size > 10_000, result.stdout[-3000:]


def test_sample_edition_fits_the_size_budget(sample):
    """Send to Kindle and phone downloads: EPUB under 5 MB, print PDF under 10 MB."""
    assert sample.epub.stat().st_size < EPUB_BUDGET, sample.epub.stat().st_size
    assert sample.pdf.stat().st_size < PDF_BUDGET, sample.pdf.stat().st_size
