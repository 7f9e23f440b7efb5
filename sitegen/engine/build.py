"""``sitegen build`` and ``sitegen check``: the engine (builder.py) with their sinks."""

from __future__ import annotations

from pathlib import Path

from sitegen.config import Config
from sitegen.engine.builder import Builder, BuildResult
from sitegen.engine.sinks import Nothing, Tree
from sitegen.engine.store import Store


def build(config: Config, *, drafts: bool = False, strict: bool = False,
          output: Path | None = None, search: bool = False, cache: bool = True) -> BuildResult:
    """Build the site into ``output`` (default: the configured folder), atomically; with
    ``search`` the Pagefind index is written inside the same atomic build. ``cache``:
    reuse and update .cache/sitegen (without it, a cold build that keeps nothing)."""
    target = output or config.output_dir
    sink = Tree(target, [config.root, config.content_dir, config.templates_dir])
    builder = Builder(config, sink, drafts=drafts, strict=strict,
                      store=Store(config) if cache else None, once=True)
    return builder.build(search=search)


def check(config: Config, *, drafts: bool = True, strict: bool = False) -> BuildResult:
    """Validate content and render every page in memory, writing nothing."""
    return Builder(config, Nothing(), drafts=drafts, strict=strict, once=True).build()


__all__ = ["BuildResult", "build", "check"]
