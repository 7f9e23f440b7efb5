"""The persistent build cache under ``.cache/``: what a build may reuse from the last one.

Four sections, each valid only under its own key (a hash of what it depends on):

- ``parsed``: content file text → the validated Entry/Page and its problems
  (key: sitegen's code + configuration), and ``digests``: what the dependency map
  computed from each of those entries (same inputs);
- ``markdown``: body text → sanitised HTML plus every entry link it resolved, so a hit is
  used only while each of those links still resolves the same way (key: sitegen's code +
  settings that change the HTML);
- ``pages``: output path → the signature of its inputs and the identity (inode, mtime, size)
  of the file written, so an unchanged page is hard-linked from the previous output only if
  that file is still exactly what we wrote (key: code + configuration + templates).

"sitegen's code" is its version and a hash of its source files (code_digest), so a
checkout that changes commits never reads what other code wrote.

The file is a pickle signed with HMAC-SHA256 under a key kept in the user's cache folder. A
file that is truncated, corrupt, of another format, or signed with another key (copied from
elsewhere) is discarded with a warning and never unpickled: the cache is only ever trusted
when this user's sitegen wrote it.

The cache file lies inside the checkout, so everything rests on the key being out of a
checkout's reach. A key file inside the project (``XDG_CACHE_HOME`` or ``HOME`` pointing
into it), one that is a link, not a regular file, not the user's own, or writable by group
or others, is never read: the build then runs without a cache and says why (UntrustedKey).
Behind the signature, the unpickler builds only plain data and sitegen's data classes
(_DataUnpickler): a file that names any other class or function is discarded, unrun.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import hmac
import io
import os
import pickle
import secrets
import shutil
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sitegen import __version__
from sitegen.config import Config
from sitegen.engine.parallel import no_gc
from sitegen.engine.reuse import identity as _identity
from sitegen.engine.writer import clear
from sitegen.errors import Problem, display_path

MAGIC = b"SGCACHE1"
FILE = "build.pickle"
FORMAT = 1
SECTIONS = ("parsed", "markdown", "pages", "digests")


def digest(*parts: object) -> str:
    """A short stable hash of strings, numbers and tuples of them (keys and signatures).

    The repr of the tuple of parts is unambiguous (strings are quoted and escaped).
    """
    return hashlib.blake2b(repr(parts).encode("utf-8", "surrogatepass"),
                           digest_size=16).hexdigest()


def tree_digest(folder: Path, pattern: str = "*") -> str:
    """A hash of every file under ``folder`` (names and bytes): the templates' version."""
    h = hashlib.blake2b(digest_size=16)
    if folder.is_dir():
        for path in sorted(folder.rglob(pattern)):
            if path.is_file():
                h.update(path.relative_to(folder).as_posix().encode() + b"\0")
                h.update(hashlib.blake2b(path.read_bytes(), digest_size=16).digest())
    return h.hexdigest()


@functools.lru_cache(maxsize=1)
def code_digest() -> str:
    """sitegen's version and a hash of its own source files.

    A checkout that moves to other commits keeps its version number, but its model classes
    or its HTML may have changed: a cache written by other code is never used.
    """
    return digest(__version__, tree_digest(Path(__file__).resolve().parent.parent, "*.py"))


def config_digest(config: Config) -> str:
    """Everything in the configuration, sitegen's code and Python's version (pickles)."""
    return digest(code_digest(), sys.version_info[:2], repr(config))


def cache_dir(config: Config) -> Path:
    return config.root / ".cache" / "sitegen"


def remove_stale_files(config: Config) -> None:
    """Remove the ``.build.pickle.<pid>`` files killed builds left (30-40 MB each at
    5,000 entries): those of processes that are gone or of this process's id (a
    leftover: this build has not begun its own), and any that is not a regular file (a
    link committed in a checkout would be written through). Files of running builds stay.
    """
    prefix = f".{FILE}."
    try:
        listing = os.scandir(cache_dir(config))
    except OSError:
        return
    with listing:
        for d in listing:
            if not d.name.startswith(prefix):
                continue
            pid = d.name[len(prefix):]
            if (d.is_file(follow_symlinks=False) and pid.isdigit()
                    and 0 < int(pid) != os.getpid() and _running(int(pid))):
                continue
            try:
                clear(d.path)
            except OSError:
                pass


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):  # gone, or no process id at all
        return False
    except PermissionError:
        return True  # another user's process
    return True


