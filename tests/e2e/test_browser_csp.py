"""The Content-Security-Policy of every page, in a real browser (issue 17, defence in depth).

Sites are built with the real command line (tests/attack.py) and served on loopback; each
page is opened in Chromium with a listener for ``securitypolicyviolation`` events and for
console messages about the policy. The policy must hold the site's own pages without a
single violation, and stop a script that trusted raw HTML lets into a body.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from attack import SITEGEN, Checkout
from conftest import free_port, static_server
from design_fixture import design_site

pytestmark = pytest.mark.browser
WAIT = 10_000  # ms, a bound for every wait below
BASE = "http://127.0.0.1/x/"
REQUIRED = ("script-src 'self'", "style-src 'self'", "img-src 'self' data:",
            "object-src 'none'", "base-uri 'self'", "form-action 'self'")
META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.effectiveDirective + " " + e.blockedURI);
});
"""


class Violations:
    """Policy violations and JavaScript errors seen by one browser context."""

    def __init__(self, browser: Any) -> None:
        self.context = browser.new_context()
        self.context.add_init_script(WATCH)
        self.console: list[str] = []
        self.page = self.context.new_page()
        self.page.set_default_timeout(WAIT)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.console.append(f"error: {exc}"))

    def _console(self, msg: Any) -> None:
        if "Content Security Policy" in msg.text or "Refused to" in msg.text:
            self.console.append(msg.text)

    def until(self, expression: str) -> None:
        """Wait (at most WAIT ms) until ``expression`` is true in the page.

        As a function: Playwright evaluates a bare expression string, which the policy
        forbids ('unsafe-eval'), and the wait would fail for that reason alone.
        """
        self.page.wait_for_function(f"() => {expression}")

    def open(self, url: str) -> list[str]:
        """Load ``url``; the violations it caused (events and console messages)."""
        self.console.clear()
        self.page.goto(url, wait_until="load")
        return self.seen()

    def seen(self) -> list[str]:
        return list(self.page.evaluate("window.__csp || []")) + self.console

    def close(self) -> None:
        self.context.close()


def build_checkout(co: Checkout, *args: str) -> Path:
    """Build the checkout for BASE into <sandbox>/root/x; returns <sandbox>/root."""
    out = co.sandbox / "root" / "x"
    result = co.run("build", "--base-url", BASE, "--output", str(out), *args)
    assert result.code == 0, result.text
    return out.parent


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """The fixture site (its own small templates), built without search."""
    co = Checkout(tmp_path_factory.mktemp("csp-fixture"))
    root = build_checkout(co, "--no-search")
    with static_server(root) as url:
        yield root / "x", url + "x/"


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """The shipped theme on the design fixture (eleven entries), built with its search index."""
    sandbox = tmp_path_factory.mktemp("csp-shipped")
    co = Checkout(sandbox)
    shutil.rmtree(co.root)
    shutil.copytree(design_site(sandbox / "design"), co.root)
    root = build_checkout(co)
    with static_server(root) as url:
        yield root / "x", url + "x/"


