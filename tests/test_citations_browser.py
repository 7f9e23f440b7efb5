"""Citations and reuse in a real browser (headless Chromium): copying or downloading a citation
fills in the access date, "Download this selection" gives the cards the filters show, the
citation block has no axe violation in light or dark mode, and print shows full addresses
and no instructions, even without JavaScript.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import bibtexparser
import pytest
import rispy
from axe_playwright_python.sync_playwright import Axe
from conftest import static_server
from design_fixture import design_site
from test_citations import SETTINGS

from sitegen.config import load_config
from sitegen.engine.builder import build

pytestmark = pytest.mark.browser
WAIT = 5_000
ENTRY = "entries/2022-01-12-council-meets/"
TODAY = "() => { const d = new Date(); return [d.getFullYear(), d.getMonth() + 1, d.getDate()]; }"


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("cite")
    site = design_site(tmp)
    toml = site / "sitegen.toml"
    kept = [x for x in toml.read_text().splitlines() if not x.startswith("publisher")]
    toml.write_text("\n".join(kept) + "\n" + SETTINGS)
    out = tmp / "root" / "x"
    build(load_config(site), output=out)
    with static_server(out.parent) as root:
        yield root + "x/"


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    pg = context.new_page()
    pg.set_default_timeout(WAIT)
    errors: list[str] = []
    requests: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    pg.on("request", lambda req: requests.append(req.url))
    yield pg
    context.close()
    assert errors == []
    assert [u for u in requests if urlsplit(u).scheme in ("http", "https")
            and urlsplit(u).hostname != "127.0.0.1"] == []


def today(page) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    y, m, d = page.evaluate(TODAY)
    return y, m, d


def download(page, selector: str) -> str:  # type: ignore[no-untyped-def]
    with page.expect_download() as info:
        page.click(selector)
    path = info.value.path()
    assert path is not None
    return Path(path).read_text(encoding="utf-8")


def test_copying_the_citation_fills_in_the_access_date(page, site_url) -> None:  # type: ignore[no-untyped-def]
    page.goto(site_url + ENTRY)
    assert page.inner_text("#cite-text").endswith("accessed [date].")
    page.click("text=Copy citation")
    page.wait_for_function("() => document.querySelector('.copy-status').textContent")
    assert page.inner_text(".copy-status") == "Citation copied."
    y, m, d = today(page)
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.endswith(f"accessed {y}-{m:02d}-{d:02d}.")
    assert copied == page.inner_text("#cite-text")  # the page shows what was copied
    assert "Ada Lovelace and Grace Hopper, eds." in copied and "[date]" not in copied


def test_each_format_is_copied_and_downloaded_with_the_access_date(page, site_url) -> None:  # type: ignore[no-untyped-def]
    page.goto(site_url + ENTRY)
    assert not page.is_visible("text=Copy BibTeX")  # folded until asked for
    page.click(".cite-formats summary")
    y, m, d = today(page)
    page.click("text=Copy CSL-JSON")
    [item] = json.loads(page.evaluate("navigator.clipboard.readText()"))
    assert item["accessed"] == {"date-parts": [[y, m, d]]}
    text = download(page, "text=Download BibTeX")
    [bib] = bibtexparser.loads(text).entries
    assert bib["ID"] == "2022-01-12-council-meets" and bib["urldate"] == f"{y}-{m:02d}-{d:02d}"
    [ris] = rispy.loads(download(page, "text=Download RIS"))
    assert ris["access_date"] == f"{y}/{m:02d}/{d:02d}"
    assert ris["secondary_authors"] == ["Ada Lovelace", "Grace Hopper"]
    json_text = download(page, "text=Download CSL-JSON")
    assert json.loads(json_text)[0]["accessed"] == {"date-parts": [[y, m, d]]}


def test_download_this_selection_gives_the_cards_the_filters_show(page, site_url) -> None:  # type: ignore[no-untyped-def]
    page.goto(site_url + "?kind=suspension")
    page.wait_for_function("() => !document.getElementById('filters').hidden")
    shown = page.eval_on_selector_all(
        ".timeline .event", "els => els.filter(e => e.offsetParent !== null).map(e => e.id)")
    assert len(shown) == 3
    rows = list(csv.DictReader(io.StringIO(download(page, "a[data-selection=csv]"))))
    assert [r["id"] for r in rows] == shown
    assert {r["kind"] for r in rows} == {"suspension"}
    assert rows[0]["url"] == site_url + f"entries/{shown[0]}/"
    assert rows[0]["date"] and rows[0]["title"] and rows[0]["summary"]
    data = json.loads(download(page, "a[data-selection=json]"))
    assert [e["id"] for e in data["entries"]] == shown
    assert data["source"].endswith("?kind=suspension")


def test_without_javascript_the_selection_links_are_the_whole_files(browser, site_url) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(java_script_enabled=False)
    try:
        pg = context.new_page()
        pg.goto(site_url)
        assert pg.is_visible("#selection-download")
        hrefs = pg.eval_on_selector_all("a[data-selection]", "els => els.map(a => a.href)")
        assert hrefs == [site_url + "timeline.csv", site_url + "timeline.json"]
        pg.goto(site_url + ENTRY)
        assert "accessed [date]" in pg.inner_text("#cite-text")
        pg.click(".cite-formats summary")
        assert "urldate = {[date]}" in pg.inner_text("#cite-bib")
        assert not pg.is_visible("button[data-download]")
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_citation_block_has_no_axe_violation(browser, site_url, scheme) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
    try:
        pg = context.new_page()
        pg.goto(site_url + ENTRY)
        pg.click(".cite-formats summary")
        pg.click("text=Copy RIS")
        options = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a",
                                                         "wcag21aa", "wcag22aa"]}}
        result = Axe().run(pg, options=options).response
        assert [v["id"] for v in result["violations"]] == []
    finally:
        context.close()


@pytest.mark.parametrize("javascript", [True, False])
def test_print_shows_full_addresses_and_hides_instructions(browser, site_url,
                                                           javascript) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(java_script_enabled=javascript)
    try:
        pg = context.new_page()
        pg.emulate_media(media="print")
        origin = "https://example.org"  # the published address (base_url), not the server's
        pg.goto(site_url + ENTRY)
        after = pg.eval_on_selector(".related a", "a => getComputedStyle(a, '::after').content")
        assert after == f'" <{origin}/x/entries/2019-treaty-ends/>"'
        hidden = pg.eval_on_selector_all(".cite-formats, .cite-actions",
                                         "els => els.map(e => getComputedStyle(e).display)")
        assert set(hidden) == {"none"}
        pg.goto(site_url)
        after = pg.eval_on_selector(".event h3 a", "a => getComputedStyle(a, '::after').content")
        assert after.startswith(f'" <{origin}/x/entries/')
        for selector in (".data-links", ".ui-hint", ".fold-title"):
            displays = pg.eval_on_selector_all(
                selector, "els => els.map(e => getComputedStyle(e).display)")
            assert displays and set(displays) == {"none"}, selector
    finally:
        context.close()
