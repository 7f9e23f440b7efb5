"""`sitegen serve` end to end: the real server as a subprocess, headless Chromium as the reader.

One server for the module (on a copy of the basic fixture, base path /fixture/); the tests
run in file order and the last one stops it with SIGINT.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from conftest import copy_fixture, free_port

pytestmark = pytest.mark.browser
ENTRY = Path("content/entries/1994-partnership.md")
WAIT_MS = 10_000  # a bound, not a sleep: every wait returns as soon as the page changes


@dataclass
class Serve:
    """A running `sitegen serve` subprocess and everything it printed so far."""

    proc: subprocess.Popen[str]
    project: Path
    lines: list[str] = field(default_factory=list)

    @classmethod
    def start(cls, project: Path, *args: str) -> Serve:
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONWARNINGS": "default"}
        proc = subprocess.Popen(
            [sys.executable, "-m", "sitegen", "-C", str(project), "serve", *args],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
        )
        serve = cls(proc, project)
        threading.Thread(target=serve._read, daemon=True).start()
        return serve

    def _read(self) -> None:
        assert self.proc.stdout
        for line in self.proc.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_for(self, pattern: str, timeout: float = 20) -> re.Match[str]:
        """The first match of ``pattern`` in the output, waiting at most ``timeout`` s."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            m = re.search(pattern, self.output)
            if m:
                return m
            if self.proc.poll() is not None:
                break
            time.sleep(0.02)
        raise AssertionError(f"no {pattern!r} in the server's output:\n{self.output}")

    def stop(self) -> float:
        """SIGINT; returns how long the process took to end."""
        start = time.monotonic()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return time.monotonic() - start


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Serve, str]]:
    project = copy_fixture("basic", tmp_path_factory.mktemp("serve"))
    serve = Serve.start(project, "--port", str(free_port()))
    try:
        url = serve.wait_for(r"serving (http://\S+)").group(1)
        yield serve, url
    finally:
        serve.stop()


def edit(project: Path, old: str, new: str) -> None:
    entry = project / ENTRY
    entry.write_text(entry.read_text().replace(old, new))


def mark_and_wait_reload(page: Any, change: Any) -> None:
    """Run ``change`` and wait until the page has reloaded by itself (a marker disappears)."""
    page.evaluate("window.__beforeReload = true")
    change()
    page.wait_for_function("() => window.__beforeReload === undefined", timeout=WAIT_MS)


def wait_live(page: Any) -> None:
    """Wait until livereload.js has connected and told the server which page it shows."""
    page.wait_for_function(
        "() => window.LiveReload && window.LiveReload.connector.protocol > 0", timeout=WAIT_MS)


def open_live(browser: Any, url: str, **options: Any) -> Any:
    page = browser.new_page(**options)
    page.goto(url)
    wait_live(page)
    return page


def test_edit_break_and_fix_reach_the_open_page(server: tuple[Serve, str], browser: Any,
                                                artifacts: Path) -> None:
    serve, url = server
    project = serve.project
    page = open_live(browser, url + "entries/1994-partnership/")
    try:
        assert page.locator("text=Text.").count() == 1

        edit(project, "Text.", "Freshly saved words.")
        page.wait_for_selector("text=Freshly saved words.", timeout=WAIT_MS)

        mark_and_wait_reload(page, lambda: edit(project, "kind: agreement", "kind: [agreement"))
        alert = page.wait_for_selector("[role=alert]", timeout=WAIT_MS)
        text = alert.inner_text()
        assert "content/entries/1994-partnership.md:7: invalid YAML" in text
        assert page.locator("text=Freshly saved words.").count() == 1  # last good page stays
        page.screenshot(path=str(artifacts / "serve-overlay.png"))
        # the same error saved again: another reload, but the terminal says it only once
        mark_and_wait_reload(page, lambda: edit(project, "Freshly", "Freshly"))
        assert serve.proc.poll() is None

        edit(project, "kind: [agreement", "kind: agreement")
        page.wait_for_selector("[role=alert]", state="detached", timeout=WAIT_MS)
        assert page.locator("text=Freshly saved words.").count() == 1
        assert serve.proc.poll() is None
        assert serve.output.count("1994-partnership.md:7: invalid YAML") == 1
        serve.wait_for(r"fixed: rebuilt")
    finally:
        page.close()


def test_reload_keeps_the_scroll_position(server: tuple[Serve, str], browser: Any) -> None:
    serve, url = server
    page = open_live(browser, url + "entries/1994-partnership/",
                     viewport={"width": 600, "height": 160})
    try:
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        scrolled = page.evaluate("window.scrollY")
        assert scrolled > 50
        edit(serve.project, "Freshly saved words.", "Words saved while scrolled down.")
        page.wait_for_selector("text=Words saved while scrolled down.", timeout=WAIT_MS)
        page.wait_for_function(f"() => window.scrollY >= {scrolled} - 5", timeout=WAIT_MS)
    finally:
        page.close()


def test_a_burst_of_saves_gives_one_rebuild_and_the_last_text_wins(
    server: tuple[Serve, str], browser: Any
) -> None:
    serve, url = server
    page = open_live(browser, url + "entries/1994-partnership/")
    try:
        entry = serve.project / ENTRY
        base = entry.read_text()
        builds = serve.output.count("rebuilt ")
        for i in range(10):  # an editor's autosave, a branch switch: saves within milliseconds
            entry.write_text(base + f"\n\nBurst save {i}.\n")
        page.wait_for_selector("text=Burst save 9.", timeout=WAIT_MS)
        assert serve.output.count("rebuilt ") - builds <= 2
        entry.write_text(base)
        page.wait_for_selector("text=Burst save 9.", state="detached", timeout=WAIT_MS)
    finally:
        page.close()


