"""The preview's build step: build again into the live folder, keep the last good site,
remember the error.

This is the engine (engine/builder.py) with the live-folder sink and drafts shown; nothing
here knows about HTTP or file watching. ``sitegen serve`` runs it in a process of its own
(worker.py), so that its builds may fork workers and keep the per-entry CPU budget.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.config import Config, load_config
from sitegen.engine.builder import Builder
from sitegen.engine.sinks import LiveFolder
from sitegen.engine.store import Store
from sitegen.errors import error_text

CONFIG_FILES = ("sitegen.toml", "pyproject.toml")
COLLECT_EVERY = 50  # builds between full garbage collections (see Rebuilder._settle)


@dataclass(frozen=True)
class Outcome:
    """What one rebuild did: success, or the error text shown in the overlay and terminal;
    the files it wrote, and the site's base path (the configuration may have changed)."""

    ok: bool
    seconds: float
    summary: str = ""
    error: str | None = None
    rendered: list[str] = field(default_factory=list)
    base_path: str = "/"


def preview_config(root: Path, origin: str, base_url: str | None) -> Config:
    """The project's configuration as the preview serves it: from ``origin`` (the server's
    address), under the base path of ``base_url`` (--base-url) or of the configuration."""
    config = load_config(root)
    if base_url:
        config = config.with_base_url(base_url)
    return config.with_base_url(origin + config.base_path)


class Rebuilder:
    """Builds the preview into ``output`` again and again, surviving every failure.

    ``error`` holds the text of the last failure and is None once a build succeeds again;
    the folder keeps the last good site, since a failed build publishes nothing.
    """

    def __init__(self, config: Config, output: Path, *,
                 reload_config: Callable[[], Config] | None = None) -> None:
        self.config, self.output = config, output
        self.error: str | None = None
        self._reload_config = reload_config or (lambda: load_config(config.root))
        self._builder: Builder | None = None
        self._config_fresh = True  # the configuration given at start needs no reload
        self._unbuilt: set[Path] = set()  # changes of failed builds, retried with the next
        self._builds = 0

    @property
    def base_path(self) -> str:
        return self.config.base_path

    def rebuild(self, changed: Collection[Path] | None = None, *, first: Iterable[str] = (),
                on_first: Callable[[list[str]], None] = lambda rels: None) -> Outcome:
        """Build once (``changed``: the files changed since the last call; None: all);
        ``first``, ``on_first``: see Builder.build. Never raises, but KeyboardInterrupt."""
        start = time.perf_counter()
        wanted = None if changed is None else self._unbuilt | {Path(p) for p in changed}
        try:
            if self._builder is None or wanted is None or self._touches_config(wanted):
                self._builder = None
                if not self._config_fresh:
                    self.config = self._reload_config()
                self._config_fresh = False
                self._builder = Builder(self.config, LiveFolder(self.output, self.config.root),
                                        drafts=True, store=Store(self.config))
                wanted = None
            result = self._builder.build(wanted, first=first, on_first=on_first)
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # noqa: BLE001 — SystemExit included: the server stays up
            self._unbuilt = set(wanted) if wanted is not None else set()
            if wanted is None:
                self._builder = None  # the next build is a full one again
            self.error = error_text(exc, "run `sitegen --debug build --drafts`")
            return Outcome(False, time.perf_counter() - start, error=self.error,
                           base_path=self.base_path)
        self._unbuilt, self.error = set(), None
        self._settle()
        return Outcome(True, time.perf_counter() - start, result.summary(), None,
                       result.rendered, self.base_path)

    def _settle(self) -> None:
        """Freeze the ~1 million objects a 10,000-entry preview keeps between builds (a full
        collection takes ~0.25 s); collect the cyclic garbage every COLLECT_EVERY builds."""
        self._builds += 1
        if self._builds % COLLECT_EVERY == 1:
            gc.unfreeze()
            gc.collect()
        gc.freeze()

    def _touches_config(self, paths: Collection[Path]) -> bool:
        root = self.config.root
        return any(p.name in CONFIG_FILES and p.parent == root for p in paths)
