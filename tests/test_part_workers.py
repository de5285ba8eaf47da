"""The layout workers on their own: warming, laying out, dying, leaving."""

from __future__ import annotations

import threading

import pytest

from compiler.pdf.parts import house_stylesheets
from compiler.pdf.typeset import LayoutJob
from compiler.pdf.workers import RENDER, RENDER_WRITE, WRITE, PartWorkers, Task
from compiler.resources import LAYOUTS_DIR


def _job(paragraphs: int, word: str = "edition") -> LayoutJob:
    html = "".join(f"<p>{word} {i} " + "news " * 40 + "</p>" for i in range(paragraphs))
    return LayoutJob(html, tuple(house_stylesheets()), (LAYOUTS_DIR / "print").as_uri() + "/",
                     (LAYOUTS_DIR,), (), ())


@pytest.fixture
def pool():
    workers = PartWorkers(3, 0).start()
    yield workers
    workers.close()


def test_only_the_first_worker_warms_at_once_and_expect_warms_as_many_as_needed(pool):
    assert [w.warm for w in pool.workers] == [True, False, False]
    pool.expect(2)
    assert [w.warm for w in pool.workers] == [True, True, False]


def test_cold_and_warm_workers_all_lay_out(pool):
    results = {}
    tasks = [Task(f"part-{i}", RENDER_WRITE, (_job(5, f"part{i}"), None, 1), 120)
             for i in range(3)]
    outcome = pool.run(tasks, lambda task, value: results.update({task.key: value}) or [])
    assert outcome.failures == {}
    assert sorted(results) == ["part-0", "part-1", "part-2"]
    assert all(layout.pdf.startswith(b"%PDF-") and layout.pages == 1
               for layout in results.values())


def test_a_kept_part_is_written_by_the_worker_that_holds_it(pool):
    written = {}

    def then(task, value):
        if task.kind == RENDER:
            assert pool.holder(task.key) is not None
            return [Task(task.key, WRITE, ({}, 1), 120)]
        written[task.key] = value
        return []

    outcome = pool.run([Task(k, RENDER, (_job(3, k), None, 1), 120) for k in ("a", "b")],
                       then)
    assert outcome.failures == {} and outcome.laid_out == 2
    assert {key: data[:5] for key, (data, _) in written.items()} == {"a": b"%PDF-",
                                                                       "b": b"%PDF-"}
    assert pool.holder("a") is None and pool.holder("b") is None


def test_a_worker_that_dies_is_reported_and_replaced(pool):
    victim = pool.workers[0].process
    threading.Timer(1.0, victim.kill).start()
    outcome = pool.run([Task("long", RENDER_WRITE, (_job(3000), None, 1), 120)])
    assert "died" in outcome.failures["long"]
    assert victim not in [w.process for w in pool.workers]
    again = pool.run([Task("short", RENDER_WRITE, (_job(2), None, 1), 120)])
    assert again.failures == {}


def test_close_stops_every_worker_before_it_returns():
    workers = PartWorkers(2, 0).start()
    processes = [w.process for w in workers.workers]
    workers.close()
    assert workers.workers == []
    assert all(process.poll() is not None for process in processes)


def test_a_killed_workers_temporary_files_go_with_the_pool():
    """WeasyPrint copies the fonts to a temporary folder it removes on a clean exit; a
    worker killed for overrunning never gets one, so the pool's folder holds them."""
    workers = PartWorkers(1, 0).start()
    scratch = workers.scratch
    outcome = workers.run([Task("a", RENDER_WRITE, (_job(2), None, 1), 120)])
    assert outcome.failures == {}
    assert list(scratch.glob("weasyprint-*")), "fonts were copied into the pool's folder"
    workers.workers[0].process.kill()
    workers.close()
    assert not scratch.exists()
