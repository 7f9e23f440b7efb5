"""Helpers for the trust tests: a throw-away checkout, the real command line, and proof of
what a build changed.

Every attack test follows one shape. ``Checkout`` makes a project (a copy of a fixture site)
inside a sandbox that also holds the user's home (with its cache folder), a temporary folder
and an ``outside`` folder standing for the rest of the machine. ``run`` starts the installed
``sitegen`` command as a real process in the checkout, the way a maintainer would. ``snapshot``
records every path of the sandbox, so a test can assert that nothing changed outside the places
a build may write: the output folder, ``.cache/``, the user's cache key and the temporary
folder.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from conftest import FIXTURES

SITEGEN = Path(sys.executable).parent / "sitegen"

Snapshot = dict[str, tuple[str, str]]


@dataclass
class Result:
    """A finished command: its exit code and what it printed."""

    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


@dataclass
class Checkout:
    """A project checkout in a sandbox of its own (see the module's docstring)."""

    sandbox: Path
    fixture: str = "basic"
    root: Path = field(init=False)

    def __post_init__(self) -> None:
        self.root = self.sandbox / "checkout"
        shutil.copytree(FIXTURES / self.fixture, self.root, symlinks=True,
                        ignore=shutil.ignore_patterns(".cache", "output"))
        for name in ("home", "tmp", "outside"):
            (self.sandbox / name).mkdir(exist_ok=True)
        (self.sandbox / "outside" / "precious.txt").write_text("do not touch\n")

    @property
    def home(self) -> Path:
        return self.sandbox / "home"

    @property
    def outside(self) -> Path:
        return self.sandbox / "outside"

    @property
    def output(self) -> Path:
        return self.root / "output"

    def env(self, **extra: str) -> dict[str, str]:
        """The environment of a maintainer's shell: home, cache and temp in the sandbox."""
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("SITEGEN_", "XDG_", "PYTHON"))}
        env.update(HOME=str(self.home), TMPDIR=str(self.sandbox / "tmp"),
                   SOURCE_DATE_EPOCH="1700000000")
        env.update(extra)
        return env

    def run(self, *args: str, timeout: float = 300, **env: str) -> Result:
        """``sitegen ARGS`` run as its own process from inside the checkout."""
        proc = subprocess.run([str(SITEGEN), *args], cwd=self.root, env=self.env(**env),
                              capture_output=True, text=True, timeout=timeout, check=False,
                              stdin=subprocess.DEVNULL)
        return Result(proc.returncode, proc.stdout, proc.stderr)

    def write(self, rel: str, text: str) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return path

    def link(self, rel: str, target: str | Path) -> Path:
        """Put a symbolic link at ``rel`` (inside the checkout) pointing at ``target``."""
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_symlink() or path.is_file():
            path.unlink()
        elif path.is_dir():
            shutil.rmtree(path)
        os.symlink(target, path)
        return path

    def snapshot(self) -> Snapshot:
        return snapshot(self.sandbox)

    def changed_outside_allowed(self, before: Snapshot, after: Snapshot,
                                also: Iterable[str] = ()) -> list[str]:
        """Paths (relative to the sandbox) that changed, other than where a build may write."""
        allowed = ("checkout/output", "checkout/.output.", "checkout/.cache", "tmp",
                   "home/.cache/sitegen", *also)
        folders = {"home/.cache"}  # created as the parent of the key's folder
        return [p for p in changed(before, after) if p not in folders
                and not any(p == a or p.startswith(a.rstrip("/") + "/") or
                           (a.endswith(".") and p.startswith(a)) for a in allowed)]


def snapshot(root: Path) -> Snapshot:
    """Every path under ``root`` (links not followed) with its kind and content digest."""
    result: Snapshot = {}
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        for name in dirnames + filenames:
            path = Path(dirpath, name)
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                result[rel] = ("link", os.readlink(path))
            elif path.is_dir():
                result[rel] = ("dir", "")
            elif path.is_file():
                result[rel] = ("file", hashlib.sha256(path.read_bytes()).hexdigest())
            else:
                result[rel] = ("other", "")
    return result


def changed(before: Snapshot, after: Snapshot) -> list[str]:
    """Paths added, removed or altered between two snapshots, sorted."""
    return sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))


