"""A shelf folder that cannot be used ends a run cleanly, through the real CLI.

Read-only, missing, full or forbidden: each ends with exit 1, exactly one line
on stderr naming the path and what to do, the night's line (in the log where
the log can be written, else said on stderr) and never a traceback.

Root ignores permissions, and this machine and CI run as root, so a read-only
mount, a chmod and a full disk are made by fault injection in the CLI's own
process (``FAULTS``: the os functions refuse to write under one folder with
the errno the kernel would give). What the kernel refuses anyone, a missing
folder or a file where a folder should be, is made for real; so is chmod 0o555
when the tests do not run as root.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from compiler.config import load_config
from compiler.shelf.nightly import publish
from support import FIXED_EPOCH, REPO, run_cli
from support.shelf import DAYS, build_day, env_epoch, fill_content

FAULTS = r"""
import builtins, errno, io, os, sys

number, folder, *argv = sys.argv[1:]
code = getattr(errno, number)
folder = os.path.realpath(folder)


def where(path, dir_fd=None):
    if isinstance(path, int):
        return os.readlink(f"/proc/self/fd/{path}")
    path = os.fsdecode(os.fspath(path))
    if dir_fd is not None and not os.path.isabs(path):
        path = os.path.join(os.readlink(f"/proc/self/fd/{dir_fd}"), path)
    return os.path.realpath(path)


def inside(path, dir_fd=None):
    try:
        path = where(path, dir_fd)
    except (TypeError, OSError):
        return False
    return path == folder or path.startswith(folder + os.sep)


def fail(path=None):
    if path is None:  # as write(2) on a full disk: no path in the error
        raise OSError(code, os.strerror(code))
    raise OSError(code, os.strerror(code), os.fsdecode(os.fspath(path)))


def guard(name, paths=1):
    real = getattr(os, name)

    def guarded(*args, **kwargs):
        for path in args[:paths]:
            if inside(path, kwargs.get("dir_fd")):
                fail(path)
        return real(*args, **kwargs)

    setattr(os, name, guarded)


if code == errno.ENOSPC:  # files can be made, but nothing can be written into them
    import compiler.files
    real_step, real_write = compiler.files.step, os.write

    def step(action, path):
        if action == "write" and inside(path):
            fail()
        real_step(action, path)

    def write(fd, data):
        if inside(fd):
            fail()
        return real_write(fd, data)

    compiler.files.step, os.write = step, write
else:  # EROFS, EACCES: nothing under the folder can be made, changed or removed
    real_open, real_io_open = os.open, io.open
    WRITING = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC

    def open_(path, flags, *args, **kwargs):
        if flags & WRITING and inside(path, kwargs.get("dir_fd")):
            fail(path)
        return real_open(path, flags, *args, **kwargs)

    def io_open(file, mode="r", *args, **kwargs):
        if set(mode) & set("wax+") and inside(file):
            fail(file)
        return real_io_open(file, mode, *args, **kwargs)

    os.open, io.open, builtins.open = open_, io_open, io_open
    for name in ("mkdir", "rmdir", "unlink", "remove", "chmod"):
        guard(name)
    for name in ("rename", "replace", "link", "symlink"):
        guard(name, paths=2)

from compiler.commands.main import main

sys.argv = ["edition", *argv]
main()
"""

EPUB_ONLY = """[edition]
title = "The Test Daily"
tagline = "Tested every night"
publisher = "Test Newsroom"
sections = ["National", "Business", "World", "Opinion", "Sport"]
outputs = ["epub"]
retention_days = 30
"""


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """An EPUB-only edition (quick to build): a shelf with its first day published, the
    next day's content for a night, and the next day's build for ``edition publish``."""
    root = tmp_path_factory.mktemp("failures")
    definition = root / "daily.toml"
    definition.write_text(EPUB_ONLY, encoding="utf-8")
    config, problems = load_config(definition)
    assert config is not None, problems
    first = fill_content(root / "content-1", "First night lead", DAYS[0])
    out = build_day(first.root, config, root / "out-1", DAYS[0])
    shelf = root / "shelf"
    shelf.mkdir()
    with env_epoch(FIXED_EPOCH):
        publish(out, shelf, config, DAYS[0])
    content = fill_content(root / "content-2", "Second night lead", DAYS[1])
    return SimpleNamespace(config=config, shelf=shelf, content=content.root,
                           out=build_day(content.root, config, root / "out-2", DAYS[1]))


@pytest.fixture
def public(made, tmp_path) -> Path:
    """A copy of the shelf with one day on it."""
    copy = tmp_path / "public"
    subprocess.run(["cp", "-a", str(made.shelf), str(copy)], check=True)  # keeps hard links
    return copy


def night_args(made, public: Path) -> list:
    return ["nightly", made.content, public, "--edition", made.config.path,
            "--date", DAYS[1], "--quiet"]


def publish_args(made, public: Path) -> list:
    return ["publish", made.out, public, "--edition", made.config.path, "--date", DAYS[1]]


def run_with_fault(number: str, folder: Path, *args):
    """The real CLI, in a process whose os functions refuse writes under ``folder``."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": FIXED_EPOCH}
    return subprocess.run([sys.executable, "-c", FAULTS, number, str(folder), *map(str, args)],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=600)


