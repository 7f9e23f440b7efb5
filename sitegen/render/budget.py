"""A CPU-time budget for one piece of work, such as converting one entry's body.

Bodies come from contributors, and Python-Markdown takes time that grows faster than a
body's size on some shapes (runs of brackets, thousands of blocks or inline tags in one
paragraph). The input-shape limits in markup.py bound the known ones deterministically;
this budget stops whatever is left: ``cpu_budget(seconds)`` arms ``ITIMER_PROF``, which
counts this process's CPU time (user and system, not wall time, so a busy machine does not
make good work fail), and when it runs out the signal handler raises ``OverBudget`` inside
the work, which the caller turns into a located error.

The mechanism, one for every build: the budget runs where the work runs, on the main
thread of a single-threaded process: a forked worker (engine/workers.py), or the main
process of a small build or of ``check``; ``sitegen serve`` builds in a process of its own
for this reason too (preview/worker.py). Nothing is forked or killed for it. Elsewhere
(another thread, or a process with other threads, whose CPU time the timer would also
count: a test driving the preview's builder in a thread) it does nothing and the shape
limits alone apply: a Python signal handler runs only on the main thread.

The handler runs between Python bytecodes, so work inside one long C call (the sanitiser,
nh3) is stopped when that call returns, not during it; the shape limits keep such calls
short.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

DEFAULT_SECONDS = 5.0  # far above a real entry (a few ms); see Config.entry_cpu_budget


class OverBudget(BaseException):  # noqa: N818 - reads as what happened, like KeyboardInterrupt
    """The work used up its CPU time. A BaseException, so that no ``except Exception``
    inside the interrupted library swallows it."""


def can_time() -> bool:
    """Whether a budget can be enforced here: the main thread of a single-threaded process."""
    return (hasattr(signal, "setitimer") and threading.active_count() == 1
            and threading.current_thread() is threading.main_thread())


@contextmanager
def cpu_budget(seconds: float) -> Iterator[None]:
    """Run the body of the ``with`` under a budget of ``seconds`` of this process's CPU
    time; raises OverBudget in it when the budget is used up. Without a budget (0) or
    where none can be enforced (see the module's docstring) it does nothing."""
    if seconds <= 0 or not can_time():
        yield
        return
    armed = [True]

    def expired(signum: int, frame: FrameType | None) -> None:
        if armed[0]:  # a signal that arrives while disarming must not escape the block
            raise OverBudget

    previous = signal.signal(signal.SIGPROF, expired)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        armed[0] = False
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, signal.SIG_DFL if previous is None else previous)
