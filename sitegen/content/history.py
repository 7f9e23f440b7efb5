"""The content's revision history, read from Git, and the dataset's version (its HEAD commit).

A checkout is untrusted input (SECURITY.md, "Git on an untrusted checkout"): Git runs here
with a clean environment (no system or global configuration, an empty HOME, no inherited
``GIT_*`` variable), every repository setting that can run a command overridden on its
command line (fsmonitor, hooks, external diff, textconv, pager, signature checks), bare
repositories found by discovery refused, no terminal, a time limit and a bound on what it
may print. Only ``rev-parse`` and ``log`` run, and ``log`` with ``--no-textconv
--no-ext-diff`` and ``--name-status`` only: nothing reads ``.gitattributes`` filters,
nothing checks out or diffs file contents.

The whole history of the content folder is read with one ``git log --name-status -z``
(three Git processes in all, however many entries), renames followed from the newest commit
back. Outside a Git checkout, in a shallow clone, without ``git`` or when Git fails, the
history is *omitted* (``History.reason`` says why) and the build goes on without it.
"""

from __future__ import annotations

import hashlib
import os
import re
import selectors
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

from sitegen.content.dates import PartialDate

if TYPE_CHECKING:
    from sitegen.config import Config

TIMEOUT = 120.0  # seconds for one Git process
MAX_OUTPUT = 256 * 1024 * 1024  # bytes one Git process may print (the whole log)
MAX_ERRORS = 64 * 1024  # bytes of its error output that are kept
RECENT_CHANGES = 50  # commits on the "recent changes" page and in its feed
COMMIT_ENV = "SITEGEN_COMMIT"  # overrides the dataset's commit (a CI may set it)

# every setting a repository's configuration could use to run a command or reach out while
# ``rev-parse`` or ``log`` runs, overridden (the command line wins over .git/config)
HARDENING = (
    "-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null", "-c", "diff.external=",
    "-c", "core.pager=cat", "-c", "pager.log=false", "-c", "log.showSignature=false",
    "-c", "core.sshCommand=false", "-c", "core.askPass=", "-c", "credential.helper=",
    "-c", "protocol.allow=never", "-c", "core.alternateRefsCommand=",
    "-c", "safe.bareRepository=explicit", "-c", "i18n.logOutputEncoding=UTF-8",
    "-c", "log.mailmap=false", "-c", "log.follow=false", "-c", "diff.renames=true",
    "-c", "core.untrackedCache=false", "-c", "core.splitIndex=false",
    "--no-pager", "--no-replace-objects", "--literal-pathspecs",
)
_SHA = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
_GIVEN_SHA = re.compile(r"[0-9a-fA-F]{7,64}")
_STATUS = re.compile(r"[ACDMRTUXB][0-9]*")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]")
_PLACEHOLDERS = ("url", "commit", "branch", "path")


class GitFailed(Exception):
    """Git could not give the history (the message says why, for the user)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


# -- settings --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Repository:
    """``[repository]``: where the content's repository is on the web, for links to diffs."""

    url: str
    branch: str = "main"
    commit_url: str = "{url}/commit/{commit}"  # a commit's page, showing its diff
    file_history_url: str = "{url}/commits/{branch}/{path}"  # a file's history

    def link(self, pattern: str, **values: str) -> str:
        return pattern.format(url=self.url.rstrip("/"), branch=self.branch, **values)


