"""The worker pool and its serial twin: warming, typesetting, keeping, surviving workers.

Deaths are caused at exact moments (a worker killed as it is sent a job, right after,
while it holds a part, while idle) and waited on as events, never on sleeps.
"""

from __future__ import annotations

import pytest

from compiler.pdf import workers as workers_module
from compiler.pdf.jobs import TYPESET, TYPESET_WRITE, WRITE, SerialPool, Task
from compiler.pdf.parts import house_stylesheets
from compiler.pdf.typeset import TypesetJob
from compiler.pdf.workers import DEATHS_ALLOWED, WorkerPool
from compiler.resources import LAYOUTS_DIR


def _job(paragraphs: int, word: str = "edition") -> TypesetJob:
    html = "".join(f"<p>{word} {i} " + "news " * 40 + "</p>" for i in range(paragraphs))
    return TypesetJob(html, tuple(house_stylesheets()), (LAYOUTS_DIR / "print").as_uri() + "/",
                     (LAYOUTS_DIR,), (), ())


def _typeset_write(key: str, paragraphs: int = 3, seconds: float = 120) -> Task:
    return Task(key, TYPESET_WRITE, (_job(paragraphs, key), None, 1), seconds)


@pytest.fixture
def pool():
    with WorkerPool(2, 0) as workers:
        yield workers


def _kill_on_send(monkeypatch, keys: set[str], before: bool = False,
                  times: int | None = None) -> list:
    """Kill the worker that is sent a job for one of ``keys`` (the first ``times``
    times, or always): just before the job goes (it dies as it is sent) or just after
    (it dies while typesetting or writing)."""
    send, killed = workers_module._Worker.send, []

    def deadly_send(worker, task):
        deadly = task.key in keys and (times is None or len(killed) < times)
        if deadly and before:
            worker.process.kill()
            worker.process.wait()
            killed.append(worker.process)
        send(worker, task)
        if deadly and not before:
            worker.process.kill()
            killed.append(worker.process)

    monkeypatch.setattr(workers_module._Worker, "send", deadly_send)
    return killed


def test_only_the_first_worker_warms_at_once_and_expect_warms_as_many_as_needed():
    with WorkerPool(3, 0) as pool:
        assert [w.warm for w in pool.workers] == [True, False, False]
        pool.expect(2)
        assert [w.warm for w in pool.workers] == [True, True, False]


def test_cold_and_warm_workers_all_typeset(pool):
    results = {}
    tasks = [_typeset_write(f"part{i}", 5) for i in range(3)]
    outcome = pool.process(tasks, lambda task, value: results.update({task.key: value}) or [])
    assert outcome.failures == {}
    assert sorted(results) == ["part0", "part1", "part2"]
    assert all(layout.pdf.startswith(b"%PDF-") and layout.pages == 1
               for layout in results.values())


def test_a_kept_part_is_written_by_the_worker_that_holds_it(pool):
    written = {}

    def then(task, value):
        if task.kind == TYPESET:
            assert pool.holds(task.key)
            return [Task(task.key, WRITE, ({}, 1), 120)]
        written[task.key] = value
        return []

    outcome = pool.process([Task(k, TYPESET, (_job(3, k), None, 1), 120) for k in "ab"], then)
    assert outcome.failures == {} and outcome.typeset == 2
    assert {key: data[:5] for key, (data, _) in written.items()} == {"a": b"%PDF-",
                                                                       "b": b"%PDF-"}
    assert not pool.holds("a") and not pool.holds("b")


def test_a_worker_that_died_while_idle_is_replaced_before_it_is_sent_a_job(pool):
    victim = pool.workers[0].process
    victim.kill()
    victim.wait()
    outcome = pool.process([_typeset_write("a"), _typeset_write("b")])
    assert outcome.failures == {}
    assert victim not in [w.process for w in pool.workers]
    assert all(w.alive() for w in pool.workers)


@pytest.mark.parametrize("before", [True, False], ids=["as-it-is-sent", "while-typesetting"])
def test_a_job_whose_worker_dies_is_done_by_a_fresh_one(pool, monkeypatch, before):
    killed = _kill_on_send(monkeypatch, {"a"}, before, times=DEATHS_ALLOWED)
    results = {}
    outcome = pool.process([_typeset_write("a", 40)],
                           lambda task, value: results.update({task.key: value}) or [])
    assert outcome.failures == {}
    assert len(killed) == DEATHS_ALLOWED
    monkeypatch.undo()
    with WorkerPool(1, 0) as calm:
        expected = calm.process([_typeset_write("a", 40)],
                                lambda task, value: results.update({"calm": value}) or [])
    assert expected.failures == {}
    assert results["a"].pdf == results["calm"].pdf, "the same bytes as an undisturbed job"
    assert all(p not in [w.process for w in pool.workers] for p in killed)


