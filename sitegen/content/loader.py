"""Files → validated model. Collects every problem before failing, never a traceback."""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import frontmatter

from sitegen.config import Config
from sitegen.content import fields
from sitegen.content.aliases import check_aliases
from sitegen.content.collector import Collector
from sitegen.content.dates import DATE_FORMS, DateValueError, PartialDate, parse_date
from sitegen.content.fields import item_line
from sitegen.content.model import (
    Account,
    Entry,
    EntryParticipant,
    Outcome,
    Page,
    Participant,
    Period,
    Role,
    Site,
    Source,
    Topic,
)
from sitegen.content.sourcing import check_coverage, check_parties, check_sources
from sitegen.content.translations import (
    Translation,
    parse_translation,
    split_name,
    stale_warnings,
)
from sitegen.content.yamlio import LineDict, LineList, YamlSyntaxError, load_yaml
from sitegen.errors import ContentError, Problem, did_you_mean

MAX_FILE_BYTES = 2 * 1024 * 1024
# An inline link ``](entry:ID)`` or a reference definition ``[label]: entry:ID`` on a line
# of its own. Linear time: the definition's indent and label stay on one line and the label
# stops at the next bracket (``^\s*`` and ``[^\]]+`` ran across lines: quadratic on many
# blank or '['-led lines, and the match started lines above the link).
ENTRY_LINK_RE = re.compile(
    r"\]\(\s*<?entry:([^)\s>]*)>?|^[ \t]*\[[^\[\]\n]+\]:[ \t]*\n?[ \t]*<?entry:(\S*?)>?[ \t]*$",
    re.MULTILINE)
# its first alternative alone, for a body without a reference definition to an entry (the
# second alternative holds REFERENCE_TO_ENTRY, so it never matches there): it opens with a
# literal, which the engine finds without trying every line start
INLINE_ENTRY_LINK_RE = re.compile(r"\]\(\s*<?entry:([^)\s>]*)>?")
REFERENCE_TO_ENTRY = re.compile(r"\]:[ \t]*\n?[ \t]*<?entry:")
_FM = frontmatter.YAMLHandler()


@dataclass
class LoadResult:
    """The model plus the warnings found while building it.

    ``versions``: each entry's id → the key of the file text it was read from (see
    memo_key: equal keys, equal entries); ``keys``: the memo keys of every entry and page.
    """

    site: Site
    warnings: list[Problem] = field(default_factory=list)
    versions: dict[str, Any] = field(default_factory=dict)
    keys: list[Any] = field(default_factory=list)
    translations: list[Any] = field(default_factory=list)  # read, before drafts are left out


