"""The site's editions: one per language of ``languages``, the default one at ``/`` and each
other at ``/<lang>/``.

An edition has the site's listings (home, chronology, table, years, topics, participants,
free pages, search) in its language, and a page for each entry that has a translation in
it; an entry without one is listed too, linked to its page in the original's language (the
link says so: ``hreflang`` and a visible tag). No page is copied into an edition without
its translation.

Each edition's pages are the engine's own page kinds (render/pages.py PAGES) rendered
through an ``Edition``: the site's parts (render/reads.py) in that language, read through
the main Reads under names of their own (``"fr/card"``…), so every part an edition's page
reads is recorded, digested and memoised as the default edition's are, and a warm build
equals a cold one. Links are routed by the edition's settings (``EditionConfig.url``):
listings and translated entries inside the edition, everything else (static files, data,
the search index, untranslated entries) at the site's root.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, fields
from functools import cached_property
from typing import TYPE_CHECKING, Any

from sitegen.config import Config
from sitegen.engine.deps import UNREAD, Kind, Part, digest
from sitegen.i18n.language import Language
from sitegen.render.context import year_url
from sitegen.render.reads import Reads

if TYPE_CHECKING:
    from sitegen.render.templates import Templates

# the first segment of the paths each edition has (the rest are the site's, at its root)
EDITION_SECTIONS = frozenset({"", "chronology", "table", "years", "topics", "participants",
                              "pages", "search", "feed.xml"})
# the page kinds an edition has (entries: only those translated into its language)
EDITION_KINDS = ("home", "chronology", "table", "search", "entry", "participant", "topic",
                 "year", "page")
_HEAD = re.compile(r"[/#?]")
_YEAR = re.compile(r"(?:[^/]+/)?years/(\d+)/")


@dataclass(frozen=True)
class EditionConfig(Config):
    """The site's settings as an edition sees them: ``language`` is the edition's, and its
    links are routed (``url``, ``absolute_url``) into the edition where it has the page."""

    original: str = "en"  # the site's default language (its entries' own)
    prefix: str = ""  # "fr/"
    translated: frozenset[str] = frozenset()  # the ids of the entries it has pages for
    all_editions: tuple[str, ...] = ()

    def route(self, path: str) -> str:
        path = path.lstrip("/")
        head = _HEAD.split(path, maxsplit=1)[0]
        if head in EDITION_SECTIONS:
            return self.prefix + path
        if head == "entries" and path.split("/")[1] in self.translated:
            return self.prefix + path
        return path

    def url(self, path: str = "") -> str:
        return self.base_path + self.route(path)

    def link_language(self, path: str) -> str | None:
        routed = self.route(path)
        return None if routed.startswith(self.prefix) else self.original

    def absolute_url(self, path: str = "") -> str:
        return self.base_url.rstrip("/") + "/" + self.route(path)

    @property
    def editions(self) -> tuple[str, ...]:
        return self.all_editions

    def source_language(self) -> str:
        return self.original


def edition_config(config: Config, code: str, translated: frozenset[str]) -> EditionConfig:
    values = {f.name: getattr(config, f.name) for f in fields(Config)}
    values["language"] = code
    return EditionConfig(**values, original=config.language, prefix=code + "/",
                         translated=translated, all_editions=config.editions)


@functools.lru_cache(maxsize=64)
def language_names(code: str) -> str:
    """The language's name in itself ("Français", "Русский"), as a switcher names it."""
    name = Language(code).language_name(code)
    return name[:1].upper() + name[1:]


def edition_templates(main: Templates, config: EditionConfig) -> Templates:
    """The edition's templates (kept with the main ones: they last as long), its links
    routed by ``config``."""
    from sitegen.render.templates import Templates

    kept: dict[str, Templates] = main.__dict__.setdefault("_editions", {})
    t = kept.get(config.language)
    if t is None:
        t = kept[config.language] = Templates(config)
    t.config = config
    t.env.globals["url"] = config.url
    t.env.globals["absolute_url"] = config.absolute_url
    return t


