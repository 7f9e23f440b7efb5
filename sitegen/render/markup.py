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

from sitegen.accel import speed_up_markdown
from sitegen.config import MarkupOptions
from sitegen.errors import Problem
from sitegen.render.budget import OverBudget, cpu_budget

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

    def __init__(self, message: str, line: int = 1,
                 hint: str = "flatten the nested lists or quotes") -> None:
        super().__init__(message)
        self.line = line  # 1-based, within the body
        self.hint = hint

    def problem(self, path: str, body_line: int) -> Problem:
        """This error located in its file (``body_line``: the body's first line there)."""
        return Problem(path, body_line + self.line - 1, "body", str(self), self.hint)


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
                 options: MarkupOptions = SANITISED, accelerate: bool = True) -> None:
        self.options = options
        self.accelerate = accelerate  # False: stock Python-Markdown (for the accelerator's tests)
        self.allow_raw_html = options.allow_raw_html
        self.cpu_budget = options.cpu_budget  # seconds of CPU for each conversion and sanitising
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
        if self.accelerate:
            speed_up_markdown(md)  # same bytes, about half the time (sitegen.accel)
        return md

    def render(self, text: str) -> str:
        """Convert one document; raw HTML is sanitised unless the site allows it."""
        return self.finish(self.convert(text))

    def convert(self, text: str) -> str:
        """Markdown's HTML for one document, not yet sanitised (``finish`` does that)."""
        check_shape(text)
        self._md.reset()
        try:
            return within_budget(self.cpu_budget, self._md.convert, text)
        except RecursionError:  # hundreds of nested lists; it leaves the converter broken
            self._md = self._converter()
            raise MarkupError("the Markdown is nested too deeply to convert") from None
        except MarkupError:  # over budget: stopped anywhere, so start a new converter
            self._md = self._converter()
            raise

    def finish(self, html: str) -> str:
        """``convert``'s HTML as pages get it: sanitised unless the site allows raw HTML,
        and remote images made links unless the site allows them."""
        if self.allow_raw_html:
            return html
        html = within_budget(self.cpu_budget, sanitise, html)
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


def within_budget(seconds: float, work: Callable[[str], str], text: str) -> str:
    """``work(text)`` under a CPU-time budget (sitegen.render.budget); MarkupError when over."""
    try:
        with cpu_budget(seconds):
            return work(text)
    except OverBudget:
        raise MarkupError(f"took more than {seconds:g} s of CPU to convert",
                          hint="simplify this body or split it into several entries (for a "
                          "good entry on a slow machine, raise entry_cpu_budget in the "
                          "configuration)") from None


# Limits on the shape of a body, checked in linear time before conversion. Python-Markdown
# and the sanitiser take time (or memory) that grows with the product of a body's size and
# one of these, so bounding them bounds the work, whatever the machine's load: a good entry
# never fails because the build machine is busy. Real entries stay far below (content/ and
# a 2,000-entry bench corpus: at most 2 levels of quotes and lists on a line, 1 open bracket,
# no raw HTML); at the limits a 2 MB body converts in seconds (bench/run.py --hostile).
MAX_NESTING = 32  # quotes and list items inside each other, counted on one line
MAX_OPEN_BRACKETS = 8  # '[' and '(' open at once within one paragraph
MAX_OPEN_TAGS = 8  # '<' tag openers in a row with no '>' after them
MAX_HTML_NESTING = 128  # raw HTML elements open inside each other

# a line's indentation and the quote and list markers that open it
_PREFIX = re.compile(r"[ \t]*(?:(?:>|[-*+](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$))[ \t]*)*",
                     re.MULTILINE)
_DEEP = re.compile(rf"\n[ \t>*+\-\d.)]{{{MAX_NESTING + 1}}}")  # searched in "\n" + text
_MARKER = re.compile(r">|[-*+\d]+[.)]?")
_BREAK = re.compile(r"\n[ \t]*(?=\n)")  # the end of a paragraph
# an escaped character, a bracket or a parenthesis
_BRACKET = re.compile(r"\\.|[\[\]()]", re.DOTALL)
# an escaped character, a tag opener, a '>'
_ANGLE = re.compile(r"\\.|<[A-Za-z/!?]|>", re.DOTALL)
# a start tag (with its '/' if self-closing) or an end tag
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)(?=[\s/>])(?:[^<>]*?(/?)>)?")
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "param", "source", "track", "wbr"})


def check_shape(text: str) -> None:
    """Raise MarkupError (with the body line and a hint) if a body is over a shape limit."""
    for check in (_nesting, _brackets, _angles, _html_nesting):
        found = check(text)
        if found is not None:
            offset, message, hint = found
            raise MarkupError(message, text.count("\n", 0, offset) + 1, hint)


def _nesting(text: str) -> tuple[int, str, str] | None:
    # a level is at least one character (a marker, a tab or four spaces): only lines that
    # start with more than MAX_NESTING such characters can be too deep
    for m in _DEEP.finditer("\n" + text):
        start = m.start()  # in text: the line after the newline matched
        prefix = _PREFIX.match(text, start).group()  # type: ignore[union-attr]
        markers = len(_MARKER.findall(prefix))
        depth = markers + len(_MARKER.sub("", prefix).expandtabs(4)) // 4
        if depth > MAX_NESTING:
            return (start, f"nested too deeply: {depth} levels of quotes and lists on one "
                    f"line (the limit is {MAX_NESTING})", "flatten the nested lists or quotes")
    return None


def _brackets(text: str) -> tuple[int, str, str] | None:
    if text.count("[") + text.count("(") <= MAX_OPEN_BRACKETS:
        return None
    start = 0
    for end in [m.start() for m in _BREAK.finditer(text)] + [len(text)]:
        # only a paragraph with that many openers in all can have that many open at once
        if text.count("[", start, end) + text.count("(", start, end) > MAX_OPEN_BRACKETS:
            depth = 0
            for m in _BRACKET.finditer(text, start, end):
                c = m.group()
                if c in "[(":
                    depth += 1
                    if depth > MAX_OPEN_BRACKETS:
                        return (m.start(), f"more than {MAX_OPEN_BRACKETS} '[' or '(' are "
                                "open at once in this paragraph", "close each bracket, or "
                                "write a literal one as \\[ or \\(")
                elif c in "])":
                    depth = max(0, depth - 1)
        start = end
    return None


def _angles(text: str) -> tuple[int, str, str] | None:
    if "<" not in text:
        return None
    run = 0
    for m in _ANGLE.finditer(text):
        c = m.group()[0]
        if c == "<":
            run += 1
            if run > MAX_OPEN_TAGS:
                return (m.start(), f"more than {MAX_OPEN_TAGS} '<' in a row without a "
                        "closing '>'", "finish each HTML tag with '>', or write a lone '<' "
                        "as &lt;")
        elif c == ">":
            run = 0
    return None


def _html_nesting(text: str) -> tuple[int, str, str] | None:
    if "<" not in text:
        return None
    depth = 0
    for m in _TAG.finditer(text):
        closing, name, self_closing = m.group(1), m.group(2).lower(), m.group(3)
        if closing:
            depth = max(0, depth - 1)
        elif name not in _VOID and not self_closing:
            depth += 1
            if depth > MAX_HTML_NESTING:
                return (m.start(), f"raw HTML elements are nested more than "
                        f"{MAX_HTML_NESTING} deep", "close the HTML elements you open, or "
                        "write the structure in Markdown")
    return None