def served(public: Path) -> dict[str, bytes]:
    """What subscribers are served (the lock, the log and an unfinished publication aside)."""
    return {p.relative_to(public).as_posix(): p.read_bytes() for p in sorted(public.rglob("*"))
            if p.is_file() and p.name not in (".nightly.lock", "nightly.log")
            and ".publishing" not in p.relative_to(public).parts}


def one_error_line(done, *words: str) -> str:
    """Exit 1, and stderr is one line that holds every word; no traceback anywhere."""
    assert "Traceback" not in done.stderr + done.stdout, done.stderr
    assert done.returncode == 1, (done.returncode, done.stderr)
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("edition: "), lines[0]
    for word in words:
        assert word in lines[0], (word, lines[0])
    return lines[0]


def night_line(done) -> str:
    line = done.stdout.strip().splitlines()[-1]
    assert f"daily {DAYS[1]}: NOTHING PUBLISHED (" in line, done.stdout
    return line


def log_lines(public: Path) -> list[str]:
    log = public / "daily" / "nightly.log"
    return log.read_text(encoding="utf-8").splitlines() if log.exists() else []


# --- read-only, forbidden, full: fault injection, so it holds as root ---

@pytest.mark.parametrize("command", ["nightly", "publish"])
def test_a_read_only_public_is_one_line_naming_the_lock_file(made, public, command):
    before = served(public)
    args = night_args if command == "nightly" else publish_args
    done = run_with_fault("EROFS", public, *args(made, public))
    line = one_error_line(done, "nothing was published",
                          f"{public / '.nightly.lock'} is on a read-only file system",
                          "remount it read-write")
    assert served(public) == before and log_lines(public) == []
    if command == "nightly":
        night_line(done)  # printed, since it cannot be logged; and stderr says so
        assert line.endswith(f"the night's line could not be written either: "
                             f"{public / 'daily' / 'nightly.log'} is on a read-only file "
                             "system")


@pytest.mark.parametrize("command", ["nightly", "publish"])
def test_a_read_only_edition_folder_says_so_and_not_through_a_traceback(made, public,
                                                                         command):
    """Only PUBLIC/daily refuses (the issue's case): the lock is taken, the build is made,
    and publishing names the folder it could not write."""
    before = served(public)
    args = night_args if command == "nightly" else publish_args
    done = run_with_fault("EACCES", public / "daily", *args(made, public))
    line = one_error_line(done, f"nothing was published: {public / 'daily'}/",
                          f" cannot be made: permission denied in {public / 'daily'} — let "
                          "the user", "write there (chown or chmod)")
    assert served(public) == before and log_lines(public) == []
    if command == "nightly":
        assert "3 stories in, 0 left out" in night_line(done)
        assert line.endswith(f"the night's line could not be written either: "
                             f"{public / 'daily' / 'nightly.log'} cannot be made: permission "
                             f"denied in {public / 'daily'}")
    # what a run left half-done is finished once the folder can be written again
    finished = run_cli("shelf", "verify", "--repair", public)
    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert "Traceback" not in finished.stderr


@pytest.mark.parametrize("command", ["nightly", "publish"])
def test_a_full_disk_names_the_shelf_and_says_to_free_space(made, public, command):
    before = served(public)
    args = night_args if command == "nightly" else publish_args
    done = run_with_fault("ENOSPC", public, *args(made, public))
    line = one_error_line(done, f"nothing was published: {public}: no space left on the disk "
                                "— free some space and run again")
    assert served(public) == before and log_lines(public) == []
    if command == "nightly":
        night_line(done)
        assert line.endswith(f"could not be written either: {public / 'daily' / 'nightly.log'}"
                             ": no space left on the disk")


