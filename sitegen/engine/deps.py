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
import marshal
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

Part = tuple[str, Any]  # (name, key), e.g. ("card", "2019-treaty-ends")
UNREAD = object()  # a part's value not at hand


def digest(*parts: Any) -> str:
    """A stable hash of values: of marshal's bytes (format 2: no references), else repr's."""
    try:
        data = marshal.dumps(parts, 2)
    except ValueError:
        data = b"\0" + repr(parts).encode("utf-8", "surrogatepass")  # (no marshal type)
    return hashlib.blake2b(data, digest_size=16).hexdigest()


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
        self._methods: dict[str, tuple[Any, Any, Any]] = {}

    @contextmanager
    def recording(self) -> Iterator[dict[Part, Any]]:
        """Collect the parts read inside the ``with``, with their values."""
        outer, self._record = self._record, {}
        try:
            yield self._record
        finally:
            self._record = outer

    def _ways(self, name: str) -> tuple[Any, Any, Any]:
        """A part's value, digest and version methods (None: none), looked up once a build
        (an edition's part is found through __getattr__, which costs an exception a miss)."""
        got = self._methods.get(name)
        if got is None:
            got = self._methods[name] = (getattr(self, "_" + name, None), getattr(
                self, "_digest_" + name, None), getattr(self, "_version_" + name, None))
        return got

    def read(self, name: str, key: Any = None) -> Any:
        """The value of a part, recorded as read."""
        value = self._ways(name)[0](key)
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
        return digest(*found)

    def digest(self, part: Part, value: Any = UNREAD) -> str | None:
        """A part's digest, memoised; None when it is not known yet or the part is gone."""
        got = self._digests.get(part)
        if got is not None:
            return got
        name, key = part
        get, own, version = self._ways(name)
        try:
            if own is not None:
                got = own(key)
            elif version is not None:
                got = self._versioned(part, version(key), value)
            else:
                got = digest(get(key) if value is UNREAD else value)
        except (KeyError, ValueError, IndexError, StopIteration):
            return None  # the part no longer exists: whatever read it must be made again
        if got is not None:
            self._digests[part] = got
        return got

    def _versioned(self, part: Part, version: str, value: Any) -> str:
        known = self.memo.digests.get(part)
        if known is None or known[0] != version:
            value = getattr(self, "_" + part[0])(part[1]) if value is UNREAD else value
            known = self.memo.digests[part] = self._new_digests[part] = (version, digest(value))
        return known[1]

    def drain_digests(self) -> dict[Part, tuple[str, str]]:
        """The digests memoised since the last call (workers send them back)."""
        got, self._new_digests = self._new_digests, {}
        return got
