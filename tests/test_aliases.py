"""Stable URLs: ``aliases:`` on entries and pages write redirect pages to the new address,
and an alias that would take another page's address, or leave the site, is a located error."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
from helpers import cold, edit, fixture_copy, tree

from sitegen import cli
from sitegen.config import load_config
from sitegen.engine.builder import build
from sitegen.preview.rebuild import Rebuilder

ENTRY = Path("content/entries/2019-treaty-ends.md")
PAGE = Path("content/pages/about.md")


def add_aliases(path: Path, aliases: str) -> None:
    edit(path, "---\ntitle: ", f"---\naliases: {aliases}\ntitle: ")


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    return fixture_copy(tmp_path)


def sitegen(site: Path, *args: str) -> int:
    return cli.main(["-C", str(site), *args])


def test_each_alias_is_a_redirect_page_to_the_new_address(site: Path) -> None:
    add_aliases(site / ENTRY, "\n  - 2019-old-name\n  - /archive/2019/treaty/")
    add_aliases(site / PAGE, "[about-us]")
    assert sitegen(site, "build", "--no-search") == 0
    out = site / "output"
    for old, new, title in [("entries/2019-old-name", "entries/2019-treaty-ends", "A treaty ends"),
                            ("archive/2019/treaty", "entries/2019-treaty-ends", "A treaty ends"),
                            ("pages/about-us", "pages/about", "About")]:
        page = (out / old / "index.html").read_text(encoding="utf-8")
        assert f'<meta http-equiv="refresh" content="0; url=/fixture/{new}/">' in page
        assert f'<link rel="canonical" href="https://example.org/fixture/{new}/">' in page
        assert f'<a href="/fixture/{new}/">{title}</a>' in page  # for readers it does not move
        assert '<meta name="robots" content="noindex">' in page
        assert '<html lang="en">' in page and "Content-Security-Policy" in page
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert "2019-old-name" not in sitemap and "about-us" not in sitemap
    assert sitegen(site, "check", "--links") == 0


def test_a_title_with_markup_is_escaped_in_the_redirect(site: Path) -> None:
    add_aliases(site / ENTRY, "[old-treaty]")
    edit(site / ENTRY, "title: A treaty ends", "title: 'A <b>treaty</b> & \"its\" end'")
    assert sitegen(site, "build", "--no-search") == 0
    page = (site / "output/entries/old-treaty/index.html").read_text(encoding="utf-8")
    assert "A &lt;b&gt;treaty&lt;/b&gt; &amp; &#34;its&#34; end" in page
    assert "<b>" not in page


def test_a_draft_entrys_aliases_are_written_only_with_its_page(site: Path) -> None:
    add_aliases(site / "content/entries/2023-draft.md", "[2023-old-draft]")
    assert sitegen(site, "build", "--no-search") == 0
    assert not (site / "output/entries/2023-old-draft").exists()
    assert sitegen(site, "build", "--no-search", "--drafts") == 0
    assert (site / "output/entries/2023-old-draft/index.html").is_file()


@pytest.mark.parametrize(("aliases", "line", "message"), [
    ("[1994-partnership]", 2, "'1994-partnership' would redirect from "
     "/entries/1994-partnership/, which is the entry 1994-partnership "
     "(content/entries/1994-partnership.md)"),
    ("[/pages/about/]", 2, "'/pages/about/' would redirect from /pages/about/, which is the "
     "page about (content/pages/about.md)"),
    ("\n  - old-one\n  - /participants/nato/", 4, "'/participants/nato/' would redirect from "
     "/participants/nato/, which is inside the site's own /participants/"),
    ("[/static/css/]", 2, "which is inside the site's own /static/"),
    ("\n  - twice\n  - twice", 4, "'twice' would redirect from /entries/twice/, which is an "
     "alias of content/entries/2019-treaty-ends.md (line 3)"),
])
def test_an_alias_that_takes_an_address_fails_check_at_its_line(
        site: Path, aliases: str, line: int, message: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    add_aliases(site / ENTRY, aliases)
    assert sitegen(site, "check") == 1
    err = capsys.readouterr().err
    assert f"content/entries/2019-treaty-ends.md:{line}: aliases: " in err
    assert message in err
    assert "hint: an alias is an old address that nothing else has" in err


def test_an_alias_of_a_page_that_is_another_pages_alias_is_located(
        site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    add_aliases(site / ENTRY, "[/old/about/]")
    add_aliases(site / PAGE, "[/old/about/]")
    assert sitegen(site, "check") == 1
    err = capsys.readouterr().err
    assert ("content/pages/about.md:2: aliases: '/old/about/' would redirect from /old/about/, "
            "which is an alias of content/entries/2019-treaty-ends.md (line 2)") in err


@pytest.mark.parametrize("alias", ["../outside", "/a/../../b/", "a//b", "Old-Name", "a.html",
                                   "/", "~/x", "a\\\\b"])
def test_an_alias_that_is_not_an_id_or_a_path_in_the_site_is_refused(
        site: Path, alias: str, capsys: pytest.CaptureFixture[str]) -> None:
    add_aliases(site / ENTRY, f'["{alias}"]')
    before = sitegen(site, "build", "--no-search")
    assert before == 1
    err = capsys.readouterr().err
    assert re.search(r"content/entries/2019-treaty-ends\.md:2: aliases: '.*' is not a valid "
                     r"alias: an old id or a path inside the site", err), err
    assert "hint: write an old id" in err
    assert "nothing was written" in err
    assert not (site / "output").exists()


def test_a_failed_alias_check_keeps_the_built_site(site: Path) -> None:
    assert sitegen(site, "build", "--no-search") == 0
    before = tree(site / "output")
    add_aliases(site / ENTRY, "[1994-partnership]")
    assert sitegen(site, "build", "--no-search") == 1
    assert tree(site / "output") == before


def test_a_retitled_target_renders_its_redirect_again(site: Path, tmp_path: Path) -> None:
    add_aliases(site / ENTRY, "[old-treaty]")
    serve = Rebuilder(load_config(site), tmp_path / "preview")
    assert serve.rebuild().ok
    build(load_config(site))
    edit(site / ENTRY, "title: A treaty ends", "title: The treaty ended")
    outcome = serve.rebuild([site / ENTRY])
    assert outcome.ok, outcome.error
    assert "entries/old-treaty/index.html" in outcome.rendered
    assert tree(tmp_path / "preview") == cold(site, tmp_path, drafts=True)
    build(load_config(site))
    assert tree(site / "output") == cold(site, tmp_path)
    assert "The treaty ended" in (site / "output/entries/old-treaty/index.html").read_text()


def test_the_editor_schema_takes_aliases_as_check_does(
        site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert sitegen(site, "schema") == 0
    schema = json.loads(capsys.readouterr().out)
    good = {"title": "t", "summary": "s", "date": "2020", "kind": "meeting",
            "sources": [{"title": "t", "publisher": "p", "url": "https://a.b/", "kind": "primary"}]}
    jsonschema.validate(good | {"aliases": ["old-id", "/old/path/", "old/path"]}, schema)
    for bad in ["../x", "Old", "a//b", "a.html"]:
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(good | {"aliases": [bad]}, schema)
