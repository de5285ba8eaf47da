"""A layout job, done the same way in whichever process runs it.

The pool's workers and ``SerialPool`` (everything in this process, for a debugger
or a profiler, like Sphinx's SerialTasks) share ``handle``: the one place a job is
given its memory budget and its errors become reasons. Imports nothing heavy, like
``workers``: WeasyPrint is loaded only when a job runs.
"""

from __future__ import annotations

import resource
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

TYPESET = "typeset"  # typeset and keep the document for a later WRITE
WRITE = "write"  # fill in the numbers of a kept document and write it
TYPESET_WRITE = "typeset+write"  # both at once (numbers already known)
PROBE = "probe"  # typeset, report, keep nothing: finding the story at fault
SPLIT = "split"  # typeset a section's flow, keep it as runs cut where a story starts a page


@dataclass
class Task:
    key: str
    kind: str
    payload: Any
    """TYPESET, TYPESET_WRITE, PROBE: (job, numbers or None, first page); WRITE: (numbers,
    first page); SPLIT: (job, story anchor -> key of the run it would start:
    typeset.split_flow)."""
    seconds: float
    ready: Callable[[], bool] = lambda: True
    """False while the part's photos are still being prepared."""
    redo: Task | None = None
    """For a WRITE: the same part typeset and written at once, should the worker holding
    its pages die."""


@dataclass(frozen=True)
class Failure:
    reason: str
    over_limit: bool = False
    """The job overran its time or memory budget (rather than failing outright)."""


@dataclass
class Outcome:
    failures: dict[str, Failure] = field(default_factory=dict)
    typeset: int = 0
    """Jobs WeasyPrint typeset (for the build report)."""


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


def handle(kind: str, key: str, payload, held: dict, memory_mb: int) -> tuple[str, Any]:
    """Do one job, in whichever process runs it: ("ok", result), ("limit", reason) or
    ("error", reason). The one place a job's errors become reasons."""
    from compiler.pdf.typeset import split_flow, typeset_part, write_part

    try:
        if kind == WRITE:
            numbers, first_page = payload
            return "ok", write_part(held.pop(key), numbers, first_page)
        if kind == SPLIT:
            _allow(memory_mb)
            runs = split_flow(key, *payload)
            held.update((run_key, document) for run_key, document, _ in runs)
            return "ok", [(run_key, typeset) for run_key, _, typeset in runs]
        job, numbers, first_page = payload
        _allow(memory_mb)
        document, typeset = typeset_part(job)
        if kind == TYPESET:
            held[key] = document
        elif kind == TYPESET_WRITE:
            typeset.pdf, problems = write_part(document, numbers, first_page)
            typeset.problems += problems
        return "ok", typeset
    except MemoryError:
        held.clear()
        return "limit", f"ran out of memory (limit {memory_mb} MB)"
    except RecursionError:
        return "error", "markup is nested too deeply to lay out"
    except Exception as exc:  # the pool's owner decides; the job only reports
        detail = traceback.format_exception_only(type(exc), exc)[-1].strip()
        return "error", detail[:500]



class SerialPool:
    """The pool's interface, done in this process one task at a time: for a debugger
    or a profiler (like Sphinx's SerialTasks). No time or memory limits."""

    def __init__(self) -> None:
        self.held: dict = {}

    def __enter__(self) -> SerialPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def expect(self, jobs: int) -> None:
        pass

    def holds(self, key: str) -> bool:
        return key in self.held

    def stop_workers(self) -> None:
        self.held.clear()

    close = stop_workers

    def process(self, tasks: list[Task], then: Callable[[Task, Any], list[Task]] | None = None
                ) -> Outcome:
        outcome = Outcome()
        pending = list(tasks)
        while pending:
            task = next((t for t in pending if t.kind == WRITE or t.ready()), None)
            if task is None:
                time.sleep(0.02)  # every pending part still waits for its photos
                continue
            pending.remove(task)
            if task.kind == WRITE and task.key not in self.held:
                task = task.redo or task
            status, value = handle(task.kind, task.key, task.payload, self.held, 0)
            if status != "ok":
                outcome.failures[task.key] = Failure(value, over_limit=status == "limit")
                continue
            outcome.typeset += task.kind != WRITE
            if then:
                pending.extend(then(task, value))
        return outcome
