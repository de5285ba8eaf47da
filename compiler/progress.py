"""Stage progress for people: a live display on a terminal, plain lines in logs.

On a terminal the stage being worked on turns beside a spinner, and each stage
that is over stays behind as a plain line (``[2/5] Laying out the PDF digest``):
no timestamps or source locations, which say nothing to the person waiting.
Anywhere else (cron, a log file, a pipe) every stage is one plain line when it
starts, so a log shows where a run stopped.
"""

from __future__ import annotations

import sys

from rich.console import Console
from rich.text import Text

DONE = "Done"
"""The last stage, always ``[N/N]``: a caller that runs stages of its own after the
build's (the night run publishes to the shelf) counts them in ``total``, and the
build's Done then waits for the caller's."""


def stage_count(outputs) -> int:
    """The build's stages: reading the stories, one per output (PDF, EPUB), publishing,
    done; so an EPUB-only edition ends on [4/4], not [4/5]."""
    return 3 + len(outputs)


class Progress:
    def __init__(self, total: int, stream=None, quiet: bool = False) -> None:
        self.total = total
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.console = Console(file=self.stream, highlight=False) if self.stream.isatty() else None
        self.step = 0
        self._status = None
        self._current = ""

    def stage(self, label: str) -> None:
        if label == DONE and self.step + 1 < self.total:
            return  # stages are still to come: Done is said once, by whoever runs the last
        self.step += 1
        if self.quiet:
            return
        line = f"[{self.step}/{self.total}] {label}"
        if self.console is None:
            print(line, file=self.stream, flush=True)
            return
        if self._status is None:
            self._status = self.console.status(Text(line))
            self._status.start()
        else:
            self._leave(self._current)
            self._status.update(Text(line))
        self._current = line

    def done(self) -> None:
        """Stop the live display, leaving the last stage's line; safe to call twice."""
        if self._status is not None:
            self._status.stop()
            self._status = None
            self._leave(self._current)

    def _leave(self, line: str) -> None:
        # Printed as Text: a stage label is never read as rich markup.
        self.console.print(Text(line))
