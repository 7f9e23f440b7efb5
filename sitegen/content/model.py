"""The data model at the centre: typed, immutable, with dates already normalised.

Everything else reads these objects; nothing re-parses files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sitegen.content.dates import PartialDate

# An id of an entry, participant, topic, period or page: URL-safe, one path segment. Use it
# with fullmatch only (a pattern ending in '$' also accepts a final newline).
ID_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

# How much an entry weighs in the record, highest first; an entry without the field is
# DEFAULT_SIGNIFICANCE. Turning points stand out in the timeline and on the chart, routine
# entries are shown as compact cards.
SIGNIFICANCE = ("turning-point", "major", "routine")
DEFAULT_SIGNIFICANCE = "major"


@dataclass(frozen=True, slots=True)
class Role:
    """A position a person held over a span of time."""

    role: str
    organisation: str | None
    start: PartialDate | None
    end: PartialDate | None


@dataclass(frozen=True, slots=True)
class Participant:
    """A person, organisation or state that takes part in events."""

    id: str
    name: str
    kind: str  # person | organisation | state
    aliases: tuple[str, ...] = ()
    roles: tuple[Role, ...] = ()
    description: str = ""
    # name and description in other languages: (field, language, text)
    translations: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Topic:
    id: str
    label: str
    description: str = ""
    translations: tuple[tuple[str, str, str], ...] = ()  # (field, language, text)


@dataclass(frozen=True, slots=True)
class Period:
    """A named span of time: an era, or a suspension of dialogue."""

    id: str
    label: str
    kind: str
    start: PartialDate
    end: PartialDate | None
    description: str = ""
    sources: tuple[str, ...] = ()
    translations: tuple[tuple[str, str, str], ...] = ()  # (field, language, text)


@dataclass(frozen=True, slots=True)
class Source:
    """A document an entry rests on, as it was read."""

    title: str
    publisher: str  # who publishes the page that was read (for a copy: its host)
    url: str
    date: PartialDate | None
    kind: str  # one of the site's source kinds (default: primary | secondary)
    doc_id: str | None = None
    copy_of: str | None = None  # whose official text this page copies, when it is a copy
    archived: str | None = None  # an archived copy's address
    accessed: PartialDate | None = None  # when the page was read


@dataclass(frozen=True, slots=True)
class Outcome:
    type: str
    text: str


@dataclass(frozen=True, slots=True)
class Account:
    """One party's readout of an event, or the record that none was found (``none_found``
    says where it was looked for; ``text`` is then empty)."""

    party: str
    text: str
    source: str | None = None
    none_found: str | None = None


@dataclass(frozen=True, slots=True)
class Correction:
    """An erratum: a fact of the entry that changed on ``date``, in a sentence."""

    date: PartialDate
    text: str


@dataclass(frozen=True, slots=True)
class EntryParticipant:
    id: str
    role: str | None = None


@dataclass(frozen=True, slots=True)
class Entry:
    """One event of the timeline."""

    id: str
    path: str  # the source file, as shown to the user
    title: str
    summary: str
    date: PartialDate
    kind: str
    significance: str = DEFAULT_SIGNIFICANCE  # one of SIGNIFICANCE
    end: PartialDate | None = None
    circa: bool = False
    order: int = 0
    level: str | None = None
    location: str | None = None
    participants: tuple[EntryParticipant, ...] = ()  # those present
    concerns: tuple[str, ...] = ()  # participant ids addressed or concerned, not present
    forum: str | None = None  # the body that met, from the site's ``forums``
    outcomes: tuple[Outcome, ...] = ()
    accounts: tuple[Account, ...] = ()
    topics: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()
    primary_not_found: str | None = None  # where a primary source from the event was sought
    draft: bool = False
    updated: PartialDate | None = None
    corrections: tuple[Correction, ...] = ()
    aliases: tuple[str, ...] = ()  # old ids or paths that redirect here (content/aliases.py)
    extra: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    # The Markdown body is not held (50,000 bodies are ~200 MB): it is read again from the
    # file when converted (loader.read_body), and known by its digest, where it starts in
    # the file's text and line, and the entry links it holds ((target, line), in order).
    body_digest: str = ""
    body_start: int = 0
    body_line: int = 1  # the file line on which the Markdown body starts
    body_links: tuple[tuple[str, int], ...] = ()
    field_lines: dict[str, int] = field(default_factory=dict, hash=False, compare=False,
                                        repr=False)

    @property
    def sort_key(self) -> tuple[tuple[int, int, int], int, str]:
        return (self.date.sort_key, self.order, self.id)

    @property
    def year(self) -> int:
        return self.date.year


@dataclass(frozen=True, slots=True)
class Page:
    """A free page (about, methodology, …)."""

    id: str
    path: str
    title: str
    description: str
    body_md: str
    body_line: int = 1
    show: tuple[str, ...] = ()  # site data the page shows after its text (fields.PAGE_SHOWS)
    aliases: tuple[str, ...] = ()  # old ids or paths that redirect here (content/aliases.py)
    field_lines: dict[str, int] = field(default_factory=dict, hash=False, compare=False,
                                        repr=False)


@dataclass(frozen=True)
class Site:
    """The whole validated content of a site."""

    entries: tuple[Entry, ...]
    participants: dict[str, Participant]
    topics: dict[str, Topic]
    periods: tuple[Period, ...]
    pages: tuple[Page, ...]
    # translated entries (content/translations.py Translation), by (id, language)
    translations: tuple[Any, ...] = ()

    def entry(self, entry_id: str) -> Entry:
        return self._by_id[entry_id]

    @property
    def _by_id(self) -> dict[str, Entry]:
        cache = self.__dict__.get("_by_id_cache")
        if cache is None:
            cache = {e.id: e for e in self.entries}
            object.__setattr__(self, "_by_id_cache", cache)
        return cache

    def years(self) -> list[int]:
        return sorted({e.year for e in self.entries})