def repository_setting(value: Any, bad: Callable[..., None]) -> Repository | None:
    """``[repository]`` of sitegen.toml checked: url (https), branch, the two link patterns."""
    known = ("url", "branch", "commit_url", "file_history_url")
    if not isinstance(value, dict):
        bad("repository", "must be a table",
            'write it as [repository] with url = "https://github.com/owner/repo"')
        return None
    ok = True
    for key in sorted(set(value) - set(known)):
        bad(f"repository.{key}", "unknown setting", "known: " + ", ".join(known))
        ok = False
    for key in known:
        item = value.get(key)
        if item is not None and (not isinstance(item, str) or not item.strip()
                                 or _CONTROL.search(item)):
            bad(f"repository.{key}", "must be a non-empty string on one line")
            ok = False
    url = value.get("url")
    if not isinstance(url, str):
        if ok:
            bad("repository.url", "is missing",
                'e.g. url = "https://github.com/owner/repo" (the repository\'s web address)')
        return None
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname or parts.query or parts.fragment \
            or "@" in parts.netloc or re.search(r"[\s\"'<>\\`{}|^]", url):
        bad("repository.url", f"'{url}' is not an https address of a repository",
            'e.g. url = "https://github.com/owner/repo"')
        ok = False
    for key in ("commit_url", "file_history_url"):
        pattern = value.get(key)
        if isinstance(pattern, str):
            names = re.findall(r"{([^{}]*)}", pattern)
            if not pattern.startswith("{url}") or any(n not in _PLACEHOLDERS for n in names):
                bad(f"repository.{key}", "must start with {url} and use only the placeholders "
                    "{url}, {commit}, {branch} and {path}",
                    'e.g. commit_url = "{url}/-/commit/{commit}" (GitLab)')
                ok = False
    if not ok:
        return None
    return Repository(**{k: v.strip() for k, v in value.items()})


# -- running Git -----------------------------------------------------------------------------
def git_environment(home: str) -> dict[str, str]:
    """A clean environment: no ``GIT_*`` from ours, no system or global configuration."""
    return {"PATH": os.environ.get("PATH", os.defpath), "HOME": home, "XDG_CONFIG_HOME": home,
            "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_ATTR_NOSYSTEM": "1", "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0",
            "GIT_NO_REPLACE_OBJECTS": "1", "GIT_PAGER": "cat", "PAGER": "cat",
            "LC_ALL": "C", "TZ": "UTC"}


def run_git(args: list[str], cwd: Path, limit: int | None = None,
            timeout: float | None = None) -> bytes:
    """Run ``git HARDENING args`` in ``cwd``; its output, or GitFailed (not installed, a
    non-zero exit, over ``timeout`` seconds or ``limit`` bytes: TIMEOUT, MAX_OUTPUT)."""
    limit = MAX_OUTPUT if limit is None else limit
    timeout = TIMEOUT if timeout is None else timeout
    git = shutil.which("git")
    if git is None:
        raise GitFailed("git is not installed (not found on PATH)")
    with tempfile.TemporaryDirectory(prefix="sitegen-git-home-") as home:
        try:
            proc = subprocess.Popen([git, *HARDENING, *args], cwd=cwd, env=git_environment(home),
                                    stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE)
        except OSError as exc:
            raise GitFailed(f"git could not start ({exc.strerror})") from None
        out, err = _bounded(proc, limit, timeout)
    if proc.returncode != 0:
        message = err.decode("utf-8", "replace").strip().splitlines()
        raise GitFailed(_CONTROL.sub("?", message[0] if message else f"git exited with "
                                     f"status {proc.returncode}"), proc.returncode)
    return out