def _key_file() -> Path:
    """Where this user's signing key lives: $XDG_CACHE_HOME/sitegen, else ~/.cache/sitegen."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # the XDG rule: a relative value is ignored
        base = os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "sitegen" / "cache-signing-key"


class UntrustedKey(Exception):
    """The signing key's file is one a checkout could have supplied: no cache is used."""

    def __init__(self, path: Path, message: str, hint: str) -> None:
        super().__init__(message)
        self.path, self.message, self.hint = path, message, hint


_OUTSIDE_HINT = ("set XDG_CACHE_HOME (or HOME) to a folder of your own outside the project; "
                 "the build runs without its cache meanwhile")
_REPLACE_HINT = "delete it; sitegen makes a new key (mode 0600) at the next build"


def _check_key_place(path: Path, config: Config | None) -> None:
    """Raise UntrustedKey unless ``path`` can only have been written by this user.

    Refused: a key inside the project or any folder the build reads (the checkout would
    supply it), and a key file or its folder that is a link, not the user's own, or
    writable by group or others.
    """
    for what, place, kind in (("folder", path.parent, stat.S_ISDIR),
                              ("file", path, stat.S_ISREG)):
        try:
            st = os.lstat(place)
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise UntrustedKey(path, f"cannot be checked ({exc.strerror or exc})",
                               _OUTSIDE_HINT) from None
        problem = None
        if stat.S_ISLNK(st.st_mode):
            problem = "is a link"
        elif not kind(st.st_mode):
            problem = f"is not a {'folder' if what == 'folder' else 'regular file'}"
        elif st.st_uid != os.geteuid():
            problem = "belongs to another user"
        elif st.st_mode & 0o022:
            problem = "is writable by group or others"
        if problem:
            raise UntrustedKey(path, f"{'its folder ' if what == 'folder' else ''}{problem}",
                               _REPLACE_HINT if what == "file" else _OUTSIDE_HINT)
    if config is not None:
        for folder in (config.root, config.content_dir, config.templates_dir):
            for key, top in ((os.path.abspath(path), os.path.abspath(folder)),
                             (os.path.realpath(path), os.path.realpath(folder))):
                if key == top or key.startswith(top.rstrip(os.sep) + os.sep):
                    raise UntrustedKey(path, "is inside the project folder, which a checkout "
                                       "supplies", _OUTSIDE_HINT)


def signing_key(config: Config | None = None) -> bytes:
    """This user's secret for signing cache files (created on first use, mode 0600).

    Raises UntrustedKey when the key's file is not safely this user's (see
    _check_key_place; with ``config``, a key inside that project is refused too).
    """
    path = _key_file()
    _check_key_place(path, config)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        with os.fdopen(fd, "rb") as fh:
            key = fh.read(33)
        if len(key) == 32:
            return key
    except OSError:
        pass
    key = secrets.token_bytes(32)
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        _check_key_place(path, config)  # the folder as made (or as someone else made it)
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(key)
        os.replace(tmp, path)
    except OSError:
        pass  # unwritable home: this process's cache files will not verify next time
    return key


@dataclass
class Section:
    """One part of the cache, valid under ``key``."""

    key: str
    items: dict[Any, Any] = field(default_factory=dict)


