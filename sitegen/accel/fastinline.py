"""A faster drop-in for Python-Markdown's inline processors, with byte-identical output.

(It also guards block processors' tests with the literal each needs, lets toc skip its
search for the marker in documents without one, and gives prettify, unescape and the
whitespace preprocessor cheaper lookups; see FastToc, _block_needs, FastPrettify,
FastUnescape and FastNormalizeWhitespace.)

Python-Markdown tries every inline pattern on every text node, one Python call per
(pattern, text) pair, and the ``smarty`` extension runs a second full inline pass; together
that is most of the conversion time. Every pattern we know needs a literal trigger to match
(a link needs ``[``, an en dash ``--``, a smart quote ``'`` or ``"``), and a substitution only
replaces text by a placeholder made of letters, digits and control characters, so a trigger
absent from a text stays absent. Skipping the patterns whose trigger is missing is therefore
exact; patterns we do not know (a user's extension) always run. The pattern registry is also
copied into a plain list, as indexing a Registry re-sorts it on every lookup (copied again
when the Registry changes, so a pattern registered later runs too).

This is the one module that reaches into Python-Markdown's private names (the name-mangled
``_InlineProcessor__handleInline``, ``Registry._sort``/``_priority``/``_data``, processors'
``test`` and toc's ``__dict__``), so it runs only on the versions it is tested on: sitegen
imports it only through sitegen.accel.speed_up_markdown, once the version gate is open.
The proofs: tests/test_fastinline.py compares the output (and ``md.toc``) with stock
Python-Markdown on thousands of generated documents, and tools/markdown-suite.sh runs
Python-Markdown's own test suite with every ``Markdown`` accelerated. The speed:
bench/markdown_speed.py.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Callable
from functools import cache
from typing import Any

import markdown
from markdown import util
from markdown.extensions.smarty import SubstituteTextPattern
from markdown.extensions.toc import TocTreeprocessor
from markdown.inlinepatterns import InlineProcessor as InlineProcessor_
from markdown.preprocessors import NormalizeWhitespace
from markdown.treeprocessors import (
    InlineProcessor,
    PrettifyTreeprocessor,
    Treeprocessor,
    UnescapeTreeprocessor,
)

_QUOTES = ("'", '"')
# pattern name → the literals of which at least one must occur for the pattern to match
NEEDS: dict[str, tuple[str, ...]] = {
    "backtick": ("`",), "escape": ("\\",), "footnote": ("[^",), "reference": ("[",),
    "link": ("[",), "short_reference": ("[",), "image_link": ("![",),
    "image_reference": ("![",), "short_image_ref": ("![",), "autolink": ("<",),
    "automail": ("<",), "html": ("<",), "linebreak": ("  \n",), "entity": ("&",),
    "em_strong": ("*", "_"), "em_strong2": ("_",), "strong_em": ("*", "_"),
    "not_strong": ("*", "_"),
    "smarty-em-dashes": ("---",), "smarty-en-dashes": ("--",), "smarty-ellipses": ("...",),
    "smarty-left-angle-quotes": ("<<",), "smarty-right-angle-quotes": (">>",),
}


def _quote_needs() -> dict[str, tuple[str, ...]]:
    """smarty's quote patterns (by regular expression) → the quotes each one consumes.

    Its registry names them only by number; without this every quote pattern would run on
    any text holding an apostrophe. Each expression below consumes exactly these literals.
    """
    from markdown.extensions import smarty as sm

    single, double = ("'",), ('"',)
    return {sm.singleQuoteStartRe: single, sm.doubleQuoteStartRe: double,
            sm.doubleQuoteSetsRe: ("\"'",), sm.singleQuoteSetsRe: ("'\"",),
            sm.doubleQuoteSetsRe2: ("'\"",), sm.singleQuoteSetsRe2: ("\"'",),
            sm.decadeAbbrRe: single, sm.openingSingleQuotesRegex: single,
            sm.closingSingleQuotesRegex: single, sm.closingSingleQuotesRegex2: single,
            sm.remainingSingleQuotesRegex: single, sm.openingDoubleQuotesRegex: double,
            sm.closingDoubleQuotesRegex: double, sm.closingDoubleQuotesRegex2: double,
            sm.remainingDoubleQuotesRegex: double}


Finder = tuple[str, tuple[tuple[int, str], ...]]  # (literal, ((offset, first characters)…))


def _smarty_triggers() -> dict[str, Finder]:
    """smarty's expressions (by text) → (literal, starts): every match holds ``literal`` at
    one of the ``starts``' offsets after its start (decreasing), and begins with one of the
    characters given with it ('' for any). Only the opening quotes have something before
    the literal, one of ``\\s – —`` (1), ``--`` (2), ``&nbsp;`` (6) or ``&mdash; &ndash;
    &#8211; &#8212;`` (7); an expression anchored at the start (``^``) has no starts."""
    from markdown.extensions import smarty as sm

    found: dict[str, Finder] = {regex: (need[0], ((0, ""),))
                                for regex, need in _quote_needs().items()}
    opening = ((7, "&"), (6, "&"), (2, "-"), (1, ""))
    found[sm.openingSingleQuotesRegex] = ("'", opening)
    found[sm.openingDoubleQuotesRegex] = ('"', opening)
    found[sm.singleQuoteStartRe] = ("'", ())
    found[sm.doubleQuoteStartRe] = ('"', ())
    found.update({regex: (literal, ((0, ""),)) for regex, literal in (
        (r"(?<!-)---(?!-)", "---"), (r"(?<!-)--(?!-)", "--"), (r"(?<!\.)\.{3}(?!\.)", "..."),
        (r"\<\<", "<<"), (r"\>\>", ">>"))})
    return found