def _bounded(proc: subprocess.Popen[bytes], limit: int, timeout: float) -> tuple[bytes, bytes]:
    """Everything ``proc`` prints, killing it past ``timeout`` seconds or ``limit`` bytes."""
    assert proc.stdout is not None and proc.stderr is not None
    chunks: dict[Any, list[bytes]] = {proc.stdout: [], proc.stderr: []}
    sizes: dict[Any, int] = {proc.stdout: 0, proc.stderr: 0}
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as sel:
        for stream in chunks:
            sel.register(stream, selectors.EVENT_READ)
        try:
            while sel.get_map():
                left = deadline - time.monotonic()
                if left <= 0:
                    raise GitFailed(f"git took more than {timeout:g} s")
                for key, _ in sel.select(left):
                    data = os.read(key.fd, 1 << 16)
                    if not data:
                        sel.unregister(key.fileobj)
                        continue
                    sizes[key.fileobj] += len(data)
                    if key.fileobj is proc.stdout and sizes[key.fileobj] > limit:
                        raise GitFailed(f"git printed more than {limit} bytes of history")
                    if sizes[key.fileobj] <= max(limit, MAX_ERRORS):
                        chunks[key.fileobj].append(data)
            proc.wait(max(0.1, deadline - time.monotonic()))
        except (GitFailed, subprocess.TimeoutExpired) as exc:
            proc.kill()
            proc.wait()
            if isinstance(exc, GitFailed):
                raise
            raise GitFailed(f"git took more than {timeout:g} s") from None
        finally:
            proc.stdout.close()
            proc.stderr.close()
    return b"".join(chunks[proc.stdout]), b"".join(chunks[proc.stderr])[:MAX_ERRORS]


# -- the history -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Commit:
    """One commit that touched the content: its id, committer date (ISO 8601, with the
    committer's offset), subject line, and the files it touched, each as the path the file
    has at HEAD (renames followed) or, for a file gone since, as it was then, with False."""

    sha: str
    date: str
    subject: str
    files: tuple[tuple[str, bool], ...]

    @property
    def day(self) -> PartialDate:
        return PartialDate(int(self.date[:4]), int(self.date[5:7]), int(self.date[8:10]))


@dataclass(frozen=True)
class DatasetVersion:
    """The dataset's version: the commit it was built from, and that commit's date."""

    commit: str
    short: str
    date: str | None  # committer date, ISO 8601; None when unknown (SITEGEN_COMMIT outside Git)

    def as_dict(self) -> dict[str, str | None]:
        return {"commit": self.commit, "short": self.short, "date": self.date}


@dataclass(frozen=True)
class History:
    """The content's history (commits newest first), or why there is none (``reason``)."""

    reason: str = ""
    commits: tuple[Commit, ...] = ()
    top: str = ""  # the repository's top folder (real path)
    by_file: dict[str, tuple[int, ...]] = field(default_factory=dict, compare=False)
    digest: str = ""  # changes whenever the history does

    @property
    def available(self) -> bool:
        return not self.reason

    def of(self, path: Path) -> list[Commit]:
        """The commits that touched the file at ``path`` (renames followed), newest first."""
        return [self.commits[i] for i in self.by_file.get(self.relative(path) or "", ())]

    def relative(self, path: Path) -> str | None:
        """``path`` relative to the repository's top, as Git names it."""
        if not self.top:
            return None
        real = os.path.realpath(path)
        rel = os.path.relpath(real, self.top)
        return None if rel.startswith("..") else Path(rel).as_posix()


def read_history(config: Config) -> History:
    """The history of the site's content folder, read with three Git processes."""
    content = config.content_dir
    try:
        shallow, top = _repository(content)
        if shallow:
            return History("the repository is a shallow clone, which holds only the last "
                           "commits: fetch the whole history (git fetch --unshallow; in "
                           "GitHub Actions, actions/checkout with fetch-depth: 0)")
        rel = os.path.relpath(os.path.realpath(content), top)
        log = run_git(["log", "-z", "--name-status", "--no-textconv", "--no-ext-diff",
                       "--no-color", "-M", "--format=%x1e%H%x00%cI%x00%s", "HEAD", "--",
                       Path(rel).as_posix() if rel != "." else "."], Path(top))
    except GitFailed as exc:
        return History(str(exc))
    commits, by_file = parse_log(log)
    return History("", commits, top, by_file,
                   hashlib.blake2b(log + top.encode("utf-8", "surrogateescape"),
                                   digest_size=16).hexdigest())


