"""The offline copy of the shipped record (`sitegen build --offline`) opened from disk in real
Chromium: styled, a link from the home page to an entry and back, the views and their
filters working, and not one request outside the copy's folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT

from sitegen import cli

pytestmark = pytest.mark.browser
WAIT = 10_000
BG = "rgb(251, 250, 247)"  # site.css's --bg in light mode


@pytest.fixture(scope="module")
def copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("offline") / "nato-russia"
    assert cli.main(["-C", str(ROOT), "build", "--offline", "--output", str(out)]) == 0
    return out


@pytest.fixture
def page(browser, copy):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(WAIT)
    requests: list[str] = []
    errors: list[str] = []
    pg.on("request", lambda req: requests.append(req.url))
    # a request cut short because the page went elsewhere (a link clicked, the context
    # closed while Chromium still fetched the icon) is net::ERR_ABORTED, not a broken link;
    # a missing file is net::ERR_FILE_NOT_FOUND
    pg.on("requestfailed", lambda req: req.failure == "net::ERR_ABORTED"
          or errors.append(f"failed: {req.url} ({req.failure})"))
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    yield pg
    context.close()
    folder = copy.as_uri() + "/"
    assert requests and [u for u in requests if not u.startswith(folder)] == []
    assert errors == []


def styled(page) -> bool:  # type: ignore[no-untyped-def]
    return bool(page.evaluate(f"getComputedStyle(document.body).backgroundColor === '{BG}'"
                              " && document.styleSheets.length > 0"))


def test_the_copy_opens_from_disk_styled_and_its_links_go_and_come_back(page, copy):
    home = (copy / "index.html").as_uri()
    page.goto(home)
    page.wait_for_selector("#filters", state="visible")  # timeline.js ran
    assert styled(page)
    first = page.locator(".event h3 a").first
    title = first.inner_text()
    first.click()
    page.wait_for_load_state("load")
    assert page.url.startswith(copy.as_uri() + "/entries/") and page.url.endswith("/index.html")
    assert page.inner_text("h1") == title
    assert styled(page)
    page.click(".site-title a")  # back to the timeline by the page's own link
    page.wait_for_load_state("load")
    assert page.url == home
    page.go_back()
    page.wait_for_load_state("load")
    assert page.inner_text("h1") == title


def test_the_views_and_their_filters_work_from_disk(page, copy):
    page.goto((copy / "index.html").as_uri())
    page.click(".view-switch a:text('Compact')")
    page.wait_for_load_state("load")
    assert page.url == (copy / "chronology" / "index.html").as_uri()
    page.wait_for_selector("#filters", state="visible")
    assert styled(page)
    page.click("details[data-name=significance] > summary")
    page.check("details[data-name=significance] input[value=turning-point]")
    page.wait_for_function("() => /^\\d+ of 165 events$/.test("
                           "document.querySelector('#filter-count').textContent)"
                           " && !document.querySelector('#filter-count').textContent"
                           ".startsWith('165')")
    shown = page.eval_on_selector_all(
        "#timeline .event", "els => els.filter(e => e.offsetParent !== null).length")
    assert 15 <= shown <= 30
    page.click(".view-switch a:text('Table')")  # the filters travel with the switch
    page.wait_for_load_state("load")
    assert page.url.startswith((copy / "table" / "index.html").as_uri() + "?")
    page.wait_for_selector("th button")
    assert page.eval_on_selector_all(
        "#timeline .event", "els => els.filter(e => e.offsetParent !== null).length") == shown


def test_the_search_page_of_the_copy_says_it_needs_the_served_site(page, copy):
    page.goto((copy / "index.html").as_uri())
    page.fill(".search-box-input", "treaty")
    page.click(".search-box-button")
    page.wait_for_load_state("load")
    assert page.url.startswith((copy / "search" / "index.html").as_uri())
    assert page.is_visible("text=Search needs the served site.")
    assert not page.is_visible("text=needs JavaScript")
    assert not (copy / "pagefind").exists()  # no index: it could not run from disk
