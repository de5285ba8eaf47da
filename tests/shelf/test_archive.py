"""Publishing into the dated archive: layout, latest, corrections, retention, refusals."""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from types import SimpleNamespace

import pytest
from lxml import etree, html
from PIL import Image

from compiler.shelf.archive import PublishError
from compiler.shelf.lock import shelf_lock
from compiler.shelf.nightly import publish
from support import FIXED_EPOCH, run_cli
from support.shelf import (
    CORRECTED_DAY,
    CORRECTED_LEAD,
    DAYS,
    EPOCH_CORRECTION,
    LEADS,
    env_epoch,
    epoch_iso,
    issue_json,
    shelf_builds,
)


@pytest.fixture(scope="session")
def builds(tmp_path_factory):
    return shelf_builds(tmp_path_factory)


def publish_day(builds, public, day, config=None, out=None, epoch=FIXED_EPOCH):
    with env_epoch(epoch):
        return publish(out or builds.out[day], public, config or builds.config, day)


@pytest.fixture(scope="module")
def shelf(builds, tmp_path_factory):
    """Three days published in order, then a correction of the middle day (read-only)."""
    public = tmp_path_factory.mktemp("archive") / "public"
    days = [publish_day(builds, public, day) for day in DAYS]
    correction = publish_day(builds, public, CORRECTED_DAY, out=builds.corrected_out,
                             epoch=EPOCH_CORRECTION)
    return SimpleNamespace(public=public, days=days, correction=correction)


def day_folder(public, day):
    return public / "daily" / f"{day:%Y}" / f"{day:%m}" / f"{day:%d}"


def sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_each_day_gets_a_dated_folder_with_every_file(shelf, builds):
    for day in DAYS:
        folder = day_folder(shelf.public, day)
        stem = f"daily-{day.isoformat()}"
        assert sorted(p.name for p in folder.iterdir()) == sorted(
            [f"{stem}.pdf", f"{stem}.epub", f"{stem}.kepub.epub", f"{stem}.report.json",
             f"{stem}.cover.jpg", f"{stem}.thumb.jpg", "issue.json"])
        assert json.loads((folder / f"{stem}.report.json").read_bytes())["exit_code"] == 0
        with Image.open(folder / f"{stem}.thumb.jpg") as thumb:
            assert thumb.format == "JPEG" and thumb.width == 300
        epub = zipfile.ZipFile(io.BytesIO((folder / f"{stem}.epub").read_bytes()))
        assert (folder / f"{stem}.cover.jpg").read_bytes() == epub.read("EPUB/images/cover.jpg")
    for day in (DAYS[0], DAYS[2]):
        stem = f"daily-{day.isoformat()}"
        for kind in ("pdf", "epub", "kepub.epub", "report.json"):
            assert (day_folder(shelf.public, day) / f"{stem}.{kind}").read_bytes() == \
                (builds.out[day] / f"{stem}.{kind}").read_bytes()
    edition = {p.name for p in (shelf.public / "daily").iterdir()}
    assert edition == {"2026", "2027", "latest.pdf", "latest.epub", "latest.kepub.epub",
                       "opds.xml", "index.html", "corrections.json", ".latest"}
    assert os.readlink(shelf.public / "daily" / ".latest") == DAYS[2].strftime("%Y/%m/%d")
    assert not [p for p in shelf.public.rglob("*.tmp")]


def test_latest_names_the_newest_date_after_a_correction_of_an_older_one(shelf, builds):
    newest = day_folder(shelf.public, DAYS[2])
    for kind in ("pdf", "epub", "kepub.epub"):
        latest = shelf.public / "daily" / f"latest.{kind}"
        assert latest.is_file() and not latest.is_symlink()
        assert os.path.samefile(latest, newest / f"daily-{DAYS[2]}.{kind}")
        assert latest.read_bytes() == (builds.out[DAYS[2]] / f"daily-{DAYS[2]}.{kind}").read_bytes()
    assert [p.latest.date for p in shelf.days] == list(DAYS)
    assert shelf.correction.latest.date == DAYS[2]


