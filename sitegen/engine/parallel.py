"""Work across cores: forked workers that inherit the loaded site, with this process as one.

Forking after the site is loaded means nothing big is pickled on the way in: a worker gets
the model, templates and caches as copy-on-write memory and takes only batch numbers. This
process works too (after ``meanwhile``): on two cores that is one worker, not two, so each
inherited page is copied at most once when a process touches it (Python's reference counts
write to every object it reads). Batches are handed out through a pipe, so a slow batch
never holds others up. A worker spools its results to a temporary file that is read once
it has exited: they are never in memory twice, and never at the same time as the worker
(this process spools its own results too, for the same reason).
Small batches run in this process: forking would only slow a preview rebuild down.
Exceptions that carry problems (SitegenError) are sent back as data and raised again here,
so a template error in a worker reads exactly as it would in a one-process build.
"""

from __future__ import annotations

import ctypes
import gc
import os
import pickle
import signal
import struct
import tempfile
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import IO, Any

from sitegen.errors import SitegenError

MIN_BATCH = 200  # fewer jobs than this run in-process
_NUMBER = struct.Struct("=I")  # a batch number in the pipe (4 bytes: reads are atomic)


def workers() -> int:
    """How many processes to use: SITEGEN_JOBS, else the usable cores (at most 8)."""
    env = os.environ.get("SITEGEN_JOBS", "").strip()
    if env.isdigit() and int(env) > 0:
        return int(env)
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 8))


@contextmanager
def no_gc(freeze: bool = False) -> Iterator[None]:
    """Python's cyclic garbage collector paused, for code that only builds objects that
    stay (unpickling results, loading the site). Each full collection walks every object
    so far, and a growing heap triggers them again and again: at 10,000 entries that was
    about a second of a cold build spent finding nothing. With ``freeze``, what exists
    afterwards is never scanned again (gc.freeze): for objects that live until the end."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if was:
            gc.enable()


def memory_budget() -> int:
    """Bytes a build's processes may hold together: SITEGEN_MEMORY_MB, else 1,000 MB."""
    env = os.environ.get("SITEGEN_MEMORY_MB", "").strip()
    return (int(env) if env.isdigit() and int(env) > 0 else 1000) * 1_000_000


