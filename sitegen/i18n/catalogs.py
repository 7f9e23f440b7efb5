"""The theme's interface strings in each language: gettext catalogs read with Babel.

A catalog is ``locales/<lang>/LC_MESSAGES/sitegen.po`` in a theme folder: the packaged
theme has English, French and Russian; a site adds a language (or changes a string) with
its own ``templates/locales/<lang>/LC_MESSAGES/sitegen.po``. Catalogs are data: each .po is
parsed by Babel and compiled in memory when the site is built (no .mo file of a checkout
is ever read, nothing of it is executed). A string a catalog does not translate is shown in
English (the msgid); ``sitegen check`` lists each one with the catalog's file and line, or
the template's line where the string is, when no catalog has it.
"""

from __future__ import annotations

import gettext
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sitegen.config import Config
from sitegen.errors import Problem, TemplateError, display_path

DOMAIN = "sitegen"
SOURCE_LANGUAGE = "en"  # the msgids are English: an English site needs no catalog
TEMPLATE_SUFFIXES = (".html", ".xml", ".txt", ".j2")
# how the templates' strings are marked: _("…"), gettext, ngettext and {% trans %}
# and, for the scripts' strings (partials/ui-strings.html), script_text and plural_forms
KEYWORDS = ("_", "gettext", "ngettext", "script_text", "plural_forms")
PYTHON_KEYWORDS: dict[str, Any] = {"gettext": None, "ngettext": (1, 2)}  # lang.gettext(…)
# the Jinja settings the extractor must share with the environment (render/templates.py)
EXTRACT_OPTIONS = {"trim_blocks": "true", "lstrip_blocks": "true", "silent": "false"}

Msgid = str | tuple[str, str]  # a singular, or (singular, plural)


def is_source_language(lang: str) -> bool:
    """English in any region (en, en-GB): the msgids themselves."""
    return lang.split("-")[0].lower() == SOURCE_LANGUAGE


def folder_names(lang: str) -> list[str]:
    """The catalog folders a language tag is looked up in, most specific first:
    ``pt-BR`` → pt-BR, pt_BR, pt."""
    names = [lang, lang.replace("-", "_"), lang.split("-")[0]]
    return list(dict.fromkeys(names))


def catalog_files(config: Config, lang: str) -> list[Path]:
    """The catalogs of ``lang``, the site's own first, then the packaged theme's."""
    found = []
    for folder in config.theme_dirs():
        for name in folder_names(lang):
            path = folder / "locales" / name / "LC_MESSAGES" / f"{DOMAIN}.po"
            if path.is_file():
                found.append(path)
                break
    return found


@dataclass(frozen=True)
class Catalog:
    """One .po file, parsed: its messages by msgid (singular, or (singular, plural)),
    each with its translation(s), whether it is fuzzy, and its line."""

    path: Path
    messages: dict[Msgid, tuple[tuple[str, ...], bool, int]]
    mo: bytes  # compiled in memory, for gettext


