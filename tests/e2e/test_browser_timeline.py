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


def choose(page, name: str, value: str, on: bool = True) -> None:  # type: ignore[no-untyped-def]
    """Tick (or untick) one value of a facet, opening its disclosure first."""
    facet = f"details[data-name={name}]"
    if not page.eval_on_selector(facet, "d => d.open"):
        page.click(f"{facet} > summary")
    box = f"{facet} input[value='{value}']"
    page.check(box) if on else page.uncheck(box)


def test_filters_narrow_the_list_and_update_the_count_and_url(page, site_url):
    open_home(page, site_url)
    assert count_text(page) == f"{TOTAL} of {TOTAL} events"
    assert visible_events(page) == set(PUBLISHED)
    choose(page, "participant", "stoltenberg")
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
    choose(page, "participant", "stoltenberg", on=False)
    choose(page, "kind", "suspension")
    page.select_option("#f-from", "2005")
    wait_count(page, f"2 of {TOTAL} events")
    assert visible_events(page) == {"2008-08-19-suspended", "2014-04-01-suspends"}
    assert query(page) == {"kind": ["suspension"], "from": ["2005"]}
    choose(page, "kind", "suspension", on=False)
    choose(page, "outcome", "agreed")
    wait_count(page, f"0 of {TOTAL} events")  # both agreements came before 2005
    page.select_option("#f-from", "1994")
    wait_count(page, f"2 of {TOTAL} events")
    assert visible_events(page) == {"1997-05-27-founding", "2002-05-28-rome"}
    page.select_option("#f-to", "1999")
    wait_count(page, f"1 of {TOTAL} events")
    assert visible_events(page) == {"1997-05-27-founding"}
    assert query(page) == {"outcome": ["agreed"], "to": ["1999"]}


def test_several_values_of_a_facet_mean_any_of_them_and_facets_combine(page, site_url):
    open_home(page, site_url, "?kind=suspension&kind=summit")
    assert count_text(page) == f"4 of {TOTAL} events"  # three suspensions or one summit
    assert visible_events(page) == {"1999-03-24-freeze", "2008-08-19-suspended",
                                    "2014-04-01-suspends", "2002-05-28-rome"}
    assert page.inner_text("details[data-name=kind] .facet-n") == "(2)"
    choose(page, "participant", "russia")  # and a second facet: both must hold
    wait_count(page, f"2 of {TOTAL} events")
    assert visible_events(page) == {"1999-03-24-freeze", "2002-05-28-rome"}
    assert query(page) == {"participant": ["russia"], "kind": ["summit", "suspension"]}
    page.reload()
    page.wait_for_selector("#filters", state="visible", timeout=WAIT)
    assert count_text(page) == f"2 of {TOTAL} events"
    assert page.is_checked("details[data-name=kind] input[value=summit]")
    page.go_back()
    wait_count(page, f"4 of {TOTAL} events")
    assert query(page) == {"kind": ["suspension", "summit"]}


def test_the_text_filter_reads_titles_and_summaries_and_round_trips(page, site_url):
    open_home(page, site_url)
    page.fill("#f-q", "FREEZE")  # a title word, in any case
    wait_count(page, f"1 of {TOTAL} events")
    assert visible_events(page) == {"1999-03-24-freeze"}
    assert query(page) == {"q": ["FREEZE"]}
    page.fill("#f-q", "what happened at the rome")  # words of a summary, all of them
    page.wait_for_function("() => location.search.includes('rome')", timeout=WAIT)
    assert visible_events(page) == {"2002-05-28-rome"}
    length = page.evaluate("history.length")
    page.reload()
    page.wait_for_selector("#filters", state="visible", timeout=WAIT)
    assert page.input_value("#f-q") == "what happened at the rome"
    assert count_text(page) == f"1 of {TOTAL} events"
    page.go_back()  # typing was one change: one step back clears it
    wait_count(page, f"{TOTAL} of {TOTAL} events")
    assert page.evaluate("history.length") == length


