"""The preview's builder: small updates are made in the preview folder itself.

``sitegen serve`` builds into its own folder (.cache/serve/<pid>/site), never into output/. An
edit there usually changes a handful of files; assembling and swapping a whole new tree of
10,000 pages for it (the atomic build of incremental.py) costs seconds. So when few pages
changed, the changed files are rendered in memory and each is renamed over its old copy;
readers see the old file or the new one, and an error before the writes leaves the folder
as it was. Anything bigger (a template or configuration change) is an atomic build as usual.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sitegen.config import Config
from sitegen.content.loader import _Collector, _link_targets, _memo_key, _parse_entry, read_text
from sitegen.content.model import Entry, Site
from sitegen.engine import reuse
from sitegen.engine.build import BuildResult, Progress, data_files
from sitegen.engine.cache import digest
from sitegen.engine.incremental import (
    DATA,
    JSON,
    JSON_FILE,
    SiteBuilder,
    _Recorder,
    _render_page,
    _Signatures,
    entry_digests,
    job_path,
)
from sitegen.engine.writer import MARKER, output_error
from sitegen.outputs import feeds
from sitegen.render import pages
from sitegen.render.context import Projector

IN_PLACE_MAX = 200  # an in-place update renders at most this many pages (else: atomic build)
BODY_EDITS_MAX = 20  # changed files a body-edit update takes (else: the in-place update)
REGISTRIES = ("participants.yaml", "topics.yaml", "periods.yaml")


def input_files(config: Config) -> dict[str, reuse.Identity | None]:
    """The identity of every file the loader reads (its absolute path → inode, mtime, size).

    Exactly the loader's inputs: the registries and the files directly inside entries/ and
    pages/ but hidden and editor files, which it skips without a word (an editor's swap file
    changing while one types must not count as a change of the site).
    """
    content = os.path.abspath(config.content_dir)
    found: dict[str, reuse.Identity | None] = {}
    for name in REGISTRIES:
        path = os.path.join(content, name)
        try:
            st = os.stat(path)
            found[path] = (st.st_ino, st.st_mtime_ns, st.st_size)
        except OSError:
            found[path] = None
    for sub in ("entries", "pages"):
        folder = os.path.join(content, sub)
        try:
            listing = os.scandir(folder)
        except OSError:
            found[folder] = None
            continue
        with listing:
            for d in listing:
                if d.name.startswith((".", "#")) or d.name.endswith("~"):
                    continue
                try:
                    if d.is_dir():
                        continue
                    st = d.stat()
                    found[d.path] = (st.st_ino, st.st_mtime_ns, st.st_size)
                except OSError:
                    found[d.path] = None
    return found


@dataclass
class _Last:
    """What the last successful build used, for the next body-edit update."""

    site: Site
    r: pages.Renderer
    recorder: _Recorder
    keys: dict[str, str]
    warnings: list[Any]
    n_pages: int
    inputs: dict[str, reuse.Identity | None]


@dataclass
class _BodyEdit:
    """One entry file whose new text changes only the entry's Markdown body."""

    path: str
    ident: reuse.Identity
    text: str
    old_key: Any
    new_key: Any
    old: Entry
    new: Entry
    digests: tuple[str, str, str]


