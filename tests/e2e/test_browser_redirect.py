"""A redirect page (an alias, tests/test_aliases.py) in a real browser without JavaScript:
the old address leads to the new one."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import static_server
from helpers import edit, fixture_copy

from sitegen import cli


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    return fixture_copy(tmp_path)


def add_aliases(path: Path, aliases: str) -> None:
    edit(path, "---\ntitle: ", f"---\naliases: {aliases}\ntitle: ")


def sitegen(site: Path, *args: str) -> int:
    return cli.main(["-C", str(site), *args])


ENTRY = Path("content/entries/2019-treaty-ends.md")


def test_a_readers_browser_without_javascript_follows_the_redirect(
        site: Path, browser: object) -> None:
    add_aliases(site / ENTRY, "[2019-old-name]")
    edit(site / "sitegen.toml", 'base_url = "https://example.org/fixture/"',
         'base_url = "http://127.0.0.1/"')
    assert sitegen(site, "build", "--no-search") == 0
    with static_server(site / "output") as url:
        context = browser.new_context(java_script_enabled=False)  # type: ignore[attr-defined]
        try:
            page = context.new_page()
            page.goto(url + "entries/2019-old-name/")
            page.wait_for_url(url + "entries/2019-treaty-ends/", timeout=10_000)
            assert page.locator("h1").inner_text() == "A treaty ends"
        finally:
            context.close()
