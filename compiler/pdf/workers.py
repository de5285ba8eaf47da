"""The worker pool that typesets parts, and keeps them until their numbers are known.

A part is typeset once, before the edition's page numbers exist, and written
later by the same process with the numbers filled in (``slots``); so each write
goes to the process holding that part, which a multiprocessing.Pool cannot do.

The pool survives its workers. A worker that dies, whenever it dies (idle,
while a job is sent, while it typesets or writes), is replaced: the job it had
is given to a fresh worker, and a part it held is typeset again from its job
(``Task.redo``). Only a job whose worker dies ``DEATHS_ALLOWED + 1`` times, or
that overruns its time budget, runs out of memory or fails, is reported as a
failure; the printer then finds the story at fault with the same pool
(``PROBE`` jobs, one story each). So the OOM killer or an operator's kill costs
a part's time, never the night.

Each job gets ``memory_mb`` of address space on top of what its worker already
holds, and a time budget. Workers are plain ``python -m compiler.pdf.workers``
processes on a socket pair, not multiprocessing's spawn, which re-runs the
``edition`` command's imports in every child and adds a resource tracker. Their
temporary files (WeasyPrint's font copies) go in a folder the pool removes, so a
killed worker leaves nothing behind.

``SerialPool`` (in ``jobs``) has the same interface and does everything in this
process (``--workers 0``), so a debugger or profiler sees the whole build; it
cannot enforce time or memory limits.

This module imports nothing heavy: the CLI starts the pool before it loads the
pipeline, so WeasyPrint loads in the workers while the stories are read.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from compiler.pdf.jobs import (
    SPLIT,
    TYPESET,
    WRITE,
    Failure,
    Outcome,
    SerialPool,
    Task,
    handle,
)

_STOP, _WARM = "stop", "warm"  # words to a worker process, not jobs
DEATHS_ALLOWED = 2
"""A job whose worker dies is given to a fresh worker this many times before it
counts as failed: one kill from outside must not cost a story."""
IDLE_BEFORE_COLLECTING = 0.1
"""Seconds a worker that holds nothing waits for its next message (a stop spares the
collection) before it collects garbage anyway."""


def _warm_up() -> None:
    from compiler.pdf.typeset import warm_up

    try:
        warm_up()
    except Exception:  # noqa: BLE001 - the first part meets the same problem and reports it
        pass


def _serve(conn, memory_mb: int, warm: bool) -> None:
    from compiler.memory import give_back

    if warm:
        _warm_up()  # while the parent reads the stories
    held: dict = {}
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
        if kind == _STOP:
            return
        if emptied:
            give_back()  # before the next part grows the heap again
            emptied = False
        if kind == _WARM:  # no reply: the parent does not wait for it
            _warm_up()
            continue
        status, value = handle(kind, key, payload, held, memory_mb)
        conn.send((status, key, value))
        emptied = kind == WRITE and not held


class _Worker:
    def __init__(self, memory_mb: int, warm: bool, scratch: Path):
        parent, child = socket.socketpair()
        package_root = str(Path(__file__).resolve().parents[2])
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

    def alive(self) -> bool:
        return self.process.poll() is None

    def send(self, task: Task) -> None:
        """Raises OSError when the worker is gone; the pool replaces it."""
        self.task, self.deadline = task, time.monotonic() + task.seconds
        self.conn.send((task.kind, task.key, task.payload))

    def ask_to_stop(self) -> None:
        """An idle worker is asked to stop; a busy one, whose result is no longer
        wanted, is killed. ``end`` waits for it."""
        if self.task is None:
            try:
                self.conn.send((_STOP, "", None))
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


def pool_for(config, size: int | None = None) -> WorkerPool | SerialPool:
    """The pool for an edition (an EditionConfig), started: ``size`` worker processes
    (default one per core), or a SerialPool for ``size == 0`` or an edition that prints
    no PDF. Use it as a context manager: whoever enters it owns it."""
    if "pdf" not in config.outputs or size == 0:
        return SerialPool()
    return WorkerPool(size or os.cpu_count() or 2, config.render_memory_mb).start()


class WorkerPool:
    """``size`` long-lived worker processes, started early. The first loads WeasyPrint
    at once, while the parent reads the stories; the others only when ``expect`` says
    there is work for them: a correction typesets one part, and a second worker
    warming up beside the first would slow it by a third."""

    def __init__(self, size: int, memory_mb: int):
        self.size = size
        self.memory_mb = memory_mb
        self.workers: list[_Worker] = []
        self.scratch: Path | None = None

    def __enter__(self) -> WorkerPool:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()

    def start(self) -> WorkerPool:
        if self.scratch is None:
            self.scratch = Path(tempfile.mkdtemp(prefix="edition-workers-"))
        while len(self.workers) < self.size:
            self.workers.append(_Worker(self.memory_mb, not self.workers, self.scratch))
        return self

    def expect(self, jobs: int) -> None:
        """``jobs`` parts are about to be typeset: warm that many workers."""
        self.start()
        for worker in self.workers[1:jobs]:
            if not worker.warm and worker.task is None:
                try:
                    worker.conn.send((_WARM, "", None))
                except OSError:
                    self._replace(worker)
                    continue
                worker.warm = True

    def holds(self, key: str) -> bool:
        return any(key in w.holds for w in self.workers)

    def stop_workers(self) -> None:
        """All stop together, and this returns once they are gone, so their memory is
        free before the join (which, at 200 stories, peaks at 600 MB on its own). The
        pool stays usable: ``process`` starts new ones."""
        for worker in self.workers:
            worker.ask_to_stop()
        for worker in self.workers:
            worker.end()
        self.workers = []

    def close(self) -> None:
        self.stop_workers()
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)
            self.scratch = None

    def _replace(self, worker: _Worker) -> None:
        worker.process.kill()  # a worker that failed may be in any state
        worker.end()
        self.workers[self.workers.index(worker)] = _Worker(self.memory_mb, True, self.scratch)

    def process(self, tasks: list[Task], then: Callable[[Task, Any], list[Task]] | None = None
                ) -> Outcome:
        """Do the tasks in the order given, each write on the worker holding its part.
        ``then`` sees each result as it comes and may answer with more tasks: a part is
        written as soon as its page numbers are known, while others are still typeset.
        Should ``then`` raise, the busy workers are stopped before the error goes on."""
        self.start()
        outcome = Outcome()
        pending = list(tasks)
        deaths: Counter[str] = Counter()
        try:
            while pending or any(w.task for w in self.workers):
                self._replace_dead_idle()
                self._redo_lost_writes(pending, outcome)
                self._dispatch(pending, deaths, outcome)
                busy = [w for w in self.workers if w.task]
                if not busy:
                    time.sleep(0.02)  # every pending part still waits for its photos
                    continue
                timeout = max(0.0, min(w.deadline for w in busy) - time.monotonic())
                if pending:
                    timeout = min(timeout, 0.05)
                for conn in wait([w.conn for w in busy], timeout):
                    worker = next(w for w in busy if w.conn is conn)
                    done = self._receive(worker, pending, deaths, outcome)
                    if done and then:
                        pending.extend(then(*done))
                for worker in [w for w in self.workers if w.task]:
                    if time.monotonic() > worker.deadline:
                        seconds = worker.task.seconds
                        outcome.failures[worker.task.key] = Failure(
                            f"took longer than {seconds:g} s", over_limit=True)
                        self._replace(worker)
        except BaseException:
            self.stop_workers()
            raise
        return outcome

    def _replace_dead_idle(self) -> None:
        for worker in [w for w in self.workers if not w.task and not w.alive()]:
            self._replace(worker)

    def _redo_lost_writes(self, pending: list[Task], outcome: Outcome) -> None:
        for task in [t for t in pending if t.kind == WRITE and not self.holds(t.key)]:
            pending.remove(task)
            if task.redo is not None:
                pending.insert(0, task.redo)
            else:
                outcome.failures[task.key] = Failure("its pages were lost with a worker")

    def _dispatch(self, pending: list[Task], deaths: Counter, outcome: Outcome) -> None:
        for worker in [w for w in self.workers if not w.task]:
            task = next((t for t in pending
                         if (t.key in worker.holds if t.kind == WRITE else t.ready())), None)
            if task is None:
                continue
            pending.remove(task)
            try:
                worker.send(task)
            except OSError:  # it died while idle or as the job was sent
                self._lost(worker, task, pending, deaths, outcome)

    def _lost(self, worker: _Worker, task: Task, pending: list[Task], deaths: Counter,
              outcome: Outcome) -> None:
        """``worker`` died with ``task``: replace it, and give the task to a fresh worker
        unless it has already seen too many die."""
        code = worker.process.poll()
        worker.task = None
        self._replace(worker)
        deaths[task.key] += 1
        if deaths[task.key] > DEATHS_ALLOWED:
            outcome.failures[task.key] = Failure(
                f"its layout process died {deaths[task.key]} times (last exit code {code})")
            return
        pending.insert(0, task.redo if task.kind == WRITE and task.redo else task)

    def _receive(self, worker: _Worker, pending: list[Task], deaths: Counter,
                 outcome: Outcome) -> tuple[Task, Any] | None:
        task = worker.task
        try:
            status, _, value = worker.conn.recv()
        except (EOFError, OSError):
            try:
                worker.process.wait(5)
            except subprocess.TimeoutExpired:
                pass
            self._lost(worker, task, pending, deaths, outcome)
            return None
        worker.task = None
        if status != "ok":
            outcome.failures[task.key] = Failure(value, over_limit=status == "limit")
            self._replace(worker)  # a worker that failed may be in any state
            return None
        if task.kind != WRITE:
            outcome.typeset += 1
        if task.kind == TYPESET:
            self._now_held(worker, {task.key})
        elif task.kind == SPLIT:
            self._now_held(worker, {run_key for run_key, _ in value})
        elif task.kind == WRITE:
            worker.holds.discard(task.key)
        return task, value

    def _now_held(self, worker: _Worker, keys: set[str]) -> None:
        """``worker`` holds the newest layout of these parts: a correction may lay a run
        out again (printer.split) while another worker still holds the old one, and a
        write must go to the new."""
        for other in self.workers:
            other.holds -= keys
        worker.holds |= keys


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