def tree_bytes(root: Path) -> dict[str, bytes]:
    """Every regular file under ``root`` and its bytes (to show old output is untouched)."""
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file() and not p.is_symlink()}


def add_entries(checkout: Checkout, n: int) -> None:
    """Add ``n`` small entries: a site of 100 pages or more keeps a spare of its last output
    (an engine's optimisation for big sites), which attacks on spare folders need."""
    for i in range(n):
        checkout.write(f"content/entries/2000-01-01-extra-{i:03d}.md",
                       f"---\ntitle: Extra {i}\nsummary: An extra entry.\ndate: 2000-01-01\n"
                       "kind: meeting\nparticipants: [nato]\nsources:\n  - title: Record\n"
                       "    publisher: NATO\n    url: https://example.org/record\n"
                       f"    kind: primary\n---\nBody {i}.\n")


def serve_once(checkout: Checkout, port: int, timeout: float = 120) -> Result:
    """``sitegen serve`` until its first build is served (or fails), then stopped (SIGINT)."""
    import signal
    import threading

    proc = subprocess.Popen([str(SITEGEN), "serve", "--no-reload", "--port", str(port)],
                            cwd=checkout.root, env=checkout.env(PYTHONUNBUFFERED="1"),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            stdin=subprocess.DEVNULL)
    lines: list[str] = []
    watchdog = threading.Timer(timeout, proc.kill)  # a bound, should the server hang
    watchdog.start()
    assert proc.stdout is not None
    try:
        for line in proc.stdout:
            lines.append(line)
            if line.startswith(("serving http", "build failed")):
                break
    finally:
        watchdog.cancel()
        proc.send_signal(signal.SIGINT)
        try:
            rest, _ = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            rest, _ = proc.communicate()
    return Result(proc.returncode, "".join(lines) + rest, "")


# ---- long-running commands (sitegen serve) ---------------------------------------------------
# (imported here, not at the top: this part was added after the rest, by the preview's tests)
import re  # noqa: E402
import signal  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402


@dataclass
class Running:
    """A ``sitegen`` command still running in a checkout, and everything it printed so far."""

    proc: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(self.lines)

    def _read(self) -> None:
        assert self.proc.stdout
        for line in self.proc.stdout:
            self.lines.append(line)

    def wait_for(self, pattern: str, timeout: float = 60) -> re.Match[str]:
        """The first match of ``pattern`` in the output, waiting at most ``timeout`` s."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            m = re.search(pattern, self.text)
            if m:
                return m
            if self.proc.poll() is not None:
                break
            time.sleep(0.02)
        raise AssertionError(f"no {pattern!r} in the command's output:\n{self.text}")

    def stop(self, sig: int = signal.SIGINT, timeout: float = 10) -> int:
        """Send ``sig`` and wait for the end (killed after ``timeout`` s); the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


def start(co: Checkout, *args: str, **env: str) -> Running:
    """``sitegen ARGS`` started as its own process in the checkout (stdout and stderr read
    together in the background); stop it with ``Running.stop``."""
    proc = subprocess.Popen([str(SITEGEN), *args], cwd=co.root,
                            env=co.env(PYTHONUNBUFFERED="1", **env), stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    running = Running(proc)
    threading.Thread(target=running._read, daemon=True).start()
    return running


def _state_and_parent(pid: int | str) -> tuple[str, int] | None:
    try:
        stat = Path("/proc", str(pid), "stat").read_text()
    except OSError:
        return None
    state, ppid = stat.rsplit(")", 1)[1].split()[:2]
    return state, int(ppid)


def children(pid: int) -> set[int]:
    """The live (not zombie) processes whose parent is ``pid`` (Linux /proc)."""
    found = set()
    for entry in os.listdir("/proc"):
        got = _state_and_parent(entry) if entry.isdigit() else None
        if got and got[1] == pid and got[0] != "Z":
            found.add(int(entry))
    return found


def alive(pid: int) -> bool:
    """Whether process ``pid`` exists and is not a zombie (Linux /proc)."""
    got = _state_and_parent(pid)
    return got is not None and got[0] != "Z"