def test_publishing_an_older_date_later_never_moves_latest_backwards(builds, tmp_path):
    public = tmp_path / "public"
    assert publish_day(builds, public, DAYS[2]).latest.date == DAYS[2]
    assert publish_day(builds, public, DAYS[0]).latest.date == DAYS[2]
    assert publish_day(builds, public, DAYS[1]).latest.date == DAYS[2]
    assert sha(public / "daily" / "latest.pdf") == sha(builds.out[DAYS[2]] / f"daily-{DAYS[2]}.pdf")


def test_the_correction_replaces_the_day_and_is_recorded(shelf, builds):
    assert shelf.correction.status == "correction"
    folder = day_folder(shelf.public, CORRECTED_DAY)
    stem = f"daily-{CORRECTED_DAY}"
    record = json.loads((shelf.public / "daily" / "corrections.json").read_bytes())
    assert record["edition"] == "daily"
    (entry,) = record["corrections"]
    assert entry["date"] == CORRECTED_DAY.isoformat()
    assert entry["time"] == epoch_iso(EPOCH_CORRECTION)
    for kind in ("pdf", "epub"):
        assert entry["files"][kind] == {
            "old_sha256": sha(builds.out[CORRECTED_DAY] / f"{stem}.{kind}"),
            "new_sha256": sha(builds.corrected_out / f"{stem}.{kind}"),
        }
        assert sha(folder / f"{stem}.{kind}") == entry["files"][kind]["new_sha256"]
    issue = issue_json(shelf.public, CORRECTED_DAY)
    assert issue["headlines"][0]["text"] == CORRECTED_LEAD
    assert issue["published"] == epoch_iso(FIXED_EPOCH)
    assert issue["updated"] == epoch_iso(EPOCH_CORRECTION)


def test_the_same_bytes_again_are_not_a_correction(builds, tmp_path):
    public = tmp_path / "public"
    assert publish_day(builds, public, DAYS[0]).status == "new"
    again = publish_day(builds, public, DAYS[0], epoch=EPOCH_CORRECTION)
    assert again.status == "unchanged" and again.correction is None
    assert not (public / "daily" / "corrections.json").exists()
    assert issue_json(public, DAYS[0])["updated"] == epoch_iso(FIXED_EPOCH)


def test_retention_keeps_the_newest_days_and_prunes_empty_folders(builds, tmp_path):
    public = tmp_path / "public"
    short = builds.short_config
    assert short.retention_days == 2
    publish_day(builds, public, DAYS[0], short)
    publish_day(builds, public, DAYS[1], short)
    assert day_folder(public, DAYS[0]).is_dir()
    third = publish_day(builds, public, DAYS[2], short)
    assert third.removed == [DAYS[0]]
    assert not (public / "daily" / "2026").exists()  # day, month and year folders all gone
    assert day_folder(public, DAYS[1]).is_dir() and day_folder(public, DAYS[2]).is_dir()
    assert "2026-12-31" not in (public / "index.html").read_text(encoding="utf-8")
    assert "2026-12-31" not in (public / "opds.xml").read_text(encoding="utf-8")

    with pytest.raises(PublishError, match="older than the 2 days"):
        publish_day(builds, public, DAYS[0], short)
    assert not (public / "daily" / "2026").exists()


def test_a_half_published_day_is_never_latest_nor_listed(builds, tmp_path):
    public = tmp_path / "public"
    publish_day(builds, public, DAYS[0], builds.short_config)
    # A killed run left a newer day with only its PDF and no issue.json.
    stray = day_folder(public, DAYS[2])
    stray.mkdir(parents=True)
    (stray / f"daily-{DAYS[2]}.pdf").write_bytes(b"%PDF-1.7 half")
    publication = publish_day(builds, public, DAYS[1], builds.short_config)
    assert publication.latest.date == DAYS[1]
    assert publication.removed == []  # the window counts from the newest *complete* day
    feed = (public / "opds.xml").read_text(encoding="utf-8")
    assert str(DAYS[2]) not in feed and str(DAYS[1]) in feed


