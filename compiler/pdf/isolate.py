"""Run one render in a child process with a time and memory limit.

A story that makes WeasyPrint hang or eat memory must cost only itself: the
child is killed, the parent carries on and the build leaves that story out.
"""

from __future__ import annotations

import multiprocessing
import resource
import traceback
from dataclasses import dataclass
from typing import Any

_CONTEXT = multiprocessing.get_context("spawn")


@dataclass(frozen=True)
class Outcome:
    ok: bool
    value: Any = None
    error: str = ""
    timed_out: bool = False


def _child(conn, func, args, memory_mb):
    if memory_mb:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        conn.send((True, func(*args)))
    except MemoryError:
        conn.send((False, f"ran out of memory (limit {memory_mb} MB)"))
    except RecursionError:
        conn.send((False, "markup is nested too deeply to lay out"))
    except BaseException as exc:  # the parent decides; the child only reports
        detail = traceback.format_exception_only(type(exc), exc)[-1].strip()
        conn.send((False, detail[:500]))
    finally:
        conn.close()


def run_limited(func, args: tuple, timeout: float, memory_mb: int | None) -> Outcome:
    receiver, sender = _CONTEXT.Pipe(duplex=False)
    process = _CONTEXT.Process(target=_child, args=(sender, func, args, memory_mb), daemon=True)
    process.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            return Outcome(False, error=f"took longer than {timeout:g} s", timed_out=True)
        try:
            ok, payload = receiver.recv()
        except (EOFError, OSError):
            process.join(5)
            return Outcome(False, error=f"render process died (exit code {process.exitcode})")
        return Outcome(True, payload) if ok else Outcome(False, error=payload)
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join(10)