@dataclass
class BuildCache:
    """The three sections; ``load`` and ``save`` do the (signed) file I/O."""

    parsed: Section
    markdown: Section
    pages: Section
    digests: Section  # signatures' digests of parsed entries (same key as ``parsed``)
    warnings: list[Problem] = field(default_factory=list)
    _file: _CacheFile | None = field(default=None, repr=False)  # being written (prepare)
    _base: _Base | None = field(default=None, repr=False)  # the file this cache came from

    def prepare(self, config: Config, names: tuple[str, ...]) -> None:
        """Start the cache file with these sections, which are final now.

        A cold build calls this while its workers render, so that ``save`` has less left
        to do; the sections go straight to the file (not held in memory). A section whose
        items change afterwards (another object, or another size) is written again.
        """
        if self._base is not None:
            if all(self._unchanged(name) for name in names):
                return  # already in the file: save appends what else changed
            self._base = None  # much changes: the whole file is written anew
        if self._file is None:
            self._file = _CacheFile.open(config)
        if self._file is not None:
            for name in names:
                section = getattr(self, name)
                self._file.add(name, section.key, section.items)

    def abandon(self) -> None:
        """Drop a cache file begun by ``prepare`` (the build failed)."""
        if self._file is not None:
            self._file.discard()
            self._file = None

    @classmethod
    def empty(cls, keys: dict[str, str]) -> BuildCache:
        return cls(Section(keys["parsed"]), Section(keys["markdown"]), Section(keys["pages"]),
                   Section(keys["digests"]))

    @classmethod
    def load(cls, config: Config, keys: dict[str, str]) -> BuildCache:
        """The cache for these keys; sections stored under other keys start empty."""
        cache = cls.empty(keys)
        try:
            key = signing_key(config)
        except UntrustedKey as exc:
            named = os.path.abspath(exc.path)  # as named: not where a link leads
            cache.warnings.append(Problem(
                display_path(named, config.root) if Path(named).is_relative_to(
                    os.path.abspath(config.root)) else named, None, None,
                f"build cache not used: the cache's signing key {exc.message}", exc.hint,
                "warning"))
            return cache
        path = cache_dir(config) / FILE
        try:
            blob = path.read_bytes()
        except FileNotFoundError:
            return cache
        except OSError as exc:
            cache.warn(config, path, f"cannot be read ({exc.strerror or exc}); building without it")
            return cache
        read = _read(blob, key)
        if read is None:
            cache.warn(config, path, "is corrupt or was not written by this sitegen; discarded")
            _discard(path)
            return cache
        stored, mac, sizes = read
        seen: dict[str, tuple[str, dict[Any, Any]]] = {}
        for name in SECTIONS:
            key, items = stored.get(name, (None, None))
            if key == keys[name] and isinstance(items, dict):
                getattr(cache, name).items = items
                seen[name] = (key, _snapshot(items))
        try:
            ident = _identity(path)
        except OSError:
            return cache
        cache._base = _Base(path, ident, mac, len(blob), sizes, seen)
        return cache

    def _unchanged(self, name: str) -> bool:
        """Whether a section holds just what was loaded (the very same objects)."""
        base = self._base
        if base is None or name not in base.seen:
            return False
        key, items = base.seen[name]
        section = getattr(self, name)
        return section.key == key and _same(section.items, items, 2)

    def warn(self, config: Config, path: Path, message: str) -> None:
        self.warnings.append(Problem(display_path(path, config.root), None, None,
                                     f"build cache {message}", None, "warning"))

    def save(self, config: Config) -> None:
        """Write the cache atomically; a failure only costs the next build its speed.

        Each section is pickled as its own record (name, key, items), streamed to the file
        through the MAC (no second copy in memory) in pickle's fast mode (no memo of every
        object written); the MAC is then written into the space left for it after the
        magic bytes.
        """
        if self._file is None and self._base is not None:
            changed = [name for name in SECTIONS if not self._unchanged(name)]
            if self._base.append(changed, [getattr(self, name) for name in changed]):
                return
        file, self._file = self._file or _CacheFile.open(config), None
        if file is None:
            return
        for name in SECTIONS:
            section = getattr(self, name)
            file.add(name, section.key, section.items)
        file.commit()


