"""Site configuration: a site's ``sitegen.toml`` (or, read when there is none, ``[tool.sitegen]``
in its pyproject.toml)."""

from __future__ import annotations

import functools
import ipaddress
import os
import re
import stat
import tomllib
from dataclasses import dataclass, field, fields, is_dataclass, replace
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from sitegen.content.archetype import Archetype, load_archetype
from sitegen.content.history import Repository, repository_setting
from sitegen.errors import ConfigError, Problem, did_you_mean, display_path
from sitegen.labels import FACETS, SiteLabels, site_labels_setting
from sitegen.presentation import (
    KindFamily,
    PeriodKind,
    check_families,
    default_families,
    default_period_kind,
    kind_families_setting,
    period_kinds_setting,
)
from sitegen.render.budget import DEFAULT_SECONDS

DEFAULT_KINDS = (
    "meeting", "summit", "agreement", "declaration", "statement", "proposal",
    "suspension", "resumption", "enlargement", "treaty", "military", "other",
)
DEFAULT_LEVELS = ("heads-of-state", "ministers", "ambassadors", "military", "working")
DEFAULT_OUTCOME_TYPES = (
    "agreed", "reaffirmed", "proposed", "rejected", "suspended", "resumed",
    "deferred", "no-agreement", "statement",
)
DEFAULT_PERIOD_KINDS = ("era", "suspension")
DEFAULT_PARTICIPANT_KINDS = ("person", "organisation", "state")
DEFAULT_SOURCE_KINDS = ("primary", "secondary")  # "primary" has a meaning: see sourcing.py


def canonical(value: object) -> object:
    """``value`` with every set in a fixed order, for a repr that is the same in every
    process: a set's order follows string hashes, which differ from process to process
    (PYTHONHASHSEED), so a repr holding one would change a cache key at every build."""
    if isinstance(value, (set, frozenset)):
        return ("set", *sorted((canonical(v) for v in value), key=repr))
    if is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__,
                *((f.name, canonical(getattr(value, f.name))) for f in fields(value)))
    if isinstance(value, dict):
        return {canonical(k): canonical(v) for k, v in value.items()}  # (insertion order)
    if isinstance(value, (list, tuple)):
        return type(value)(canonical(v) for v in value)
    return value


@dataclass(frozen=True)
class SourceRules:
    """The site's sourcing policy (``[sources]``): which domains are each party's own, which
    are never acceptable, and how close to the event a primary source should be."""

    # (participant id or a label such as "Other governments", its domains), in file order
    official_domains: tuple[tuple[str, tuple[str, ...]], ...] = ()
    denied_domains: tuple[str, ...] = ()
    primary_window_days: int = 7

    def official_party(self, host: str) -> str | None:
        """The party whose official domain ``host`` is (or is under), if any."""
        return _official_party(self, host)

    def denied(self, host: str) -> str | None:
        """The denied domain ``host`` is (or is under), if any."""
        return _denied(self, host)


# memoised by (rules, host): every load checks every source of every entry (serve: on each
# save), and a site cites a few hundred hosts
@functools.lru_cache(maxsize=65536)
def _official_party(rules: SourceRules, host: str) -> str | None:
    for party, domains in rules.official_domains:
        if any(domain_matches(host, d) for d in domains):
            return party
    return None


@functools.lru_cache(maxsize=65536)
def _denied(rules: SourceRules, host: str) -> str | None:
    return next((d for d in rules.denied_domains if domain_matches(host, d)), None)


@dataclass(frozen=True)
class CoverageGap:
    """A year (or span of years) the record knowingly leaves without entries, and why."""

    start: int
    end: int
    note: str


@dataclass(frozen=True)
class Coverage:
    """The span of years the record claims to cover (``[coverage]``) and its declared gaps."""

    start: int
    end: int
    gaps: tuple[CoverageGap, ...] = ()

    def declared_gap(self, year: int) -> CoverageGap | None:
        return next((g for g in self.gaps if g.start <= year <= g.end), None)