def slug_hint(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return f"use lowercase letters, digits and hyphens, e.g. '{slug or 'my-entry'}'"


def read_text(path: Path, col: Collector, allowed_root: Path) -> str | None:
    """Read a content file as UTF-8 text, reporting anything that makes it unreadable."""
    shown = col.show(path)
    try:
        st = os.lstat(path)
        if stat.S_ISLNK(st.st_mode):
            real = str(path.resolve(strict=True))
            st = os.stat(real)
        else:  # one lstat instead of resolving every folder of the path again
            real = os.path.join(col.real_dir(path.parent), path.name)
        root = col.real_dir(allowed_root)
        if not real.startswith(root.rstrip(os.sep) + os.sep):
            col.error(shown, None, None, "is a link to a file outside the site",
                      "copy the file into the content folder instead of linking to it")
            return None
        if not stat.S_ISREG(st.st_mode):  # a pipe or device would block or never end
            col.error(shown, None, None, "is not a regular file",
                      "content files must be plain UTF-8 text files")
            return None
        size = st.st_size
        if size > MAX_FILE_BYTES:
            col.error(shown, None, None,
                      f"is too large ({size // 1024} KB; the limit is {MAX_FILE_BYTES // 1024} KB)",
                      "split it or move large material out of content/")
            return None
        with open(real, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        col.error(shown, None, None, f"cannot be read ({exc.strerror or exc})")
        return None
    except RuntimeError:  # Python < 3.13 reports a symbolic link loop this way
        col.error(shown, None, None, "cannot be read (a symbolic link loop)",
                  "replace the link with the file itself")
        return None
    if b"\x00" in data:
        col.error(shown, None, None, "is a binary file, not text",
                  "only UTF-8 Markdown or YAML files belong here")
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        col.error(shown, line, None, f"is not valid UTF-8 (byte 0x{data[exc.start]:02x})",
                  "save the file with UTF-8 encoding")
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split_front_matter(text: str, shown: str, col: Collector) -> tuple[Any, str, int] | None:
    """Split ``---`` front matter from the body: (metadata, body, body's first line)."""
    if not text.strip():
        col.error(shown, 1, None, "the file is empty",
                  "start with front matter between two '---' lines (see `sitegen new`)")
        return None
    if not _FM.detect(text):
        col.error(shown, 1, None, "no front matter",
                  "the file must start with a line '---', the YAML fields, then another '---'")
        return None
    try:
        fm, body = _FM.split(text)
    except ValueError:
        col.error(shown, 1, None, "the front matter is not closed",
                  "add a line '---' after the last YAML field")
        return None
    fm_start = text.index(fm, 3) if fm else 3
    body_start = len(text) - len(body)
    if body.startswith("\n"):  # the rest of the closing '---' line
        body, body_start = body[1:], body_start + 1
    body_line = text.count("\n", 0, body_start) + 1
    try:
        meta = load_yaml(fm, first_line=text.count("\n", 0, fm_start) + 1)
    except YamlSyntaxError as exc:
        col.error(shown, exc.line, exc.field, str(exc),
                  exc.hint or "check indentation (spaces, not tabs), quotes and colons")
        return None
    if meta is None:
        meta = LineDict()
        meta.line, meta.key_lines = 1, {}
    if not isinstance(meta, LineDict):
        col.error(shown, 2, None, "the front matter must be a mapping of 'field: value' lines",
                  "write e.g. 'title: The council meets'")
        return None
    return meta, body, body_line


Reader = Callable[[Path, "Collector", Path], "str | None"]


def load_site(config: Config, drafts: bool = False, memo: dict | None = None,
              reader: Reader | None = None, keys: dict | None = None,
              parsed_key: Callable[[Path], Any] | None = None) -> LoadResult:
    """Load and validate everything under the content folder.

    ``memo`` (a dict owned by the caller, e.g. the build cache) maps a file's text to what
    parsing it gave, so unchanged files are not parsed again; problems are still reported.
    ``reader`` replaces read_text for entries and pages (serve reuses unchanged texts);
    ``keys``: the memo keys of entry texts read before (by kind, path and text: the text
    kept by ``reader`` is the same string, whose hash Python keeps), so that an unchanged
    file is not hashed again; ``parsed_key``: an entry file's memo key when it was parsed
    moments ago and has not changed since (content/reading.py), so it is not read again.
    """
    read = reader or read_text
    col = Collector(config.root)
    content = config.content_dir
    if not content.is_dir():
        col.error(col.show(content), None, None, "the content folder does not exist",
                  "create it, or set content_dir in the configuration")
        raise ContentError(problems=col.problems)
    loaded = LoadResult(Site((), {}, {}, (), ()))
    participants, topics, periods = (
        _load_registry(content / f"{what}s.yaml", col, config, what, loaded, memo)
        for what in ("participant", "topic", "period"))
    invalid: list[tuple[str, str, int, str]] = []
    entries = _load_entries(content / "entries", col, config, invalid, loaded, memo, read,
                            keys, parsed_key)
    pages = _load_pages(content / "pages", col, config, loaded, memo, read)

    p_map: dict[str, Participant] = {p.id: p for p in participants}
    t_map: dict[str, Topic] = {t.id: t for t in topics}
    known = {e.id for e in entries} | {i[3] for i in invalid}
    _cross_check(entries, p_map, t_map, col, known, config)
    check_coverage([e for e in entries if not e.draft], config, col)
    check_aliases(entries, pages, col)
    for shown, body, body_line, _ in invalid:
        _check_body_links(shown, body_links(body, body_line), known, col)
    if col.errors:
        raise ContentError(problems=col.problems)
    published = tuple(sorted((e for e in entries if drafts or not e.draft),
                             key=lambda e: e.sort_key))
    ids = {e.id: e for e in published}
    translations = tuple(sorted((t for t in loaded.translations if t.id in ids),
                                key=lambda t: (t.id, t.lang)))
    stale_warnings(translations, ids.__getitem__, col)
    loaded.site = Site(
        entries=published,
        participants=dict(sorted(p_map.items())),
        topics=dict(sorted(t_map.items())),
        periods=tuple(sorted(periods, key=lambda p: (p.start.sort_key, p.id))),
        pages=tuple(sorted(pages, key=lambda p: p.id)),
        translations=translations,
    )
    loaded.warnings = col.warnings
    return loaded


def _is_dir(d: os.DirEntry) -> bool:  # type: ignore[type-arg]
    try:
        return d.is_dir()
    except OSError:  # a link loop: reported as unreadable when read
        return False


def _md_files(folder: Path, col: Collector) -> list[Path]:
    if not folder.is_dir():
        return []
    found = []
    with os.scandir(folder) as listing:  # the entry types come with the listing: no stat
        children = sorted((d.name, _is_dir(d)) for d in listing)
    for name, is_dir in children:
        if name.startswith((".", "#")) or name.endswith("~") or is_dir:
            continue  # hidden, editor temp files and sub-folders
        path = folder / name
        if path.suffix != ".md":
            col.warn(col.show(path), None, None, "ignored: not a .md file",
                     "entries are Markdown files named like 2022-01-12-short-title.md")
            continue
        found.append(path)
    return found


def _declared_id(meta: LineDict, stem: str) -> str:
    value = meta.get("id")
    return str(value) if isinstance(value, str | int) and not isinstance(value, bool) else stem


def memo_key(kind: str, shown: str, stem: str, text: str) -> tuple[str, str, str, bytes]:
    return (kind, shown, stem, hashlib.blake2b(text.encode("utf-8", "surrogatepass"),
                                               digest_size=16).digest())


def parse_entry(text: str, stem: str, shown: str, config: Config, memo: dict | None,
                key: Any = None
                ) -> tuple[Entry | None, list[Problem], tuple[str, str, int, str] | None]:
    """One entry file's text → (entry or None, its problems, the invalid-entry record).

    With ``memo`` (the build cache) an unchanged file is not parsed again (``key``: its
    memo_key, if known).
    """
    if memo is not None:
        key = key or memo_key("entry", shown, stem, text)
        if key in memo:
            return memo[key]  # type: ignore[no-any-return]
    sub = Collector(config.root)
    result: tuple[Entry | None, list[Problem], tuple[str, str, int, str] | None]
    split = split_front_matter(text, shown, sub)
    if split is None:
        result = (None, sub.problems, None)
    else:
        meta, body, body_line = split
        entry = fields.build_entry(meta, body, body_line, stem, shown, sub, config,
                                   body_start=len(text) - len(body))  # body: text's tail
        bad = None if entry is not None else (shown, body, body_line, _declared_id(meta, stem))
        result = (entry, sub.problems, bad)
    if memo is not None:
        memo[key] = result
    return result


def _load_entries(folder: Path, col: Collector, config: Config,
                  invalid: list[tuple[str, str, int, str]], loaded: LoadResult,
                  memo: dict | None = None, read: Reader | None = None,
                  keys: dict | None = None,
                  parsed_key: Callable[[Path], Any] | None = None) -> list[Entry]:
    entries: list[Entry] = []
    by_stem: dict[str, Entry] = {}
    translated: list[Path] = []
    for path in _md_files(folder, col):
        if split_name(path) is not None:  # <stem>.<lang>.md: read once the originals are
            translated.append(path)
            continue
        shown, stem = col.show(path), path.stem
        key = None if parsed_key is None else parsed_key(path)
        if key is not None and memo is not None and key in memo:
            result = memo[key]
        else:
            text = (read or read_text)(path, col, config.content_dir)
            if text is None:
                continue
            key = None if keys is None else keys.get(("entry", shown, stem, text))
            if key is None:
                key = memo_key("entry", shown, stem, text)
                if keys is not None:
                    keys[("entry", shown, stem, text)] = key
            result = parse_entry(text, stem, shown, config, memo, key)
        loaded.keys.append(key)
        entry, problems, bad = result
        col.problems.extend(problems)
        if entry is not None:
            entries.append(entry)
            by_stem[path.stem] = entry
            loaded.versions[entry.id] = key
        elif bad is not None:  # still check its body links, so every problem is reported
            invalid.append(bad)
    seen: dict[str, Entry] = {}
    for e in entries:
        if e.id in seen:
            col.error(e.path, None, "id", f"duplicate id '{e.id}', also used by {seen[e.id].path}",
                      "give one of them another file name or 'id:'")
        else:
            seen[e.id] = e
    loaded.translations = _load_translations(translated, by_stem, col, config, loaded, read,
                                             memo)
    return entries


def _load_translations(paths: list[Path], by_stem: dict[str, Entry], col: Collector,
                       config: Config, loaded: LoadResult, read: Reader | None,
                       memo: dict | None = None) -> list[Translation]:
    """The translated entries (content/translations.py), each checked against its original;
    an entry's version then covers its translations too (a translation edited, its pages
    are made again)."""
    found = []
    for path in paths:
        text = (read or read_text)(path, col, config.content_dir)
        if text is None:
            continue
        stem, _ = split_name(path) or ("", "")
        original = by_stem.get(stem)
        key = (memo_key("translation", col.show(path), path.stem, text),
               None if original is None else loaded.versions.get(original.id))
        if memo is None or key not in memo:  # (checked against its original: in the key)
            sub = Collector(config.root)
            split = split_front_matter(text, col.show(path), sub)
            got = (parse_translation(path, split, original, sub, config), sub.problems)
            if memo is not None:
                memo[key] = got
        else:
            got = memo[key]
        loaded.keys.append(key)
        t, problems = got
        col.problems.extend(problems)
        if t is not None:
            found.append(t)
            loaded.versions[t.id] = (loaded.versions[t.id], key[0])
    return found


def _load_pages(folder: Path, col: Collector, config: Config, loaded: LoadResult,
                memo: dict | None = None, read: Reader | None = None) -> list[Page]:
    pages = []
    for path in _md_files(folder, col):
        shown = col.show(path)
        text = (read or read_text)(path, col, config.content_dir)
        if text is None:
            continue
        key = memo_key("page", shown, path.stem, text)
        loaded.keys.append(key)
        if memo is not None and key in memo:
            page, problems = memo[key]
        else:
            sub = Collector(config.root)
            split = split_front_matter(text, shown, sub)
            page = None if split is None else fields.build_page(
                split[0], split[1], split[2], path.stem, shown, sub)
            problems = sub.problems
            if memo is not None:
                memo[key] = (page, problems)
        col.problems.extend(problems)
        if page is not None:
            pages.append(page)
    return pages


def _load_registry(path: Path, col: Collector, config: Config, what: str,
                   loaded: LoadResult, memo: dict | None = None) -> list[Any]:
    """A registry file's items (``memo``: what each text gave before, as for entries)."""
    shown = col.show(path)
    if not path.exists():
        if what != "period":
            col.warn(shown, None, None, f"missing: no {what}s are defined")
        return []
    text = read_text(path, col, config.content_dir)
    if text is None:
        return []
    key = memo_key(what, shown, what, text)
    loaded.keys.append(key)
    if memo is None or key not in memo:
        sub = Collector(config.root)
        items = _parse_registry(text, shown, sub, config, what)
        if memo is None:
            col.problems.extend(sub.problems)
            return items
        memo[key] = (items, sub.problems)
    items, problems = memo[key]
    col.problems.extend(problems)
    return list(items)


def _parse_registry(text: str, shown: str, col: Collector, config: Config,
                    what: str) -> list[Any]:
    try:
        data = load_yaml(text)
    except YamlSyntaxError as exc:
        col.error(shown, exc.line, exc.field, str(exc),
                  exc.hint or "check indentation (spaces, not tabs), quotes and colons")
        return []
    if data is None:
        return []
    if not isinstance(data, LineList):
        col.error(shown, getattr(data, "line", 1), None,
                  f"must be a list of {what}s, each starting with '- id: …'")
        return []
    builder = {"participant": fields.build_participant, "topic": fields.build_topic,
               "period": fields.build_period}[what]
    items: list[Any] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(data):
        line = data.line_of(index)
        if not isinstance(raw, LineDict):
            col.error(shown, line, None, f"each {what} must be a mapping with 'id:' and more",
                      f"write '- id: …' followed by the {what}'s fields, indented")
            continue
        item = builder(raw, shown, col, config)
        if item is None:
            continue
        if item.id in seen:
            col.error(shown, raw.line_of("id"), "id",
                      f"duplicate {what} id '{item.id}' (first on line {seen[item.id]})")
            continue
        seen[item.id] = raw.line_of("id")
        items.append(item)
    return items


def _cross_check(entries: list[Entry], participants: dict[str, Participant],
                 topics: dict[str, Topic], col: Collector, ids: set[str],
                 config: Config) -> None:
    """References between files; ``ids`` includes entries that failed (they exist)."""
    for e in entries:
        check_parties(e, participants, col)
        check_sources(e, config.sources, col)
        lines = e.field_lines
        for i, p in enumerate(e.participants):
            if p.id not in participants:
                col.error(e.path, item_line(lines, "participants", i), "participants",
                          f"unknown participant '{p.id}'",
                          did_you_mean(p.id, participants) or
                          "add it to content/participants.yaml first")
        for i, a in enumerate(e.accounts):
            if a.party not in participants:
                col.error(e.path, item_line(lines, "accounts", i), "accounts",
                          f"unknown party '{a.party}'",
                          did_you_mean(a.party, participants) or
                          "use a participant id from content/participants.yaml")
        for i, t in enumerate(e.topics):
            if t not in topics:
                col.error(e.path, item_line(lines, "topics", i), "topics",
                          f"unknown topic '{t}'",
                          did_you_mean(t, topics) or "add it to content/topics.yaml first")
        for i, r in enumerate(e.related):
            if r not in ids:
                col.error(e.path, item_line(lines, "related", i), "related",
                          f"unknown entry id '{r}'",
                          did_you_mean(r, ids) or "related takes ids of other entries")
            elif r == e.id:
                col.error(e.path, item_line(lines, "related", i), "related",
                          "an entry cannot relate to itself")
        _check_body_links(e.path, e.body_links, ids, col)
        if (e.sources and not any(s.kind == "primary" for s in e.sources)
                and not e.primary_not_found):
            col.warn(e.path, lines.get("sources"), "sources", "no primary source",
                     "add an official text (kind: primary) where one exists, or record where "
                     "it was looked for: 'primary_not_found: …'")


def body_digest(body: str) -> str:
    """What a body is known by (Entry.body_digest; the key of its converted HTML)."""
    return hashlib.blake2b(body.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def body_links(body: str, body_line: int) -> tuple[tuple[str, int], ...]:
    """The entry links of a body: (target, file line), in order (linear in the body)."""
    if "entry:" not in body:  # every link form holds it
        return ()
    found, line, at = [], body_line, 0
    full = REFERENCE_TO_ENTRY.search(body) is not None
    for m in (ENTRY_LINK_RE if full else INLINE_ENTRY_LINK_RE).finditer(body):
        line += body.count("\n", at, m.start())
        at = m.start()
        found.append((m.group(1) if m.group(1) is not None else m.group(2), line))
    return tuple(found)


def _check_body_links(shown: str, links: tuple[tuple[str, int], ...], ids: set[str],
                      col: Collector) -> None:
    for target, line in links:
        if target not in ids:
            col.error(shown, line, "body", f"link to unknown entry 'entry:{target}'",
                      did_you_mean(target, ids) or
                      "link to entries as [text](entry:2002-05-28-rome-declaration)")


def read_body(entry: Entry, config: Config, text: str | None = None,
              real_dirs: dict[Path, str] | None = None) -> str:
    """An entry's Markdown body, from ``text`` (its file's text as the load read it) or
    read again from its file; a ContentError if it is not the body that was loaded (the
    file changed meanwhile): a build never mixes two versions of a file. ``real_dirs``:
    folders resolved by earlier calls (Collector), not resolved again for each body."""
    col = Collector(config.root, real_dirs)
    if text is None or body_digest(text[entry.body_start:]) != entry.body_digest:
        text = read_text(config.root / entry.path, col, config.content_dir)
    if text is not None and body_digest(text[entry.body_start:]) == entry.body_digest:
        return text[entry.body_start:]
    raise ContentError(problems=col.problems or [Problem(
        entry.path, entry.body_line, "body", "the file changed while the site was being built",
        "build again once the file is saved")])


def date_or_problem(value: object, shown: str, line: int | None, fld: str, col: Collector,
                    config: Config) -> PartialDate | None:
    """Parse a date field, reporting a friendly problem instead of raising."""
    try:
        d = parse_date(value)
    except DateValueError as exc:
        col.error(shown, line, fld, str(exc), f"write the date as {DATE_FORMS}")
        return None
    if d.year > config.max_year:
        col.error(shown, line, fld,
                  f"the year {d.year} is after the latest allowed ({config.max_year})",
                  "check the year, or raise max_year in the configuration")
        return None
    return d


__all__ = [
    "Account", "Entry", "EntryParticipant", "LoadResult", "Outcome", "Period", "Role", "Source",
    "body_digest", "body_links", "date_or_problem", "load_site", "read_body", "read_text",
    "split_front_matter",
]
