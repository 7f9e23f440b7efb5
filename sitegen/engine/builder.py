"""The build engine: load → plan → render → commit, for ``build``, ``check`` and ``serve``
(``build()`` and ``check()`` below; the preview's in preview/rebuild.py).

1. load: the content folder → the model (content/loader.py, content/reading.py), parsing
   only file texts it has not parsed before (the cache), across cores when there are many.
2. plan: every output of every kind (render/pages.py PAGES, outputs/files.py FILES). An
   output is kept when the parts it read when it was made (render/reads.py) still have the
   same digests and its files are still the ones written; the rest is to render.
3. render: across cores (workers.py), into the sink, pages open in a browser first.
4. commit: the sink publishes the files (``build``: a new tree swapped in whole, tree.py;
   ``serve``: the live folder; ``check``: nothing, sinks.py) and the cache (store.py)
   keeps what the next build can reuse.

A Builder keeps what lasts from build to build (parsed files, converted bodies, digests,
the records of outputs); everything about one build is passed from phase to phase.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field, replace
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sitegen.config import Config
from sitegen.content.loader import LoadResult
from sitegen.content.reading import Reading
from sitegen.engine import workers
from sitegen.engine.deps import Kind, Memo, Part
from sitegen.engine.sinks import Nothing
from sitegen.engine.store import Store, cache_dir, cache_keys, remove_stale_files
from sitegen.engine.tree import AtomicTree, Files, check_real_folders
from sitegen.errors import ContentError, Problem, SitegenError

if TYPE_CHECKING:
    from sitegen.render.reads import Body, Reads
    from sitegen.render.templates import Templates
Output = tuple[Kind, Any]
Record = tuple[str | None, tuple[Part, ...], Files]  # signature, parts read, files written
Made = tuple[tuple[str, Any], Record, tuple[Any, Any]]  # an output rendered: id, record, memos


@dataclass
class BuildResult:
    """What a build did: for the summary line, the preview and tests."""

    entries: int
    pages: int
    seconds: float
    output: Path | None
    warnings: list[Problem] = field(default_factory=list)
    rendered: list[str] = field(default_factory=list)  # files written anew (not kept)

    def summary(self) -> str:
        where = f" → {self.output}" if self.output else ""
        return f"{self.entries} entries, {self.pages} pages in {self.seconds:.2f} s{where}"


class Builder:
    """Builds one site into one sink, again and again, doing only what changed."""

    def __init__(self, config: Config, sink: Any, *, drafts: bool = False,
                 strict: bool = False, store: Store | None = None, once: bool = False) -> None:
        """``sink``: tree.AtomicTree, sinks.LiveFolder or sinks.Nothing; ``store``: the cache on
        disk (None: none); ``once``: a single build (keep nothing for a next one)."""
        self.config, self.sink, self.drafts, self.strict = config, sink, drafts, strict
        self.store, self.once = store, once
        self.reading = Reading(once)  # the parsed files and their texts
        self.bodies: dict[str, Body] = {}  # body text digest → converted body
        self.memo = Memo(keep=None if once else {})
        self.records: dict[tuple[str, Any], Record] = {}  # the live output's
        self.spare: dict[tuple[str, Any], tuple[str | None, Files]] = {}  # the spare tree's
        self._keys: dict[str, str] = {}  # what the memos above are valid under
        self._saved: dict[str, Any] = {}  # what each cache section held when read or written
        self._templates: tuple[str, Templates] | None = None

    def build(self, changed: Collection[Path] | None = None, *, first: Iterable[str] = (),
              on_first: Callable[[list[str]], None] = lambda rels: None,
              search: bool = False) -> BuildResult:
        """Build; ``changed``: the files changed since the last call (None: any may have).
        ``first``: output paths to render and publish before the rest (the pages open in
        a browser); ``on_first`` gets those written. Raises SitegenError on failure, and
        the output stays as it was (but for pages published early)."""
        start = time.perf_counter()
        notes = self._use_cache(cache_keys(self.config, self.drafts))
        loaded = self._load(changed)  # (a first load: meanwhile, the templates compile)
        rd = self._reads(loaded)
        outputs = [(kind, key) for kind in kinds() for key in kind.keys(rd)]
        wanted = set(first)
        early = [o for o in outputs if o[0].path(o[1]) in wanted]
        with self.sink.open(len(outputs)) as out:
            records, todo = self._plan(rd, out, early)
            if todo:  # the pages open in a browser: rendered and shown before the rest
                records |= self._render(rd, out, todo)
                out.publish(rel for o in todo for rel, _ in records[(o[0].name, o[1])][2])
                self.records.update(records)  # they are out, whatever happens next
                on_first([o[0].path(o[1]) for o in todo])
            kept, rest = self._plan(rd, out, [o for o in outputs if o not in early])
            records |= kept | self._render(rd, out, rest, meanwhile=lambda: self._save(
                "content") if changed is None else None)  # (serve: not on every save)
            todo += rest
            out.finish(rel for rec in records.values() for rel, _ in rec[2])
            if search:
                from sitegen.search.indexer import index_site

                index_site(out.tmp)
        self._commit(rd, records, save=changed is None)
        rendered = sorted(rel for o in todo for rel, _ in records[(o[0].name, o[1])][2])
        pages = sum(o[0].path(o[1]).endswith(".html") for o in outputs)
        return BuildResult(len(loaded.site.entries), pages, time.perf_counter() - start,
                           getattr(self.sink, "target", getattr(self.sink, "folder", None)),
                           loaded.warnings + notes, rendered)

    # -- the cache --------------------------------------------------------------------------
    def _use_cache(self, keys: dict[str, str]) -> list[Problem]:
        """Keep the memos whose key is unchanged; the others come from the cache on disk
        (or start empty). Returns the cache's warnings."""
        store, stale = self.store, [name for name, key in keys.items()
                                    if self._keys.get(name) != key]
        if store is not None and stale and not self._keys:
            check_real_folders(self.config.root, [cache_dir(self.config)])
            remove_stale_files(self.config)
        for name in stale:
            items = store.load(name, keys[name]) if store is not None else None
            self._saved[name] = items
            items = dict(items or {})
            if name == "content":
                self.reading.parsed = items.get("parsed", {})
            elif name == "markdown":
                self.bodies = items.get("bodies", {})
            else:
                self.records, self.spare = items.get("live", {}), items.get("spare", {})
                self.memo.digests = items.get("digests", {})
        self._keys = keys
        if store is None:
            return []
        notes, store.warnings = store.warnings, []
        return notes

    def _sections(self) -> dict[str, dict[str, Any]]:
        return {"content": {"parsed": self.reading.parsed},
                "markdown": {"bodies": self.bodies},
                "pages": {"live": self.records, "spare": self.spare,
                          "digests": self.memo.digests}}

    def _save(self, name: str) -> None:
        """Write one cache section if it holds other items than when read or written."""
        items = self._sections()[name]
        saved = self._saved.get(name) or {}
        if self.store is None or all(saved.get(k) is v or saved.get(k) == v
                                     for k, v in items.items()):
            return
        if name == "pages" and not self.sink.keeps_records:
            return
        self.store.save(name, self._keys[name], items)
        self._saved[name] = {k: dict(v) for k, v in items.items()}

    def _commit(self, rd: Reads, records: dict[tuple[str, Any], Record], save: bool) -> None:
        """The build succeeded: its records and memos are the next build's to reuse (and,
        if ``save``, the cache's on disk)."""
        if self.sink.keeps_records:
            self.spare = {oid: (rec[0], rec[2]) for oid, rec in self.records.items()}
        self.records = records
        self.bodies = self.memo.bodies
        self.memo.digests = rd.still_here_only(self.memo.digests)
        texts = {p.body_md for p in rd.site.pages} | {t.body_md for t in rd.site.translations}
        self.memo.texts = {t: d for t, d in self.memo.texts.items() if t in texts}
        for name in ("markdown", "pages", "content") if save else ():
            self._save(name)

    # -- load ---------------------------------------------------------------------------
    def _load(self, changed: Collection[Path] | None) -> LoadResult:
        loaded = self.reading.load(self.config, self.drafts, changed, self._early_templates)
        if self.strict and loaded.warnings:
            raise ContentError(problems=[replace(w, severity="error") for w in loaded.warnings])
        return loaded

    def _early_templates(self) -> None:
        """Import the render code, compile the templates (problems: after the content's)."""
        with suppress(SitegenError):
            kinds()
            self._current_templates().compile_all()

    def _current_templates(self) -> Templates:
        """The templates, made again when the settings or the theme changed."""
        from sitegen.render.templates import Templates

        if self._templates is None or self._templates[0] != self._keys["pages"]:
            self._templates = (self._keys["pages"], Templates(self.config))
        return self._templates[1]

    def _reads(self, loaded: LoadResult) -> Reads:
        """The parts of the loaded site, with this builder's memos (bodies converted before
        whose entry links still resolve the same way)."""
        from sitegen.render.reads import Reads

        self.memo.bodies = {}
        rd = Reads(loaded.site, self.config, self.memo, loaded.versions, self._current_templates(),
                   self.reading.body(self.config))
        rd.keep_cached_bodies(self.bodies)
        return rd

    # -- plan and render ------------------------------------------------------------------
    def _plan(self, rd: Reads, out: Any, outputs: list[Output]
              ) -> tuple[dict[tuple[str, Any], Record], list[Output]]:
        """The records of the outputs kept as they are, and the outputs to render."""
        kept: dict[tuple[str, Any], Record] = {}
        todo = []
        for kind, key in outputs:
            oid = (kind.name, key)
            rec, spare = self.records.get(oid), self.spare.get(oid)
            sig = rd.signature(rec[1]) if rec is not None else None
            files = sig and out.keep(rec[2] if rec and rec[0] == sig else None,
                                     spare[1] if spare and spare[0] == sig else None)
            if files and rec is not None:
                kept[oid] = (sig, rec[1], files)
            else:
                todo.append((kind, key))
        return kept, todo

    def _render(self, rd: Reads, out: Any, todo: list[Output],
                meanwhile: Callable[[], Any] = lambda: None) -> dict[tuple[str, Any], Record]:
        """Render ``todo`` into ``out`` across cores: the outputs of shared kinds first, in
        this process (they share memoised card HTML), the rest in batches of one kind."""
        items = [o for o in todo if o[0].shared] + [o for o in todo if not o[0].shared]

        def work(batch: Sequence[Output]) -> list[Made]:
            for kind, group in groupby(batch, key=lambda o: o[0]):
                if kind.prepare is not None:
                    kind.prepare(rd, [key for _, key in group])
            return [_make(rd, out, kind, key) for kind, key in batch]

        made = workers.run(work, items, first=sum(o[0].shared for o in todo),
                           meanwhile=meanwhile, after_batch=rd.forget)
        same: dict[Any, Any] = {}  # one object for equal parts (from worker processes)
        records = {}
        for oid, (sig, parts, files), (bodies, digests) in made:
            self.memo.bodies.update(bodies)
            self.memo.digests.update(digests)
            records[oid] = (sig, tuple(same.setdefault(p, p) for p in parts), files)
        return records