def domain_matches(host: str, domain: str) -> bool:
    """True when ``host`` is ``domain`` or one of its subdomains (case-insensitive)."""
    host, domain = host.lower().rstrip("."), domain.lower()
    return host == domain or host.endswith("." + domain)


@dataclass(frozen=True)
class Licence:
    """The licence of the site's own text and data (``[license]``): an SPDX id, the licence's
    address and a sentence for readers (e.g. that quotations remain their owners')."""

    id: str
    url: str
    statement: str = ""

    def record(self) -> dict[str, str]:
        """As the data files state it (timeline.json's ``license``)."""
        return {"id": self.id, "url": self.url, "statement": self.statement}

    def sentence(self) -> str:
        """As one line of text (the Atom feed's ``<rights>``, CSVW's ``dc:rights``)."""
        return " ".join(x for x in (f"{self.id} ({self.url}).", self.statement) if x)


@dataclass(frozen=True)
class Config:
    """Everything a build needs to know besides the content itself."""

    root: Path
    title: str = "Timeline"
    description: str = ""
    base_url: str = "http://127.0.0.1:8000/"
    language: str = "en"
    # the languages the site is read in (``language`` first); () : ``language`` alone
    languages: tuple[str, ...] = ()
    author: str = ""
    publisher: str = ""
    editors: tuple[str, ...] = ()  # named in citations, after the publisher
    license: Licence | None = None
    dataset_version: str | None = None  # [dataset] version: see outputs/citations.py
    kinds: tuple[str, ...] = DEFAULT_KINDS
    levels: tuple[str, ...] = DEFAULT_LEVELS
    outcome_types: tuple[str, ...] = DEFAULT_OUTCOME_TYPES
    period_kinds: tuple[str, ...] = DEFAULT_PERIOD_KINDS
    participant_kinds: tuple[str, ...] = DEFAULT_PARTICIPANT_KINDS
    source_kinds: tuple[str, ...] = DEFAULT_SOURCE_KINDS
    # how each period kind is drawn (sitegen.presentation), in period_kinds' order
    period_styles: tuple[PeriodKind, ...] = tuple(
        default_period_kind(k, i) for i, k in enumerate(DEFAULT_PERIOD_KINDS))
    kind_families: tuple[KindFamily, ...] = ()  # () : presentation.default_families(kinds)
    labels: SiteLabels = field(default_factory=SiteLabels)  # [labels]: facets, vocabularies
    content_dir: Path = field(default=Path("content"))
    templates_dir: Path = field(default=Path("templates"))
    output_dir: Path = field(default=Path("output"))
    cname: str | None = None
    allow_raw_html: bool = False
    remote_images: bool = False
    search: bool = True
    offline: bool = False  # not a setting: `sitegen build --offline` (outputs/offline.py)
    max_year: int = 2100
    entry_cpu_budget: float = DEFAULT_SECONDS  # per body: Markdown, then sanitising
    source_file: str | None = None
    sources: SourceRules = field(default_factory=lambda: SourceRules())
    coverage: Coverage | None = None
    repository: Repository | None = None  # [repository]: links to commits (history.py)
    # the entry archetype (`sitegen new` copies it; the loader flags its sample text left in
    # an entry); load_config reads the site's or the built-in one
    archetype: Archetype | None = None

    @functools.cached_property
    def base_path(self) -> str:
        """The path part of the base URL, always starting and ending with '/'.

        Kept once computed (every link of every page asks for it); a changed base URL is a
        new Config (``replace``), so the value never goes stale.
        """
        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"

    def url(self, path: str = "") -> str:
        """A site-internal URL, absolute from the server root, honouring the base path."""
        return self.base_path + path.lstrip("/")

    def absolute_url(self, path: str = "") -> str:
        """A full URL with scheme and host (feeds, sitemap, canonical links)."""
        return self.base_url.rstrip("/") + "/" + path.lstrip("/")

    def with_base_url(self, base_url: str) -> Config:
        """The same configuration published under another base URL."""
        return replace(self, base_url=normalise_base_url(base_url, "--base-url"))

    def theme_dirs(self) -> tuple[Path, ...]:
        """Where templates are looked up, first match wins: the site's own ``templates/``
        (which may override single files) and then the packaged default theme."""
        from sitegen.packaged import default_theme

        theme, own = default_theme(), self.templates_dir
        if not own.is_dir():
            return (theme,)
        if own.resolve() == theme.resolve():  # sitegen's own repository: templates/ is the theme
            return (own,)
        return (own, theme)

    def static_files(self) -> dict[str, Path]:
        """Every static file of the theme by its path under ``static/``, regular files only
        (no link is followed); the site's own files replace the packaged theme's."""
        files: dict[str, Path] = {}
        for folder in reversed(self.theme_dirs()):
            static = folder / "static"
            if not static.is_dir() or static.is_symlink():
                continue
            for parent, _dirs, names in os.walk(static):  # does not enter linked folders
                for name in names:
                    path = Path(parent, name)
                    if stat.S_ISREG(os.lstat(path).st_mode):
                        files[path.relative_to(static).as_posix()] = path
        return dict(sorted(files.items()))
    @property
    def editions(self) -> tuple[str, ...]:
        """The site's languages, its default ``language`` first."""
        return (self.language, *(x for x in self.languages if x != self.language))

    def source_language(self) -> str:
        """The site's default language, the one its entries are written in (an edition's
        settings, render/editions.py, have another ``language``)."""
        return self.language

    def link_language(self, path: str) -> str | None:
        """The language of the page a link to ``path`` leads to, when it is not the pages'
        own (an edition links an untranslated entry's original page)."""
        return None

    @functools.cached_property
    def families(self) -> tuple[KindFamily, ...]:
        """The kinds grouped into colour families (the setting, or the default grouping)."""
        return self.kind_families or default_families(self.kinds)

    def label(self, group: str, name: str) -> str:
        """The label of a facet or of a vocabulary's name (labels.GROUPS), in the site's
        language."""
        return self.labels.text(group, name, self.language)

    def period_style(self, kind: str) -> PeriodKind:
        """How periods of ``kind`` are drawn."""
        return next((p for p in self.period_styles if p.id == kind),
                    default_period_kind(kind, len(self.period_styles)))

    @property
    def markup_options(self) -> MarkupOptions:
        """Every setting that changes a body's HTML (the Markdown cache is keyed on it)."""
        return MarkupOptions(self.allow_raw_html, self.remote_images, self.entry_cpu_budget)

    def content_security_policy(self, wasm: bool = False) -> str:
        """The policy every page declares: scripts, styles and images from the site only.

        ``wasm`` lets the search page compile Pagefind's WebAssembly (it evaluates no
        JavaScript). Inline scripts and ``style`` attributes are refused everywhere.
        """
        images = "'self' data: https:" if self.remote_images else "'self' data:"
        scripts = "'self' 'wasm-unsafe-eval'" if wasm else "'self'"
        return (f"default-src 'self'; script-src {scripts}; style-src 'self'; "
                f"img-src {images}; object-src 'none'; base-uri 'self'; form-action 'self'")


