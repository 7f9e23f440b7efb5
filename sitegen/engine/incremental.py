"""Repeated, cached and incremental builds (``sitegen build`` and ``serve`` use this).

A build here gives the same bytes as the plain one-process build (build.build_uncached);
it only avoids work:

1. Parsing: content files whose text is unchanged reuse their parsed Entry/Page (cache.py).
2. Markdown: a body whose text is unchanged reuses its HTML as long as every entry link in
   it resolves as before (the links it resolved are recorded with the HTML).
3. Pages: each HTML page gets a *signature* of exactly what its template context is made of
   (the dependency map below). A page whose signature is unchanged, and whose file in the
   previous output is still the very file we wrote (inode, mtime, size), is hard-linked
   into the new build instead of rendered. An entry edit therefore re-renders the entry's
   page, its neighbours (previous/next), entries that relate to it, and the pages listing
   it (home, its year, topic and participant pages); feeds and data files are one group.
   Anything every page shows (configuration, templates, registries, the list of years and
   free pages, sitegen's version) is in every signature: changing it rebuilds everything.
4. What remains is rendered across cores (parallel.py), after the site is loaded.

The output stays atomic: the new site is assembled in AtomicOutput's temporary folder
(links and new files) and swapped in whole. Nothing is ever written into the live folder,
so a linked file is never modified in place.

If you give a page function a new input, add it to ``_signature``: the tests compare warm
and incremental builds with cold ones, but only for the changes they make.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import markdown as markdown_pkg

from sitegen.config import Config
from sitegen.content.loader import (
    Reader,
    _Collector,
    _link_targets,
    _memo_key,
    _parse_entry,
    read_text,
    remember_links,
)
from sitegen.engine import parallel, reuse
from sitegen.engine.build import BuildResult, Progress, data_files, load
from sitegen.engine.cache import (
    SECTIONS,
    BuildCache,
    cache_dir,
    code_digest,
    config_digest,
    digest,
    remove_stale_files,
    tree_digest,
)
from sitegen.engine.writer import _KEEP as KEEP
from sitegen.engine.writer import AtomicOutput, check_real_folders
from sitegen.errors import ContentError
from sitegen.outputs import feeds
from sitegen.render import pages
from sitegen.render.context import entry_url, page_url, participant_url, topic_url, year_url
from sitegen.render.markup import MarkdownRenderer, MarkupError
from sitegen.render.templates import Templates

LINK_MIN_PAGES = 100  # below this, rendering everything is as fast as checking and linking
LISTINGS = ("home", "year", "topic", "participant")  # the pages made of entry cards
DATA = "@data"  # the cache's record of the non-HTML files but timeline.json (one group)
JSON, JSON_FILE = "@json", "timeline.json"  # the only data file that holds entry bodies


def job_path(kind: str, item: Any) -> str:
    """The output path of a page job (as pages.render_job names it)."""
    fixed = {"home": "index.html", "404": "404.html", "search": "search/index.html"}
    if kind in fixed:
        return fixed[kind]
    url = {"entry": entry_url, "participant": participant_url, "topic": topic_url,
           "page": page_url}.get(kind)
    return (url(item.id) if url else year_url(item)) + "index.html"


class _Recorder:
    """An entry-link resolver that remembers what it answered (kept with the HTML)."""

    def __init__(self, resolve: Any) -> None:
        self.resolve = resolve
        self.seen: dict[str, str | None] = {}

    def __call__(self, target: str) -> str | None:
        url = self.resolve(target)
        self.seen[target] = url
        return url


class _Tracking(dict):  # type: ignore[type-arg]
    """The parse memo, remembering which keys this build used (the rest is pruned)."""

    def __init__(self, items: dict[Any, Any]) -> None:
        super().__init__(items)
        self.used: set[Any] = set()

    def __getitem__(self, key: Any) -> Any:
        self.used.add(key)
        return super().__getitem__(key)

    def __setitem__(self, key: Any, value: Any) -> None:
        self.used.add(key)
        super().__setitem__(key, value)


@dataclass
class _Plan:
    """One build's state shared with the workers (they inherit it by fork)."""

    r: pages.Renderer
    recorder: _Recorder
    out: AtomicOutput
    missing: dict[str, tuple[str, int]]  # body text → (path, line) for its error messages
    converted: list[str] = field(default_factory=list)  # bodies this batch converted
    fresh: dict[str, tuple[bytes, tuple]] = field(default_factory=dict)  # see _convert_bodies