def _snapshot(items: dict[Any, Any]) -> dict[Any, Any]:
    """A copy of a section as loaded, two levels deep (the pages section nests dicts)."""
    return {k: dict(v) if isinstance(v, dict) else v for k, v in items.items()}


def _same(now: dict[Any, Any], then: dict[Any, Any], depth: int) -> bool:
    """Whether ``now`` holds the very objects ``then`` held (dicts compared ``depth`` deep)."""
    if len(now) != len(then):
        return False
    for k, v in now.items():
        old = then.get(k, _same)
        if v is not old and not (depth > 1 and isinstance(v, dict) and isinstance(old, dict)
                                 and _same(v, old, depth - 1)):
            return False
    return True


@dataclass
class _Base:
    """The cache file a build loaded: a save appends what changed instead of rewriting it.

    A warm build changes only the pages section (a few MB) of a cache of 100 MB or more:
    the file is copied (the kernel copies it, no unpickling), the changed sections are
    appended as new records (the last record of a section counts) and the MAC, resumed
    from the one computed when the file was verified, is written into the copy, which then
    replaces the file. When superseded records would make up half of the file, the whole
    file is written anew instead.
    """

    path: Path
    ident: tuple[int, int, int]
    mac: hmac.HMAC  # over the payload as loaded
    size: int
    sizes: dict[str, int]  # bytes of each section's last record
    seen: dict[str, tuple[str, dict[Any, Any]]]  # section → key and items as loaded

    def append(self, names: list[str], sections: list[Section]) -> bool:
        """Write ``sections`` (named ``names``) onto a copy of the file; False: not done."""
        if not names and self._current():
            return True  # nothing changed: the file is right as it is
        live = sum(self.sizes.values())
        superseded = self.size - len(MAGIC) - 32 - live + sum(self.sizes.get(n, 0) for n in names)
        if superseded * 2 > self.size or not self._current():
            return False
        tmp = self.path.with_name(f".{FILE}.{os.getpid()}")
        try:
            shutil.copyfile(self.path, tmp)
            with open(tmp, "r+b") as fh:
                fh.seek(0, os.SEEK_END)
                signer = _SigningWriter(fh, self.mac.copy())
                for name, section in zip(names, sections, strict=True):
                    _dump(signer, name, section.key, section.items)
                fh.seek(len(MAGIC))
                fh.write(signer.mac.digest())
            os.replace(tmp, self.path)
        except OSError:
            _discard(tmp)
            return False
        return True

    def _current(self) -> bool:
        """Whether the file is still the one loaded (no other build replaced it)."""
        try:
            return _identity(self.path) == self.ident
        except OSError:
            return False


class _CacheFile:
    """A cache file being written: its temporary path, the MAC so far, what it holds."""

    def __init__(self, folder: Path, tmp: Path, fh: Any, key: bytes) -> None:
        self.folder, self.tmp, self.fh = folder, tmp, fh
        self.signer = _SigningWriter(fh, hmac.new(key, digestmod=hashlib.sha256))
        self.written: dict[str, tuple[str, int, int]] = {}

    @classmethod
    def open(cls, config: Config) -> _CacheFile | None:
        """A new cache file, or None when it cannot be written or signed (no cache)."""
        try:
            key = signing_key(config)
        except UntrustedKey:  # said once, when the build loaded its cache
            return None
        folder = cache_dir(config)
        tmp = folder / f".{FILE}.{os.getpid()}"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fh = open(tmp, "wb")  # noqa: SIM115 - closed by commit or discard
            fh.write(MAGIC + bytes(32))
        except OSError:
            _discard(tmp)
            return None
        return cls(folder, tmp, fh, key)

    def add(self, name: str, key: str, items: dict[Any, Any]) -> None:
        """Append one section, unless it is already here exactly as it is now."""
        if self.fh is None or self.written.get(name) == (key, id(items), len(items)):
            return
        try:
            _dump(self.signer, name, key, items)
        except OSError:
            self.discard()
            return
        self.written[name] = (key, id(items), len(items))

    def commit(self) -> None:
        if self.fh is None:
            return
        try:
            self.fh.seek(len(MAGIC))
            self.fh.write(self.signer.mac.digest())
            self.fh.close()
            self.fh = None
            os.replace(self.tmp, self.folder / FILE)
        except OSError:
            self.discard()

    def discard(self) -> None:
        if self.fh is not None:
            try:
                self.fh.close()
            except OSError:
                pass
            self.fh = None
        _discard(self.tmp)


