"""compiler.build: the pipeline called as a library, as the benchmark and the shelf do."""

from __future__ import annotations

from compiler.build import build
from compiler.config import load_config
from compiler.diagnostics import EXIT_OK
from support import DAILY, SAMPLE


def _config():
    config, problems = load_config(DAILY)
    assert config is not None, problems
    return config


def test_checking_only_starts_no_workers_whatever_it_is_asked(tmp_path):
    """build(write=False, workers=2) once tried to close the number 2."""
    result = build(SAMPLE, _config(), tmp_path / "out", write=False, workers=2)
    assert result.exit_code == EXIT_OK
    assert len(result.included) == len(list((SAMPLE / "stories").glob("*.md")))
    assert not (tmp_path / "out").exists()


def test_a_build_with_no_pool_given_owns_and_stops_its_own(tmp_path, monkeypatch):
    """Without a pool from the caller, build starts one and stops it before it returns."""
    from compiler.pdf import workers

    started = []
    real = workers.WorkerPool.start

    def start(pool):
        started.append(pool)
        return real(pool)

    monkeypatch.setattr(workers.WorkerPool, "start", start)
    content = tmp_path / "content"
    (content / "stories").mkdir(parents=True)
    (content / "stories" / "one.md").write_text(
        "---\nheadline: One story\nsection: National\n---\nA paragraph.\n", encoding="utf-8")
    result = build(content, _config(), tmp_path / "out", workers=1)
    assert result.exit_code == EXIT_OK, [str(d) for d in result.diagnostics]
    assert started and all(pool.workers == [] and pool.scratch is None for pool in started)
