"""Accessibility of the shipped site: axe-core (injected offline) finds no WCAG 2.2 A/AA
violation on every kind of page, in light and dark mode, with and without filters."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from conftest import ROOT, static_server

from sitegen.config import load_config
from sitegen.engine.builder import build
from sitegen.render import pages

pytestmark = pytest.mark.browser
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
OPTIONS = {"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]}


def first_dir(site: Path, folder: str) -> str:
    names = sorted(p.name for p in (site / folder).iterdir() if p.is_dir())
    assert names, f"the shipped site has no {folder}"
    return f"{folder}/{names[0]}/"


def entry_with_accounts(site: Path) -> str:
    """An entry page that shows the most: accounts side by side and footnotes if any."""
    pages = sorted((site / "entries").glob("*/index.html"))
    rich = [p for p in pages if 'class="accounts"' in p.read_text(encoding="utf-8")]
    with_notes = [p for p in rich if 'class="footnote"' in p.read_text(encoding="utf-8")]
    chosen = (with_notes or rich or pages)[0]
    return f"entries/{chosen.parent.name}/"


def pages_to_check(site: Path) -> dict[str, str]:
    return {
        "home": "",
        "home-filtered": "?kind=meeting&from=2000",
        "entry": entry_with_accounts(site),
        "participant": first_dir(site, "participants"),
        "topic": first_dir(site, "topics"),
        "year": first_dir(site, "years"),
        "about": "pages/about/",
        "search": "search/?q=treaty",  # the publishing page, in this design's frame
        "404": "404.html",  # what a static host serves for any missing path
    }


@pytest.fixture(scope="module")
def axe() -> Axe:
    return Axe()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_wcag_violations_on_any_kind_of_page(browser, shipped_site, shipped_server, axe,
                                                scheme):
    context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    requests: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    page.on("request", lambda req: requests.append(req.url))
    missing: list[str] = []
    page.on("response", lambda resp: resp.status == 404 and missing.append(resp.url))
    found: dict[str, list[str]] = {}
    try:
        for name, path in pages_to_check(shipped_site).items():
            page.goto(shipped_server + path)
            violations = axe.run(page, options=OPTIONS).response["violations"]
            if violations:
                found[name] = [f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}"
                               for v in violations]
    finally:
        context.close()
    assert found == {}
    # The session's shipped build has no search index, so only the search page's own
    # request for pagefind.js may fail (it then says search is unavailable).
    assert all("/pagefind/" in u for u in missing), missing
    assert [e for e in errors if not (missing and "404" in e)] == []
    assert [u for u in requests if urlsplit(u).hostname != "127.0.0.1"] == []


@pytest.fixture(scope="module")
def rows_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """The shipped site with listings past 2 entries as compact rows (the shipped record
    has no listing past 100 entries, the real threshold), served."""
    out = tmp_path_factory.mktemp("rows") / "site"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(pages, "LIST_MAX_CARDS", 2)
        build(load_config(ROOT).with_base_url("http://127.0.0.1/"), output=out, cache=False)
    with static_server(out) as url:
        yield out, url


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_wcag_violations_on_listings_of_rows(browser, rows_site, axe, scheme):
    site, url = rows_site
    listings = [max(sorted((site / kind).glob("*/index.html")), key=lambda p: p.stat().st_size)
                .parent.relative_to(site).as_posix() + "/"
                for kind in ("participants", "years", "topics")]
    context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    found: dict[str, list[str]] = {}
    try:
        for path in listings:
            assert 'class="events rows"' in (site / path / "index.html").read_text("utf-8")
            page.goto(url + path)
            violations = axe.run(page, options=OPTIONS).response["violations"]
            if violations:
                found[path] = [f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}"
                               for v in violations]
    finally:
        context.close()
    assert found == {}
