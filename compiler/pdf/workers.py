"""Worker processes that lay parts out and keep them until the numbers are known.

A part is laid out once, before the edition's page numbers exist, and written
later by the same process with the numbers filled in (page_slots); so the
parent has to send each write to the process holding that part, which a
multiprocessing.Pool cannot do. Each worker gets ``memory_mb`` of address
space on top of what it already holds for every part it lays out, and a time
budget; a worker that overruns, dies or fails is replaced, and the parts it
held are reported lost so the caller can lay them out again.

Workers are plain ``python -m compiler.pdf.workers`` processes talking over a
socket pair, not multiprocessing's spawn: spawn runs the parent's main script
again in every child (the ``edition`` command's imports, a quarter second
before the worker can start on WeasyPrint) and adds a resource-tracker process.
Their temporary files (WeasyPrint's copies of the fonts) go in a folder the
parent removes, so a worker killed for overrunning leaves nothing behind; and a
worker told to stop ends at once with ``os._exit``, rather than spending a
tenth of a second tearing down an interpreter while the parent waits to join.
"""

from __future__ import annotations

import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

RENDER, WRITE, RENDER_WRITE, STOP, WARM = "render", "write", "render+write", "stop", "warm"
IDLE_BEFORE_COLLECTING = 0.1
"""Seconds a worker that holds nothing waits for its next message (a stop spares the
collection) before it collects garbage anyway."""


@dataclass
class Task:
    key: str
    kind: str
    payload: Any
    seconds: float
    ready: Callable[[], bool] = lambda: True
    """False while the part's photos are still being prepared."""


@dataclass
class Outcome:
    failures: dict[str, str] = field(default_factory=dict)
    laid_out: int = 0


def _address_space() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * resource.getpagesize()


def _allow(memory_mb: int) -> None:
    """Room for one more part on top of those held: a bad story costs its own part."""
    if memory_mb:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        soft = _address_space() + memory_mb * 1024 * 1024
        if hard != resource.RLIM_INFINITY:
            soft = min(soft, hard)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _warm_up() -> None:
    from compiler.pdf.typeset import warm_up

    try:
        warm_up()
    except Exception:  # noqa: BLE001 - the first part meets the same problem and reports it
        pass


def _serve(conn, memory_mb: int, warm: bool) -> None:
    from compiler.memory import give_back
    from compiler.pdf.typeset import render_part, write_part

    if warm:
        _warm_up()  # while the parent reads the stories
    held = {}
    # Holding nothing since its last write: memory to hand back (give_back), unless the
    # next word is stop, for a worker that exits frees it all at once. A full
    # collection walks every kept part, so only when none are kept.
    emptied = False
    while True:
        if emptied and not conn.poll(IDLE_BEFORE_COLLECTING):
            give_back()  # idle while others are still at work
            emptied = False
        try:
            kind, key, payload = conn.recv()
        except EOFError:
            return
        if kind == STOP:
            return
        if emptied:
            give_back()  # before the next part grows the heap again
            emptied = False
        if kind == WARM:  # no reply: the parent does not wait for it
            _warm_up()
            continue
        try:
            if kind == WRITE:
                numbers, first_page = payload
                reply = write_part(held.pop(key), numbers, first_page)
            else:
                _allow(memory_mb)
                job, numbers, first_page = payload
                document, layout = render_part(job)
                if kind == RENDER:
                    held[key] = document
                else:
                    layout.pdf, problems = write_part(document, numbers, first_page)
                    layout.problems += problems
                del document
                reply = layout
            conn.send(("ok", key, reply))
            emptied = kind == WRITE and not held
        except MemoryError:
            held.clear()
            conn.send(("error", key, f"ran out of memory (limit {memory_mb} MB)"))
        except RecursionError:
            conn.send(("error", key, "markup is nested too deeply to lay out"))
        except Exception as exc:  # the parent decides; the worker only reports
            detail = traceback.format_exception_only(type(exc), exc)[-1].strip()
            conn.send(("error", key, detail[:500]))


class _Worker:
    def __init__(self, memory_mb: int, warm: bool, scratch: Path):
        parent, child = socket.socketpair()
        package_root = str(Path(__file__).resolve().parent.parent)
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            [package_root, *filter(None, [os.environ.get("PYTHONPATH")])])}
        with child:
            self.process = subprocess.Popen(
                [sys.executable, "-m", __name__, str(child.fileno()), str(memory_mb),
                 "warm" if warm else "cold", str(scratch)],
                pass_fds=(child.fileno(),), stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, env=env)
        self.conn = Connection(parent.detach())
        self.warm = warm
        self.task: Task | None = None
        self.deadline = 0.0
        self.holds: set[str] = set()

    def send(self, task: Task) -> None:
        self.task, self.deadline = task, time.monotonic() + task.seconds
        self.conn.send((task.kind, task.key, task.payload))

    def ask_to_stop(self) -> None:
        """An idle worker is asked to stop; a busy one, whose result is no longer
        wanted, is killed. ``end`` waits for it."""
        if self.task is None:
            try:
                self.conn.send((STOP, "", None))
                return
            except OSError:
                pass
        self.process.kill()

    def end(self) -> None:
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:  # unresponsive
            self.process.kill()
            self.process.wait(5)
        self.conn.close()


