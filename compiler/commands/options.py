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
from compiler.diagnostics import EXIT_FAILED, EXIT_USAGE, Diagnostic, diag
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
    folders = [Path.cwd() / "editions", EDITIONS_DIR]
    path = find_edition(name, folders)
    if path is None:
        click.echo(unknown_edition(name, folders).format(), err=True)
        sys.exit(EXIT_USAGE)
    config, problems = load_config(path)
    for problem in problems:
        click.echo(problem.format(), err=True)
    if config is None:
        sys.exit(invalid_exit)
    return config


def unknown_edition(name: str, folders: list[Path]) -> Diagnostic:
    """E001 naming what was looked for and the editions there are, so the fix is a choice
    from a list rather than a guess."""
    if Path(name).suffix == ".toml" or "/" in name:
        return diag("E001", f"there is no file {name}; give the path of an edition's .toml file")
    places = " and ".join(dict.fromkeys(_shown(folder) for folder in folders))
    names = sorted({p.stem for folder in folders if folder.is_dir()
                    for p in folder.glob("*.toml") if p.is_file()})
    choice = f"editions found: {', '.join(names)}" if names else "no editions found there"
    return diag("E001", f"no edition definition named {name!r} (looked for {name}.toml in "
                f"{places}); {choice} — give one of them, or a path to a .toml file")


def _shown(folder: Path) -> str:
    """A folder as short as it can be said: relative to where the command runs, if inside."""
    try:
        return f"{folder.relative_to(Path.cwd())}/"
    except ValueError:
        return f"{folder}/"


EDITION_OPTION = click.option(
    "--edition", "edition_name", default="daily", show_default=True, metavar="NAME|PATH",
    help="Edition: a name (editions/NAME.toml, here or bundled) or a path to a .toml file.")
