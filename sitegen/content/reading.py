"""Reading the content folder again and again, fast (the build's load phase).

A Reading keeps, from one load to the next, what parsing each file text gave (the loader's
memo, which the build cache stores) and, when it loads again (serve), each file's text with
its identity (inode, mtime, size): a file that did not change is neither read nor parsed
again. The first load of many files reads and parses them across cores.

A single load (``once``: ``build``, ``check``) keeps the texts read across cores up to
TEXTS_KEPT characters in each process, so that their bodies are not read again when they
are converted; past that, the loader takes the parse result of each file by its key (when
the file is still the one read), reads the others while it needs them, and an entry's body
is read again when it is converted (loader.read_body; the model holds none), so that memory
does not grow with the texts of a large site.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Iterable
from pathlib import Path
from typing import Any

from sitegen.config import Config
from sitegen.content.collector import Collector
from sitegen.content.loader import (
    LoadResult,
    Reader,
    load_site,
    memo_key,
    parse_entry,
    read_body,
    read_text,
)
from sitegen.content.model import Entry
from sitegen.content.translations import split_name
from sitegen.engine import workers
from sitegen.engine.tree import Identity, identity

TEXTS_KEPT = 8_000_000  # characters of text a single load keeps in each reading process


class Reading:
    """The memos of loading one site, load after load (``once``: a single load)."""

    def __init__(self, once: bool = False) -> None:
        self.once = once
        self.parsed: dict[Any, Any] = {}  # file text key → its parse result (loader memo)
        self.texts: dict[str, tuple[Identity, str]] = {}  # by path (once: those prefetched)
        self._prefetched: dict[str, tuple[Identity, str]] = {}
        self._known: dict[str, tuple[Identity, Any]] = {}  # (once) the memo keys of those
        self.keys: dict[Any, Any] | None = None if once else {}  # loader's memo keys

    def load(self, config: Config, drafts: bool, changed: Collection[Path] | None,
             meanwhile: Callable[[], Any] = lambda: None) -> LoadResult:
        """The site; ``changed``: the files changed since the last load (None: any);
        ``meanwhile()`` runs here while other processes read the first load's files (not
        at all when this load reads few files or none: a warm build may need none of it)."""
        with workers.no_gc(freeze=self.once):  # building the site: nothing to collect
            self._prefetch(config, meanwhile)
            try:
                loaded = load_site(config, drafts=drafts, memo=self.parsed,
                                   reader=self._reader(changed), keys=self.keys,
                                   parsed_key=self._known_key)
            finally:
                self._prefetched.clear()
                self._known.clear()
        if len(self.parsed) != len(loaded.keys):
            self.parsed = {k: self.parsed[k] for k in loaded.keys}
        if self.keys is not None:  # without the keys of texts no longer read (edited)
            used = {k for k in loaded.keys if k[0] == "entry"}
            if len(self.keys) > len(used):
                self.keys = {k: v for k, v in self.keys.items() if v in used}
        return loaded

    def _reader(self, changed: Collection[Path] | None) -> Reader:
        """read_text, reusing the texts read moments ago (_prefetch) and those of files that
        did not change: the same identity and not under a path ``changed`` names."""
        exact = {os.path.abspath(p) for p in changed or ()}
        under = tuple(p.rstrip(os.sep) + os.sep for p in exact) if changed is not None else ("",)
        texts, prefetched, keep = self.texts, self._prefetched, not self.once

        def read(path: Path, col: Collector, root: Path) -> str | None:
            key = os.path.abspath(path)
            try:
                ident: Identity | None = identity(path)
            except OSError:
                ident = None
            got = prefetched.pop(key, None)
            if got is None or got[0] != ident:
                got = texts.get(key)
                if got is None or got[0] != ident or key in exact or key.startswith(under):
                    text = read_text(path, col, root)
                    got = None if text is None or ident is None else (ident, text)
                    if got is None:
                        return text
            if keep:
                texts[key] = got
            return got[1]

        return read

    def _known_key(self, path: Path) -> Any:
        """The memo key of a file parsed moments ago (_prefetch, single load), if it is
        still the same file (identity); None: the loader reads it."""
        got = self._known.pop(os.path.abspath(path), None)
        try:
            return got[1] if got is not None and got[0] == identity(path) else None
        except OSError:
            return None

    def body(self, config: Config) -> Callable[[Entry], str]:
        """An entry's body, from the text this Reading keeps of its file (serve), else read
        again from the file (loader.read_body)."""
        real_dirs: dict[Path, str] = {}  # one build's: each folder resolved once

        def body(entry: Entry) -> str:
            got = self.texts.get(os.path.abspath(config.root / entry.path))
            return read_body(entry, config, None if got is None else got[1], real_dirs)

        return body

    def _prefetch(self, config: Config, meanwhile: Callable[[], Any]) -> None:
        """A first load of many entry files: read and parse them across cores (the loader
        then finds each file's text and parse result ready)."""
        folder = config.content_dir / "entries"
        if self.parsed or not folder.is_dir():
            return
        paths = sorted(p for p in folder.glob("*.md") if not p.name.startswith((".", "#"))
                       and split_name(p) is None)  # translations are read by the loader
        if len(paths) < workers.MIN_BATCH:
            return
        real_dirs: dict[Path, str] = {}  # folders resolved once per worker, not per file

        room = [None if not self.once else TEXTS_KEPT]  # (each process counts its own)

        def work(batch: Iterable[Path]) -> list[tuple[Any, Identity, str | None, Any] | None]:
            return [_read_and_parse(p, config, real_dirs, room) for p in batch]

        for path, got in zip(paths, workers.run(work, paths, meanwhile=meanwhile),
                             strict=True):
            if got is not None:
                key, ident, text, result = got
                self.parsed[key] = result
                if text is not None and not self.once:
                    self._prefetched[os.path.abspath(path)] = (ident, text)
                else:  # a single load: the loader takes the parse result by this key
                    self._known[os.path.abspath(path)] = (ident, key)
                    if text is not None:  # (kept within TEXTS_KEPT: its body is read here)
                        self.texts[os.path.abspath(path)] = (ident, text)


def _read_and_parse(path: Path, config: Config, real_dirs: dict[Path, str],
                    room: list[int | None]) -> tuple[Any, Identity, str | None, Any] | None:
    """A file's memo key, identity, text (while ``room[0]``, the characters left to keep,
    allows: None, any) and parse result (problems are the loader's to report, when it reads
    the file itself)."""
    col = Collector(config.root, real_dirs)
    try:
        ident = identity(path)
    except OSError:
        return None
    text = read_text(path, col, config.content_dir)
    if text is None:
        return None
    shown = col.show(path)
    key = memo_key("entry", shown, path.stem, text)
    left = room[0]
    if left is not None:
        room[0] = left - len(text)
    kept = left is None or len(text) <= left
    return key, ident, text if kept else None, parse_entry(text, path.stem, shown, config, None)