# inline expressions that open with a look-behind or alternatives, which keep the regular
# expression engine from jumping to where a match can start (it tries every position of the
# text): the expression (by text, in the versions covered) → the characters a match starts with
_STARTS: dict[str, str] = {
    r"(?<!\!)\[": r"\[",  # link, reference, short_reference
    r"(?:(?<!\\)((?:\\{2})+)(?=`+)|(?<!\\)`)": r"[`\\]",  # backtick (3.11)
    r"(?:(?<!\\)((?:\\{2})+)(?=`+)|(?<!\\)(`+)(.+?)(?<!`)\2(?!`))": r"[`\\]",  # (3.10)
    r"((^|(?<=\s))(\*{1,3}|_{1,3})(?=\s|$))": r"[*_]",  # not_strong (3.10)
}


def first_match(regex: re.Pattern[str], data: str, pos: int, literal: str,
                starts: tuple[tuple[int, str], ...]) -> re.Match[str] | None:
    """``regex.search(data, pos)`` for an expression whose every match holds ``literal`` at
    one of the ``starts``' offsets after its start and begins with one of the characters
    given with that offset (any, when none is): only those start positions are tried, in
    order, so the first match found is the leftmost (no match's part before the literal
    holds the literal, so a match reaching a later occurrence starts after an earlier
    one; and a match tried at a later position sees the text before it, as search does).
    Without ``starts`` the expression is anchored at the start of the text. smarty's
    expressions open with look-behinds or alternatives, which the regular expression
    engine tries at every position of the text."""
    if not starts:
        return regex.match(data) if pos == 0 else None
    find, match, near = data.find, regex.match, starts[-1][0]
    while (at := find(literal, pos + near)) >= 0:
        for back, firsts in starts:
            start = at - back
            if start >= pos and (not firsts or data[start] in firsts) \
                    and (m := match(data, start)) is not None:
                return m
        pos = at - near + 1  # no match starts before: none reaches an earlier literal
    return None


def needs_of(name: str) -> tuple[str, ...] | None:
    """The trigger literals of a pattern, or None when it must always run."""
    if name.startswith("smarty-quotes-"):
        return _QUOTES
    return NEEDS.get(name)


def presence_test(groups: list[tuple[str, ...]]) -> Callable[[str], list[bool]]:
    """A function telling, for each group of literals, whether one of them is in a text.

    It runs on every text of every document, so it is generated as straight-line code
    (``[('[' in data), ('*' in data) or ('_' in data), ...]``): about four times faster
    than ``any()`` per group. The literals are our own constants, written with repr().
    """
    terms = [" or ".join(f"({lit!r} in data)" for lit in group) or "True" for group in groups]
    namespace: dict[str, Any] = {}
    exec(compile(f"def present(data):\n    return [{', '.join(terms)}]\n",  # noqa: S102
                 "<fastinline>", "exec"), namespace)
    return namespace["present"]  # type: ignore[no-any-return]


