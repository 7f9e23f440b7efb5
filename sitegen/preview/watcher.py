"""Watch the site's sources (content, templates, configuration) and push changes, debounced.

Uses ``watchfiles`` (inotify on Linux, FSEvents on macOS): the kernel pushes events, so a save
is seen in milliseconds instead of livereload's 800 ms polling, and a burst of events (a branch
switch, an editor's temporary files) arrives as one set once ``quiet_ms`` pass without news.
The output folder is never watched.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from sitegen.config import Config
from sitegen.preview.rebuild import CONFIG_FILES

OnChange = Callable[[set[Path]], None]


def watched_folders(config: Config) -> list[Path]:
    """The source folders a preview watches: content/ and templates/ when they exist."""
    return [d for d in (config.content_dir, config.templates_dir) if d.is_dir()]


class Watcher:
    """Calls ``on_change(paths)`` from a background thread whenever sources change."""

    def __init__(self, config: Config, on_change: OnChange, *, output: Path,
                 quiet_ms: int = 25, max_wait_ms: int = 1000) -> None:
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