def read_catalog(path: Path, root: Path) -> Catalog:
    """Parse one .po file (a located TemplateError if it is not a valid catalog)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import PoFileError, read_po

    shown = display_path(path, root)
    try:
        with path.open("rb") as fp:
            catalog = read_po(fp, abort_invalid=True)
    except PoFileError as exc:
        line = getattr(exc, "lineno", None)  # Babel counts from 0 here
        what = re.sub(r" on \d+$", "", str(exc))
        raise TemplateError(problems=[Problem(
            shown, None if line is None else line + 1, None,
            f"not a valid gettext catalog: {what}",
            "a catalog is a .po file: msgid \"…\" then msgstr \"…\" for each string "
            "(see README.md, Languages)")]) from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise TemplateError(problems=[Problem(
            shown, None, None, f"not a valid gettext catalog: {exc}",
            "save the catalog as UTF-8, with a header that names the language")]) from None
    messages: dict[Msgid, tuple[tuple[str, ...], bool, int]] = {}
    for m in catalog:
        if not m.id:
            continue  # the header
        key: Msgid = (m.id[0], m.id[1]) if isinstance(m.id, tuple | list) else m.id
        strings = tuple(m.string) if isinstance(m.string, tuple | list) else (m.string or "",)
        messages[key] = (strings, m.fuzzy, m.lineno or 1)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    return Catalog(path, messages, buf.getvalue())


class Interface:
    """The interface strings of one language: the site's catalog, then the theme's, then
    English. ``gettext`` and ``ngettext`` are what the templates call."""

    def __init__(self, config: Config, lang: str) -> None:
        self.lang = lang
        self.catalogs = [read_catalog(p, config.root) for p in catalog_files(config, lang)]
        chain: gettext.NullTranslations = gettext.NullTranslations()
        for cat in reversed(self.catalogs):
            t = gettext.GNUTranslations(io.BytesIO(cat.mo))
            t.add_fallback(chain)
            chain = t
        self.translations = chain

    @property
    def translates(self) -> bool:
        """Whether any string reads otherwise than its English msgid (an English site
        without catalogs of its own does not)."""
        return any(strings[0] and (strings[0] != (key if isinstance(key, str) else key[0])
                                   or len(strings) > 1 and strings[1] != key[1])
                   for cat in self.catalogs for key, (strings, fuzzy, _) in cat.messages.items()
                   if not fuzzy)

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.translations.ngettext(singular, plural, n)

    def translated(self, msgid: Msgid) -> bool:
        """Whether some catalog of the language translates ``msgid`` (every plural form)."""
        for cat in self.catalogs:
            got = cat.messages.get(msgid)
            if got is not None and not got[1] and all(got[0]):
                return True
        return False

    def where_untranslated(self, msgid: Msgid) -> tuple[Path, int] | None:
        """The catalog and line that hold ``msgid`` untranslated (or fuzzy), if one does."""
        for cat in self.catalogs:
            got = cat.messages.get(msgid)
            if got is not None:
                return cat.path, got[2]
        return None


def template_files(config: Config) -> dict[str, Path]:
    """Every template by its name, the site's own file where it overrides the theme's."""
    found: dict[str, Path] = {}
    for folder in reversed(config.theme_dirs()):
        for path in sorted(folder.rglob("*")):
            rel = path.relative_to(folder)
            if (path.suffix in TEMPLATE_SUFFIXES and path.is_file()
                    and rel.parts[0] not in ("static", "locales")):
                found[rel.as_posix()] = path
    return dict(sorted(found.items()))


def template_strings(config: Config) -> Iterator[tuple[Msgid, Path, int]]:
    """Every string the templates mark for translation, with its file and line, then those
    sitegen writes itself (page titles, the chart, citations)."""
    from babel.messages.extract import extract_python
    from jinja2.ext import babel_extract

    for path in template_files(config).values():
        with path.open("rb") as fp:
            for line, func, message, _ in babel_extract(fp, KEYWORDS, [], EXTRACT_OPTIONS):
                msgid = _msgid(func, message)
                if msgid is not None:
                    yield msgid, path, line
    package = Path(__file__).resolve().parent.parent
    for path in sorted([*package.glob("render/*.py"), *package.glob("i18n/*.py"),
                        package / "outputs" / "citations.py"]):
        with path.open("rb") as fp:
            for at, name, found, _ in extract_python(fp, PYTHON_KEYWORDS, [], {}):
                got = _msgid(name, found)
                if got is not None:
                    yield got, path, at


def _msgid(func: Any, message: Any) -> Msgid | None:
    if isinstance(message, str):
        return message or None
    if message is None:  # a call with no string, such as lang.gettext(variable)
        return None
    parts = [m for m in message if isinstance(m, str)]
    if func in ("ngettext", "plural_forms") and len(parts) >= 2:
        return (parts[0], parts[1])
    return parts[0] if parts else None


def untranslated(config: Config) -> list[Problem]:
    """Warnings, for ``sitegen check``: each interface string a language of the site shows
    in English because no catalog translates it."""
    problems: list[Problem] = []
    for lang in config.editions:
        if is_source_language(lang):
            continue
        ui = Interface(config, lang)
        if not ui.catalogs:
            problems.append(Problem(
                display_path(config.templates_dir, config.root), None, "languages",
                f"no catalog for '{lang}': its interface is shown in English",
                f"add templates/locales/{folder_names(lang)[-1]}/LC_MESSAGES/{DOMAIN}.po "
                "(copy a catalog of the theme and translate its msgstr lines)",
                severity="warning"))
            continue
        seen: set[Msgid] = set()
        for msgid, path, line in template_strings(config):
            if msgid in seen or ui.translated(msgid):
                continue
            seen.add(msgid)
            where = ui.where_untranslated(msgid) or (path, line)
            shown = msgid if isinstance(msgid, str) else msgid[0]
            problems.append(Problem(
                display_path(where[0], config.root), where[1], None,
                f"no {lang} translation of \"{shown}\": it is shown in English",
                f"translate it in {display_path(ui.catalogs[0].path, config.root)}",
                severity="warning"))
    return problems


def with_untranslated(result: Any, config: Config, strict: bool) -> Any:
    """``sitegen check``'s result (engine.builder.BuildResult) with the warnings of
    ``untranslated``; with ``strict`` they fail the check, as other warnings do."""
    from dataclasses import replace

    from sitegen.errors import ContentError

    missing = untranslated(config)
    if strict and missing:
        raise ContentError(problems=[replace(w, severity="error") for w in missing])
    result.warnings += missing
    return result
