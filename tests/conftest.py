"""Shared fixtures: the project, built sites, a loopback static server and one browser; and
the guard that fails any test during which os.fork ran beside another thread."""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import socket
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--disable-dev-shm-usage",
]


class ForkGuard:
    """Records each os.fork made while more than one thread was alive (the child may
    inherit a lock some other thread held, forever)."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        os.register_at_fork(before=self.before)

    def before(self) -> None:
        if threading.active_count() > 1:
            self.seen.append(", ".join(sorted(t.name for t in threading.enumerate())))


FORKS = ForkGuard()


class ContentGuard:
    """Records each file of the repository's own site (content/, sitegen.toml) opened in
    this process: the generator's tests run on fixture sites, and only tests/content_checks/
    reads the record (so a change to the record never fails a test of the generator)."""

    def __init__(self) -> None:
        self.watched = (os.path.join(ROOT, "content") + os.sep, os.path.join(ROOT, "sitegen.toml"))
        self.seen: list[str] = []
        sys.addaudithook(self.audit)

    def audit(self, event: str, args: tuple[object, ...]) -> None:
        if event == "open" and isinstance(args[0], str | bytes | os.PathLike):
            path = os.path.abspath(os.fsdecode(args[0]))  # type: ignore[arg-type]
            if path.startswith(self.watched[0]) or path == self.watched[1]:
                self.seen.append(path)


CONTENT = ContentGuard()
CONTENT_CHECKS = Path(__file__).resolve().parent / "content_checks"
READS_BEFORE = pytest.StashKey[int]()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    item.stash[READS_BEFORE] = len(CONTENT.seen)  # before any fixture, session ones included


@pytest.fixture(autouse=True)
def no_read_of_the_repositorys_site(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every test outside tests/content_checks/: fail if it (or a fixture it set up) read
    the repository's content/ or sitegen.toml."""
    yield
    read = sorted(set(CONTENT.seen[request.node.stash.get(READS_BEFORE, 0):]))
    if not request.node.path.is_relative_to(CONTENT_CHECKS):
        assert read == [], ("a test outside tests/content_checks/ read the repository's own "
                            f"site (use a fixture site under tests/): {read[:5]}")


@pytest.fixture(autouse=True)
def no_commit_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test: builds see no SITEGEN_COMMIT of the shell (citations would print it)."""
    monkeypatch.delenv("SITEGEN_COMMIT", raising=False)


@pytest.fixture(autouse=True)
def no_fork_beside_a_thread() -> Iterator[None]:
    """Every test: fail if os.fork was called while another thread was alive."""
    before = len(FORKS.seen)
    yield
    forks = FORKS.seen[before:]
    del FORKS.seen[before:]
    assert forks == [], f"os.fork was called while these threads were alive: {forks}"


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@contextmanager
def static_server(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1; yields the root URL ('http://127.0.0.1:PORT/')."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


def published_entries(output: Path) -> list[dict]:
    """Every entry's full record in a build's data: timeline.json lists the parts (one per
    year, data/timeline/<year>.json) and the parts hold the records, in the site's order."""
    index = json.loads((output / "timeline.json").read_text(encoding="utf-8"))
    records: list[dict] = []
    for part in index["parts"]:
        path = output / "data" / "timeline" / f"{part['year']}.json"
        records += json.loads(path.read_text(encoding="utf-8"))["entries"]
    return records


def copy_fixture(name: str, dest: Path) -> Path:
    """A writable copy of tests/fixtures/<name>."""
    target = dest / name
    shutil.copytree(FIXTURES / name, target, symlinks=True)
    return target


@pytest.fixture
def basic_site(tmp_path: Path) -> Path:
    """A writable copy of the small fixture site."""
    return copy_fixture("basic", tmp_path)


@pytest.fixture(scope="session")
def shipped_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's own content built once per session (base path /), as a folder; for
    tests/content_checks/ only (ContentGuard)."""
    from sitegen.config import load_config
    from sitegen.engine.builder import build

    out = tmp_path_factory.mktemp("shipped") / "site"
    config = load_config(ROOT).with_base_url("http://127.0.0.1/")
    build(config, output=out)
    return out


@pytest.fixture(scope="session")
def shipped_server(shipped_site: Path) -> Iterator[str]:
    """The shipped site served on loopback; yields its root URL."""
    with static_server(shipped_site) as url:
        yield url


def chromium_path() -> str:
    """Debian's Chromium; the browser tests fail (never skip) when it is missing."""
    path = os.environ.get("SITEGEN_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.fail("Chromium is missing: run `make test` (it installs Debian's chromium)")
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless Chromium for the whole test session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@contextmanager
def watched_page(browser: object, timeout: int = 10_000,
                 viewport: dict[str, int] | None = None) -> Iterator[object]:
    """A page in a context of its own, for one test: any JavaScript error it raised fails
    the test once it is closed."""
    context = browser.new_context(**({"viewport": viewport} if viewport else {}))  # type: ignore[attr-defined]
    page = context.new_page()
    page.set_default_timeout(timeout)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert errors == [], f"JavaScript errors: {errors}"


@pytest.fixture
def artifacts() -> Path:
    """Folder for screenshots and other test artifacts."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests last: Playwright keeps a thread until the session ends, and a process
    with another thread never forks, so build tests that expect workers run before."""
    items.sort(key=lambda item: "e2e" in item.path.parts)
