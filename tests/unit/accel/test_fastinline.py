"""The fast inline passes give exactly the bytes stock Python-Markdown gives."""

from __future__ import annotations

import random
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable

import markdown
import pytest
from conftest import ROOT as REPO
from markdown.inlinepatterns import InlineProcessor

from sitegen.accel.fastinline import FastInlineProcessor, FastSmarty, FastToc, speed_up
from sitegen.render.markup import MarkdownRenderer

PIECES = ["'", '"', "-", "--", "---", "...", "a", "b", " ", "\n", "`", "*", "_", "[x](y)", "[",
          "]", "(", ")", "!", "![i](j)", "<", "<b>", ">", "&", "&amp;", "&nbsp;", "\\", "  \n",
          "[^1]", "\n[^1]: n\n", "70s", "&mdash;", "1", "\u2014", "\n\n", "- ", "## ",
          "<http://a.b>", "<a@b.c>", "[r]", "\n[r]: http://x\n", "*x*", "__y__", "`c`", "``",
          "[t](entry:a-b)", "'90s", "\"'", "'\"", "s'", "O'Neil", "1. ", "    code\n", "|a|b|\n",
          "[TOC]", "\n\n[TOC]\n\n", "\n# ", "\n### H ", "\nT\n---\n",
          "\n: d\n", "\n*[a]: b\n", "\n> q\n", "\n***\n", "\n___\n", "|", ":", "]:",
          "\n|-|-|\n", "\n```\n", "\n~~~\n", "\n```py\n", "<div>\n", "\n</div>\n", "&x;"]


def stock_renderer(resolve: Callable[[str], str | None]) -> MarkdownRenderer:
    """The same converter without the fast passes."""
    return MarkdownRenderer(resolve, accelerate=False)


def documents() -> list[str]:
    rng = random.Random(20261128)
    docs = [p.read_text(encoding="utf-8") for folder in ("examples", "tests/fixtures")
            for p in sorted((REPO / folder).rglob("*.md"))]
    docs += ["".join(rng.choice(PIECES) for _ in range(rng.randint(1, 60))) for _ in range(4000)]
    return docs


def test_fast_passes_are_installed() -> None:
    from sitegen.accel.fastinline import FastPrettify, FastUnescape

    md = MarkdownRenderer(lambda i: None)._md
    assert isinstance(md.treeprocessors["inline"], FastInlineProcessor)
    assert isinstance(md.treeprocessors["smarty"], FastSmarty)
    assert isinstance(md.treeprocessors["toc"], FastToc)
    assert isinstance(md.treeprocessors["prettify"], FastPrettify)
    assert isinstance(md.treeprocessors["unescape"], FastUnescape)
    # the other fast passes leave toc's shortcut for documents without headings open
    assert md.treeprocessors["toc"]._empty_toc() is not None  # type: ignore[attr-defined]


def test_same_html_as_stock_markdown() -> None:
    def resolve(i: str) -> str | None:
        return f"/e/{i}/" if i.startswith("a") else None

    fast, stock = MarkdownRenderer(resolve), stock_renderer(resolve)
    assert not isinstance(stock._md.treeprocessors["inline"], FastInlineProcessor)
    differing = [d for d in documents() if fast.render(d) != stock.render(d)]
    assert differing == []


def test_same_table_of_contents_as_stock_markdown() -> None:
    """md.toc and md.toc_tokens, which other code (a theme, an extension) may read, are
    what stock Python-Markdown makes of each document, with or without headings or [TOC]."""
    fast, stock = MarkdownRenderer(lambda i: None), stock_renderer(lambda i: None)
    differing = []
    for doc in documents()[::8]:
        if fast.convert(doc) != stock.convert(doc) or (
                (fast._md.toc, fast._md.toc_tokens)  # type: ignore[attr-defined]
                != (stock._md.toc, stock._md.toc_tokens)):  # type: ignore[attr-defined]
            differing.append(doc)
    assert differing == []
    fast.convert("# One\n\n## Two\n")
    assert fast._md.toc_tokens[0]["children"][0]["id"] == "two"  # type: ignore[attr-defined]
    assert 'href="#two"' in fast._md.toc  # type: ignore[attr-defined]