_PLAN: _Plan | None = None


def _render_page(r: pages.Renderer, recorder: _Recorder, missing: dict[str, tuple[str, int]],
                 kind: str, item: Any) -> tuple[str, bytes, tuple[bytes, tuple] | None]:
    """One page as (path, bytes, its body's new HTML and entry links, if it converted one)."""
    converted = None
    body = getattr(item, "body_md", None) if kind in ("entry", "page") else None
    if body is not None and body in missing and body not in r.bodies:
        recorder.seen.clear()
        html = pages.body_html(r, body, *missing[body])
        r.bodies[body] = html
        # the body's HTML as kept until the end of the build (and in the cache): compressed
        converted = (pages.kept_html(html), tuple(sorted(recorder.seen.items())))
    rel, data = pages.render_job(r, kind, item)
    return rel, data, converted


WRITE_EVERY = 16  # pages rendered before they are written (a listing page is ~0.3 MB)


def _render(jobs: list[tuple[str, Any]]
            ) -> list[tuple[str, reuse.Identity, tuple[bytes, tuple] | None]]:
    """Render a batch of pages into the temporary folder; runs in a worker or here.

    One kind of work at a time for the whole batch (parallel.run's ``batched``): the
    bodies' Markdown, then their sanitising, then pages and their files a few at a time.
    """
    assert _PLAN is not None
    plan = _PLAN
    _convert_bodies(plan, jobs)
    done = []
    for i in range(0, len(jobs), WRITE_EVERY):
        group = []
        for kind, item in jobs[i:i + WRITE_EVERY]:
            rel, data, converted = _render_page(plan.r, plan.recorder, plan.missing, kind, item)
            if converted is None and kind in ("entry", "page"):
                converted = plan.fresh.pop(item.body_md, None)
            if converted is not None:
                plan.converted.append(item.body_md)
            group.append((rel, data, converted))
        done += [(rel, reuse.fresh_write(plan.out, rel, data), converted)
                 for rel, data, converted in group]
    return done


def _convert_bodies(plan: _Plan, jobs: list[tuple[str, Any]]) -> None:
    """Convert the bodies these jobs need into ``plan.r.bodies``, with the entry links each
    one resolved into ``plan.fresh`` (the first job showing a body reports them)."""
    r, recorder = plan.r, plan.recorder
    todo: dict[str, tuple[str, int]] = {}
    for kind, item in jobs:
        if kind in ("entry", "page"):
            body = item.body_md
            if body in plan.missing and body not in r.bodies:
                todo[body] = plan.missing[body]
    unfinished = []
    for body, (path, line) in todo.items():
        recorder.seen.clear()
        html = pages.unfinished_body_html(r, body, path, line)
        unfinished.append((body, html, tuple(sorted(recorder.seen.items()))))
    for body, html, links in unfinished:
        try:
            finished = r.markdown.finish(html)
        except MarkupError as exc:  # over the CPU budget
            raise ContentError(problems=[exc.problem(*todo[body])]) from None
        r.bodies[body] = finished
        plan.fresh[body] = (pages.kept_html(finished), links)


def _forget() -> None:
    """After a batch of a parallel render: drop its memos (the HTML it converted is in
    the batch's results), so that each process's memory stays flat however large the
    site is."""
    assert _PLAN is not None
    r = _PLAN.r
    for body in _PLAN.converted:
        r.bodies.pop(body, None)
    _PLAN.converted.clear()
    _PLAN.fresh.clear()
    r.cards.clear()
    r.projector.forget_cards()