def _order(registry: Any) -> list[tuple[str, Any]]:
    """(name, item) of each entry of a Registry, in priority order (sorted lazily)."""
    registry._sort()
    data = registry._data
    return [(item.name, data[item.name]) for item in registry._priority]


class FastInlineProcessor(InlineProcessor):
    """InlineProcessor that skips patterns whose trigger literal is not in the text.

    ``inlinePatterns`` stays the Registry, as in the stock class; the plain copy the loop
    reads is made again whenever the Registry changed (an extension may register a
    pattern after this processor was made), checked once per document.
    """

    def __init__(self, md: markdown.Markdown, patterns: Any) -> None:
        super().__init__(md)
        self.inlinePatterns = patterns
        self._order: list[tuple[str, Any]] | None = None
        self._refresh()

    def _refresh(self) -> None:
        order = _order(self.inlinePatterns)
        if order == self._order:
            return
        self._order = order
        self._patterns = [pattern for _, pattern in order]
        groups: list[tuple[str, ...]] = []
        self.group_of: list[int] = []
        for name, _ in order:
            need = needs_of(name)
            if need is None:
                self.group_of.append(-1)
            else:
                if need not in groups:
                    groups.append(need)
                self.group_of.append(groups.index(need))
        self.groups = groups
        self.present = presence_test(groups)
        self.starts = [re.compile(_STARTS[p.getCompiledRegExp().pattern])
                       if isinstance(p, InlineProcessor_) and p.getCompiledRegExp().pattern
                       in _STARTS else None for _, p in order]

    def run(self, tree: etree.Element, ancestors: list[str] | None = None) -> etree.Element:
        self._refresh()
        return super().run(tree, ancestors)

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:  # noqa: N802,N803
        """Same loop as Python-Markdown's, skipping patterns that cannot match ``data``."""
        if isinstance(data, util.AtomicString):
            return data
        ok = self.present(data)
        patterns, group_of, starts = self._patterns, self.group_of, self.starts
        apply = self._InlineProcessor__applyPattern  # type: ignore[attr-defined]
        start = 0
        count = len(patterns)
        while patternIndex < count:
            g = group_of[patternIndex]
            if g >= 0 and not ok[g]:
                patternIndex += 1
                continue
            finder = starts[patternIndex]
            if finder is not None:  # the search begins where a match can start (if anywhere)
                at = finder.search(data, start)
                if at is None:
                    patternIndex, start = patternIndex + 1, 0  # (what the stock call returns)
                    continue
                start = at.start()
            data, matched, start = apply(patterns[patternIndex], data, patternIndex, start)
            if not matched:
                patternIndex += 1
        return data


