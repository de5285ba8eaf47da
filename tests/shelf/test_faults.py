"""A publication killed, or out of disk, at every step in turn never tears the shelf.

Every file operation of a publication passes ``compiler.files.step``. An undisturbed
publication is run once to count its steps; then, for each step, a fresh copy of the
shelf is published to in a child process that ends itself with ``os._exit`` at that
step (a kill: no ``finally`` runs), or in this process with ENOSPC raised there. After
each: the shelf is byte for byte the old one or the new one once ``verify --repair``
has run (before it, verify says what is wrong, or nothing), and then verify finds
nothing. Three publications: a new day, a correction, and a day that makes retention
delete the oldest.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from compiler import files as files_module
from compiler.shelf.archive import PublishError
from compiler.shelf.journal import STAGING
from compiler.shelf.nightly import publish
from compiler.shelf.verify import verify_shelf
from support import FIXED_EPOCH, REPO
from support.shelf import CORRECTED_DAY, DAYS, EPOCH_CORRECTION, env_epoch, shelf_builds

DRIVER = """
import os, sys
from datetime import date
from pathlib import Path
from compiler import files
from compiler.config import load_config
from compiler.shelf.nightly import publish

out, public, definition, day, crash_at = sys.argv[1:6]
count = 0

def step(action, path):
    global count
    count += 1
    if count == int(crash_at):
        os._exit(9)

files.step = step
config, problems = load_config(Path(definition))
publish(Path(out), Path(public), config, date.fromisoformat(day))
print(count)
"""


def _tree(public: Path) -> dict[str, bytes]:
    """What subscribers are served: every file (and where each link points), the night log
    aside."""
    return {p.relative_to(public).as_posix(): (b"-> " + os.readlink(p).encode()
                                                if p.is_symlink() else p.read_bytes())
            for p in sorted(public.rglob("*"))
            if (p.is_file() or p.is_symlink()) and p.name != "nightly.log"}


def _publish_in_child(out: Path, public: Path, config, day, crash_at: int, epoch: str):
    env = {**os.environ, "SOURCE_DATE_EPOCH": epoch}
    return subprocess.run([sys.executable, "-c", DRIVER, str(out), str(public),
                           str(config.path), day.isoformat(), str(crash_at)],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=120)


SCENARIOS = {
    # name: (days published before, the day published, its out folder, config, epoch)
    "new-day": (DAYS[:2], DAYS[2], None, "config", FIXED_EPOCH),
    "correction": (DAYS, CORRECTED_DAY, "corrected", "config", EPOCH_CORRECTION),
    "retention": (DAYS[:2], DAYS[2], None, "short_config", FIXED_EPOCH),
}


@pytest.fixture(scope="module", params=sorted(SCENARIOS))
def scenario(request, tmp_path_factory):
    """The shelf before, the shelf after an undisturbed publication, and how to publish."""
    builds = shelf_builds(tmp_path_factory)
    before_days, day, out_kind, config_name, epoch = SCENARIOS[request.param]
    config = getattr(builds, config_name)
    out = builds.corrected_out if out_kind == "corrected" else builds.out[day]
    root = tmp_path_factory.mktemp(request.param)
    base = root / "before"
    with env_epoch(FIXED_EPOCH):
        for earlier in before_days:
            publish(builds.out[earlier], base, config, earlier)
    after = root / "after"
    shutil.copytree(base, after, symlinks=True)
    counted = _publish_in_child(out, after, config, day, 0, epoch)
    assert counted.returncode == 0, counted.stderr
    steps = int(counted.stdout.split()[-1])
    assert steps > 10, "a publication has many steps to crash at"
    assert _tree(base) != _tree(after)
    return dict(name=request.param, base=base, before=_tree(base), after=_tree(after),
                out=out, config=config, day=day, epoch=epoch, steps=steps, root=root)


def _settled(public: Path, scenario) -> str:
    """Repair, then check the shelf is the old or the new one and verify finds nothing."""
    repaired = verify_shelf(public, repair=True)
    assert repaired.ok, repaired.findings
    assert verify_shelf(public).findings == []
    tree = _tree(public)
    assert tree in (scenario["before"], scenario["after"]), sorted(
        set(tree.items()) ^ set(scenario["after"].items()))[:4]
    return "after" if tree == scenario["after"] else "before"


def test_a_publication_killed_at_any_step_leaves_the_old_or_the_new_shelf(scenario):
    outcomes = []
    for crash_at in range(1, scenario["steps"] + 1):
        public = scenario["root"] / f"killed-{crash_at}"
        shutil.copytree(scenario["base"], public, symlinks=True)
        child = _publish_in_child(scenario["out"], public, scenario["config"], scenario["day"],
                                  crash_at, scenario["epoch"])
        assert child.returncode == 9, (crash_at, child.stderr)
        outcomes.append(_settled(public, scenario))
        shutil.rmtree(public)
    # Early kills leave the old shelf, later ones (after the commit) the new one.
    assert outcomes[0] == "before" and outcomes[-1] == "after"
    assert outcomes == sorted(outcomes, key=["before", "after"].index)


def test_a_full_disk_at_any_step_fails_cleanly_and_never_tears(scenario, monkeypatch):
    for fail_at in range(1, scenario["steps"] + 1):
        public = scenario["root"] / f"full-{fail_at}"
        shutil.copytree(scenario["base"], public, symlinks=True)
        count = 0

        def step(action, path, fail_at=fail_at):
            nonlocal count
            count += 1
            if count == fail_at:
                raise OSError(errno.ENOSPC, "No space left on device", str(path))

        monkeypatch.setattr(files_module, "step", step)
        try:
            with env_epoch(scenario["epoch"]):
                publish(scenario["out"], public, scenario["config"], scenario["day"])
        except PublishError as failure:
            message = str(failure)
            assert "\n" not in message and "no space left on the disk" in message
            committed = (public / STAGING).exists()
            assert ("verify --repair" in message) == committed, message
            if not committed:  # nothing published, nothing left behind
                assert _tree(public) == scenario["before"]
            expected = "after" if committed else "before"
        else:  # the step had a fallback (a hard link refused: the file is copied)
            assert _tree(public) == scenario["after"], fail_at
            expected = "after"
        monkeypatch.setattr(files_module, "step", lambda action, path: None)
        assert _settled(public, scenario) == expected
        shutil.rmtree(public)
