"""``edition publish``, ``nightly``, ``preview`` and ``shelf verify``: parse, call, print.

Added to the ``edition`` group by ``register(main)`` at the end of cli.py, so
this package can grow without touching the build commands. Argument helpers
come from ``compiler.commands.options``, shared with the build commands. The pipeline
is imported inside the commands that run it: importing this module must stay
light, or ``edition build`` could not start its workers first (cli.py).
"""

from __future__ import annotations

import signal
import sys
import time
import traceback
from datetime import date
from pathlib import Path

import click

from compiler.commands.options import EDITION_OPTION, load_edition
from compiler.commands.options import existing_folder as _folder
from compiler.commands.options import parse_date as _parse_date
from compiler.commands.words import counted
from compiler.config import EditionConfig
from compiler.diagnostics import EXIT_FAILED as EXIT_NOTHING_PUBLISHED
from compiler.diagnostics import EXIT_OK, EXIT_USAGE
from compiler.diagnostics import EXIT_OK as EXIT_PUBLISHED
from compiler.pdf.workers import pool_for
from compiler.progress import Progress
from compiler.shelf.lock import EXIT_LOCKED, Locked, describe_os_error, shelf_lock

EXIT_CODES_HELP = ("Exit codes: 0 published; 1 nothing published (the shelf is unchanged); "
                   "2 usage; 75 another run holds PUBLIC/.nightly.lock (try again later).")


def _edition(name: str) -> EditionConfig:
    return load_edition(name, invalid_exit=EXIT_USAGE)


@click.command("publish", epilog=EXIT_CODES_HELP)
@click.argument("out_dir", callback=_folder)
@click.argument("public", type=click.Path(file_okay=False))
@EDITION_OPTION
@click.option("--date", "day", callback=_parse_date, required=True,
              help="Edition date, YYYY-MM-DD.")
@click.option("--debug", is_flag=True, help="Show tracebacks.")
def publish_command(out_dir: Path, public: str, edition_name: str, day: date,
                    debug: bool) -> None:
    """Publish a finished build from OUT_DIR into the archive at PUBLIC.

    Copies the PDF, EPUB and report into PUBLIC/<edition>/YYYY/MM/DD/, switches
    latest.pdf/latest.epub to the newest date, applies retention and rewrites
    the OPDS catalogue and download pages. Publishing a date again is a
    correction and is recorded in PUBLIC/<edition>/corrections.json.

    --edition is optional (daily unless given); give the edition the build was made for.
    """
    from compiler.shelf.nightly import describe_failure, publish

    config = _edition(edition_name)
    public_dir = Path(public)
    try:
        with shelf_lock(public_dir):
            publication = publish(out_dir, public_dir, config, day)
    except Locked as exc:
        click.echo(f"edition: {exc}", err=True)
        sys.exit(EXIT_LOCKED)
    except Exception as exc:  # a refusal, or PUBLIC that cannot be written: one line
        if debug:
            traceback.print_exception(exc)
        click.echo(f"edition: nothing was published: "
                   f"{describe_failure(exc, public_dir, public_dir, 'publishing')}", err=True)
        sys.exit(EXIT_NOTHING_PUBLISHED)
    _print_publication(publication)
    sys.exit(EXIT_PUBLISHED)


@click.command("nightly", epilog=EXIT_CODES_HELP + " With several editions: 0 only when "
               "every edition was published; 1 when one was not (the others are published).")
@click.argument("content", callback=_folder)
@click.argument("public", type=click.Path(file_okay=False))
@click.option("--edition", "edition_names", multiple=True, default=("daily",),
              show_default=True, metavar="NAME|PATH",
              help="Edition: a name (editions/NAME.toml, here or bundled) or a path to a "
                   ".toml file. Repeat it to build and publish several editions of the same "
                   "day from CONTENT in one run.")
@click.option("--date", "day", callback=_parse_date,
              help="Edition date, YYYY-MM-DD (default: today on the local clock).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False),
              help="Keep the build here too (default: a temporary folder).")
@click.option("--skip-published", is_flag=True,
              help="Build only the editions whose date is not on the shelf yet (for retries).")
