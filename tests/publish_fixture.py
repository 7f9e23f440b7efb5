"""The publishing fixture: the small basic site wired to the publishing templates.

The basic fixture keeps its own plain templates (its golden output must not move with the
site's design), so the publishing tests take a copy and wire in, explicitly, what a theme
does to take part in publishing: the partials in <head>, the header search box, the
Pagefind filters and ``data-pagefind-body`` on entry pages, and the search page.
"""

from __future__ import annotations

import json
import shutil
from html.parser import HTMLParser
from pathlib import Path

from conftest import ROOT, copy_fixture

from sitegen.accel.pagefind_canon import ENTRY_FILE, read_record

TEMPLATES = ROOT / "templates"
PUBLISHING_TEMPLATES = ("partials/social-meta.html", "partials/search-box.html",
                        "partials/pagefind-meta.html", "partials/open-data.html", "search.html",
                        "static/search.js", "static/search.css")


def _patch(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{path.name}: expected one '{old}'"
    path.write_text(text.replace(old, new), encoding="utf-8")


def publishing_site(dest: Path, *, base_url: str | None = None) -> Path:
    """A copy of tests/fixtures/basic whose templates include the publishing partials."""
    site = copy_fixture("basic", dest)
    templates = site / "templates"
    for rel in PUBLISHING_TEMPLATES:
        (templates / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(TEMPLATES / rel, templates / rel)
    _patch(templates / "base.html", "{% block head %}",
           '{% include "partials/social-meta.html" ignore missing %}\n{% block head %}')
    _patch(templates / "base.html", "</nav>",
           '</nav>\n  {% include "partials/search-box.html" ignore missing %}')
    _patch(templates / "entry.html", '<article class="entry">',
           '<article class="entry" data-pagefind-body>\n'
           '{% include "partials/pagefind-meta.html" ignore missing %}')
    _patch(templates / "page.html", "{% endblock %}",
           '{% include "partials/open-data.html" ignore missing %}\n{% endblock %}')
    if base_url:
        toml = site / "sitegen.toml"
        lines = [x for x in toml.read_text().splitlines() if not x.startswith("base_url")]
        toml.write_text("\n".join([*lines, f'base_url = "{base_url}"', ""]))
    return site


class LinkParser(HTMLParser):
    """Every URL an HTML page refers to (href, src, form action, og:image…), and its ids."""

    ATTRS = {"href", "src", "action"}

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        prop = values.get("property") or values.get("name") or ""
        if tag == "meta" and prop in ("og:image", "og:url", "twitter:image"):
            self.urls.append(values.get("content") or "")
        for key, value in attrs:
            if key in self.ATTRS and value is not None:
                self.urls.append(value)
            if key == "id" and value:
                self.ids.add(value)


def page_links(html: str) -> LinkParser:
    parser = LinkParser()
    parser.feed(html)
    return parser


def index_data(folder: Path) -> dict[str, object]:
    """What a Pagefind folder holds, with every order and name that carries no meaning taken
    out: each filter's values as a set, filters and sorts by name, the meta file's filter
    hashes replaced by the filter's content, the entry file without the meta hash. Two
    folders with equal data answer every search alike."""
    entry = json.loads((folder / ENTRY_FILE).read_bytes())
    out: dict[str, object] = {}
    for lang, info in sorted(entry["languages"].items()):
        meta = read_record((folder / f"pagefind.{info.pop('hash')}.pf_meta").read_bytes())
        assert isinstance(meta, list)
        filters = {}
        for name, hashed in meta[3]:
            record = read_record((folder / "filter" / f"{hashed}.pf_filter").read_bytes())
            assert isinstance(record, list) and record[0] == name
            filters[name] = {value: sorted(pages) for value, pages in record[1]}
        out[lang] = {"meta": [*meta[:3], filters, dict(meta[4]), *meta[5:]]}
    out[ENTRY_FILE] = entry
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_file() and not (rel.startswith("filter/") or rel.endswith(".pf_meta")
                                   or rel == ENTRY_FILE):
            out[rel] = path.read_bytes()
    return out
