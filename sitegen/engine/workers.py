"""Work across cores: forked workers that inherit the loaded site, with this process as one.

Forking after the site is loaded means nothing big is pickled on the way in: a worker gets
the model, templates and memos as copy-on-write memory, and the work as a function object,
and takes only batch numbers, through a pipe (a slow batch never holds others up). This
process works too: on two cores that is one worker, not two. A worker spools its results
to a temporary file that is read once it has exited, so they are never in memory twice.
Exceptions that carry problems (SitegenError) come back as data and are raised here, so a
template error in a worker reads exactly as it would in one process.

A process with other threads never forks (a thread holding a lock at that moment would
leave it locked forever in the child): there, and for small jobs, everything runs here.
The preview's builder runs in a process of its own for that reason (preview/worker.py).
"""

from __future__ import annotations

import gc
import os
import pickle
import signal
import struct
import tempfile
import threading
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import IO, Any

from sitegen.errors import SitegenError
from sitegen.portable import can_fork, cores, trim_heap

MIN_BATCH = 200  # fewer items than this run in this process
_NUMBER = struct.Struct("=I")  # a batch number in the pipe (4 bytes: reads are atomic)
Work = Callable[[Sequence[Any]], list[Any]]


def processes() -> int:
    """SITEGEN_JOBS, else the usable cores (at most 8); 1 beside a thread, or without fork."""
    if threading.active_count() > 1 or not can_fork():
        return 1
    env = os.environ.get("SITEGEN_JOBS", "").strip()
    if env.isdigit() and int(env) > 0:
        return int(env)
    return max(1, min(cores(), 8))


# What this process keeps of each output until the build ends, whichever process made it:
# its record, the digests of its parts and its converted body, for the cache (~7.6 KB an
# entry page, bench/memory.py at 20,000 entries).
HELD_PER_ITEM = 8_000


