"""Site configuration: ``[tool.sitegen]`` in pyproject.toml or a sitegen.toml beside it."""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sitegen.budget import DEFAULT_SECONDS
from sitegen.errors import ConfigError, Problem, did_you_mean, display_path

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


@dataclass(frozen=True)
class Config:
    """Everything a build needs to know besides the content itself."""

    root: Path
    title: str = "Timeline"
    description: str = ""
    base_url: str = "http://127.0.0.1:8000/"
    language: str = "en"
    author: str = ""
    publisher: str = ""
    kinds: tuple[str, ...] = DEFAULT_KINDS
    levels: tuple[str, ...] = DEFAULT_LEVELS
    outcome_types: tuple[str, ...] = DEFAULT_OUTCOME_TYPES
    period_kinds: tuple[str, ...] = DEFAULT_PERIOD_KINDS
    content_dir: Path = field(default=Path("content"))
    templates_dir: Path = field(default=Path("templates"))
    output_dir: Path = field(default=Path("output"))
    cname: str | None = None
    allow_raw_html: bool = False
    search: bool = True
    max_year: int = 2100
    entry_cpu_budget: float = DEFAULT_SECONDS  # per body: Markdown, then sanitising
    source_file: str | None = None

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


_STR_KEYS = ("title", "description", "language", "author", "publisher")
_LIST_KEYS = ("kinds", "levels", "outcome_types", "period_kinds")
_PATH_KEYS = ("content_dir", "templates_dir", "output_dir")
KNOWN_KEYS = (
    *_STR_KEYS, *_LIST_KEYS, *_PATH_KEYS, "base_url", "cname", "allow_raw_html", "max_year",
    "search", "entry_cpu_budget",
)
MAX_CPU_BUDGET = 600  # seconds: a body that needs more is not a timeline entry
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_HOST = re.compile(r"(?=.{1,253}\Z)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                   r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+")
# characters XML 1.0 (Atom), iCalendar and most readers refuse; tab and newline are fine
CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")


def normalise_base_url(value: str, where: str) -> str:
    """Check a base URL and give it a trailing slash."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(
            problems=[Problem(where, None, "base_url", f"'{value}' is not an absolute http(s) URL",
                              "write it like https://example.org/ or https://user.github.io/repo/")]
        )
    if parts.query or parts.fragment:
        raise ConfigError(problems=[Problem(where, None, "base_url",
                                            f"'{value}' must not have a query or fragment")])
    if re.search(r"[\s\"'<>\\`{}|^]", value) or CONTROL_RE.search(value):
        raise ConfigError(problems=[Problem(where, None, "base_url",
                                            f"{value!r} holds characters a URL cannot",
                                            "percent-encode them, e.g. a space as %20")])
    return value if value.endswith("/") else value + "/"


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
    elif pyproject.is_file():
        source = display_path(pyproject, root) + " [tool.sitegen]"
        data = _read_toml(pyproject, display_path(pyproject, root)).get("tool", {}).get(
            "sitegen", {}
        )
    return _validate(root, data, source or "configuration")


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
        elif key in _LIST_KEYS:
            if not (isinstance(value, list) and value
                    and all(isinstance(v, str) and _ID.match(v) for v in value)):
                bad(key, "must be a non-empty list of lowercase words like \"meeting\"")
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
        elif key in ("allow_raw_html", "search"):
            if not isinstance(value, bool):
                bad(key, "must be true or false")
            else:
                values[key] = value
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
    if problems:
        raise ConfigError(problems=problems)
    cfg = Config(root=root, source_file=source, **values)
    return replace(
        cfg,
        content_dir=(root / cfg.content_dir),
        templates_dir=(root / cfg.templates_dir),
        output_dir=(root / cfg.output_dir),
    )