def test_the_chart_recounts_what_the_filters_show(page, site_url):
    open_home(page, site_url, "?participant=russia&kind=meeting")
    shown = page.eval_on_selector_all(
        ".year-group:not([hidden])", "els => Object.fromEntries(els.map(g => [g.dataset.year,"
        " g.querySelectorAll('.event:not([hidden])').length]))")
    drawn = page.evaluate("""() => {
        const svg = document.querySelector('svg.overview'), unit = +svg.dataset.unit;
        return Object.fromEntries([...svg.querySelectorAll('a')].map(a => [
          a.getAttribute('href').slice(2),
          [...a.querySelectorAll('rect:not(.hit)')].reduce((n, r) => {
            const h = +r.getAttribute('height'); return n + (h ? (h + 1) / unit : 0); }, 0)]));
    }""")
    drawn = {y: n for y, n in drawn.items() if n}
    assert drawn == shown and sum(shown.values()) == 2
    label = page.get_attribute("svg.overview a[href='#y2016']", "aria-label")
    assert label == "2016: 1 of 1 event"
    page.click("#filter-clear")
    wait_count(page, f"{TOTAL} of {TOTAL} events")
    assert page.get_attribute("svg.overview a[href='#y2022']", "aria-label") == "2022: 2 events"


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
    assert page.is_checked("details[data-name=topic] input[value=ukraine]")
    assert page.is_checked("details[data-name=outcome] input[value=suspended]")


def test_reload_restores_the_state_and_back_returns_to_the_previous_one(page, site_url):
    open_home(page, site_url)
    choose(page, "topic", "ukraine")
    wait_count(page, f"3 of {TOTAL} events")
    page.select_option("#f-from", "2015")
    wait_count(page, f"2 of {TOTAL} events")
    assert query(page) == {"topic": ["ukraine"], "from": ["2015"]}
    page.reload()
    page.wait_for_selector("#filters", state="visible", timeout=WAIT)
    assert count_text(page) == f"2 of {TOTAL} events"
    assert page.input_value("#f-from") == "2015"
    assert visible_events(page) == {"2016-04-20-resumes", "2022-01-12-council-meets"}
    page.go_back()
    wait_count(page, f"3 of {TOTAL} events")
    assert query(page) == {"topic": ["ukraine"]}
    assert page.input_value("#f-from") == "1994"
    page.go_back()
    wait_count(page, f"{TOTAL} of {TOTAL} events")
    assert not page.is_checked("details[data-name=topic] input[value=ukraine]")
    page.go_forward()
    wait_count(page, f"3 of {TOTAL} events")


def test_arrow_keys_on_a_closed_select_add_one_history_entry(page, site_url):
    open_home(page, site_url)
    length = page.evaluate("history.length")
    page.focus("#f-from")
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    wait_count(page, f"{TOTAL - 1} of {TOTAL} events")  # 1994 is now outside the range
    assert query(page) == {"from": ["1997"]}
    assert page.evaluate("history.length") == length + 1
    page.focus("#f-to")  # another control: its change is a new entry
    page.keyboard.press("ArrowUp")
    page.wait_for_function("() => location.search.includes('to=2021')", timeout=WAIT)
    assert page.evaluate("history.length") == length + 2
    page.go_back()
    page.wait_for_function("() => location.search === '?from=1997'", timeout=WAIT)


def test_clear_all_resets_every_filter_and_the_url(page, site_url):
    open_home(page, site_url, "?participant=russia&kind=summit&to=2010&q=rome")
    assert count_text(page) == f"1 of {TOTAL} events"
    page.click("#filter-clear")
    wait_count(page, f"{TOTAL} of {TOTAL} events")
    assert urlsplit(page.url).query == ""
    assert [page.input_value(s) for s in ("#f-q", "#f-from", "#f-to")] == ["", "1994", "2022"]
    assert page.eval_on_selector_all("#filters input:checked", "els => els.length") == 0
    assert visible_events(page) == set(PUBLISHED)


def test_no_match_says_so_and_offers_to_clear(page, site_url):
    open_home(page, site_url, "?participant=stoltenberg&kind=suspension")
    assert count_text(page) == f"0 of {TOTAL} events"
    assert page.is_visible("#no-results")
    page.click("#no-results a")
    wait_count(page, f"{TOTAL} of {TOTAL} events")
    assert not page.is_visible("#no-results")


def test_unknown_values_in_the_url_are_reported_and_dropped(page, site_url):
    open_home(page, site_url, "?participant=nobody&participant=russia&from=1066"
                              "&kind=%3Cscript%3E&colour=red")
    assert count_text(page) == f"6 of {TOTAL} events"  # russia alone
    note = page.inner_text("#filter-note")
    assert note == ("Not found, so left out of the filters: participant “nobody”, kind "
                    "“<script>”, from “1066”, colour “red”.")
    assert query(page) == {"participant": ["russia"]}
    assert page.eval_on_selector_all("#filter-note script", "els => els.length") == 0
    choose(page, "participant", "nato")  # the next change clears the note
    page.wait_for_selector("#filter-note", state="hidden", timeout=WAIT)


def focused(page) -> str:  # type: ignore[no-untyped-def]
    return page.evaluate("""() => { const e = document.activeElement;
        return e.id ? '#' + e.id : e.tagName.toLowerCase() + ':' + e.textContent.trim(); }""")


