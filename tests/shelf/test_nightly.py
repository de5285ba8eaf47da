"""``edition nightly`` through the real CLI: publish, log line, progress, lock, repair.

Tests of processes wait on what a run prints (its first stage is printed once it
holds the lock) and stop it with SIGSTOP while another runs: no sleeps, no races.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import signal
import subprocess
import sys
from types import SimpleNamespace

import pytest

from compiler import files as files_module
from compiler.shelf.archive import PublishError
from compiler.shelf.lock import Locked, shelf_lock
from compiler.shelf.nightly import publish, run_nightly
from support import FIXED_EPOCH, REPO, run_cli
from support.shelf import DAYS, env_epoch, fill_content, shelf_builds, write_edition

SUMMARY = re.compile(
    r"^2025-11-25T00:00:00Z daily (?P<date>\d{4}-\d\d-\d\d): (?P<stories>\d+) stories in, "
    r"(?P<left>\d+) left out, (?P<pages>\d+) pages, PDF \d+(\.\d)? (kB|MB), "
    r"EPUB \d+(\.\d)? (kB|MB), KEPUB \d+(\.\d)? (kB|MB), \d+\.\d s"
    r"(, repaired (?P<repaired>\d+))?, "
    r"(?P<status>new|correction|unchanged)$")
STAGES = ["Checking the shelf", "Reading stories", "Laying out the PDF digest",
          "Packing the EPUB", "Packing the Kobo KEPUB", "Writing the files",
          "Publishing to the shelf", "Done"]


@pytest.fixture(scope="module")
def night(tmp_path_factory):
    """One real night: three good stories and one broken, built and published by the CLI,
    its progress shown (not a terminal: one plain line per stage)."""
    root = tmp_path_factory.mktemp("nightly")
    config = write_edition(root / "editions")
    content = fill_content(root / "content", "Night run lead story", DAYS[0])
    content.raw("broken", b"no front matter here\n")
    public = root / "public"
    done = run_cli("nightly", content.root, public, "--edition", config.path,
                   "--date", DAYS[0])
    return SimpleNamespace(done=done, public=public, config=config, content=content)


def test_a_night_publishes_and_prints_one_summary_line(night):
    assert night.done.returncode == 0, night.done.stderr
    line = night.done.stdout.strip().splitlines()[-1]
    match = SUMMARY.match(line)
    assert match, line
    assert match["date"] == DAYS[0].isoformat()
    assert (match["stories"], match["left"], match["status"]) == ("3", "1", "new")
    assert match["repaired"] is None  # nothing to repair on a new shelf
    assert int(match["pages"]) >= 2
    assert "broken.md" in night.done.stderr  # the left-out story says why
    assert "Traceback" not in night.done.stderr


def test_the_progress_ends_with_publishing_to_the_shelf_then_done(night):
    stages = [line for line in night.done.stderr.splitlines() if line.startswith("[")]
    total = len(STAGES)
    assert stages == [f"[{n}/{total}] {label}" for n, label in enumerate(STAGES, 1)]


def test_the_night_is_logged_and_its_report_kept_beside_the_edition(night):
    line = night.done.stdout.strip().splitlines()[-1]
    log = (night.public / "daily" / "nightly.log").read_text(encoding="utf-8")
    assert log == line + "\n"
    folder = night.public / "daily" / "2026" / "12" / "31"
    assert (folder / f"daily-{DAYS[0]}.report.json").is_file()
    for name in ("latest.pdf", "latest.epub", "opds.xml", "index.html"):
        assert (night.public / "daily" / name).is_file()
    assert (night.public / "opds.xml").is_file() and (night.public / "index.html").is_file()
    assert (night.public / ".nightly.lock").read_bytes() == b""  # no pid of a run that ended


def test_a_locked_run_exits_75_and_still_writes_its_night_line(night, tmp_path):
    public = tmp_path / "public"
    with shelf_lock(public):
        with pytest.raises(Locked):  # the lock is exclusive even within one process
            with shelf_lock(public):
                pass
        done = run_cli("nightly", night.content.root, public, "--edition",
                       night.config.path, "--date", DAYS[1], "--quiet")
    assert done.returncode == 75, done.stderr
    assert done.stderr.splitlines() == [
        f"edition: another run (pid {os.getpid()}) is publishing to {public} (it holds "
        f"{public / '.nightly.lock'}); nothing was done — try again when it has finished"]
    line = done.stdout.strip().splitlines()[-1]
    assert line.startswith(f"2025-11-25T00:00:00Z daily {DAYS[1]}: NOTHING PUBLISHED (another "
                           f"run, pid {os.getpid()}, holds {public / '.nightly.lock'}; try again "
                           "later); not built, "), line
    assert (public / "daily" / "nightly.log").read_text(encoding="utf-8") == line + "\n"
    assert not (public / "daily" / "2027").exists()


def start_night(*args) -> subprocess.Popen:
    """A real night run whose stderr is read unbuffered, a line at a time."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": FIXED_EPOCH}
    return subprocess.Popen([sys.executable, "-m", "compiler", *map(str, args)], cwd=REPO,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0)


def holding_the_lock(run: subprocess.Popen) -> None:
    """Returns once ``run`` holds the lock: its first stage is printed after it took it."""
    while not (line := run.stderr.readline()).startswith(b"[1/"):
        assert line, (run.wait(), run.stderr.read())