def test_a_stylesheet_change_restyles_without_a_reload(server: tuple[Serve, str],
                                                      browser: Any) -> None:
    serve, url = server
    page = open_live(browser, url)
    try:
        page.evaluate("window.__notReloaded = true")
        css = serve.project / "templates" / "static" / "site.css"
        css.write_text(css.read_text() + "\nh1 { color: rgb(1, 2, 3); }\n")
        page.wait_for_function(
            "() => getComputedStyle(document.querySelector('h1')).color === 'rgb(1, 2, 3)'",
            timeout=WAIT_MS)
        assert page.evaluate("window.__notReloaded") is True
    finally:
        page.close()


def test_starts_on_a_broken_site_and_recovers(tmp_path: Path, browser: Any) -> None:
    project = copy_fixture("basic", tmp_path)
    edit(project, "kind: agreement", "kind: [agreement")
    serve = Serve.start(project, "--port", str(free_port()))
    page = browser.new_page()
    try:
        url = serve.wait_for(r"serving (http://\S+)").group(1)
        assert "1994-partnership.md:7: invalid YAML" in serve.output
        page.goto(url)
        assert "1994-partnership.md:7" in page.inner_text("[role=alert]")
        assert "Nothing built yet" in page.inner_text("h1")
        wait_live(page)
        edit(project, "kind: [agreement", "kind: agreement")
        page.wait_for_selector("text=A partnership begins", timeout=WAIT_MS)
        assert page.locator("[role=alert]").count() == 0
    finally:
        page.close()
        assert serve.stop() < 2


def test_drafts_are_built_and_served(server: tuple[Serve, str]) -> None:
    serve, url = server
    status, body = get(url, "entries/2023-draft/")
    assert status == 200 and "A draft" in body


def get(url: str, path: str) -> tuple[int, str]:
    """GET the raw ``path`` (sent as is, no normalisation) relative to the server root."""
    m = re.match(r"http://([^:/]+):(\d+)(/.*)", url)
    assert m
    conn = http.client.HTTPConnection(m.group(1), int(m.group(2)), timeout=5)
    try:
        target = path if path.startswith("/") else m.group(3) + path
        conn.request("GET", target)
        resp = conn.getresponse()
        return resp.status, resp.read().decode("utf-8", "replace")
    finally:
        conn.close()


@pytest.mark.parametrize("path", [
    "../sitegen.toml", "../../etc/passwd", "%2e%2e/sitegen.toml", "%2E%2E/%2e%2e/etc/passwd",
    "%252e%252e/sitegen.toml", "..%2fsitegen.toml", "..\\sitegen.toml", "..%5csitegen.toml",
    "/fixture/entries/../../sitegen.toml", "/sitegen.toml",
])
def test_traversal_gets_the_sites_own_404(server: tuple[Serve, str], path: str) -> None:
    status, body = get(server[1], path)
    assert status == 404
    assert "Page not found" in body  # the site's 404.html, not tornado's
    assert "Fixture timeline" in body and "base_url" not in body


@pytest.mark.parametrize(("origin", "status"), [("{own}", 101), ("http://evil.example", 403)])
def test_only_the_previews_own_pages_may_open_the_reload_socket(
    server: tuple[Serve, str], origin: str, status: int
) -> None:
    own = server[1].split("/fixture/")[0]
    host, port = own.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=5)
    try:
        conn.request("GET", "/livereload", headers={
            "Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13",
            "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Origin": origin.format(own=own),
        })
        assert conn.getresponse().status == status
    finally:
        conn.close()


def test_base_path_is_honoured(server: tuple[Serve, str]) -> None:
    serve, url = server
    assert url.endswith(":" + url.split(":")[2].split("/")[0] + "/fixture/")
    assert get(url, "/")[0] == 302
    status, body = get(url, "static/site.css")
    assert status == 200 and body


def test_binds_loopback_only_and_a_taken_port_moves_to_the_next(
    server: tuple[Serve, str],
) -> None:
    serve, url = server
    port = int(url.split(":")[2].split("/")[0])
    with pytest.raises(OSError):  # 127.0.0.2 is loopback too, but not the bound address
        socket.create_connection(("127.0.0.2", port), timeout=2).close()

    second = Serve.start(serve.project, "--port", str(port), "--no-reload")
    try:
        m = second.wait_for(rf"port {port} is taken; using port (\d+) instead")
        other = int(m.group(1))
        second.wait_for(rf"serving http://127\.0\.0\.1:{other}/fixture/")
        assert get(f"http://127.0.0.1:{other}/fixture/", "")[0] == 200
    finally:
        assert second.stop() < 2
    assert second.proc.returncode == 0


def test_sigint_ends_the_server_within_two_seconds(server: tuple[Serve, str]) -> None:
    serve, _ = server
    assert serve.proc.poll() is None, serve.output
    assert serve.stop() < 2
    assert serve.proc.returncode == 0
    assert "stopped" in serve.output
    assert "Traceback" not in serve.output and "DeprecationWarning" not in serve.output
