"""The preview server's pure parts: path mapping, injection, the overlay, port fallback."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from sitegen.preview.server import bind, inject, locate, overlay_html


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "entries" / "a").mkdir(parents=True)
    (root / "index.html").write_text("home")
    (root / "entries" / "a" / "index.html").write_text("a")
    (tmp_path / "secret.txt").write_text("secret")
    (root / "link").symlink_to(tmp_path / "secret.txt")
    return root


@pytest.mark.parametrize("path", [
    "/base/../secret.txt", "/base/entries/../../secret.txt", "/base/%2e%2e/secret.txt",
    "/base/%2E%2E/secret.txt", "/base/%252e%252e/secret.txt", "/base/..%2fsecret.txt",
    "/base/..%5csecret.txt", "/base/..\\secret.txt", "/base/entries/%00", "/base/link",
    "/base/./index.html", "/base/%ff", "/secret.txt", "/base/missing.html",
])
def test_locate_refuses_everything_outside_the_site(site: Path, path: str) -> None:
    assert locate(site, "/base/", path) is None


def test_locate_finds_files_indexes_and_redirects(site: Path) -> None:
    assert locate(site, "/base/", "/base/") == (site / "index.html").resolve()
    assert locate(site, "/base/", "/base/entries/a/") == (site / "entries/a/index.html").resolve()
    assert locate(site, "/base/", "/base/entries/a") == "/base/entries/a/"
    assert locate(site, "/base/", "/") == "/base/"
    assert locate(site, "/base/", "/base") == "/base/"
    assert locate(site, "/", "/entries/%61/") == (site / "entries/a/index.html").resolve()


def test_inject_puts_script_in_head_and_overlay_at_body_start_in_any_case() -> None:
    page = b"<HTML><HEAD><title>x</title></HEAD>\n<BODY class='k'><p>text</p></BODY></HTML>"
    out = inject(page, b"<script></script>", b"<div>overlay</div>")
    assert out == (b"<HTML><HEAD><title>x</title><script></script></HEAD>\n"
                   b"<BODY class='k'><div>overlay</div><p>text</p></BODY></HTML>")
    assert inject(b"<p>bare</p>", b"<s>", b"<o>") == b"<s><o><p>bare</p>"


def test_overlay_is_an_alert_with_the_error_escaped() -> None:
    text = overlay_html("content/a.md:3: title: <script>alert(1)</script> & more").decode()
    assert 'role="alert"' in text
    assert "content/a.md:3: title: &lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in text
    assert "<script>" not in text


def test_bind_takes_the_next_free_port_and_says_which() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        said: list[str] = []
        sockets, bound = bind("127.0.0.1", port, say=said.append)
        try:
            assert bound != port
            assert sockets[0].getsockname()[0] == "127.0.0.1"
            assert said == [f"port {port} is taken; using port {bound} instead"]
        finally:
            for s in sockets:
                s.close()
