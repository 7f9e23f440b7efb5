"""What an output depends on, recorded while it renders (Lektor records files the same way).

Outputs read the site as named *parts* (render/reads.py: an entry's card, its page fields,
a listing, the whole model...). Every read is recorded, every part has a digest (a hash of
its value), and an output's *signature* is the digest of the parts it read: the engine
renders an output again only when one of those changed. Nothing is listed by hand: a field
added to a projection is in its digest, a part read for the first time is in the record.
A part may have a *version*, cheap to know (for the parts made from one entry: the digest
of its file and of the registries its projection shows): its digest is then memoised from
build to build, so a build that finds nothing changed computes no projection.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any

Part = tuple[str, Any]  # (name, key), e.g. ("card", "2019-treaty-ends")
UNREAD = object()  # a part's value not at hand


def digest(*parts: object) -> str:
    """A short stable hash of strings, numbers and tuples of them (repr is unambiguous)."""
    return hashlib.blake2b(repr(parts).encode("utf-8", "surrogatepass"),
                           digest_size=16).hexdigest()


def canonical(value: object) -> object:
    """``value`` with every set in a fixed order, for a repr that is the same in every
    process: a set's order follows string hashes, which differ from process to process
    (PYTHONHASHSEED), so a repr holding one would change a cache key at every build."""
    if isinstance(value, (set, frozenset)):
        return ("set", *sorted((canonical(v) for v in value), key=repr))
    if is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__,
                *((f.name, canonical(getattr(value, f.name))) for f in fields(value)))
    if isinstance(value, dict):
        return {canonical(k): canonical(v) for k, v in value.items()}  # (insertion order)
    if isinstance(value, (list, tuple)):
        return type(value)(canonical(v) for v in value)
    return value


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
    """What a builder keeps from build to build: ``digests`` of versioned parts (part →
    (version, digest)); ``bodies``, converted (text digest → HTML, entry links, digest);
    ``keep``: memos of output functions, or None for a single build."""

    digests: dict[Part, tuple[str, str]] = field(default_factory=dict)
    bodies: dict[str, Any] = field(default_factory=dict)
    keep: dict[str, Any] | None = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)  # body text → digest (in memory)


class Recorder:
    """Parts read and recorded, their digests, and signatures.

    A subclass provides each part ``name`` as a method ``_name(key)``; may compute a digest
    without the value (``_digest_name(key)``); and may give a part a *version*
    (``_version_name(key)``: a string that changes whenever the part's value may), which
    memoises its digest from build to build (``memo.digests``).
    """

    def __init__(self, memo: Memo) -> None:
        self.memo = memo
        self._digests: dict[Part, str] = {}
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

    def signature(self, parts: Iterable[Part] | dict[Part, Any]) -> str | None:
        """The digest of these parts' digests, in order (``parts`` as recorded, with their
        values, or just named: the record keeps which parts they were); None if one cannot
        be known without work (an unconverted body)."""
        values = parts if isinstance(parts, dict) else {}
        found = []
        for part in parts:
            d = self.digest(part, values.get(part, UNREAD))
            if d is None:
                return None
            found.append(d)
        return hashlib.blake2b("\0".join(found).encode("utf-8", "surrogatepass"),
                               digest_size=16).hexdigest()

    def digest(self, part: Part, value: Any = UNREAD) -> str | None:
        """A part's digest, memoised; None when it is not known yet or the part is gone."""
        got = self._digests.get(part)
        if got is not None:
            return got
        name, key = part
        own = getattr(self, "_digest_" + name, None)
        version = getattr(self, "_version_" + name, None)
        try:
            if own is not None:
                got = own(key)
            elif version is not None:
                got = self._versioned(part, version(key), value)
            else:
                got = fingerprint(getattr(self, "_" + name)(key) if value is UNREAD else value)
        except (KeyError, ValueError, IndexError, StopIteration):
            return None  # the part no longer exists: whatever read it must be made again
        if got is not None:
            self._digests[part] = got
        return got

    def _versioned(self, part: Part, version: str, value: Any) -> str:
        known = self.memo.digests.get(part)
        if known is None or known[0] != version:
            value = getattr(self, "_" + part[0])(part[1]) if value is UNREAD else value
            known = self.memo.digests[part] = self._new_digests[part] = (
                version, fingerprint(value))
        return known[1]

    def drain_digests(self) -> dict[Part, tuple[str, str]]:
        """The digests memoised since the last call (workers send them back)."""
        got, self._new_digests = self._new_digests, {}
        return got
