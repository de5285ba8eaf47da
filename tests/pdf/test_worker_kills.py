"""A layout worker killed from outside (the OOM killer, an operator) costs time, never
the night: builds of the sample edition with one worker killed at a random moment
each all succeed, with every story and the same bytes as an undisturbed build.

The moments are spread over a whole build (idle, sending, typesetting, writing) with
random jitter; set KILL_SEED to replay a run (the seed is printed).
"""

from __future__ import annotations

import os
import random
import threading
import time

from compiler.build import build
from compiler.config import load_config
from compiler.diagnostics import EXIT_OK
from compiler.pdf.workers import WorkerPool
from support import DAILY, FIXED_EPOCH, SAMPLE

BUILDS = 10


def _build(out, on_start=None):
    config, problems = load_config(DAILY)
    assert config is not None, problems
    with WorkerPool(2, config.render_memory_mb) as pool:
        if on_start:
            on_start(pool)
        result = build(SAMPLE, config, out, pool=pool)
    assert result.exit_code == EXIT_OK, [str(d) for d in result.diagnostics]
    return result, {kind: path.read_bytes() for kind, path in result.outputs.items()}


def test_builds_with_a_worker_killed_at_random_moments_all_succeed_with_the_same_bytes(
        tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    seed = int(os.environ.get("KILL_SEED", random.randrange(1 << 30)))
    print(f"KILL_SEED={seed}")
    rng = random.Random(seed)
    clock = time.monotonic()
    calm, expected = _build(tmp_path / "calm")
    seconds = time.monotonic() - clock
    kills = []
    for n in range(BUILDS):
        delay = seconds * (n + rng.random()) / (BUILDS + 1)
        done = threading.Event()

        def kill_one(pool, delay=delay, done=done):
            def later():
                if done.wait(delay):
                    return  # the build finished first
                alive = [w.process for w in list(pool.workers) if w.process.poll() is None]
                if alive:
                    victim = rng.choice(alive)
                    victim.kill()
                    kills.append(round(delay, 2))
            threading.Thread(target=later, daemon=True).start()

        try:
            result, outputs = _build(tmp_path / f"killed-{n}", kill_one)
        finally:
            done.set()
        assert result.included == calm.included, f"seed {seed}, kill at {delay:.2f} s"
        assert result.left_out == []
        assert outputs == expected, f"seed {seed}, kill at {delay:.2f} s: other bytes"
    assert len(kills) >= BUILDS // 2, f"too few kills landed in a build: {kills}"
