"""Search on the shipped record, indexed by Pagefind, in a real browser: titles (and turning
points among title matches) rank first, results sort by date on request, excerpts say where
they were cut, and a copy without an index (the preview) shows one accurate message."""

from __future__ import annotations

import os
from collections.abc import Iterator
from unittest import mock

import pytest
from conftest import ROOT, static_server, watched_page

from sitegen.config import load_config
from sitegen.engine.builder import build

pytestmark = pytest.mark.browser
WAIT = 10_000


@pytest.fixture(scope="module")
def indexed_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    out = tmp_path_factory.mktemp("indexed") / "site"
    with mock.patch.dict(os.environ, {"SOURCE_DATE_EPOCH": "1700000000"}):
        build(load_config(ROOT).with_base_url("http://127.0.0.1/"), output=out, search=True)
    with static_server(out) as url:
        yield url


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    with watched_page(browser, WAIT) as pg:
        yield pg


def found(page, url: str) -> list[str]:  # type: ignore[no-untyped-def]
    page.goto(url)
    page.wait_for_selector(".search-results li", timeout=WAIT)
    return page.eval_on_selector_all(".search-results li > a",
                                     "els => els.map(a => a.getAttribute('href').split('/')[2])")


def test_the_founding_act_comes_first_for_founding(page, indexed_url):
    ids = found(page, indexed_url + "search/?q=founding")
    assert ids[0] == "1997-05-27-founding-act"
    # every result whose title holds the word comes before those whose text alone does
    titles = page.eval_on_selector_all(".search-results li > a", "els => els.map(a => "
                                       "a.textContent.toLowerCase().includes('founding'))")
    assert titles == sorted(titles, reverse=True) and titles[0]
    assert "turning point" in page.inner_text(".search-results li .search-date")


def test_results_sort_by_date_on_request(page, indexed_url):
    best = found(page, indexed_url + "search/?q=council")
    oldest = found(page, indexed_url + "search/?q=council&sort=asc")
    newest = found(page, indexed_url + "search/?q=council&sort=desc")
    assert page.input_value("#search-sort") == "desc"
    assert oldest == sorted(oldest) and newest == sorted(newest, reverse=True)
    assert best != oldest  # relevance is another order
    page.select_option("#search-sort", "asc")
    page.wait_for_function("() => location.search.includes('sort=asc')", timeout=WAIT)
    page.wait_for_function("first => document.querySelector('.search-results li > a')"
                           ".getAttribute('href').includes(first)", arg=oldest[0], timeout=WAIT)


def test_excerpts_end_a_sentence_or_say_they_were_cut(page, indexed_url):
    found(page, indexed_url + "search/?q=treaty")
    ends = page.eval_on_selector_all(".search-results li p",
                                     "ps => ps.map(p => p.textContent.trim().slice(-1))")
    assert ends and set(ends) <= {".", "!", "?", "…"}
    assert "…" in ends


def test_without_an_index_the_page_says_so_once(browser, shipped_server):
    context = browser.new_context()
    try:
        pg = context.new_page()
        pg.goto(shipped_server + "search/?q=treaty")
        pg.wait_for_function("() => document.querySelector('.search-status').textContent",
                             timeout=WAIT)
        status = pg.inner_text(".search-status")
        assert status.startswith("Search is not available here: this copy of the site has "
                                 "no search index")
        assert not pg.is_visible("text=needs JavaScript")
        assert pg.is_visible(".search-browse-all") and pg.is_visible("a[href='/years/1997/']")
    finally:
        context.close()
    context = browser.new_context(java_script_enabled=False)
    try:
        pg = context.new_page()
        pg.goto(shipped_server + "search/?q=treaty")
        assert pg.is_visible("text=needs JavaScript")
        assert pg.inner_text(".search-status") == ""
    finally:
        context.close()


def test_the_entry_template_weighs_titles_above_the_text() -> None:
    entry = (ROOT / "templates" / "entry.html").read_text(encoding="utf-8")
    # (the title may carry lang="…" after it: a title left in the original's language)
    assert '<h1 id="entry-title" data-pagefind-weight="10"' in entry
    assert "metaWeights" in (ROOT / "templates" / "static" / "search.js").read_text()