def test_a_full_disk_for_the_log_alone_still_publishes_and_says_so(made, public):
    """Published (exit 0: a retry would republish), but the log line is lost: stderr says."""
    log = public / "daily" / "nightly.log"
    log.touch()
    done = run_with_fault("ENOSPC", log, *night_args(made, public))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("edition:")]
    assert errors == [
        f"edition: published, but the night's line could not be written: {log}: no space "
        "left on the disk — free some space and run again"]
    assert done.stdout.strip().splitlines()[-1].endswith(", new")
    assert log.read_text() == ""


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores permissions (the same paths are "
                    "tested above by fault injection)")
def test_a_chmod_read_only_public_is_one_clean_line(made, public):
    public.chmod(0o555)
    try:
        done = run_cli(*night_args(made, public))
    finally:
        public.chmod(0o755)
    one_error_line(done, f"{public / '.nightly.lock'} cannot be made: permission denied in "
                         f"{public}")
    night_line(done)


# --- what the kernel refuses anyone: made for real ---

@pytest.mark.parametrize("command", ["nightly", "publish"])
def test_a_missing_public_is_one_line_and_nothing_is_created(made, tmp_path, command):
    unmounted = tmp_path / "mnt" / "shelf"
    public = unmounted / "public"
    args = night_args if command == "nightly" else publish_args
    done = run_cli(*args(made, public))
    line = one_error_line(done, f"nothing was published: {unmounted.parent} does not exist — "
                                "create it (or mount the disk it is on), or correct the path")
    assert not unmounted.parent.exists()
    if command == "nightly":
        night_line(done)
        assert line.endswith("; the night's line could not be written either")


@pytest.mark.parametrize("command", ["nightly", "publish"])
def test_a_file_where_public_should_be_a_folder_is_one_line(made, tmp_path, command):
    blocker = tmp_path / "shelf"
    blocker.write_text("not a folder")
    args = night_args if command == "nightly" else publish_args
    done = run_cli(*args(made, blocker / "public"))
    one_error_line(done, f"{blocker} is a file where a folder is needed — move it away, or "
                         "correct the path")
    assert blocker.read_text() == "not a folder"


def test_a_file_where_the_edition_folder_should_be_is_one_line(made, public):
    before = served(public)
    edition = public / "daily"
    subprocess.run(["rm", "-r", str(edition)], check=True)
    edition.write_text("not a folder")
    done = run_cli(*publish_args(made, public))
    one_error_line(done, f"{edition} is a file where a folder is needed")
    assert edition.read_text() == "not a folder"
    assert {k: v for k, v in served(public).items() if not k.startswith("daily")} == \
        {k: v for k, v in before.items() if not k.startswith("daily")}


# --- edition shelf verify ---

def test_verify_a_missing_public_is_one_line(tmp_path):
    done = run_cli("shelf", "verify", tmp_path / "nowhere")
    one_error_line(done, f"{tmp_path / 'nowhere'} does not exist — give the publication folder")


def test_verify_lists_what_is_wrong_and_repair_mends_it(public):
    (public / "daily" / ".index.html.x1y2.tmp").write_text("half")
    torn = public / "daily" / "2027" / "01" / "01"
    torn.mkdir(parents=True)
    (torn / f"daily-{DAYS[1]}.epub").write_bytes(b"PK half an epub")
    found = run_cli("shelf", "verify", public)
    assert found.returncode == 1 and found.stderr == ""
    lines = found.stdout.splitlines()
    assert f"{public / 'daily' / '.index.html.x1y2.tmp'}: a temporary file is left behind" \
        in lines
    assert any(line.startswith(f"{torn}: ") for line in lines)
    assert lines[-1] == (f"{public}: 2 problems left — run `edition shelf verify --repair "
                         f"{public}` to repair what can be.")
    repaired = run_cli("shelf", "verify", "--repair", public)
    assert repaired.returncode == 0, repaired.stdout
    assert all(line.endswith(" (repaired)") for line in repaired.stdout.splitlines()[:-1])
    assert repaired.stdout.splitlines()[-1] == (f"{public}: repaired 2 problems; the shelf is "
                                                "consistent.")
    assert not torn.parent.exists() or not torn.exists()
    again = run_cli("shelf", "verify", public)
    assert (again.returncode, again.stdout) == (0, f"{public}: the shelf is consistent.\n")


def test_verify_repair_waits_for_no_one_when_the_shelf_is_locked(public):
    from compiler.shelf.lock import shelf_lock

    with shelf_lock(public):
        done = run_cli("shelf", "verify", "--repair", public)
    assert done.returncode == 75 and "try again" in done.stderr
    assert len(done.stderr.splitlines()) == 1 and "Traceback" not in done.stderr