class Edition(Reads):
    """The site's parts in one other language. It reads, and is read, through the main
    Reads, under names prefixed with its language (``"fr/card"``): what its pages read is
    recorded there, and its digests memoised there."""

    def __init__(self, main: Reads, code: str) -> None:
        from sitegen.content.translations import by_language

        self.main, self.tag = main, code + "/"
        self.translation_of = by_language(main.site.translations, code)
        cfg = edition_config(main.config, code, frozenset(self.translation_of))
        super().__init__(main.site, cfg, main.memo, main.versions,
                         edition_templates(main.templates, cfg))
        self._salted: dict[str, str] = {}
        self.keep_cached_bodies(main.cached_bodies)

    # every part is the main Reads' part "<lang>/<name>"
    def read(self, name: str, key: Any = None) -> Any:
        return self.main.read(self.tag + name, key)

    def digest(self, part: Part, value: Any = UNREAD) -> str | None:
        return self.main.digest((self.tag + part[0], part[1]), value)

    def _text_digest(self, text: str) -> str:
        """A body's key, apart from the same text's in other editions (its entry links
        lead elsewhere)."""
        got = self._salted.get(text)
        if got is None:
            got = self._salted[text] = super()._text_digest(self.tag + text)  # (memo shared)
        return got

    def _body_key(self, owner: tuple[str, str]) -> str:
        """Every body this edition converts is keyed by its salted text (an entry whose
        translation keeps the original's body too: the original's own key is the main
        edition's, whose links lead elsewhere)."""
        if owner[0] == "entry" and self._translated_body(owner[1]) is None:
            return self._text_digest(self._owner(owner)[0])
        return super()._body_key(owner)

    def keep_cached_bodies(self, cached: dict[str, Any]) -> None:
        bodies = self.memo.bodies
        for eid in self.translation_of:
            text = self._owner(("entry", eid))[0]
            hit = cached.get(self._text_digest(text))
            if hit is not None and all(self._resolve(t) == u for t, u in hit[1]):
                bodies[self._text_digest(text)] = hit
        for p in self.site.pages:
            hit = cached.get(self._text_digest(p.body_md))
            if hit is not None and all(self._resolve(t) == u for t, u in hit[1]):
                bodies[self._text_digest(p.body_md)] = hit

    def _digest_model(self, bodies: bool) -> str | None:
        """The model (the main edition's digest of it: the same site), and the translations
        this edition shows of it (its feed's texts)."""
        return digest(self.main.digest(("model", bodies)), sorted(
            (i, repr(t)) for i, t in self.translation_of.items()))

    @cached_property
    def _listed(self) -> dict[tuple[str, Any], list[Any]]:
        return self.main._listed  # noqa: SLF001 (the same site: its listings' members)

    @cached_property
    def _sort_keys(self) -> dict[str, tuple[Any, ...]]:
        return self.main._sort_keys  # noqa: SLF001

    @cached_property
    def history(self) -> Any:
        return self.main.history

    @cached_property
    def _head(self) -> Any:
        return self.main._head  # noqa: SLF001 (git is run once, by the main Reads)

    @cached_property
    def _head_version(self) -> dict[str, Any] | None:
        return self.main._head_version  # noqa: SLF001 (git is run once, by the main Reads)

    @cached_property
    def redirects(self) -> dict[str, tuple[str, str]]:
        return {}


# -- which versions of a page exist ------------------------------------------------------
def translation_languages(site: Any) -> dict[str, set[str]]:
    """The languages each entry is translated into, by entry id."""
    langs: dict[str, set[str]] = {}
    for t in site.translations:
        langs.setdefault(t.id, set()).add(t.lang)
    return langs


def versions(config: Config, url_path: str, langs: dict[str, set[str]],
             year_of: Callable[[str], int]) -> tuple[tuple[str, str | None, str], ...]:
    """For each edition: (language, the page's path in it or None if it has none, where
    a reader goes instead: its listing of the entry's year, else its home page).
    ``langs``: translation_languages; ``year_of``: an entry's year, by id."""
    home = config.source_language()
    head = _HEAD.split(url_path, maxsplit=1)[0]
    out = []
    for code in config.editions:
        prefix = "" if code == home else code + "/"
        if head in EDITION_SECTIONS:
            there: str | None = prefix + url_path
            instead = prefix
        elif head == "entries":
            eid = url_path.split("/")[1]
            translated = code in langs.get(eid, ())
            there = prefix + url_path if code == home or translated else None
            instead = prefix + year_url(year_of(eid))
        else:
            there = url_path if code == home else None
            instead = prefix
        out.append((code, there, instead))
    return tuple(out)


