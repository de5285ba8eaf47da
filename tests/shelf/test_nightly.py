"""``edition nightly`` through the real CLI: publish, log line, lock, exit codes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from types import SimpleNamespace

import pytest

from compiler.shelf.lock import Locked, shelf_lock
from compiler.shelf.nightly import publish, run_nightly
from support import FIXED_EPOCH, REPO, run_cli
from support.shelf import DAYS, env_epoch, fill_content, shelf_builds, write_edition

SUMMARY = re.compile(
    r"^2025-11-25T00:00:00Z daily (?P<date>\d{4}-\d\d-\d\d): (?P<stories>\d+) stories in, "
    r"(?P<left>\d+) left out, (?P<pages>\d+) pages, PDF \d+(\.\d)? (kB|MB), "
    r"EPUB \d+(\.\d)? (kB|MB), \d+\.\d s, (?P<status>new|correction|unchanged)$")


@pytest.fixture(scope="module")
def night(tmp_path_factory):
    """One real night: three good stories and one broken, built and published by the CLI."""
    root = tmp_path_factory.mktemp("nightly")
    config = write_edition(root / "editions")
    content = fill_content(root / "content", "Night run lead story", DAYS[0])
    content.raw("broken", b"no front matter here\n")
    public = root / "public"
    done = run_cli("nightly", content.root, public, "--edition", config.path,
                   "--date", DAYS[0], "--quiet")
    return SimpleNamespace(done=done, public=public, config=config, content=content)


def test_a_night_publishes_and_prints_one_summary_line(night):
    assert night.done.returncode == 0, night.done.stderr
    line = night.done.stdout.strip().splitlines()[-1]
    match = SUMMARY.match(line)
    assert match, line
    assert match["date"] == DAYS[0].isoformat()
    assert (match["stories"], match["left"], match["status"]) == ("3", "1", "new")
    assert int(match["pages"]) >= 2
    assert "broken.md" in night.done.stderr  # the left-out story says why


def test_the_night_is_logged_and_its_report_kept_beside_the_edition(night):
    line = night.done.stdout.strip().splitlines()[-1]
    log = (night.public / "daily" / "nightly.log").read_text(encoding="utf-8")
    assert log == line + "\n"
    folder = night.public / "daily" / "2026" / "12" / "31"
    assert (folder / f"daily-{DAYS[0]}.report.json").is_file()
    for name in ("latest.pdf", "latest.epub", "opds.xml", "index.html"):
        assert (night.public / "daily" / name).is_file()
    assert (night.public / "opds.xml").is_file() and (night.public / "index.html").is_file()


def test_a_run_while_another_holds_the_lock_exits_75(night, tmp_path):
    with shelf_lock(night.public):
        with pytest.raises(Locked):  # the lock is exclusive even within one process
            with shelf_lock(night.public):
                pass
        done = run_cli("nightly", night.content.root, night.public, "--edition",
                       night.config.path, "--date", DAYS[1], "--quiet")
    assert done.returncode == 75, done.stderr
    assert f"(pid {os.getpid()})" in done.stderr and "try again" in done.stderr
    assert not (night.public / "daily" / "2027").exists()
    assert (night.public / "daily" / "nightly.log").read_text().count("\n") == 1


RUNNER = """
import sys, time, pathlib
from compiler.commands.main import main  # imported before the go signal, so the run starts at once
go = pathlib.Path(sys.argv[1])
while not go.exists():
    time.sleep(0.02)
