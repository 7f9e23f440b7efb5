"""The files a site has besides its HTML pages, declared once as kinds (FILES): feeds, data
exports, host files and the theme's static files.

Each is made from the whole model (``model``), with the bodies only where the file holds
them (timeline.json), so that a body edit does not make the others again.
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
    """timeline.json in pieces (~60 MB at 10,000 entries), each entry's record kept for the
    next build while its entry is unchanged."""
    keep = rd.memo.keep
    memo = None if keep is None else keep.setdefault("timeline.json", {})
    return feeds.timeline_json_parts(rd.read("model", True), rd.config, memo)


def _citations(fmt: str, rd: Reads, _: None) -> bytes:
    """data/citation.<fmt>: the dataset and every entry, at the dataset's version (a part:
    a new commit in the environment makes them again)."""
    return citations.dataset_file(fmt, rd.read("model", False), rd.config,
                                  rd.read("dataset_version"))


def _file(path: str, render: Callable[[Reads, None], Made],
          exists: Callable[[Reads], bool] = lambda rd: True) -> Kind:
    return Kind(path, lambda rd: [None] if exists(rd) else [], lambda _: path, render,
                shared=True)


def _constant(data: bytes) -> Callable[[Reads, Any], bytes]:
    return lambda rd, _: data


FILES = (
    _file("feed.xml", _from_model(feeds.atom_feed)),
    _file("timeline.json", _timeline_json),
    _file("sitemap.xml", _from_model(feeds.sitemap)),
    _file("robots.txt", lambda rd, _: feeds.robots_txt(rd.config)),
    _file("timeline.csv", _from_model(exports.timeline_csv)),
    _file(reuse.CSVW_PATH, lambda rd, _: reuse.csvw_metadata(rd.config)),
    *(_file(path, partial(_citations, fmt)) for fmt, path in citations.dataset_paths()),
    _file("timeline.ics", _from_model(exports.timeline_ics)),
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
    Kind("static", static_files, lambda rel: "static/" + rel, read_static),
)