def workers_for(config, size: int | None = None) -> PartWorkers | None:
    """Started workers for an edition (an EditionConfig) that prints a PDF, else None;
    ``size`` defaults to one per core."""
    if "pdf" not in config.outputs:
        return None
    return PartWorkers(size or os.cpu_count() or 2, config.render_memory_mb).start()


class PartWorkers:
    """``size`` long-lived worker processes, started early. The first loads WeasyPrint
    at once, while the parent reads the stories; the others only when ``expect`` says
    there is work for them: a correction lays out one part, and a second worker
    warming up beside the first would slow it by a third."""

    def __init__(self, size: int, memory_mb: int):
        self.size = size
        self.memory_mb = memory_mb
        self.workers: list[_Worker] = []
        self.scratch: Path | None = None

    def start(self) -> PartWorkers:
        if self.scratch is None:
            self.scratch = Path(tempfile.mkdtemp(prefix="edition-workers-"))
        while len(self.workers) < self.size:
            self.workers.append(_Worker(self.memory_mb, not self.workers, self.scratch))
        return self

    def expect(self, layouts: int) -> None:
        """``layouts`` parts are about to be laid out: warm that many workers."""
        self.start()
        for worker in self.workers[1:layouts]:
            if not worker.warm and worker.task is None:
                worker.conn.send((WARM, "", None))
                worker.warm = True

    def holder(self, key: str) -> _Worker | None:
        return next((w for w in self.workers if key in w.holds), None)

    def close(self) -> None:
        """All stop together; returns once they are gone, so their memory is free
        before the join (which, at 200 stories, peaks at 600 MB on its own).
        ``start`` makes new ones."""
        for worker in self.workers:
            worker.ask_to_stop()
        for worker in self.workers:
            worker.end()
        self.workers = []
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)
            self.scratch = None

    def _replace(self, worker: _Worker) -> None:
        worker.process.kill()  # a worker that failed may be in any state
        worker.end()
        self.workers[self.workers.index(worker)] = _Worker(self.memory_mb, True, self.scratch)

    def run(self, tasks: list[Task], then: Callable[[Task, Any], list[Task]] | None = None
            ) -> Outcome:
        """Run tasks in the order given, writes on the worker holding their part.
        ``then`` sees each result as it comes and may answer with more tasks: a part
        is written as soon as its page numbers are known, while others still lay out."""
        self.start()
        outcome = Outcome()
        pending = list(tasks)
        while pending or any(w.task for w in self.workers):
            for task in [t for t in pending if t.kind == WRITE and not self.holder(t.key)]:
                outcome.failures[task.key] = "its laid-out pages were lost with a failed worker"
                pending.remove(task)
            self._dispatch(pending)
            busy = [w for w in self.workers if w.task]
            if not busy:
                time.sleep(0.02)  # every pending part still waits for its photos
                continue
            now = time.monotonic()
            timeout = max(0.0, min(w.deadline for w in busy) - now)
            if pending:
                timeout = min(timeout, 0.05)
            for conn in wait([w.conn for w in busy], timeout):
                done = self._receive(next(w for w in busy if w.conn is conn), outcome)
                if done and then:
                    pending.extend(then(*done))
            for worker in [w for w in self.workers if w.task]:
                if time.monotonic() > worker.deadline:
                    outcome.failures[worker.task.key] = "timed out"
                    self._replace(worker)
        return outcome

    def _dispatch(self, pending: list[Task]) -> None:
        for worker in [w for w in self.workers if not w.task]:
            for task in pending:
                if task.kind == WRITE:
                    if task.key in worker.holds:
                        break
                elif task.ready():
                    break
            else:
                continue
            pending.remove(task)
            worker.send(task)

    def _receive(self, worker: _Worker, outcome: Outcome) -> tuple[Task, Any] | None:
        task = worker.task
        try:
            status, _, value = worker.conn.recv()
        except (EOFError, OSError):
            try:
                code = worker.process.wait(5)
            except subprocess.TimeoutExpired:
                code = None
            outcome.failures[task.key] = f"render process died (exit code {code})"
            self._replace(worker)
            return None
        worker.task = None
        if status != "ok":
            outcome.failures[task.key] = value
            self._replace(worker)  # a worker that failed may be in any state
            return None
        if task.kind != WRITE:
            outcome.laid_out += 1
        if task.kind == RENDER:
            worker.holds.add(task.key)
        elif task.kind == WRITE:
            worker.holds.discard(task.key)
        return task, value


def _main(fd: str, memory_mb: str, warm: str, scratch: str) -> None:
    from compiler.text.fonts import isolate_fontconfig

    isolate_fontconfig()  # its cache stays in the shared temporary folder, across builds
    tempfile.tempdir = scratch
    _serve(Connection(int(fd)), int(memory_mb), warm == "warm")
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)  # the kernel frees the memory at once; nothing else needs an orderly end


if __name__ == "__main__":
    _main(*sys.argv[1:5])