def _resident() -> int:
    """This process's resident memory in bytes (0 where /proc is missing)."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def affordable(n: int) -> int:
    """How many of ``n`` processes fit the memory budget. A forked worker soon holds its
    own copy of most of what this process holds (reading an object writes its reference
    count, which copies its page), so each costs about this process's resident memory:
    a site too large for two (~35,000 entries for 1,000 MB) is built in one, slower."""
    resident = _resident()
    return n if resident == 0 else max(1, min(n, memory_budget() // resident))


class WorkerFailed(RuntimeError):
    """A worker process died or raised something that is not a SitegenError (a bug)."""


def _batch(func: Callable[[Any], Any], items: Sequence[Any], bounds: tuple[int, int],
           batched: bool = False) -> list[tuple[str, Any]]:
    try:
        if batched:
            return [("ok", value) for value in func(items[bounds[0]:bounds[1]])]
        return [("ok", func(items[i])) for i in range(*bounds)]
    except SitegenError as exc:
        return [("error", (type(exc), exc.problems))]


def _take(fd: int) -> int | None:
    """The next batch number from the pipe, or None when all are taken."""
    got = os.read(fd, _NUMBER.size)
    return _NUMBER.unpack(got)[0] if got else None


def _work(func: Callable[[Any], Any], items: Sequence[Any], chunks: list[tuple[int, int]],
          fd: int, spool: IO[bytes], after_batch: Callable[[], Any] | None,
          batched: bool) -> None:
    """A worker's life: take batches until none are left, spool each batch's results."""
    while (n := _take(fd)) is not None:
        pickle.dump((n, _batch(func, items, chunks[n], batched)), spool,
                    protocol=pickle.HIGHEST_PROTOCOL)
        if after_batch is not None:
            after_batch()
    spool.flush()


def _fork_worker(func: Callable[[Any], Any], items: Sequence[Any],
                 chunks: list[tuple[int, int]], fd: int, spool: IO[bytes],
                 after_batch: Callable[[], Any] | None, batched: bool) -> int:
    pid = os.fork()
    if pid:
        return pid
    code = 0  # the child: never returns into the caller's code, never runs its exit handlers
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
        _work(func, items, chunks, fd, spool, after_batch, batched)
    except BaseException:  # noqa: BLE001 - reported to the parent through the spool
        code = 1
        try:
            pickle.dump((-1, traceback.format_exc()), spool)
            spool.flush()
        except BaseException:  # noqa: BLE001
            pass
    finally:
        os._exit(code)


def _trim_heap() -> None:
    """Give the C heap's free pages back to the system before forking (glibc): a freed
    page a worker inherits and this process then reuses would otherwise be copied."""
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


def _read_spool(spool: IO[bytes], parts: dict[int, list[tuple[str, Any]]]) -> str | None:
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


def run(func: Callable[[Any], Any], items: Sequence[Any],
        meanwhile: Callable[[], Any] | None = None, together: int = 0,
        after_batch: Callable[[], Any] | None = None, batched: bool = False
        ) -> tuple[list[Any], Any]:
    """``[func(x) for x in items]`` across processes, plus ``meanwhile()`` run here first.

    The first ``together`` items are one batch, done here after ``meanwhile``: work they
    share and memoise (the card HTML of every listing page) is then done once, and while
    the workers start on the rest (their memory stays flat; this process's memoised work
    and what ``meanwhile`` holds come one after the other, not at once).
    ``after_batch`` runs after each batch, in the process that did it (not when everything
    runs here, unbatched): it drops what was memoised for that batch, so that memory stays
    flat as sites grow.
    With ``batched``, ``func`` takes a slice of consecutive items and returns their results
    in order (all items at once when everything runs here): it can then do one kind of
    work for the whole batch before the next, which keeps each kind's code and data in the
    CPU's caches (converting 64 bodies, then rendering 64 pages, is ~30% faster than
    alternating).
    Returns (results in order, what ``meanwhile`` returned).
    """
    n = affordable(workers()) if len(items) >= MIN_BATCH else 1
    size = max(1, min(64, len(items) // (n * 6)), -(-len(items) // 10_000))
    together = min(together, len(items))
    chunks = [(0, together)] if together else []
    chunks += [(i, min(i + size, len(items))) for i in range(together, len(items), size)]
    if n < 2 or not hasattr(os, "fork"):
        if len(items) < MIN_BATCH or after_batch is None:
            results = list(func(items)) if batched else [func(x) for x in items]
        else:  # a large site in one process: batch by batch, each one's memos dropped
            results = []
            for a, b in chunks:
                results += func(items[a:b]) if batched else [func(x) for x in items[a:b]]
                after_batch()
        return results, meanwhile() if meanwhile else None
    parts: dict[int, list[tuple[str, Any]]] = {}
    read_fd, write_fd = os.pipe()
    first = 1 if together else 0  # the shared batch is this process's, after meanwhile
    os.write(write_fd, b"".join(_NUMBER.pack(i) for i in range(first, len(chunks))))
    os.close(write_fd)  # readers see the end once every number is taken
    own, *spools = [tempfile.TemporaryFile() for _ in range(n)]  # noqa: SIM115 - closed below
    pids: list[int] = []
    frozen_before = gc.get_freeze_count() > 0  # the caller's: it stays frozen after this
    gc.collect()
    gc.freeze()  # no process's collections touch (and so copy) every inherited object
    _trim_heap()
    try:
        for spool in spools:
            pids.append(_fork_worker(func, items, chunks, read_fd, spool, after_batch, batched))
        side = meanwhile() if meanwhile else None
        i: int | None = 0 if together else _take(read_fd)
        while i is not None:
            pickle.dump((i, _batch(func, items, chunks[i], batched)), own,
                        protocol=pickle.HIGHEST_PROTOCOL)
            if after_batch is not None:
                after_batch()
            i = _take(read_fd)
        failures = []
        with no_gc():
            for pid, spool in zip(pids, spools, strict=True):
                _, status = os.waitpid(pid, 0)
                crash = _read_spool(spool, parts)
                if crash or status:
                    failures.append(crash or f"a worker process ended with status {status}")
            pids.clear()
            _read_spool(own, parts)
        if failures:
            raise WorkerFailed("a worker process failed:\n" + failures[0])
        if len(parts) != len(chunks):
            raise WorkerFailed("a worker process left its work unfinished")
    finally:
        for pid in pids:  # interrupted here: the workers must not outlive the build
            try:
                os.kill(pid, signal.SIGTERM)
                os.waitpid(pid, 0)
            except OSError:
                pass
        os.close(read_fd)
        for spool in (own, *spools):
            spool.close()
        if not frozen_before:
            gc.unfreeze()
    results = []
    for i in range(len(chunks)):
        for outcome, value in parts[i]:
            if outcome == "error":
                cls, problems = value
                raise cls(problems=problems)
            results.append(value)
    return results, side
