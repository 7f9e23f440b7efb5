"""The compact chronology and the table of the shipped record in real Chromium: they filter
like the cards, the view switch carries the filters in the URL both ways, the table sorts
by keyboard (aria-sort), axe finds no violation in light and dark mode, the first event is
within one screen of scrolling at 360 px, and without JavaScript they list every entry."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.browser
WAIT = 10_000
PHONE = {"width": 360, "height": 740}
AXE = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                             "wcag22aa"]}, "resultTypes": ["violations"]}
VIEWS = {"cards": "", "compact": "chronology/", "table": "table/"}
VISIBLE = "els => els.filter(e => e.offsetParent !== null).map(e => e.id)"


@pytest.fixture
def open_page(browser):  # type: ignore[no-untyped-def]
    """Pages of new contexts; the test fails on any script error or request off loopback."""
    contexts, errors, requests = [], [], []

    def make(url: str, **options):  # type: ignore[no-untyped-def]
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = browser.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(WAIT)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
        page.on("request", lambda req: requests.append(req.url))
        page.goto(url)
        page.wait_for_load_state("load")
        return page

    yield make
    for c in contexts:
        c.close()
    assert errors == []
    assert [u for u in requests if urlsplit(u).hostname != "127.0.0.1"] == []


def shown(page) -> list[str]:  # type: ignore[no-untyped-def]
    return list(page.eval_on_selector_all("#timeline .event", VISIBLE))


def count(page) -> str:  # type: ignore[no-untyped-def]
    return str(page.inner_text("#filter-count"))


def query(page) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    return parse_qs(urlsplit(page.url).query)


@pytest.mark.parametrize("qs", [
    "?kind=meeting&from=2000",
    "?significance=turning-point",
    "?participant=putin&participant=lavrov&to=2014",
    "?outcome=agreed&topic=arms-control",
])
def test_compact_and_table_views_filter_like_the_cards(open_page, shipped_server, qs):
    seen = {}
    for view, path in VIEWS.items():
        page = open_page(shipped_server + path + qs)
        page.wait_for_selector("#filters", state="visible")
        seen[view] = (sorted(shown(page)), count(page))
        assert seen[view][0], view
        assert "?" + urlsplit(page.url).query == qs  # nothing dropped
    assert seen["compact"] == seen["cards"]
    assert seen["table"] == seen["cards"]


def test_the_words_filter_agrees_between_compact_and_table(open_page, shipped_server):
    got = []
    for path in ("chronology/", "table/"):
        page = open_page(shipped_server + path + "?q=council")
        page.wait_for_selector("#filters", state="visible")
        got.append(sorted(shown(page)))
        assert "outcomes" in page.inner_text("label[for=f-q]")
    assert got[0] == got[1] and 0 < len(got[0]) < 165


def test_the_view_switch_keeps_the_filters_in_the_url_both_ways(open_page, shipped_server):
    page = open_page(shipped_server + "chronology/")
    page.wait_for_selector("#filters", state="visible")
    page.click("details[data-name=kind] > summary")
    page.check("details[data-name=kind] input[value=summit]")
    page.select_option("#f-from", "2000")
    page.wait_for_function("() => location.search.includes('from=2000')")
    compact = sorted(shown(page))
    assert query(page) == {"kind": ["summit"], "from": ["2000"]}
    page.click(".view-switch a:text('Table')")
    page.wait_for_url("**/table/?*")
    assert query(page) == {"kind": ["summit"], "from": ["2000"]}
    assert sorted(shown(page)) == compact
    assert page.get_attribute(".view-switch a:text('Compact')", "href") == \
        "/chronology/?kind=summit&from=2000"
    page.click(".view-switch a:text('Cards')")
    page.wait_for_url(lambda url: urlsplit(url).path == "/")
    page.wait_for_selector("#filters", state="visible")
    assert query(page) == {"kind": ["summit"], "from": ["2000"]}
    assert sorted(shown(page)) == compact
    page.go_back()
    page.wait_for_url("**/table/?*")
    assert sorted(shown(page)) == compact


def titles(page) -> list[str]:  # type: ignore[no-untyped-def]
    return list(page.eval_on_selector_all(
        "tbody tr", "rs => rs.map(r => r.querySelector('.title').textContent)"))


def test_the_table_sorts_by_keyboard(open_page, shipped_server):
    page = open_page(shipped_server + "table/")
    page.wait_for_selector("th button")
    by_date = titles(page)
    page.focus("#filter-clear")
    page.keyboard.press("Tab")  # the table's first stop: the first column's sort button
    assert page.evaluate("document.activeElement.textContent") == "Date"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Event"
    page.keyboard.press("Enter")
    assert page.get_attribute("th:nth-child(2)", "aria-sort") == "ascending"
    assert page.get_attribute("th:nth-child(1)", "aria-sort") is None
    ascending = titles(page)
    assert page.evaluate("""t => { const c = new Intl.Collator('en', {numeric: true,
        sensitivity: 'base'}).compare; return t.every((x, i) => i === 0 ||
        c(t[i - 1], x) <= 0); }""", ascending)
    assert sorted(ascending) == sorted(by_date) and ascending != by_date
    page.keyboard.press("Space")
    assert page.get_attribute("th:nth-child(2)", "aria-sort") == "descending"
    assert titles(page)[0] == ascending[-1]
    page.focus("th:nth-child(4) button")  # significance: turning points first
    page.keyboard.press("Enter")
    ranks = page.eval_on_selector_all("tbody tr", "rs => rs.map(r => r.className.match("
                                      "/sig-(tp|mj|rt)/)[1])")
    assert ranks == sorted(ranks, key="tp mj rt".split().index) and ranks[0] == "tp"
    page.focus("th:nth-child(1) button")
    page.keyboard.press("Enter")
    assert page.get_attribute("th:nth-child(1)", "aria-sort") == "ascending"
    assert titles(page) == by_date
    # sorting keeps the filters: hidden rows stay hidden
    page.click("details[data-name=significance] > summary")
    page.check("details[data-name=significance] input[value=turning-point]")
    page.wait_for_function("() => location.search.includes('turning-point')")
    before = set(shown(page))
    page.focus("th:nth-child(2) button")
    page.keyboard.press("Enter")
    assert set(shown(page)) == before


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_wcag_violations_on_the_views(open_page, shipped_server, scheme):
    axe = Axe()
    found = {}
    for name, path in [("compact", "chronology/"), ("table", "table/"),
                       ("compact-filtered", "chronology/?significance=turning-point&q=nato"),
                       ("table-filtered", "table/?kind=meeting&from=2010")]:
        page = open_page(shipped_server + path, color_scheme=scheme)
        page.wait_for_selector("#filters", state="visible")
        if name.startswith("table"):
            page.click("th:nth-child(2) button")  # sorted: the header's state changes
        violations = axe.run(page, options=AXE).response["violations"]
        if violations:
            found[name] = [f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}"
                           for v in violations]
    assert found == {}


def test_on_a_phone_the_first_event_is_within_one_screen_of_scrolling(open_page,
                                                                      shipped_server):
    for view, path in VIEWS.items():
        page = open_page(shipped_server + path, viewport=PHONE)
        page.wait_for_selector("#filters", state="visible")
        top = page.evaluate("document.querySelector('#timeline .event')"
                            ".getBoundingClientRect().top")
        assert top < 2 * PHONE["height"] - 100, (view, top)
        # on the first screen, or on the second after one screen of scrolling
        assert page.evaluate("""(() => {
            const title = () => document.querySelector(
                '#timeline .event .title, #timeline .event h3').getBoundingClientRect();
            const first = title();
            if (first.bottom > innerHeight) {
                window.scrollTo({ top: Math.min(innerHeight, first.top), behavior: "instant" });
            }
            const r = title();
            return r.top >= 0 && r.bottom <= innerHeight; })()"""), view


def test_without_javascript_the_views_list_every_entry_and_link_the_facet_pages(
        open_page, shipped_server):
    for path in ("chronology/", "table/"):
        page = open_page(shipped_server + path, java_script_enabled=False)
        total = int(page.get_attribute("#timeline", "data-total") or 0)
        assert total == 165
        assert len(shown(page)) == total
        assert not page.is_visible("#filters")
        assert page.locator("th button").count() == 0
        assert page.locator(".browse a[href^='/years/']").count() >= 30
        assert page.locator(".browse a[href^='/topics/']").count() >= 5