def test_a_build_still_being_written_is_refused_and_nothing_changes(builds, tmp_path):
    public = tmp_path / "public"
    out = tmp_path / "out"
    out.mkdir()
    stem = f"daily-{DAYS[0]}"
    for kind in ("pdf", "epub", "report.json"):
        (out / f"{stem}.{kind}").write_bytes((builds.out[DAYS[0]] / f"{stem}.{kind}").read_bytes())
    pdf = out / f"{stem}.pdf"
    pdf.write_bytes(pdf.read_bytes()[:1000])
    with pytest.raises(PublishError, match="the report says"):
        publish_day(builds, public, DAYS[0], out=out)
    assert not public.exists() or not any(public.rglob("*.pdf"))

    with pytest.raises(PublishError, match="no build report"):
        publish_day(builds, public, DAYS[1], out=out)


def copy_build(builds, out, day, as_day=None):
    """The out folder of ``day``'s build, its files named as ``as_day``'s; the report as a dict."""
    out.mkdir()
    for kind in ("pdf", "epub", "kepub.epub", "report.json"):
        data = (builds.out[day] / f"daily-{day}.{kind}").read_bytes()
        (out / f"daily-{as_day or day}.{kind}").write_bytes(data)
    return json.loads((out / f"daily-{as_day or day}.report.json").read_bytes())


def write_report(out, day, report) -> None:
    (out / f"daily-{day}.report.json").write_text(json.dumps(report), encoding="utf-8")


def test_the_build_must_be_the_edition_of_the_date_given(builds, tmp_path):
    out = tmp_path / "out"
    report = copy_build(builds, out, DAYS[0], as_day=DAYS[2])
    with pytest.raises(PublishError, match=f"the report is of daily-{DAYS[0]}.pdf, not "
                                           f"daily-{DAYS[2]}.pdf; check --date"):
        publish_day(builds, tmp_path / "public", DAYS[2], out=out)
    # Even a report that names the right files cannot pass another day's EPUB off.
    for kind, suffix in (("pdf", "pdf"), ("epub", "epub"), ("kepub", "kepub.epub")):
        report["outputs"][kind]["file"] = f"daily-{DAYS[2]}.{suffix}"
    write_report(out, DAYS[2], report)
    with pytest.raises(PublishError, match=f"edition of {DAYS[0]}, not {DAYS[2]}"):
        publish_day(builds, tmp_path / "public", DAYS[2], out=out)
    assert not (tmp_path / "public" / "daily" / "2027").exists()


def test_the_shelf_lists_what_the_report_says_not_what_the_epub_holds(builds, tmp_path):
    """The report is the one source of lead, headlines, their languages and the sections:
    here it differs from the EPUB (whose first story and description name another lead)."""
    out = tmp_path / "out"
    report = copy_build(builds, out, DAYS[0])
    assert report["lead"] == LEADS[DAYS[0]]
    report["lead"] = "Dry and warm across the provinces"
    for item in report["headlines"]:
        if item["headline"].startswith("Markets steady"):
            item["headline"] = "Markets steady, says the report"
        if item["headline"] == report["lead"]:
            item["language"] = "km"
    report["sections"].append("Only in the report")
    report["pages"] = 99
    write_report(out, DAYS[0], report)
    public = tmp_path / "public"
    publication = publish_day(builds, public, DAYS[0], out=out)

    expected = ["Dry and warm across the provinces", LEADS[DAYS[0]],
                "Markets steady, says the report"]
    assert [h.text for h in publication.issue.headlines] == expected
    issue = issue_json(public, DAYS[0])
    assert [h["text"] for h in issue["headlines"]] == expected
    assert issue["headlines"][0] == {"text": expected[0], "language": "km", "section": "World"}
    assert issue["sections"][-1] == "Only in the report" and issue["pages"] == 99
    page = html.fromstring((public / "index.html").read_bytes())
    (lead,) = page.find_class("lead")
    assert (lead.text_content(), lead.get("lang")) == (expected[0], "km")
    assert [li.text_content() for li in page.find_class("headlines")[0]] == expected[1:]
    assert "Only in the report" in page.text_content()
    feed = etree.parse(str(public / "opds.xml")).getroot()
    atom = "{http://www.w3.org/2005/Atom}"
    summary = feed.find(f"{atom}entry/{atom}summary").text
    assert summary == " · ".join(expected)
    # The identity still comes from the EPUB itself, so the feed and the book agree.
    assert feed.find(f"{atom}entry/{atom}id").text == f"urn:edition:daily:{DAYS[0]}"


