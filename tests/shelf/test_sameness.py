"""reader_digest: a rerun at another time is the same edition; a changed word is not.

Small editions (two stories, one photo) are built by the real CLI: the same content
with SOURCE_DATE_EPOCH a day apart, and variants that change one word of a body, a
photo's caption or a headline.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pikepdf
import pytest

from compiler.shelf.sameness import reader_digest
from support import FIXED_EPOCH, Content, run_cli

DATE = "2026-11-25"
NEXT_DAY = str(int(FIXED_EPOCH) + 86400)
BODY = "The council voted for the park.\n\nWork starts in spring.\n"
CAPTION = "The river bank at dawn"
HEADLINE = "Council approves riverside park"
VARIANTS = {
    "original": {},
    "body": {"body": BODY.replace("spring", "summer")},
    "caption": {"caption": "The river bank at dusk"},
    "headline": {"headline": "Council rejects riverside park"},
}


def write_content(root: Path, body=BODY, caption=CAPTION, headline=HEADLINE) -> Content:
    content = Content(root)
    content.photo("lead.jpg", size=(600, 400))
    content.story("lead", headline=headline, section="National", priority=1, body=body,
                  image={"src": "../images/lead.jpg", "alt": "A test photo", "caption": caption})
    content.story("markets", headline="Markets steady", section="Business", body="Prices held.\n")
    return content


def build(content: Path, out: Path, epoch: str) -> dict[str, bytes]:
    result = run_cli("build", content, "--out", out, "--date", DATE, "--quiet",
                     env={"SOURCE_DATE_EPOCH": epoch})
    assert result.returncode == 0, result.stderr
    suffixes = {"pdf": "pdf", "epub": "epub", "kepub": "kepub.epub"}
    return {kind: (out / f"daily-{DATE}.{suffix}").read_bytes()
            for kind, suffix in suffixes.items()}


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> dict[str, dict[str, bytes]]:
    """The original at FIXED_EPOCH and a day later ("rerun"); each variant at FIXED_EPOCH."""
    root = tmp_path_factory.mktemp("sameness")
    made = {}
    for name, change in VARIANTS.items():
        content = write_content(root / f"content-{name}", **change)
        made[name] = build(content.root, root / f"out-{name}", FIXED_EPOCH)
    made["rerun"] = build(root / "content-original", root / "out-rerun", NEXT_DAY)
    return made


@pytest.mark.parametrize("kind", ["pdf", "epub", "kepub"])
def test_a_rerun_at_another_time_is_the_same_for_readers(builds, kind):
    first, rerun = builds["original"][kind], builds["rerun"][kind]
    assert hashlib.sha256(first).digest() != hashlib.sha256(rerun).digest(), \
        "the two builds must differ in their bytes, or this test proves nothing"
    assert reader_digest(kind, first) == reader_digest(kind, rerun)


@pytest.mark.parametrize("kind", ["pdf", "epub", "kepub"])
@pytest.mark.parametrize("variant", ["body", "caption", "headline"])
def test_a_changed_word_is_a_different_edition(builds, kind, variant):
    assert reader_digest(kind, builds[variant][kind]) != reader_digest(kind,
                                                                        builds["original"][kind])
    assert reader_digest(kind, builds[variant][kind]) != reader_digest(kind,
                                                                        builds["rerun"][kind])


def test_other_kinds_and_unreadable_files_are_compared_by_their_bytes():
    for kind, data in (("cover", b"\xff\xd8 a jpeg"), ("thumbnail", b""), ("pdf", b"%PDF-1.7 no"),
                       ("epub", b"PK not a zip")):
        assert reader_digest(kind, data) == hashlib.sha256(data).hexdigest()


def test_zip_dates_and_pdf_packing_are_not_what_a_reader_gets(builds):
    epub = builds["original"]["epub"]
    repacked = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(epub)) as source, zipfile.ZipFile(repacked, "w") as target:
        for info in source.infolist():
            moved = zipfile.ZipInfo(info.filename, date_time=(2030, 1, 2, 3, 4, 6))
            moved.compress_type = info.compress_type
            target.writestr(moved, source.read(info), compresslevel=1)
    assert repacked.getvalue() != epub
    assert reader_digest("epub", repacked.getvalue()) == reader_digest("epub", epub)

    pdf = builds["original"]["pdf"]
    resaved = io.BytesIO()
    with pikepdf.open(io.BytesIO(pdf)) as document:
        document.save(resaved, object_stream_mode=pikepdf.ObjectStreamMode.disable,
                      compress_streams=False, fix_metadata_version=False,
                      stream_decode_level=pikepdf.StreamDecodeLevel.generalized)
    assert resaved.getvalue() != pdf
    assert reader_digest("pdf", resaved.getvalue()) == reader_digest("pdf", pdf)