class FastSmarty(Treeprocessor):
    """Smarty's second inline pass as plain string work on each text of the tree.

    Smarty's patterns only ever replace text by other text, so the general machinery
    (element stash, placeholder linking) reduces to: apply each pattern in priority order
    exactly as ``InlineProcessor`` does (same placeholders, same restart positions), then
    expand the placeholders. The texts visited are the same: every element's text and tail.
    ``inlinePatterns`` is smarty's Registry, as on the stock processor; should anything but
    smarty's own text substitutions be registered there, this pass runs them as a
    FastInlineProcessor does.
    """

    def __init__(self, md: markdown.Markdown, patterns: Any) -> None:
        super().__init__(md)
        self.inlinePatterns = patterns
        self._order: list[tuple[str, Any]] | None = None
        self._general: FastInlineProcessor | None = None
        self._refresh()

    def _refresh(self) -> None:
        order = _order(self.inlinePatterns)
        if order == self._order:
            return
        self._order = order
        if not all(type(pattern) is SubstituteTextPattern for _, pattern in order):
            self._general = FastInlineProcessor(self.md, self.inlinePatterns)
            return
        self._general = None
        self.patterns = [pattern for _, pattern in order]
        quotes = _quote_needs()
        self.needs = [quotes.get(pattern.getCompiledRegExp().pattern) or needs_of(name)
                      or ("",) for name, pattern in order]
        triggers = _smarty_triggers()
        self.finders = [triggers.get(pattern.getCompiledRegExp().pattern)
                        for _, pattern in order]
        self.plan = [(pattern, pattern.getCompiledRegExp(), finder)
                     for pattern, finder in zip(self.patterns, self.finders, strict=True)]
        self.triggers = tuple(sorted({t for need in self.needs for t in need}))
        self.present = presence_test(self.needs)
        self.any_trigger = presence_test([self.triggers])
        self.stash: dict[str, str] = {}

    def run(self, root: etree.Element) -> etree.Element | None:
        self._refresh()
        if self._general is not None:
            return self._general.run(root)
        self.stash = {}
        for el in root.iter():
            if el is not root and el.text and not isinstance(el.text, util.AtomicString):
                el.text = self.educate(el.text)
            if el.tail and not isinstance(el.tail, util.AtomicString):
                el.tail = self.educate(el.tail)
        return None

    def educate(self, data: str) -> str:
        """One text through every pattern, as InlineProcessor.__handleInline would."""
        if not self.any_trigger(data)[0]:
            return data
        stash = self.stash
        for (pattern, regex, finder), wanted in zip(self.plan, self.present(data), strict=True):
            if not wanted:
                continue
            start = 0
            while (match := regex.search(data, start) if finder is None
                   else first_match(regex, data, start, *finder)) is not None:
                node, begin, end = pattern.handleMatch(match, data)
                placeholder = util.INLINE_PLACEHOLDER % f"{len(stash):04d}"
                stash[placeholder] = node
                data = data[:begin] + placeholder + data[end:]
                start = begin + len(placeholder)
        return _PLACEHOLDER.sub(lambda m: stash[m.group(0)], data)


_PLACEHOLDER = re.compile(util.INLINE_PLACEHOLDER_RE.pattern.replace("([0-9]+)", "[0-9]+"))
_BRACKET = re.compile(r"[\[\]]")
SCAN_LIMIT = 32  # brackets a forward scan reads before it leaves the work to the stock code


def fast_get_text(pattern: Any) -> Callable[[str, int], tuple[str, int, bool]]:
    """A link pattern's ``getText`` (the text between ``[`` and its ``]``) that scans forward.

    Python-Markdown 3.11 finds the closing bracket of *every* index of the text at once, in
    a Python loop over each character, and again whenever the text changed, which it does
    after every link; most of a link-rich paragraph's conversion went there. Reading the
    brackets from ``index`` on finds the same ``]`` (the one where the depth first drops
    below the opening bracket's). After SCAN_LIMIT brackets without it (deep nesting, or a
    bracket that never closes), the stock method answers: it stays linear on any text.
    """
    stock = pattern.getText

    def get_text(data: str, index: int) -> tuple[str, int, bool]:
        depth = 1
        for seen, match in enumerate(_BRACKET.finditer(data, index)):
            if seen == SCAN_LIMIT:
                break
            if match.group() == "[":
                depth += 1
            else:
                depth -= 1
                if depth == 0:
                    return data[index:match.start()], match.end(), True
        else:
            return data[index:], len(data), False
        return stock(data, index)  # type: ignore[no-any-return]

    return get_text


