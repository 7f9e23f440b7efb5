"""`sitegen build --offline`: a copy of the site that opens from disk.

A published page links and loads everything from the server's root (``/static/site.css``,
``/entries/ID/``): opened as a file, such a page finds no stylesheet and every link leads to
``file:///entries/…``. The offline copy is the same build with every internal link and
asset in an HTML page made relative to that page, directory links ending in
``index.html`` (a browser opens no folder's index from disk), and no search index (Pagefind
runs only from a web server; the search page says so). Everything else is the build's:
atomic, deterministic, checked output folder.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

from sitegen.config import Config
from sitegen.engine.builder import Builder, BuildResult
from sitegen.engine.tree import AtomicTree, Identity

URL_ATTRIBUTES = frozenset({"href", "src", "action"})
# one attribute of a start tag: its name and its value, quoted or not
_ATTRIBUTE = re.compile(r"""\s*([^\s"'>/=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")


def default_target(config: Config) -> Path:
    """Where ``--offline`` builds without ``--output``: beside the output folder."""
    out = config.output_dir
    return out.with_name(out.name + "-offline")


def relative_url(value: str, page: str, base_path: str) -> str:
    """``value`` (an attribute's raw text) made relative to the page at ``page`` (its path in
    the site) when it is a site-internal URL under ``base_path``; else unchanged."""
    if value.startswith("//"):
        return value
    if value == base_path.rstrip("/"):
        value = base_path
    if not value.startswith(base_path):
        return value
    rest = value[len(base_path):]
    cut = min((i for i in (rest.find("?"), rest.find("#")) if i >= 0), default=len(rest))
    path, tail = rest[:cut], rest[cut:]
    if path == "" or path.endswith("/"):
        path += "index.html"
    return posixpath.relpath(path, posixpath.dirname(page) or ".") + tail


class _StartTags(HTMLParser):
    """The start tags of a page that hold a URL attribute, with where each begins.
    (The parser knows what is markup: text, comments, scripts and styles are left alone.)"""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.found: list[tuple[tuple[int, int], str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if any(name in URL_ATTRIBUTES for name, _ in attrs):
            self.found.append((self.getpos(), self.get_starttag_text() or ""))

    handle_startendtag = handle_starttag


def _rewrite_tag(raw: str, page: str, base_path: str) -> str:
    name = re.match(r"<[^\s/>]+", raw)
    assert name is not None  # the parser found a start tag here
    out, pos = [name.group(0)], name.end()
    while (m := _ATTRIBUTE.match(raw, pos)) and m.end() > pos:
        value = m.group(2)
        if value is not None and m.group(1).lower() in URL_ATTRIBUTES:
            quoted = value[0] in "\"'"
            inner = value[1:-1] if quoted else value
            new = relative_url(inner, page, base_path)
            value = (value[0] + new + value[0]) if quoted else new
            out.append(raw[pos:m.start(2)] + value)
        else:
            out.append(m.group(0))
        pos = m.end()
    out.append(raw[pos:])
    return "".join(out)


def relative_links(html: bytes, page: str, base_path: str) -> bytes:
    """The page at ``page`` (e.g. ``entries/ID/index.html``) with every site-internal
    ``href``, ``src`` and ``action`` relative to it."""
    text = html.decode("utf-8")
    parser = _StartTags()
    parser.feed(text)
    parser.close()
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    out, done = [], 0
    for (line, col), raw in parser.found:
        at = starts[line - 1] + col
        if text.startswith(raw, at) and at >= done:
            out.append(text[done:at])
            out.append(_rewrite_tag(raw, page, base_path))
            done = at + len(raw)
    out.append(text[done:])
    return "".join(out).encode("utf-8")


class OfflineTree(AtomicTree):
    """The build's atomic tree, with the links of every page made relative as it is written."""

    def __init__(self, target: Path, protected: list[Path], base_path: str) -> None:
        super().__init__(target, protected)
        self.base_path = base_path

    def write(self, rel: str, data: bytes | Iterable[bytes]) -> Identity:
        if rel.endswith(".html"):
            whole = data if isinstance(data, bytes) else b"".join(data)
            data = relative_links(whole, rel, self.base_path)
        return super().write(rel, data)


def build_offline(config: Config, *, drafts: bool = False, strict: bool = False,
                  output: Path | None = None) -> BuildResult:
    """``sitegen build --offline``: the site into ``output`` (default: ``output-offline``
    beside the output folder) with relative links, without a search index, atomically."""
    offline = replace(config, offline=True)
    sink = OfflineTree(output or default_target(config),
                       [config.root, config.content_dir, config.templates_dir],
                       offline.base_path)
    return Builder(offline, sink, drafts=drafts, strict=strict, store=None,
                   once=True).build(search=False)
