"""`sitegen build --offline`: a copy that opens from disk. Every internal link and asset is
relative to its page and names a file the copy holds, directory links end in index.html,
the search page says that search needs the served site, two builds are byte-identical, and
a refused target loses nothing. (tests/e2e/test_offline_browser.py opens it in Chromium.)"""

from __future__ import annotations

import posixpath
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import ROOT
from helpers import tree

from sitegen import cli
from sitegen.outputs.offline import relative_links, relative_url


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src", "action") and value is not None:
                self.urls.append(value)
            if name == "id" and value:
                self.ids.add(value)


def parse(path: Path) -> Links:
    links = Links()
    links.feed(path.read_text(encoding="utf-8"))
    return links


def site_with_theme(tmp_path: Path) -> Path:
    """The fixture content with the packaged theme (every page kind, the views, search)."""
    site = tmp_path / "site"
    shutil.copytree(ROOT / "tests" / "fixtures" / "basic", site)
    shutil.rmtree(site / "templates")
    return site


def offline(site: Path, *args: str) -> int:
    return cli.main(["-C", str(site), "build", "--offline", *args])


def test_every_internal_link_is_relative_and_names_a_file_of_the_copy(tmp_path: Path) -> None:
    site = site_with_theme(tmp_path)
    out = tmp_path / "copy"
    assert offline(site, "--output", str(out)) == 0
    pages = sorted(out.rglob("*.html"))
    assert {"index.html", "chronology/index.html", "table/index.html",
            "search/index.html"} <= {p.relative_to(out).as_posix() for p in pages}
    checked = 0
    for page in pages:
        links = parse(page)
        for url in links.urls:
            assert not url.startswith("/"), f"{page.relative_to(out)}: {url}"
            if url.startswith(("http:", "https:", "mailto:", "#")):
                continue
            path, _, fragment = url.partition("#")
            path = path.split("?")[0]
            target = Path(posixpath.normpath(posixpath.join(page.parent.as_posix(), path)))
            assert target.is_file(), f"{page.relative_to(out)}: {url} names no file"
            assert target.is_relative_to(out), f"{page.relative_to(out)}: {url} leaves the copy"
            if fragment and target.suffix == ".html":
                assert fragment in parse(target).ids, f"{page.relative_to(out)}: {url}"
            checked += 1
    assert checked > 300
    assert not (out / "pagefind").exists()


def test_the_search_page_says_search_needs_the_served_site(tmp_path: Path) -> None:
    site = site_with_theme(tmp_path)
    assert offline(site, "--output", str(tmp_path / "copy")) == 0
    search = (tmp_path / "copy" / "search" / "index.html").read_text(encoding="utf-8")
    assert "Search needs the served site." in search
    assert "search.js" not in search and "needs JavaScript" not in search
    assert cli.main(["-C", str(site), "build", "--no-search", "--output",
                     str(tmp_path / "served")]) == 0
    served = (tmp_path / "served" / "search" / "index.html").read_text(encoding="utf-8")
    assert "Search needs the served site." not in served and "search.js" in served


def test_two_offline_builds_are_byte_identical(tmp_path: Path) -> None:
    site = site_with_theme(tmp_path)
    assert offline(site, "--output", str(tmp_path / "a")) == 0
    assert offline(site, "--output", str(tmp_path / "b")) == 0
    a, b = tree(tmp_path / "a"), tree(tmp_path / "b")
    assert a == b and len(a) > 20


def test_without_output_it_builds_beside_the_output_folder_and_leaves_it_alone(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = site_with_theme(tmp_path)
    assert cli.main(["-C", str(site), "build", "--no-search"]) == 0
    before = tree(site / "output")
    assert offline(site) == 0
    assert "output-offline" in capsys.readouterr().out
    assert tree(site / "output") == before
    home = (site / "output-offline" / "index.html").read_text(encoding="utf-8")
    assert 'href="static/site.css"' in home and 'href="chronology/index.html"' in home


def test_a_refused_target_is_reported_and_loses_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = site_with_theme(tmp_path)
    before = tree(site / "content")
    assert offline(site, "--output", str(site / "content")) == 1
    err = capsys.readouterr().err
    assert "content" in err and "nothing was written" in err
    assert tree(site / "content") == before


@pytest.mark.parametrize(("url", "page", "base", "expected"), [
    ("/", "index.html", "/", "index.html"),
    ("/", "entries/a/index.html", "/", "../../index.html"),
    ("/entries/b/", "entries/a/index.html", "/", "../b/index.html"),
    ("/static/site.css", "years/2020/index.html", "/", "../../static/site.css"),
    ("/years/2020/#y2020", "index.html", "/", "years/2020/index.html#y2020"),
    ("/table/?kind=meeting&amp;from=2000", "chronology/index.html", "/",
     "../table/index.html?kind=meeting&amp;from=2000"),
    ("/sub/topics/t/", "404.html", "/sub/", "topics/t/index.html"),
    ("/sub", "search/index.html", "/sub/", "../index.html"),
    ("/elsewhere/", "index.html", "/sub/", "/elsewhere/"),
    ("//cdn.example/x.js", "index.html", "/", "//cdn.example/x.js"),
    ("https://example.org/", "index.html", "/", "https://example.org/"),
    ("#main", "entries/a/index.html", "/", "#main"),
])
def test_relative_url(url: str, page: str, base: str, expected: str) -> None:
    assert relative_url(url, page, base) == expected


def test_only_the_urls_of_real_tags_change() -> None:
    html = ('<p>Write href="/x/" in text</p><script>const a = \'<a href="/y/">\';</script>'
            '<!-- <a href="/c/"> -->\n<a title=\'say href="/t/"\' href="/z/" class=x>z</a>'
            '<img alt="" src=/static/i.png>')
    got = relative_links(html.encode(), "entries/e/index.html", "/").decode()
    assert got == html.replace('href="/z/"', 'href="../../z/index.html"').replace(
        "src=/static/i.png", "src=../../static/i.png")


def test_the_copy_is_the_build_with_its_links_made_relative(tmp_path: Path) -> None:
    """Nothing but the links differs (and the search page, which says it cannot search)."""
    from sitegen.config import load_config

    site = site_with_theme(tmp_path)
    base = load_config(site).base_path
    assert base == "/fixture/"  # a site in a subfolder: its links start with it
    assert cli.main(["-C", str(site), "build", "--no-search", "--output",
                     str(tmp_path / "served")]) == 0
    assert offline(site, "--output", str(tmp_path / "copy")) == 0
    served, copy = tree(tmp_path / "served"), tree(tmp_path / "copy")
    assert sorted(copy) == sorted(served)
    for rel, data in served.items():
        if rel == "search/index.html":
            continue
        expected = relative_links(data, rel, base) if rel.endswith(".html") else data
        assert copy[rel] == expected, rel