def _repository(content: Path) -> tuple[bool, str]:
    """Whether the repository holding ``content`` is shallow, and its top folder."""
    if not content.is_dir():
        raise GitFailed(f"{content} is not a folder")
    try:
        out = run_git(["rev-parse", "--is-shallow-repository", "--show-toplevel", "--verify",
                       "--quiet", "HEAD"], content, limit=1 << 16)
    except GitFailed as exc:
        if "not a git repository" in str(exc):
            raise GitFailed("the content folder is not in a Git repository") from None
        if exc.status == 1:
            raise GitFailed("the repository has no commits yet") from None
        raise
    lines = out.decode("utf-8", "surrogateescape").splitlines()
    if len(lines) != 3 or not lines[1]:
        raise GitFailed("the content folder is not in a Git work tree")
    return lines[0] == "true", os.path.realpath(lines[1])


def parse_log(log: bytes) -> tuple[tuple[Commit, ...], dict[str, tuple[int, ...]]]:
    """``git log -z --name-status --format=%x1e%H%x00%cI%x00%s`` read, newest commit first,
    each file's lineage followed back through renames; the commits, and for each path at
    HEAD the indexes of the commits that touched it."""
    tokens = log.split(b"\0")
    commits: list[Commit] = []
    by_file: dict[str, list[int]] = {}
    lineage = _Lineage()
    i, n = 0, len(tokens)
    while i < n:
        token = tokens[i].lstrip(b"\n")
        if not token.startswith(b"\x1e") or i + 2 >= n:
            i += 1
            continue
        sha = token[1:].decode("ascii", "replace")
        date = tokens[i + 1].decode("ascii", "replace")
        subject = _CONTROL.sub(" ", tokens[i + 2].decode("utf-8", "replace")).strip()
        i += 3
        files: list[tuple[str, bool]] = []
        while i < n and not tokens[i].lstrip(b"\n").startswith(b"\x1e"):
            status = tokens[i].lstrip(b"\n").decode("ascii", "replace")
            if not _STATUS.fullmatch(status):
                i += 1
                continue
            count = 2 if status[0] in "RC" else 1
            paths = [os.fsdecode(p) for p in tokens[i + 1:i + 1 + count]]
            i += 1 + count
            if len(paths) == count:
                files.append(lineage.change(status[0], paths))
        if not _SHA.fullmatch(sha) or not re.fullmatch(r"\d{4}-\d\d-\d\dT[0-9:+-Z]+", date):
            continue
        index = len(commits)
        kept = tuple(dict.fromkeys(files))
        commits.append(Commit(sha, date, subject or "(no message)", kept))
        for path, alive in kept:
            if alive:
                by_file.setdefault(path, []).append(index)
    return tuple(commits), {k: tuple(v) for k, v in by_file.items()}


class _Lineage:
    """Which file at HEAD a path named in an older commit was (walking back in time)."""

    def __init__(self) -> None:
        self.alias: dict[str, str | None] = {}  # path then → path at HEAD (None: gone since)

    def owner(self, path: str) -> str | None:
        return self.alias.get(path, path)

    def change(self, status: str, paths: list[str]) -> tuple[str, bool]:
        """One change of one commit: the file it touched, as (its path at HEAD, True), or
        (its path then, False) for a file gone since."""
        if status in "RC":
            old, new = paths
            owner = self.owner(new)
            self.alias[new] = None  # before this commit, ``new`` did not exist
            if status == "R":
                self.alias[old] = owner  # before it, the file was called ``old``
            return (owner, True) if owner is not None else (new, False)
        path = paths[0]
        owner = self.owner(path)
        if status == "A":
            self.alias[path] = None  # earlier, a file of that name was another one
        elif status == "D":
            self.alias[path] = None  # deleted here: earlier commits touched a file gone now
            return path, False
        return (owner, True) if owner is not None else (path, False)


T = TypeVar("T")


