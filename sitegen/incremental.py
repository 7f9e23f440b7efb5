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

import json
import os
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import markdown as markdown_pkg

from sitegen import __version__, feeds, pages, parallel, reuse
from sitegen.build import BuildResult, Progress, data_files, load
from sitegen.cache import SECTIONS, BuildCache, config_digest, digest, tree_digest
from sitegen.config import Config
from sitegen.context import entry_url, page_url, participant_url, topic_url, year_url
from sitegen.loader import Reader, _Collector, _memo_key, _parse_entry, read_text
from sitegen.markup import MarkdownRenderer
from sitegen.render import Templates
from sitegen.writer import _KEEP as KEEP
from sitegen.writer import AtomicOutput

LINK_MIN_PAGES = 100  # below this, rendering everything is as fast as checking and linking
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


_PLAN: _Plan | None = None


def _render(job: tuple[str, Any]) -> tuple[str, reuse.Identity, tuple[str, tuple] | None]:
    """Render one page into the temporary folder; runs in a worker or here."""
    assert _PLAN is not None
    plan, (kind, item) = _PLAN, job
    converted = None
    body = getattr(item, "body_md", None) if kind in ("entry", "page") else None
    if body is not None and body in plan.missing and body not in plan.r.bodies:
        plan.recorder.seen.clear()
        html = pages.body_html(plan.r, body, *plan.missing[body])
        plan.r.bodies[body] = html
        converted = (html, tuple(sorted(plan.recorder.seen.items())))  # body: the job's
    rel, data = pages.render_job(plan.r, kind, item)
    return rel, reuse.fresh_write(plan.out, rel, data), converted


class SiteBuilder:
    """Builds one site again and again, re-rendering only what a change affects."""

    def __init__(self, config: Config, *, drafts: bool = False, output: Path | None = None,
                 strict: bool = False, persistent: bool = True, one_shot: bool = False) -> None:
        self.config = config
        self.drafts = drafts
        self.strict = strict
        self.output = output or config.output_dir
        self.persistent = persistent  # read and write .cache/ (else: memory only)
        self.one_shot = one_shot  # a single build (the CLI): keep nothing for a next call
        self.cache: BuildCache | None = None
        self._templates: tuple[str, Templates] | None = None
        self._digests: dict[int, tuple[Any, str, str, str, str]] = {}
        self._texts: dict[str, tuple[reuse.Identity, str]] = {}  # for _reader
        self._entry_keys: dict[int, Any] = {}  # Entry object → its parse-memo key
        self._body_digests: dict[str, str] = {}  # body text → its digest (serve rebuilds)
        self._stored_digests: dict[Any, tuple[str, str, str, str]] = {}

    def keys(self) -> dict[str, str]:
        """What each cache section depends on (see cache.py)."""
        cfg = config_digest(self.config)
        return {
            "parsed": digest("parsed", cfg),
            "digests": digest("parsed", cfg),
            "markdown": digest("markdown", __version__, markdown_pkg.__version__,
                               sys.version_info[:2], self.config.allow_raw_html),
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
        keys = self.keys()
        cache = self._load_cache(keys)
        notes = list(cache.warnings)
        cache.warnings.clear()
        memo = _Tracking(cache.parsed.items)
        self._stored_digests = cache.digests.items
        self._parse_new_files(memo)
        site, warnings = load(self.config, drafts=self.drafts, strict=self.strict, memo=memo,
                              reader=self._reader(changed))
        cache.parsed.items = {k: memo[k] for k in memo.used}
        self._entry_keys = {id(v[0]): k for k, v in cache.parsed.items.items()
                            if k[0] == "entry" and v[0] is not None}
        r = pages.Renderer.create(site, self.config)
        if self._templates is not None and self._templates[0] == keys["pages"]:
            r.templates = self._templates[1]  # compiled templates, kept while unchanged
        self._templates = (keys["pages"], r.templates)
        recorder = _Recorder(r.markdown._resolve)
        r.markdown = MarkdownRenderer(recorder, self.config.allow_raw_html)
        results = self._markdown_hits(r, cache)
        missing = {b: (p, line) for b, (p, line) in self._bodies(site).items()
                   if b not in r.bodies}
        jobs = pages.all_html_pages(r)
        target = self.output
        protected = [self.config.root, self.config.content_dir, self.config.templates_dir]
        big = len(jobs) >= LINK_MIN_PAGES
        records = cache.pages.items if big else {}
        with AtomicOutput(target, protected) as out:
            spare: dict[str, Any] = {}
            if big:
                live_target = out.target
                out.discard = lambda old: reuse.keep_as_spare(old, live_target)
                reuse.sweep_trash(out.target)
                if reuse.adopt_spare(out):
                    spare = records.get("spare", {})
            global _PLAN
            _PLAN = _Plan(r, recorder, out, missing)
            try:
                new_pages = self._assemble(out, site, jobs, records.get("live", {}), spare,
                                           results, keys)
            finally:
                _PLAN = None
            out.copy_tree(self.config.templates_dir / "static", "static")
            if big:
                reuse.prune(out, self._expected(new_pages, out))
            if search:
                from sitegen.search import index_site

                index_site(out.tmp)
        cache.markdown.items = {self._body_digests.get(b) or digest(b): v
                                for b, v in results.items()}
        cache.pages.items = {"live": new_pages, "spare": records.get("live", {})}
        self.cache = cache
        if self.persistent and changed is None:
            cache.save(self.config)
        if progress:
            progress(len(jobs), len(jobs))
        return BuildResult(len(site.entries), len(jobs), time.perf_counter() - start, target,
                           warnings + notes)

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
        """Parse entry files the memo does not know yet, across cores (a cold build)."""
        folder = self.config.content_dir / "entries"
        if memo or not folder.is_dir():
            return  # a warm build: the few new files are parsed by the loader itself
        col = _Collector(self.config.root)
        todo = []
        for path in sorted(folder.glob("*.md")):
            if path.name.startswith((".", "#")) or not path.is_file():
                continue
            text = read_text(path, col, self.config.content_dir)
            if text is None:
                continue
            shown = col.show(path)
            key = _memo_key("entry", shown, path.stem, text)
            if key not in memo:
                todo.append((key, text, path.stem, shown))
        if len(todo) < parallel.MIN_BATCH:
            return  # the loader parses these itself
        config = self.config
        parsed, _ = parallel.run(lambda t: _parse_entry(t[1], t[2], t[3], config, None), todo)
        for (key, *_), result in zip(todo, parsed, strict=True):
            dict.__setitem__(memo, key, result)

    @staticmethod
    def _bodies(site: Any) -> dict[str, tuple[str, int]]:
        bodies = {e.body_md: (e.path, e.body_line) for e in site.entries}
        bodies.update((p.body_md, (p.path, p.body_line)) for p in site.pages)
        return bodies

    def _markdown_hits(self, r: pages.Renderer, cache: BuildCache
                       ) -> dict[str, tuple[str, tuple]]:
        """Cached HTML for bodies whose links still resolve the same way (into r.bodies)."""
        results: dict[str, tuple[str, tuple]] = {}
        resolve = r.markdown._resolve.resolve  # type: ignore[attr-defined]
        items = cache.markdown.items
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
                  results: dict[str, tuple[str, tuple]], keys: dict[str, str]
                  ) -> dict[str, Any]:
        """Keep, link or render every page, and the data files; the new records.

        A page is kept when the spare (now the temporary folder) already holds it with the
        same signature, linked when the live site does, and rendered otherwise.
        """
        assert _PLAN is not None
        sig = _Signatures(_PLAN.r, pages_key=keys["pages"], drafts=self.drafts,
                          memo=self._digests, stored=self._stored_digests,
                          keys_of=self._entry_keys)
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
                           for rel, payload in data_files(site, self.config)
                           if rel != JSON_FILE or whole is None]
                rest = [x for x in written if x[0] != JSON_FILE]
                whole = whole or [x for x in written if x[0] == JSON_FILE]
            elif whole is None:
                payload = feeds.timeline_json(site, self.config)
                whole = [(JSON_FILE, reuse.fresh_write(out, JSON_FILE, payload))]
            elif not self.one_shot:  # serve: encode entries now, not on the first edit
                feeds.entry_fragments(site, self.config)
            return rest, whole

        rendered, data_records = parallel.run(_render, todo, meanwhile=data)
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