@pytest.mark.parametrize("config", [
    {}, {"title": "Contents", "toc_class": "contents"}, {"marker": ""}, {"toc_depth": "2-3"}])
def test_toc_settings_give_stock_output(config: dict[str, str]) -> None:
    def pair() -> tuple[markdown.Markdown, markdown.Markdown]:
        made = [markdown.Markdown(extensions=["toc", "footnotes", "smarty"],
                                  extension_configs={"toc": config}) for _ in range(2)]
        speed_up(made[0])
        return made[0], made[1]

    fast, stock = pair()
    for doc in ["text", "# H\n\n[TOC]", "[TOC]\n\n## a\n\n### b", "no [TOC] here", "#"]:
        assert fast.reset().convert(doc) == stock.reset().convert(doc), doc
        assert fast.toc == stock.toc and fast.toc_tokens == stock.toc_tokens, doc  # type: ignore[attr-defined]


class Shout(InlineProcessor):
    """A late extension's pattern: !word! becomes <b>WORD</b>."""

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[etree.Element, int, int]:
        el = etree.Element("b")
        el.text = m.group(1).upper()
        return el, m.start(0), m.end(0)


def test_a_pattern_registered_after_speed_up_runs() -> None:
    """The fast passes follow their registries: an extension that registers later is not
    silently ignored (Python-Markdown's own test suite does this too)."""
    fast, stock = (markdown.Markdown(extensions=["smarty"]) for _ in range(2))
    speed_up(fast)
    doc = "say !hello! -- and 'quote'"
    assert fast.convert(doc) == stock.convert(doc)
    for md in (fast, stock):
        md.inlinePatterns.register(Shout(r"!(\w+)!", md), "shout", 200)
        md.treeprocessors["smarty"].inlinePatterns.register(  # type: ignore[attr-defined]
            Shout(r"\b(and)\b", md), "and", 1)
    assert fast.reset().convert(doc) == stock.reset().convert(doc)
    assert "<b>HELLO</b>" in fast.convert(doc) and "<b>AND</b>" in fast.convert(doc)
    fast.inlinePatterns.deregister("shout")
    stock.inlinePatterns.deregister("shout")
    assert fast.reset().convert(doc) == stock.reset().convert(doc)
    assert "HELLO" not in fast.convert(doc)


def test_a_link_texts_closing_bracket_is_the_stock_one() -> None:
    """fast_get_text reads brackets forward from the link's ``[``; it must stop at the ``]``
    stock Python-Markdown picks, also past its own scan limit (deep nesting, a bracket that
    never closes), where it hands over to the stock method."""
    from markdown.inlinepatterns import LINK_RE, LinkInlineProcessor

    from sitegen.accel.fastinline import SCAN_LIMIT, fast_get_text

    stock = LinkInlineProcessor(LINK_RE, markdown.Markdown())
    fast = fast_get_text(LinkInlineProcessor(LINK_RE, markdown.Markdown()))
    rng = random.Random(7)
    texts = ["[" * (SCAN_LIMIT + 5) + "x" + "]" * (SCAN_LIMIT + 5), "[a [b] c", "a]b[c]]",
             *("".join(rng.choice("[[]]ab ") for _ in range(rng.randint(1, 120)))
               for _ in range(3000))]
    for text in texts:
        data = "[" + text
        assert fast(data, 1) == stock.getText(data, 1), data


def test_link_patterns_scan_forward_on_versions_that_scan_every_index() -> None:
    from markdown import inlinepatterns as ip

    md = markdown.Markdown()
    speed_up(md)
    replaced = "getText" in vars(md.inlinePatterns["link"])
    assert replaced == hasattr(ip.LinkInlineProcessor, "_findBracketEnds")


