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


def _cbor(data: bytes, i: int = 0) -> tuple[object, int]:
    """Decode the CBOR subset Pagefind writes (unsigned ints, text, bytes, arrays, maps)."""
    major, info = data[i] >> 5, data[i] & 31
    i += 1
    if info < 24:
        n = info
    else:
        size = {24: 1, 25: 2, 26: 4, 27: 8}[info]
        n, i = int.from_bytes(data[i:i + size], "big"), i + size
    if major == 0:
        return n, i
    if major in (2, 3):
        raw = data[i:i + n]
        return (raw.decode() if major == 3 else raw), i + n
    if major == 4:
        items = []
        for _ in range(n):
            item, i = _cbor(data, i)
            items.append(item)
        return items, i
    if major == 5:
        pairs = {}
        for _ in range(n):
            key, i = _cbor(data, i)
            pairs[repr(key)], i = _cbor(data, i)
        return pairs, i
    raise ValueError(f"CBOR major type {major} not expected in a Pagefind file")


def pagefind_record(raw: bytes) -> object:
    """The decoded content of a gzipped Pagefind index file ('pagefind_dcd' + CBOR)."""
    import gzip

    data = gzip.decompress(raw)
    assert data.startswith(b"pagefind_dcd")
    return _cbor(data, len(b"pagefind_dcd"))[0]


def normalised_index(files: dict[str, bytes]) -> dict[str, object]:
    """A Pagefind folder with its hash-map ordering taken out.

    Pagefind 1.5 writes each filter's values in hash-map order, which changes from run to
    run, and names the filter files (and so the .pf_meta file that lists them, and the
    pagefind-entry.json that names that) after their bytes. Everything else it writes is
    byte-identical. This maps each filter file to its name and sorted values, and the meta
    file to its content with filter hashes replaced by filter names and that list sorted.
    """
    out: dict[str, object] = {}
    names: dict[str, str] = {}
    for rel, raw in files.items():
        if rel.startswith("pagefind/filter/"):
            record = pagefind_record(raw)
            assert isinstance(record, list) and isinstance(record[1], list)
            names[rel.rsplit("/", 1)[1].split(".")[0]] = str(record[0])
            out[f"filter:{record[0]}"] = sorted(map(repr, record[1]))

    def swap(value: object) -> object:
        if isinstance(value, list):
            items = [swap(v) for v in value]
            if items and all(isinstance(v, list) and len(v) == 2 and v[1] in names.values()
                             for v in items):
                return sorted(items, key=repr)
            return items
        return names.get(value, value) if isinstance(value, str) else value

    for rel, raw in files.items():
        if rel.endswith(".pf_meta"):
            out["meta"] = swap(pagefind_record(raw))
        elif rel == "pagefind/pagefind-entry.json":
            entry = json.loads(raw)
            for lang in entry["languages"].values():
                lang.pop("hash")
            out[rel] = entry
        elif not rel.startswith("pagefind/filter/"):
            out[rel] = raw
    return out