def kinds() -> tuple[Kind, ...]:
    """Every kind of output (the render code is imported while the content is read)."""
    from sitegen.outputs.files import FILES
    from sitegen.render.pages import PAGES

    return (*PAGES, *FILES)


def _make(rd: Reads, out: Any, kind: Kind, key: Any) -> Made:
    """One output rendered and written, with its record and what it added to the memos."""
    rel = kind.path(key)
    with rd.recording() as parts:
        ident = out.write(rel, kind.render(rd, key))  # (pieces are made as they are written)
    sig = rd.signature(parts)
    return (kind.name, key), (sig, tuple(parts), ((rel, ident),)), rd.drain()


def build(config: Config, *, drafts: bool = False, strict: bool = False,
          output: Path | None = None, search: bool = False, cache: bool = True) -> BuildResult:
    """``sitegen build``: the site into ``output`` (default: the configured folder),
    atomically, with the Pagefind index if ``search``; ``cache``: use .cache/sitegen."""
    sink = AtomicTree(output or config.output_dir,
                      [config.root, config.content_dir, config.templates_dir])
    return Builder(config, sink, drafts=drafts, strict=strict,
                   store=Store(config) if cache else None, once=True).build(search=search)


def check(config: Config, *, drafts: bool = True, strict: bool = False) -> BuildResult:
    """``sitegen check``: validate content and render every page in memory, writing nothing."""
    return Builder(config, Nothing(), drafts=drafts, strict=strict, once=True).build()
