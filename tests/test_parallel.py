"""The fork-based worker pool: results in order, errors as in one process, no leftovers."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence

import pytest

from sitegen.engine import parallel
from sitegen.errors import ContentError, Problem

N = 600


@pytest.fixture(autouse=True)
def two_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SITEGEN_JOBS", "2")
    monkeypatch.setenv("SITEGEN_MEMORY_MB", "1000000")  # whatever the test process holds
    monkeypatch.setattr(parallel, "MIN_BATCH", 2)


def whose(x: int) -> tuple[int, int]:
    time.sleep(0.001)  # long enough that the worker takes a share of the batches
    return x * x, os.getpid()


def test_results_come_in_order_from_more_than_one_process() -> None:
    results, side = parallel.run(whose, range(N), meanwhile=lambda: "side")
    assert [r[0] for r in results] == [x * x for x in range(N)]
    assert side == "side"
    assert len({r[1] for r in results}) == 2  # this process and one worker
    assert os.getpid() in {r[1] for r in results}


def test_a_content_error_in_a_worker_is_raised_here_as_it_was() -> None:
    def fail_on(x: int) -> int:
        if x == N - 100:
            raise ContentError(problems=[Problem("content/x.md", 3, "date", "bad date",
                                                 "write YYYY-MM-DD")])
        return x

    with pytest.raises(ContentError) as got:
        parallel.run(fail_on, range(N))
    assert got.value.problems[0].path == "content/x.md"
    assert got.value.problems[0].line == 3


def test_a_bug_in_a_worker_fails_the_run_with_its_traceback() -> None:
    main = os.getpid()

    def crash_in_worker(x: int) -> int:
        if os.getpid() != main:
            raise ValueError("worker bug")
        time.sleep(0.001)
        return x

    with pytest.raises(parallel.WorkerFailed, match="worker bug"):
        parallel.run(crash_in_worker, range(N))


def test_after_batch_runs_after_each_batch_where_it_ran(tmp_path) -> None:  # type: ignore[no-untyped-def]
    log = tmp_path / "after"
    done: list[int] = []

    def note(x: int) -> tuple[int, int]:
        done.append(x)  # in each process's own copy of the list
        return whose(x)

    def after() -> None:
        with open(log, "a") as fh:
            fh.write(f"{os.getpid()} {len(done)}\n")

    results, _ = parallel.run(note, range(N), after_batch=after)
    lines = [tuple(map(int, line.split())) for line in log.read_text().splitlines()]
    assert {pid for pid, _ in lines} == {r[1] for r in results}  # both processes
    assert sum(1 for _ in lines) == -(-N // min(64, N // 12))  # once per batch
    assert max(n for _, n in lines) <= N


def test_no_worker_is_left_behind() -> None:
    results, _ = parallel.run(whose, range(N))
    (worker,) = {r[1] for r in results} - {os.getpid()}
    with pytest.raises(ChildProcessError):  # already waited for: not a zombie, not running
        os.waitpid(worker, os.WNOHANG)


def test_small_batches_and_one_process_run_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "MIN_BATCH", 200)
    results, _ = parallel.run(whose, range(199))
    assert {r[1] for r in results} == {os.getpid()}
    monkeypatch.setenv("SITEGEN_JOBS", "1")
    results, _ = parallel.run(whose, range(N))
    assert {r[1] for r in results} == {os.getpid()}


def test_batched_func_gets_whole_batches_and_results_stay_in_order() -> None:
    def squares(xs: Sequence[int]) -> list[tuple[int, int, int]]:
        time.sleep(0.01)
        return [(x * x, len(xs), os.getpid()) for x in xs]

    results, _ = parallel.run(squares, range(N), batched=True, together=10)
    assert [r[0] for r in results] == [x * x for x in range(N)]
    assert results[0][1] == 10  # the shared first batch, whole
    size = min(64, N // 12)
    assert {r[1] for r in results[10:]} == {size, (N - 10) % size}  # the rest: even batches
    assert len({r[2] for r in results}) == 2
    here, _ = parallel.run(squares, range(20), batched=True)  # MIN_BATCH is 2: forked
    assert [r[0] for r in here] == [x * x for x in range(20)]


def test_an_error_in_a_batched_func_is_raised_here_as_it_was() -> None:
    def fail_in(xs: Sequence[int]) -> list[int]:
        if N - 100 in xs:
            raise ContentError(problems=[Problem("content/y.md", 7, "body", "too deep",
                                                 "flatten it")])
        return list(xs)

    with pytest.raises(ContentError) as got:
        parallel.run(fail_in, range(N), batched=True)
    assert (got.value.problems[0].path, got.value.problems[0].line) == ("content/y.md", 7)


def test_each_process_must_fit_the_memory_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    """A forked worker soon holds its own copy of most of what this process holds, so each
    process counts this one's resident memory against SITEGEN_MEMORY_MB (default 1,000)."""
    monkeypatch.delenv("SITEGEN_MEMORY_MB")
    monkeypatch.setattr(parallel, "_resident", lambda: 400_000_000)
    assert parallel.affordable(2) == 2 and parallel.affordable(8) == 2
    monkeypatch.setattr(parallel, "_resident", lambda: 600_000_000)  # ~40,000 entries
    assert parallel.affordable(2) == 1
    monkeypatch.setenv("SITEGEN_MEMORY_MB", "4000")
    assert parallel.affordable(8) == 6


def test_past_the_budget_the_work_stays_here_batch_by_batch(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SITEGEN_MEMORY_MB", "1")  # less than this process holds
    sizes: list[int] = []
    dropped: list[int] = []

    def squares(xs: Sequence[int]) -> list[tuple[int, int]]:
        sizes.append(len(xs))
        return [(x * x, os.getpid()) for x in xs]

    results, side = parallel.run(squares, range(N), batched=True, together=10,
                                 after_batch=lambda: dropped.append(len(sizes)),
                                 meanwhile=lambda: "side")
    assert [r[0] for r in results] == [x * x for x in range(N)] and side == "side"
    assert {r[1] for r in results} == {os.getpid()}
    assert sizes[0] == 10 and max(sizes) == 64  # the shared batch, then batches of 64
    assert dropped == list(range(1, len(sizes) + 1))  # memos dropped after each batch
    monkeypatch.setenv("SITEGEN_MEMORY_MB", "1000000")
    results, _ = parallel.run(whose, range(N))
    assert len({r[1] for r in results}) == 2
