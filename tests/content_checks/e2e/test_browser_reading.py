"""Reading the shipped record in a real browser: the first event within one screen of
scrolling on a 360 px phone, folds there and not on a desktop, an unclipped search box, no
WCAG violation with the folds closed (light and dark), and the screenshots of docs/."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from screenshots import WIDTHS, shots, take

pytestmark = pytest.mark.browser
WAIT = 10_000
PHONE = {"width": 360, "height": 740}
AXE = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                             "wcag22aa"]}, "resultTypes": ["violations"]}


@pytest.fixture
def open_page(browser):  # type: ignore[no-untyped-def]
    contexts, errors = [], []

    def make(url: str, **options):  # type: ignore[no-untyped-def]
        context = browser.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(WAIT)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(url)
        page.wait_for_load_state("load")
        return page

    yield make
    for c in contexts:
        c.close()
    assert errors == []


def test_on_a_phone_the_first_event_is_within_one_screen_of_scrolling(open_page,
                                                                      shipped_server):
    page = open_page(shipped_server, viewport=PHONE)
    page.wait_for_selector("#filters", state="visible")
    folds = page.eval_on_selector_all("details[data-fold]", "ds => ds.map(d => d.open)")
    assert folds == [False, False, False]  # chart, years and topics, filters
    top = page.evaluate("document.querySelector('.event').getBoundingClientRect().top")
    assert top < 2 * PHONE["height"] - 100, top  # one screen of scrolling shows it
    page.evaluate(f"window.scrollTo(0, {PHONE['height']})")
    assert page.evaluate("(() => { const r = document.querySelector('.event h3')"
                         ".getBoundingClientRect(); return r.top >= 0 && "
                         "r.bottom <= innerHeight; })()")
    page.click(".overview-fold > summary")  # the chart is one tap away
    assert page.is_visible("svg.overview")


def test_on_a_desktop_nothing_is_folded(open_page, shipped_server):
    page = open_page(shipped_server, viewport={"width": 1280, "height": 900})
    assert page.eval_on_selector_all("details[data-fold]", "ds => ds.map(d => d.open)") == [
        True, True, True]
    assert not page.is_visible(".fold-title")
    assert page.is_visible("svg.overview") and page.is_visible(".year-nav")


def test_turning_points_stand_out_and_routine_entries_are_compact(open_page, shipped_server):
    page = open_page(shipped_server, viewport={"width": 1280, "height": 900})
    heights = page.evaluate("""() => Object.fromEntries(['tp', 'mj', 'rt'].map(k => {
        const hs = [...document.querySelectorAll('.sig-' + k)].map(
            e => e.getBoundingClientRect().height);
        return [k, hs.reduce((a, b) => a + b, 0) / hs.length]; }))""")
    assert heights["rt"] < 0.6 * heights["mj"], heights
    look = page.evaluate("""() => ['tp', 'mj'].map(k => {
        const s = getComputedStyle(document.querySelector('.sig-' + k));
        return [s.borderLeftWidth, s.backgroundColor]; })""")
    assert look[0] != look[1]  # framed and tinted
    labels = page.eval_on_selector_all(".sig-tp .tp-label", "els => els.map(e => e.textContent)")
    assert labels and set(labels) == {"Turning point"}  # said in words, not colour alone
    assert page.eval_on_selector_all("svg.overview .tp", "els => els.length") == len(labels)


@pytest.mark.parametrize("width", [320, 360])
def test_the_header_search_placeholder_is_not_clipped(open_page, shipped_server, width):
    page = open_page(shipped_server, viewport={"width": width, "height": 740})
    room, needed = page.evaluate("""() => {
        const input = document.querySelector('.search-box-input');
        const s = getComputedStyle(input);
        const ctx = document.createElement('canvas').getContext('2d');
        ctx.font = `${s.fontStyle} ${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
        return [input.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight),
                ctx.measureText(input.placeholder).width];
    }""")
    assert needed <= room, (needed, room)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_wcag_violations_with_the_folds_closed(open_page, shipped_server, scheme):
    axe = Axe()
    found = {}
    for path in ("", "years/2022/", "entries/1997-05-27-founding-act/"):
        page = open_page(shipped_server + path, viewport=PHONE, color_scheme=scheme)
        violations = axe.run(page, options=AXE).response["violations"]
        if violations:
            found[path] = [f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}"
                           for v in violations]
    assert found == {}


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def test_screenshots_of_the_reading_views(browser, shipped_server, artifacts):
    made = take(browser, shipped_server, artifacts / "screenshots")
    assert [p.name for p in made] == [name for name, _, _ in shots()]
    for path, (_, what, width) in zip(made, shots(), strict=True):
        w, h = png_size(path)
        assert path.stat().st_size > 10_000, path.name
        if what == "chart":  # the figure alone, as wide as the page lets it be
            assert width // 2 < w <= width, path.name
        else:
            assert (w, h) == (width, WIDTHS[width]), path.name
    docs = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
    assert sorted(p.name for p in docs.glob("*.png")) == sorted(n for n, _, _ in shots()), (
        "run `make screenshots` and commit docs/screenshots/")
