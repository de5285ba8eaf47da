"""Stage progress for people: a live display on a terminal, plain lines in logs."""

from __future__ import annotations

import sys

from rich.console import Console


class Progress:
    def __init__(self, total: int, stream=None, quiet: bool = False) -> None:
        self.total = total
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.console = Console(file=self.stream) if self.stream.isatty() else None
        self.step = 0
        self._status = None

    def stage(self, label: str) -> None:
        self.step += 1
        if self.quiet:
            return
        line = f"[{self.step}/{self.total}] {label}"
        if self.console:
            if self._status is None:
                self._status = self.console.status(line)
                self._status.start()
            else:
                self._status.update(line)
            self.console.log(line)
        else:
            print(line, file=self.stream, flush=True)

    def done(self) -> None:
        if self._status is not None:
            self._status.stop()
            self._status = None
