"""Issue 22 in a real browser: the languages fixture read in Russian and in French, built
with its Pagefind index. A Russian entry page shows a Russian date and interface, the
scripts speak Russian (plural forms included), search finds a word that only the Russian
translation holds, text left in English carries lang="en", and axe-core finds no WCAG
violation in either language, light or dark."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
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
ENTRY = "entries/2022-01-12-council-meets/"


def served(tmp: Path, language: str) -> Iterator[str]:
    site = copy_fixture("languages", tmp)
    toml = site / "sitegen.toml"
    toml.write_text(toml.read_text().replace('language = "de"', f'language = "{language}"'))
    out = tmp / "root" / "sprachen"
    with mock.patch.dict(os.environ, {"SOURCE_DATE_EPOCH": "1700000000"}):
        build(load_config(site), output=out, search=True)
    with static_server(out.parent) as root:
        yield root + "sprachen/"


@pytest.fixture(scope="module")
def russian(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from served(tmp_path_factory.mktemp("ru"), "ru")


@pytest.fixture(scope="module")
def french(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from served(tmp_path_factory.mktemp("fr"), "fr")


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    with watched_page(browser, WAIT, viewport={"width": 1280, "height": 900}) as pg:
        yield pg


def test_a_russian_entry_page_shows_a_russian_date_and_interface(page, russian, artifacts):
    page.goto(russian + ENTRY)
    assert page.get_attribute("html", "lang") == "ru"
    assert page.inner_text(".entry-date time") == "12 января 2022\u202fг."
    assert page.inner_text("#h-sources") == "Источники"
    assert page.inner_text("#entry-title") == "Совет собирается по Украине и безопасности"
    page.screenshot(path=str(artifacts / "languages-ru-entry.png"), full_page=True)
    # the citation button speaks Russian once the script has run
    assert page.inner_text(".cite button[value=copy]") == "Скопировать ссылку"
    assert page.inner_text(".cite-formats summary") == "Ссылка в формате BibTeX, RIS или CSL-JSON"
    page.click(".cite button[value=copy]")
    page.wait_for_function("() => document.querySelector('.cite [role=status]').textContent !== ''")
    assert page.inner_text(".cite [role=status]").startswith("Ссылка ")


def test_the_filters_count_in_russian_with_its_plural_forms(page, russian):
    page.goto(russian)
    page.wait_for_selector("#filters:not([hidden])")
    count = page.locator("#filter-count")
    assert count.inner_text() == "4 из 4 событий"  # rendered at build time
    page.fill("#f-q", "совет")
    page.wait_for_function("() => !document.getElementById('filter-count').textContent"
                           ".startsWith('4 ')")
    assert count.inner_text() == "1 из 4 событий"
    page.fill("#f-q", "")
    page.wait_for_function("() => document.getElementById('filter-count').textContent"
                           ".startsWith('4 ')")
    assert count.inner_text() == "4 из 4 событий"


def test_search_in_russian_finds_a_word_only_the_translation_holds(page, russian):
    page.goto(russian + "search/")
    page.wait_for_selector("#search-q", state="visible")
    page.fill("#search-q", "переговорщики")
    page.wait_for_function("() => document.querySelector('.search-status').textContent"
                           ".includes('«переговорщики»')")
    links = page.locator(".search-results li > a")
    assert links.count() == 1
    assert links.first.inner_text() == "Совет собирается по Украине и безопасности"
    assert re.match(r"Найден[ао] 1 запись по запросу «переговорщики»\.",
                    page.inner_text(".search-status")), page.inner_text(".search-status")


def test_text_left_in_english_is_marked_as_english(page, french):
    page.goto(french + ENTRY)
    assert page.get_attribute("html", "lang") == "fr"
    assert page.get_attribute("#entry-title", "lang") is None  # translated
    assert page.get_attribute(".lede", "lang") == "en"
    assert page.get_attribute(".prose", "lang") == "en"
    assert page.locator(".accounts blockquote[lang=en]").count() == 2


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("language", ["russian", "french"])
def test_no_wcag_violations_in_either_language(browser, request, scheme, language):
    root = request.getfixturevalue(language)
    context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(WAIT)
    found: dict[str, list[str]] = {}
    try:
        for path in ("", ENTRY, "entries/1994-partnership/", "years/2022/",
                     "participants/russia/", "topics/ukraine/", "search/?q=ukraine", "404.html"):
            page.goto(root + path)
            violations = Axe().run(page, options=OPTIONS).response["violations"]
            if violations:
                found[path] = [f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}"
                               for v in violations]
    finally:
        context.close()
    assert found == {}