class MarkupOptions(NamedTuple):
    """How body HTML is made: sanitised or trusted, remote images kept or made links."""

    allow_raw_html: bool = False
    remote_images: bool = False
    cpu_budget: float = DEFAULT_SECONDS  # per body: Markdown, then sanitising


_STR_KEYS = ("title", "description", "language", "author", "publisher")
_LIST_KEYS = ("kinds", "levels", "outcome_types", "participant_kinds", "source_kinds")
_PATH_KEYS = ("content_dir", "templates_dir", "output_dir")
KNOWN_KEYS = (
    *_STR_KEYS, *_LIST_KEYS, *_PATH_KEYS, "base_url", "cname", "allow_raw_html", "max_year",
    "search", "remote_images", "sources", "coverage", "entry_cpu_budget", "period_kinds",
    "kind_families", "labels", "languages", "repository", "editors", "license", "dataset",
)
MAX_CPU_BUDGET = 600  # seconds: a body that needs more is not a timeline entry
_BOOL_KEYS = ("allow_raw_html", "remote_images", "search")
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")  # always fullmatch: '$' accepts a final newline
LANGUAGE_TAG = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")  # always fullmatch
_HOST = re.compile(r"(?=.{1,253}\Z)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                   r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+")
# characters XML 1.0 (Atom), iCalendar, terminals and most readers refuse or obey: C0 but tab
# and newline, DEL, C1 (U+009B starts an escape sequence in some terminals) and non-characters;
# a bare carriage return only comes from an escape (files are read with newlines normalised)
CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
# what a base URL's path may hold: RFC 3986 path characters (no '//', checked apart)
_URL_PATH = re.compile(r"(?:/[A-Za-z0-9._~!$&'()*+,;=:@%-]*)*")
_SPDX = re.compile(r"[A-Za-z0-9][A-Za-z0-9.+-]*")
_BASE_URL_HINT = "write it like https://example.org/ or https://user.github.io/repo/"