class FastToc(TocTreeprocessor):
    """toc's pass, with shortcuts for documents without headings or without the marker.

    The stock pass looks for the marker in every element, joining the text of the
    element's whole subtree each time; the marker can only replace an element whose own
    text is the marker, so when no text of the document holds it there is nothing to
    replace. A document without headings gets what the stock pass gives it (no ids,
    ``md.toc_tokens == []``, ``md.toc`` an empty table of contents) without building,
    prettifying and serialising that empty table again each time: its text is made once
    by the stock code and reused while the settings it depends on stay the same. Every
    other document takes the stock pass.
    """

    _empty: tuple[tuple[Any, ...], str] | None = None

    def run(self, doc: etree.Element) -> None:
        marked = bool(self.marker) and any(self.marker in el.text
                                           for el in doc.iter() if el.text)
        headings = any(isinstance(el.tag, str) and self.header_rgx.match(el.tag)
                       for el in doc.iter())
        empty = None if headings or marked else self._empty_toc()
        if empty is None:
            super().run(doc)
            return
        self.md.toc_tokens = []  # type: ignore[attr-defined]
        self.md.toc = empty  # type: ignore[attr-defined]

    def _empty_toc(self) -> str | None:
        """The stock ``md.toc`` of a document without headings, or None when the stock
        pass must make it (a postprocessor that is not one of Python-Markdown's own, or
        a prettifier that is not its own: either might give another text each time)."""
        md = self.md
        prettify = md.treeprocessors["prettify"] if "prettify" in md.treeprocessors else None
        if (prettify is not None and type(prettify) not in (PrettifyTreeprocessor,
                                                            FastPrettify)) or any(
                type(pp) not in _plain_postprocessors() for pp in md.postprocessors):
            return None
        key = (self.title, self.title_class, self.toc_class, md.serializer, prettify,
               tuple(md.block_level_elements))  # what the prettifier reads
        if self._empty is None or self._empty[0] != key:
            text = md.serializer(self.build_toc_div([]))
            if util.STX in text or util.ETX in text:  # the postprocessors would act on it
                return None
            self._empty = (key, text)
        return self._empty[1]

    def replace_marker(self, root: etree.Element, elem: etree.Element) -> None:
        if any(self.marker in el.text for el in root.iter() if el.text):
            super().replace_marker(root, elem)


@cache
def _plain_postprocessors() -> tuple[type, ...]:
    """Python-Markdown's own postprocessors: each replaces only text between STX and ETX
    (its placeholders), so a text without them comes out unchanged."""
    from markdown import postprocessors as pp
    from markdown.extensions.footnotes import FootnotePostprocessor
    from markdown.extensions.md_in_html import MarkdownInHTMLPostprocessor

    return (pp.RawHtmlPostprocessor, pp.AndSubstitutePostprocessor, pp.UnescapePostprocessor,
            FootnotePostprocessor, MarkdownInHTMLPostprocessor)


@cache
def _bracket_scanners() -> tuple[type, ...]:
    """The stock link patterns whose ``getText`` scans every index of the text (3.11 on);
    before 3.11 it already scans forward from the bracket, and nothing is replaced."""
    from markdown import inlinepatterns as ip

    if not hasattr(ip.LinkInlineProcessor, "_findBracketEnds"):
        return ()
    return (ip.LinkInlineProcessor, ip.ImageInlineProcessor, ip.ReferenceInlineProcessor,
            ip.ShortReferenceInlineProcessor, ip.ImageReferenceInlineProcessor,
            ip.ShortImageReferenceInlineProcessor)


def _block_needs() -> dict[type, tuple[str, ...]]:
    """Block processors whose test cannot pass without one of these literals in the block.

    Each is read off the processor's own code: its test (or, for those whose test always
    passes, its run, which puts the block back and returns False) only matches a regular
    expression or a split that holds the literal. Tables need a ``|`` to make two cells.
    """
    from markdown import blockprocessors as bp
    from markdown.extensions.abbr import AbbrBlockprocessor
    from markdown.extensions.def_list import DefListProcessor
    from markdown.extensions.footnotes import FootnoteBlockProcessor
    from markdown.extensions.tables import TableProcessor

    return {TableProcessor: ("|",), DefListProcessor: (":",), FootnoteBlockProcessor: ("[^",),
            AbbrBlockprocessor: ("*[",), bp.HashHeaderProcessor: ("#",),
            bp.HRProcessor: ("-", "_", "*"), bp.BlockQuoteProcessor: (">",),
            bp.ReferenceProcessor: ("]:",)}


def _guard(test: Callable[[Any, str], bool], needs: tuple[str, ...]
           ) -> Callable[[Any, str], bool]:
    present = presence_test([needs])

    def guarded(parent: Any, block: str) -> bool:
        return present(block)[0] and test(parent, block)

    return guarded


