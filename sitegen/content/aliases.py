"""Stable URLs: ``aliases:`` on entries and pages, the old addresses that redirect to them.

An alias is an old id (``2021-12-17-old-name``: the entry's, or page's, address under that
id) or a path inside the site (``/old/section/name/``). Each becomes a redirect page at that
path, so a renamed entry never breaks a citation. Aliases are checked like ids (lowercase
letters, digits and hyphens, path segments separated by ``/``: no ``..``, no way out of the
site) and must not take the address of a page, of an id, or of another alias.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from sitegen.content.model import ID_RE

if TYPE_CHECKING:
    from sitegen.content.collector import Collector
    from sitegen.content.model import Entry, Page

# the folders of the site's own pages and files (render/context.py's URLs, the theme's
# static files, the search index and the schemas): an alias never goes inside them but as
# an old id of its own kind
SECTIONS = {"entry": "entries", "page": "pages"}
RESERVED = ("static", "pagefind", "schema", "search", "participants", "topics", "years")
HINT = ("write an old id (lowercase letters, digits and hyphens, e.g. 2021-12-17-old-name) "
        "or a path inside the site such as /old/section/name/")


def alias_path(kind: str, alias: str) -> str | None:
    """The site path (``entries/old-id/``) an alias of an entry or page ("entry",
    "page") redirects from; None when it is not a valid alias."""
    if not isinstance(alias, str):
        return None
    parts = alias.strip("/").split("/")
    if not all(ID_RE.fullmatch(p) for p in parts):
        return None
    if "/" not in alias:
        parts = [SECTIONS[kind], *parts]
    return "/".join(parts) + "/"


def redirects(items: Iterable[Entry | Page], kind: str) -> dict[str, str]:
    """Each valid alias path of these entries or pages → the id it redirects to."""
    return {path: item.id for item in items for a in item.aliases
            if (path := alias_path(kind, a)) is not None}


def check_aliases(entries: list[Entry], pages: list[Page], col: Collector) -> None:
    """Report every alias that takes the path of a page, of an id or of another alias
    (each alias is valid: fields.py checked it)."""
    taken = {"entries/" + e.id + "/": f"the entry {e.id} ({e.path})" for e in entries}
    taken |= {"pages/" + p.id + "/": f"the page {p.id} ({p.path})" for p in pages}
    seen: dict[str, str] = {}
    for kind, items in (("entry", entries), ("page", pages)):
        for item in items:
            for i, alias in enumerate(item.aliases):
                path = alias_path(kind, alias) or ""
                line = item.field_lines.get(f"aliases[{i}]", item.field_lines.get("aliases"))
                top = path.split("/", 1)[0]
                clash = (taken.get(path) or seen.get(path)
                         or (f"inside the site's own /{top}/" if top in RESERVED else None))
                if clash:
                    col.error(item.path, line, "aliases",
                              f"'{alias}' would redirect from /{path}, which is {clash}",
                              "an alias is an old address that nothing else has: remove it, "
                              "or give the old address exactly as it was")
                else:
                    seen[path] = f"an alias of {item.path}" + (f" (line {line})" if line else "")
