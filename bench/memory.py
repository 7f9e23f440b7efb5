"""Where a cold build's memory goes: peak RSS, and what is held per entry (tracemalloc).

For each size N it writes the bench's synthetic corpus (bench/corpus.py) under
bench/out/mem-N/ and runs, in a fresh process each, a cold build (no .cache/, no output) in
ONE process (``SITEGEN_JOBS=1``, as the memory budget makes a 50,000-entry build run):

- the peak resident memory (ru_maxrss) of that build;
- with ``--trace``, a second build under tracemalloc with a snapshot at the end of each
  phase (load, render): the memory traced then, per entry, and the source lines that
  allocated the most of it. tracemalloc makes the build several times slower; use it at a
  few thousand entries.

Usage: python bench/memory.py [--trace] N [N ...]   (e.g. 5000 20000)
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tracemalloc
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path[:0] = [str(REPO), str(BENCH)]
TOP = 45  # source lines shown per snapshot


def _snapshot(label: str, n: int, found: list[dict[str, object]]) -> None:
    snap = tracemalloc.take_snapshot().filter_traces(
        [tracemalloc.Filter(False, tracemalloc.__file__)])
    stats = snap.statistics("lineno")
    total = sum(s.size for s in stats)
    found.append({"phase": label, "traced_mb": total / 1e6, "per_entry_kb": total / n / 1e3,
                  "top": [(f"{s.traceback[0].filename.replace(str(REPO) + '/', '')}:"
                           f"{s.traceback[0].lineno}", round(s.size / n), s.count)
                          for s in stats[:TOP]]})


def step(root: Path, n: int, trace: bool) -> None:
    """One cold build in this (fresh) process; prints its figures as JSON."""
    from sitegen.config import load_config
    from sitegen.engine import builder

    found: list[dict[str, object]] = []
    phases: list[tuple[str, float, float]] = []  # (after which phase, RSS now, peak so far)
    for name in ("_load", "_render", "_commit"):
        setattr(builder.Builder, name, _marked(getattr(builder.Builder, name), name, phases))
    if trace:
        tracemalloc.start(1)
        load, render = builder.Builder._load, builder.Builder._render

        def traced_load(self: builder.Builder, changed: object) -> object:
            got = load(self, changed)  # type: ignore[arg-type]
            _snapshot("after load", n, found)
            return got

        def traced_render(self: builder.Builder, *args: object, **kw: object) -> object:
            got = render(self, *args, **kw)  # type: ignore[arg-type]
            if len(args[2]) > 1:  # type: ignore[arg-type]  # the main render, not the early one
                _snapshot("after render (before the cache is written)", n, found)
            return got

        builder.Builder._load = traced_load  # type: ignore[method-assign,assignment]
        builder.Builder._render = traced_render  # type: ignore[method-assign,assignment]
    builder.build(load_config(root))
    print(json.dumps({"rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "phases": phases, "snapshots": found}))


def _status_mb(field: str) -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def _marked(method: Any, name: str, phases: list[tuple[str, float, float]]) -> Any:
    def marked(*args: Any, **kw: Any) -> Any:
        got = method(*args, **kw)
        phases.append((name.strip("_"), _status_mb("VmRSS"), _status_mb("VmHWM")))
        return got
    return marked


def measure(root: Path, n: int, trace: bool) -> dict[str, Any]:
    for leftover in (root / ".cache", root / "output"):
        shutil.rmtree(leftover, ignore_errors=True)
    env = dict(os.environ, SITEGEN_JOBS="1")
    done = subprocess.run([sys.executable, __file__, "--step", str(root), str(n),
                           "trace" if trace else "plain"],
                          env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main(argv: list[str]) -> None:
    from corpus import make_corpus

    trace = "--trace" in argv
    for n in [int(a) for a in argv if a != "--trace"]:
        root = make_corpus(BENCH / "out" / f"mem-{n}", n)
        plain = measure(root, n, False)
        print(f"{n:,} entries: peak RSS of a cold build in one process "
              f"{plain['rss_mb']:.0f} MB; after each phase, RSS now (peak so far), MB: "
              + ", ".join(f"{name} {now:.0f} ({peak:.0f})"
                          for name, now, peak in plain["phases"]),
              flush=True)
        if trace:
            for snap in measure(root, n, True)["snapshots"]:
                print(f"  {snap['phase']}: {snap['traced_mb']:.0f} MB traced, "
                      f"{snap['per_entry_kb']:.1f} KB an entry; per entry (bytes, blocks):")
                for where, size, count in snap["top"]:
                    print(f"    {size:>7,}  {count:>9,}  {where}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--step"]:
        step(Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "trace")
    else:
        main(sys.argv[1:])
