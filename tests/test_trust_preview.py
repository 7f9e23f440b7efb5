"""Issue 17, item 10: the preview server (`sitegen serve`) run as a real process.

- DNS rebinding: a web page the maintainer visits can make its own host name resolve to
  127.0.0.1 and read the preview, drafts included. The server now answers only requests whose
  Host names the address it listens on (or ``localhost``) with its port; others get 421 and
  none of the site. The live-reload socket takes only an Origin that passes the same check.
- Two previews of one project built into the same folder and served each other's pages;
  each now has a folder of its own, removed when it stops.
- SIGTERM during the first build left forked workers running after the server had gone.
"""

from __future__ import annotations

import http.client
import importlib.util
import os
import shutil
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from attack import Checkout, Running, alive, children, start
from conftest import ROOT, free_port

DRAFT = "/fixture/entries/2023-draft/"  # a draft entry of the basic fixture: private


def request(port: int, path: str, host: str, headers: dict[str, str] | None = None
            ) -> tuple[int, str]:
    """GET ``path`` from 127.0.0.1:``port`` with exactly this Host header (as a rebinding
    attacker's page would send it); returns the status and the body."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
        conn.putheader("Host", host)
        for name, value in (headers or {}).items():
            conn.putheader(name, value)
        conn.endheaders()
        resp = conn.getresponse()
        return resp.status, resp.read().decode("utf-8", "replace")
    finally:
        conn.close()


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Checkout, Running, int]]:
    co = Checkout(tmp_path_factory.mktemp("preview"))
    port = free_port()
    running = start(co, "serve", "--port", str(port))
    try:
        running.wait_for(rf"serving http://127\.0\.0\.1:{port}/fixture/")
        yield co, running, port
    finally:
        running.stop()


@pytest.mark.parametrize("host", ["evil.example:{port}", "evil.example",
                                  "localhost.evil.example:{port}", "127.0.0.1.nip.io:{port}",
                                  "127.0.0.1:{other}", "localhost:{other}", "", "[::1]:{port}"])
def test_a_request_naming_another_host_gets_421_and_none_of_the_site(
    preview: tuple[Checkout, Running, int], host: str
) -> None:
    _, running, port = preview
    status, body = request(port, DRAFT, host.format(port=port, other=port + 1))
    assert status in (400, 421), (status, body[:200])
    assert "A draft" not in body and "Fixture timeline" not in body
    assert running.proc.poll() is None


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LOCALHOST:{port}"])
def test_the_previews_own_address_still_gets_the_drafts(
    preview: tuple[Checkout, Running, int], host: str
) -> None:
    _, _, port = preview
    status, body = request(port, DRAFT, host.format(port=port))
    assert status == 200 and "A draft" in body


def _upgrade(port: int, host: str, origin: str) -> int:
    return request(port, "/livereload", host, {
        "Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Origin": origin})[0]


def test_the_reload_socket_refuses_a_rebound_origin(
    preview: tuple[Checkout, Running, int]
) -> None:
    """After rebinding, the attacker's page sends Origin == Host == its own name: refused."""
    _, _, port = preview
    own = f"127.0.0.1:{port}"
    assert _upgrade(port, f"evil.example:{port}", f"http://evil.example:{port}") != 101
    assert _upgrade(port, own, f"http://evil.example:{port}") != 101
    assert _upgrade(port, own, f"http://{own}") == 101
    assert _upgrade(port, f"localhost:{port}", f"http://localhost:{port}") == 101


def test_two_previews_of_one_project_serve_their_own_pages(tmp_path: Path) -> None:
    """Each preview's pages carry its own address: a second preview of the same project
    must not replace the first one's files; both folders are gone once both have stopped."""
    co = Checkout(tmp_path)
    before = co.snapshot()
    ports = [free_port()]
    first = start(co, "serve", "--port", str(ports[0]), "--no-reload")
    second: Running | None = None
    try:
        first.wait_for(rf"serving http://127\.0\.0\.1:{ports[0]}/")
        ports.append(free_port())
        second = start(co, "serve", "--port", str(ports[1]), "--no-reload")
        second.wait_for(rf"serving http://127\.0\.0\.1:{ports[1]}/")
        for mine, theirs in (ports, ports[::-1]):
            status, body = request(mine, "/fixture/entries/1994-partnership/",
                                   f"127.0.0.1:{mine}")
            assert status == 200
            assert f"http://127.0.0.1:{mine}/fixture/" in body
            assert f":{theirs}/" not in body, "this preview serves the other one's pages"
    finally:
        codes = [r.stop() for r in (first, second) if r is not None]
    assert codes == [0, 0]
    serve_cache = co.root / ".cache" / "serve"
    assert not serve_cache.exists() or not any(serve_cache.iterdir())
    assert co.changed_outside_allowed(before, co.snapshot()) == []


def _corpus(root: Path, n: int) -> None:
    """Replace the checkout's site with bench/corpus.py's ``n`` entries (it writes only into
    a folder of its own: made here, then moved in)."""
    spec = importlib.util.spec_from_file_location("corpus", ROOT / "bench" / "corpus.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    made = module.make_corpus(root.parent / "corpus", n)
    for name in ("content", "templates"):
        shutil.rmtree(root / name, ignore_errors=True)
        shutil.move(made / name, root / name)


def test_sigterm_during_the_first_build_leaves_no_worker_behind(tmp_path: Path) -> None:
    """A biggish site (its first build forks workers): SIGTERM while they work; once the
    server has exited, none of its workers is still running."""
    co = Checkout(tmp_path)
    _corpus(co.root, 3000)
    before = co.snapshot()
    running = start(co, "serve", "--port", str(free_port()), "--no-reload", SITEGEN_JOBS="2")
    seen: set[int] = set()
    try:
        deadline = time.monotonic() + 60
        while not seen and time.monotonic() < deadline and running.proc.poll() is None:
            seen = children(running.proc.pid)
            time.sleep(0.01)
        assert seen, f"the first build forked no worker:\n{running.text}"
        assert "serving" not in running.text  # still the first build
        code = running.stop(signal.SIGTERM, timeout=30)
    finally:
        running.stop(signal.SIGKILL)
        left = {pid for pid in seen if alive(pid)}
        for pid in left:  # do not leave them running on the test machine either
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
    assert left == set(), "workers outlived the server"
    assert code == 0 and "stopped" in running.text, running.text
    assert "Traceback" not in running.text
    assert co.changed_outside_allowed(before, co.snapshot()) == []
