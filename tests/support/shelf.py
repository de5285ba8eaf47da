"""Shared pieces for the shelf tests: small editions built once per session.

A full PDF+EPUB build takes seconds, so the three days and the correction are
built once (``shelf_builds``) and every test publishes copies of them into its
own public folder; publishing is cheap. Imported by the other test_shelf_*
modules (the module cache makes the builds shared); it has no tests itself.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from compiler.build import build
from compiler.config import EditionConfig, load_config
from support import FIXED_EPOCH, Content

DAYS = (date(2026, 12, 31), date(2027, 1, 1), date(2027, 1, 2))
"""Three consecutive days across a year end, so retention has month and year folders to prune."""
CORRECTED_DAY = DAYS[1]
LEADS = {
    DAYS[0]: "Council approves riverside park on the last day of the year",
    DAYS[1]: "New Year crowds fill the riverfront for the midnight fireworks",
    DAYS[2]: "Schools reopen after the holiday with new timetables",
}
CORRECTED_LEAD = "New Year crowds of 200,000 fill the riverfront for the fireworks"
EPOCH_CORRECTION = str(int(FIXED_EPOCH) + 2 * 86400)
_CACHE: dict[str, object] = {}


@dataclass(frozen=True)
class ShelfBuilds:
    root: Path
    config: EditionConfig
    """Retention 30 days: nothing is dropped across the three days."""
    short_config: EditionConfig
    """The same edition with retention_days = 2, from its own TOML file."""
    out: dict[date, Path]
    """Out folder of each day's original build."""
    corrected_out: Path
    """Out folder of the corrected build of CORRECTED_DAY."""


def write_edition(folder: Path, name: str = "daily", retention_days: int = 30,
                  title: str = "The Test Daily") -> EditionConfig:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.toml"
    path.write_text(
        "[edition]\n"
        f'title = "{title}"\n'
        'tagline = "Tested every night"\n'
        'publisher = "Test Newsroom"\n'
        'sections = ["National", "Business", "World", "Opinion", "Sport"]\n'
        f"retention_days = {retention_days}\n", encoding="utf-8")
    config, problems = load_config(path)
    assert config is not None, problems
    return config


def fill_content(root: Path, lead: str, day: date) -> Content:
    content = Content(root)
    content.photo("lead.jpg", size=(600, 400), color=(30 + day.day * 5, 90, 140))
    content.story("lead", headline=lead, section="National", priority=1,
                  body="The lead story of the day, in two short paragraphs.\n\nSecond one.\n",
                  image={"src": "../images/lead.jpg", "alt": "A test photo", "caption": "Photo"})
    content.story("markets", headline=f"Markets steady on {day:%d %B}", section="Business",
                  body="Prices held.\n")
    content.story("weather", headline="Dry and warm across the provinces", section="World",
                  body="No rain is expected.\n")
    return content


def build_day(content: Path, config: EditionConfig, out: Path, day: date,
              epoch: str = FIXED_EPOCH) -> Path:
    with env_epoch(epoch):
        result = build(content, config, out, day)
    assert result.exit_code == 0, [d.format() for d in result.diagnostics]
    return out


def shelf_builds(tmp_path_factory) -> ShelfBuilds:
    """Four full builds (three days and a correction), made once per session."""
    if "builds" not in _CACHE:
        root = tmp_path_factory.mktemp("shelf-builds")
        config = write_edition(root / "editions")
        short = write_edition(root / "editions-short", retention_days=2)
        out = {}
        for day in DAYS:
            content = fill_content(root / f"content-{day}", LEADS[day], day)
            out[day] = build_day(content.root, config, root / f"out-{day}", day)
        corrected = fill_content(root / "content-corrected", CORRECTED_LEAD, CORRECTED_DAY)
        corrected_out = build_day(corrected.root, config, root / "out-corrected",
                                  CORRECTED_DAY, EPOCH_CORRECTION)
        _CACHE["builds"] = ShelfBuilds(root, config, short, out, corrected_out)
    return _CACHE["builds"]


def issue_json(public: Path, day: date, edition: str = "daily") -> dict:
    folder = public / edition / f"{day:%Y}" / f"{day:%m}" / f"{day:%d}"
    return json.loads((folder / "issue.json").read_bytes())


def epoch_iso(epoch: str) -> str:
    return datetime.fromtimestamp(int(epoch), tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@contextmanager
def env_epoch(epoch: str):
    """SOURCE_DATE_EPOCH for code run in this process (publication times, corrections)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", epoch)
        yield


def weekly_build(tmp_path_factory) -> tuple[EditionConfig, Path]:
    """A second edition (one full build), for shelves holding several editions."""
    if "weekly" not in _CACHE:
        root = tmp_path_factory.mktemp("weekly-build")
        config = write_edition(root / "editions", "weekly", title="The Test Weekly")
        content = fill_content(root / "content", "Weekly review: a quiet week in the city", DAYS[2])
        _CACHE["weekly"] = (config, build_day(content.root, config, root / "out", DAYS[2]))
    return _CACHE["weekly"]