def normalise_base_url(value: str, where: str) -> str:
    """Check a base URL and give it a trailing slash.

    Every page loads its scripts and styles under the base URL's path, so a path holding
    '//' would load them from another host ('//evil.example/static/timeline.js'); userinfo,
    a query, a fragment, backslashes and control characters have no place in it either.
    """
    def bad(message: str, hint: str = _BASE_URL_HINT) -> ConfigError:
        return ConfigError(problems=[Problem(where, None, "base_url", message, hint)])

    if CONTROL_RE.search(value) or re.search(r"[\s\"'<>\\`{}|^]", value):
        raise bad(f"{value!r} holds characters a URL cannot",
                  "percent-encode them, e.g. a space as %20")
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError as exc:
        raise bad(f"'{value}' is not a valid URL ({exc})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise bad(f"'{value}' is not an absolute http(s) URL with a host")
    if "@" in parts.netloc:
        raise bad(f"'{value}' holds a user name or password",
                  "give only the scheme, host and path, e.g. https://example.org/")
    host = parts.hostname
    if not (_HOST.fullmatch(host) or host == "localhost" or _is_ip(host)) or port == 0:
        raise bad(f"'{value}' does not name a valid host")
    if parts.query or parts.fragment or "?" in value or "#" in value:
        raise bad(f"'{value}' must not have a query or fragment",
                  "remove everything from the '?' or '#' on")
    if "//" in parts.path or not _URL_PATH.fullmatch(parts.path):
        raise bad(f"'{value}' has an empty path segment ('//'): pages would load their "
                  "scripts from another host",
                  "write the path with single slashes, e.g. https://example.org/repo/")
    return value if value.endswith("/") else value + "/"


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def load_config(root: Path) -> Config:
    """Read the configuration of the project at ``root`` (defaults when there is none)."""
    root = root.resolve()
    data: dict[str, Any] = {}
    source: str | None = None
    own = root / "sitegen.toml"
    pyproject = root / "pyproject.toml"
    if own.is_file():
        source = display_path(own, root)
        data = _read_toml(own, source)
    elif pyproject.is_file():  # the place settings had before sitegen.toml: still read
        source = display_path(pyproject, root) + " [tool.sitegen]"
        data = _read_toml(pyproject, display_path(pyproject, root)).get("tool", {}).get(
            "sitegen", {}
        )
    return replace(_validate(root, data, source or "configuration"),
                   archetype=load_archetype(root))


def _read_toml(path: Path, shown: str) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(problems=[Problem(shown, None, None, f"is not UTF-8 text ({exc.reason})",
                                            "save the file as UTF-8")]) from None
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"at line (\d+)", str(exc))
        line = int(m.group(1)) if m else None
        msg = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise ConfigError(problems=[Problem(shown, line, None, f"invalid TOML: {msg}",
                                            "check quotes, brackets and '=' signs")]) from None


_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_DOMAIN = re.compile(rf"{_LABEL}(?:\.{_LABEL})+")
Bad = Any  # the reporting callback of _validate: bad(key, message, hint=None)


