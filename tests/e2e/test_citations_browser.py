"""Citations and reuse in a real browser (headless Chromium): an entry's BibTeX, RIS and
CSL-JSON are made by the page's script when the reader opens "Cite as" (from the page's JSON-LD
and the dataset's citation.json), with today's access date, and real parsers (bibtexparser,
rispy, citeproc-py) read what it shows and what it downloads, TeX's specials included;
copying the sentence fills in the access date; "Download this selection" gives the cards the
filters show; the citation block has no axe violation in light or dark mode; print shows
full addresses and no instructions, even without JavaScript.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import rispy
from axe_playwright_python.sync_playwright import Axe
from conftest import static_server
from design_fixture import design_site
from test_citations import COMMIT, EPOCH, SETTINGS, parse_bibtex, render_csl

from sitegen.config import load_config
from sitegen.engine.builder import build
from sitegen.outputs.citations import tex

pytestmark = pytest.mark.browser
WAIT = 5_000
ENTRY = "entries/2022-01-12-council-meets/"
SENTENCE = ".cite > p"
STATUS = ".cite [role=status]"
TODAY = "() => { const d = new Date(); return [d.getFullYear(), d.getMonth() + 1, d.getDate()]; }"
SPECIAL = r"Talks on {A} & B: 50% of $x_1 # ~y^2 \ z"  # TeX's specials, in a title


def cite_site(root: Path, name: str, settings: str) -> None:
    """The design site with the citation settings, built into root/name/."""
    site = design_site(root / f"src-{name}", base_url=f"https://example.org/{name}/")
    toml = site / "sitegen.toml"
    kept = [x for x in toml.read_text().splitlines() if not x.startswith("publisher")]
    toml.write_text("\n".join(kept) + "\n" + settings)
    entry = site / "content/entries/2019-treaty-ends.md"
    entry.write_text(entry.read_text(encoding="utf-8").replace(
        "title: A treaty ends", "title: '" + SPECIAL + "'"), encoding="utf-8")
    build(load_config(site), output=root / "root" / name)


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Two sites served side by side: x/ (Fixture Press) and y/ (a publisher with specials)."""
    tmp = tmp_path_factory.mktemp("cite")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SOURCE_DATE_EPOCH", EPOCH)
        env.setenv("SITEGEN_COMMIT", COMMIT)
        cite_site(tmp, "x", SETTINGS)
        cite_site(tmp, "y", SETTINGS.replace("Fixture Press", "R&D {Press} 100%"))
    with static_server(tmp / "root") as root:
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


