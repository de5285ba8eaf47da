"""``edition ingest``: parse, call ``compiler.ingest.run``, print one line per item."""

from __future__ import annotations

import sys
import traceback
from datetime import UTC, datetime
from pathlib import Path

import click

from compiler.commands.options import EDITION_OPTION, load_edition
from compiler.diagnostics import EXIT_FAILED, EXIT_USAGE

FORMAT_CHOICES = ("auto", "rss", "atom", "wordpress", "ninjs", "jsonfeed")


def parse_since(_ctx, _param, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not a date or time like 2026-11-25 or "
                                 "2026-11-25T06:00:00+07:00") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@click.command("ingest", epilog="Exit codes: 0 the content folder holds stories from the "
               "sources; 1 nothing could be read; 2 usage.")
@click.argument("arguments", nargs=-1, required=True, metavar="[SOURCE]... CONTENT")
@EDITION_OPTION
@click.option("--format", "fmt", type=click.Choice(FORMAT_CHOICES), default="auto",
              show_default=True, help="What the sources are (auto: look at each).")
@click.option("--since", callback=parse_since, metavar="DATETIME",
              help="Skip items published before this (ISO 8601; no zone means UTC).")
@click.option("--prune", is_flag=True,
              help="Remove stories ingest wrote earlier whose items the sources no longer list.")
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="HOST",
              help="Also fetch photos from HOST, even at a private address (repeatable).")
@click.option("--quiet", is_flag=True, help="Print only problems and the summary.")
@click.option("--debug", is_flag=True, help="Show tracebacks.")
def ingest_command(arguments: tuple[str, ...], edition_name: str, fmt: str, since,
                   prune: bool, allow_hosts: tuple[str, ...], quiet: bool, debug: bool) -> None:
    """Turn feeds (files or http(s) URLs) into CONTENT: stories/*.md and images/.

    SOURCE is RSS 2.0, Atom, WordPress REST posts (?_embed), IPTC ninjs or JSON Feed;
    without SOURCE, the edition's `sources` are read. A second run rewrites only the
    items the source changed. One line per item goes to the terminal and to
    CONTENT/ingest.report.json.
    """
    from compiler.ingest.run import ingest

    *sources, content = arguments
    config = load_edition(edition_name)
    base = None
    if not sources:
        sources, base = list(config.sources), (config.path.parent if config.path else None)
    if not sources:
        click.echo("edition: give at least one SOURCE, or list `sources` in the edition "
                   "definition", err=True)
        sys.exit(EXIT_USAGE)
    folder = Path(content)
    if folder.exists() and not folder.is_dir():
        click.echo(f"edition: {content} is not a folder", err=True)
        sys.exit(EXIT_USAGE)
    try:
        result = ingest(sources, folder, config, fmt=fmt, since=since, prune=prune,
                        allow_hosts=allow_hosts, base=base)
    except Exception as exc:
        if debug:
            traceback.print_exc()
        click.echo(f"edition: ingest failed: {type(exc).__name__}: {exc} (run with --debug "
                   "for details)", err=True)
        sys.exit(EXIT_FAILED)
    for line in result.lines:
        if not quiet or line.status in ("warning", "failed", "skipped"):
            click.echo(line.format(), err=line.status in ("warning", "failed", "skipped"))
    click.echo(result.summary())
    sys.exit(result.exit_code)
