"""The files a site has besides its HTML pages, declared once as kinds (FILES): feeds, data
exports, host files and the theme's static files.

Each is made from the whole model without bodies (``model``; no data file holds a body),
or, for the data's parts (one per year), from the records of that year's entries; the
files that grow with the entries come in pieces, written as they come.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from sitegen.config import Config
from sitegen.content.model import Site
from sitegen.content.schema import SCHEMA_PATH, entry_schema_json
from sitegen.engine.deps import Kind
from sitegen.outputs import citations, exports, feeds, reuse
from sitegen.render.reads import Reads, read_static, static_files

Made = bytes | Iterable[bytes]


def _from_model(make: Callable[[Site, Config], Made], bodies: bool = False
                ) -> Callable[[Reads, None], Made]:
    return lambda rd, _: make(rd.read("model", bodies), rd.config)


def _timeline_json(rd: Reads, _: None) -> Made:
    """The index, timeline.json, with the dataset's version (content/history.py)."""
    return feeds.timeline_json_parts(rd.read("model", False), rd.config,
                                     rd.read("dataset_version"))


def _changes_feed(rd: Reads, _: None) -> Made:
    return feeds.changes_feed(rd.read("changes"), rd.read("dataset_version"), rd.config)


def _timeline_part(rd: Reads, year: int) -> Made:
    """One year's part of the data, made of its entries' records (the part ``records``)."""
    return feeds.timeline_part(year, rd.read("records", year), rd.config)


def _sitemap_names(rd: Reads) -> list[str]:
    """sitemap.xml, and sitemap-1.xml … when the site has more pages than one may list."""
    return [name for name, _ in feeds.sitemaps(rd.site, rd.config)]


def _sitemap(rd: Reads, name: str) -> Made:
    return dict(feeds.sitemaps(rd.read("model", False), rd.config))[name]


def served_script(source: bytes) -> bytes:
    """A theme script as the site serves it: without its comment lines and its lines'
    indentation (~15% of its bytes, none of its meaning: the theme's scripts hold no
    multi-line string, which this would change). The theme's files stay readable."""
    lines = (line.lstrip(b" \t") for line in source.split(b"\n"))
    return b"\n".join(line for line in lines if line and not line.startswith(b"//"))


def _citations(fmt: str, rd: Reads, _: None) -> bytes:
    """citation.<fmt>: the dataset's citation at its version (a part:
    a new commit in the environment makes them again)."""
    return citations.dataset_file(fmt, rd.config, rd.read("cite_version"))


def _file(path: str, render: Callable[[Reads, None], Made],
          exists: Callable[[Reads], bool] = lambda rd: True) -> Kind:
    return Kind(path, lambda rd: [None] if exists(rd) else [], lambda _: path, render,
                shared=True)


def _constant(data: bytes) -> Callable[[Reads, Any], bytes]:
    return lambda rd, _: data


FILES = (
    _file("feed.xml", _from_model(feeds.atom_feed)),
    _file("timeline.json", _timeline_json),
    _file(feeds.CHANGES_FEED, _changes_feed, lambda rd: rd.history.available),
    Kind("data-part", lambda rd: rd.years, feeds.part_path, _timeline_part, shared=True),
    Kind("sitemap", _sitemap_names, lambda name: name, _sitemap, shared=True),
    _file("robots.txt", lambda rd, _: feeds.robots_txt(rd.config)),
    _file("timeline.csv", _from_model(exports.timeline_csv_pieces)),
    _file(reuse.CSVW_PATH, lambda rd, _: reuse.csvw_metadata(rd.config)),
    *(_file(path, partial(_citations, fmt)) for fmt, path in citations.dataset_paths()),
    _file("timeline.ics", _from_model(exports.timeline_ics_pieces)),
    _file("timelinejs.json", _from_model(exports.timelinejs_json)),
    _file(exports.SOCIAL_IMAGE, lambda rd, _: exports.social_image(rd.read("model", False))),
    _file("schema/timeline.schema.json",
          lambda rd, _: exports.timeline_schema(rd.config) or b"",
          lambda rd: exports.timeline_schema(rd.config) is not None),
    _file(SCHEMA_PATH, lambda rd, _: entry_schema_json(rd.config)),
    _file(reuse.ORIGIN_CSS, lambda rd, _: reuse.origin_css(rd.config)),
    _file(".nojekyll", _constant(b"")),
    _file("CNAME", lambda rd, _: (rd.config.cname or "").encode() + b"\n",
          lambda rd: bool(rd.config.cname)),
    Kind("static", static_files, lambda rel: "static/" + rel,
         lambda rd, rel: served_script(read_static(rd, rel)) if rel.endswith(".js")
         else read_static(rd, rel)),
)
