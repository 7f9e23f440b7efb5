"""The preview's builder: small updates are made in the preview folder itself.

``sitegen serve`` builds into its own folder (.cache/serve/site), never into output/. An
edit there usually changes a handful of files; assembling and swapping a whole new tree of
10,000 pages for it (the atomic build of incremental.py) costs seconds. So when few pages
changed, the changed files are rendered in memory and each is renamed over its old copy;
readers see the old file or the new one, and an error before the writes leaves the folder
as it was. Anything bigger (a template or configuration change) is an atomic build as usual.
"""

from __future__ import annotations

from typing import Any

from sitegen import feeds, pages, reuse
from sitegen.build import data_files
from sitegen.incremental import (
    DATA,
    JSON,
    JSON_FILE,
    SiteBuilder,
    _Recorder,
    _render_page,
    _Signatures,
    job_path,
)
from sitegen.writer import MARKER, output_error

IN_PLACE_MAX = 200  # an in-place update renders at most this many pages (else: atomic build)


class PreviewBuilder(SiteBuilder):
    """A SiteBuilder whose incremental builds update its own folder in place."""

    def _update_in_place(self, site: Any, r: pages.Renderer, recorder: _Recorder,
                         missing: dict[str, tuple[str, int]], jobs: list[tuple[str, Any]],
                         live: dict[str, Any], results: dict[str, tuple[str, tuple]],
                         keys: dict[str, str]) -> dict[str, Any] | None:
        """Update the preview folder by replacing only the files whose inputs changed.

        For serve: an edit at 10,000 entries touches a handful of files, while assembling and
        swapping a whole new tree costs seconds. Every changed file is rendered in memory
        first (so an error leaves the folder as it was), then each is replaced atomically
        (rename over it, never written through: files may be hard-linked with the spare).
        Returns the new page records, or None when a full atomic build is the better way
        (many pages changed, or the folder is not the one the records describe).
        """
        if not self._records_true:
            return None
        folder = self.output.resolve() if self.output.is_symlink() else self.output.absolute()
        if not (folder / MARKER).is_file():
            return None
        sig = _Signatures(r, pages_key=keys["pages"], drafts=self.drafts, memo=self._digests,
                          stored=self._stored_digests, keys_of=self._entry_keys)
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

