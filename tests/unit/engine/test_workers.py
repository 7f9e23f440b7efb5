"""The fork-based worker pool: results in order, errors as in one process, no leftovers, no
fork beside a thread."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Sequence

import pytest
from conftest import FORKS

from sitegen.engine import workers
from sitegen.errors import ContentError, Problem

N = 600


@pytest.fixture(autouse=True)
def two_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SITEGEN_JOBS", "2")
    monkeypatch.setattr(workers, "MIN_BATCH", 2)


def whose(xs: Sequence[int]) -> list[tuple[int, int, int]]:
    time.sleep(0.01)  # long enough that the worker takes a share of the batches
    return [(x * x, len(xs), os.getpid()) for x in xs]


def test_results_come_in_order_from_more_than_one_process() -> None:
    side = []
    results = workers.run(whose, range(N), meanwhile=lambda: side.append(os.getpid()))
    assert [r[0] for r in results] == [x * x for x in range(N)]
    assert side == [os.getpid()]
    assert len({r[2] for r in results}) == 2  # this process and one worker
    assert os.getpid() in {r[2] for r in results}


def test_the_first_items_are_one_batch_done_here_and_the_rest_shrinking_batches() -> None:
    results = workers.run(whose, range(N), first=10)
    assert [r[1] for r in results[:10]] == [10] * 10 and results[0][2] == os.getpid()
    sizes, i = [], 10
    while i < N:  # each result tells the size of its batch: walk batch by batch
        sizes.append(results[i][1])
        i += results[i][1]
    assert sum(sizes) == N - 10
    assert sizes[0] == min(64, (N - 10) // 12) and sizes == sorted(sizes, reverse=True)
    assert sizes[-2] == 4  # the last batches: a few items


def test_batches_cover_every_item_once_and_shrink() -> None:
    for start, end, procs in ((0, 1, 2), (5, 1000, 2), (0, 10_000, 2), (0, 50_000, 8),
                              (100, 101, 3), (0, 250_000, 2)):
        got = workers.batches(start, end, procs)
        assert [i for a, b in got for i in range(a, b)] == list(range(start, end))
        sizes = [b - a for a, b in got]
        assert max(sizes) <= max(64, -(-end // 10_000))
        assert sizes[:-1] == sorted(sizes[:-1], reverse=True)
        assert min(sizes[:-1], default=4) >= 4


def test_a_content_error_in_a_worker_is_raised_here_as_it_was() -> None:
    def fail_in(xs: Sequence[int]) -> list[int]:
        if N - 100 in xs:
            raise ContentError(problems=[Problem("content/y.md", 7, "body", "too deep",
                                                 "flatten it")])
        return list(xs)

    with pytest.raises(ContentError) as got:
        workers.run(fail_in, range(N))
    assert (got.value.problems[0].path, got.value.problems[0].line) == ("content/y.md", 7)


def test_a_bug_in_a_worker_fails_the_run_with_its_traceback() -> None:
    main = os.getpid()

    def crash_in_worker(xs: Sequence[int]) -> list[int]:
        if os.getpid() != main:
            raise ValueError("worker bug")
        time.sleep(0.002)
        return list(xs)

    with pytest.raises(workers.WorkerFailed, match="worker bug"):
        workers.run(crash_in_worker, range(N))


def test_after_batch_runs_after_each_batch_where_it_ran(tmp_path) -> None:  # type: ignore[no-untyped-def]
    log = tmp_path / "after"

    def after() -> None:
        with open(log, "a") as fh:
            fh.write(f"{os.getpid()}\n")

    results = workers.run(whose, range(N), after_batch=after)
    lines = log.read_text().split()
    assert set(map(int, lines)) == {r[2] for r in results}  # both processes
    assert len(lines) == len(workers.batches(0, N, 2))  # once per batch


def test_no_worker_is_left_behind() -> None:
    results = workers.run(whose, range(N))
    (worker,) = {r[2] for r in results} - {os.getpid()}
    with pytest.raises(ChildProcessError):  # already waited for: not a zombie, not running
        os.waitpid(worker, os.WNOHANG)


def test_small_jobs_and_one_process_run_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "MIN_BATCH", 200)
    assert {r[2] for r in workers.run(whose, range(199))} == {os.getpid()}
    monkeypatch.setenv("SITEGEN_JOBS", "1")
    assert {r[2] for r in workers.run(whose, range(N))} == {os.getpid()}


def test_a_process_with_another_thread_never_forks() -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert workers.processes() == 1
        assert {r[2] for r in workers.run(whose, range(N))} == {os.getpid()}
    finally:
        stop.set()
        thread.join()


def test_the_suite_fails_a_fork_beside_a_thread() -> None:
    """The guard every test runs under (conftest.FORKS) sees a fork while a thread lives."""
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, name="bystander")
    thread.start()
    try:
        pid = os.fork()
        if pid == 0:
            os._exit(0)
        os.waitpid(pid, 0)
    finally:
        stop.set()
        thread.join()
    assert FORKS.seen and "bystander" in FORKS.seen[-1]
    FORKS.seen.pop()  # seen: this test's own fork must not fail it


def test_past_the_memory_budget_one_process_works_batch_by_batch(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SITEGEN_MEMORY_MB", "1")  # less than this process already holds
    batches = []
    results = workers.run(whose, range(N), after_batch=lambda: batches.append(1))
    assert [r[0] for r in results] == [x * x for x in range(N)]
    assert {r[2] for r in results} == {os.getpid()}  # no worker forked
    assert len(batches) > 1 and max(r[1] for r in results) < N  # batches, memos dropped


def test_what_this_process_gathers_from_every_output_counts_against_the_budget(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker costs about this process's size; this process also keeps something of
    every output until the end (workers.HELD_PER_ITEM): with many outputs, one process."""
    with open("/proc/self/statm") as fh:
        resident_mb = int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1_000_000
    monkeypatch.setenv("SITEGEN_MEMORY_MB", str(3 * resident_mb))  # room for three
    assert workers.affordable(2) == 2
    gathered = int(2.5 * resident_mb * 1_000_000) // workers.HELD_PER_ITEM  # room for none
    assert workers.affordable(2, gathered) == 1
