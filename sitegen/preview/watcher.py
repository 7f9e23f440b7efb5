"""Watch the site's sources (content, templates, configuration) and push changes, debounced;
queue the rebuilds they ask for.

Uses ``watchfiles`` (inotify on Linux, FSEvents on macOS): the kernel pushes events, so a save
is seen in milliseconds instead of livereload's 800 ms polling, and a burst of events (a branch
switch, an editor's temporary files) arrives as one set once ``quiet_ms`` pass without news.
The output folder is never watched.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Collection, Iterable
from pathlib import Path

from sitegen.config import Config
from sitegen.preview.rebuild import CONFIG_FILES, Outcome

OnChange = Callable[[set[Path]], None]


def watched_folders(config: Config) -> list[Path]:
    """The source folders a preview watches: content/ and templates/ when they exist."""
    return [d for d in (config.content_dir, config.templates_dir) if d.is_dir()]


class Watcher:
    """Calls ``on_change(paths)`` from a background thread whenever sources change."""

    def __init__(self, config: Config, on_change: OnChange, *, output: Path,
                 quiet_ms: int = 10, max_wait_ms: int = 1000) -> None:
        self.root = config.root
        self.folders = watched_folders(config)
        self.output = output.resolve()
        self.on_change = on_change
        self.quiet_ms, self.max_wait_ms = quiet_ms, max_wait_ms
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        """Start watching: the folders recursively, the project folder for its config files."""
        groups: list[tuple[list[Path], bool]] = [([self.root], False)]
        if self.folders:
            groups.append((self.folders, True))
        for paths, recursive in groups:
            t = threading.Thread(target=self._watch, args=(paths, recursive), daemon=True,
                                 name="sitegen-watch")
            t.start()
            self._threads.append(t)

    def stop(self, timeout: float = 0.5) -> None:
        """Stop the watch threads (each notices within about 100 ms)."""
        self._stop.set()
        for t in self._threads:
            t.join(timeout)

    def _wanted(self, path: Path) -> bool:
        if path.is_relative_to(self.output):
            return False
        if path.parent == self.root:
            return path.name in CONFIG_FILES
        return any(path.is_relative_to(d) for d in self.folders)

    def _watch(self, paths: Iterable[Path], recursive: bool) -> None:
        import watchfiles

        default = watchfiles.DefaultFilter()  # editor swap files, .git, __pycache__, …

        def keep(change: watchfiles.Change, name: str) -> bool:
            return default(change, name) and self._wanted(Path(name))

        try:
            for changes in watchfiles.watch(
                *paths, watch_filter=keep, recursive=recursive, stop_event=self._stop,
                step=self.quiet_ms, debounce=self.max_wait_ms, rust_timeout=100,
                yield_on_timeout=False, raise_interrupt=False,
            ):
                self.on_change({Path(name) for _, name in changes})
        except Exception as exc:  # noqa: BLE001 — say so once; the server keeps serving
            print(f"sitegen serve: stopped watching {', '.join(map(str, paths))}: {exc}",
                  file=sys.stderr, flush=True)


class RebuildQueue:
    """Runs rebuilds on one thread; changes that arrive during a build join the next, so a
    burst of saves gives one rebuild and the last save is never lost.

    ``build(paths)`` does one rebuild; ``on_done(outcome, paths)`` is called after the last
    build of each burst (never for a build followed at once by another), from that thread.
    """

    def __init__(self, build: Callable[[set[Path]], Outcome],
                 on_done: Callable[[Outcome, set[Path]], None]) -> None:
        self.build, self.on_done = build, on_done
        self._cond = threading.Condition()
        self._pending: set[Path] = set()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="sitegen-rebuild", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def submit(self, paths: Collection[Path]) -> None:
        """Ask for a rebuild covering ``paths`` (thread-safe, returns at once)."""
        with self._cond:
            self._pending.update(Path(p) for p in paths)
            self._cond.notify()

    def stop(self, timeout: float = 1.0) -> None:
        """Stop after the build in progress, waiting at most ``timeout`` seconds for it."""
        with self._cond:
            self._stopping = True
            self._cond.notify()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        burst: set[Path] = set()
        while True:
            with self._cond:
                while not self._pending and not self._stopping:
                    self._cond.wait()
                if self._stopping:
                    return
                batch, self._pending = self._pending, set()
            burst |= batch
            outcome = self.build(batch)
            with self._cond:
                if self._pending:  # more saves came in meanwhile: build again first
                    continue
            try:
                self.on_done(outcome, burst)
            except Exception:  # noqa: BLE001 — a failing notification must not end the thread
                pass
            burst = set()

