"""What an output depends on, recorded while it renders (Lektor records files the same way).

Outputs read the site as named *parts* (render/reads.py: an entry's card, its page fields,
a listing, the whole model...). Every read is recorded, every part has a digest (a hash of
its value), and an output's *signature* is the digest of the parts it read: the engine
renders an output again only when one of those changed. Nothing is listed by hand: a field
added to a projection is in its digest, a part read for the first time is in the record.
Digests of the parts made from one entry are memoised with the entry's version (the digest
of its file and of what else they depend on), so a build that finds nothing changed
computes no projection.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

Part = tuple[str, Any]  # (name, key), e.g. ("card", "2019-treaty-ends")
UNREAD = object()  # a part's value not at hand


def digest(*parts: object) -> str:
    """A short stable hash of strings, numbers and tuples of them (repr is unambiguous)."""
    return hashlib.blake2b(repr(parts).encode("utf-8", "surrogatepass"),
                           digest_size=16).hexdigest()


def fingerprint(value: object) -> str:
    """A string that changes whenever ``value`` does: its repr if short, else its hash."""
    text = repr(value)
    if len(text) <= 64:
        return text
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


@dataclass(frozen=True)
class Kind:
    """A kind of output, declared once: which exist (``keys``), where each goes (``path``),
    how it renders (``render``: the bytes, or pieces, of one key's file, read through the
    Reads given). ``shared``: outputs sharing memoised work (listings share card HTML) are
    rendered together, first; ``prepare`` does a batch's common work (its bodies)."""

    name: str
    keys: Callable[[Any], Iterable[Any]]
    path: Callable[[Any], str]
    render: Callable[[Any, Any], bytes | Iterable[bytes]]
    shared: bool = False
    prepare: Callable[[Any, list[Any]], None] | None = None


@dataclass
class Memo:
    """What a builder keeps from build to build: ``digests`` of parts made from one entry,
    (part → (version, digest)); ``bodies``, converted (text digest → HTML, entry links,
    digest); ``keep``: memos of output functions, or None for a single build."""

    digests: dict[Part, tuple[str, str]] = field(default_factory=dict)
    bodies: dict[str, Any] = field(default_factory=dict)
    keep: dict[str, Any] | None = field(default_factory=dict)


class Recorder:
    """Parts read and recorded, their digests, and signatures.

    A subclass provides each part ``name`` as a method ``_name(key)``, may compute a digest
    without the value (``_digest_name(key)``), and names the parts made from one entry in
    PER_ENTRY (keyed by entry id; ``versions`` gives each entry's, ``context`` what else
    they depend on).
    """

    PER_ENTRY: tuple[str, ...] = ()

    def __init__(self, memo: Memo, versions: dict[str, Any], context: str) -> None:
        self.memo, self.versions, self._context = memo, versions, context
        self._digests: dict[Part, str] = {}
        self._versions: dict[str, str] = {}
        self._new_digests: dict[Part, tuple[str, str]] = {}  # since the last drain
        self._record: dict[Part, Any] | None = None

    @contextmanager
    def recording(self) -> Iterator[dict[Part, Any]]:
        """Collect the parts read inside the ``with``, with their values."""
        outer, self._record = self._record, {}
        try:
            yield self._record
        finally:
            self._record = outer

    def read(self, name: str, key: Any = None) -> Any:
        """The value of a part, recorded as read."""
        value = getattr(self, "_" + name)(key)
        if self._record is not None:
            self._record[(name, key)] = value
        return value

    def read_quietly(self, name: str, key: Any = None) -> Any:
        return getattr(self, "_" + name)(key)

    def signature(self, parts: Iterable[Part] | dict[Part, Any]) -> str | None:
        """The digest of these parts' digests (``parts`` as recorded, with their values, or
        just named); None if one cannot be known without work (an unconverted body)."""
        values = parts if isinstance(parts, dict) else {}
        found = []
        for part in parts:
            d = self.digest(part, values.get(part, UNREAD))
            if d is None:
                return None
            found.append((part, d))
        return digest(found)

    def digest(self, part: Part, value: Any = UNREAD) -> str | None:
        """A part's digest, memoised; None when it is not known yet or the part is gone."""
        if part in self._digests:
            return self._digests[part]
        name, key = part
        own = getattr(self, "_digest_" + name, None)
        d: str | None
        try:
            if name in self.PER_ENTRY:
                d = self._entry_digest(part, value)
            elif own is not None:
                d = own(key)
            else:
                d = fingerprint(self.read_quietly(name, key) if value is UNREAD else value)
        except (KeyError, ValueError, IndexError, StopIteration):
            d = None  # the part no longer exists: whatever read it must be made again
        if d is not None:
            self._digests[part] = d
        return d

    def _entry_digest(self, part: Part, value: Any) -> str:
        version = self._versions.get(part[1])
        if version is None:
            source = self.versions.get(part[1]) or id(self)  # no version: this build only
            version = self._versions[part[1]] = digest(source, self._context)
        got = self.memo.digests.get(part)
        if got is None or got[0] != version:
            got = (version, fingerprint(self.read_quietly(*part) if value is UNREAD else value))
            self.memo.digests[part] = self._new_digests[part] = got
        return got[1]

    def drain_digests(self) -> dict[Part, tuple[str, str]]:
        """The digests memoised since the last call (workers send them back)."""
        got, self._new_digests = self._new_digests, {}
        return got
