"""The preview's rebuild step: build again, keep the last good site, remember the error.

Nothing here knows about HTTP or file watching, so the step is tested without a server.
``RebuildQueue`` runs the step on one worker thread and folds changes that arrive during a
build into the next one, so a burst of saves gives one rebuild and the last save is never lost.
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

from sitegen.config import Config, load_config
from sitegen.engine.preview import PreviewBuilder
from sitegen.errors import SitegenError

CONFIG_FILES = ("sitegen.toml", "pyproject.toml")
COLLECT_EVERY = 50  # builds between full garbage collections (see Rebuilder._settle)


@dataclass(frozen=True)
class Outcome:
    """What one rebuild did: success, or the error text shown in the overlay and terminal."""

    ok: bool
    seconds: float
    summary: str = ""
    error: str | None = None


def error_text(exc: BaseException) -> str:
    """The text the CLI would print for ``exc``: ``path:line: field: message`` and hints."""
    if isinstance(exc, SitegenError):
        return exc.format()
    return (f"sitegen: internal error: {type(exc).__name__}: {exc}\n"
            "    hint: this is a bug in sitegen; run `sitegen --debug build --drafts` "
            "and report the output")


def preview_builder(config: Config, output: Path) -> PreviewBuilder:
    """The builder of the preview: drafts shown, small updates made in place."""
    return PreviewBuilder(config, drafts=True, output=output)


class Rebuilder:
    """Builds the preview site into ``output`` again and again, surviving every failure.

    ``error`` holds the text of the last failure and is None once a build succeeds again;
    the output folder keeps the last good site because each build is atomic.
    """

    def __init__(self, config: Config, output: Path, *,
                 reload_config: Callable[[], Config] | None = None) -> None:
        self.config = config
        self.output = output
        self.error: str | None = None
        self._reload_config = reload_config or (lambda: load_config(config.root))
        self._builder: PreviewBuilder | None = None
        self._config_fresh = True
        self._unbuilt: set[Path] = set()  # changes of failed builds, retried with the next
        self._builds = 0

    def rebuild(self, changed: Collection[Path] | None = None) -> Outcome:
        """Build once (``changed``: the files changed since the last call; None: all).

        Never raises, except KeyboardInterrupt so that Ctrl-C still stops a foreground build.
        """
        start = time.perf_counter()
        wanted = None if changed is None else self._unbuilt | {Path(p) for p in changed}
        try:
            if self._builder is None or wanted is None or self._touches_config(wanted):
                self._builder = None
                if not self._config_fresh:  # the configuration given at start is fresh
                    self.config = self._reload_config()
                self._config_fresh = False
                self._builder = preview_builder(self.config, self.output)
                wanted = None
            summary = self._builder.build(wanted).summary()
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # noqa: BLE001 — SystemExit included: the server stays up
            self._unbuilt = set(wanted) if wanted is not None else set()
            if wanted is None:
                self._builder = None  # the next build is a full one again
            self.error = error_text(exc)
            return Outcome(False, time.perf_counter() - start, error=self.error)
        self._unbuilt = set()
        self.error = None
        self._settle()
        return Outcome(True, time.perf_counter() - start, summary=summary)

    def _settle(self) -> None:
        """Keep the collector off the long-lived heap between rebuilds.

        A preview of 10,000 entries keeps about a million objects alive from one build to
        the next (the model, the caches); a full collection scans them all (~0.25 s) and
        would fall inside the next rebuild. So they are frozen after each build and only
        every COLLECT_EVERY builds is the cyclic garbage collected.
        """
        self._builds += 1
        if self._builds % COLLECT_EVERY == 1:
            gc.unfreeze()
            gc.collect()
        gc.freeze()

    def _touches_config(self, paths: Collection[Path]) -> bool:
        root = self.config.root
        return any(p.name in CONFIG_FILES and p.parent == root for p in paths)


class RebuildQueue:
    """Runs rebuilds on one worker thread; changes that arrive during a build join the next.

    ``on_done`` is called after the last build of each burst (never for a build that is
    followed at once by another), from the worker thread.
    """

    def __init__(self, rebuilder: Rebuilder, on_done: Callable[[Outcome, set[Path]], None]) -> None:
        self.rebuilder = rebuilder
        self.on_done = on_done
        self._cond = threading.Condition()
        self._pending: set[Path] = set()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="sitegen-rebuild", daemon=True)

    def start(self) -> None:
        """Start the worker thread."""
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
            outcome = self.rebuilder.rebuild(batch)
            with self._cond:
                if self._pending:  # more saves came in meanwhile: build again first
                    continue
            try:
                self.on_done(outcome, burst)
            except Exception:  # noqa: BLE001 — a failing notification must not end the worker
                pass
            burst = set()
