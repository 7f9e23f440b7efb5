"""`sitegen check --links`: broken internal links and anchors are reported as page → target;
external URLs are listed, and fetched only with --external, where no network is not 'broken'."""

from __future__ import annotations

import http.server
import io
import socket
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from sitegen.cli import main
from sitegen.config import load_config
from sitegen.outputs import linkcheck

ENTRY = Path("content") / "entries" / "2022-01-12-second.md"


def add_body(site: Path, text: str) -> None:
    path = site / ENTRY
    path.write_text(path.read_text() + "\n" + text + "\n")


def run(site: Path, **kwargs: object) -> tuple[int, str]:
    out = io.StringIO()
    code = linkcheck.check_links(load_config(site), stream=out, **kwargs)  # type: ignore[arg-type]
    return code, out.getvalue()


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the link check fetched a URL without --external")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)


def test_clean_site_passes_and_lists_external_urls_without_fetching(basic_site, no_network):
    code, out = run(basic_site)
    assert code == 0, out
    assert "5 external URLs (not fetched; add --external to try them):" in out
    assert "  https://example.org/treaty" in out
    assert out.rstrip().splitlines()[-1].startswith("ok: ")


def test_broken_links_and_anchors_are_reported_as_page_to_target(basic_site, no_network):
    add_body(basic_site, "[gone](/fixture/entries/no-such-entry/) "
                         "[bad anchor](../2022-01-12-council-meets/#nowhere) "
                         "[good anchor](../2022-01-12-council-meets/#c-what-was-said) "
                         "[outside](/entries/2019-treaty-ends/) "
                         "[missing file](/fixture/static/missing.css)")
    code, out = run(basic_site)
    assert code == 1
    page = "entries/2022-01-12-second/index.html"
    broken = [line for line in out.splitlines() if " → " in line]
    assert broken == [
        f"{page} → /fixture/entries/no-such-entry/: no such page or file",
        f"{page} → ../2022-01-12-council-meets/#nowhere: no element with id=\"nowhere\"",
        f"{page} → /entries/2019-treaty-ends/: outside the site's base path /fixture/",
        f"{page} → /fixture/static/missing.css: no such page or file",
    ]
    assert "4 broken internal" in out.splitlines()[-1]


def test_cli_check_links_exit_codes(basic_site, no_network, capsys):
    assert main(["-C", str(basic_site), "check", "--links"]) == 0
    add_body(basic_site, "[gone](/fixture/years/1800/)")
    assert main(["-C", str(basic_site), "check", "--links"]) == 1
    assert "→ /fixture/years/1800/: no such page or file" in capsys.readouterr().out


def test_links_are_resolved_like_a_static_host(tmp_path):
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "a" / "index.html").write_text('<h2 id="x">x</h2><a href="./#x">self</a>'
                                           '<a href="../a">dir without slash</a>'
                                           '<a href="#y">missing</a><a href="mailto:x@y">m</a>')
    (site / "index.html").write_text('<a href="a/">a</a><a href="a/index.html#x">file</a>'
                                     '<img src="/fixture/a/pic.png" alt="">')
    report = linkcheck.scan_site(site, load_config(tmp_path))
    assert [(b.page, b.target) for b in report.broken] == [
        ("a/index.html", "#y"), ("index.html", "/fixture/a/pic.png")]
    assert (report.pages, report.links) == (2, 6)


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_HEAD(self) -> None:  # noqa: N802
        self.send_response(404 if self.path == "/gone" else 200)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@contextmanager
def loopback_servers() -> Iterator[tuple[str, str, str]]:
    """An answering server, a server that never answers, and a closed port."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # accepts connections, never replies
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    closed_port = closed.getsockname()[1]
    closed.close()
    try:
        yield (f"http://127.0.0.1:{httpd.server_address[1]}",
               f"http://127.0.0.1:{silent.getsockname()[1]}", f"http://127.0.0.1:{closed_port}")
    finally:
        httpd.shutdown()
        httpd.server_close()
        silent.close()


def test_external_check_separates_broken_from_unreachable():
    with loopback_servers() as (live, silent, closed):
        results = linkcheck.fetch_external(
            [f"{live}/ok", f"{live}/gone", f"{silent}/slow", f"{closed}/x"], timeout=0.5)
    assert results[f"{live}/ok"] == ("ok (200)", False)
    assert results[f"{live}/gone"] == ("HTTP 404", True)
    outcome, broken = results[f"{silent}/slow"]
    assert outcome.startswith("timeout after 0.5 s") and not broken
    outcome, broken = results[f"{closed}/x"]
    assert outcome.startswith("unreachable") and not broken


def test_external_flag_reports_timeouts_without_failing(basic_site):
    with loopback_servers() as (live, silent, _):
        add_body(basic_site, f"[slow]({silent}/report) [fine]({live}/page)")
        code, out = run(basic_site, external=True, timeout=0.5)
    assert code == 0, out
    assert f"  {silent}/report  timeout after 0.5 s (not counted as broken)" in out
    assert f"  {live}/page  ok (200)" in out
    assert "  https://example.org/treaty  " in out  # tried too; no network here
