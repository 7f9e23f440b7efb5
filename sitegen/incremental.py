"""Repeated builds of one site (serve, warm and incremental builds).

This first version rebuilds everything on each call; the performance work replaces the
inside with a dependency map and a cache while keeping this interface.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from sitegen.build import BuildResult, build
from sitegen.config import Config


class SiteBuilder:
    """Builds one site again and again, re-rendering only what a change affects."""

    def __init__(self, config: Config, *, drafts: bool = False, output: Path | None = None,
                 strict: bool = False) -> None:
        self.config = config
        self.drafts = drafts
        self.strict = strict
        self.output = output or config.output_dir

    def build(self, changed: Iterable[Path] | None = None) -> BuildResult:
        """Build; ``changed`` names the files that changed since the last call (None: all).

        Raises SitegenError on failure and leaves the previous output as it was.
        """
        return build(self.config, drafts=self.drafts, strict=self.strict, output=self.output)
