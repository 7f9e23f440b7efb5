"""A faster drop-in for Python-Markdown's inline processors, with byte-identical output.

(It also guards block processors' tests with the literal each needs, and lets toc skip the
table of contents nobody reads; see FastToc and _block_needs.)

Python-Markdown tries every inline pattern on every text node, one Python call per
(pattern, text) pair, and the ``smarty`` extension runs a second full inline pass; together
that is most of the conversion time. Every pattern we know needs a literal trigger to match
(a link needs ``[``, an en dash ``--``, a smart quote ``'`` or ``"``), and a substitution only
replaces text by a placeholder made of letters, digits and control characters, so a trigger
absent from a text stays absent. Skipping the patterns whose trigger is missing is therefore
exact; patterns we do not know (a user's extension) always run. The pattern registry is also
copied into a plain list, as indexing a Registry re-sorts it on every lookup.

Measured on realistic entries: about half the Markdown time; the tests compare the output
with stock Python-Markdown on thousands of generated documents.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Callable
from typing import Any

import markdown
from markdown import util
from markdown.extensions.smarty import SubstituteTextPattern
from markdown.extensions.toc import TocTreeprocessor
from markdown.treeprocessors import InlineProcessor, Treeprocessor

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


def _sorted_names(registry: Any) -> list[str]:
    """The registry's names in priority order (its private list is sorted lazily)."""
    registry._sort()
    return [item.name for item in registry._priority]


class FastInlineProcessor(InlineProcessor):
    """InlineProcessor that skips patterns whose trigger literal is not in the text."""

    def __init__(self, md: markdown.Markdown, patterns: Any) -> None:
        super().__init__(md)
        names = _sorted_names(patterns)
        self.inlinePatterns = [patterns[name] for name in names]  # type: ignore[assignment]
        groups: list[tuple[str, ...]] = []
        self.group_of: list[int] = []
        for name in names:
            need = needs_of(name)
            if need is None:
                self.group_of.append(-1)
            else:
                if need not in groups:
                    groups.append(need)
                self.group_of.append(groups.index(need))
        self.groups = groups
        self.present = presence_test(groups)

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:  # noqa: N802,N803
        """Same loop as Python-Markdown's, skipping patterns that cannot match ``data``."""
        if isinstance(data, util.AtomicString):
            return data
        ok = self.present(data)
        patterns, group_of = self.inlinePatterns, self.group_of
        apply = self._InlineProcessor__applyPattern  # type: ignore[attr-defined]
        start = 0
        count = len(patterns)
        while patternIndex < count:
            g = group_of[patternIndex]
            if g >= 0 and not ok[g]:
                patternIndex += 1
                continue
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
    """

    def __init__(self, md: markdown.Markdown, patterns: Any) -> None:
        super().__init__(md)
        names = _sorted_names(patterns)
        self.patterns = [patterns[name] for name in names]
        quotes = _quote_needs()
        self.needs = [quotes.get(self.patterns[i].getCompiledRegExp().pattern)
                      or needs_of(name) or ("",) for i, name in enumerate(names)]
        self.triggers = tuple(sorted({t for need in self.needs for t in need}))
        self.present = presence_test(self.needs)
        self.any_trigger = presence_test([self.triggers])
        self.stash: dict[str, str] = {}

    def run(self, root: etree.Element) -> None:
        self.stash = {}
        for el in root.iter():
            if el is not root and el.text and not isinstance(el.text, util.AtomicString):
                el.text = self.educate(el.text)
            if el.tail and not isinstance(el.tail, util.AtomicString):
                el.tail = self.educate(el.tail)

    def educate(self, data: str) -> str:
        """One text through every pattern, as InlineProcessor.__handleInline would."""
        if not self.any_trigger(data)[0]:
            return data
        ok = self.present(data)
        stash = self.stash
        for index, pattern in enumerate(self.patterns):
            if not ok[index]:
                continue
            start = 0
            regex = pattern.getCompiledRegExp()
            while (match := regex.search(data, start)) is not None:
                node, begin, end = pattern.handleMatch(match, data)
                placeholder = util.INLINE_PLACEHOLDER % f"{len(stash):04d}"
                stash[placeholder] = node
                data = data[:begin] + placeholder + data[end:]
                start = begin + len(placeholder)
        return _PLACEHOLDER.sub(lambda m: stash[m.group(0)], data)


_PLACEHOLDER = re.compile(util.INLINE_PLACEHOLDER_RE.pattern.replace("([0-9]+)", "[0-9]+"))


class FastToc(TocTreeprocessor):
    """toc's pass without the table of contents nobody reads here.

    Heading ids are assigned exactly as before. The table-of-contents element is built, and
    put in the marker's place, only when some text of the document holds the marker (the
    stock pass otherwise builds, prettifies and serialises it for ``md.toc`` alone, and
    walks every element's text looking for the marker). sitegen never reads ``md.toc``.
    """

    marked = False

    def run(self, doc: etree.Element) -> None:
        marker = self.marker
        self.marked = bool(marker) and any(marker in (el.text or "") for el in doc.iter())
        super().run(doc)

    def build_toc_div(self, toc_list: list) -> etree.Element:  # type: ignore[type-arg]
        return super().build_toc_div(toc_list) if self.marked else etree.Element("div")

    def replace_marker(self, root: etree.Element, elem: etree.Element) -> None:
        if self.marked:
            super().replace_marker(root, elem)


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


def speed_up(md: markdown.Markdown) -> None:
    """Replace ``md``'s inline passes (and smarty's, and toc's) with the fast versions, and
    let block processors skip blocks that lack the literal they need."""
    needs = _block_needs()
    for item in list(md.parser.blockprocessors._priority):  # type: ignore[attr-defined]
        block_processor = md.parser.blockprocessors[item.name]
        need = needs.get(type(block_processor))  # the stock classes exactly
        if need is not None:
            block_processor.test = _guard(block_processor.test, need)  # type: ignore[method-assign]
    registry = md.treeprocessors
    for item in list(registry._priority):  # type: ignore[attr-defined]
        processor = registry[item.name]
        if type(processor) is TocTreeprocessor:  # the stock class exactly, nothing derived
            toc = FastToc.__new__(FastToc)
            toc.__dict__.update(processor.__dict__)
            registry.register(toc, item.name, item.priority)
            continue
        if type(processor) is not InlineProcessor:
            continue
        patterns = processor.inlinePatterns
        if item.name == "smarty" and all(isinstance(p, SubstituteTextPattern)
                                         for p in patterns):
            fast: Treeprocessor = FastSmarty(md, patterns)
        else:
            fast = FastInlineProcessor(md, patterns)
        registry.register(fast, item.name, item.priority)
