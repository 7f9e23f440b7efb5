"""Work across cores: a fork-based process pool whose workers inherit the loaded site.

Forking after the site is loaded means nothing big is pickled on the way in: a worker gets
the model, templates and caches as copy-on-write memory and receives only job indices. It
sends back small results (paths, file identities, converted HTML). Small batches run in
this process: a pool costs ~50 ms to start and would only slow a preview rebuild down.
Exceptions that carry problems (SitegenError) are sent back as data and raised again here,
so a template error in a worker reads exactly as it would in a one-process build.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Sequence
from typing import Any

from sitegen.errors import SitegenError

MIN_BATCH = 200  # fewer jobs than this run in-process
_TASK: tuple[Callable[[Any], Any], Sequence[Any]] | None = None


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


def _run_chunk(bounds: tuple[int, int]) -> list[Any]:
    assert _TASK is not None
    func, items = _TASK
    try:
        return [("ok", func(items[i])) for i in range(*bounds)]
    except SitegenError as exc:
        return [("error", (type(exc), exc.problems))]


def run(func: Callable[[Any], Any], items: Sequence[Any],
        meanwhile: Callable[[], Any] | None = None, together: int = 0) -> tuple[list[Any], Any]:
    """``[func(x) for x in items]`` across processes, plus ``meanwhile()`` run here.

    The first ``together`` items go to one worker as one batch, first: work they share and
    a worker memoises (the card HTML of every listing page) is then done once, not in each.
    Returns (results in order, what ``meanwhile`` returned).
    """
    global _TASK
    n = workers()
    if n < 2 or len(items) < MIN_BATCH or "fork" not in multiprocessing.get_all_start_methods():
        results = [func(x) for x in items]
        return results, meanwhile() if meanwhile else None
    size = max(1, min(64, len(items) // (n * 6)))
    together = min(together, len(items))
    chunks = [(0, together)] if together else []
    chunks += [(i, min(i + size, len(items))) for i in range(together, len(items), size)]
    _TASK = (func, items)
    gc.collect()
    gc.freeze()  # workers' collections must not touch (and so copy) every inherited object
    try:
        with multiprocessing.get_context("fork").Pool(n) as pool:
            pending = pool.map_async(_run_chunk, chunks, chunksize=1)
            side = meanwhile() if meanwhile else None
            parts = pending.get()
    finally:
        _TASK = None
        gc.unfreeze()
    results = []
    for part in parts:
        for status, value in part:
            if status == "error":
                cls, problems = value
                raise cls(problems=problems)
            results.append(value)
    return results, side