def test_two_concurrent_nights_never_overlap(tmp_path):
    config = write_edition(tmp_path / "editions")
    content = fill_content(tmp_path / "content", "Concurrent night lead", DAYS[1])
    public = tmp_path / "public"
    args = ["nightly", content.root, public, "--edition", config.path, "--date", DAYS[1]]
    first = start_night(*args)
    try:
        holding_the_lock(first)
        os.kill(first.pid, signal.SIGSTOP)  # it holds the lock for as long as the test needs
        second = run_cli(*args, "--quiet")
    finally:
        os.kill(first.pid, signal.SIGCONT)
    out, err = first.communicate(timeout=300)
    assert second.returncode == 75, second.stderr
    assert f"(pid {first.pid})" in second.stderr
    assert first.returncode == 0, err.decode()
    log = (public / "daily" / "nightly.log").read_text(encoding="utf-8").splitlines()
    assert len(log) == 2 and f"pid {first.pid}, holds" in log[0] and SUMMARY.match(log[1])
    assert log[1] == out.decode().strip().splitlines()[-1]


def test_the_lock_file_never_names_a_dead_run(night, tmp_path):
    public = tmp_path / "public"
    args = ["nightly", night.content.root, public, "--edition", night.config.path,
            "--date", DAYS[0]]
    killed = start_night(*args)
    holding_the_lock(killed)
    killed.kill()  # SIGKILL: nothing of the run's own can empty the file
    killed.communicate(timeout=60)
    lock = public / ".nightly.lock"
    assert lock.read_text().strip() == str(killed.pid)
    # The kernel dropped the flock with the process. Held by a run that has not yet
    # written its pid, the file still names the dead run: it is not named.
    with lock.open("r+") as holder:
        fcntl.flock(holder, fcntl.LOCK_EX | fcntl.LOCK_NB)  # free at once
        refused = run_cli(*args, "--quiet")
    assert refused.returncode == 75, refused.stderr
    assert "another run is publishing" in refused.stderr and "pid" not in refused.stderr
    done = run_cli(*args, "--quiet")
    assert done.returncode == 0, done.stderr
    assert lock.read_bytes() == b""  # emptied when the run let go


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
    assert run_cli("shelf", "verify").returncode == 2


# --- the night repairs what an earlier run left, first ---

@pytest.fixture
def shelved(tmp_path_factory, tmp_path):
    """A shelf with the first day published, and the second day's content as it was built."""
    builds = shelf_builds(tmp_path_factory)
    public = tmp_path / "public"
    with env_epoch(FIXED_EPOCH):
        publish(builds.out[DAYS[0]], public, builds.config, DAYS[0])
    return SimpleNamespace(builds=builds, public=public, content=builds.root / f"content-{DAYS[1]}",
                           args=["nightly", builds.root / f"content-{DAYS[1]}", public,
                                 "--edition", builds.config.path, "--date", DAYS[1], "--quiet"])


def test_a_publication_killed_after_its_commit_is_finished_and_no_correction_recorded(
        shelved, monkeypatch):
    def killed_once_committed(action, path):
        if action == "rename" and ".publishing" not in path.parts:
            raise OSError(5, "Input/output error", str(path))  # the run dies applying it

    with env_epoch(FIXED_EPOCH), monkeypatch.context() as patch:
        patch.setattr(files_module, "step", killed_once_committed)
        with pytest.raises(PublishError):
            publish(shelved.builds.out[DAYS[1]], shelved.public, shelved.builds.config, DAYS[1])
    assert (shelved.public / ".publishing" / "journal.json").is_file()
    done = run_cli(*shelved.args)
    assert done.returncode == 0, done.stderr
    match = SUMMARY.match(done.stdout.strip().splitlines()[-1])
    assert match and (match["repaired"], match["status"]) == ("1", "unchanged"), done.stdout
    assert not (shelved.public / "daily" / "corrections.json").exists()
    assert not (shelved.public / ".publishing").exists()
    assert json.loads((shelved.public / "daily" / "2027" / "01" / "01" / "issue.json")
                      .read_bytes())["date"] == DAYS[1].isoformat()


def test_a_torn_day_and_a_temporary_file_are_repaired_before_the_build(shelved):
    torn = shelved.public / "daily" / "2027" / "01" / "02"
    torn.mkdir(parents=True)
    (torn / f"daily-{DAYS[2]}.pdf").write_bytes(b"%PDF-1.7 half")
    stale = shelved.public / "daily" / ".opds.xml.a1b2c3.tmp"
    stale.write_bytes(b"<feed")
    done = run_cli(*shelved.args)
    assert done.returncode == 0, done.stderr
    match = SUMMARY.match(done.stdout.strip().splitlines()[-1])
    assert match and (match["repaired"], match["status"]) == ("2", "new"), done.stdout
    assert not torn.exists() and not stale.exists()


def test_a_shelf_a_repair_cannot_mend_is_not_published_to(shelved):
    epub = shelved.public / "daily" / "2026" / "12" / "31" / f"daily-{DAYS[0]}.epub"
    with epub.open("r+b") as handle:  # in place: latest.epub is the same file
        handle.write(b"XX")
    done = run_cli(*shelved.args)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    public = shelved.public
    assert done.stderr.splitlines() == [
        f"edition: nothing was published: {public}: 1 problem left on the shelf that a repair "
        f"cannot fix — run `edition shelf verify {public}` to see what is wrong"]
    line = done.stdout.strip().splitlines()[-1]
    assert f"daily {DAYS[1]}: NOTHING PUBLISHED ({public}: 1 problem left" in line
    assert re.search(r"\); not built, \d+\.\d s$", line), line
    assert (public / "daily" / "nightly.log").read_text(encoding="utf-8") == line + "\n"
    assert not (public / "daily" / "2027").exists()
    verified = run_cli("shelf", "verify", public)
    assert verified.returncode == 1 and f"{epub}: does not match the sha256" in verified.stdout
