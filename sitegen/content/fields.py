"""Front matter and registry records → model objects, field by field, with located problems."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from sitegen.config import CONTROL_RE, Config
from sitegen.content.dates import PartialDate
from sitegen.content.model import (
    ID_RE,
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
    "id", "title", "summary", "date", "end", "circa", "order", "kind", "level", "location",
    "participants", "concerns", "forum", "outcomes", "accounts", "topics", "related", "sources",
    "primary_not_found", "draft", "updated", "corrections", "extra",
)
SOURCE_KEYS = ("title", "publisher", "url", "date", "kind", "doc_id", "copy_of", "archived",
               "accessed")
PAGE_SHOWS = ("sourcing", "coverage")  # what a free page may ask to show: see page.html
PARTICIPANT_KINDS = ("person", "organisation", "state")
SOURCE_KINDS = ("primary", "secondary")


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
        for item in value:
            if not isinstance(item, str | int) or isinstance(item, bool):
                self.error(key, f"each item must be an id, not {_kind(item)}")
                continue
            out.append(str(item))
        return tuple(out)

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
    ok = True
    seen: set[int] = set()  # YAML aliases repeat one object: look at it once

    def walk(value: Any, name: str, line: int) -> None:
        nonlocal ok
        if isinstance(value, str):
            bad = CONTROL_RE.search(value)
            if bad:
                ok = False
                col.error(shown, line, name or None,
                          f"contains the control character U+{ord(bad.group()):04X}",
                          CONTROL_HINT)
            return
        if not isinstance(value, dict | list) or id(value) in seen:
            return
        seen.add(id(value))
        if isinstance(value, dict):
            for key, item in value.items():
                at = value.line_of(str(key)) if isinstance(value, LineDict) else line
                path = f"{name}.{key}" if name else str(key)
                walk(str(key), path, at)
                walk(item, path, at)
        else:
            for i, item in enumerate(value):
                walk(item, name, value.line_of(i) if isinstance(value, LineList) else line)

    walk(data, prefix, getattr(data, "line", 1))
    return ok


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
                col: Collector, config: Config) -> Entry | None:
    """Validate an entry's front matter and build the Entry, or None if it has errors."""
    from sitegen.content.loader import slug_hint

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
                "add '- title: …, publisher: …, url: …, kind: primary'", line=meta.line)
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
    extra = meta.get("extra") or {}
    if not isinstance(extra, dict):
        f.error("extra", "must be a mapping of your own fields")
        extra = {}
    odd = _not_json(extra)
    if odd:
        f.error("extra", f"the value of {odd} cannot be published (only text, numbers, "
                "true/false, lists and mappings)",
                "quote dates and other special values so that they stay text")
    if not f.ok or title is None or summary is None or date is None or kind is None:
        return None
    return Entry(
        id=entry_id, path=shown, title=title, summary=summary, date=date, end=end, circa=circa,
        order=order, kind=kind, level=level, location=location,
        participants=participants, concerns=concerns, forum=forum,
        primary_not_found=primary_not_found,
        outcomes=tuple(outcomes), accounts=tuple(accounts),
        corrections=tuple(sorted(corrections, key=lambda c: c.date.sort_key)),
        topics=topics, related=related, sources=tuple(sources), draft=draft, updated=updated,
        extra=_plain(extra), body_md=body, body_line=body_line, field_lines=dict(meta.key_lines),
    )


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
                "write one participant id per line: '  - stoltenberg: chair'")
        return ()
    out = []
    for item in value:
        if isinstance(item, str):
            out.append(EntryParticipant(item.strip()))
        elif isinstance(item, dict) and len(item) == 1:
            (pid, role), = item.items()
            if role is not None and not isinstance(role, str):
                f.error("participants", f"the role of '{pid}' must be text")
                continue
            out.append(EntryParticipant(str(pid), role.strip() if role else None))
        else:
            f.error("participants", "each item is an id, or 'id: role at this event'",
                    "e.g. '- stoltenberg: chair'")
    return tuple(out)


def _source(f: Fields) -> Source | None:
    f.unknown_keys(SOURCE_KEYS)
    title = f.text("title", required=True, single_line=True)
    publisher = f.text("publisher", required=True, single_line=True)
    url = f.text("url", required=True)
    if url and not url.startswith(("http://", "https://")):
        f.error("url", f"'{url}' is not a web address", "it must start with https:// or http://")
    date = f.date("date")
    kind = f.choice("kind", SOURCE_KINDS, required=True)
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
    f.unknown_keys(("title", "description", "show"))
    show = f.id_list("show")
    for item in show:
        if item not in PAGE_SHOWS:
            f.error("show", f"'{item}' is not something a page can show",
                    (did_you_mean(item, PAGE_SHOWS) or "") + " allowed: " + ", ".join(PAGE_SHOWS))
    if not ID_RE.fullmatch(stem):
        f.error("id", f"'{stem}' is not URL-safe (file name)", slug_hint(stem), line=1)
    title = f.text("title", required=True, single_line=True)
    description = f.text("description", single_line=True) or ""
    if not f.ok or title is None:
        return None
    return Page(stem, shown, title, description, body, body_line, show)


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
    name = f.text("name", required=True, single_line=True)
    kind = f.choice("kind", PARTICIPANT_KINDS, required=True)
    aliases = f.id_list("aliases")
    description = f.text("description", single_line=True) or ""
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
    return Participant(pid, name, kind, aliases, tuple(roles), description)


def build_topic(data: LineDict, shown: str, col: Collector, config: Config) -> Topic | None:
    f = Fields(data, shown, col, config)
    f.unknown_keys(("id", "label", "description"))
    tid = _registry_id(f)
    label = f.text("label", required=True, single_line=True)
    description = f.text("description", single_line=True) or ""
    if not f.ok or tid is None or label is None:
        return None
    return Topic(tid, label, description)


def build_period(data: LineDict, shown: str, col: Collector, config: Config) -> Period | None:
    f = Fields(data, shown, col, config)
    f.unknown_keys(("id", "label", "kind", "start", "end", "description", "sources"))
    pid = _registry_id(f)
    label = f.text("label", required=True, single_line=True)
    kind = f.choice("kind", config.period_kinds, required=True)
    start, end = f.date("start", required=True), f.date("end")
    if start and end and end.last_day() < start.first_day():
        f.error("end", f"end ({end}) is before start ({start})")
    description = f.text("description", single_line=True) or ""
    sources = f.id_list("sources")
    for url in sources:
        if not url.startswith(("http://", "https://")):
            f.error("sources", f"'{url}' is not a web address",
                    "it must start with https:// or http://")
    if not f.ok or pid is None or label is None or kind is None or start is None:
        return None
    return Period(pid, label, kind, start, end, description, sources)
