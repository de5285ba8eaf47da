"""The ``edition`` command: parses, calls the pipeline, prints. Nothing else.

The pipeline is imported inside the commands, after ``build`` has started its
layout workers: they load WeasyPrint while this process loads the rest (a
fifth of a second sooner, on a correction that takes two).
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

import click

from compiler.commands.options import EDITION_OPTION, existing_folder, load_edition, parse_date
from compiler.commands.words import counted
from compiler.diagnostics import CATALOGUE, EXIT_FAILED, EXIT_OK
from compiler.pdf.workers import pool_for
from compiler.progress import Progress, stage_count

if TYPE_CHECKING:
    from compiler.build import BuildResult


def _report(result: BuildResult, strict: bool) -> None:
    for diagnostic in result.diagnostics:
        click.echo(diagnostic.format(result.content_root), err=True)
    left = len(result.left_out)
    if result.exit_code == EXIT_OK and result.outputs:
        names = ", ".join(str(p) for p in result.outputs.values())
        click.echo(f"Wrote {names}: {counted(len(result.included), 'story', 'stories')}, "
                   f"{counted(result.pages, 'page', 'pages')}, {left} left out, "
                   f"{counted(len(result.warnings), 'warning', 'warnings')}.")
    elif result.exit_code == EXIT_OK:
        click.echo(f"{counted(len(result.included), 'story', 'stories')} usable, "
                   f"{left} left out, {counted(len(result.warnings), 'warning', 'warnings')}.")
    elif strict and result.diagnostics:
        click.echo(f"edition: --strict: {counted(len(result.diagnostics), 'problem', 'problems')}"
                   "; nothing was written.", err=True)
    else:
        click.echo("edition: nothing was written; the previous edition is unchanged.", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="edition-compiler")
def main() -> None:
    """Turn a day's stories into a print PDF digest and an EPUB."""


@main.command("build")
@click.argument("content", callback=existing_folder)
@EDITION_OPTION
@click.option("--out", "out_dir", default="dist", show_default=True, type=click.Path(),
              help="Folder the PDF, EPUB and report are written to.")
@click.option("--date", "day", callback=parse_date, help="Edition date, YYYY-MM-DD.")
@click.option("--strict", is_flag=True, help="Any problem fails the build; nothing is written.")
@click.option("--cache-dir", type=click.Path(),
              help="Cache of laid-out parts and photos [default: OUT/.cache].")
@click.option("--no-cache", is_flag=True, help="Lay everything out afresh.")
@click.option("--workers", type=click.IntRange(0, 64),
              help="Layout processes [default: cores]; 0 lays out in this process, "
                   "without time or memory limits (for a debugger or profiler).")
@click.option("--quiet", is_flag=True, help="No progress lines.")
@click.option("--debug", is_flag=True, help="Show tracebacks.")
def build_command(content: Path, edition_name: str, out_dir: str, day, strict: bool,
                  cache_dir: str | None, no_cache: bool, workers: int | None,
                  quiet: bool, debug: bool) -> None:
    """Build the edition from CONTENT (a folder with stories/*.md)."""
    config = load_edition(edition_name)
    progress = Progress(stage_count(config.outputs), quiet=quiet)
    cache = None if no_cache else Path(cache_dir or Path(out_dir) / ".cache")
    # The workers start first and load WeasyPrint while this process imports the
    # pipeline and reads the stories; this command owns them and stops them.
    with pool_for(config, workers) as pool:
        from compiler.build import build

        try:
            result = build(content, config, Path(out_dir), day, strict=strict,
                           progress=progress, cache_dir=cache, pool=pool)
        except Exception as exc:
            progress.done()
            if debug:
                traceback.print_exc()
            click.echo(f"edition: build failed: {type(exc).__name__}: {exc} "
                       "(run with --debug for details); the previous edition is unchanged.",
                       err=True)
            sys.exit(EXIT_FAILED)
    progress.done()
    _report(result, strict)
    sys.exit(result.exit_code)


@main.command("check")
@click.argument("content", callback=existing_folder)
@EDITION_OPTION
@click.option("--strict", is_flag=True, help="Warnings count as failures too.")
def check_command(content: Path, edition_name: str, strict: bool) -> None:
    """Validate CONTENT and print every problem at once; exit 1 if any is an error."""
    from compiler.build import build

    config = load_edition(edition_name)
    result = build(content, config, Path("."), write=False)
    for diagnostic in result.diagnostics:
        click.echo(diagnostic.format(result.content_root), err=True)
    failed = bool(result.errors) or result.exit_code != EXIT_OK or (strict and result.warnings)
    errors = counted(len(result.errors), "error", "errors")
    click.echo(f"{counted(len(result.included), 'story', 'stories')} usable, "
               f"{len(result.left_out)} left out, {errors}, "
               f"{counted(len(result.warnings), 'warning', 'warnings')}.")
    sys.exit(EXIT_FAILED if failed else EXIT_OK)


@main.command("codes")
def codes_command() -> None:
    """List every diagnostic code with its severity and fix (Markdown table)."""
    click.echo("| code | severity | meaning | fix |\n|---|---|---|---|")
    for code in CATALOGUE.values():
        click.echo(f"| {code.code} | {code.severity.value} | {code.summary} | {code.fix} |")


from compiler.commands.shelf import register  # noqa: E402  (the shelf adds its commands to main)

register(main)
from compiler.commands.ingest import ingest_command  # noqa: E402

main.add_command(ingest_command)
if __name__ == "__main__":
    main()
