"""Markdown bodies → safe HTML: footnotes, tables, smart quotes, heading anchors, entry links."""

from __future__ import annotations

import html as htmllib
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from sitegen.config import MarkupOptions
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
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "ol": {"start"},
    "abbr": {"title"},
}
# Body ids live in their own namespace, so that no content can take the id of a page
# control (a body <div id="cite-text"> changed what "Copy citation" copied); the body's
# same-page links follow them, so footnotes and heading anchors keep working.
ID_PREFIX = "c-"
SANITISED = MarkupOptions()  # the default: raw HTML sanitised, remote images made links
# the classes Markdown itself writes (and the stylesheet may style); any other is dropped
_CLASSES = frozenset({"footnote", "footnote-ref", "footnote-backref", "toc"})
_CODE_CLASS = re.compile(r"language-[A-Za-z0-9_+#.-]{1,40}")


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
                 options: MarkupOptions = SANITISED) -> None:
        self.options = options
        self.allow_raw_html = options.allow_raw_html
        self._resolve = resolve_entry
        self._md = self._converter()

    def _converter(self) -> markdown.Markdown:
        md = markdown.Markdown(
            extensions=[*EXTENSIONS, _EntryLinkExtension(self._resolve)],
            extension_configs={
                "toc": {"permalink": False},
                "tables": {"use_align_attribute": True},  # style="" needs an unsafe CSP
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
        """``convert``'s HTML as pages get it: sanitised unless the site allows raw HTML,
        and remote images made links unless the site allows them."""
        if self.allow_raw_html:
            return html
        html = sanitise(html)
        return html if self.options.remote_images else local_images(html)


def _attribute(tag: str, name: str, value: str) -> str | None:
    """The sanitiser's rewrite of each kept attribute: ids namespaced, classes allow-listed."""
    if name == "id":
        return ID_PREFIX + value
    if name == "href" and value.startswith("#") and len(value) > 1:
        return "#" + ID_PREFIX + value[1:]
    if name == "class":
        kept = [c for c in value.split()
                if c in _CLASSES or (tag == "code" and _CODE_CLASS.fullmatch(c))]
        return " ".join(kept) or None
    return value


_POLICY: dict = {
    "tags": _TAGS,
    "attributes": _ATTRS,
    "attribute_filter": _attribute,
    "clean_content_tags": {"script", "style"},
    "url_schemes": {"http", "https", "mailto"},
    "link_rel": None,
}
# nh3 >= 0.2.18 can build the policy once instead of on every call (~10% of its time)
_CLEAN = nh3.Cleaner(**_POLICY).clean if hasattr(nh3, "Cleaner") else None


def sanitise(html: str) -> str:
    """Remove scripts, event handlers and javascript: URLs, keeping Markdown's own markup."""
    if _CLEAN is not None:
        return _CLEAN(html)
    return nh3.clean(html, **_POLICY)


# nh3's output: lowercase names, every value in double quotes (a '"' inside is &quot;)
_IMG = re.compile(r'<img((?:\s+[a-z-]+(?:="[^"]*")?)*)\s*/?>')
_ATTR = re.compile(r'([a-z-]+)="([^"]*)"')
# what a browser reads as another host: a scheme, or two slashes of either kind at the start
_REMOTE = re.compile(r"[\x00-\x20]*(?:[A-Za-z][A-Za-z0-9+.-]*:|[/\\][\t\n\r]*[/\\])")


def local_images(html: str) -> str:
    """Sanitised HTML with each image from another site replaced by a link to it.

    An image loads as the page opens and tells its host who reads what; a link loads
    nothing until the reader follows it. Images from the site itself (relative URLs) stay.
    """
    if "<img" not in html:
        return html

    def link(m: re.Match[str]) -> str:
        attrs = dict(_ATTR.findall(m.group(1)))
        src = attrs.get("src", "")
        if not _REMOTE.match(htmllib.unescape(src)):
            return m.group()
        label = attrs.get("alt") or attrs.get("title")
        text = f"{label} (image)" if label else "image"
        return f'<a href="{src}">{text}</a>' if src else text

    return _IMG.sub(link, html)
