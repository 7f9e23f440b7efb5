"""Front matter and registry records → model objects, field by field, with located problems."""

from __future__ import annotations

import math
import re
import sys
from typing import TYPE_CHECKING, Any

from sitegen.config import CONTROL_RE, Config
from sitegen.content.archetype import Archetype, collapse
from sitegen.content.dates import DateValueError, PartialDate, parse_date
from sitegen.content.model import (
    DEFAULT_SIGNIFICANCE,
    ID_RE,
    SIGNIFICANCE,
    Account,
    Correction,
    Entry,
    EntryParticipant,
    Outcome,
    Page,
    Participant,
    Period,
    Role,
    Source,
    Topic,
)
from sitegen.content.yamlio import LineDict, LineList
from sitegen.errors import did_you_mean

if TYPE_CHECKING:
    from sitegen.content.collector import Collector

ENTRY_KEYS = (
    "id", "title", "summary", "date", "end", "circa", "order", "kind", "significance", "level",
    "location",
    "participants", "concerns", "forum", "outcomes", "accounts", "topics", "related", "sources",
    "primary_not_found", "draft", "updated", "corrections", "aliases", "extra",
)
SOURCE_KEYS = ("title", "publisher", "url", "date", "kind", "doc_id", "copy_of", "archived",
               "accessed")
# what a free page may ask to show after its text: see page.html
PAGE_SHOWS = ("significance", "sourcing", "coverage")
LIST_FIELDS = ("participants", "concerns", "topics", "related", "accounts", "sources",
               "aliases")
# two ids of a list run together: an item indented one space more than the one before it
# continues that item's text ("- first\n   - second" reads as the one id 'first - second')
MERGED_ITEMS = re.compile(r"\S+(?: - \S+)+")
MERGED_HINT = ("start every item of the list with '- ' at the same indentation, "
               "e.g. '  - first-id' then '  - second-id' on the next line")
# Markdown a summary should not hold: it is shown as plain text in cards, feeds and search
SUMMARY_MARKDOWN = re.compile(
    r"\[[^\]\n]+\]\([^)\s]+\)"           # [a link](address)
    r"|\*\*\S|\S\*\*|(?<![\w*])__\S"       # **strong** or __strong__
    r"|(?<![\w*])\*(?=\S)[^*]+(?<=\S)\*(?![\w*])"  # *emphasis*
    r"|(?<![\w_])_(?=\S)[^_]+(?<=\S)_(?![\w_])"    # _emphasis_
    r"|`[^`]+`|\[\^[^\]]+\]|^#{1,6}\s|</?[a-z][a-z0-9]*(?:\s[^<>]*)?/?>")