def _domains(value: Any, key: str, bad: Bad) -> tuple[str, ...] | None:
    if not (isinstance(value, list) and all(isinstance(v, str) and _DOMAIN.fullmatch(v)
                                            for v in value)):
        bad(key, "must be a list of lowercase domain names like \"example.org\"",
            "write the domain only: no https://, no path")
        return None
    return tuple(value)


def _source_rules(value: Any, bad: Bad) -> SourceRules | None:
    """``[sources]``: official_domains (party → domains), denied_domains, primary_window_days."""
    if not isinstance(value, dict):
        bad("sources", "must be a table", "write it as [tool.sitegen.sources] or [sources]")
        return None
    known = ("official_domains", "denied_domains", "primary_window_days")
    ok = True
    official: list[tuple[str, tuple[str, ...]]] = []
    denied: tuple[str, ...] = ()
    window = 7
    for key, item in sorted(value.items()):
        name = f"sources.{key}"
        if key not in known:
            bad(name, "unknown setting", did_you_mean(key, known) or "known: " + ", ".join(known))
            ok = False
        elif key == "official_domains":
            if not isinstance(item, dict):
                bad(name, "must be a table of party ids and their domains",
                    'e.g. official_domains = { un = ["un.org"] }')
                ok = False
                continue
            for party, domains in item.items():  # in the file's order, shown so
                got = _domains(domains, f"{name}.{party}", bad)
                if got is None or not party.strip() or CONTROL_RE.search(party):
                    ok = False
                    if got is not None:
                        bad(f"{name}.{party}", "must be a participant id or a short label")
                else:
                    official.append((party, got))
        elif key == "denied_domains":
            got = _domains(item, name, bad)
            ok &= got is not None
            denied = got or ()
        elif key == "primary_window_days":
            if not isinstance(item, int) or isinstance(item, bool) or item < 0:
                bad(name, "must be a whole number of days, 0 or more")
                ok = False
            else:
                window = item
    return SourceRules(tuple(official), denied, window) if ok else None


def _coverage(value: Any, bad: Bad) -> Coverage | None:
    """``[coverage]``: start and end years, and ``gaps``: [{years = "1998" or "2005-2006",
    note = "why"}]."""
    if not isinstance(value, dict):
        bad("coverage", "must be a table", "write it as [tool.sitegen.coverage] or [coverage]")
        return None
    start, end = value.get("start"), value.get("end")
    if not all(isinstance(y, int) and not isinstance(y, bool) for y in (start, end)) \
            or start > end:  # type: ignore[operator]
        bad("coverage", "needs whole-number years start and end, start first",
            "e.g. coverage = { start = 1991, end = 2025 }")
        return None
    unknown = sorted(set(value) - {"start", "end", "gaps"})
    if unknown:
        bad(f"coverage.{unknown[0]}", "unknown setting", "known: start, end, gaps")
        return None
    gaps = []
    for i, gap in enumerate(value.get("gaps", [])):
        years = gap.get("years") if isinstance(gap, dict) else None
        m = re.fullmatch(r"(\d{4})(?:-(\d{4}))?", str(years)) if years is not None else None
        note = gap.get("note") if isinstance(gap, dict) else None
        if m is None or not isinstance(note, str) or not note.strip() \
                or (m.group(2) and int(m.group(2)) < int(m.group(1))) \
                or CONTROL_RE.search(note) or set(gap) - {"years", "note"}:
            bad(f"coverage.gaps[{i + 1}]", "must be { years = \"1998\" or \"2005-2006\", "
                "note = \"why there is no entry\" }")
            return None
        first = int(m.group(1))
        gaps.append(CoverageGap(first, int(m.group(2) or first), " ".join(note.split())))
    return Coverage(start, end, tuple(gaps))  # type: ignore[arg-type]


