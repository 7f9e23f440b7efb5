"""The build cache under ``.cache/sitegen/``: signed files a build may reuse from the last.

One file per section, each valid only under its key (a hash of what it depends on, which
the builder computes): ``build.pickle`` (the parsed content and the digests of its parts),
``markdown.pickle`` (converted bodies) and ``pages.pickle`` (what each output was made of,
and its files). A section is written only when it changed.

Each file is a pickle signed with HMAC-SHA256 under a key kept in the user's cache folder.
A file that is truncated, corrupt, of another format, or signed with another key (copied
from elsewhere) is discarded with a warning and never unpickled: the cache is only ever
trusted when this user's sitegen wrote it. The files lie inside the checkout, so everything
rests on the key being out of a checkout's reach: a key file inside the project
(``XDG_CACHE_HOME`` or ``HOME`` pointing into it), or one that is a link, not a regular
file, not the user's own, or writable by group or others, is never read (UntrustedKey: the
build runs without a cache and says why). Behind the signature, the unpickler builds only
plain data and sitegen's data classes: a file naming any other class is discarded, unrun.
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
import stat
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

from sitegen import __version__
from sitegen.config import Config, canonical
from sitegen.engine.deps import digest
from sitegen.engine.workers import no_gc
from sitegen.errors import Problem, display_path
from sitegen.portable import NOFOLLOW, running, user_id

MAGIC = b"SGCACHE2"
FILES = {"content": "build.pickle", "markdown": "markdown.pickle", "pages": "pages.pickle"}
# the distributions whose code shapes what a build writes (their versions are in every key)
LIBRARIES = ("Markdown", "nh3", "Jinja2", "MarkupSafe", "PyYAML", "python-frontmatter",
             "pagefind")


def cache_keys(config: Config, drafts: bool) -> dict[str, str]:
    """What each section depends on: sitegen's code and libraries, and the configuration
    (content, pages), the Markdown settings, or templates, drafts and SOURCE_DATE_EPOCH."""
    code = code_digest()
    settings = digest(code, canonical(config))
    return {"content": digest("content", settings),
            "markdown": digest("markdown", code, config.markup_options),
            "pages": digest("pages", settings, drafts, os.environ.get("SOURCE_DATE_EPOCH", ""),
                            *(tree_digest(d, skip="static") for d in config.theme_dirs()))}


def tree_digest(folder: Path, pattern: str = "*", skip: str = "") -> str:
    """A hash of every file under ``folder`` (names and bytes), but those under ``skip``."""
    h = hashlib.blake2b(digest_size=16)
    for path in sorted(folder.rglob(pattern)) if folder.is_dir() else ():
        rel = path.relative_to(folder).as_posix()
        if path.is_file() and not (skip and rel.startswith(skip + "/")):
            h.update(rel.encode() + b"\0" + hashlib.blake2b(path.read_bytes()).digest())
    return h.hexdigest()


@functools.lru_cache(maxsize=1)
def code_digest() -> str:
    """sitegen's version and source files, the schemas it publishes, Python's version and
    the version of each library in LIBRARIES: a cache written by other code is not used."""
    from sitegen.packaged import schemas

    def version(name: str) -> str | None:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return None

    here = Path(__file__).resolve().parent.parent
    return digest(__version__, tree_digest(here, "*.py"), tree_digest(schemas()),
                  sys.version_info[:3], [(name, version(name)) for name in LIBRARIES])


def cache_dir(config: Config) -> Path:
    return config.root / ".cache" / "sitegen"


def remove_stale_files(config: Config) -> None:
    """Remove ``.NAME.pickle.<pid>`` files killed builds left (of gone processes or this
    one's id) and any that is not a regular file (a link would be written through)."""
    try:
        listing = list(os.scandir(cache_dir(config)))
    except OSError:
        return
    for d in listing:
        name, _, pid = d.name.rpartition(".")
        if name[1:] not in FILES.values() or not name.startswith("."):
            continue
        if (d.is_file(follow_symlinks=False) and pid.isdigit()
                and 0 < int(pid) != os.getpid() and running(int(pid))):
            continue
        _discard(Path(d.path))


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


OUTSIDE_HINT = ("set XDG_CACHE_HOME (or HOME) to a folder of your own outside the project; "
                "the build runs without its cache meanwhile")
REPLACE_HINT = "delete it; sitegen makes a new key (mode 0600) at the next build"


def check_key_place(path: Path, config: Config | None) -> None:
    """Raise UntrustedKey unless ``path`` can only have been written by this user: not
    inside the project or a folder the build reads, and neither it nor its folder a link,
    of another kind, another user's, or writable by group or others."""
    for what, place, kind in (("folder", path.parent, stat.S_ISDIR),
                              ("file", path, stat.S_ISREG)):
        try:
            st = os.lstat(place)
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise UntrustedKey(path, f"cannot be checked ({exc.strerror or exc})",
                               OUTSIDE_HINT) from None
        problem = None
        if stat.S_ISLNK(st.st_mode):
            problem = "is a link"
        elif not kind(st.st_mode):
            problem = f"is not a {'folder' if what == 'folder' else 'regular file'}"
        elif (uid := user_id()) is not None and st.st_uid != uid:
            problem = "belongs to another user"
        elif uid is not None and st.st_mode & 0o022:  # (Windows: no owner, no such bits)
            problem = "is writable by group or others"
        if problem:
            raise UntrustedKey(path, f"{'its folder ' if what == 'folder' else ''}{problem}",
                               REPLACE_HINT if what == "file" else OUTSIDE_HINT)
    for folder in ((config.root, config.content_dir, config.templates_dir) if config else ()):
        for key, top in ((os.path.abspath(path), os.path.abspath(folder)),
                         (os.path.realpath(path), os.path.realpath(folder))):
            if key == top or key.startswith(top.rstrip(os.sep) + os.sep):
                raise UntrustedKey(path, "is inside the project folder, which a checkout "
                                   "supplies", OUTSIDE_HINT)


def signing_key(config: Config | None = None) -> bytes:
    """This user's secret for signing cache files (made on first use, mode 0600); raises
    UntrustedKey when its file is not safely this user's (see check_key_place)."""
    path = _key_file()
    check_key_place(path, config)
    try:
        fd = os.open(path, os.O_RDONLY | NOFOLLOW)
        with os.fdopen(fd, "rb") as fh:
            key = fh.read(33)
        if len(key) == 32:
            return key
    except OSError:
        pass
    key = secrets.token_bytes(32)
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        check_key_place(path, config)  # the folder as made (or as someone else made it)
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # (never follows a link)
        with os.fdopen(fd, "wb") as fh:
            fh.write(key)
        os.replace(tmp, path)
    except OSError:
        pass  # an unwritable home: this process's cache files will not verify next time
    return key


class Store:
    """The cache files of one project: ``load`` and ``save`` a section by name and key."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.warnings: list[Problem] = []
        self.key: bytes | None = None
        try:
            self.key = signing_key(config)
        except UntrustedKey as exc:
            named = os.path.abspath(exc.path)  # as named: not where a link leads
            shown = (display_path(named, config.root)
                     if Path(named).is_relative_to(os.path.abspath(config.root)) else named)
            self.warnings.append(Problem(
                shown, None, None, f"build cache not used: the cache's signing key "
                f"{exc.message}", exc.hint, "warning"))

    def path(self, name: str) -> Path:
        return cache_dir(self.config) / FILES[name]

    def load(self, name: str, key: str) -> dict[Any, Any] | None:
        """A section's items if its file is ours, intact and made under ``key``."""
        if self.key is None:
            return None
        path = self.path(name)
        try:
            blob = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            self._warn(path, f"cannot be read ({exc.strerror or exc}); building without it")
            return None
        record = verified(blob, self.key)
        if record is None:
            self._warn(path, "is corrupt or was not written by this sitegen; discarded")
            _discard(path)
            return None
        return record[2] if record[:2] == (name, key) and isinstance(record[2], dict) else None

    def save(self, name: str, key: str, items: dict[Any, Any]) -> None:
        """Write a section atomically; a failure only costs the next build its speed."""
        if self.key is None:
            return
        path = self.path(name)
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(tmp, "wb") as fh:
                fh.write(MAGIC + bytes(32))
                signer = _SigningWriter(fh, hmac.new(self.key, digestmod=hashlib.sha256))
                pickler = pickle.Pickler(signer, protocol=pickle.HIGHEST_PROTOCOL)
                pickler.fast = True  # no memo: it would be a build's largest allocation
                pickler.dump((name, key, items))
                fh.seek(len(MAGIC))
                fh.write(signer.mac.digest())
            os.replace(tmp, path)
        except OSError:
            _discard(tmp)

    def _warn(self, path: Path, message: str) -> None:
        self.warnings.append(Problem(display_path(path, self.config.root), None, None,
                                     f"build cache {message}", None, "warning"))


class _SigningWriter:
    """A file-like sink that feeds everything written to it into a MAC as well."""

    def __init__(self, fh: Any, mac: hmac.HMAC) -> None:
        self.fh, self.mac = fh, mac

    def write(self, data: bytes) -> int:
        self.mac.update(data)
        return self.fh.write(data)  # type: ignore[no-any-return]


def verified(blob: bytes, key: bytes) -> tuple[Any, ...] | None:
    """The (name, key, items) record of a cache file if it is ours and intact, else None
    (never unpickled then)."""
    if len(blob) < len(MAGIC) + 32 or not blob.startswith(MAGIC):
        return None
    view = memoryview(blob)  # no copy of a 100 MB payload
    mac, payload = bytes(view[len(MAGIC):len(MAGIC) + 32]), view[len(MAGIC) + 32:]
    if not hmac.compare_digest(mac, hmac.new(key, payload, hashlib.sha256).digest()):
        return None
    try:
        with no_gc():  # ~100 MB of records that stay
            record = _DataUnpickler(io.BytesIO(payload)).load()
    except Exception:  # signed but unreadable (another Python): treat as corrupt
        return None
    return record if isinstance(record, tuple) and len(record) == 3 else None


@functools.lru_cache(maxsize=1)
def _data_classes() -> dict[tuple[str, str], type]:
    """The only classes a cache file may name: sitegen's data classes (model, dates,
    problems, translations), which unpickle by setting their fields and run no code of their own."""
    from sitegen import errors
    from sitegen.content import dates, model, translations

    return {(m.__name__, name): cls for m in (model, dates, errors, translations)
            for name, cls in vars(m).items()
            if isinstance(cls, type) and dataclasses.is_dataclass(cls)
            and cls.__module__ == m.__name__}


class _DataUnpickler(pickle.Unpickler):
    """Plain data and sitegen's data classes only: even a file signed with this user's key
    cannot name a function or any other class, so unpickling it runs no code."""

    def find_class(self, module: str, name: str) -> Any:
        found = _data_classes().get((module, name))
        if found is None:
            raise pickle.UnpicklingError(f"{module}.{name} is not sitegen data")
        return found


def _discard(path: Path) -> None:
    try:
        if path.is_dir() and not path.is_symlink():
            return
        path.unlink()
    except OSError:
        pass