def snapshot(public) -> dict:
    return {p: p.read_bytes() for p in public.rglob("*") if p.is_file()}


@pytest.mark.parametrize("damage", ["missing", "not json", "older compiler", "failed build",
                                    "no epub recorded"])
def test_a_missing_or_broken_report_publishes_nothing(builds, tmp_path, damage):
    public = tmp_path / "public"
    publish_day(builds, public, DAYS[0])
    before = snapshot(public)
    out = tmp_path / "out"
    report = copy_build(builds, out, DAYS[1])
    path = out / f"daily-{DAYS[1]}.report.json"
    if damage == "missing":
        path.unlink()
    elif damage == "not json":
        path.write_bytes(path.read_bytes()[:200])
    elif damage == "older compiler":
        del report["headlines"]
        write_report(out, DAYS[1], report)
    elif damage == "failed build":
        write_report(out, DAYS[1], {**report, "exit_code": 1})
    else:
        del report["outputs"]["epub"]
        write_report(out, DAYS[1], report)
    with pytest.raises(PublishError) as caught:
        publish_day(builds, public, DAYS[1], out=out)
    message = str(caught.value)
    assert message.startswith(f"{path}: "), message
    assert "rebuild" in message or "run `edition build` first" in message, message
    assert snapshot(public) == before  # not one byte of the shelf changed
    assert not day_folder(public, DAYS[1]).exists()


def test_publish_command_exit_codes(builds, tmp_path):
    public = tmp_path / "public"
    args = ["publish", builds.out[DAYS[0]], public, "--edition", builds.config.path]
    done = run_cli(*args, "--date", DAYS[0])
    assert done.returncode == 0, done.stderr
    assert f"Published daily {DAYS[0]} (new)" in done.stdout
    assert (public / "daily" / "latest.epub").is_file()

    missing = run_cli(*args, "--date", DAYS[1])
    assert missing.returncode == 1
    assert "nothing was published" in missing.stderr and "no build report" in missing.stderr

    broken = tmp_path / "broken"
    copy_build(builds, broken, DAYS[1])
    (broken / f"daily-{DAYS[1]}.report.json").write_text("{", encoding="utf-8")
    done = run_cli("publish", broken, public, "--edition", builds.config.path, "--date", DAYS[1])
    assert done.returncode == 1
    assert f"daily-{DAYS[1]}.report.json: the build report is not valid JSON" in done.stderr
    assert "rebuild" in done.stderr and not (public / "daily" / "2027").exists()

    assert run_cli(*args, "--date", "01/01/2027").returncode == 2
    assert run_cli("publish", builds.out[DAYS[0]], public, "--edition", "no-such-edition",
                   "--date", DAYS[0]).returncode == 2

    with shelf_lock(public):
        locked = run_cli(*args, "--date", DAYS[0])
    assert locked.returncode == 75
    assert ".nightly.lock" in locked.stderr and "try again" in locked.stderr


def test_the_kobo_book_is_published_and_verified_like_the_epub(builds, tmp_path):
    from compiler.shelf.verify import verify_shelf

    public = tmp_path / "public"
    publish_day(builds, public, DAYS[0])
    stem = f"daily-{DAYS[0]}"
    dated = day_folder(public, DAYS[0]) / f"{stem}.kepub.epub"
    latest = public / "daily" / "latest.kepub.epub"
    assert dated.read_bytes() == (builds.out[DAYS[0]] / f"{stem}.kepub.epub").read_bytes()
    assert os.path.samefile(latest, dated)
    assert issue_json(public, DAYS[0])["files"]["kepub"]["file"] == f"{stem}.kepub.epub"
    assert verify_shelf(public).findings == []

    latest.unlink()
    latest.write_bytes(b"not the newest issue")
    (finding,) = verify_shelf(public).findings
    assert finding.path == latest and "newest issue" in finding.problem
    assert verify_shelf(public, repair=True).ok and os.path.samefile(latest, dated)

    dated.unlink()
    dated.write_bytes(b"damaged")
    problems = [f.problem for f in verify_shelf(public).findings if f.path == dated]
    assert problems and "sha256" in problems[0]