def _dump(sink: Any, name: str, key: str, items: dict[Any, Any]) -> None:
    """Pickle one section record (name, key, items) into ``sink``.

    No memo: the sections hold no cycles, and the memo of a million objects would be the
    largest allocation of a 10,000-entry build. Shared objects are written once per
    reference instead.
    """
    pickler = pickle.Pickler(sink, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.fast = True
    pickler.dump((name, key, items))


class _SigningWriter:
    """A file-like sink that feeds everything written to it into a MAC as well."""

    def __init__(self, fh: Any, mac: hmac.HMAC) -> None:
        self.fh, self.mac = fh, mac

    def write(self, data: bytes) -> int:
        self.mac.update(data)
        return self.fh.write(data)  # type: ignore[no-any-return]


def _verified(blob: bytes, key: bytes | None = None) -> dict[str, Any] | None:
    """The stored sections if the file is ours and intact, else None (never unpickled)."""
    read = _read(blob, key)
    return None if read is None else read[0]


def _read(blob: bytes, key: bytes | None = None
          ) -> tuple[dict[str, Any], hmac.HMAC, dict[str, int]] | None:
    """The stored sections, the MAC of the payload and each section's size in bytes.

    ``key``: the signing key (default: this user's, see signing_key).
    """
    if len(blob) < len(MAGIC) + 32 or not blob.startswith(MAGIC):
        return None
    view = memoryview(blob)  # no copy of a 100 MB payload
    mac, payload = bytes(view[len(MAGIC):len(MAGIC) + 32]), view[len(MAGIC) + 32:]
    computed = hmac.new(key or signing_key(), payload, hashlib.sha256)
    if not hmac.compare_digest(mac, computed.digest()):
        return None
    data: dict[str, Any] = {}
    sizes: dict[str, int] = {}
    stream = io.BytesIO(blob)  # shares the bytes object's buffer (no copy) while only read
    stream.seek(len(MAGIC) + 32)
    try:
        with no_gc():  # ~100 MB of records that stay
            while stream.tell() < len(blob):
                begin = stream.tell()
                record = _DataUnpickler(stream).load()  # signed, and data classes only
                if not (isinstance(record, tuple) and len(record) == 3):
                    return None
                name, key, items = record
                data[name] = (key, items)  # a section written twice: the last one counts
                sizes[name] = stream.tell() - begin
    except Exception:  # signed but unreadable (another Python): treat as corrupt
        return None
    return data, computed, sizes


@functools.lru_cache(maxsize=1)
def _data_classes() -> dict[tuple[str, str], type]:
    """The only classes a cache file may name: sitegen's data classes (model, dates,
    problems), which unpickle by setting their fields and run no code of their own."""
    from sitegen import errors
    from sitegen.content import dates, model

    return {(m.__name__, name): cls for m in (model, dates, errors)
            for name, cls in vars(m).items()
            if isinstance(cls, type) and dataclasses.is_dataclass(cls)
            and cls.__module__ == m.__name__}


class _DataUnpickler(pickle.Unpickler):
    """An unpickler that builds plain data and sitegen's data classes only.

    Defence in depth behind the signature: even a file signed with this user's key
    cannot name a function or any other class, so unpickling it runs no code. (As fast as
    the stock unpickler: a dict lookup replaces an import per class reference.)
    """

    def find_class(self, module: str, name: str) -> Any:
        found = _data_classes().get((module, name))
        if found is None:
            raise pickle.UnpicklingError(f"{module}.{name} is not sitegen data")
        return found


def _discard(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass
