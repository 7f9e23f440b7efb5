"""The timeline in a real browser: filters, URL state, keyboard use, no-JS reading, citations.

One site (tests/design_fixture.py: 11 published entries, the real templates) is built per
module and served under the base path /x/; every page records its requests and console
errors, and a test fails if any request leaves 127.0.0.1 or any error is logged.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import static_server
from design_fixture import PUBLISHED, design_site

from sitegen.config import load_config
from sitegen.engine.builder import build

pytestmark = pytest.mark.browser
WAIT = 5_000  # ms, for every wait below


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("design")
    site = design_site(tmp)
    out = tmp / "root" / "x"
    build(load_config(site), output=out)
    with static_server(out.parent) as root:
        yield root + "x/"


class Watch:
    """Requests and console errors of one browser context."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.errors: list[str] = []

    def attach(self, page) -> None:  # type: ignore[no-untyped-def]
        page.on("request", lambda req: self.requests.append(req.url))
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.on("console", lambda msg: msg.type == "error" and self.errors.append(msg.text))

    def check(self) -> None:
        outside = [u for u in self.requests if urlsplit(u).hostname != "127.0.0.1"]
        assert outside == [], f"requests left the site: {outside}"
        assert self.errors == [], f"console errors: {self.errors}"


def open_page(browser, **options):  # type: ignore[no-untyped-def]
    context = browser.new_context(**options)
    watch = Watch()
    page = context.new_page()
    page.set_default_timeout(WAIT)
    watch.attach(page)
    return context, page, watch


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    context, pg, watch = open_page(browser, viewport={"width": 1280, "height": 900})
    yield pg
    context.close()
    watch.check()


def visible_events(page) -> set[str]:  # type: ignore[no-untyped-def]
    return set(page.eval_on_selector_all(
        ".timeline .event", "els => els.filter(e => e.offsetParent !== null).map(e => e.id)"))


def count_text(page) -> str:  # type: ignore[no-untyped-def]
    return page.inner_text("#filter-count")


def wait_count(page, text: str) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_function("t => document.querySelector('#filter-count').textContent === t",
                           arg=text, timeout=WAIT)


def query(page) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    return parse_qs(urlsplit(page.url).query)


def open_home(page, site_url: str, qs: str = "") -> None:  # type: ignore[no-untyped-def]
    page.goto(site_url + qs)
    page.wait_for_selector("#filters", state="visible", timeout=WAIT)


TOTAL = len(PUBLISHED)


def test_filters_narrow_the_list_and_update_the_count_and_url(page, site_url):
    open_home(page, site_url)
    assert count_text(page) == f"{TOTAL} of {TOTAL} events"
    assert visible_events(page) == set(PUBLISHED)
    page.select_option("#f-participant", "stoltenberg")
    wait_count(page, f"3 of {TOTAL} events")
    assert visible_events(page) == {"2016-04-20-resumes", "2022-01-12-council-meets",
                                    "2022-01-12-second"}
    assert query(page) == {"participant": ["stoltenberg"]}
    years = page.eval_on_selector_all(
        ".year-group", "els => els.filter(e => !e.hidden).map(e => e.id)")
    assert years == ["y2016", "y2022"]
    nav = page.eval_on_selector_all(".year-nav li", "els => els.filter(e => !e.hidden)"
                                    ".map(e => e.textContent.trim())")
    assert nav == ["2016", "2022"]
    dimmed = page.eval_on_selector_all("svg.overview a.is-out",
                                       "els => els.map(e => e.getAttribute('href'))")
    assert dimmed == [f"#y{y}" for y in (1994, 1997, 1999, 2002, 2008, 2014, 2019, 2021)]
    page.select_option("#f-participant", "")
    page.select_option("#f-kind", "suspension")
    page.select_option("#f-from", "2005")
    wait_count(page, f"2 of {TOTAL} events")
    assert visible_events(page) == {"2008-08-19-suspended", "2014-04-01-suspends"}
    assert query(page) == {"kind": ["suspension"], "from": ["2005"]}
    page.select_option("#f-kind", "")
    page.select_option("#f-outcome", "agreed")
    wait_count(page, f"0 of {TOTAL} events")  # both agreements came before 2005
    page.select_option("#f-from", "1994")
    wait_count(page, f"2 of {TOTAL} events")
    assert visible_events(page) == {"1997-05-27-founding", "2002-05-28-rome"}
    page.select_option("#f-to", "1999")
    wait_count(page, f"1 of {TOTAL} events")
    assert visible_events(page) == {"1997-05-27-founding"}
    assert query(page) == {"outcome": ["agreed"], "to": ["1999"]}


def test_year_headings_count_what_the_filters_show(page, site_url):
    open_home(page, site_url, "?participant=stoltenberg")
    assert page.inner_text("#y2022 .year-count") == "2 of 2 events"
    assert page.inner_text("#y2016 .year-count") == "1 of 1 event"
    page.click("#filter-clear")
    wait_count(page, f"{TOTAL} of {TOTAL} events")
    assert page.inner_text("#y2022 .year-count") == "2 events"


def test_a_link_to_a_hidden_year_shows_everything_again(page, site_url):
    open_home(page, site_url, "?kind=suspension")
    assert not page.is_visible("#y2016")
    page.click("svg.overview a[href='#y2016']")
    wait_count(page, f"{TOTAL} of {TOTAL} events")
    assert page.is_visible("#y2016")
    assert urlsplit(page.url).fragment == "y2016" and urlsplit(page.url).query == ""


def test_topic_and_outcome_filters_combine(page, site_url):
    open_home(page, site_url, "?topic=ukraine&outcome=suspended")
    assert count_text(page) == f"1 of {TOTAL} events"
    assert visible_events(page) == {"2014-04-01-suspends"}
    assert page.input_value("#f-topic") == "ukraine"
    assert page.input_value("#f-outcome") == "suspended"


def test_reload_restores_the_state_and_back_returns_to_the_previous_one(page, site_url):
    open_home(page, site_url)
    page.select_option("#f-topic", "ukraine")
    wait_count(page, f"3 of {TOTAL} events")
    page.select_option("#f-from", "2015")
    wait_count(page, f"2 of {TOTAL} events")
    assert query(page) == {"topic": ["ukraine"], "from": ["2015"]}
    page.reload()
    page.wait_for_selector("#filters", state="visible", timeout=WAIT)
    assert count_text(page) == f"2 of {TOTAL} events"
    assert page.input_value("#f-topic") == "ukraine" and page.input_value("#f-from") == "2015"
    assert visible_events(page) == {"2016-04-20-resumes", "2022-01-12-council-meets"}
    page.go_back()
    wait_count(page, f"3 of {TOTAL} events")
    assert query(page) == {"topic": ["ukraine"]}
    assert page.input_value("#f-from") == "1994"
    page.go_back()
    wait_count(page, f"{TOTAL} of {TOTAL} events")
    assert page.input_value("#f-topic") == ""
    page.go_forward()
    wait_count(page, f"3 of {TOTAL} events")


def test_clear_all_resets_every_filter_and_the_url(page, site_url):
    open_home(page, site_url, "?participant=russia&kind=summit&to=2010")
    assert count_text(page) == f"1 of {TOTAL} events"
    page.click("#filter-clear")
    wait_count(page, f"{TOTAL} of {TOTAL} events")
    assert urlsplit(page.url).query == ""
    assert [page.input_value(s) for s in ("#f-participant", "#f-kind", "#f-from", "#f-to")] == [
        "", "", "1994", "2022"]
    assert visible_events(page) == set(PUBLISHED)


def test_no_match_says_so_and_offers_to_clear(page, site_url):
    open_home(page, site_url, "?participant=stoltenberg&kind=suspension")
    assert count_text(page) == f"0 of {TOTAL} events"
    assert page.is_visible("#no-results")
    page.click("#no-results a")
    wait_count(page, f"{TOTAL} of {TOTAL} events")
    assert not page.is_visible("#no-results")


def test_unknown_values_in_the_url_are_ignored(page, site_url):
    open_home(page, site_url, "?participant=nobody&from=1066&kind=%3Cscript%3E")
    assert count_text(page) == f"{TOTAL} of {TOTAL} events"


def focused(page) -> str:  # type: ignore[no-untyped-def]
    return page.evaluate("""() => { const e = document.activeElement;
        return e.id ? '#' + e.id : e.tagName.toLowerCase() + ':' + e.textContent.trim(); }""")


def test_keyboard_reaches_every_control_and_sets_a_filter(page, site_url):
    open_home(page, site_url)
    page.keyboard.press("Tab")
    assert focused(page) == "a:Skip to content"
    assert page.evaluate("document.activeElement.getBoundingClientRect().top >= 0")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    seen = []
    for _ in range(80):
        page.keyboard.press("Tab")
        seen.append(focused(page))
        if seen[-1] == "#filter-clear":
            break
    controls = ["#f-participant", "#f-topic", "#f-kind", "#f-outcome", "#f-from", "#f-to",
                "#filter-clear"]
    assert [s for s in seen if s in controls] == controls, seen
    assert "a:1994" in seen and "a:2022" in seen  # the year navigator
    assert "button:Search" in seen  # the header search box
    for _ in range(4):  # back from "Clear all" past To, From and Outcome to Kind
        page.keyboard.press("Shift+Tab")
    assert focused(page) == "#f-kind"
    page.keyboard.type("susp")
    wait_count(page, f"3 of {TOTAL} events")
    assert query(page) == {"kind": ["suspension"]}
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert focused(page) == "#f-to"
    page.keyboard.press("Tab")
    assert focused(page) == "#filter-clear"
    page.keyboard.press("Enter")
    wait_count(page, f"{TOTAL} of {TOTAL} events")
    for _ in range(3):
        page.keyboard.press("Tab")
    assert focused(page).startswith("a:")  # on into the timeline's links


def test_skip_link_moves_focus_to_the_main_content(page, site_url):
    page.goto(site_url + "entries/2019-treaty-ends/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert focused(page) == "#main"
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")


def test_copy_citation_puts_the_citation_on_the_clipboard(browser, site_url):
    context, pg, watch = open_page(browser)
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    try:
        pg.goto(site_url + "entries/2022-01-12-council-meets/")
        pg.click("text=Copy citation")
        pg.wait_for_function("() => document.querySelector('.copy-status').textContent",
                             timeout=WAIT)
        assert pg.inner_text(".copy-status") == "Citation copied."
        copied = pg.evaluate("navigator.clipboard.readText()")
        assert copied == pg.inner_text("#cite-text")
        assert "The council meets on <Ukraine> & security" in copied
        assert "https://example.org/x/entries/2022-01-12-council-meets/" in copied
    finally:
        context.close()
    watch.check()


def test_without_javascript_everything_is_readable_and_the_facets_reachable(browser, site_url):
    context, pg, watch = open_page(browser, java_script_enabled=False)
    try:
        pg.goto(site_url)
        assert not pg.is_visible("#filters")
        assert visible_events(pg) == set(PUBLISHED)
        hrefs = set(pg.eval_on_selector_all(".event a", "els => els.map(e => e.href)"))
        for eid in PUBLISHED:
            assert f"{site_url}entries/{eid}/" in hrefs
        for facet in ("participants/stoltenberg/", "topics/ukraine/"):
            assert site_url + facet in hrefs
        years = set(pg.eval_on_selector_all(".year-heading a", "els => els.map(e => e.href)"))
        assert site_url + "years/2016/" in years
        for eid in PUBLISHED:
            pg.goto(f"{site_url}entries/{eid}/")
            assert pg.is_visible("h1") and pg.is_visible(".sources")
            assert not pg.is_visible("button[data-copy]")
        pg.goto(site_url + "participants/stoltenberg/")
        assert pg.inner_text("h1") == "Jens Stoltenberg"
        assert visible_events(pg) == {"2016-04-20-resumes", "2022-01-12-council-meets",
                                      "2022-01-12-second"}
        pg.goto(site_url + "topics/ukraine/")
        assert len(visible_events(pg)) == 3
        pg.goto(site_url + "years/2022/")
        assert visible_events(pg) == {"2022-01-12-council-meets", "2022-01-12-second"}
    finally:
        context.close()
    watch.check()


def test_the_overview_chart_links_each_year_to_its_place(page, site_url):
    open_home(page, site_url)
    bars = page.eval_on_selector_all("svg.overview a",
                                     "els => els.map(e => e.getAttribute('href'))")
    years = page.eval_on_selector_all(".year-group", "els => els.map(e => '#' + e.id)")
    assert bars == years
    page.click("svg.overview a[href='#y2014']")
    page.wait_for_function("() => location.hash === '#y2014'", timeout=WAIT)
    page.wait_for_function(  # smooth scrolling (motion is allowed here) ends at the year
        "() => Math.abs(document.getElementById('y2014').getBoundingClientRect().top) < 40")


def test_reduced_motion_turns_smooth_scrolling_off(browser, site_url):
    for motion, behaviour in (("reduce", "auto"), ("no-preference", "smooth")):
        context, pg, watch = open_page(browser, reduced_motion=motion)
        try:
            pg.goto(site_url)
            assert pg.evaluate("getComputedStyle(document.documentElement).scrollBehavior") == (
                behaviour)
        finally:
            context.close()
        watch.check()


def test_screenshots_of_the_fixture(browser, site_url, artifacts: Path):
    context, pg, watch = open_page(browser, viewport={"width": 1280, "height": 900})
    try:
        pg.goto(site_url + "?kind=suspension")
        pg.wait_for_selector("#filters", state="visible", timeout=WAIT)
        pg.screenshot(path=str(artifacts / "timeline-filtered-1280.png"), full_page=True)
    finally:
        context.close()
    watch.check()