# the date a file name starts with: 2022-01-12-…, 2008-08-… or 1994-…
FILE_DATE = re.compile(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?(?=-|\Z)")


class Fields:
    """Reads one YAML mapping, recording a located problem for each bad field."""

    def __init__(self, data: LineDict, shown: str, col: Collector, config: Config,
                 prefix: str = "") -> None:
        self.data, self.shown, self.col, self.config, self.prefix = data, shown, col, config, prefix
        self.ok = True

    def line(self, key: str) -> int:
        return self.data.line_of(key)

    def name(self, key: str) -> str:
        return f"{self.prefix}{key}"

    def error(self, key: str, message: str, hint: str | None = None,
              line: int | None = None) -> None:
        self.ok = False
        self.col.error(self.shown, line or self.line(key), self.name(key), message, hint)

    def unknown_keys(self, known: tuple[str, ...]) -> None:
        for key in self.data:
            if key not in known:
                self.error(str(key), "unknown field",
                           did_you_mean(str(key), known) or "allowed: " + ", ".join(known))

    def text(self, key: str, required: bool = False, single_line: bool = False) -> str | None:
        value = self.data.get(key)
        if value is None:
            if required:
                self.ok = False
                self.col.error(self.shown, self.data.line, self.name(key),
                               "is required but missing", f"add a line '{key}: …'")
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.error(key, f"must be text, not {_kind(value)}",
                       "quote the value if it contains ':' or starts with a special character")
            return None
        text = str(value).strip()
        if not text:
            if required:
                self.error(key, "must not be empty")
            return None
        if single_line and "\n" in text:
            text = " ".join(text.split())
        return text

    def texts(self, key: str, into: list[tuple[str, str, str]], required: bool = False
              ) -> str | None:
        """A text that may be given per language (i18n.language.per_language): the text in
        the site's language; the others are added to ``into`` as (key, language, text)."""
        from sitegen.i18n.language import PerLanguageError, per_language

        value = self.data.get(key)
        if not isinstance(value, dict):
            return self.text(key, required=required, single_line=True)
        try:
            text, others = per_language(value, self.config.language, self.config.editions)
        except PerLanguageError as exc:
            self.error(key, str(exc.args[0]), exc.args[1] if len(exc.args) > 1 else None)
            return None
        into += [(key, lang, other) for lang, other in sorted(others.items())]
        return " ".join(text.split())

    def flag(self, key: str) -> bool:
        value = self.data.get(key, False)
        if not isinstance(value, bool):
            self.error(key, f"must be true or false, not {value!r}")
            return False
        return value

    def integer(self, key: str, default: int = 0) -> int:
        value = self.data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(key, f"must be a whole number, not {value!r}")
            return default
        return value

    def date(self, key: str, required: bool = False) -> PartialDate | None:
        from sitegen.content.loader import date_or_problem

        if key not in self.data or self.data[key] is None:
            if required:
                self.ok = False
                self.col.error(self.shown, self.data.line, self.name(key),
                               "is required but missing", f"add a line '{key}: 2022-01-12'")
            return None
        d = date_or_problem(self.data[key], self.shown, self.line(key), self.name(key),
                            self.col, self.config)
        if d is None:
            self.ok = False
        return d

    def choice(self, key: str, allowed: tuple[str, ...], required: bool = False) -> str | None:
        value = self.text(key, required)
        if value is None:
            return None
        if value not in allowed:
            self.error(key, f"'{value}' is not one of the allowed values",
                       (did_you_mean(value, allowed) or "") + " allowed: " + ", ".join(allowed))
            return None
        return value

    def id_list(self, key: str) -> tuple[str, ...]:
        value = self.data.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value] if "," not in value else [v.strip() for v in value.split(",")]
        if not isinstance(value, list):
            self.error(key, f"must be a list of ids, not {_kind(value)}",
                       f"write '{key}: [first-id, second-id]'")
            return ()
        out = []
        for i, item in enumerate(value):
            line = value.line_of(i) if isinstance(value, LineList) else None
            if not isinstance(item, str | int) or isinstance(item, bool):
                self.error(key, f"each item must be an id, not {_kind(item)}", line=line)
                continue
            if isinstance(item, str) and MERGED_ITEMS.fullmatch(item):
                self.merged(key, item, line)
                continue
            out.append(str(item))
        return tuple(out)

    def aliases(self, kind: str) -> tuple[str, ...]:
        """``aliases``: old ids or paths inside the site that redirect here."""
        from sitegen.content.aliases import HINT, alias_path

        value, out = self.data.get("aliases"), []
        for i, alias in enumerate(self.id_list("aliases")):
            if alias_path(kind, alias) is None:
                line = value.line_of(i) if isinstance(value, LineList) else None
                self.error("aliases", f"'{alias}' is not a valid alias: an old id or a path "
                           "inside the site", HINT, line=line)
            else:
                out.append(alias)
        return tuple(out)

    def merged(self, key: str, item: str, line: int | None) -> None:
        """Report two list items run together by a mis-indented '- ' line."""
        self.error(key, f"'{item}' is two items run together: the list looks mis-indented",
                   MERGED_HINT, line=line)

    def mapping_list(self, key: str, what: str) -> list[tuple[LineDict, int]]:
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, LineList):
            self.error(key, f"must be a list of {what}, not {_kind(value)}",
                       "start each item on its own line with '- '")
            return []
        out = []
        for i, item in enumerate(value):
            if not isinstance(item, LineDict):
                self.error(key, f"item {i + 1} must be a mapping ({what}), not {_kind(item)}",
                           "write each field on its own line, e.g. '- title: …' then "
                           "'  url: …'", line=value.line_of(i))
                continue
            out.append((item, i))
        return out