def alternates(rd: Reads, url_path: str) -> tuple[tuple[str, str | None, str], ...]:
    """The page at ``url_path`` in each edition (versions)."""
    langs: dict[str, set[str]] | None = rd.__dict__.get("_translation_langs")
    if langs is None:
        langs = rd.__dict__["_translation_langs"] = translation_languages(rd.site)
    return versions(rd.config, url_path, langs, lambda eid: rd.site.entry(eid).year)


def sitemap_versions(site: Any, config: Config, paths: list[str]
                     ) -> list[tuple[str, list[tuple[str, str]]]]:
    """Each page of ``paths`` in each edition that has it: (its path, [(hreflang, path)…]
    its versions, x-default last), for a sitemap's alternates."""
    langs = translation_languages(site)
    years = {e.id: e.year for e in site.entries}
    out = []
    for path in paths:
        found = [(code, there) for code, there, _ in versions(config, path, langs,
                                                               years.__getitem__)
                 if there is not None]
        links = [*found, ("x-default", path)]
        out += [(there, links) for _, there in found]
    return out


def switcher(rd: Reads, url_path: str, current: str) -> dict[str, Any]:
    """The page's language switcher and ``<link rel="alternate">``s (templates: page.editions,
    page.alternates)."""
    c = rd.config
    root = Config.url(c, "")  # the site's own base path, not the edition's
    absolute = c.base_url.rstrip("/") + "/"
    found = rd.read("alternates", url_path)
    year = _YEAR.fullmatch(next(i for _, _, i in found))
    editions = [{"code": code, "name": language_names(code), "current": code == current,
                 "url": root + there if there is not None else None,
                 "instead": root + instead, "year": int(year.group(1)) if year else None}
                for code, there, instead in found]
    links = [(code, absolute + there) for code, there, _ in found if there is not None]
    home = next((absolute + there for code, there, _ in found
                 if code == c.source_language() and there is not None), None)
    if home is not None:
        links.append(("x-default", home))
    return {"editions": editions, "alternates": links}


# -- the page kinds of the other editions ------------------------------------------------
def _edition_keys(kind: Kind) -> Any:
    def keys(rd: Reads) -> list[tuple[str, Any]]:
        out = []
        for code in rd.config.editions[1:]:
            ed = rd.edition(code)
            found = kind.keys(ed)
            if kind.name == "entry":
                found = [k for k in found if k in ed.translation_of]  # type: ignore[attr-defined]
            out += [(code, k) for k in found]
        return out
    return keys


def _edition_prepare(kind: Kind) -> Any:
    if kind.prepare is None:
        return None
    prepare = kind.prepare

    def run(rd: Reads, keys: list[tuple[str, Any]]) -> None:
        for code in dict.fromkeys(code for code, _ in keys):
            prepare(rd.edition(code), [k for c, k in keys if c == code])
    return run


def _edition_path(kind: Kind) -> Callable[[tuple[str, Any]], str]:
    return lambda key: f"{key[0]}/" + kind.path(key[1])


def _edition_render(kind: Kind) -> Callable[[Reads, tuple[str, Any]], Any]:
    return lambda rd, key: kind.render(rd.edition(key[0]), key[1])


def edition_kinds(kinds: tuple[Kind, ...]) -> tuple[Kind, ...]:
    """The page kinds of the editions besides the default one, made from ``kinds``."""
    out = []
    for kind in kinds:
        if kind.name not in EDITION_KINDS:
            continue
        out.append(Kind(f"{kind.name}@edition", _edition_keys(kind), _edition_path(kind),
                        _edition_render(kind), shared=kind.shared,
                        prepare=_edition_prepare(kind)))
    return tuple(out)


