"""Translated entries: ``content/entries/<stem>.<lang>.md`` beside ``<stem>.md``.

A translation shares its original's id and holds only its text: front matter with
``translated_from`` (the original's language), ``translated`` (the ISO date it was
translated), optionally ``updated``, ``title``, ``summary``, ``outcomes`` and ``accounts``
(lists in the original's order and number, each item with only ``text``); its body, when
not empty, replaces the body. Every other field is the original's, and so is any text the
translation leaves out (a page marks it as in the original's language). A translation whose
``translated`` date is before the original's ``updated`` may be out of date: ``check``
warns at its ``translated:`` line and the page says so.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sitegen.config import LANGUAGE_TAG, Config
from sitegen.content.collector import Collector
from sitegen.content.dates import PartialDate
from sitegen.content.fields import Fields, body_has_no_control_characters, no_control_characters
from sitegen.content.model import Entry
from sitegen.content.yamlio import LineDict

KEYS = ("translated_from", "translated", "updated", "title", "summary", "outcomes", "accounts")
# "2022-01-12-nrc-meeting.ru" → the original's stem and the language
_NAME = re.compile(r"(?P<stem>[^.]+)\.(?P<lang>[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)")


@dataclass(frozen=True)
class Translation:
    """An entry's text in another language (None: the original's text is kept)."""

    id: str  # the original's id
    lang: str
    translated_from: str
    translated: PartialDate
    updated: PartialDate | None
    title: str | None
    summary: str | None
    outcomes: tuple[str | None, ...]  # by the original's outcomes, in order
    accounts: tuple[str | None, ...]  # by the original's accounts, in order
    body_md: str
    body_line: int
    path: str
    translated_line: int

    @property
    def has_body(self) -> bool:
        return bool(self.body_md.strip())

    def stale(self, original: Entry) -> bool:
        """Made before the original's last review: it may not say what the original says."""
        return original.updated is not None and \
            self.translated.last_day() < original.updated.first_day()


def split_name(path: Path) -> tuple[str, str] | None:
    """(the original's stem, the language) of a translation's file, else None."""
    m = _NAME.fullmatch(path.stem)
    return (m.group("stem"), m.group("lang")) if m else None


Parsed = tuple[LineDict, str, int] | None  # front matter, body, body line (loader's split)


def parse_translation(path: Path, split: Parsed, original: Entry | None, col: Collector,
                      config: Config) -> Translation | None:
    """One translation file, checked against its original; None (problems reported) if it
    cannot be used."""
    shown = col.show(path)
    stem, lang = split_name(path) or ("", "")
    if original is None:
        col.error(shown, 1, None, f"a translation without an original: there is no entry "
                  f"{stem}.md beside it",
                  f"name a translation after its original, <stem>.{lang}.md, next to <stem>.md")
        return None
    if lang not in config.editions:
        col.error(shown, 1, None, f"'{lang}' is not one of the site's languages",
                  f"add it to languages in {config.source_file or 'sitegen.toml'}, e.g. "
                  f"languages = {list(dict.fromkeys([*config.editions, lang]))}".replace("'", '"'))
        return None
    if split is None:
        return None
    meta, body, body_line = split
    f = Fields(meta, shown, col, config)
    f.ok &= no_control_characters(meta, shown, col)
    f.ok &= body_has_no_control_characters(body, body_line, shown, col)
    f.unknown_keys(KEYS)
    source = f.text("translated_from", required=True, single_line=True)
    if source is not None and not LANGUAGE_TAG.fullmatch(source):
        f.error("translated_from", f"'{source}' is not a language tag",
                "the original's language, e.g. translated_from: en")
    elif source == lang:
        f.error("translated_from", f"a translation into '{lang}' cannot be from '{lang}'",
                "translated_from is the language of the original entry")
    translated = f.date("translated", required=True)
    updated = f.date("updated")
    title = f.text("title", single_line=True)
    summary = f.text("summary", single_line=True)
    outcomes = _texts(f, "outcomes", len(original.outcomes), config)
    accounts = _texts(f, "accounts", len(original.accounts), config)
    if not f.ok or source is None or translated is None:
        return None
    return Translation(original.id, lang, source, translated, updated, title, summary,
                       outcomes, accounts, body, body_line, shown, meta.line_of("translated"))


def _texts(f: Fields, key: str, count: int, config: Config) -> tuple[str | None, ...]:
    """The ``text`` of each item of a list that follows the original's list of ``key``."""
    items = f.mapping_list(key, "{text}")
    if key not in f.data:
        return (None,) * count
    if len(f.data[key]) != count:
        f.error(key, f"has {len(f.data[key])} item(s), but the original has {count}",
                f"translate each of the original's {key} in its order (an item may be left "
                "as '- {}' to keep the original's text)")
        return (None,) * count
    out: list[str | None] = [None] * count
    for item, i in items:
        sub = Fields(item, f.shown, f.col, config, f"{key}.")
        sub.unknown_keys(("text",))
        out[i] = sub.text("text")
        f.ok &= sub.ok
    return tuple(out)


def stale_warnings(translations: Iterable[Translation], entry: Callable[[str], Entry],
                   col: Collector) -> None:
    """A warning for each translation older than its original's last review."""
    for t in translations:
        original = entry(t.id)
        if t.stale(original):
            col.warn(t.path, t.translated_line, "translated",
                     f"this translation may be out of date: translated {t.translated}, but "
                     f"the original was updated {original.updated}",
                     f"compare it with {original.path}, bring it up to date and set "
                     "'translated:' to today's date")


def by_language(translations: Iterable[Translation], lang: str) -> dict[str, Translation]:
    """The translations into ``lang``, by entry id."""
    return {t.id: t for t in translations if t.lang == lang}


def original_language(t: Translation | None, config: Config) -> str:
    """The language an entry's own text is written in."""
    return t.translated_from if t is not None else config.source_language()


def keyed(translations: Iterable[Translation]) -> dict[tuple[str, str], Any]:
    return {(t.id, t.lang): t for t in translations}