def pages_of(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


def one_of_each_kind(site: Path) -> list[str]:
    """The home page, search, 404 and the first page of each folder of pages."""
    chosen = ["index.html", "search/index.html", "404.html"]
    for folder in ("entries", "participants", "topics", "years", "pages"):
        chosen.append(f"{folder}/{pages_of(site / folder)[0]}")
    return chosen


@pytest.mark.parametrize("which", ["fixture_site", "shipped"])
def test_every_page_declares_the_policy(request: pytest.FixtureRequest, which: str) -> None:
    site, _ = request.getfixturevalue(which)
    for rel in pages_of(site):
        html = (site / rel).read_text()
        found = META.findall(html.split("</head>")[0])
        assert len(found) == 1, rel
        assert all(d in found[0] for d in REQUIRED), (rel, found[0])
        assert "'unsafe-inline'" not in found[0] and "'unsafe-eval'" not in found[0], rel
        assert not re.search(r"<script(?![^>]*\b(?:src=|type=\"application/ld\+json\"))",
                             html), rel  # no inline executable script
        assert not re.search(r"<[^>]*\s(?:style|on[a-z]+)=", html), rel  # no style/handler


def test_the_fixture_sites_pages_raise_no_violation(browser: Any,
                                                    fixture_site: tuple[Path, str]) -> None:
    site, url = fixture_site
    watch = Violations(browser)
    try:
        for rel in pages_of(site):
            assert watch.open(url + rel.removesuffix("index.html")) == [], rel
    finally:
        watch.close()


def test_every_kind_of_shipped_page_raises_no_violation(browser: Any,
                                                        shipped: tuple[Path, str]) -> None:
    site, url = shipped
    watch = Violations(browser)
    try:
        for rel in one_of_each_kind(site):
            assert watch.open(url + rel.removesuffix("index.html")) == [], rel
        # the search page compiles Pagefind's WebAssembly and shows results
        watch.open(url + "search/?q=treaty")
        watch.until("document.querySelector('.search-status').textContent.includes('found')")
        assert watch.page.locator(".search-results li").count() > 0
        assert watch.seen() == []
    finally:
        watch.close()


INJECTED = """
<script>window.__pwned = "inline script";</script>
<img src="../../static/site.css" onerror="window.__pwned = 'inline handler'">
<p><a id="go" href="javascript:window.__pwned='javascript: link'">go</a></p>
<p id="styled" style="color: rgb(255, 0, 0)">styled</p>
"""


def test_the_policy_stops_scripts_that_trusted_raw_html_lets_in(tmp_path: Path,
                                                                 browser: Any) -> None:
    co = Checkout(tmp_path)
    with open(co.root / "sitegen.toml", "a") as fh:
        fh.write("allow_raw_html = true\n")
    with open(co.root / "content/entries/1994-partnership.md", "a") as fh:
        fh.write(INJECTED)
    root = build_checkout(co, "--no-search")
    page_html = (root / "x/entries/1994-partnership/index.html").read_text()
    assert "<script>window.__pwned" in page_html  # the payload is in the page: raw HTML
    watch = Violations(browser)
    try:
        with static_server(root) as url:
            seen = watch.open(url + "x/entries/1994-partnership/")
            watch.page.click("#go")
            watch.until("window.__csp.length >= 4")
            assert watch.page.evaluate("window.__pwned") is None
            color = watch.page.eval_on_selector("#styled", "e => getComputedStyle(e).color")
            assert color != "rgb(255, 0, 0)"
            seen = watch.seen()
    finally:
        watch.close()
    directives = " ".join(seen)
    assert "script-src-elem" in directives and "script-src-attr" in directives, seen
    assert "style-src-attr" in directives, seen


def test_the_preview_keeps_live_reload_and_its_overlay_under_the_policy(
        tmp_path: Path, browser: Any) -> None:
    co = Checkout(tmp_path)
    proc = subprocess.Popen([str(SITEGEN), "serve", "--port", str(free_port())], cwd=co.root,
                            env=co.env(PYTHONUNBUFFERED="1"), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, stdin=subprocess.DEVNULL)
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(proc.stdout or []), daemon=True).start()
    watch = Violations(browser)
    try:
        deadline = time.monotonic() + 30
        while not (m := re.search(r"serving (http://\S+)", "".join(lines))):
            assert proc.poll() is None and time.monotonic() < deadline, "".join(lines)
            time.sleep(0.05)
        assert watch.open(m.group(1) + "entries/1994-partnership/") == []
        watch.until("window.LiveReload && window.LiveReload.connector.protocol > 0")
        entry = co.root / "content/entries/1994-partnership.md"
        entry.write_text(entry.read_text().replace("kind: agreement", "kind: [agreement"))
        alert = watch.page.wait_for_selector("#sitegen-error")
        assert "invalid YAML" in alert.inner_text()
        assert alert.evaluate("e => getComputedStyle(e).position") == "fixed"
        assert watch.seen() == []
    finally:
        watch.close()
        proc.terminate()
        proc.wait(10)
