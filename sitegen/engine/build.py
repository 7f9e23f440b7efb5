"""The build: load (files → model) → render (pure page functions) → write (atomic)."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sitegen.config import Config
from sitegen.content.loader import Reader, load_site
from sitegen.content.model import Site
from sitegen.engine.writer import AtomicOutput
from sitegen.errors import ContentError, Problem
from sitegen.outputs import exports, feeds
from sitegen.render import pages

Progress = Callable[[int, int], None]


@dataclass
class BuildResult:
    """What a build did, for the summary line and for tests."""

    entries: int
    pages: int
    seconds: float
    output: Path | None
    warnings: list[Problem] = field(default_factory=list)

    def summary(self) -> str:
        where = f" → {self.output}" if self.output else ""
        return (f"{self.entries} entries, {self.pages} pages in {self.seconds:.2f} s{where}")


def load(config: Config, drafts: bool = False, strict: bool = False,
         memo: dict | None = None, reader: Reader | None = None) -> tuple[Site, list[Problem]]:
    """Load the model; with ``strict`` a warning fails like an error (memo, reader: see
    load_site)."""
    result = load_site(config, drafts=drafts, memo=memo, reader=reader)
    if strict and result.warnings:
        raise ContentError(problems=[replace(w, severity="error") for w in result.warnings])
    return result.site, result.warnings


def render_site(site: Site, config: Config,
                progress: Progress | None = None) -> Iterator[tuple[str, bytes]]:
    """Every output file as (path, bytes), in a stable order. Pure: writes nothing."""
    r = pages.Renderer.create(site, config)
    jobs = pages.all_html_pages(r)
    for i, (kind, item) in enumerate(jobs, 1):
        yield pages.render_job(r, kind, item)
        if progress:
            progress(i, len(jobs))
    yield from data_files(site, config)


def data_files(site: Site, config: Config, fragments: feeds.Fragments | None = None,
               streamed: bool = False) -> Iterator[tuple[str, Any]]:
    """Every output file that is not an HTML page: feeds, data exports, host files.

    ``fragments``: the memo of the data's encoded entries (feeds.entry_fragments).
    ``streamed``: timeline.json, timeline.csv and timeline.ics come as iterators of pieces
    for AtomicOutput.write, not as bytes (at 50,000 entries they are ~60 MB together)."""
    yield "feed.xml", feeds.atom_feed(site, config)
    yield "timeline.json", (feeds.timeline_json_parts(site, config, fragments) if streamed
                            else feeds.timeline_json(site, config, fragments))
    yield from feeds.timeline_parts(site, config, fragments)
    yield from feeds.sitemaps(site, config)
    yield "robots.txt", feeds.robots_txt(config)
    yield from exports.export_files(site, config, streamed)
    yield ".nojekyll", b""
    if config.cname:
        yield "CNAME", (config.cname + "\n").encode()


def build(config: Config, *, drafts: bool = False, strict: bool = False,
          output: Path | None = None, progress: Progress | None = None,
          search: bool = False) -> BuildResult:
    """Build the site into ``output`` (default: the configured folder), atomically.

    With ``search`` the Pagefind index is written inside the same atomic build. The work
    is done by the cached, parallel engine in incremental.py (same bytes as render_site).
    """
    from sitegen.engine.incremental import SiteBuilder

    return SiteBuilder(config, drafts=drafts, strict=strict, output=output,
                       one_shot=True).build(progress=progress, search=search)


def build_uncached(config: Config, *, drafts: bool = False, strict: bool = False,
                   output: Path | None = None, progress: Progress | None = None,
                   search: bool = False) -> BuildResult:
    """The plain one-process build, without cache: the reference the engine must equal."""
    start = time.perf_counter()
    site, warnings = load(config, drafts=drafts, strict=strict)
    target = output or config.output_dir
    protected = [config.root, config.content_dir, config.templates_dir]
    n_pages = 0
    with AtomicOutput(target, protected) as out:
        for path, data in render_site(site, config, progress):
            out.write(path, data)
            n_pages += path.endswith(".html")
        out.copy_tree(config.templates_dir / "static", "static")
        if search:
            from sitegen.search.indexer import index_site

            index_site(out.tmp)
    return BuildResult(len(site.entries), n_pages, time.perf_counter() - start, target, warnings)


def check(config: Config, *, drafts: bool = True, strict: bool = False) -> BuildResult:
    """Validate content and render every page in memory, writing nothing."""
    start = time.perf_counter()
    site, warnings = load(config, drafts=drafts, strict=strict)
    n_pages = sum(path.endswith(".html") for path, _ in render_site(site, config))
    return BuildResult(len(site.entries), n_pages, time.perf_counter() - start, None, warnings)


class ProgressLine:
    """Shows progress on stderr once a build has run for more than a second."""

    def __init__(self, stream=sys.stderr, after: float = 1.0) -> None:  # type: ignore[no-untyped-def]
        self.stream, self.after = stream, after
        self.start = time.perf_counter()
        self.last = 0.0
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        now = time.perf_counter()
        if now - self.start < self.after or (now - self.last < 0.5 and done != total):
            return
        self.last = now
        end = "\n" if done == total else ""
        tty = getattr(self.stream, "isatty", lambda: False)()
        if tty:
            self.stream.write(f"\rrendering pages: {done}/{total}{end}")
        elif done == total or not self.shown:
            self.stream.write(f"rendering pages: {done}/{total}\n")
        self.shown = True
        self.stream.flush()
