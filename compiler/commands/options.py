"""Argument handling shared by every ``edition`` command: dates, folders, editions.

One place, so ``build`` and the shelf's ``nightly`` agree on what a bad date or
an unknown edition says and which exit code it gets.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from compiler.config import EditionConfig, find_edition, load_config
from compiler.diagnostics import EXIT_FAILED, EXIT_USAGE
from compiler.resources import EDITIONS_DIR


def parse_date(_ctx, _param, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not a date like 2026-11-25") from exc


def existing_folder(_ctx, _param, value: str) -> Path:
    path = Path(value)
    if not path.is_dir():
        raise click.BadParameter(f"{value} is not a folder")
    return path


def load_edition(name: str, invalid_exit: int = EXIT_FAILED) -> EditionConfig:
    """An unknown edition is a usage error; a broken definition exits with invalid_exit."""
    path = find_edition(name, [Path.cwd() / "editions", EDITIONS_DIR])
    if path is None:
        click.echo(f"edition: no edition definition {name!r} (looked for editions/{name}.toml; "
                   "give a name or a path to a .toml file)", err=True)
        sys.exit(EXIT_USAGE)
    config, problems = load_config(path)
    for problem in problems:
        click.echo(problem.format(), err=True)
    if config is None:
        sys.exit(invalid_exit)
    return config


EDITION_OPTION = click.option(
    "--edition", "edition_name", default="daily", show_default=True,
    help="Edition name (editions/NAME.toml) or path to a .toml file.")
