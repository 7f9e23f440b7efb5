"""The preview's watcher: real file events, bursts folded, output and stray files ignored."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sitegen.config import load_config
from sitegen.preview.watcher import Watcher


class Seen:
    """Collects the sets of paths the watcher reports."""

    def __init__(self) -> None:
        self.calls: list[set[Path]] = []
        self.changed = threading.Event()

    def __call__(self, paths: set[Path]) -> None:
        self.calls.append(paths)
        self.changed.set()

    def all(self) -> set[Path]:
        return set().union(*self.calls)

    def wait_for(self, paths: set[Path], timeout: float = 5) -> None:
        deadline = time.monotonic() + timeout
        while not paths <= self.all():
            assert time.monotonic() < deadline, f"never saw {paths - self.all()}"
            self.changed.wait(0.05)
            self.changed.clear()


@pytest.fixture
def watched(basic_site: Path) -> Iterator[tuple[Path, Seen]]:
    seen = Seen()
    output = basic_site / ".cache" / "serve" / "site"
    output.mkdir(parents=True)
    watcher = Watcher(load_config(basic_site), seen, output=output)
    watcher.start()
    time.sleep(0.3)  # let inotify install its watches before the first write
    try:
        yield basic_site, seen
    finally:
        watcher.stop()


def test_a_burst_of_saves_arrives_as_one_set(watched: tuple[Path, Seen]) -> None:
    root, seen = watched
    entries = root / "content" / "entries"
    burst = {entries / f"burst-{i:02d}.md" for i in range(30)}
    for path in sorted(burst):
        path.write_text("---\ntitle: x\n---\n")
    seen.wait_for(burst)
    assert len(seen.calls) == 1


def test_sources_and_configuration_are_watched_but_not_the_output(
    watched: tuple[Path, Seen],
) -> None:
    root, seen = watched
    (root / ".cache" / "serve" / "site" / "index.html").write_text("built")
    (root / "notes.txt").write_text("not a source")
    (root / "content" / "entries" / ".1994-partnership.md.swp").write_text("editor swap file")
    time.sleep(0.2)
    template = root / "templates" / "base.html"
    template.write_text(template.read_text() + "\n")
    seen.wait_for({template})
    assert seen.all() == {template}
    config = root / "sitegen.toml"
    for _ in range(2):  # editors that save by renaming a new file: the watch must survive
        seen.calls.clear()
        replacement = root / "sitegen.toml.new"
        replacement.write_text(config.read_text())
        replacement.replace(config)
        seen.wait_for({config})
        assert seen.all() == {config}