class SiteBuilder:
    """Builds one site again and again, re-rendering only what a change affects."""

    def __init__(self, config: Config, *, drafts: bool = False, output: Path | None = None,
                 strict: bool = False, persistent: bool = True, one_shot: bool = False) -> None:
        self.config = config
        self._records_true = False  # the page records describe the folder (built by us)
        self.drafts = drafts
        self.strict = strict
        self.output = output or config.output_dir
        self.persistent = persistent  # read and write .cache/ (else: memory only)
        self.one_shot = one_shot  # a single build (the CLI): keep nothing for a next call
        self.cache: BuildCache | None = None
        self._templates: tuple[str, Templates] | None = None
        self._digests: dict[int, tuple[Any, Digests]] = {}
        self._texts: dict[str, tuple[reuse.Identity, str]] = {}  # for _reader
        # timeline.json's encoded entries, kept for the next build (none for one-shot builds)
        self._fragments: feeds.Fragments | None = None if one_shot else {}
        self._entry_keys: dict[int, Any] = {}  # Entry object → its parse-memo key
        self._body_digests: dict[str, str] = {}  # body text → its digest (serve rebuilds)
        self._stored_digests: dict[Any, Digests] = {}
        self._sig: _Signatures | None = None  # the last build's dependency map (not one-shot)

    def keys(self) -> dict[str, str]:
        """What each cache section depends on (see cache.py)."""
        cfg = config_digest(self.config)
        return {
            "parsed": digest("parsed", cfg),
            "digests": digest("digests", 2, cfg),  # 2: registry-independent card digests
            "markdown": digest("markdown", code_digest(), markdown_pkg.__version__,
                               sys.version_info[:2], self.config.markup_options),
            "pages": digest("pages", cfg, self.drafts, tree_digest(self.config.templates_dir),
                            os.environ.get("SOURCE_DATE_EPOCH", "")),
        }

    def _load_cache(self, keys: dict[str, str]) -> BuildCache:
        if self.cache is None:
            return (BuildCache.load(self.config, keys) if self.persistent
                    else BuildCache.empty(keys))
        fresh = BuildCache.empty(keys)
        for name in SECTIONS:
            section = getattr(self.cache, name)
            if section.key == keys[name]:
                setattr(fresh, name, section)
        return fresh

    def build(self, changed: Iterable[Path] | None = None, *, progress: Progress | None = None,
              search: bool = False) -> BuildResult:
        """Build; ``changed`` names the files that changed since the last call (None: all).

        ``changed`` is only a hint (content hashes decide what is rebuilt); an incremental
        call keeps the cache in memory instead of rewriting .cache/. Raises SitegenError on
        failure and leaves the previous output as it was.
        """
        start = time.perf_counter()
        if self.persistent:  # a committed .cache link would take the cache's writes anywhere
            check_real_folders(self.config.root, [cache_dir(self.config)])
            remove_stale_files(self.config)
        keys = self.keys()
        cache = self._load_cache(keys)
        notes = list(cache.warnings)
        cache.warnings.clear()
        memo = _Tracking(cache.parsed.items)
        self._stored_digests = cache.digests.items
        # parsing and loading build the site: nothing to collect; in a one-shot build it
        # lives until the process ends, so it is never scanned again (frozen)
        with parallel.no_gc(freeze=self.one_shot):
            self._parse_new_files(memo)
            site, warnings = load(self.config, drafts=self.drafts, strict=self.strict,
                                  memo=memo, reader=self._reader(changed))
        cache.parsed.items = {k: memo[k] for k in memo.used}
        self._entry_keys = {id(v[0]): k for k, v in cache.parsed.items.items()
                            if k[0] == "entry" and v[0] is not None}
        r = pages.Renderer.create(site, self.config)
        if self._templates is not None and self._templates[0] == keys["pages"]:
            r.templates = self._templates[1]  # compiled templates, kept while unchanged
        self._templates = (keys["pages"], r.templates)
        recorder = _Recorder(r.markdown._resolve)
        r.markdown = MarkdownRenderer(recorder, self.config.markup_options)
        results = self._markdown_hits(r, cache)
        missing = {b: (p, line) for b, (p, line) in self._bodies(site).items()
                   if b not in r.bodies}
        jobs = pages.all_html_pages(r)
        target = self.output
        protected = [self.config.root, self.config.content_dir, self.config.templates_dir]
        big = len(jobs) >= LINK_MIN_PAGES
        records = cache.pages.items if big else {}
        updated = None
        if changed is not None and not search and records.get("live"):
            updated = self._update_in_place(site, r, recorder, missing, jobs, records["live"],
                                            results, keys)
        if updated is not None:
            cache.markdown.items = {self._body_digests.get(b) or digest(b): v
                                    for b, v in results.items()}
            cache.pages.items = {"live": updated, "spare": records.get("spare", {})}
            self.cache = cache
            self._finished(site, r, recorder, keys, warnings, len(jobs))
            return BuildResult(len(site.entries), len(jobs), time.perf_counter() - start,
                               target, warnings + notes)
        try:
            with AtomicOutput(target, protected) as out:
                spare: dict[str, Any] = {}
                adopted = False
                if big:
                    live_target = out.target
                    out.discard = lambda old: reuse.keep_as_spare(old, live_target)
                    reuse.sweep_trash(out.target)
                    if reuse.adopt_spare(out):
                        spare = records.get("spare", {})
                        adopted = True
                global _PLAN
                _PLAN = _Plan(r, recorder, out, missing)
                try:
                    later = []  # main-process work that can wait for the workers' company
                    if not cache.markdown.items:
                        later.append(lambda: self._digest_bodies(site))
                    if self.persistent and changed is None:
                        later.append(lambda: cache.prepare(self.config, ("parsed", "digests")))
                    new_pages = self._assemble(out, site, jobs, records.get("live", {}), spare,
                                               results, keys, later)
                finally:
                    _PLAN = None
                out.copy_tree(self.config.templates_dir / "static", "static")
                if adopted:  # else the folder holds only what this build wrote
                    reuse.prune(out, self._expected(new_pages, out))
                if search:
                    from sitegen.search.indexer import index_site

                    index_site(out.tmp)
        except BaseException:
            cache.abandon()  # a cache file begun while rendering (prepare)
            raise
        cache.markdown.items = {self._body_digests.get(b) or digest(b): v
                                for b, v in results.items()}
        cache.pages.items = {"live": new_pages, "spare": records.get("live", {})}
        self.cache = cache
        self._records_true = True
        if self.persistent and changed is None:
            cache.save(self.config)
        self._finished(site, r, recorder, keys, warnings, len(jobs))
        if progress:
            progress(len(jobs), len(jobs))
        return BuildResult(len(site.entries), len(jobs), time.perf_counter() - start, target,
                           warnings + notes)

    def _finished(self, site: Any, r: pages.Renderer, recorder: _Recorder,
                  keys: dict[str, str], warnings: list[Any], n_pages: int) -> None:
        """Called after each successful build with what it used; the preview keeps it."""

    def _reader(self, changed: Iterable[Path] | None) -> Reader:
        """read_text, reusing the last text of files serve says did not change.

        Only with ``changed`` (serve): a file outside it whose inode, mtime and size are
        as when it was last read is not read again. Full builds always read everything.
        """
        texts = self._texts
        if changed is None:
            exact: set[str] = set()
            under: tuple[str, ...] = ("",)  # everything counts as changed
        else:
            exact = {os.path.abspath(p) for p in changed}
            under = tuple(p.rstrip(os.sep) + os.sep for p in exact)

        def read(path: Path, col: _Collector, root: Path) -> str | None:
            key = os.path.abspath(path)
            try:
                ident = reuse.identity(path)
            except OSError:
                ident = None
            prev = texts.get(key)
            if (prev is not None and ident is not None and prev[0] == ident
                    and key not in exact and not key.startswith(under)):
                return prev[1]
            text = read_text(path, col, root)
            if text is not None and ident is not None and not self.one_shot:
                texts[key] = (ident, text)
            return text

        return read

    def _parse_new_files(self, memo: _Tracking) -> None:
        """Read and parse entry files the memo does not know yet, across cores (a cold build).

        The loader that runs next reads the files again (~0.3 s at 10,000 entries) rather
        than get their texts from here: held until it has run, they were a quarter of the
        build's memory (~250 MB at 50,000 entries).
        """
        folder = self.config.content_dir / "entries"
        if memo or not folder.is_dir():
            return  # a warm build: the few new files are parsed by the loader itself
        paths = [p for p in sorted(folder.glob("*.md"), key=lambda p: p.name)
                 if not p.name.startswith((".", "#"))]
        if len(paths) < parallel.MIN_BATCH:
            return  # the loader parses these itself
        config = self.config
        real_dirs: dict[Path, str] = {}  # folders resolved once per worker, not per file

        def read_and_parse(path: Path) -> tuple[Any, Any, Any, Any] | None:
            col = _Collector(config.root, real_dirs)  # the loader reports problems, not this
            text = read_text(path, col, config.content_dir)
            if text is None:
                return None
            shown = col.show(path)
            key = _memo_key("entry", shown, path.stem, text)
            result = _parse_entry(text, path.stem, shown, config, None)
            entry = result[0]
            if entry is None:
                return key, result, None, None
            return key, result, entry_digests(entry), _link_targets(entry.body_md)

        parsed, _ = parallel.run(read_and_parse, paths)
        for got in parsed:
            if got is not None:
                key, result, digests, links = got
                dict.__setitem__(memo, key, result)
                if digests is not None:
                    self._stored_digests[key] = digests
                    remember_links(result[0].body_md, links)

    @staticmethod
    def _bodies(site: Any) -> dict[str, tuple[str, int]]:
        bodies = {e.body_md: (e.path, e.body_line) for e in site.entries}
        bodies.update((p.body_md, (p.path, p.body_line)) for p in site.pages)
        return bodies

    def _digest_bodies(self, site: Any) -> None:
        """The cache keys of every body (a cold build computes them while workers render)."""
        known = self._body_digests
        self._body_digests = {body: known.get(body) or digest(body) for body in self._bodies(site)}

    def _markdown_hits(self, r: pages.Renderer, cache: BuildCache
                       ) -> dict[str, tuple[bytes, tuple]]:
        """Cached HTML for bodies whose links still resolve the same way (into r.bodies)."""
        results: dict[str, tuple[bytes, tuple]] = {}
        resolve = r.markdown._resolve.resolve  # type: ignore[attr-defined]
        items = cache.markdown.items
        if not items:
            return results  # nothing to look up: the keys are made later (_digest_bodies)
        known = self._body_digests
        self._body_digests = {}
        for body in self._bodies(r.site):
            key = known.get(body) or digest(body)
            self._body_digests[body] = key
            hit = items.get(key)
            if hit is not None and all(resolve(t) == u for t, u in hit[1]):
                r.bodies[body] = hit[0]
                results[body] = hit
        return results

    def _expected(self, records: dict[str, Any], out: AtomicOutput) -> set[str]:
        """Every file this build produced: pages, data files, static files, kept files."""
        expected = {rel for rel in records if rel not in (DATA, JSON)}
        expected.update(rel for key in (DATA, JSON) for rel, _ in records[key][1])
        static = self.config.templates_dir / "static"
        if static.is_dir():
            expected.update("static/" + p.relative_to(static).as_posix()
                            for p in static.rglob("*") if p.is_file())
        expected.update(p.name for p in out.tmp.iterdir() if p.name in KEEP)
        return expected

    def _assemble(self, out: AtomicOutput, site: Any, jobs: list[tuple[str, Any]],
                  live_records: dict[str, Any], spare_records: dict[str, Any],
                  results: dict[str, tuple[bytes, tuple]], keys: dict[str, str],
                  later: list[Callable[[], Any]]) -> dict[str, Any]:
        """Keep, link or render every page, and the data files; the new records.

        ``later``: more work for this process while the workers render (after the data).

        A page is kept when the spare (now the temporary folder) already holds it with the
        same signature, linked when the live site does, and rendered otherwise.
        """
        assert _PLAN is not None
        sig = _Signatures(_PLAN.r, pages_key=keys["pages"], drafts=self.drafts,
                          memo=self._digests, stored=self._stored_digests,
                          keys_of=self._entry_keys)
        if not self.one_shot:
            self._sig = sig
        live = out.target
        new: dict[str, Any] = {}
        todo = []
        for kind, item in jobs:
            rel = job_path(kind, item)
            s = sig.of(kind, item, results)
            got = self._reuse(out, rel, s, live_records.get(rel), spare_records.get(rel))
            if got is not None:
                new[rel] = got
            else:
                todo.append((kind, item))
        data_sig, json_sig = sig.data(), sig.data(with_bodies=True)

        def reuse_group(key: str, s: str) -> list[tuple[str, reuse.Identity]] | None:
            for records in (spare_records, live_records):
                prev = records.get(key)
                if prev is None or prev[0] != s:
                    continue
                folder = out.tmp if records is spare_records else live
                if all(reuse.intact(folder / rel, ident) for rel, ident in prev[1]):
                    if records is spare_records or all(
                            reuse.link(out, live / rel, rel) for rel, _ in prev[1]):
                        return list(prev[1])
            return None

        def data() -> tuple[list[tuple[str, reuse.Identity]], list[tuple[str, reuse.Identity]]]:
            """The data files: timeline.json (it holds the bodies) and the rest, as groups."""
            rest, whole = reuse_group(DATA, data_sig), reuse_group(JSON, json_sig)
            if rest is None:
                written = [(rel, reuse.fresh_write(out, rel, payload))
                           for rel, payload in data_files(site, self.config, self._fragments,
                                                          streamed=True)
                           if rel != JSON_FILE or whole is None]
                rest = [x for x in written if x[0] != JSON_FILE]
                whole = whole or [x for x in written if x[0] == JSON_FILE]
            elif whole is None:
                payload = feeds.timeline_json_parts(site, self.config, self._fragments)
                whole = [(JSON_FILE, reuse.fresh_write(out, JSON_FILE, payload))]
            elif not self.one_shot:  # serve: encode entries now, not on the first edit
                feeds.entry_fragments(site, self.config, self._fragments)
            for task in later:
                task()
            return rest, whole

        listings = [job for job in todo if job[0] in LISTINGS]  # they share the card HTML
        todo = listings + [job for job in todo if job[0] not in LISTINGS]
        rendered, data_records = parallel.run(_render, todo, meanwhile=data,
                                              together=len(listings), after_batch=_forget,
                                              batched=True)
        for (_kind, item), (_rel, _ident, converted) in zip(todo, rendered, strict=True):
            if converted is not None:
                results[item.body_md] = converted
        for (kind, item), (rel, ident, _) in zip(todo, rendered, strict=True):
            s = sig.of(kind, item, results)
            if s is not None:
                new[rel] = (s, ident)
        new[DATA] = (data_sig, data_records[0])
        new[JSON] = (json_sig, data_records[1])
        return new

    def _update_in_place(self, site: Any, r: pages.Renderer, recorder: _Recorder,
                         missing: dict[str, tuple[str, int]], jobs: list[tuple[str, Any]],
                         live: dict[str, Any], results: dict[str, tuple[bytes, tuple]],
                         keys: dict[str, str]) -> dict[str, Any] | None:
        """Update the output folder in place and return the new page records, or None for
        the atomic build. Always None here: only the preview's own folder may be updated
        in place (preview.PreviewBuilder)."""
        return None

    @staticmethod
    def _reuse(out: AtomicOutput, rel: str, s: str | None, live: Any, spare: Any
               ) -> tuple[str, reuse.Identity] | None:
        """The record of a page reused from the spare or the live site, or None."""
        if s is None:
            return None
        if spare is not None and spare[0] == s and reuse.intact(out.tmp / rel, spare[1]):
            return spare  # type: ignore[no-any-return]
        if (live is not None and live[0] == s and reuse.intact(out.target / rel, live[1])
                and reuse.link(out, out.target / rel, rel)):
            return live  # type: ignore[no-any-return]
        return None