CONTROL_HINT = "remove it: pages, feeds, calendars and terminals cannot carry control characters"


def no_control_characters(data: LineDict | LineList, shown: str, col: Collector,
                          prefix: str = "") -> bool:
    """Report every key or text value holding a control character; True when there is none.

    The one check for every text field of a file (those that become ids, roles, aliases,
    source lists or ``extra`` included), made before any field is read.
    """
    found: list[tuple[int, str, str]] = []
    _control_characters(data, prefix, getattr(data, "line", 1), set(), found)
    for line, name, char in found:
        col.error(shown, line, name or None, f"contains the control character U+{ord(char):04X}",
                  CONTROL_HINT)
    return not found


def _control_characters(value: Any, name: str, line: int, seen: set[int],
                        found: list[tuple[int, str, str]]) -> None:
    """Each text under ``value`` holding a control character: (line, field, character).
    (A function of its own, not a closure: a closure that calls itself is a reference
    cycle, which the load, running without the collector, would keep to its end.)"""
    if isinstance(value, str):
        bad = CONTROL_RE.search(value)
        if bad:
            found.append((line, name, bad.group()))
        return
    if not isinstance(value, dict | list) or id(value) in seen:
        return  # YAML aliases repeat one object: look at it once
    seen.add(id(value))
    if isinstance(value, dict):
        for key, item in value.items():
            at = value.line_of(str(key)) if isinstance(value, LineDict) else line
            path = f"{name}.{key}" if name else str(key)
            _control_characters(str(key), path, at, seen, found)
            _control_characters(item, path, at, seen, found)
    else:
        for i, item in enumerate(value):
            _control_characters(item, name, value.line_of(i) if isinstance(value, LineList)
                                else line, seen, found)


def body_has_no_control_characters(body: str, body_line: int, shown: str,
                                   col: Collector) -> bool:
    """The same check for a Markdown body, located at the line of the first bad character."""
    bad = CONTROL_RE.search(body)
    if bad is None:
        return True
    col.error(shown, body_line + body.count("\n", 0, bad.start()), "body",
              f"contains the control character U+{ord(bad.group()):04X}", CONTROL_HINT)
    return False


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if not isinstance(value, str):
        return f"a YAML {type(value).__name__}"
    return "text"


def build_entry(meta: LineDict, body: str, body_line: int, stem: str, shown: str,
                col: Collector, config: Config, body_start: int = 0) -> Entry | None:
    """Validate an entry's front matter and build the Entry, or None if it has errors
    (``body_start``: where the body starts in the file's text)."""
    from sitegen.content.loader import body_digest, body_links, slug_hint

    f = Fields(meta, shown, col, config)
    f.ok &= no_control_characters(meta, shown, col)
    f.ok &= body_has_no_control_characters(body, body_line, shown, col)
    f.unknown_keys(ENTRY_KEYS)
    entry_id = f.text("id") or stem
    if not ID_RE.fullmatch(entry_id):
        where = "id" if "id" in meta else "file name"
        f.error("id", f"'{entry_id}' is not URL-safe ({where})", slug_hint(entry_id), line=1)
    title = f.text("title", required=True, single_line=True)
    summary = f.text("summary", required=True, single_line=True)
    date = f.date("date", required=True)
    end = f.date("end")
    if date and end and end.last_day() < date.first_day():
        f.error("end", f"end ({end}) is before date ({date})",
                "end is the last day of a multi-day event; it cannot come first")
    kind = f.choice("kind", config.kinds, required=True)
    significance = f.choice("significance", SIGNIFICANCE) or DEFAULT_SIGNIFICANCE
    level = f.choice("level", config.levels)
    location = f.text("location", single_line=True)
    circa, draft = f.flag("circa"), f.flag("draft")
    order = f.integer("order")
    updated = f.date("updated")

    participants = _entry_participants(f)
    outcomes = []
    for item, _ in f.mapping_list("outcomes", "{type, text}"):
        sub = Fields(item, shown, col, config, "outcomes.")
        sub.unknown_keys(("type", "text"))
        otype = sub.choice("type", config.outcome_types, required=True)
        otext = sub.text("text", required=True)
        f.ok &= sub.ok
        if otype and otext:
            outcomes.append(Outcome(otype, otext))
    sources = []
    for item, _ in f.mapping_list("sources", "{title, publisher, url, date, kind}"):
        src = _source(Fields(item, shown, col, config, "sources."))
        if src is None:
            f.ok = False
        else:
            sources.append(src)
    if "sources" not in meta or not meta.get("sources"):
        f.error("sources", "at least one source is required",
                "add '- title: …, publisher: …, url: …, kind: primary'",
                line=meta.line_of("sources"))
    accounts = _accounts(f, {s.url for s in sources})
    corrections = []
    for item, _ in f.mapping_list("corrections", "{date, text}"):
        sub = Fields(item, shown, col, config, "corrections.")
        sub.unknown_keys(("date", "text"))
        cdate, ctext = sub.date("date", required=True), sub.text("text", required=True)
        f.ok &= sub.ok
        if cdate and ctext:
            corrections.append(Correction(cdate, ctext))
    if corrections and updated is None:
        f.error("corrections", "a corrected entry needs the date of its correction in 'updated'",
                "add 'updated: YYYY-MM-DD' (the date of the latest correction)")
    primary_not_found = f.text("primary_not_found", single_line=True)
    concerns = f.id_list("concerns")
    forum = f.text("forum", single_line=True)
    topics = f.id_list("topics")
    related = f.id_list("related")
    aliases = f.aliases("entry")
    extra = meta.get("extra") or {}
    if not isinstance(extra, dict):
        f.error("extra", "must be a mapping of your own fields")
        extra = {}
    odd = _not_json(extra)
    if odd:
        f.error("extra", f"the value of {odd} cannot be published (only text, numbers, "
                "true/false, lists and mappings)",
                "quote dates and other special values so that they stay text")
    if summary is not None and SUMMARY_MARKDOWN.search(summary):
        col.warn(shown, f.line("summary"), "summary", "holds Markdown, which is shown as "
                 "typed: the summary is plain text in cards, feeds and search results",
                 "write it without formatting; links and emphasis belong in the body")
    if date is not None:
        _date_matches_file_name(f, stem, date, end)
    if config.archetype is not None:
        _no_sample_text(f, body, body_line, draft)
    if not f.ok or title is None or summary is None or date is None or kind is None:
        return None
    return Entry(
        id=entry_id, path=shown, title=title, summary=summary, date=date, end=end, circa=circa,
        order=order, kind=kind, significance=significance, level=level, location=location,
        participants=participants, concerns=concerns, forum=forum,
        primary_not_found=primary_not_found,
        outcomes=tuple(outcomes), accounts=tuple(accounts),
        corrections=tuple(sorted(corrections, key=lambda c: c.date.sort_key)),
        topics=topics, related=related, sources=tuple(sources), draft=draft, updated=updated,
        aliases=aliases, extra=_plain(extra), body_digest=body_digest(body),
        body_start=body_start, body_line=body_line, body_links=body_links(body, body_line),
        field_lines=_field_lines(meta),
    )


def _field_lines(meta: LineDict) -> dict[str, int]:
    """The line of each field, and of each item of the list fields as ``'participants[3]'``
    (0-based, in file order), so that a problem with one item names that item's line."""
    lines = dict(meta.key_lines)
    for key in LIST_FIELDS:
        items = meta.get(key)
        if isinstance(items, LineList):
            for i, item in enumerate(items):
                at = item.line_of("party") if key == "accounts" and isinstance(
                    item, LineDict) else items.line_of(i)
                lines[sys.intern(f"{key}[{i}]")] = at  # one string for all entries
    return lines


def item_line(lines: dict[str, int], key: str, index: int) -> int | None:
    """The line of item ``index`` of a list field (see _field_lines), else the field's."""
    return lines.get(f"{key}[{index}]", lines.get(key))


def _date_matches_file_name(f: Fields, stem: str, date: PartialDate,
                            end: PartialDate | None) -> None:
    """Warn when the file name's date contradicts ``date`` (a coarser name that agrees, or
    a day inside a multi-day event's span, is fine): the file was named for another day."""
    m = FILE_DATE.match(stem)
    if m is None:
        return
    try:
        named = parse_date(m.group(0))
    except DateValueError:
        return
    if date.iso().startswith(named.iso()):
        return
    if end is not None and date.first_day() <= named.first_day() <= end.last_day():
        return
    f.col.warn(f.shown, f.line("date"), "date",
               f"{date.iso()} does not match the file name, which starts with {named.iso()}",
               f"correct the date, or rename the file to start with {date.iso()} (the entry's "
               "address changes with its name)")


def _placeholders(value: Any, name: str, line: int, archetype: Archetype,
                  found: list[tuple[int, str, str]]) -> None:
    """Each value under ``value`` that is the archetype's sample text: (line, field, text)
    (a function of its own, not a closure: see _control_characters)."""
    if isinstance(value, str):
        if archetype.is_placeholder(value):
            found.append((line, name, collapse(value)))
    elif isinstance(value, dict):
        for key, item in value.items():
            at = value.line_of(str(key)) if isinstance(value, LineDict) else line
            _placeholders(item, f"{name}.{key}" if name else str(key), at, archetype, found)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _placeholders(item, name, value.line_of(i) if isinstance(value, LineList) else line,
                          archetype, found)


def _no_sample_text(f: Fields, body: str, body_line: int, draft: bool) -> None:
    """Report the archetype's sample text left in an entry: a warning in a draft, an error
    once the entry is published."""
    archetype = f.config.archetype
    assert archetype is not None
    found: list[tuple[int, str, str]] = []
    if archetype.placeholders:
        _placeholders(f.data, "", f.data.line, archetype, found)
    flat = None
    for paragraph in archetype.body_placeholders:
        first = paragraph.split(" ", 1)[0]
        if first not in body:  # (each word of the paragraph is in the body as written)
            continue
        flat = collapse(body) if flat is None else flat
        if paragraph in flat:
            at = next((i for i, text in enumerate(body.split("\n")) if first in text), 0)
            found.append((body_line + at, "body", paragraph))
    for line, name, text in found:
        shown_text = text if len(text) <= 60 else text[:57] + "…"
        message = f"still holds the archetype's sample text '{shown_text}'"
        if draft:
            f.col.warn(f.shown, line, name, message,
                       "replace it before you publish the entry (it is an error then)")
        else:
            f.error(name, message, "replace it with what the sources say, or remove it",
                    line=line)


def _accounts(f: Fields, urls: set[str]) -> list[Account]:
    """``accounts``: each a party's readout {party, text, source}, or {party, none_found}
    saying where a readout was looked for and not found."""
    accounts = []
    for item, _ in f.mapping_list("accounts", "{party, text, source}"):
        sub = Fields(item, f.shown, f.col, f.config, "accounts.")
        sub.unknown_keys(("party", "text", "source", "none_found"))
        party = sub.text("party", required=True)
        none_found = sub.text("none_found", single_line=True)
        if none_found is not None:
            if "text" in item or "source" in item:
                sub.error("none_found", "an account either gives a readout (text, source) or "
                          "records that none was found, not both",
                          "remove text and source, or remove none_found")
            atext: str | None = ""
            asrc = None
        else:
            atext, asrc = sub.text("text", required=True), sub.text("source")
        if asrc and asrc not in urls:
            sub.error("source", "must be the url of one of this entry's sources",
                      "list the document under 'sources' too")
        f.ok &= sub.ok
        if party and (atext or none_found):
            accounts.append(Account(party, atext or "", asrc, none_found))
    return accounts


def _not_json(value: Any, where: str = "extra") -> str | None:
    """The first place in a value that JSON cannot carry (binary, sets, dates, NaN…)."""
    if isinstance(value, dict):
        for k, v in value.items():
            found = _not_json(v, f"{where}.{k}")
            if found:
                return found
        return None
    if isinstance(value, list):
        return next((f for i, v in enumerate(value) if (f := _not_json(v, f"{where}[{i}]"))),
                    None)
    if value is None or isinstance(value, str | int):
        return None
    if isinstance(value, float) and math.isfinite(value):
        return None
    return where


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _entry_participants(f: Fields) -> tuple[EntryParticipant, ...]:
    value = f.data.get("participants")
    if value is None:
        return ()
    if not isinstance(value, list):
        f.error("participants", f"must be a list, not {_kind(value)}",
                "write one participant id per line: '  - chair-person: chair'")
        return ()
    out = []
    for i, item in enumerate(value):
        line = value.line_of(i) if isinstance(value, LineList) else None
        if isinstance(item, str) and MERGED_ITEMS.fullmatch(item.strip()):
            f.merged("participants", item.strip(), line)
        elif isinstance(item, str):
            out.append(EntryParticipant(item.strip()))
        elif isinstance(item, dict) and len(item) == 1:
            (pid, role), = item.items()
            if role is not None and not isinstance(role, str):
                f.error("participants", f"the role of '{pid}' must be text", line=line)
                continue
            out.append(EntryParticipant(str(pid), role.strip() if role else None))
        else:
            f.error("participants", "each item is an id, or 'id: role at this event'",
                    "e.g. '- chair-person: chair'", line=line)
    return tuple(out)


def _source(f: Fields) -> Source | None:
    f.unknown_keys(SOURCE_KEYS)
    title = f.text("title", required=True, single_line=True)
    publisher = f.text("publisher", required=True, single_line=True)
    url = f.text("url", required=True)
    if url and not url.startswith(("http://", "https://")):
        f.error("url", f"'{url}' is not a web address", "it must start with https:// or http://")
    date = f.date("date")
    kind = f.choice("kind", f.config.source_kinds, required=True)
    doc_id = f.text("doc_id", single_line=True)
    copy_of = f.text("copy_of", single_line=True)
    archived = f.text("archived")
    if archived and not archived.startswith(("http://", "https://")):
        f.error("archived", f"'{archived}' is not a web address",
                "give the archived copy's full address, starting with https://")
    accessed = f.date("accessed")
    if not f.ok or not (title and publisher and url and kind):
        return None
    return Source(title, publisher, url, date, kind, doc_id, copy_of, archived, accessed)


