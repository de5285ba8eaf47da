"""A failed or killed build never replaces the last good edition.

Build a good edition, then start builds of a changed edition into the same folder and
kill -9 their whole process group (the CLI and its layout workers) at random moments
spread over a full build. After every kill the file at each published name must be
either the old complete file or the new complete file, byte for byte. Set KILL_SEED to
replay a run; the seed is printed.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from support import FIXED_EPOCH, REPO, Content, run_cli
from support.hostile import qpdf_check

DATE = "2026-11-25"
KILLS = 8
KINDS = ("pdf", "epub", "kepub.epub")  # kepub.epub: the Kobo book beside the EPUB
PUBLISHED = {kind: f"daily-{DATE}.{kind}" for kind in KINDS}
REPORT = f"daily-{DATE}.report.json"


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fill(content: Content, version: str) -> None:
    content.photo("harbour.jpg", size=(1600, 1000), color=(30, 80, 120))
    content.photo("market.jpg", size=(1200, 900), color=(150, 90, 40))
    content.story("harbour", headline=f"Harbour expansion approved ({version})",
                  section="National", priority=1,
                  body=f"The harbour will double its berths, officials said ({version}).\n\n"
                       + "The works start next year and will take three years.\n" * 3,
                  image={"src": "../images/harbour.jpg", "alt": "The harbour",
                         "caption": "Cranes at the harbour."})
    content.story("market", headline="Night market moves to the riverside",
                  section="Business", body="Stallholders welcomed the move.\n\n" * 4,
                  image={"src": "../images/market.jpg", "alt": "Stalls",
                         "caption": "Stalls at dusk."})
    for index, section in enumerate(["World", "Opinion", "Sport", "National"]):
        content.story(f"brief-{index}", headline=f"Brief number {index} for {section}",
                      section=section, body="A short item of news.\n\n" * (index + 2))


def group_alive(pgid: int) -> list[int]:
    """Live (non-zombie) processes still in the process group."""
    alive = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        state, pgrp = fields[0], int(fields[2])
        if pgrp == pgid and state not in ("Z", "X"):
            alive.append(int(entry.name))
    return alive


def check_published(out: Path, good: dict[str, set[str]]) -> dict[str, str]:
    """Every published name holds a complete known-good file; return which one."""
    states = {}
    for kind, name in PUBLISHED.items():
        path = out / name
        assert path.is_file(), f"{name} is missing after a killed build"
        digest = sha(path)
        assert digest in good[kind], f"{name} is neither the old nor the new edition"
        states[kind] = "old" if digest == good["old-" + kind] else "new"
    checked = qpdf_check(out / PUBLISHED["pdf"])
    assert checked.returncode == 0, checked.stdout + checked.stderr
    with zipfile.ZipFile(out / PUBLISHED["epub"]) as archive:
        assert archive.testzip() is None
        assert archive.namelist()[0] == "mimetype"
    if (out / REPORT).exists():
        json.loads((out / REPORT).read_text(encoding="utf-8"))
    published = set(PUBLISHED.values()) | {REPORT, ".cache"}
    for stray in out.iterdir():
        if stray.name not in published:
            assert re.fullmatch(r"\..+\.tmp", stray.name), f"unexpected file {stray.name}"
    return states


def kill_once(command, env, pub: Path, saved_old: dict, good: dict, delay: float) -> tuple:
    """Start a build over the old edition, kill its process group after delay seconds."""
    for kind, name in PUBLISHED.items():  # the last good edition is the old one again
        (pub / name).write_bytes(saved_old[kind])
    shutil.rmtree(pub / ".cache", ignore_errors=True)  # so every build lays out afresh
    process = subprocess.Popen(command, cwd=REPO, env=env, start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    pgid = os.getpgid(process.pid)
    time.sleep(delay)
    finished = process.poll() is not None
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=30)
    deadline = time.monotonic() + 10
    while group_alive(pgid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert group_alive(pgid) == [], "processes of the build survived the kill"
    states = check_published(pub, good)
    return round(delay, 2), finished, states["pdf"], states["epub"]


def test_killed_builds_never_replace_the_last_good_edition(tmp_path):
    seed = int(os.environ.get("KILL_SEED", random.SystemRandom().randrange(2**32)))
    print(f"KILL_SEED={seed}")
    rng = random.Random(seed)

    old = Content(tmp_path / "old")
    fill(old, "first edition")
    new = Content(tmp_path / "new")
    fill(new, "corrected edition")
    pub, ref = tmp_path / "published", tmp_path / "reference"

    first = run_cli("build", old.root, "--out", pub, "--date", DATE, "--quiet")
    assert first.returncode == 0, first.stderr
    started = time.monotonic()
    reference = run_cli("build", new.root, "--out", ref, "--date", DATE, "--quiet")
    full_build = time.monotonic() - started
    assert reference.returncode == 0, reference.stderr
    good = {}
    for kind, name in PUBLISHED.items():
        good["old-" + kind] = sha(pub / name)
        good["new-" + kind] = sha(ref / name)
        assert good["old-" + kind] != good["new-" + kind], f"the change did not change the {kind}"
        good[kind] = {good["old-" + kind], good["new-" + kind]}
    saved_old = {kind: (pub / name).read_bytes() for kind, name in PUBLISHED.items()}

    # One delay in each of KILLS equal slices of [0.2 s, a full build and a bit], in random
    # order: the bit lets the last slices land on the publishing step at the very end.
    span = max(full_build, 1.0) * 1.15 - 0.2
    delays = [0.2 + span * (i + rng.random()) / KILLS for i in range(KILLS)]
    rng.shuffle(delays)
    env = {**os.environ, "SOURCE_DATE_EPOCH": FIXED_EPOCH}
    command = [sys.executable, "-m", "compiler", "build", str(new.root), "--out", str(pub),
               "--date", DATE, "--quiet"]
    outcomes = []
    for delay in delays:
        try:
            outcomes.append(kill_once(command, env, pub, saved_old, good, delay))
        except AssertionError as exc:
            raise AssertionError(f"KILL_SEED={seed}, kill at {delay:.2f} s: {exc}") from exc
    print(f"full build {full_build:.1f} s; kills (delay, had finished, pdf, epub): {outcomes}")

    # A build that is left alone afterwards publishes the new edition and tidies up.
    last = run_cli("build", new.root, "--out", pub, "--date", DATE, "--quiet")
    assert last.returncode == 0, last.stderr
    for kind, name in PUBLISHED.items():
        assert sha(pub / name) == good["new-" + kind]
    assert [p.name for p in pub.glob(".*.tmp")] == []


def test_a_failed_build_keeps_the_last_good_edition(tmp_path):
    """A build that fails (here: no usable story) writes nothing over the good edition."""
    content = Content(tmp_path / "content")
    content.story("only", headline="The only story", section="National", body="Text.\n")
    out = tmp_path / "out"
    assert run_cli("build", content.root, "--out", out, "--date", DATE,
                   "--quiet").returncode == 0
    before = {name: sha(out / name) for name in PUBLISHED.values()}
    content.story("only", "---\nheadline: [broken\n---\nText.\n")
    failed = run_cli("build", content.root, "--out", out, "--date", DATE, "--quiet")
    assert failed.returncode == 1
    assert "previous edition is unchanged" in failed.stderr
    assert {name: sha(out / name) for name in PUBLISHED.values()} == before