@click.option("--quiet", is_flag=True, help="No progress lines; the summary is still printed.")
@click.option("--debug", is_flag=True, help="Show tracebacks.")
def nightly_command(content: Path, public: str, edition_names: tuple[str, ...],
                    day: date | None, out_dir: str | None, skip_published: bool, quiet: bool,
                    debug: bool) -> None:
    """Build CONTENT and publish it to PUBLIC, one run at a time (for cron/systemd).

    Appends one summary line to PUBLIC/<edition>/nightly.log and prints it, for each edition.
    """
    configs = _editions(edition_names)
    if len(configs) > 1 or skip_published:
        _nights(content, Path(public), configs, day, out_dir, skip_published, quiet, debug)
    config, = configs
    # The workers start before the pipeline loads, as in ``edition build``; this
    # command owns them and stops them when the night is done (or refused).
    with pool_for(config) as pool:
        from compiler.shelf.nightly import night_stage_count, run_nightly

        progress = Progress(night_stage_count(config.outputs), quiet=quiet)
        try:
            run = run_nightly(content, Path(public), config, day,
                              Path(out_dir) if out_dir else None, progress, pool)
        finally:
            progress.done()
    _print_night(run, debug)
    click.echo(run.summary)
    sys.exit(run.exit_code)


def _editions(names: tuple[str, ...]) -> list[EditionConfig]:
    """Each edition once; two definitions with one name would publish to one folder."""
    configs: dict[str, EditionConfig] = {}
    for name in names:
        config = _edition(name)
        other = configs.get(config.name)
        if other is not None and other.path != config.path:
            click.echo(f"edition: --edition {name} and another --edition are both named "
                       f"{config.name!r} ({other.path} and {config.path}); they would publish "
                       f"to the same folder — give editions with different names", err=True)
            sys.exit(EXIT_USAGE)
        configs[config.name] = config
    return list(configs.values())


def _nights(content: Path, public: Path, configs: list[EditionConfig], day: date | None,
            out_dir: str | None, skip_published: bool, quiet: bool, debug: bool) -> None:
    """Several editions of one day (compiler/shelf/several.py): one lock, one pool."""
    laying_out = [c for c in configs if "pdf" in c.outputs]
    # One pool for every edition: WeasyPrint loads and warms up once.
    with pool_for(max(laying_out, key=lambda c: c.render_memory_mb) if laying_out
                  else configs[0]) as pool:
        from compiler.shelf.several import nights_stage_count, run_nights

        progress = Progress(nights_stage_count(configs), quiet=quiet)
        try:
            night = run_nights(content, public, configs, day,
                               Path(out_dir) if out_dir else None, progress, pool,
                               skip_published)
        finally:
            progress.done()
    said: set = set()
    for name, run in night.runs.items():
        _print_night(run, debug, said, f"{name}: " if len(configs) > 1 else "")
    for run in night.runs.values():
        click.echo(run.summary)
    sys.exit(night.exit_code)


def _print_night(run, debug: bool, said: set | None = None, edition: str = "") -> None:
    """What went wrong and what was published, on stderr. ``said``: lines already
    printed for another edition of the night (a story's problem is the same in both)."""
    said = set() if said is None else said
    if run.ingest is not None and id(run.ingest) not in said:  # read before the build
        said.add(id(run.ingest))
        for line in run.ingest.lines:
            if line.status in ("warning", "failed", "skipped"):
                click.echo(line.format(), err=True)
        click.echo(run.ingest.summary(), err=True)
    if run.build is not None:
        for diagnostic in run.build.diagnostics:
            text = diagnostic.format(run.build.content_root)
            if not edition or text not in said:
                said.add(text)
                click.echo(text, err=True)
    if run.error is not None and debug:
        traceback.print_exception(run.error)
    error = _night_error(run)
    if error:
        click.echo(f"edition: {edition}{error}", err=True)
    if run.publication is not None:
        _print_publication(run.publication, quiet=True)


def _night_error(run) -> str:
    """The one line that says what went wrong, if anything, and what to do."""
    if run.publication is not None:
        return (f"published, but the night's line could not be written: {run.log_problem}"
                if run.log_problem else "")
    if run.exit_code == EXIT_LOCKED:
        error = str(run.error)
    else:
        error = f"nothing was published: {run.problem}"
        if run.error is None and run.build is not None and run.build.diagnostics:
            error += " — fix the problems listed above and run again"
    if not run.log_problem:
        return error
    if run.log_problem == run.problem:  # one cause (a missing PUBLIC): said once
        return f"{error}; the night's line could not be written either"
    what, _, remedy = run.log_problem.rpartition(" — ")
    unlogged = what if what and remedy in run.problem else run.log_problem  # remedy said once
    return f"{error}; the night's line could not be written either: {unlogged}"