def affordable(n: int, items: int = 0) -> int:
    # How many of n processes fit SITEGEN_MEMORY_MB (default 1,000) for ``items`` outputs:
    # a forked worker soon holds its own copy of much of this process (reading an object
    # writes its reference count, which copies its page), so each costs about this
    # process's resident memory; and this one gathers what every output leaves.
    env = os.environ.get("SITEGEN_MEMORY_MB", "").strip()
    budget = (int(env) if env.isdigit() and int(env) > 0 else 1000) * 1_000_000
    try:
        with open("/proc/self/statm") as fh:
            resident = int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):  # no /proc: no estimate
        return n
    return max(1, min(n, (budget - items * HELD_PER_ITEM) // max(resident, 1)))


def batches(start: int, end: int, procs: int) -> list[tuple[int, int]]:
    """Batches of ``start``..``end``: a sixth of a process's share of what is left, so the
    last ones (which decide when all are done) are small; 4 to 64 (or 1/10,000 of all)."""
    found, least = [], max(4, -(-end // 10_000))
    while start < end:
        size = max(least, min(64, (end - start) // (procs * 6)))
        found.append((start, min(start + size, end)))
        start += size
    return found


@contextmanager
def no_gc(freeze: bool = False) -> Iterator[None]:
    """The collector paused while only objects that stay are made (each full collection
    walks them all); ``freeze``: never scan them again (they live until the end)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if was:
            gc.enable()


class WorkerFailed(RuntimeError):
    """A worker process died or raised something that is not a SitegenError (a bug)."""


def _take(fd: int) -> int | None:
    """The next batch number from the pipe, or None when all are taken."""
    got = os.read(fd, _NUMBER.size)
    return _NUMBER.unpack(got)[0] if got else None


def _serve(work: Work, items: Sequence[Any], chunks: list[tuple[int, int]], fd: int,
           keep: Callable[[int, tuple[str, Any]], Any], after_batch: Callable[[], Any],
           n: int | None) -> None:
    """Do batch ``n``, then take batches until none are left; ``keep`` each one's result."""
    while n is not None:
        try:
            done: tuple[str, Any] = ("ok", work(items[slice(*chunks[n])]))
        except SitegenError as exc:
            done = ("error", (type(exc), exc.problems))
        keep(n, done)
        after_batch()
        n = _take(fd)


def _fork(work: Work, items: Sequence[Any], chunks: list[tuple[int, int]], fd: int,
          spool: IO[bytes], after_batch: Callable[[], Any]) -> int:
    pid = os.fork()
    if pid:
        return pid
    code = 0  # the child never returns into the caller's code, nor runs its exit handlers
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        _serve(work, items, chunks, fd, lambda n, done: pickle.dump(
            (n, done), spool, protocol=pickle.HIGHEST_PROTOCOL), after_batch, _take(fd))
        spool.flush()
    except BaseException:  # noqa: BLE001 - reported to the parent through the spool
        code = 1
        try:
            pickle.dump((-1, traceback.format_exc()), spool)
            spool.flush()
        except BaseException:  # noqa: BLE001
            pass
    finally:
        os._exit(code)


def _read_spool(spool: IO[bytes], parts: dict[int, tuple[str, Any]]) -> str | None:
    """Load a finished worker's results into ``parts``; its crash report, if any."""
    spool.seek(0)
    while True:
        try:
            n, value = pickle.load(spool)  # noqa: S301 - written by our own child process
        except EOFError:
            return None
        if n < 0:
            return str(value)
        parts[n] = value


def run(work: Work, items: Sequence[Any], *, first: int = 0,
        meanwhile: Callable[[], Any] = lambda: None,
        after_batch: Callable[[], Any] = lambda: None) -> list[Any]:
    """``work`` over consecutive batches of ``items`` (it returns one result per item),
    across processes; the results in order. ``meanwhile()`` runs here first, while the
    workers start; the ``first`` items are one batch, done here next (work they share and
    memoise is done once); ``after_batch()`` runs after each batch where it ran (dropping
    what the batch memoised keeps each process's memory flat)."""
    if len(items) < MIN_BATCH:
        meanwhile()
        return list(work(items))
    procs = affordable(processes(), len(items))
    first = min(first, len(items))
    chunks = [(0, first)] if first else []
    chunks += batches(first, len(items), procs)
    if procs < 2:  # batch by batch, each one's memos dropped: memory stays flat
        meanwhile()
        done: list[Any] = []
        for a, b in chunks:
            done += work(items[a:b])
            after_batch()
        return done
    read_fd, write_fd = os.pipe()
    os.write(write_fd, b"".join(_NUMBER.pack(i) for i in range(1 if first else 0, len(chunks))))
    os.close(write_fd)  # readers see the end once every number is taken
    spools = [tempfile.TemporaryFile() for _ in range(procs - 1)]  # noqa: SIM115
    pids: list[int] = []
    parts: dict[int, tuple[str, Any]] = {}
    frozen_before = gc.get_freeze_count() > 0
    gc.collect(1)  # the young garbage (a full pass walks every object: ~10 ms at start)
    gc.freeze()  # no process's collections touch (and so copy) every inherited object
    trim_heap()
    try:
        pids += [_fork(work, items, chunks, read_fd, s, after_batch) for s in spools]
        meanwhile()
        _serve(work, items, chunks, read_fd, parts.__setitem__, after_batch,
               0 if first else _take(read_fd))  # (this process's results stay in memory)
        _gather(pids, spools, parts, len(chunks))
    finally:
        for pid in pids:  # interrupted: the workers must not outlive the build
            with suppress(OSError):
                os.kill(pid, signal.SIGTERM)
                os.waitpid(pid, 0)
        os.close(read_fd)
        for spool in spools:
            spool.close()
        if not frozen_before:
            gc.unfreeze()
    results = []
    for i in range(len(chunks)):
        outcome, value = parts[i]
        if outcome == "error":
            cls, problems = value
            raise cls(problems=problems)
        results += value
    return results


def _gather(pids: list[int], spools: Sequence[IO[bytes]], parts: dict[int, tuple[str, Any]],
            n: int) -> None:
    """Wait for the workers and read their spools."""
    failures = []
    with no_gc():
        for pid, spool in zip(list(pids), spools, strict=False):
            status = os.waitpid(pid, 0)[1]
            pids.remove(pid)
            crash = _read_spool(spool, parts)
            if crash or status:
                failures.append(crash or f"a worker process ended with status {status}")
    if failures or len(parts) != n:
        raise WorkerFailed("a worker process failed:\n" + (
            failures[0] if failures else "it left its work unfinished"))
