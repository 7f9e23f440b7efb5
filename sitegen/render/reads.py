"""What every output is made of: named parts of the site, each read here and recorded.

Output functions (pages, feeds, data files) never see the model itself: they ask ``Reads``
for *parts*, such as an entry's card, the fields of its page, its body's HTML, the entries a
listing shows or the whole model for a data file. Every read is recorded while an output is
rendered, and every part has a digest, a hash of its value. An output's *signature* is the
digest of the parts it read: the engine renders it again only when one of them changed
(Lektor records dependencies the same way, with files instead of parts). Nothing is listed by
hand: a field added to a projection is in its digest, and a page that reads one more part
has it in its record.

Digests of the parts made from one entry are memoised with the entry's *version* (the digest
of the file it was read from) and the registries, so a build that finds nothing changed
computes no projection at all.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from markupsafe import Markup

from sitegen.config import Config
from sitegen.content.model import Entry, Site
from sitegen.errors import ContentError
from sitegen.render.chart import legend, overview_svg
from sitegen.render.context import Projector, entry_url
from sitegen.render.markup import MarkdownRenderer, MarkupError
from sitegen.render.templates import Templates

Part = tuple[str, Any]  # (name, key), e.g. ("card", "2019-treaty-ends")
Body = tuple[str, tuple[tuple[str, str | None], ...], str]  # HTML, entry links, digest
CARD_TEMPLATE = "partials/card.html"
ENTRY_PARTS = ("card", "entry", "bodiless")  # made from one entry: memoised by its version
_UNREAD = object()  # a part's value not at hand


def digest(*parts: object) -> str:
    """A short stable hash of strings, numbers and tuples of them (repr is unambiguous)."""
    return hashlib.blake2b(repr(parts).encode("utf-8", "surrogatepass"),
                           digest_size=16).hexdigest()


def fingerprint(value: object) -> str:
    """What a part's value is, as a string that changes whenever the value does: its repr
    if short, else a hash of it."""
    text = repr(value)
    if len(text) <= 64:
        return text
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


@dataclass(frozen=True)
class Kind:
    """A kind of output, declared once: which exist, where each goes, how it renders.

    ``render`` gets the Reads and one key and returns the file's bytes (or its pieces); it
    reads the site only through the Reads, which records what it read. ``shared``: outputs
    that share memoised work (the card HTML of listing pages) are rendered together, first.
    ``prepare`` may do a batch's common work first (converting its bodies).
    """

    name: str
    keys: Callable[[Reads], Iterable[Any]]
    path: Callable[[Any], str]
    render: Callable[[Reads, Any], bytes | Iterable[bytes]]
    shared: bool = False
    prepare: Callable[[Reads, list[Any]], None] | None = None


@dataclass
class Memo:
    """What a builder keeps from one build to the next (and in the cache on disk).

    ``digests``: (part, key) → (version, digest) of the parts made from one entry;
    ``bodies``: body text digest → its Body; ``keep``: memos of output functions (the
    encoded records of timeline.json), in memory only, and only for a builder that builds
    again (None: a single build, which would only hold them until it ends).
    """

    digests: dict[Part, tuple[str, str]] = field(default_factory=dict)
    bodies: dict[str, Body] = field(default_factory=dict)
    keep: dict[str, Any] | None = field(default_factory=dict)


class Reads:
    """The parts of one loaded site, their digests, and the record of what was read."""

    def __init__(self, site: Site, config: Config, memo: Memo, versions: dict[str, Any],
                 templates: Templates | None = None) -> None:
        self.site, self.config, self.memo, self.versions = site, config, memo, versions
        self.templates = templates or Templates(config)
        self.projector = Projector(site, config)
        self._ids = {e.id: i for i, e in enumerate(site.entries)}
        self._seen: dict[str, str | None] = {}  # entry links resolved by this conversion
        self.markdown = MarkdownRenderer(self._resolve, config.markup_options)
        self._digests: dict[Part, str] = {}
        self._text_digests: dict[str, str] = {}
        self._cards: dict[str, tuple[Any, Markup]] = {}
        self._converted: dict[str, Body] = {}  # since the last drain (for the cache)
        self._new_digests: dict[Part, tuple[str, str]] = {}  # likewise
        self._versions: dict[str, str] = {}  # entry id → version of its parts (see digest)
        self._batch: list[str] = []  # bodies converted since the last forget
        self._record: dict[Part, Any] | None = None

    # -- recording -----------------------------------------------------------------------
    @contextmanager
    def recording(self) -> Iterator[dict[Part, Any]]:
        """Collect the parts read inside the ``with`` with their values (in the order first
        read)."""
        outer, self._record = self._record, {}
        try:
            yield self._record
        finally:
            self._record = outer

    def read(self, name: str, key: Any = None) -> Any:
        """The value of a part, recorded as read."""
        value = getattr(self, "_" + name)(key)
        if self._record is not None:
            self._record[(name, key)] = value
        return value

    def signature(self, parts: Iterable[Part] | dict[Part, Any]) -> str | None:
        """The digest of these parts' digests (``parts``: as recorded, with their values,
        or just named); None if one cannot be known without work."""
        values = parts if isinstance(parts, dict) else {}
        found = []
        for part in parts:
            d = self.digest(part, values.get(part, _UNREAD))
            if d is None:
                return None
            found.append((part, d))
        return digest(found)

    def digest(self, part: Part, value: Any = _UNREAD) -> str | None:
        """A part's digest (memoised), or None when it would take a conversion to know
        (``value``: the part's, if it was read; else _UNREAD)."""
        if part in self._digests:
            return self._digests[part]
        name, key = part
        d: str | None
        try:
            if name in ENTRY_PARTS:
                d = self._entry_digest(part, value)
            elif name == "body":
                d = self._body_digest(key)
            elif name == "listing":
                d = self._listing_digest(key)
            elif name == "model":
                d = self._model_digest(key)
            else:
                d = fingerprint(self.read_quietly(name, key) if value is _UNREAD else value)
        except (KeyError, ValueError, IndexError, StopIteration):
            d = None  # the part no longer exists: whatever read it must be made again
        if d is not None:  # (a body's is known once it is converted)
            self._digests[part] = d
        return d

    def read_quietly(self, name: str, key: Any = None) -> Any:
        """A part's value, not recorded (for digests)."""
        outer, self._record = self._record, None
        try:
            return self.read(name, key)
        finally:
            self._record = outer

    def _entry_digest(self, part: Part, value: Any) -> str:
        """The digest of a part made from one entry, memoised with its version: the digest
        of the entry's file (its key in the loader's memo) and of the registries."""
        version = self._versions.get(part[1])
        if version is None:
            source = self.versions.get(part[1])
            version = self._versions[part[1]] = digest(source or id(self), self._registry_version)
        got = self.memo.digests.get(part)
        if got is None or got[0] != version:
            if value is _UNREAD:
                value = self.read_quietly(*part)
            got = self.memo.digests[part] = (version, fingerprint(value))
            self._new_digests[part] = got
        return got[1]

    @cached_property
    def _registry_version(self) -> str:
        """What every projection of an entry also depends on: the names of its participants
        and topics."""
        return digest(repr(self.site.participants), repr(self.site.topics))

    # -- shared by pages -----------------------------------------------------------------
    def html(self, template: str, out_path: str, title: str, description: str, kind: str,
             **context: Any) -> bytes:
        """A page: ``template`` with the context every page gets, plus ``context``."""
        c = self.config
        url_path = out_path.removesuffix("index.html")
        ctx = {"site": self.read("site"),
               "page": {"title": title, "description": description or c.description,
                        "path": url_path, "url": c.url(url_path), "kind": kind,
                        "canonical": c.absolute_url(url_path)},
               "card_html": self.card_html}
        ctx.update(context)
        return self.templates.render(template, ctx).encode("utf-8")

    def card_html(self, card: dict[str, Any]) -> Markup:
        """``partials/card.html`` for one card, rendered once per entry and build (a card
        shows on about seven pages); its context is ``e`` and ``site`` only."""
        got = self._cards.get(card["id"])
        if got is None or got[0] is not card:
            html = self.templates.render(CARD_TEMPLATE, {"e": card, "site": self._site(None)})
            got = self._cards[card["id"]] = (card, Markup(html))
        return got[1]

    def drain(self) -> tuple[dict[str, Body], dict[Part, tuple[str, str]]]:
        """The bodies converted and the digests computed since the last call (a worker
        sends them back with its outputs, for the cache)."""
        got = self._converted, self._new_digests
        self._batch += self._converted
        self._converted, self._new_digests = {}, {}
        return got

    def forget(self) -> None:
        """Drop what was memoised for one batch of outputs (memory stays flat)."""
        self._cards.clear()
        self.__dict__.pop("_bodiless_site", None)
        self.projector.forget_cards()
        for key in self._batch:
            self.memo.bodies.pop(key, None)
        self._batch.clear()

    # -- bodies --------------------------------------------------------------------------
    def _resolve(self, target: str) -> str | None:
        url = self.config.url(entry_url(target)) if target in self._ids else None
        self._seen[target] = url
        return url

    def _text_digest(self, text: str) -> str:
        got = self._text_digests.get(text)
        if got is None:
            data = text.encode("utf-8", "surrogatepass")
            got = self._text_digests[text] = hashlib.blake2b(data, digest_size=16).hexdigest()
        return got

    def _owner(self, owner: tuple[str, str]) -> tuple[str, str, int]:
        """The body text of ("entry", id) or ("page", id), with its file and line."""
        kind, key = owner
        item: Any = (self.site.entry(key) if kind == "entry" else
                     next(p for p in self.site.pages if p.id == key))
        return item.body_md, item.path, item.body_line

    def keep_cached_bodies(self, cached: dict[str, Body]) -> None:
        """Take the cached HTML of the site's bodies whose entry links resolve as before."""
        bodies = self.memo.bodies
        for text in [e.body_md for e in self.site.entries] + [p.body_md for p in self.site.pages]:
            key = self._text_digest(text)
            hit = cached.get(key)
            if hit is not None and all(self._resolve(t) == u for t, u in hit[1]):
                bodies[key] = hit

    def convert(self, owners: list[tuple[str, str]]) -> None:
        """Convert these bodies that are not known yet: all of them from Markdown, then all
        of them sanitised (one kind of work at a time is ~30% faster than alternating)."""
        todo = {}
        for owner in owners:
            text, path, line = self._owner(owner)
            if self._text_digest(text) not in self.memo.bodies:
                todo[text] = (path, line)
        raw = []
        for text, (path, line) in todo.items():
            self._seen = {}
            try:
                raw.append((text, self.markdown.convert(text), tuple(sorted(self._seen.items()))))
            except MarkupError as exc:
                raise ContentError(problems=[exc.problem(path, line)]) from None
        for text, html, links in raw:
            try:
                done = self.markdown.finish(html)
            except MarkupError as exc:  # over the CPU budget
                raise ContentError(problems=[exc.problem(*todo[text])]) from None
            key = self._text_digest(text)
            self.memo.bodies[key] = self._converted[key] = (done, links, digest(done))

    def _body(self, owner: tuple[str, str]) -> str:
        text = self._owner(owner)[0]
        got = self.memo.bodies.get(self._text_digest(text))
        if got is None:
            self.convert([owner])
            got = self.memo.bodies[self._text_digest(text)]
        return got[0]

    def _body_digest(self, owner: tuple[str, str]) -> str | None:
        got = self.memo.bodies.get(self._text_digest(self._owner(owner)[0]))
        return None if got is None else got[2]

    # -- parts: the projections pages are made of ----------------------------------------
    def _site(self, _: None) -> dict[str, Any]:
        """The ``site`` every page gets (one dict per build: templates must not modify it)."""
        return self._site_context

    @cached_property
    def _site_context(self) -> dict[str, Any]:
        c = self.config
        return {"title": c.title, "description": c.description, "language": c.language,
                "author": c.author, "publisher": c.publisher, "base_path": c.base_path,
                "base_url": c.base_url, "years": self.years,
                "pages": [{"id": p.id, "title": p.title, "url": c.url(f"pages/{p.id}/")}
                          for p in self.site.pages]}

    @cached_property
    def years(self) -> list[int]:
        return self.site.years()

    def _card(self, entry_id: str) -> dict[str, Any]:
        return self.projector.card(self.site.entry(entry_id))

    def _entry(self, entry_id: str) -> dict[str, Any]:
        return self.projector.entry_fields(self.site.entry(entry_id))

    def _bodiless(self, entry_id: str) -> Entry:
        return replace(self.site.entry(entry_id), body_md="")

    def _neighbours(self, entry_id: str) -> tuple[str | None, str | None]:
        i, entries = self._ids[entry_id], self.site.entries
        return (entries[i - 1].id if i > 0 else None,
                entries[i + 1].id if i + 1 < len(entries) else None)

    def _related(self, entry_id: str) -> list[str]:
        return [r for r in self.site.entry(entry_id).related if r in self._ids]

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
        apart = key[1] if key[0] == "participant" else None
        return [(e, e.sort_key, apart in e.concerns) for e in self._listed.get(key, [])]

    def _listing(self, key: tuple[str, Any]) -> list[tuple[dict[str, Any], Any, bool]]:
        """A listing page's entries: (card, sort key, listed apart), in site order."""
        return [(self.projector.card(e), sort, apart) for e, sort, apart in self._members(key)]

    def _listing_digest(self, key: tuple[str, Any]) -> str | None:
        cards, known = [], self._digests
        for e, sort, apart in self._members(key):
            d = known.get(("card", e.id)) or self.digest(("card", e.id))
            if d is None:
                return None
            cards.append((d, sort, apart))
        return digest(cards)

    def _periods(self, _: None) -> list[tuple[dict[str, Any], Any, int, int | None]]:
        """Each period: (its projection, its start's sort key, first year, last year)."""
        return [(self.projector.period(p), (p.start.sort_key, -1, p.id), p.start.year,
                 p.end.year if p.end else None) for p in self.site.periods]

    def _registries(self, _: None) -> dict[str, list[dict[str, Any]]]:
        p = self.projector
        return {"participants": [p.participant_ref(x) for x in self.site.participants],
                "topics": [p.topic_ref(t) for t in self.site.topics]}

    def _participant(self, pid: str) -> dict[str, Any]:
        return self.projector.participant(self.site.participants[pid])

    def _topic(self, tid: str) -> dict[str, Any]:
        return self.projector.topic_ref(tid) | {"description": self.site.topics[tid].description}

    def _chart(self, _: None) -> tuple[str, list[dict[str, object]]]:
        return (overview_svg(self.site, self.config.kinds),
                legend(self.site, self.config.kinds))

    def _page(self, page_id: str) -> dict[str, Any]:
        page = next(p for p in self.site.pages if p.id == page_id)
        p = self.projector
        return {"id": page.id, "title": page.title, "description": page.description,
                "sourcing": p.sourcing() if "sourcing" in page.show else None,
                "coverage": p.coverage() if "coverage" in page.show else None}

    def _static(self, rel: str) -> bytes:
        return (self.config.templates_dir / "static" / rel).read_bytes()

    def _model(self, bodies: bool) -> Site:
        """The whole model, for outputs made of all of it (feeds, data files); without the
        bodies of entries and pages unless ``bodies``."""
        return self.site if bodies else self._bodiless_site

    @cached_property
    def _bodiless_site(self) -> Site:
        return replace(self.site, entries=tuple(self._bodiless(e.id) for e in self.site.entries),
                       pages=tuple(replace(p, body_md="") for p in self.site.pages))

    def _model_digest(self, bodies: bool) -> str | None:
        s = self.site
        if bodies:
            each = [(e.id, self.versions.get(e.id) or digest(repr(e))) for e in s.entries]
            pages: object = s.pages
        else:
            each = [(e.id, self.digest(("bodiless", e.id))) for e in s.entries]
            pages = [replace(p, body_md="") for p in s.pages]
        return digest(each, repr(s.participants), repr(s.topics), repr(s.periods), repr(pages))


def static_files(rd: Reads) -> list[str]:
    """The theme's static files (templates/static/, which holds no link), by relative path."""
    folder = rd.config.templates_dir / "static"
    if not folder.is_dir():
        return []
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                  if p.is_file() and not p.is_symlink())


def read_static(rd: Reads, rel: str) -> bytes:
    data: bytes = rd.read("static", rel)
    return data
