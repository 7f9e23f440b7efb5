"""Issue 22, the editions, in a real browser: the languages fixture read in English at `/`
with German, French and Russian editions, built with its Pagefind index and served. The
language switcher keeps the reader on the same entry from edition to edition; the Russian
edition's entry page is Russian (date and interface); search in the Russian edition finds a
word only the Russian translation holds, and the English edition's search does not; axe-core
finds no WCAG violation in any edition, light or dark."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from unittest import mock

import pytest
from axe_playwright_python.sync_playwright import Axe
from conftest import copy_fixture, static_server, watched_page

from sitegen.config import load_config
from sitegen.engine.builder import build

pytestmark = pytest.mark.browser
WAIT = 10_000  # ms
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
OPTIONS = {"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]}
ENTRY = "entries/2022-01-12-council-meets/"  # translated into French and Russian
PLAIN = "entries/2019-treaty-ends/"  # in English only
WORD = "переговорщики"  # in the Russian translation's body only


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("editions")
    site = copy_fixture("languages", tmp)
    toml = site / "sitegen.toml"
    toml.write_text(toml.read_text().replace('language = "de"', 'language = "en"'))
    out = tmp / "root" / "sprachen"
    with mock.patch.dict(os.environ, {"SOURCE_DATE_EPOCH": "1700000000"}):
        build(load_config(site), output=out, search=True)
    with static_server(out.parent) as server:
        yield server + "sprachen/"


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    with watched_page(browser, WAIT, viewport={"width": 1280, "height": 900}) as pg:
        yield pg


def switch_to(page, name: str) -> None:  # type: ignore[no-untyped-def]
    page.click(f".lang-switch a:text-is('{name}')")
    page.wait_for_load_state()


def test_the_switcher_keeps_the_reader_on_the_same_entry(page, root):
    page.goto(root + ENTRY)
    assert page.inner_text("#entry-title") == "The council meets on <Ukraine> & security"
    switch_to(page, "Русский")
    assert page.url == root + "ru/" + ENTRY
    assert page.get_attribute("html", "lang") == "ru"
    assert page.inner_text("#entry-title") == "Совет собирается по Украине и безопасности"
    assert page.get_attribute(".lang-switch a[aria-current=page]", "hreflang") == "ru"
    switch_to(page, "Français")
    assert page.url == root + "fr/" + ENTRY
    assert page.inner_text("#entry-title") == "Le conseil se réunit sur l’Ukraine et la sécurité"
    switch_to(page, "English")
    assert page.url == root + ENTRY
    # German has no translation of it: the switcher says so and offers German 2022
    german = page.locator(".lang-switch li", has=page.locator("span[lang=de]"))
    assert "not translated" in german.inner_text()
    german.locator("a").click()
    page.wait_for_load_state()
    assert page.url == root + "de/years/2022/"
    assert page.get_attribute("html", "lang") == "de"
    # and the entry is listed there, linked to its English page and marked so
    link = page.locator(f"a[href$='/{ENTRY}']").first
    assert link.get_attribute("hreflang") == "en"


def test_an_untranslated_entry_leads_from_an_edition_to_its_original(page, root):
    page.goto(root + "ru/years/2019/")
    card = page.locator(".event", has=page.locator(f"a[href$='/{PLAIN}']"))
    assert card.locator(".lang-tag").inner_text() == "EN"
    assert card.locator("h3").get_attribute("lang") == "en"
    card.locator("h3 a").click()
    page.wait_for_load_state()
    assert page.url == root + PLAIN
    assert page.get_attribute("html", "lang") == "en"


def test_a_russian_entry_page_shows_a_russian_date_and_interface(page, root):
    page.goto(root + "ru/" + ENTRY)
    assert page.inner_text(".entry-date time") == "12 января 2022\u202fг."
    assert page.inner_text("#h-sources") == "Источники"
    assert page.inner_text(".skip-link") == "Перейти к содержанию"
    assert page.get_attribute(".lang-switch nav, nav.lang-switch", "aria-label") == "Языки"


def search(page, url: str, word: str) -> list[str]:  # type: ignore[no-untyped-def]
    page.goto(url + "search/")
    page.wait_for_selector("#search-q", state="visible")
    page.fill("#search-q", word)
    page.wait_for_function("w => document.querySelector('.search-status').textContent"
                           ".includes(w)", arg=word)
    page.wait_for_timeout(300)  # (results are added after the status; none may come)
    links = page.locator(".search-results li > a")
    return [links.nth(i).get_attribute("href") or "" for i in range(links.count())]


def test_each_edition_searches_its_own_language(page, root):
    found = search(page, root + "ru/", WORD)
    assert [re.sub(r"^https?://[^/]+", "", h) for h in found] == ["/sprachen/ru/" + ENTRY]
    assert search(page, root, WORD) == []  # the English edition's index has no such word
    assert page.get_attribute("html", "lang") == "en"


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("edition", ["", "de/", "fr/", "ru/"])
def test_no_wcag_violations_in_any_edition(browser, root, scheme, edition):
    context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(WAIT)
    found: dict[str, list[str]] = {}
    paths = ["", "years/2019/", "chronology/", "table/", "topics/ukraine/", "search/"]
    paths.append(ENTRY if edition != "de/" else "pages/about/")
    try:
        for path in paths:
            page.goto(root + edition + path)
            violations = Axe().run(page, options=OPTIONS).response["violations"]
            if violations:
                found[path] = [f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}"
                               for v in violations]
        page.goto(root + PLAIN)  # an untranslated entry's switcher
        violations = Axe().run(page, options=OPTIONS).response["violations"]
        if violations:
            found[PLAIN] = [v["id"] for v in violations]
    finally:
        context.close()
    assert found == {}


def test_the_switcher_fits_a_phone_and_works_without_javascript(browser, root):
    context = browser.new_context(viewport={"width": 360, "height": 800},
                                  java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(WAIT)
    try:
        page.goto(root + "fr/" + ENTRY)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        box = page.locator(".lang-switch").bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360
        switch_to(page, "Русский")
        assert page.url == root + "ru/" + ENTRY
    finally:
        context.close()