Digests = tuple[str, str, str]  # an entry whole, as its card shows it, without its body


def entry_digests(e: Any) -> Digests:
    """What the dependency map needs of one entry; pure, so the parse workers compute it.

    The card digest covers the entry fields a card shows; what the card takes from the
    registries and the configuration is in every page's signature already (``everywhere``).
    """
    card = (e.id, e.title, e.summary, e.date, e.end, e.circa, e.kind, e.level, e.location,
            e.draft, e.participants, e.concerns, e.forum, e.outcomes, e.topics)
    bodiless = repr(replace(e, body_md=""))
    return digest(bodiless, e.body_md), digest(repr(card)), digest(bodiless)


class _Signatures:
    """The dependency map: a hash of everything each page's template context is made of.

    Pages that show an entry as a card (neighbours, related entries, home, year, topic and
    participant pages) depend on the card's projection only, so a body edit re-renders the
    entry's own page and the data files; a title or date edit also re-renders the lists.
    ``memo`` keeps the digests of unchanged Entry objects across builds (serve).
    """

    def __init__(self, r: pages.Renderer, *, pages_key: str, drafts: bool,
                 memo: dict[int, tuple[Any, Digests]], stored: dict[Any, Digests],
                 keys_of: dict[int, Any]) -> None:
        """``memo``: by Entry object (this process); ``stored``: by parse key (.cache/)."""
        site = self.site = r.site
        self.r = r
        self.everywhere = digest(pages_key, drafts, r.years, repr(site.participants),
                                 repr(site.topics), repr(site.periods), repr(site.pages))
        self.full: dict[str, str] = {}
        self.card: dict[str, str] = {}
        self.bodiless: dict[str, str] = {}
        fresh, kept = {}, {}
        for e in site.entries:
            got = memo.get(id(e))
            key = keys_of.get(id(e))
            if got is None or got[0] is not e:
                known = stored.get(key) if key is not None else None
                got = (e, known if known is not None else entry_digests(e))
            fresh[id(e)] = got
            if key is not None:
                kept[key] = got[1]
            self.full[e.id], self.card[e.id], self.bodiless[e.id] = got[1]
        memo.clear()
        memo.update(fresh)
        stored.clear()
        stored.update(kept)
        self.all_cards = digest(self.everywhere, *self.card.values())
        self.index = {e.id: i for i, e in enumerate(site.entries)}

    def of(self, kind: str, item: Any, results: dict[str, tuple[bytes, tuple]]) -> str | None:
        """The page's signature, or None when it cannot be known yet (body not converted)."""
        if kind == "entry":
            if item.body_md not in results:
                return None
            i, entries = self.index[item.id], self.site.entries
            prev = entries[i - 1].id if i > 0 else None
            after = entries[i + 1].id if i + 1 < len(entries) else None
            card = self.card
            return digest(self.everywhere, "entry", self.full[item.id],
                          prev, card.get(prev or ""), after, card.get(after or ""),
                          [(x, card.get(x)) for x in item.related], results[item.body_md][1])
        if kind == "page":
            if item.body_md not in results:
                return None
            return digest(self.everywhere, "page", repr(item), results[item.body_md][1])
        if kind in ("participant", "topic", "year"):
            key = item if kind == "year" else item.id
            listed = self.r.listed.get((kind, key), [])
            return digest(self.everywhere, kind, repr(item), *(self.card[e.id] for e in listed))
        return digest(self.all_cards, kind)  # home, 404, search: anything may show there

    def data(self, with_bodies: bool = False) -> str:
        """Feeds and data files: whole entries; all but timeline.json leave bodies out."""
        return digest(self.everywhere, "data", with_bodies,
                      *(self.full if with_bodies else self.bodiless).values())