def open_formats(page, url: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Open "Cite as" on the entry page at ``url``; the three formats as the page shows them."""
    page.goto(url)
    assert page.locator(".cite pre").count() == 0  # nothing is made before it is asked for
    page.click("text=Cite as BibTeX, RIS or CSL-JSON")
    page.wait_for_function("() => document.querySelectorAll('.cite pre').length === 3")
    labels = page.eval_on_selector_all(".cite-formats h3", "els => els.map(e => e.textContent)")
    texts = page.eval_on_selector_all(".cite-formats pre", "els => els.map(e => e.textContent)")
    assert labels == ["BibTeX", "RIS", "CSL-JSON"]
    return dict(zip(["bib", "ris", "json"], texts, strict=True))


def test_copying_the_citation_fills_in_the_access_date(page, site_url) -> None:  # type: ignore[no-untyped-def]
    page.goto(site_url + ENTRY)
    assert page.inner_text(SENTENCE).endswith("accessed [date].")
    page.click("text=Copy citation")
    page.wait_for_function(f"() => document.querySelector('{STATUS}').textContent")
    assert page.inner_text(STATUS) == "Citation copied."
    y, m, d = today(page)
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.endswith(f"accessed {y}-{m:02d}-{d:02d}.")
    assert copied == page.inner_text(SENTENCE)  # the page shows what was copied
    assert "Ada Lovelace and Grace Hopper, eds." in copied and "[date]" not in copied


def test_the_browser_makes_each_format_and_real_parsers_read_it(page, site_url) -> None:  # type: ignore[no-untyped-def]
    made = open_formats(page, site_url + ENTRY)
    url = "https://example.org/x/" + ENTRY  # the published address (base_url)
    y, m, d = today(page)
    [bib] = parse_bibtex(made["bib"])
    assert bib["ENTRYTYPE"] == "misc" and bib["ID"] == "2022-01-12-council-meets"
    assert bib["title"] == "{The council meets on <Ukraine> \\& security}"
    assert bib["editor"] == "{Ada Lovelace} and {Grace Hopper}"
    assert bib["publisher"] == "Fixture Press" and bib["howpublished"] == "Fixture timeline"
    assert (bib["year"], bib["date"]) == ("2026", "2026-11-28")  # the entry's updated
    assert bib["version"] == "2025-12-07, commit 0123456"
    assert (bib["url"], bib["urldate"]) == (url, f"{y}-{m:02d}-{d:02d}")

    [ris] = rispy.loads(made["ris"])
    assert ris["type_of_reference"] == "ELEC"
    assert ris["title"] == "The council meets on <Ukraine> & security"
    assert ris["secondary_authors"] == ["Ada Lovelace", "Grace Hopper"]  # A2: editors
    assert ris["publisher"] == "Fixture Press" and ris["secondary_title"] == "Fixture timeline"
    assert ris["year"] == "2026" and ris["date"] == "2026/11/28"
    assert ris["edition"] == "2025-12-07, commit 0123456"
    assert ris["urls"] == [url] and ris["access_date"] == f"{y}/{m:02d}/{d:02d}"
    assert "unknown_tag" not in ris

    [item] = json.loads(made["json"])
    assert item["id"] == "2022-01-12-council-meets" and item["type"] == "webpage"
    assert item["issued"] == {"date-parts": [[2026, 11, 28]]}
    assert item["accessed"] == {"date-parts": [[y, m, d]]}
    assert [e["literal"] for e in item["editor"]] == ["Ada Lovelace", "Grace Hopper"]
    assert item["container-title"] == "Fixture timeline" and item["URL"] == url
    [formatted] = render_csl([item])
    assert "The council meets on <Ukraine> & security" in formatted and url in formatted

    # each download is the text shown, named by the entry
    for ext, label in (("bib", "BibTeX"), ("ris", "RIS"), ("json", "CSL-JSON")):
        with page.expect_download() as info:
            page.click(f"text=Download {label}")
        assert info.value.suggested_filename == f"2022-01-12-council-meets.{ext}"
        path = info.value.path()
        assert path is not None and Path(path).read_text(encoding="utf-8") == made[ext]


def test_tex_specials_are_escaped_in_the_bibtex_the_browser_makes(page, site_url) -> None:  # type: ignore[no-untyped-def]
    made = open_formats(page, site_url.replace("/x/", "/y/") + "entries/2019-treaty-ends/")
    [bib] = parse_bibtex(made["bib"])
    assert bib["title"] == "{" + tex(SPECIAL) + "}"  # as the Python reference escapes them
    assert bib["publisher"] == r"R\&D \{Press\} 100\%"
    assert bib["title"].count("{") - bib["title"].count(r"\{") == \
        bib["title"].count("}") - bib["title"].count(r"\}")
    assert bib["date"] == "2025-12-07"  # no updated: the dataset's date
    [ris] = rispy.loads(made["ris"])
    assert ris["title"] == SPECIAL and ris["publisher"] == "R&D {Press} 100%"
    [item] = json.loads(made["json"])
    assert item["title"] == SPECIAL and item["publisher"] == "R&D {Press} 100%"
    assert len(render_csl([item])) == 1


def test_without_the_dataset_record_the_reader_is_sent_to_the_files(page, site_url) -> None:  # type: ignore[no-untyped-def]
    page.route("**/citation.json", lambda route: route.fulfill(status=200, body="<html>"))
    page.goto(site_url + ENTRY)
    page.click("text=Cite as BibTeX, RIS or CSL-JSON")
    page.wait_for_function(f"() => document.querySelector('{STATUS}').textContent")
    assert page.inner_text(STATUS) == "Not available; see the dataset's below."
    assert page.locator(".cite pre").count() == 0


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
        assert "accessed [date]" in pg.inner_text(SENTENCE)
        # no formats and no buttons: the line under the sentence says where the formats are
        assert pg.locator(".cite pre, .cite button, .cite details").count() == 0
        links = pg.eval_on_selector_all(".cite a", "els => els.map(a => [a.textContent, a.href])")
        assert links == [["BibTeX", site_url + "citation.bib"], ["RIS", site_url + "citation.ris"],
                         ["CSL-JSON", site_url + "citation.json"]]
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_citation_block_has_no_axe_violation(browser, site_url, scheme) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
    try:
        pg = context.new_page()
        pg.goto(site_url + ENTRY)
        pg.click("text=Copy citation")
        pg.click(".cite-formats summary")
        pg.wait_for_function("() => document.querySelectorAll('.cite pre').length === 3")
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
        assert hidden == (["none", "none"] if javascript else [])  # no controls on paper
        pg.goto(site_url)
        after = pg.eval_on_selector(".event h3 a", "a => getComputedStyle(a, '::after').content")
        assert after.startswith(f'" <{origin}/x/entries/')
        for selector in (".data-links", ".ui-hint", ".fold-title"):
            displays = pg.eval_on_selector_all(
                selector, "els => els.map(e => getComputedStyle(e).display)")
            assert displays and set(displays) == {"none"}, selector
    finally:
        context.close()
