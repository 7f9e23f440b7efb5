"""The Jinja environment: autoescaping on, undefined variables are errors, errors located."""

from __future__ import annotations

import json
import os
import re
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2

from sitegen.config import Config
from sitegen.errors import Problem, TemplateError, did_you_mean, display_path


def json_for_script(value: Any) -> str:
    """JSON safe inside <script>: no '</script>' breakout, no HTML comment tricks."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


_DICT_ATTRIBUTES = frozenset(dir(dict))


class _Environment(jinja2.Environment):
    """Jinja's environment, with ``d.key`` on plain dicts looked up without an exception.

    Jinja tries ``getattr(d, "key")`` first and the item only when that raises; every page
    context here is made of dicts, so that was an AttributeError raised and caught for
    nearly every ``{{ e.title }}`` (about 30 % of a facet page's time). The result is the
    same: a dict's own attributes (``d.items``, ``d.get``…) still come first.
    """

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


def check_no_links(config: Config) -> None:
    """Refuse symbolic links in templates/ (static files included), as content/ does:
    Jinja and the static copy would follow them, and a partial linked to
    /proc/self/environ printed the build's environment into every page."""
    folder = config.templates_dir
    links = [str(folder)] if os.path.islink(folder) else []
    for top in config.theme_dirs():
        for parent, dirs, files in os.walk(top):  # linked folders are listed, not entered
            links += [os.path.join(parent, name) for name in dirs + files
                      if os.path.islink(os.path.join(parent, name))]
    if links:
        raise TemplateError(problems=[Problem(
            display_path(link, config.root), None, None,
            "is a symbolic link, and sitegen does not follow links in templates/",
            "replace the link with the file itself (a link can read any file of the "
            "machine that builds the site)") for link in links])


_INDENT = re.compile(r"^[ \t]+", re.MULTILINE)


class _Dedented(jinja2.FileSystemLoader):
    """Template sources without the indentation of their lines: it makes the markup easy to
    read in the templates and is only bytes in every page (~0.25 KB of each entry page, 12
    MB of a 50,000-entry site). Line numbers stay as they were; a template holding <pre> or
    <textarea>, where spaces show, is left as written."""

    def get_source(self, environment: jinja2.Environment, template: str
                   ) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        if "<pre" in source or "<textarea" in source:
            return source, filename, uptodate
        return _INDENT.sub("", source), filename, uptodate


def make_environment(config: Config) -> jinja2.Environment:
    """A Jinja environment over the site's templates folder, then the packaged theme (neither
    may hold a link): a site overrides single files of the theme and inherits the rest."""
    check_no_links(config)
    env = _Environment(
        loader=_Dedented([str(d) for d in config.theme_dirs()]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters["json_script"] = lambda v: jinja2.utils.markupsafe.Markup(json_for_script(v))
    env.globals["url"] = config.url
    env.globals["absolute_url"] = config.absolute_url
    env.globals["csp"] = lambda wasm=False: jinja2.utils.markupsafe.Markup(  # no " < & in it
        config.content_security_policy(wasm))
    return env


class Templates:
    """Renders named templates, turning Jinja's exceptions into located TemplateErrors."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.env = make_environment(config)

    def render(self, name: str, context: dict[str, Any]) -> str:
        try:
            return self.env.get_template(name).render(context)
        except jinja2.TemplateSyntaxError as exc:
            path = exc.filename or str(self.config.templates_dir / (exc.name or name))
            raise TemplateError(problems=[Problem(
                display_path(Path(path), self.config.root), exc.lineno, None,
                f"template syntax error: {exc.message}",
                self._filter_hint(exc.message or "") or
                "check that every {% block %} / {% if %} / {% for %} is closed")]) from None
        except jinja2.TemplateNotFound as exc:
            raise TemplateError(problems=[Problem(
                display_path(self.config.templates_dir, self.config.root), None, None,
                f"template '{exc.name}' not found",
                "a template a site adds must be in its templates/ folder; the packaged theme "
                "has base.html and one template per page kind")]) from None
        except jinja2.UndefinedError as exc:
            path, line = self._template_frame(exc, name)
            raise TemplateError(problems=[Problem(
                path, line, None, f"template error: {exc.message}",
                "the variables a template can use are listed in README.md (Templates)")]) from None
        except TemplateError:
            raise
        except UnicodeDecodeError as exc:
            raise TemplateError(problems=[self._undecodable(exc, name)]) from None
        except Exception as exc:  # a filter or test raised: still a template problem
            path, line = self._template_frame(exc, name)
            raise TemplateError(problems=[Problem(
                path, line, None, f"template error: {type(exc).__name__}: {exc}")]) from None

    def _filter_hint(self, message: str) -> str | None:
        """For 'No filter named …': the closest filter, or sitegen's own filters."""
        m = re.search(r"No filter named '([^']*)'", message)
        if not m:
            return None
        own = sorted(set(self.env.filters) - set(jinja2.filters.FILTERS))
        return did_you_mean(m.group(1), self.env.filters) or (
            "Jinja's built-in filters work, and sitegen adds: " + ", ".join(own))

    def _undecodable(self, exc: UnicodeDecodeError, name: str) -> Problem:
        """Name the template that is not UTF-8 (Jinja's error does not say which)."""
        found: tuple[Path, int | None] = (self.config.templates_dir / name, None)
        paths = [p for d in self.config.theme_dirs() for p in sorted(d.rglob("*"))]
        for path in paths:
            if path.is_file() and path.suffix in (".html", ".xml", ".txt", ".j2"):
                data = path.read_bytes()
                try:
                    data.decode("utf-8")
                except UnicodeDecodeError as bad:
                    found = (path, data[: bad.start].count(b"\n") + 1)
                    break
        path, line = found
        return Problem(display_path(path, self.config.root), line, None,
                       f"is not valid UTF-8 (byte 0x{exc.object[exc.start]:02x})",
                       "save the template with UTF-8 encoding")

    def _template_frame(self, exc: BaseException, name: str) -> tuple[str, int | None]:
        """The innermost template file and line in the exception's traceback."""
        tdirs = tuple(str(d.resolve()) for d in self.config.theme_dirs())
        found: tuple[str, int | None] = (
            display_path(self.config.templates_dir / name, self.config.root), None)
        for frame in traceback.extract_tb(exc.__traceback__):
            if frame.filename.startswith(tdirs):
                found = (display_path(Path(frame.filename), self.config.root), frame.lineno)
        return found