class FastPrettify(PrettifyTreeprocessor):
    """prettify's pass with the block-level tags in a set, made once a document: the stock
    ``md.is_block_level`` looks each element's tag up in a list of some fifty names."""

    _blocks: frozenset[str] | None = None

    def run(self, root: etree.Element) -> None:
        self._blocks = frozenset(self.md.block_level_elements)
        try:
            super().run(root)
        finally:
            self._blocks = None

    def _prettifyETree(self, elem: etree.Element) -> None:  # noqa: N802 - Markdown's name
        blocks = self._blocks
        if blocks is None:  # (called on its own)
            blocks = frozenset(self.md.block_level_elements)
        i = "\n"
        if _is_block(elem.tag, blocks) and elem.tag not in ("code", "pre"):
            if (not elem.text or not elem.text.strip()) \
                    and len(elem) and _is_block(elem[0].tag, blocks):
                elem.text = i
            for e in elem:
                if _is_block(e.tag, blocks):
                    self._prettifyETree(e)
        if not elem.tail or not elem.tail.strip():
            elem.tail = i


def _is_block(tag: Any, blocks: frozenset[str]) -> bool:
    """``md.is_block_level(tag)`` with its list as a set."""
    return isinstance(tag, str) and tag.lower().rstrip("/") in blocks


class FastUnescape(UnescapeTreeprocessor):
    """The unescaping pass without a regular expression substitution for the texts that
    hold no placeholder character (nearly all): the same text back, as a plain str."""

    def unescape(self, text: str) -> str:
        if util.STX in text:
            return self.RE.sub(self._unescape, text)  # type: ignore[attr-defined]
        return str(text)


_BLANK_LINE = re.compile(r"\n +(?=\n)")


class FastNormalizeWhitespace(NormalizeWhitespace):
    """NormalizeWhitespace with its last expression opening with the newline it looks for:
    ``\\n +(?=\\n)`` removes exactly the spaces ``(?<=\\n) +\\n`` removes (those of each line
    holding only spaces, after a newline), but the regular expression engine jumps from
    newline to newline instead of trying every position of the document."""

    def run(self, lines: list[str]) -> list[str]:
        source = "\n".join(lines)
        source = source.replace(util.STX, "").replace(util.ETX, "")
        source = source.replace("\r\n", "\n").replace("\r", "\n") + "\n\n"
        source = source.expandtabs(self.md.tab_length)
        return _BLANK_LINE.sub("\n", source).split("\n")


def speed_up(md: markdown.Markdown) -> None:
    """Replace ``md``'s inline passes (and smarty's, toc's, prettify's, unescape's and the
    whitespace preprocessor) with the fast versions, and let block processors skip blocks
    that lack the literal they need.

    Exact on the Python-Markdown versions the tests cover: sitegen calls it through
    sitegen.accel.speed_up_markdown, which checks the version first.
    """
    needs = _block_needs()
    for item in list(md.parser.blockprocessors._priority):  # type: ignore[attr-defined]
        block_processor = md.parser.blockprocessors[item.name]
        need = needs.get(type(block_processor))  # the stock classes exactly
        if need is not None:
            block_processor.test = _guard(block_processor.test, need)  # type: ignore[method-assign]
    for item in list(md.preprocessors._priority):  # type: ignore[attr-defined]
        if type(md.preprocessors[item.name]) is NormalizeWhitespace:  # the stock class exactly
            md.preprocessors.register(FastNormalizeWhitespace(md), item.name, item.priority)
    registry = md.treeprocessors
    for item in list(registry._priority):  # type: ignore[attr-defined]
        processor = registry[item.name]
        if type(processor) is TocTreeprocessor:  # the stock class exactly, nothing derived
            toc = FastToc.__new__(FastToc)
            toc.__dict__.update(processor.__dict__)
            registry.register(toc, item.name, item.priority)
            continue
        if type(processor) in (PrettifyTreeprocessor, UnescapeTreeprocessor):
            fast_pass = (FastPrettify if type(processor) is PrettifyTreeprocessor
                         else FastUnescape)(md)
            registry.register(fast_pass, item.name, item.priority)
            continue
        if type(processor) is not InlineProcessor:
            continue
        patterns = processor.inlinePatterns
        for pattern in patterns:
            if type(pattern) in _bracket_scanners():
                pattern.getText = fast_get_text(pattern)  # type: ignore[attr-defined]
        fast: Treeprocessor = (FastSmarty(md, patterns) if item.name == "smarty"
                               else FastInlineProcessor(md, patterns))
        registry.register(fast, item.name, item.priority)
