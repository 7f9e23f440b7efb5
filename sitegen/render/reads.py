"""What every output is made of: the site's parts, read through Reads and recorded.

Output functions (pages, feeds, data files) never see the model itself: they ask Reads for
*parts*: an entry's card (``card``), the fields its page shows (``entry``), its body's HTML
(``body``), its neighbours, the entries a listing shows, the registries, the whole model for
a data file (``model``)... Each read is recorded and each part has a digest
(engine/deps.py), so the engine knows what each output was made of and when to make it
again. The values are projections of the model (context.py), made once per build.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import re
import zlib
from collections.abc import Callable
from dataclasses import replace
from functools import cached_property
from pathlib import Path
from typing import Any

from markupsafe import Markup

from sitegen.config import Config
from sitegen.content.aliases import redirects
from sitegen.content.dates import PartialDate
from sitegen.content.history import (
    RECENT_CHANGES,
    DatasetVersion,
    History,
    dataset_version,
    read_history,
    remembered,
)
from sitegen.content.loader import read_body
from sitegen.content.model import SIGNIFICANCE, Entry, Site
from sitegen.engine.deps import Memo, Part, Recorder, digest
from sitegen.errors import ContentError
from sitegen.labels import FACETS
from sitegen.outputs.citations import Version, entry_citation, site_version
from sitegen.outputs.feeds import record_line
from sitegen.render.chart import legend, overview_svg
from sitegen.render.context import AFTER_ENTRIES, Projector, date_ctx, entry_url, page_url
from sitegen.render.jsonld import dataset_ld, entry_ld
from sitegen.render.markup import MarkdownRenderer, MarkupError
from sitegen.render.templates import Templates

Body = tuple[bytes, tuple[tuple[str, str | None], ...], str]  # HTML (zlib), links, digest
CARD_TEMPLATE = "partials/card.html"
ROW_TEMPLATE = "partials/row.html"
CHANGES_PATH = "changes/"  # the recent changes page (and changes.xml, its feed)
# an edition's part, read through the main Reads: "_fr/card", "_digest_fr/listing"…
_EDITION_PART = re.compile(r"_(digest_|version_)?([a-z]{2,3}(?:-[A-Za-z0-9]{1,8})*)/(\w+)")


class Reads(Recorder):
    """The parts of one loaded site (the methods ``_name``), read with ``read(name, key)``;
    ``versions``: each entry's (the loader's key of the file it was read from)."""

    def __init__(self, site: Site, config: Config, memo: Memo, versions: dict[str, Any],
                 templates: Templates | None = None,
                 body_text: Callable[[Entry], str] | None = None) -> None:
        """``body_text``: an entry's Markdown body (the model holds none; default: read
        again from its file, loader.read_body)."""
        super().__init__(memo)
        self.site, self.config, self.versions = site, config, versions
        self.body_text = body_text or (lambda entry: read_body(entry, config))
        self.templates = templates or Templates(config)
        self.lang = self.templates.language  # the pages' language: strings and dates
        self.projector = Projector(site, config, self.lang)
        self._ids = {e.id: i for i, e in enumerate(site.entries)}
        self._seen: dict[str, str | None] = {}  # entry links resolved by this conversion
        self._cards: dict[tuple[str, str], tuple[Any, Markup]] = {}
        self._converted: dict[str, Body] = {}  # since the last drain (for the cache)
        self._batch: list[str] = []  # bodies converted since the last forget
        self._fresh: dict[str, str] = {}  # their HTML, for their pages (no decompressing)
        self._sources: dict[str, str] = {}  # entry id → digest of its version
        self.cached_bodies: dict[str, Body] = {}  # the cache's, for the editions to take
        self._editions: dict[str, Reads] = {}

    @cached_property
    def markdown(self) -> MarkdownRenderer:
        """The converter of this site's bodies, made when first needed: a build that
        converts none (warm) never makes one, and each process of a cold build its own."""
        return MarkdownRenderer(self._resolve, self.config.markup_options)

    # -- the other editions (render/editions.py) -------------------------------------------
    def edition(self, code: str) -> Reads:
        """The site's parts in the edition of language ``code`` (this one for its own)."""
        if code == self.config.language:
            return self
        got = self._editions.get(code)
        if got is None:
            from sitegen.render.editions import Edition

            got = self._editions[code] = Edition(self, code)
        return got

    def __getattr__(self, attr: str) -> Any:
        """An edition's part, ``_fr/card`` (and its ``_digest_``/``_version_``), is that
        edition's ``_card``: its pages' reads are recorded and digested here."""
        m = _EDITION_PART.fullmatch(attr)
        if m is None or attr.startswith("__"):
            raise AttributeError(attr)
        prefix, code, name = m.groups()
        return getattr(self.edition(code), "_" + (prefix or "") + name)

    # -- shared by pages -----------------------------------------------------------------
    def html(self, template: str, out_path: str, title: str, description: str, kind: str,
             **context: Any) -> bytes:
        """A page: ``template`` with the context every page gets, plus ``context``."""
        c = self.config
        url_path = out_path.removesuffix("index.html")
        page = {"title": title, "description": description or c.description,
                "path": url_path, "url": c.url(url_path), "kind": kind,
                "canonical": c.absolute_url(url_path), "editions": [], "alternates": []}
        if len(c.editions) > 1:
            from sitegen.render.editions import switcher

            page.update(switcher(self, url_path, c.language))
        ctx = {"site": self.read("site"), "page": page,
               "card_html": self.card_html, "row_html": self.row_html}
        ctx.update(context)
        return self.templates.render(template, ctx).encode("utf-8")

    def card_html(self, card: dict[str, Any], template: str = CARD_TEMPLATE) -> Markup:
        """``partials/card.html`` for one card, rendered once per entry and build (a card
        shows on about seven pages); its context is ``e`` and ``site`` only."""
        key = (template, card["id"])
        got = self._cards.get(key)
        if got is None or got[0] is not card:
            html = self.templates.render(template, {"e": card, "site": self._site(None)})
            got = self._cards[key] = (card, Markup(html))
        return got[1]

    def row_html(self, card: dict[str, Any]) -> Markup:
        """``partials/row.html``: the compact row of a long listing, kept as cards are."""
        return self.card_html(card, ROW_TEMPLATE)

    def drain(self) -> tuple[dict[str, Body], dict[Part, tuple[str, str]]]:
        """The bodies converted and the digests computed since the last call (a worker
        sends them back with its outputs, for the cache)."""
        bodies, self._converted = self._converted, {}
        self._batch += bodies
        for ed in self._editions.values():
            bodies |= ed.drain()[0]
        return bodies, self.drain_digests()

    def forget(self) -> None:
        """Drop what was memoised for one batch of outputs (memory stays flat)."""
        self._cards.clear()
        self.__dict__.pop("_bodiless_site", None)
        self.projector.forget_cards()
        for key in self._batch:
            self.memo.bodies.pop(key, None)
        self._batch.clear()
        self._fresh.clear()
        for ed in self._editions.values():
            ed.forget()

    # -- bodies --------------------------------------------------------------------------
    def _resolve(self, target: str) -> str | None:
        url = self.config.url(entry_url(target)) if target in self._ids else None
        self._seen[target] = url
        return url

    def _text_digest(self, text: str) -> str:
        got = self.memo.texts.get(text)
        if got is None:
            data = text.encode("utf-8", "surrogatepass")
            got = self.memo.texts[text] = hashlib.blake2b(data, digest_size=16).hexdigest()
        return got

    def _translated_body(self, entry_id: str) -> Any:
        """The translation whose body, in the pages' language, replaces the entry's."""
        t = self.projector.translated.get(entry_id)  # type: ignore[attr-defined]
        return t if t is not None and t.has_body else None

    def _body_key(self, owner: tuple[str, str]) -> str:
        """The digest of the body of ("entry", id) or ("page", id): its HTML's key."""
        kind, key = owner
        if kind == "entry":
            t = self._translated_body(key)
            return self.site.entry(key).body_digest if t is None else self._text_digest(
                t.body_md)
        return self._text_digest(next(p for p in self.site.pages if p.id == key).body_md)

    def _owner(self, owner: tuple[str, str]) -> tuple[str, str, int]:
        """The body text of ("entry", id) or ("page", id), with its file and line (an
        entry's is read again: the model holds none)."""
        kind, key = owner
        if kind == "entry":
            t = self._translated_body(key)
            if t is not None:
                return t.body_md, t.path, t.body_line
            entry = self.site.entry(key)
            return self.body_text(entry), entry.path, entry.body_line
        page = next(p for p in self.site.pages if p.id == key)
        return page.body_md, page.path, page.body_line

    def keep_cached_bodies(self, cached: dict[str, Body]) -> None:
        """Take the cached HTML of the site's bodies whose entry links resolve as before."""
        self.cached_bodies = cached
        bodies = self.memo.bodies
        for owner in ([("entry", e.id) for e in self.site.entries]
                      + [("page", p.id) for p in self.site.pages]):
            key = self._body_key(owner)
            hit = cached.get(key)
            if hit is not None and all(self._resolve(t) == u for t, u in hit[1]):
                bodies[key] = hit

    def convert(self, owners: list[tuple[str, str]]) -> None:
        """Convert these bodies that are not known yet: all of them from Markdown, then all
        of them sanitised (one kind of work at a time is ~30% faster than alternating)."""
        todo: dict[str, tuple[str, int]] = {}
        raw = []
        for owner in owners:
            key = self._body_key(owner)
            if key in self.memo.bodies or key in todo:
                continue
            text, path, line = self._owner(owner)
            todo[key] = (path, line)
            self._seen = {}
            try:
                raw.append((key, self.markdown.convert(text), tuple(sorted(self._seen.items()))))
            except MarkupError as exc:
                raise ContentError(problems=[exc.problem(path, line)]) from None
        for key, html, links in raw:
            try:
                done = self.markdown.finish(html)
            except MarkupError as exc:  # over the CPU budget
                raise ContentError(problems=[exc.problem(*todo[key])]) from None
            # kept compressed: ~1.7 KB for a body of 500 words where the str takes ~10 KB
            # (curly quotes make it two bytes a character); a build keeps every body for
            # the cache, 400 MB less at 50,000 entries
            self.memo.bodies[key] = self._converted[key] = (
                zlib.compress(done.encode("utf-8", "surrogatepass"), 1), links, digest(done))
            self._fresh[key] = done

    def _body(self, owner: tuple[str, str]) -> str:
        key = self._body_key(owner)
        if key in self._fresh:
            return self._fresh[key]
        got = self.memo.bodies.get(key)
        if got is None:
            self.convert([owner])
            got = self.memo.bodies[self._body_key(owner)]
        return zlib.decompress(got[0]).decode("utf-8", "surrogatepass")

    def _digest_body(self, owner: tuple[str, str]) -> str | None:
        got = self.memo.bodies.get(self._body_key(owner))
        return None if got is None else got[2]

    # -- parts: the projections pages are made of ----------------------------------------
    def _site(self, _: None) -> dict[str, Any]:
        """The ``site`` every page gets (one dict per build: templates must not modify it)."""
        return self._site_context

    @cached_property
    def _site_context(self) -> dict[str, Any]:
        c = self.config
        return {"title": c.title, "description": c.description, "language": c.language,
                "author": c.author, "publisher": c.publisher, "editors": list(c.editors),
                "license": None if c.license is None else c.license.record(),
                "base_path": c.base_path, "base_url": c.base_url, "years": self.years,
                "offline": c.offline,
                "labels": {group: {name: c.label(group, name) for name in names}
                           for group, names in (("facets", FACETS),
                                                ("significance", SIGNIFICANCE),
                                                ("significance_plural", SIGNIFICANCE))},
                "pages": [{"id": p.id, "title": p.title, "url": c.url(f"pages/{p.id}/"),
                           "lang": self.text_language}
                          for p in self.site.pages],
                "version": self._head_version,
                "changes_url": c.url(CHANGES_PATH) if self.history.available else None}

    @property
    def text_language(self) -> str | None:
        """The language of the site's own texts (free pages) when not the pages' (in an
        edition, render/editions.py), else None."""
        source = self.config.source_language()
        return source if source != self.config.language else None

    @cached_property
    def years(self) -> list[int]:
        return self.site.years()

    def _card(self, entry_id: str) -> dict[str, Any]:
        return self.projector.card(self.site.entry(entry_id))

    def _entry(self, entry_id: str) -> dict[str, Any]:
        return self.projector.entry_fields(self.site.entry(entry_id))

    def _bodiless(self, entry_id: str) -> Entry:
        """The entry without what its body is known by (no data file shows the body)."""
        return replace(self.site.entry(entry_id), body_digest="", body_links=())

    def _neighbours(self, entry_id: str) -> tuple[str | None, str | None]:
        i, entries = self._ids[entry_id], self.site.entries
        return (entries[i - 1].id if i > 0 else None,
                entries[i + 1].id if i + 1 < len(entries) else None)

    def _related(self, entry_id: str) -> list[str]:
        """The entry's related entries that exist, by date (then as the site orders them)."""
        return sorted((r for r in self.site.entry(entry_id).related if r in self._ids),
                      key=self._ids.__getitem__)

    def _citation(self, entry_id: str) -> str:
        """An entry's citation as a sentence in the pages' language (outputs/citations.py)."""
        e, p = self.site.entry(entry_id), self.projector
        return entry_citation(e, self.config, self._citing_version, self.lang,
                              p.text_of(e).title[0])

    def _version_citation(self, entry_id: str) -> str:
        """The entry's files and the dataset's version (its date and commit)."""
        return self._source(entry_id) + repr(self._citing_version)

    def _cite_version(self, _: None = None) -> Version:
        """The version citations give (the dataset's commit and its date, else the build's
        date and the ``[dataset]`` setting)."""
        return self._citing_version

    @cached_property
    def _citing_version(self) -> Version:
        return site_version(self.site, self.config, self._head)

    @cached_property
    def _listed(self) -> dict[tuple[str, Any], list[Entry]]:
        """Entries by ("participant", id), ("topic", id), ("year", n) and ("home", None),
        in site order: one pass over the entries instead of one per page."""
        index: dict[tuple[str, Any], list[Entry]] = {("home", None): list(self.site.entries)}
        for e in self.site.entries:
            keys: set[tuple[str, Any]] = {("participant", x.id) for x in e.participants}
            keys |= {("participant", a.party) for a in e.accounts}
            keys |= {("participant", c) for c in e.concerns}
            if e.forum:
                keys.add(("participant", e.forum))
            keys |= {("topic", t) for t in e.topics}
            keys.add(("year", e.year))
            for key in keys:
                index.setdefault(key, []).append(e)
        return index

    def _members(self, key: tuple[str, Any]) -> list[tuple[Entry, tuple[Any, ...], bool]]:
        """A listing's entries, each with its sort key and whether it is listed apart (a
        participant page lists the events that only concern it apart)."""
        apart, sort = key[1] if key[0] == "participant" else None, self._sort_keys
        return [(e, sort[e.id], apart in e.concerns) for e in self._listed.get(key, [])]

    @cached_property
    def _sort_keys(self) -> dict[str, tuple[Any, ...]]:
        return {e.id: e.sort_key for e in self.site.entries}

    # -- versions: what the parts made from one entry depend on (their digests memoised) --
    def _version_card(self, entry_id: str) -> str:
        """The entry's file, and the names its participants and topics have."""
        return self._source(entry_id) + self._registries_version

    _version_entry = _version_card

    def _version_bodiless(self, entry_id: str) -> str:
        return self._source(entry_id)

    def _version_related(self, entry_id: str) -> str:
        return self._source(entry_id) + self._ids_version

    def _version_neighbours(self, entry_id: str) -> str:
        return self._ids_version

    def _source(self, entry_id: str) -> str:
        got = self._sources.get(entry_id)
        if got is None:
            source = self.versions.get(entry_id)
            got = self._sources[entry_id] = (digest(source) if source is not None
                                             else f"unversioned {id(self)}")
        return got

    @cached_property
    def _registries_version(self) -> str:
        return digest(repr(self.site.participants), repr(self.site.topics))

    @cached_property
    def _ids_version(self) -> str:
        """The entries, in order (what neighbours and related links depend on)."""
        return digest([e.id for e in self.site.entries])

    def _listing(self, key: tuple[str, Any]) -> list[tuple[dict[str, Any], Any, bool]]:
        """A listing page's entries: (card, sort key, listed apart), in site order."""
        return [(self.projector.card(e), sort, apart) for e, sort, apart in self._members(key)]

    def _digest_listing(self, key: tuple[str, Any]) -> str | None:
        tokens, apart = self._listing_tokens, key[1] if key[0] == "participant" else None
        text = "".join(tokens[e.id] + ("!" if apart in e.concerns else "")
                       for e in self._listed.get(key, []))
        return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()

    @cached_property
    def _listing_tokens(self) -> dict[str, str]:
        """What a listing shows of each entry: its card and its place (sort key)."""
        sort = self._sort_keys
        return {e.id: f"{self.digest(('card', e.id))}{sort[e.id]!r}\n" for e in self.site.entries}

    def _periods(self, _: None) -> list[tuple[dict[str, Any], Any, int, int | None]]:
        """Each period: (its projection, its start's sort key, first year, last year)."""
        # after every entry of its start date (at the start's precision: a period from
        # "January 2022" follows the entries of January 2022), the events that open it
        return [(self.projector.period(p), (_last_day(p.start), AFTER_ENTRIES, p.id),
                 p.start.year, p.end.year if p.end else None) for p in self.site.periods]

    def _records(self, year: int) -> list[bytes]:
        """The data's records of a year's entries (feeds.record_line), in site order."""
        return [record_line(e, self.config) for e in self._listed.get(("year", year), [])]

    def still_here_only(self, digests: dict[Part, Any]) -> dict[Part, Any]:
        """``digests`` without those not worth keeping (still_here): as they are when the
        entries are the same as at the last build that pruned them (at 10,000 entries the
        preview would otherwise walk ~100,000 digests after every save)."""
        keep, ids = self.memo.keep, self.versions.keys()
        if keep is not None and keep.get("pruned for") == ids:
            return digests
        if keep is not None:
            keep["pruned for"] = set(ids)
        return {p: d for p, d in digests.items() if self.still_here(p)}

    def still_here(self, part: tuple[str, Any]) -> bool:
        """Whether a part's memoised digest is worth keeping for the next build: an entry's
        while the entry exists; a year's and a theme file's always (their versions say
        whether they still hold)."""
        return (not isinstance(part[1], str) or part[1] in self.versions
                or part[0].endswith("static"))  # (a theme file's: its version says)

    def _version_records(self, year: int) -> str:
        return digest([self._source(e.id) for e in self._listed.get(("year", year), [])])

    def _registries(self, _: None) -> dict[str, list[dict[str, Any]]]:
        p = self.projector
        return {"participants": [p.participant_ref(x) for x in self.site.participants],
                "topics": [p.topic_ref(t) for t in self.site.topics]}

    def _participant(self, pid: str) -> dict[str, Any]:
        return self.projector.participant(self.site.participants[pid])

    def _topic(self, tid: str) -> dict[str, Any]:
        return self.projector.topic_ref(tid) | {
            "description": self.projector.said(self.site.topics[tid], "description")}

    def _chart(self, _: None) -> tuple[str, dict[str, Any]]:
        return (overview_svg(self.site, self.config, self.lang),
                legend(self.site, self.config, self.lang))

    def _facets(self, _: None) -> list[dict[str, Any]]:
        return self.projector.facets()

    def _jsonld(self, entry_id: str) -> dict[str, Any]:
        """An entry page's structured data (its entry, the registries, the settings)."""
        return entry_ld(self.site.entry(entry_id), self.site, self.config,
                        self.config.absolute_url(entry_url(entry_id)))

    _version_jsonld = _version_card

    def _dataset(self, url_path: str) -> dict[str, Any]:
        """The structured data of the page that lists the data files."""
        return dataset_ld(self.site, self.config, self.config.absolute_url(url_path))

    def _alternates(self, url_path: str) -> tuple[tuple[str, str | None, str], ...]:
        """The page at ``url_path`` in each edition (render/editions.py)."""
        from sitegen.render.editions import alternates

        return alternates(self, url_path)

    def _page(self, page_id: str) -> dict[str, Any]:
        page = next(p for p in self.site.pages if p.id == page_id)
        p = self.projector
        return {"id": page.id, "title": page.title, "description": page.description,
                "significance": p.significance() if "significance" in page.show else None,
                "sourcing": p.sourcing() if "sourcing" in page.show else None,
                "coverage": p.coverage() if "coverage" in page.show else None}

    @cached_property
    def redirects(self) -> dict[str, tuple[str, str]]:
        """Each alias path (content/aliases.py) of a published entry or page → ("entry" or
        "page", the id it redirects to)."""
        found = {path: ("page", i) for path, i in redirects(self.site.pages, "page").items()}
        return found | {path: ("entry", i)
                        for path, i in redirects(self.site.entries, "entry").items()}

    def _redirect(self, path: str) -> dict[str, str]:
        """A redirect page's target: its title, its URL and its full (canonical) URL."""
        kind, key = self.redirects[path]
        if kind == "entry":
            title, to = self.site.entry(key).title, entry_url(key)
        else:
            title, to = next(p.title for p in self.site.pages if p.id == key), page_url(key)
        c = self.config
        return {"title": title, "url": c.url(to), "canonical": c.absolute_url(to),
                "language": c.language, "csp": c.content_security_policy()}

    # -- the revision history (content/history.py): Git runs once per build, here ----------
    @cached_property
    def history(self) -> History:
        return remembered(self.memo.keep, "history", self.config.content_dir,
                          lambda: read_history(self.config))

    @cached_property
    def _head(self) -> DatasetVersion | None:
        return remembered(self.memo.keep, "head", self.config.content_dir,
                          lambda: dataset_version(self.config))

    @cached_property
    def _head_version(self) -> dict[str, Any] | None:
        got = self._head
        return None if got is None else got.as_dict() | {
            "day": date_ctx(_day(got.date)) if got.date else None}

    def _dataset_version(self, _: None) -> dict[str, Any] | None:
        """The dataset's version: the commit built (full, short) and its date."""
        return self._head_version

    @cached_property
    def _history_paths(self) -> dict[str, str]:
        """Each entry's file as Git names it (relative to the repository's top)."""
        h = self.history
        if not h.available:
            return {}
        prefix, root = h.relative(self.config.root) or "", self.config.root
        return {e.id: posixpath.normpath(posixpath.join(prefix, e.path.replace(os.sep, "/")))
                if not os.path.isabs(e.path) else (h.relative(root / e.path) or "")
                for e in self.site.entries}  # (string operations: 10,000 at every build)

    def _version_revisions(self, entry_id: str) -> str:
        """The history's digest (its reason when there is none) and the entry's file: what
        its list of revisions is made of (the repository's links come with the settings)."""
        h = self.history
        return f"{h.digest if h.available else h.reason}\0{self._history_paths.get(entry_id)}"

    def _revisions(self, entry_id: str) -> dict[str, Any] | None:
        """The commits that touched the entry's file (renames followed), newest first, with
        links to their diffs when the settings name the repository; None without history."""
        h, repo = self.history, self.config.repository
        path = self._history_paths.get(entry_id)
        if path is None:
            return None
        commits = [h.commits[i] for i in h.by_file.get(path, ())]
        return {"path": path,
                "url": repo.link(repo.file_history_url, path=path) if repo else None,
                "commits": [{"commit": c.sha, "short": c.sha[:7], "date": date_ctx(c.day),
                             "when": c.date, "subject": c.subject,
                             "url": repo.link(repo.commit_url, commit=c.sha, path=path)
                             if repo else None} for c in commits]}

    def _changes(self, _: None) -> list[dict[str, Any]]:
        """The most recent commits that touched the content, each with the entries it
        touched (linked) and its other files."""
        h, repo, c = self.history, self.config.repository, self.config
        by_path = {path: self.site.entry(i) for i, path in self._history_paths.items()}
        # entry files that have no page (drafts, entries since removed) are not named
        unpublished = (h.relative(self.config.content_dir / "entries") or "\0") + "/"
        changes = []
        for commit in h.commits[:RECENT_CHANGES]:
            entries, others = [], []
            for path, alive in commit.files:
                e = by_path.get(path) if alive else None
                if e is not None:
                    entries.append({"id": e.id, "title": e.title, "url": c.url(entry_url(e.id)),
                                    "date": date_ctx(e.date)})
                elif not path.startswith(unpublished):
                    others.append(path + ("" if alive else " (since removed or renamed)"))
            changes.append({"commit": commit.sha, "short": commit.sha[:7],
                            "date": date_ctx(commit.day), "when": commit.date,
                            "subject": commit.subject, "entries": entries, "others": others,
                            "url": repo.link(repo.commit_url, commit=commit.sha, path="")
                            if repo else None})
        return changes

    def _static(self, rel: str) -> bytes:
        return self._static_paths[rel].read_bytes()

    def _version_static(self, rel: str) -> str:
        """A theme file's path and identity (as for content: inode, time, size), so that
        its digest is not read and hashed again at every build."""
        path = self._static_paths[rel]
        st = path.stat()
        return f"{path}\0{st.st_ino}\0{st.st_mtime_ns}\0{st.st_size}"

    @cached_property
    def _static_paths(self) -> dict[str, Path]:
        return self.config.static_files()

    def _model(self, bodies: bool) -> Site:
        """The whole model, for outputs made of all of it (feeds, data files); without the
        bodies of entries and pages unless ``bodies``."""
        return self.site if bodies else self._bodiless_site

    @cached_property
    def _bodiless_site(self) -> Site:
        return replace(self.site, entries=tuple(self._bodiless(e.id) for e in self.site.entries),
                       pages=tuple(replace(p, body_md="") for p in self.site.pages))

    def _digest_model(self, bodies: bool) -> str | None:
        s = self.site
        if bodies:
            each = [(e.id, self.versions.get(e.id) or digest(repr(e))) for e in s.entries]
            pages: object = s.pages
        else:
            each = [(e.id, self.digest(("bodiless", e.id))) for e in s.entries]
            pages = [replace(p, body_md="") for p in s.pages]
        # which entries have which translations: the sitemap's alternates (editions.py)
        translated = sorted((t.id, t.lang) for t in s.translations)
        return digest(each, repr(s.participants), repr(s.topics), repr(s.periods), repr(pages),
                      translated)


EDITIONS_CSS = "editions.css"  # the switcher's style: only a site of several languages has it


def static_files(rd: Reads) -> list[str]:
    """The theme's static files (every layer's static/, which holds no link), by path."""
    one = len(rd.config.editions) == 1
    return sorted(rel for rel in rd.config.static_files() if not (one and rel == EDITIONS_CSS))


def read_static(rd: Reads, rel: str) -> bytes:
    data: bytes = rd.read("static", rel)
    return data


def _day(iso: str) -> PartialDate:
    return PartialDate(int(iso[:4]), int(iso[5:7]), int(iso[8:10]))


def _last_day(d: Any) -> tuple[int, int, int]:
    last = d.last_day()
    return (last.year, last.month, last.day)
