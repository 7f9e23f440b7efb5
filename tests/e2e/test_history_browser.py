"""Revision history in a real browser: an entry page with its revisions and the recent
changes page have no WCAG violation (axe-core, light and dark), fit a 360 px phone, and
read the same without JavaScript."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from conftest import static_server
from test_history import ENTRIES, built, commit, edit, git, plain_site

pytestmark = pytest.mark.browser
AXE = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                             "wcag22aa"]}, "resultTypes": ["violations"]}
PAGES = ("entries/2019-treaty-ends/", "changes/")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("history-browser")
    root = plain_site(tmp)
    with (root / "sitegen.toml").open("a", encoding="utf-8") as fh:
        fh.write('\n[repository]\nurl = "https://github.com/owner/record"\n')
    (root / "sitegen.toml").write_text((root / "sitegen.toml").read_text().replace(
        "https://example.org/fixture/", "http://127.0.0.1/"), encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    commit(root, "Start the record", "2024-01-02T10:00:00+00:00")
    edit(root / ENTRIES / "2019-treaty-ends.md", "title: A treaty ends",
         "title: The Intermediate-Range Nuclear Forces Treaty ends")
    commit(root, "Give the treaty its full name, as the sources do, and say which treaty "
           "ended (a long subject line, as some are)", "2024-03-04T09:30:00+01:00")
    with static_server(built(root)) as url:
        yield url


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", PAGES)
def test_no_wcag_violation_on_history_pages(browser, server: str, path: str,  # type: ignore[no-untyped-def]
                                            scheme: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    try:
        page = context.new_page()
        page.goto(server + path)
        assert page.locator(".history li, .change-list > li").count() == 2
        violations = Axe().run(page, options=AXE).response["violations"]
        assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]])
                                  for v in violations]
    finally:
        context.close()


@pytest.mark.parametrize("path", PAGES)
def test_history_fits_a_phone_and_reads_without_javascript(browser, server: str,  # type: ignore[no-untyped-def]
                                                           path: str) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740},
                                  java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(server + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        assert page.locator("text=Give the treaty its full name").first.is_visible()
        link = page.locator("a[href^='https://github.com/owner/record/commit/']").first
        assert link.is_visible() and len(link.inner_text()) == 7
    finally:
        context.close()