def test_a_part_whose_holder_dies_is_typeset_again_and_written(pool):
    written = {}

    def then(task, value):
        if task.kind == TYPESET:
            holder = next(w for w in pool.workers if task.key in w.holds)
            holder.process.kill()
            holder.process.wait()
            redo = Task(task.key, TYPESET_WRITE, (_job(3, task.key), {}, 1), 120)
            return [Task(task.key, WRITE, ({}, 1), 120, redo=redo)]
        written[task.key] = value
        return []

    outcome = pool.process([Task("a", TYPESET, (_job(3, "a"), None, 1), 120)], then)
    assert outcome.failures == {}
    assert written["a"].pdf.startswith(b"%PDF-")


def test_a_job_that_kills_every_worker_fails_after_a_bounded_number_of_tries(pool,
                                                                            monkeypatch):
    killed = _kill_on_send(monkeypatch, {"doomed"})
    outcome = pool.process([_typeset_write("doomed", 40), _typeset_write("fine")])
    assert set(outcome.failures) == {"doomed"}
    assert f"died {DEATHS_ALLOWED + 1} times" in outcome.failures["doomed"].reason
    assert len(killed) == DEATHS_ALLOWED + 1
    assert len(pool.workers) == 2 and all(w.alive() for w in pool.workers)


def test_a_job_over_its_time_budget_fails_as_over_the_limit(pool):
    outcome = pool.process([_typeset_write("slow", 3000, seconds=0.5)])
    assert outcome.failures["slow"].over_limit
    assert "longer than 0.5 s" in outcome.failures["slow"].reason
    assert pool.process([_typeset_write("after")]).failures == {}


def test_an_error_in_the_callback_stops_busy_workers_and_leaves_the_pool_usable(pool):
    def then(task, value):
        raise RuntimeError("the caller gave up")

    with pytest.raises(RuntimeError):
        pool.process([_typeset_write("a"), _typeset_write("b", 400)], then)
    assert pool.workers == []
    assert pool.process([_typeset_write("c")]).failures == {}


def test_the_serial_pool_writes_the_same_bytes_in_this_process(pool):
    results = {}
    pool.process([_typeset_write("a", 5)], lambda t, v: results.update(pooled=v) or [])
    with SerialPool() as serial:
        outcome = serial.process([_typeset_write("a", 5)],
                                 lambda t, v: results.update(serial=v) or [])
    assert outcome.failures == {} and outcome.typeset == 1
    assert results["serial"].pdf == results["pooled"].pdf


def test_close_stops_every_worker_before_it_returns():
    pool = WorkerPool(2, 0).start()
    processes = [w.process for w in pool.workers]
    pool.close()
    assert pool.workers == []
    assert all(process.poll() is not None for process in processes)


def test_a_killed_workers_temporary_files_go_with_the_pool():
    """WeasyPrint copies the fonts to a temporary folder it removes on a clean exit; a
    killed worker never gets one, so the pool's folder holds them."""
    with WorkerPool(1, 0) as pool:
        scratch = pool.scratch
        assert pool.process([_typeset_write("a", 2)]).failures == {}
        assert list(scratch.glob("weasyprint-*")), "fonts were copied into the pool's folder"
        pool.workers[0].process.kill()
    assert not scratch.exists()


def test_a_part_laid_out_again_is_written_from_its_newest_layout(pool, tmp_path):
    """A correction may lay a run out again while the worker that laid out the old one
    still holds it (printer.split): the write goes to the worker with the new layout,
    whichever worker that is. The first round leaves "a" on the first worker; in the
    second the first worker is kept busy with "c", so the second lays "a" out anew."""
    import subprocess

    pool.process([Task(k, TYPESET, (_job(3, k), None, 1), 120) for k in "ab"])
    first = next(w for w in pool.workers if "a" in w.holds)
    newer = Task("a", TYPESET, (_job(3, "corrected"), None, 1), 120)
    pool.process([Task("c", TYPESET, (_job(40, "c"), None, 1), 120), newer])
    assert [w for w in pool.workers if "a" in w.holds] != [first], "the test's premise"
    written = {}
    pool.process([Task("a", WRITE, ({}, 1), 120)],
                 lambda task, value: written.update({task.key: value[0]}) or [])
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(written["a"])
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "corrected 0" in text and "a 0" not in text
    assert sum("a" in w.holds for w in pool.workers) == 0
