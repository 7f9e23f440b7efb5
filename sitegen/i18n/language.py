"""One language of a site: its interface strings (catalogs.Interface) and dates written as
its readers write them, at every precision the model has, from CLDR data (Babel).

English is written day, month, year ("12 January 2022", "January 2022", "1994"), as
sitegen always has; French gives "12 janvier 2022", Russian "12 января 2022 г." and
"январь 2022 г.". Machine formats (ISO dates in data files, ``<time datetime>``) never
change with the language.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sitegen.content.dates import PartialDate

# a day: the language's "long" date; a month or a year: CLDR's skeletons for them
SKELETONS = {"month": "yMMMM", "year": "y"}
ENGLISH = "en_GB"  # plain "en": day before month, as sitegen's pages always wrote dates


def babel_locale(lang: str) -> Any:
    """The Babel locale of a BCP 47 tag: the tag itself, else its language, else English."""
    from babel import Locale, UnknownLocaleError

    for name in ([ENGLISH] if lang == "en" else [lang.replace("-", "_"), lang.split("-")[0]]):
        try:
            return Locale.parse(name)
        except (UnknownLocaleError, ValueError):
            continue
    return Locale.parse(ENGLISH)


def plural_samples(lang: str) -> dict[str, int]:
    """A number of each CLDR plural category of the language (``one``: 1, ``few``: 2…)."""
    rule = babel_locale(lang).plural_form
    found: dict[str, int] = {}
    for n in (1, 2, 5, 0, 11, 21, 22, 25, 101, 1000000):
        found.setdefault(rule(n), n)
    found.setdefault("other", 5)
    return found


def fill(text: Any, values: dict[str, Any], always: bool = False) -> Any:
    """``text % values`` (a Markup ``text`` escapes the values), with one full stop where a
    sentence ends in a value that ends with one ("… 6 декабря 2026 г.", not "г..");
    without values, ``text`` as it is unless ``always``."""
    if not values and (not always or "%" not in text):  # (nothing to fill, no %% to undo)
        return text
    done = text % values
    if text.endswith(")s.") and (done.striptags() if hasattr(done, "striptags")
                                 else done).endswith(".."):
        done = done[:-1]
    return done


class PerLanguageError(ValueError):
    """A per-language value that cannot be used: (message, hint)."""


Translations = tuple[tuple[str, str, str], ...]  # (field, language, text), sorted


def per_language(value: Any, default: str, languages: tuple[str, ...]
                 ) -> tuple[str, dict[str, str]]:
    """A text given plainly (``name: Lavrov``) or per language (``name: {en: Lavrov, ru:
    Лавров}``, in TOML ``label = { en = "…", fr = "…" }``): the text in the ``default``
    language, and the others by language. The one reading of such values, for registries
    and settings labels alike; raises PerLanguageError."""
    if isinstance(value, str):
        return value, {}
    if not isinstance(value, dict) or not value:
        raise PerLanguageError("must be text, or a text per language",
                               "write e.g. 'name: Lavrov' or 'name: {en: Lavrov, ru: Лавров}'")
    unknown = [str(k) for k in value if k not in languages]
    if unknown:
        raise PerLanguageError(f"'{unknown[0]}' is not one of the site's languages",
                               "use the languages of the 'languages' setting: "
                               + ", ".join(languages))
    bad = [k for k, v in value.items() if not isinstance(v, str) or not v.strip()]
    if bad:
        raise PerLanguageError(f"the text for '{bad[0]}' must be non-empty text")
    if default not in value:
        raise PerLanguageError(f"has no text in the site's language '{default}'",
                               f"add {default}: … (the text every page falls back to)")
    texts = {str(k): " ".join(str(v).split()) for k, v in value.items()}
    return texts.pop(default), texts


def in_language(item: Any, name: str, lang: str) -> str:
    """``item.name`` in ``lang`` when the item has it (its ``translations``), else as
    written in the site's language."""
    for field_name, code, text in getattr(item, "translations", ()):
        if field_name == name and code == lang:
            return str(text)
    return str(getattr(item, name))


class Language:
    """Interface strings and dates of one language (made once per build and language)."""

    def __init__(self, code: str, interface: Any = None) -> None:
        self.code = code
        self.interface = interface  # catalogs.Interface, or None: English msgids
        self.locale = babel_locale(code)
        self._dates: dict[PartialDate, str] = {}

    def gettext(self, message: str, **values: Any) -> str:
        """``message`` in this language, ``%(name)s`` filled from ``values``."""
        return fill(self.translate(message), values)

    def ngettext(self, singular: str, plural: str, n: int, **values: Any) -> str:
        """The form for ``n`` in this language, with ``%(num)d`` and ``values`` filled."""
        return fill(self.translate(singular, plural, n), {"num": n, **values})

    def translate(self, singular: str, plural: str | None = None, n: int = 1) -> str:
        """The translation itself, nothing filled in."""
        if plural is None:
            return self.interface.gettext(singular) if self.interface else singular
        return (self.interface.ngettext(singular, plural, n) if self.interface
                else singular if n == 1 else plural)

    def date(self, d: PartialDate) -> str:
        """``d`` at its own precision, in this language."""
        got = self._dates.get(d)
        if got is None:
            from babel.dates import format_date, format_skeleton

            day = dt.date(d.year, d.month or 1, d.day or 1)
            got = self._dates[d] = (
                format_date(day, "long", locale=self.locale) if d.precision == "day"
                else format_skeleton(SKELETONS[d.precision], day, locale=self.locale))
        return got

    def language_name(self, code: str) -> str:
        """The name of language ``code`` in this language ("English", "английский")."""
        name = babel_locale(code).get_language_name(self.locale)
        return str(name or code)

    def circa(self, d: PartialDate) -> str:
        """An approximate date: "c. 1998", "vers 1998", "около 1998"."""
        return self.gettext("c. %(date)s", date=self.date(d))

    def plurals(self, singular: str, plural: str) -> dict[str, str]:
        """Each plural category's form (for scripts, which pick one with Intl.PluralRules),
        ``%(num)s`` left in."""
        out = {}
        for category, n in sorted(plural_samples(self.code).items()):
            text = (self.interface.ngettext(singular, plural, n) if self.interface
                    else singular if n == 1 else plural)
            out[category] = text
        return out