# -- from build to build (the preview) --------------------------------------------------------
def remembered(store: dict[str, Any] | None, name: str, folder: Path,
               make: Callable[[], T]) -> T:
    """``make()`` (which asks Git about the repository holding ``folder``), or what it gave
    the last time if that repository has not moved since (repository_stamp); ``store`` is
    kept from build to build (None: a single build, always ``make()``). Each Git process
    costs the preview 5-15 ms on every save otherwise, for a history that only a commit,
    a checkout or a fetch changes."""
    repository = None if store is None else repository_stamp(folder)
    if store is None or repository is None:
        return make()
    stamp = (repository, os.environ.get(COMMIT_ENV, ""))  # (a CI may name the commit)
    got = store.get(name)
    if got is None or got[0] != stamp:
        got = store[name] = (stamp, make())
    return got[1]  # type: ignore[no-any-return]


def repository_stamp(folder: Path) -> tuple[Any, ...] | None:
    """Where HEAD points and when the refs last moved, of the repository Git would find
    from ``folder`` (the same upward search; git_environment leaves no GIT_DIR to change
    it), read from its files without running Git; ("none",) outside any repository, None
    when its layout is not one this reads (then Git is asked every time)."""
    here = Path(os.path.realpath(folder))
    for top in (here, *here.parents):
        dot = top / ".git"
        if dot.is_dir():
            gitdir = dot
            break
        if dot.is_file():
            try:
                line = dot.read_text(encoding="utf-8", errors="replace").strip()
            except OSError:
                return None
            if not line.startswith("gitdir: "):
                return None
            gitdir = (top / line.removeprefix("gitdir: ")).resolve()
            break
    else:
        return ("none",)
    if not (gitdir / "HEAD").is_file():  # (never opened unless a regular file: no pipe)
        return None
    try:
        head = (gitdir / "HEAD").read_text(encoding="utf-8", errors="replace").strip()
        common = gitdir
        if (gitdir / "commondir").is_file():  # a linked worktree: refs are the main one's
            common = (gitdir / (gitdir / "commondir").read_text().strip()).resolve()
    except OSError:
        return None
    ref = head.removeprefix("ref: ") if head.startswith("ref: ") else None
    files = [gitdir / "HEAD", gitdir / "logs" / "HEAD", gitdir / "shallow",
             common / "packed-refs", common / "shallow"]
    files += [gitdir / ref, common / ref] if ref else []

    def stat(path: Path) -> tuple[int, int, int] | None:
        try:
            st = path.stat()
        except OSError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    return (str(gitdir), head, *(stat(p) for p in files))


# -- the dataset's version --------------------------------------------------------------------
def dataset_version(config: Config) -> DatasetVersion | None:
    """The commit the site is built from and its date: ``SITEGEN_COMMIT`` when set (a CI
    building a detached or exported tree can give it), else the repository's HEAD; None
    outside Git (and without SITEGEN_COMMIT). Never the clock: builds stay deterministic."""
    given = os.environ.get(COMMIT_ENV, "").strip()
    if given and not _GIVEN_SHA.fullmatch(given):
        given = ""  # not a commit id: ignored, as if unset
    try:
        out = run_git(["log", "-1", "-z", "--no-textconv", "--no-ext-diff",
                       "--format=%H%x00%cI", given.lower() or "HEAD", "--"],
                      config.content_dir, limit=1 << 16) if config.content_dir.is_dir() else b""
    except GitFailed:
        out = b""
    fields = out.decode("ascii", "replace").split("\0")
    if len(fields) >= 2 and _SHA.fullmatch(fields[0]) and (
            not given or fields[0].startswith(given.lower())):
        return DatasetVersion(fields[0], fields[0][:7], fields[1])
    if given:
        return DatasetVersion(given.lower(), given.lower()[:7], None)
    return None


def omitted_notice(config: Config) -> str | None:
    """Why the revision history is left out of the pages, for ``sitegen check``; None when
    it is not."""
    reason = read_history(config).reason
    return f"revision history omitted from entry pages: {reason}" if reason else None