def test_smartys_matches_are_found_where_search_finds_them() -> None:
    """FastSmarty tries each smarty expression only at the positions from which a match can
    reach its literal; from any position, it must find the match ``search`` finds (the same
    span and groups), on texts dense in quotes, dashes, entities and placeholders' control
    characters. An expression it does not know, or wrong (literal, starts), fails here."""
    from sitegen.accel.fastinline import _smarty_triggers, first_match

    md = markdown.Markdown(extensions=["smarty"],
                           extension_configs={"smarty": {"smart_angled_quotes": True}})
    speed_up(md)
    smarty = md.treeprocessors["smarty"]
    triggers = _smarty_triggers()
    expressions = [p.getCompiledRegExp() for _, p in smarty._order]  # type: ignore[attr-defined]
    assert len(expressions) == 20 and all(e.pattern in triggers for e in expressions)
    rng = random.Random(11)
    alphabet = ["'", '"', "-", "--", ".", "...", "<<", ">>", "<", ">", " ", "\t", "\n", "a", "s",
                "70s", "1", "&nbsp;", "&mdash;", "&ndash;", "&#8211;", "&#8212;", "\u2013",
                "\u2014", "\x02", "\x03", "[", "(", "!", "_", "\u00e9"]
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
             for _ in range(2500)]
    for text in texts:
        for expression in expressions:
            for pos in range(0, len(text) + 1, 3):
                want = expression.search(text, pos)
                got = first_match(expression, text, pos, *triggers[expression.pattern])
                assert (got and (got.span(), got.groups())) == (
                    want and (want.span(), want.groups())), (expression.pattern, text, pos)


def test_inline_searches_begin_where_a_match_can_start() -> None:
    """FastInlineProcessor begins the search of an expression that opens with a look-behind
    (links, backticks) at the first character a match can start with: from any position,
    the matches found from there must be the ones found from that position (the same spans
    and groups), and there must be none when no such character follows. An expression it
    does not know, or a wrong set of characters, fails here."""
    from sitegen.accel.fastinline import _STARTS

    md = markdown.Markdown(extensions=["footnotes", "smarty"])
    speed_up(md)
    inline = md.treeprocessors["inline"]
    known = [p.getCompiledRegExp() for _, p in inline._order  # type: ignore[attr-defined]
             if p.getCompiledRegExp().pattern in _STARTS]
    assert {"link", "backtick"} <= {name for name, p in inline._order  # type: ignore[attr-defined]
                                    if p.getCompiledRegExp() in known}
    rng = random.Random(13)
    alphabet = ["[", "]", "!", "![", "\\", "\\\\", "`", "``", "*", "_", "**", " ", "\n", "a",
                "(", ")", "^", "\x02", "\x03", "\u00e9"]
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
             for _ in range(2500)]
    for expression in known:
        starts = re.compile(_STARTS[expression.pattern])
        for text in texts:
            for pos in range(0, len(text) + 1, 2):
                want = [(m.span(), m.groups()) for m in expression.finditer(text, pos)]
                at = starts.search(text, pos)
                got = [] if at is None else [(m.span(), m.groups())
                                             for m in expression.finditer(text, at.start())]
                assert got == want, (expression.pattern, text, pos)


def test_whitespace_is_normalised_as_stock_markdown_does() -> None:
    """FastNormalizeWhitespace gives the lines the stock preprocessor gives, on texts dense
    in spaces, tabs, newlines, carriage returns and placeholder characters."""
    from markdown.preprocessors import NormalizeWhitespace

    from sitegen.accel.fastinline import FastNormalizeWhitespace

    md = markdown.Markdown()
    stock, fast = NormalizeWhitespace(md), FastNormalizeWhitespace(md)
    rng = random.Random(17)
    alphabet = [" ", "  ", "\n", "\n\n", "\t", "\r", "\r\n", "a", "b c", "\x02", "\x03", "-"]
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        lines = text.split("\n")
        assert fast.run(list(lines)) == stock.run(list(lines)), repr(text)
    assert isinstance(MarkdownRenderer(lambda i: None)._md.preprocessors["normalize_whitespace"],
                      FastNormalizeWhitespace)