def _editors(value: Any, bad: Bad) -> tuple[str, ...] | None:
    """``editors``: the names citations give after the publisher."""
    if not (isinstance(value, list) and all(isinstance(v, str) and v.strip()
                                            and not CONTROL_RE.search(v) for v in value)):
        bad("editors", "must be a list of names", 'e.g. editors = ["Ada Lovelace", "Alan Turing"]')
        return None
    return tuple(" ".join(v.split()) for v in value)


def _licence(value: Any, bad: Bad) -> Licence | None:
    """``[license]``: id (SPDX), url, statement."""
    hint = ('e.g. [license] id = "CC-BY-4.0", '
            'url = "https://creativecommons.org/licenses/by/4.0/", '
            'statement = "Quotations remain their owners\'."')
    if not isinstance(value, dict):
        bad("license", "must be a table with id, url and statement", hint)
        return None
    for key in sorted(set(value) - {"id", "url", "statement"}):
        bad(f"license.{key}", "unknown setting",
            did_you_mean(key, ("id", "url", "statement")) or "known: id, url, statement")
        return None
    lid, url, statement = value.get("id"), value.get("url"), value.get("statement", "")
    if not isinstance(lid, str) or not _SPDX.fullmatch(lid):
        bad("license.id", "must be an SPDX licence identifier such as \"CC-BY-4.0\"",
            "see https://spdx.org/licenses/ for the identifiers")
        return None
    if not isinstance(url, str) or not re.fullmatch(r"https?://[^\s\"'<>\\`{}|^]+", url):
        bad("license.url", "must be the licence's http(s) address", hint)
        return None
    if not isinstance(statement, str) or CONTROL_RE.search(statement):
        bad("license.statement", "must be a sentence of plain text", hint)
        return None
    return Licence(lid, url, " ".join(statement.split()))


def _dataset(value: Any, bad: Bad) -> str | None:
    """``[dataset]``: version (a commit or any version label of the data)."""
    if not isinstance(value, dict) or set(value) - {"version"}:
        bad("dataset", "must be a table with one setting, version",
            'e.g. [dataset] version = "2026.12"')
        return None
    version = value.get("version")
    if version is None:
        return None
    if not isinstance(version, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,63}",
                                                        version):
        bad("dataset.version", "must be a short version label or commit, e.g. \"2026.12\"",
            "letters, digits, '.', '_', '+' and '-', at most 64")
        return None
    return version


def _labels(value: Any, values: dict[str, Any], bad: Bad) -> None:
    """``[labels]``, checked against the vocabularies the settings give."""
    from sitegen.content.model import SIGNIFICANCE

    allowed = {"facets": FACETS, "kinds": values.get("kinds", DEFAULT_KINDS),
               "levels": values.get("levels", DEFAULT_LEVELS),
               "outcome_types": values.get("outcome_types", DEFAULT_OUTCOME_TYPES),
               "significance": SIGNIFICANCE, "significance_plural": SIGNIFICANCE}
    got = site_labels_setting(value, allowed, bad)
    if got is not None:
        values["labels"] = got


