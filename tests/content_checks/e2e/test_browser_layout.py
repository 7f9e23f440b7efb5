"""Layout of the shipped site in a real browser: phone and desktop screenshots, no horizontal
overflow down to 320 px, dark mode, and a print stylesheet that keeps link targets."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser
WAIT = 10_000


def an_entry(site: Path) -> str:
    pages = sorted((site / "entries").glob("*/index.html"))
    rich = [p for p in pages if 'class="accounts"' in p.read_text(encoding="utf-8")]
    return f"entries/{(rich or pages)[-1].parent.name}/"


def some_pages(site: Path) -> list[str]:
    first = {f: sorted(p.name for p in (site / f).iterdir())[0]
             for f in ("participants", "topics", "years")}
    return ["", an_entry(site), *(f"{f}/{n}/" for f, n in first.items()), "pages/about/",
            "404.html"]


@pytest.fixture
def watched(browser):  # type: ignore[no-untyped-def]
    """A factory of pages whose requests and console errors are checked at the end."""
    contexts, errors, requests = [], [], []

    def make(**options):  # type: ignore[no-untyped-def]
        context = browser.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(WAIT)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
        page.on("request", lambda req: requests.append(req.url))
        return page

    yield make
    for c in contexts:
        c.close()
    assert errors == []
    assert [u for u in requests if urlsplit(u).hostname != "127.0.0.1"] == []


def overflow(page) -> list[int]:  # type: ignore[no-untyped-def]
    return page.evaluate("[document.documentElement.scrollWidth, "
                         "document.documentElement.clientWidth]")


@pytest.mark.parametrize("width", [1280, 375])
def test_screenshots_of_home_and_an_entry(watched, shipped_site, shipped_server, artifacts,
                                          width):
    page = watched(viewport={"width": width, "height": 900})
    for name, path in (("home", ""), ("entry", an_entry(shipped_site))):
        page.goto(shipped_server + path)
        shot = artifacts / f"{name}-{width}.png"
        page.screenshot(path=str(shot), full_page=(name == "entry"))
        assert shot.stat().st_size > 10_000
        scroll, client = overflow(page)
        assert scroll <= client, f"{name} overflows at {width} px: {scroll} > {client}"


@pytest.mark.parametrize("width", [320, 375])
def test_nothing_overflows_on_a_phone(watched, shipped_site, shipped_server, width):
    page = watched(viewport={"width": width, "height": 700})
    wide = []
    for path in some_pages(shipped_site):
        page.goto(shipped_server + path)
        scroll, client = overflow(page)
        if scroll > client:
            wide.append((path, scroll))
    assert wide == []


def test_dark_mode_follows_the_system(watched, shipped_server, artifacts):
    light = watched(color_scheme="light")
    dark = watched(color_scheme="dark", viewport={"width": 1280, "height": 900})
    for page in (light, dark):
        page.goto(shipped_server)
    background = "getComputedStyle(document.body).backgroundColor"
    assert light.evaluate(background) != dark.evaluate(background)
    lum = dark.evaluate(f"{background}.match(/\\d+/g).slice(0, 3).map(Number)")
    assert sum(lum) < 120, lum
    dark.screenshot(path=str(artifacts / "home-1280-dark.png"))


def test_print_shows_the_chronology_with_link_targets(watched, shipped_site, shipped_server,
                                                      artifacts):
    page = watched()
    page.goto(shipped_server)
    page.emulate_media(media="print")
    assert not page.is_visible("#filters") and not page.is_visible(".year-nav")
    assert not page.is_visible(".header-search")
    assert page.locator(".event").first.is_visible()
    after = page.evaluate("getComputedStyle(document.querySelector('.event h3 a'), "
                          "'::after').content")
    # the full address where the site is published (its base URL, origin.css), not a path
    assert "<http://127.0.0.1/entries/" in after
    for hint in (".ui-hint", ".fold-title", ".skip-link"):  # no instructions on paper
        assert page.eval_on_selector_all(
            hint, "els => els.filter(e => e.offsetParent !== null).length") == 0, hint
    page.pdf(path=str(artifacts / "timeline-print.pdf"))
    page.goto(shipped_server + an_entry(shipped_site))
    page.emulate_media(media="print")
    link = page.locator(".sources a").first
    href = link.get_attribute("href") or ""
    assert href.startswith("http")
    assert href in link.evaluate("a => getComputedStyle(a, '::after').content")
    assert not page.is_visible(".cite-actions")


def test_without_javascript_the_shipped_timeline_reads_in_full(browser, shipped_site,
                                                               shipped_server):
    entries = sorted(p.name for p in (shipped_site / "entries").iterdir())
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(shipped_server)
        assert not page.is_visible("#filters")
        shown = page.eval_on_selector_all(
            ".event", "els => els.filter(e => e.offsetParent !== null).map(e => e.id)")
        assert sorted(shown) == entries
        links = set(page.eval_on_selector_all(".event h3 a", "els => els.map(e => e.href)"))
        assert links == {f"{shipped_server}entries/{e}/" for e in entries}
        facets = page.eval_on_selector_all(
            ".who a, .topic-nav a, .year-heading a", "els => els.map(e => e.href)")
        for kind in ("participants/", "topics/", "years/"):
            assert any(f"{shipped_server}{kind}" in h for h in facets), kind
        for e in (entries[0], entries[len(entries) // 2], entries[-1]):
            page.goto(f"{shipped_server}entries/{e}/")
            assert page.is_visible("h1") and page.locator(".sources li").count() > 0
    finally:
        context.close()