class _Signatures:
    """The dependency map: a hash of everything each page's template context is made of.

    Pages that show an entry as a card (neighbours, related entries, home, year, topic and
    participant pages) depend on the card's projection only, so a body edit re-renders the
    entry's own page and the data files; a title or date edit also re-renders the lists.
    ``memo`` keeps the digests of unchanged Entry objects across builds (serve).
    """

    def __init__(self, r: pages.Renderer, *, pages_key: str, drafts: bool,
                 memo: dict[int, tuple[Any, str, str, str, str]],
                 stored: dict[Any, tuple[str, str, str, str]], keys_of: dict[int, Any]) -> None:
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
            if got is None or got[0] is not e or got[1] != self.everywhere:
                key = keys_of.get(id(e))
                known = stored.get(key) if key is not None else None
                if known is not None and known[0] == self.everywhere:
                    got = (e, *known)
                else:
                    card = json.dumps(r.projector.card(e), sort_keys=True, default=str)
                    got = (e, self.everywhere, digest(repr(e)), digest(card),
                           digest(repr(replace(e, body_md=""))))
            fresh[id(e)] = got
            key = keys_of.get(id(e))
            if key is not None:
                kept[key] = got[1:]
            self.full[e.id], self.card[e.id], self.bodiless[e.id] = got[2], got[3], got[4]
        memo.clear()
        memo.update(fresh)
        stored.clear()
        stored.update(kept)
        self.all_cards = digest(self.everywhere, *self.card.values())
        self.index = {e.id: i for i, e in enumerate(site.entries)}

    def of(self, kind: str, item: Any, results: dict[str, tuple[str, tuple]]) -> str | None:
        """The page's signature, or None when it cannot be known yet (body not converted)."""
        if kind == "entry":
            if item.body_md not in results:
                return None
            i, entries = self.index[item.id], self.site.entries
            prev = entries[i - 1].id if i > 0 else None
            after = entries[i + 1].id if i + 1 < len(entries) else None
            return digest(self.everywhere, "entry", self.full[item.id],
                          f"<{prev}={self.card.get(prev or '')}",
                          f">{after}={self.card.get(after or '')}",
                          *(f"~{x}={self.card.get(x)}" for x in item.related),
                          results[item.body_md][1])
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