@click.command("preview")
@click.argument("content", callback=_folder)
@EDITION_OPTION
@click.option("--date", "day", callback=_parse_date, help="Edition date, YYYY-MM-DD.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port on 127.0.0.1 (0 picks a free one).")
def preview_command(content: Path, edition_name: str, day: date | None, port: int) -> None:
    """Serve CONTENT as HTML on 127.0.0.1 and rebuild it whenever a file changes."""
    from compiler.shelf.preview import Preview  # pulls in WeasyPrint; keep the other commands light

    config = _edition(edition_name)
    try:
        preview = Preview(content, config, day, port=port)
    except OSError as exc:
        click.echo(f"edition: cannot listen on 127.0.0.1:{port} ({exc.strerror or exc}); "
                   "try another --port", err=True)
        sys.exit(EXIT_NOTHING_PUBLISHED)
    signal.signal(signal.SIGTERM, _interrupt)  # systemctl stop / kill: stop as cleanly as Ctrl-C
    url = preview.start()
    click.echo(f"Previewing {config.title} at {url} — rebuilt when {content} changes; "
               "Ctrl-C to stop.")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        click.echo("Stopped.")
    finally:
        preview.stop()


def _interrupt(_signum, _frame) -> None:
    raise KeyboardInterrupt


def _print_publication(publication, quiet: bool = False) -> None:
    issue = publication.issue
    click.echo(f"Published {issue.edition} {issue.date} ({publication.status}) to "
               f"{publication.folder}", err=quiet)
    if publication.correction:
        click.echo(f"Recorded the correction of {issue.date} in corrections.json.", err=quiet)
    if publication.removed:
        days = ", ".join(d.isoformat() for d in publication.removed)
        removed = counted(len(publication.removed), "date", "dates")
        click.echo(f"Retention removed {removed}: {days}.", err=quiet)
    if publication.latest is not None:
        click.echo(f"latest is {publication.latest.date}.", err=quiet)


@click.group("shelf")
def shelf_group() -> None:
    """Look after a publication folder."""


@shelf_group.command("verify")
@click.argument("public", type=click.Path(file_okay=False))
@click.option("--repair", is_flag=True,
              help="Repair what can be repaired (under the lock, as a publication would).")
@click.option("--debug", is_flag=True, help="Show tracebacks.")
def verify_command(public: str, repair: bool, debug: bool) -> None:
    """Check that PUBLIC is consistent: nothing half-published, every file its record
    names, latest.* the newest issue, every feed and page up to date.

    Prints one line per problem and a summary. Exit codes: 0 consistent (after
    --repair: nothing left); 1 problems left, or PUBLIC cannot be read;
    75 (--repair) another run holds PUBLIC/.nightly.lock.
    """
    from compiler.shelf.verify import verify_shelf

    folder = Path(public)
    if not folder.is_dir():  # a file is refused by click, as a usage error
        click.echo(f"edition: {folder} does not exist — give the publication folder "
                   "(the PUBLIC of edition nightly)", err=True)
        sys.exit(EXIT_NOTHING_PUBLISHED)
    try:
        if repair:
            with shelf_lock(folder):
                verification = verify_shelf(folder, repair=True)
        else:
            verification = verify_shelf(folder)
    except Locked as exc:
        click.echo(f"edition: {exc}", err=True)
        sys.exit(EXIT_LOCKED)
    except Exception as exc:
        if debug:
            traceback.print_exception(exc)
        problem = (describe_os_error(exc, folder) if isinstance(exc, OSError) else
                   f"verifying failed: {type(exc).__name__}: {exc} (run with --debug for the "
                   "traceback)")
        click.echo(f"edition: {problem}", err=True)
        sys.exit(EXIT_NOTHING_PUBLISHED)
    for finding in verification.findings:
        click.echo(f"{finding.path}: {finding.problem}"
                   + (" (repaired)" if finding.repaired else ""))
    click.echo(_verdict(folder, verification, repair))
    sys.exit(EXIT_OK if verification.ok else EXIT_NOTHING_PUBLISHED)


def _verdict(folder: Path, verification, repair: bool) -> str:
    repaired = sum(1 for finding in verification.findings if finding.repaired)
    left = len(verification.findings) - repaired
    done = f"repaired {counted(repaired, 'problem', 'problems')}; " if repaired else ""
    if not left:
        return f"{folder}: {done}the shelf is consistent."
    todo = ("what is left needs a person (see above)" if repair
            else f"run `edition shelf verify --repair {folder}` to repair what can be")
    return f"{folder}: {done}{counted(left, 'problem', 'problems')} left — {todo}."


def register(group: click.Group) -> None:
    for command in (publish_command, nightly_command, preview_command, shelf_group):
        group.add_command(command)