def _validate(root: Path, data: dict[str, Any], source: str) -> Config:
    problems: list[Problem] = []
    values: dict[str, Any] = {}

    def bad(key: str, message: str, hint: str | None = None) -> None:
        problems.append(Problem(source, None, key, message, hint))

    for key, value in sorted(data.items()):
        if key not in KNOWN_KEYS:
            bad(key, "unknown setting", did_you_mean(key, KNOWN_KEYS)
                or "known settings: " + ", ".join(sorted(KNOWN_KEYS)))
        elif key in _STR_KEYS:
            if not isinstance(value, str):
                bad(key, "must be a string")
            elif CONTROL_RE.search(value):
                bad(key, "contains a control character",
                    "feeds and calendars cannot carry them; remove it")
            else:
                values[key] = value
        elif key == "period_kinds":
            default = data.get("language") or (data.get("languages") or ["en"])[0]
            listed: list[Any] = data["languages"] if isinstance(data.get("languages"), list) else []
            styles = period_kinds_setting(value, bad, tuple(dict.fromkeys(
                [str(default), *map(str, listed)])))
            if styles is not None:
                values["period_styles"] = styles
                values[key] = tuple(p.id for p in styles)
        elif key == "languages":
            if not (isinstance(value, list) and value and all(
                    isinstance(v, str) and LANGUAGE_TAG.fullmatch(v) for v in value)
                    and len(set(value)) == len(value)):
                bad(key, "must be a list of distinct language tags like [\"en\", \"fr\"]",
                    "write BCP 47 tags: a language (en, fr, ru) and, if needed, a region "
                    "(pt-BR)")
            else:
                values[key] = tuple(value)
        elif key == "kind_families":
            families = kind_families_setting(value, bad)
            if families is not None:
                values[key] = families
        elif key in _LIST_KEYS:
            if not (isinstance(value, list) and value
                    and all(isinstance(v, str) and _ID.fullmatch(v) for v in value)):
                bad(key, "must be a non-empty list of lowercase words like \"meeting\"",
                    "use lowercase letters, digits and hyphens only, e.g. [\"meeting\", "
                    "\"summit\"]")
            elif key == "source_kinds" and "primary" not in value:
                bad(key, "must include \"primary\"",
                    "the sourcing rules ask for primary sources: keep \"primary\" and add your "
                    "own kinds, e.g. [\"primary\", \"secondary\", \"dataset\"]")
            else:
                values[key] = tuple(value)
        elif key in _PATH_KEYS:
            if not isinstance(value, str) or not value:
                bad(key, "must be a folder name")
            else:
                values[key] = Path(value)
        elif key == "base_url":
            if not isinstance(value, str):
                bad(key, "must be a string such as \"https://example.org/\"")
            else:
                try:
                    values[key] = normalise_base_url(value, source)
                except ConfigError as exc:
                    problems.extend(exc.problems)
        elif key == "cname":
            if not isinstance(value, str) or not _HOST.fullmatch(value.strip()):
                bad(key, "must be a bare host name such as \"timeline.example.org\"")
            else:
                values[key] = value.strip()
        elif key in _BOOL_KEYS:
            if not isinstance(value, bool):
                bad(key, "must be true or false", f"write {key} = true or {key} = false")
            else:
                values[key] = value
        elif key == "sources":
            rules = _source_rules(value, bad)
            if rules is not None:
                values[key] = rules
        elif key == "repository":
            repository = repository_setting(value, bad)
            if repository is not None:
                values[key] = repository
        elif key == "editors":
            editors = _editors(value, bad)
            if editors is not None:
                values[key] = editors
        elif key == "license":
            licence = _licence(value, bad)
            if licence is not None:
                values[key] = licence
        elif key == "dataset":
            values["dataset_version"] = _dataset(value, bad)
        elif key == "coverage":
            coverage = _coverage(value, bad)
            if coverage is not None:
                values[key] = coverage
        elif key == "max_year":
            if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 9999:
                bad(key, "must be a year between 1 and 9999")
            else:
                values[key] = value
        elif key == "entry_cpu_budget":
            if (not isinstance(value, int | float) or isinstance(value, bool)
                    or not 0 < value <= MAX_CPU_BUDGET):
                bad(key, "must be a number of seconds",
                    f"e.g. entry_cpu_budget = {DEFAULT_SECONDS} (more than 0, at most "
                    f"{MAX_CPU_BUDGET})")
            else:
                values[key] = float(value)
    if "languages" in values:
        if "language" not in values:
            values["language"] = values["languages"][0]
        elif values["language"] not in values["languages"]:
            bad("languages", f"does not include the site's language '{values['language']}'",
                f"list it first: languages = [\"{values['language']}\", …]")
    if "labels" in data:
        _labels(data["labels"], values, bad)
    if "kind_families" in values:
        check_families(values["kind_families"], values.get("kinds", DEFAULT_KINDS), bad)
    if problems:
        raise ConfigError(problems=problems)
    cfg = Config(root=root, source_file=source, **values)
    return replace(
        cfg,
        content_dir=(root / cfg.content_dir),
        templates_dir=(root / cfg.templates_dir),
        output_dir=(root / cfg.output_dir),
    )