def test_the_first_event_is_reached_in_five_tab_presses(page, site_url):
    open_home(page, site_url)
    first = page.eval_on_selector(".event h3 a", "a => a.textContent.trim()")
    presses = 1
    page.keyboard.press("Tab")
    assert focused(page) == "a:Skip to events"
    assert page.evaluate("document.activeElement.getBoundingClientRect().top >= 0")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Enter")
    assert focused(page) == "#timeline"
    while focused(page) != f"a:{first}" and presses < 5:
        page.keyboard.press("Tab")
        presses += 1
    assert focused(page) == f"a:{first}", presses
    assert presses <= 5
    assert urlsplit(page.url).fragment == ""


def test_skip_links_leave_no_fragment_in_later_urls(page, site_url):
    open_home(page, site_url)
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert focused(page) == "a:Skip to content"
    page.keyboard.press("Enter")
    assert focused(page) == "#main"
    choose(page, "kind", "summit")
    wait_count(page, f"1 of {TOTAL} events")
    assert "#" not in page.url and query(page) == {"kind": ["summit"]}
    page.goto(site_url + "#main")  # a link made without JavaScript
    page.wait_for_selector("#filters", state="visible", timeout=WAIT)
    assert urlsplit(page.url).fragment == ""


def test_the_chart_is_one_tab_stop_and_arrow_keys_move_within_it(page, site_url):
    open_home(page, site_url)
    bars = page.eval_on_selector_all("svg.overview a",
                                     "els => els.map(e => e.getAttribute('href'))")
    page.focus("svg.overview a[href='#y1994']")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.getAttribute('href')") == bars[2]
    page.keyboard.press("End")
    assert page.evaluate("document.activeElement.getAttribute('href')") == bars[-1]
    page.keyboard.press("Tab")  # out of the chart in one press
    assert page.evaluate("!document.querySelector('svg.overview').contains("
                         "document.activeElement)")
    page.keyboard.press("Shift+Tab")  # back in: on the bar last focused
    assert page.evaluate("document.activeElement.getAttribute('href')") == bars[-1]
    stops = page.eval_on_selector_all("svg.overview a", "els => els.filter(e => "
                                      "e.getAttribute('tabindex') === '0').length")
    assert stops == 1
    page.keyboard.press("Enter")
    page.wait_for_function("() => location.hash === '#y2022'", timeout=WAIT)


def test_keyboard_reaches_every_control_and_sets_a_filter(page, site_url):
    open_home(page, site_url)
    seen = []
    for _ in range(60):
        page.keyboard.press("Tab")
        seen.append(focused(page))
        if seen[-1] == "#filter-clear":
            break
    controls = ["#f-q", "#f-from", "#f-to", "#filter-clear"]
    assert [s for s in seen if s in controls] == controls, seen
    summaries = [s for s in seen if s.startswith("summary:")]
    assert summaries == ["summary:Participant", "summary:Topic", "summary:Kind",
                         "summary:Outcome", "summary:Significance"], seen
    assert "a:1994" in seen and "a:2022" in seen  # the year navigator
    assert "button:Search" in seen  # the header search box
    assert sum(s.startswith("a:") and s[2:].isdigit() and len(s) == 6 for s in seen) >= 8
    page.focus("details[data-name=kind] > summary")
    page.keyboard.press("Enter")  # open the disclosure
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # the second kind
    kind = page.evaluate("document.activeElement.value")
    n = page.eval_on_selector_all(f".event[data-kind={kind}]", "els => els.length")
    wait_count(page, f"{n} of {TOTAL} events")
    assert query(page) == {"kind": [kind]}
    page.focus("#filter-clear")
    page.keyboard.press("Enter")
    wait_count(page, f"{TOTAL} of {TOTAL} events")


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
        pg.wait_for_function("() => document.querySelector('.cite [role=status]').textContent",
                             timeout=WAIT)
        assert pg.inner_text(".cite [role=status]") == "Citation copied."
        copied = pg.evaluate("navigator.clipboard.readText()")
        assert copied == pg.inner_text(".cite > p")
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
        hrefs |= set(pg.eval_on_selector_all(".topic-nav a", "els => els.map(e => e.href)"))
        for facet in ("participants/stoltenberg/", "topics/ukraine/"):
            assert site_url + facet in hrefs
        years = set(pg.eval_on_selector_all(".year-heading a", "els => els.map(e => e.href)"))
        assert site_url + "years/2016/" in years
        for eid in PUBLISHED:
            pg.goto(f"{site_url}entries/{eid}/")
            assert pg.is_visible("h1") and pg.is_visible(".sources")
            assert pg.locator(".cite button").count() == 0
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