class PreviewBuilder(SiteBuilder):
    """A SiteBuilder whose incremental builds update its own folder in place.

    The commonest edit of all, a change to an entry's Markdown body, takes a shorter way
    still (``_body_edits``): the last build's model is kept and only that entry and the
    data file holding bodies are made again, without loading the other 10,000 files.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._last: _Last | None = None
        self._inputs: dict[str, reuse.Identity | None] = {}
        self.body_edit_updates = 0  # how many builds took the body-edit way (tests, bench)

    def build(self, changed: Iterable[Path] | None = None, *, progress: Progress | None = None,
              search: bool = False) -> BuildResult:
        """As SiteBuilder.build; a body edit of a few entries takes the short way."""
        inputs = input_files(self.config)  # before anything is read: a later change is seen
        if changed is not None and not search and self._last is not None:
            changed = list(changed)
            done = self._body_edits(changed, inputs)
            if done is not None:
                self.body_edit_updates += 1
                return done
        self._last = None  # set again by _finished once this build has succeeded
        self._inputs = inputs
        return super().build(changed, progress=progress, search=search)

    def _finished(self, site: Any, r: pages.Renderer, recorder: _Recorder,
                  keys: dict[str, str], warnings: list[Any], n_pages: int) -> None:
        self._last = _Last(site, r, recorder, keys, list(warnings), n_pages, self._inputs)

    def _folder(self) -> Path | None:
        """The preview folder, if it is still the one the page records describe."""
        if not self._records_true:
            return None
        folder = self.output.resolve() if self.output.is_symlink() else self.output.absolute()
        return folder if (folder / MARKER).is_file() else None

    def _body_edits(self, changed: list[Path], inputs: dict[str, reuse.Identity | None]
                    ) -> BuildResult | None:
        """Update the preview for edits that change entry bodies only, or return None.

        Taken only when nothing else can have changed: every input file but the changed
        ones has the identity it had at the last build, the configuration, templates and
        code hash the same, and each changed file parses without a problem to the very
        entry it was but for its body (whose entry links all resolve). Then the last build's
        model stands, with those entries swapped, and exactly what shows a body changes:
        the entry's own page and timeline.json. Their new signatures go into the page
        records, so any later build sees them as the cold build would.
        """
        start = time.perf_counter()
        last, sig, cache, live = self._last, self._sig, self.cache, None
        if last is None or sig is None or cache is None or not self.drafts:
            return None
        live = cache.pages.items.get("live")
        folder = self._folder()
        paths = sorted({os.path.abspath(p) for p in changed})
        entries_dir = os.path.abspath(self.config.content_dir / "entries")
        if (not live or folder is None or len(paths) > BODY_EDITS_MAX
                or inputs.keys() != last.inputs.keys()
                or any(os.path.dirname(p) != entries_dir or p not in self._texts
                       for p in paths)
                or any(ident != last.inputs[p] and p not in paths
                       for p, ident in inputs.items())
                or self.keys() != last.keys):
            return None
        edits: list[_BodyEdit] = []
        same: list[tuple[str, reuse.Identity, str]] = []
        for p in paths:
            got = self._body_edit(p, inputs[p], last, sig)
            if got is None:
                return None
            if isinstance(got, _BodyEdit):
                edits.append(got)
            else:
                same.append(got)
        if not edits:  # saved without a change
            for p, ident, text in same:
                self._texts[p] = (ident, text)
            last.inputs = inputs
            return BuildResult(len(last.site.entries), last.n_pages,
                               time.perf_counter() - start, self.output, list(last.warnings))
        swap = {id(e.old): e.new for e in edits}
        site = replace(last.site, entries=tuple(swap.get(id(x), x) for x in last.site.entries))
        old_r = last.r
        r = pages.Renderer(site, self.config, old_r.templates, old_r.markdown,
                           Projector(site, self.config), bodies=old_r.bodies, cards=old_r.cards)
        for name in ("years", "site_context"):  # what no body changes (cached_property)
            if name in old_r.__dict__:
                r.__dict__[name] = old_r.__dict__[name]
        missing = {e.new.body_md: (e.new.path, e.new.body_line) for e in edits}
        writes: list[tuple[str, bytes]] = []
        converted: dict[str, tuple[bytes, tuple]] = {}
        for e in edits:
            rel, data, html = _render_page(r, last.recorder, missing, "entry", e.new)
            if html is None:  # the same text as another body: its cached HTML and links
                html = cache.markdown.items.get(
                    self._body_digests.get(e.new.body_md) or digest(e.new.body_md))
                if html is None:
                    return None
            converted[e.new.body_md] = html
            writes.append((rel, data))
        writes.append((JSON_FILE, feeds.timeline_json(site, self.config, self._fragments)))
        previous = {e.old.id: sig.full[e.old.id] for e in edits}
        for e in edits:
            sig.full[e.new.id] = e.digests[0]
        signed = [sig.of("entry", e.new, converted) for e in edits]
        json_sig = sig.data(with_bodies=True)
        try:
            written = {rel: reuse.replace_file(folder, rel, data) for rel, data in writes}
        except OSError as exc:
            sig.full.update(previous)
            self._records_true = False  # the folder is partly new: next, a full atomic build
            raise output_error(folder, exc, "cannot update the preview") from None
        # the new state, as a full build would have left it
        for s, (rel, _) in zip(signed, writes[:len(edits)], strict=True):
            live[rel] = (s, written[rel])
        live[JSON] = (json_sig, [(JSON_FILE, written[JSON_FILE])])
        sig.site, sig.r = site, r
        self._forget_bodies(site, r, edits)
        for e in edits:
            html_links = converted[e.new.body_md]
            key = self._body_digests.get(e.new.body_md) or digest(e.new.body_md)
            self._body_digests[e.new.body_md] = key
            cache.markdown.items[key] = html_links
            r.bodies[e.new.body_md] = html_links[0]
            parsed = cache.parsed.items
            parsed.pop(e.old_key, None)
            parsed[e.new_key] = (e.new, [], None)
            self._stored_digests.pop(e.old_key, None)
            self._stored_digests[e.new_key] = e.digests
            self._entry_keys.pop(id(e.old), None)
            self._entry_keys[id(e.new)] = e.new_key
            self._digests.pop(id(e.old), None)
            self._digests[id(e.new)] = (e.new, e.digests)
            self._texts[e.path] = (e.ident, e.text)
        for p, ident, text in same:
            self._texts[p] = (ident, text)
        self._last = _Last(site, r, last.recorder, last.keys, last.warnings, last.n_pages,
                           inputs)
        return BuildResult(len(site.entries), last.n_pages, time.perf_counter() - start,
                           self.output, list(last.warnings))

    def _body_edit(self, path: str, ident: reuse.Identity | None, last: _Last,
                   sig: _Signatures) -> _BodyEdit | tuple[str, reuse.Identity, str] | None:
        """A changed file as a body edit, (path, identity, text) if its text is as it was,
        or None when it changed more than its body (the in-place update handles that)."""
        assert self.cache is not None
        if ident is None:
            return None
        col = _Collector(self.config.root)
        text = read_text(Path(path), col, self.config.content_dir)
        if text is None or col.problems:
            return None
        old_text = self._texts[path][1]
        if text == old_text:
            return (path, ident, text)
        shown, stem = col.show(Path(path)), Path(path).stem
        old_key = _memo_key("entry", shown, stem, old_text)
        old = self.cache.parsed.items.get(old_key)
        if old is None or old[0] is None or old[1]:
            return None  # it did not parse, or had problems (warnings to be updated)
        new, problems, _ = _parse_entry(text, stem, shown, self.config, None)
        e = old[0]
        if (new is None or problems or replace(new, body_md=e.body_md) != e
                or new.extra != e.extra or new.field_lines != e.field_lines
                or last.site.entry(e.id) is not e
                or any(t not in sig.index for t, _ in _link_targets(new.body_md))):
            return None
        digests = entry_digests(new)
        if (digests[1], digests[2]) != (sig.card[e.id], sig.bodiless[e.id]):
            return None
        return _BodyEdit(path, ident, text, old_key, _memo_key("entry", shown, stem, text),
                         e, new, digests)

    def _forget_bodies(self, site: Site, r: pages.Renderer, edits: list[_BodyEdit]) -> None:
        """Drop the old bodies' HTML that no entry shows any more (a long session saves
        the same entry hundreds of times)."""
        assert self.cache is not None
        for e in edits:
            body = e.old.body_md
            if any(x.body_md == body for x in site.entries):
                continue
            key = self._body_digests.pop(body, None)
            if key is not None:
                self.cache.markdown.items.pop(key, None)
            r.bodies.pop(body, None)

    def _update_in_place(self, site: Any, r: pages.Renderer, recorder: _Recorder,
                         missing: dict[str, tuple[str, int]], jobs: list[tuple[str, Any]],
                         live: dict[str, Any], results: dict[str, tuple[bytes, tuple]],
                         keys: dict[str, str]) -> dict[str, Any] | None:
        """Update the preview folder by replacing only the files whose inputs changed.

        For serve: an edit at 10,000 entries touches a handful of files, while assembling and
        swapping a whole new tree costs seconds. Every changed file is rendered in memory
        first (so an error leaves the folder as it was), then each is replaced atomically
        (rename over it, never written through: files may be hard-linked with the spare).
        Returns the new page records, or None when a full atomic build is the better way
        (many pages changed, or the folder is not the one the records describe).
        """
        folder = self._folder()
        if folder is None:
            return None
        sig = self._sig = _Signatures(r, pages_key=keys["pages"], drafts=self.drafts,
                                      memo=self._digests, stored=self._stored_digests,
                                      keys_of=self._entry_keys)
        new: dict[str, Any] = {}
        todo = []
        for kind, item in jobs:
            rel = job_path(kind, item)
            s, prev = sig.of(kind, item, results), live.get(rel)
            if s is not None and prev is not None and prev[0] == s:
                new[rel] = prev
            else:
                todo.append((kind, item))
                if len(todo) > IN_PLACE_MAX:
                    return None
        writes: list[tuple[str, bytes]] = []
        for kind, item in todo:
            rel, data, converted = _render_page(r, recorder, missing, kind, item)
            if converted is not None:
                results[item.body_md] = converted
            writes.append((rel, data))
        signed = [(rel, sig.of(kind, item, results)) for (kind, item), (rel, _) in
                  zip(todo, writes, strict=True)]
        groups = {DATA: sig.data(), JSON: sig.data(with_bodies=True)}
        stale = {key for key, s in groups.items() if live.get(key, ("",))[0] != s}
        group_files: dict[str, list[str]] = {key: [] for key in stale}
        if stale == {JSON}:  # a body edit: only timeline.json holds bodies
            writes.append((JSON_FILE, feeds.timeline_json(site, self.config, self._fragments)))
            group_files[JSON].append(JSON_FILE)
        elif stale:
            for rel, payload in data_files(site, self.config, self._fragments):
                key = JSON if rel == JSON_FILE else DATA
                if key in stale:
                    writes.append((rel, payload))
                    group_files[key].append(rel)
        keep = set(new) | {rel for rel, _ in writes}
        for key in (DATA, JSON):
            if key not in stale:
                keep.update(rel for rel, _ in live[key][1])
        try:
            written = {rel: reuse.replace_file(folder, rel, data) for rel, data in writes}
            for rel in self._known_files(live) - keep:
                reuse.remove_file(folder, rel)
        except OSError as exc:
            self._records_true = False  # the folder is partly new: next, a full atomic build
            raise output_error(folder, exc, "cannot update the preview") from None
        for rel, s in signed:
            if s is not None:
                new[rel] = (s, written[rel])
        for key, s in groups.items():
            new[key] = ((s, [(rel, written[rel]) for rel in group_files[key]]) if key in stale
                        else live[key])
        return new

    @staticmethod
    def _known_files(records: dict[str, Any]) -> set[str]:
        """Every page and data file the records list."""
        known = {rel for rel in records if rel not in (DATA, JSON)}
        known.update(rel for key in (DATA, JSON) if key in records for rel, _ in records[key][1])
        return known