sys.argv = ["edition", *sys.argv[2:]]
main()
"""


def test_two_concurrent_nights_never_overlap(tmp_path):
    config = write_edition(tmp_path / "editions")
    content = fill_content(tmp_path / "content", "Concurrent night lead", DAYS[1])
    public = tmp_path / "public"
    args = ["nightly", content.root, public, "--edition", config.path, "--date", DAYS[1],
            "--quiet"]
    env = {**os.environ, "SOURCE_DATE_EPOCH": FIXED_EPOCH}
    first = subprocess.Popen([sys.executable, "-m", "compiler", *map(str, args)], cwd=REPO,
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    go = tmp_path / "go"
    second = subprocess.Popen([sys.executable, "-c", RUNNER, str(go), *map(str, args)], cwd=REPO,
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lock = public / ".nightly.lock"
    deadline = time.monotonic() + 120
    while not (lock.is_file() and lock.read_text().strip() == str(first.pid)):
        assert first.poll() is None, first.communicate()
        assert time.monotonic() < deadline, "the first run never took the lock"
        time.sleep(0.02)
    go.touch()  # the first run is now building with the lock held
    second_out, second_err = second.communicate(timeout=300)
    first_out, first_err = first.communicate(timeout=300)
    assert second.returncode == 75, second_err
    assert f"(pid {first.pid})" in second_err
    assert first.returncode == 0, first_err
    log = (public / "daily" / "nightly.log").read_text(encoding="utf-8").splitlines()
    assert len(log) == 1 and SUMMARY.match(log[0])


def test_a_failed_night_publishes_nothing_and_says_so(tmp_path_factory, tmp_path):
    builds = shelf_builds(tmp_path_factory)
    public = tmp_path / "public"
    with env_epoch(FIXED_EPOCH):
        publish(builds.out[DAYS[0]], public, builds.config, DAYS[0])
    feed = (public / "opds.xml").read_bytes()
    content = fill_content(tmp_path / "content", "x", DAYS[1])
    for story in (content.root / "stories").iterdir():
        story.write_text("---\nheadline: [not, a, string]\n---\nBody\n", encoding="utf-8")
    done = run_cli("nightly", content.root, public, "--edition", builds.config.path,
                   "--date", DAYS[1], "--quiet")
    assert done.returncode == 1
    assert "nothing was published" in done.stderr
    line = done.stdout.strip().splitlines()[-1]
    assert f"daily {DAYS[1]}: NOTHING PUBLISHED" in line and "0 stories in, 3 left out" in line
    assert (public / "daily" / "nightly.log").read_text(encoding="utf-8") == line + "\n"
    assert (public / "opds.xml").read_bytes() == feed
    assert (public / "daily" / "latest.pdf").samefile(
        public / "daily" / "2026" / "12" / "31" / f"daily-{DAYS[0]}.pdf")


def test_the_night_hands_the_builds_facts_over_without_reading_them_back(tmp_path,
                                                                          monkeypatch):
    """The build ran in this process: its report goes to the shelf as it is in memory."""
    import compiler.shelf.archive

    def no_reading_back(path):
        raise AssertionError(f"the night read {path} back")

    monkeypatch.setattr(compiler.shelf.archive, "read_report", no_reading_back)
    config = write_edition(tmp_path / "editions")
    content = fill_content(tmp_path / "content", "In-memory night lead", DAYS[0])
    public = tmp_path / "public"
    with env_epoch(FIXED_EPOCH):
        run = run_nightly(content.root, public, config, DAYS[0], tmp_path / "out")
    assert run.exit_code == 0, run.summary
    assert run.publication.issue.lead.text == "In-memory night lead"
    assert [h.text for h in run.publication.issue.headlines[1:]] == [
        h["headline"] for h in run.build.headlines if h["headline"] != "In-memory night lead"]
    assert run.publication.issue.sections == tuple(run.build.sections)


def test_usage_errors_exit_2(tmp_path):
    public = tmp_path / "public"
    content = fill_content(tmp_path / "content", "x", DAYS[0]).root
    assert run_cli("nightly", tmp_path / "missing", public).returncode == 2
    assert run_cli("nightly", content, public, "--date", "tomorrow").returncode == 2
    bad = run_cli("nightly", content, public, "--edition", "no-such-edition")
    assert bad.returncode == 2 and "no edition definition" in bad.stderr
    assert not public.exists()