def build_page(meta: LineDict, body: str, body_line: int, stem: str, shown: str,
               col: Collector) -> Page | None:
    """Validate a free page."""
    from sitegen.config import Config as _C
    from sitegen.content.loader import slug_hint

    f = Fields(meta, shown, col, _C(root=col.root))
    f.ok &= no_control_characters(meta, shown, col)
    f.ok &= body_has_no_control_characters(body, body_line, shown, col)
    f.unknown_keys(("title", "description", "show", "aliases"))
    show = f.id_list("show")
    for item in show:
        if item not in PAGE_SHOWS:
            f.error("show", f"'{item}' is not something a page can show",
                    (did_you_mean(item, PAGE_SHOWS) or "") + " allowed: " + ", ".join(PAGE_SHOWS))
    if not ID_RE.fullmatch(stem):
        f.error("id", f"'{stem}' is not URL-safe (file name)", slug_hint(stem), line=1)
    title = f.text("title", required=True, single_line=True)
    description = f.text("description", single_line=True) or ""
    aliases = f.aliases("page")
    if not f.ok or title is None:
        return None
    return Page(stem, shown, title, description, body, body_line, show, aliases,
                _field_lines(meta))


def _registry_id(f: Fields) -> str | None:
    from sitegen.content.loader import slug_hint

    f.ok &= no_control_characters(f.data, f.shown, f.col)
    rid = f.text("id", required=True)
    if rid is not None and not ID_RE.fullmatch(rid):
        f.error("id", f"'{rid}' is not URL-safe", slug_hint(rid))
        return None
    return rid


def build_participant(data: LineDict, shown: str, col: Collector,
                      config: Config) -> Participant | None:
    f = Fields(data, shown, col, config)
    f.unknown_keys(("id", "name", "kind", "aliases", "roles", "description"))
    pid = _registry_id(f)
    translations: list[tuple[str, str, str]] = []
    name = f.texts("name", translations, required=True)
    kind = f.choice("kind", config.participant_kinds, required=True)
    aliases = f.id_list("aliases")
    description = f.texts("description", translations) or ""
    roles = []
    for item, _ in f.mapping_list("roles", "{role, organisation, from, to}"):
        sub = Fields(item, shown, col, config, "roles.")
        sub.unknown_keys(("role", "organisation", "from", "to"))
        role = sub.text("role", required=True, single_line=True)
        org = sub.text("organisation", single_line=True)
        start, end = sub.date("from"), sub.date("to")
        if start and end and end.last_day() < start.first_day():
            sub.error("to", f"'to' ({end}) is before 'from' ({start})")
        f.ok &= sub.ok
        if role:
            roles.append(Role(role, org, start, end))
    if not f.ok or pid is None or name is None or kind is None:
        return None
    roles.sort(key=lambda r: (r.start.sort_key if r.start else (0, 0, 0), r.role))
    return Participant(pid, name, kind, aliases, tuple(roles), description,
                       tuple(translations))


def build_topic(data: LineDict, shown: str, col: Collector, config: Config) -> Topic | None:
    f = Fields(data, shown, col, config)
    f.unknown_keys(("id", "label", "description"))
    tid = _registry_id(f)
    translations: list[tuple[str, str, str]] = []
    label = f.texts("label", translations, required=True)
    description = f.texts("description", translations) or ""
    if not f.ok or tid is None or label is None:
        return None
    return Topic(tid, label, description, tuple(translations))


def build_period(data: LineDict, shown: str, col: Collector, config: Config) -> Period | None:
    f = Fields(data, shown, col, config)
    f.unknown_keys(("id", "label", "kind", "start", "end", "description", "sources"))
    pid = _registry_id(f)
    translations: list[tuple[str, str, str]] = []
    label = f.texts("label", translations, required=True)
    kind = f.choice("kind", config.period_kinds, required=True)
    start, end = f.date("start", required=True), f.date("end")
    if start and end and end.last_day() < start.first_day():
        f.error("end", f"end ({end}) is before start ({start})")
    description = f.texts("description", translations) or ""
    sources = f.id_list("sources")
    for url in sources:
        if not url.startswith(("http://", "https://")):
            f.error("sources", f"'{url}' is not a web address",
                    "it must start with https:// or http://")
    if not f.ok or pid is None or label is None or kind is None or start is None:
        return None
    return Period(pid, label, kind, start, end, description, sources, tuple(translations))
