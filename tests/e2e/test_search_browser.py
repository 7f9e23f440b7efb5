"""Search in a real browser: the site published in a subfolder, indexed by Pagefind."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
from axe_playwright_python.sync_playwright import Axe
from conftest import ROOT, copy_fixture, static_server, watched_page
from publish_fixture import publishing_site

from sitegen.config import load_config
from sitegen.engine.builder import build

pytestmark = pytest.mark.browser
WAIT = 10_000  # ms, for every wait below


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The publishing fixture built with search for https://example.org/sub/, served at /sub/."""
    tmp = tmp_path_factory.mktemp("search")
    site = publishing_site(tmp, base_url="https://example.org/sub/")
    out = tmp / "root" / "sub"
    with mock.patch.dict(os.environ, {"SOURCE_DATE_EPOCH": "1700000000"}):
        build(load_config(site), output=out, search=True)
    with static_server(out.parent) as root:
        yield root + "sub/"


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    with watched_page(browser, WAIT) as pg:
        yield pg


def results(page) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    links = page.locator(".search-results li > a")
    return [(links.nth(i).inner_text(), links.nth(i).get_attribute("href") or "")
            for i in range(links.count())]


def search_for(page, text: str) -> None:  # type: ignore[no-untyped-def]
    page.fill("#search-q", text)
    page.wait_for_function(
        "t => document.querySelector('.search-status').textContent.includes(t)",
        arg=f"“{text}”", timeout=WAIT)


def test_typing_a_treaty_finds_its_entry_under_the_base_path(page, site_url, artifacts: Path):
    page.goto(site_url + "search/")
    page.wait_for_selector("#search-q", state="visible", timeout=WAIT)
    search_for(page, "treaty")
    found = results(page)
    page.screenshot(path=str(artifacts / "search-treaty.png"), full_page=True)
    assert ("A treaty ends", "/sub/entries/2019-treaty-ends/") in found
    page.click("text=A treaty ends")
    page.wait_for_url(site_url + "entries/2019-treaty-ends/", timeout=WAIT)


def test_a_meeting_is_found_from_the_header_search_box(page, site_url):
    page.goto(site_url)
    page.fill("header input[name=q]", "council")
    page.press("header input[name=q]", "Enter")
    page.wait_for_url(site_url + "search/?q=council", timeout=WAIT)
    page.wait_for_selector(".search-results li", timeout=WAIT)
    title = "The council meets on <Ukraine> & security"
    assert results(page)[0] == (title, "/sub/entries/2022-01-12-council-meets/")
    assert "<mark>" in page.inner_html(".search-results li p")


def test_a_filter_narrows_the_results(page, site_url):
    page.goto(site_url + "search/")
    page.wait_for_selector("#search-q", state="visible", timeout=WAIT)
    search_for(page, "NATO")
    everything = results(page)
    assert len(everything) >= 3
    page.select_option("#search-kind", "treaty")
    page.wait_for_function("() => document.querySelectorAll('.search-results li').length === 1",
                           timeout=WAIT)
    assert results(page) == [("A treaty ends", "/sub/entries/2019-treaty-ends/")]
    assert "kind=treaty" in page.url
    page.select_option("#search-kind", "")
    page.select_option("#search-year", "2022")
    page.wait_for_function("() => document.querySelectorAll('.search-results li').length === 2",
                           timeout=WAIT)
    assert {href for _, href in results(page)} == {
        "/sub/entries/2022-01-12-council-meets/", "/sub/entries/2022-01-12-second/"}


def test_search_page_is_accessible_with_results(page, site_url):
    page.goto(site_url + "search/?q=treaty")
    page.wait_for_selector(".search-results li", timeout=WAIT)
    violations = Axe().run(page).response["violations"]
    assert [v["id"] for v in violations] == []


def test_without_javascript_the_search_page_links_the_browse_pages(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    try:
        pg = context.new_page()
        pg.goto(site_url + "search/?q=treaty")
        assert not pg.is_visible(".search-form")
        assert pg.is_visible("text=needs JavaScript")
        hrefs = pg.eval_on_selector_all(".search-browse-all a", "els => els.map(e => e.href)")
        assert site_url + "years/2019/" in hrefs
        assert site_url + "participants/nato/" in hrefs
        assert site_url + "topics/arms-control/" in hrefs
        assert pg.inner_text(".search-status") == ""  # no "Searching…" left hanging
    finally:
        context.close()


@pytest.fixture(scope="module")
def themed_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The fixture content with the site's own templates (design + partials), under /sub/."""
    tmp = tmp_path_factory.mktemp("themed")
    site = copy_fixture("basic", tmp)
    (site / "sitegen.toml").write_text((site / "sitegen.toml").read_text().replace(
        "https://example.org/fixture/", "https://example.org/sub/")
        + f'templates_dir = "{ROOT / "templates"}"\n')
    out = tmp / "root" / "sub"
    build(load_config(site), output=out, search=True)
    with static_server(out.parent) as root:
        yield root + "sub/"


def test_search_in_the_sites_own_design_finds_and_filters_and_is_accessible(page, themed_url):
    page.goto(themed_url)
    page.fill("header input[name=q]", "treaty")
    page.press("header input[name=q]", "Enter")
    page.wait_for_selector(".search-results li", timeout=WAIT)
    assert ("A treaty ends", "/sub/entries/2019-treaty-ends/") in results(page)
    page.select_option("#search-year", "2022")
    page.wait_for_function("() => !document.querySelector('.search-status')"
                           ".textContent.includes('Searching')", timeout=WAIT)
    assert ("A treaty ends", "/sub/entries/2019-treaty-ends/") not in results(page)
    violations = Axe().run(page).response["violations"]
    assert [v["id"] for v in violations] == []
