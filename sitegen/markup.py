"""Markdown bodies → safe HTML: footnotes, tables, smart quotes, heading anchors, entry links."""

from __future__ import annotations

import xml.etree.ElementTree as etree
from collections.abc import Callable

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from sitegen.fastinline import speed_up

ENTRY_SCHEME = "entry:"
EXTENSIONS = ["footnotes", "tables", "toc", "smarty", "sane_lists", "fenced_code", "abbr",
              "def_list"]
_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em", "h2",
    "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "ol", "p", "pre", "q", "s",
    "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
    "tr", "ul", "cite", "figure", "figcaption", "mark",
}
_ATTRS = {
    "*": {"id", "class", "title", "lang", "dir"},
    "a": {"href", "rel", "role", "aria-label"},
    "img": {"src", "alt", "width", "height"},
    "td": {"style", "colspan", "rowspan"},
    "th": {"style", "colspan", "rowspan", "scope"},
    "ol": {"start"},
    "abbr": {"title"},
}


class MarkupError(ValueError):
    """A body Markdown cannot convert (the page functions add the file and line)."""


class _EntryLinks(Treeprocessor):
    """Rewrites ``[text](entry:ID)`` links to the entry's page URL."""

    def __init__(self, md: markdown.Markdown, resolve: Callable[[str], str | None]) -> None:
        super().__init__(md)
        self.resolve = resolve

    def run(self, root: etree.Element) -> None:
        for parent in root.iter():
            for child in list(parent):
                if child.tag != "a":
                    continue
                href = child.get("href", "")
                if not href.startswith(ENTRY_SCHEME):
                    continue
                target = href[len(ENTRY_SCHEME):].strip()
                url = self.resolve(target)
                if url is None:  # e.g. a draft left out of this build: keep the text only
                    child.tag = "span"
                    child.attrib.clear()
                else:
                    child.set("href", url)


class _EntryLinkExtension(Extension):
    def __init__(self, resolve: Callable[[str], str | None]) -> None:
        super().__init__()
        self.resolve = resolve

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Markdown's API
        md.treeprocessors.register(_EntryLinks(md, self.resolve), "sitegen_entry_links", 1)


class MarkdownRenderer:
    """One reusable Markdown converter (creating one per document costs ~9% of a build)."""

    def __init__(self, resolve_entry: Callable[[str], str | None],
                 allow_raw_html: bool = False) -> None:
        self.allow_raw_html = allow_raw_html
        self._resolve = resolve_entry
        self._md = self._converter()

    def _converter(self) -> markdown.Markdown:
        md = markdown.Markdown(
            extensions=[*EXTENSIONS, _EntryLinkExtension(self._resolve)],
            extension_configs={
                "toc": {"permalink": False},
                "footnotes": {"BACKLINK_TITLE": "Back to reference %d"},
                "smarty": {"smart_angled_quotes": False},
            },
            output_format="html",
        )
        speed_up(md)  # same bytes, about half the time (see fastinline.py)
        return md

    def render(self, text: str) -> str:
        """Convert one document; raw HTML is sanitised unless the site allows it."""
        return self.finish(self.convert(text))

    def convert(self, text: str) -> str:
        """Markdown's HTML for one document, not yet sanitised (``finish`` does that)."""
        self._md.reset()
        try:
            return self._md.convert(text)  # type: ignore[no-any-return]
        except RecursionError:  # hundreds of nested lists; it leaves the converter broken
            self._md = self._converter()
            raise MarkupError("the Markdown is nested too deeply to convert") from None

    def finish(self, html: str) -> str:
        """``convert``'s HTML as pages get it: sanitised unless the site allows raw HTML."""
        return html if self.allow_raw_html else sanitise(html)


_POLICY: dict = {
    "tags": _TAGS,
    "attributes": _ATTRS,
    "clean_content_tags": {"script", "style"},
    "url_schemes": {"http", "https", "mailto"},
    "link_rel": None,
    "filter_style_properties": {"text-align"},
}
# nh3 >= 0.2.18 can build the policy once instead of on every call (~10% of its time)
_CLEAN = nh3.Cleaner(**_POLICY).clean if hasattr(nh3, "Cleaner") else None


def sanitise(html: str) -> str:
    """Remove scripts, event handlers and javascript: URLs, keeping Markdown's own markup."""
    if _CLEAN is not None:
        return _CLEAN(html)
    return nh3.clean(html, **_POLICY)
