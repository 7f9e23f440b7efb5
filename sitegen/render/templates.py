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
from markupsafe import Markup, escape

from sitegen.config import Config
from sitegen.errors import Problem, TemplateError, did_you_mean, display_path
from sitegen.i18n.catalogs import Interface
from sitegen.i18n.language import Language, fill


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


def time_html(d: dict[str, Any]) -> Markup:
    """``<time>`` for a projected date (context.date_ctx), to put inside a sentence."""
    return Markup('<time datetime="{}">{}</time>').format(d["iso"], d["human"])


def link_html(href: str, text: str) -> Markup:
    """A link, to put inside a translated sentence."""
    return Markup('<a href="{}">{}</a>').format(href, text)


_NOTHING = Markup("")  # (one object: Markup's constructor runs in Python)


def lang_attr(code: str | None) -> Markup:
    """`` lang="…"`` for text in another language than the page's (nothing when None)."""
    return Markup(' lang="{}"').format(code) if code else _NOTHING


def hreflang_attr(code: str | None) -> Markup:
    """`` hreflang="…"`` on a link to a page in another language (nothing when None)."""
    return Markup(' hreflang="{}"').format(code) if code else _NOTHING


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


def make_environment(config: Config, language: Language | None = None) -> jinja2.Environment:
    """A Jinja environment over the site's templates folder, then the packaged theme (neither
    may hold a link): a site overrides single files of the theme and inherits the rest.

    ``language``: the pages' language, whose strings ``_()``, ``gettext``, ``ngettext`` and
    ``{% trans %}`` give (English msgids when None), ``%(name)s`` filled from their keyword
    arguments. A translation is text, never markup: it is escaped, and so are the values
    filled in (but for markup such as ``time_html``), so a catalog cannot add HTML."""
    check_no_links(config)
    env = _Environment(
        extensions=["jinja2.ext.i18n"],
        loader=_Dedented([str(d) for d in config.theme_dirs()]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
        cache_size=-1,  # a plain dict: the theme's templates, none dropped, no LRU bookkeeping
        # no constant folding at compile time: the theme has almost nothing to fold, and it
        # took a fifth of compiling the templates (~30 ms of every cold build; the pages'
        # bytes are the same)
        optimized=False,
    )
    env.filters["json_script"] = lambda v: jinja2.utils.markupsafe.Markup(json_for_script(v))
    lang = language or Language("en")

    # Jinja's "newstyle" gettext: the call fills in the values (% always applies, as in
    # Jinja: a literal % is written %%); these also escape the translation itself
    said: dict[str, Markup] = {}  # each string translated and escaped once (~40 a page)

    def gettext(message: str, /, **values: Any) -> Markup:
        text = said.get(message)
        if text is None:
            text = said[message] = escape(lang.translate(message))
        return fill(text, values, always=True)  # type: ignore[no-any-return]

    def ngettext(singular: str, plural: str, n: int, /, **values: Any) -> Markup:
        values.setdefault("num", n)
        return fill(escape(lang.translate(singular, plural, n)),  # type: ignore[no-any-return]
                    values, always=True)

    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(gettext=gettext, _=gettext, ngettext=ngettext)  # not wrapped again
    env.globals["plural_forms"] = lang.plurals
    env.globals["time_html"] = time_html
    env.globals["link_html"] = link_html
    env.globals["lang_attr"] = lang_attr
    env.globals["hreflang_attr"] = hreflang_attr
    # a link to a page in another language says which, visibly: " EN" (its name on hover)
    env.globals["lang_tag"] = lambda code: Markup(
        ' <small class="lang-tag" title="{}">{}</small>').format(
        lang.language_name(code), code.upper()) if code else _NOTHING
    env.globals["script_text"] = lang.gettext  # for scripts: JSON, %(name)s left in
    # the scripts hold the English strings: other ones are given to them (ui-strings.html)
    env.globals["scripts_need_strings"] = bool(lang.interface and lang.interface.translates)
    env.globals["url"] = config.url
    env.globals["absolute_url"] = config.absolute_url
    env.globals["csp"] = lambda wasm=False: jinja2.utils.markupsafe.Markup(  # no " < & in it
        config.content_security_policy(wasm))
    return env


class _CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates shared by every environment of this process (the editions' are
    the main one's but for their strings), by file and source checksum: an edition's
    templates load in a few milliseconds instead of ~190 ms of parsing and compiling."""

    def __init__(self) -> None:
        self.code: dict[tuple[str, str | None], bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        got = self.code.get((bucket.key, bucket.checksum))
        if got is not None:
            bucket.bytecode_from_string(got)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.code[(bucket.key, bucket.checksum)] = bucket.bytecode_to_string()


_COMPILED = _CompiledTemplates()


class Templates:
    """Renders named templates, turning Jinja's exceptions into located TemplateErrors."""

    def __init__(self, config: Config, language: str | None = None) -> None:
        self.config = config
        code = language or config.language
        self.language = Language(code, Interface(config, code))
        self.env = make_environment(config, self.language)
        self.env.bytecode_cache = _COMPILED
        self._compiled = False

    def compile_all(self) -> None:
        """Load every page template now, in the process that renders first: forked
        workers then inherit them compiled, and the preview's first edit of a page its
        workers rendered does not wait ~40 ms for its template (one with an error is
        left to fail where it is used, as before)."""
        if self._compiled:
            return
        self._compiled = True
        for name in self.env.list_templates(filter_func=lambda n: n.endswith((".html", ".xml"))
                                            and not n.startswith("static/")):
            try:
                self.env.get_template(name)
            except (jinja2.TemplateError, UnicodeDecodeError, OSError):
                pass

    def render(self, name: str, context: dict[str, Any]) -> str:
        self.compile_all()
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
