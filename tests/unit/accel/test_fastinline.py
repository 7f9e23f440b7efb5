"""The fast inline passes give exactly the bytes stock Python-Markdown gives."""

from __future__ import annotations

import random

import markdown
from conftest import ROOT as REPO

from sitegen.accel.fastinline import FastInlineProcessor, FastSmarty, FastToc
from sitegen.render.markup import MarkdownRenderer

PIECES = ["'", '"', "-", "--", "---", "...", "a", "b", " ", "\n", "`", "*", "_", "[x](y)", "[",
          "]", "(", ")", "!", "![i](j)", "<", "<b>", ">", "&", "&amp;", "&nbsp;", "\\", "  \n",
          "[^1]", "\n[^1]: n\n", "70s", "&mdash;", "1", "\u2014", "\n\n", "- ", "## ",
          "<http://a.b>", "<a@b.c>", "[r]", "\n[r]: http://x\n", "*x*", "__y__", "`c`", "``",
          "[t](entry:a-b)", "'90s", "\"'", "'\"", "s'", "O'Neil", "1. ", "    code\n", "|a|b|\n",
          "[TOC]", "\n\n[TOC]\n\n", "\n# ", "\n### H ", "\nT\n---\n",
          "\n: d\n", "\n*[a]: b\n", "\n> q\n", "\n***\n", "\n___\n", "|", ":", "]:",
          "\n|-|-|\n"]


class StockRenderer(MarkdownRenderer):
    """The same converter without the fast passes."""

    def _converter(self) -> markdown.Markdown:
        from sitegen.render import markup

        original = markup.speed_up
        markup.speed_up = lambda md: None  # type: ignore[assignment]
        try:
            return super()._converter()
        finally:
            markup.speed_up = original


def documents() -> list[str]:
    rng = random.Random(20261128)
    docs = [p.read_text(encoding="utf-8") for folder in ("content", "tests/fixtures")
            for p in sorted((REPO / folder).rglob("*.md"))]
    docs += ["".join(rng.choice(PIECES) for _ in range(rng.randint(1, 60))) for _ in range(4000)]
    return docs


def test_fast_passes_are_installed() -> None:
    md = MarkdownRenderer(lambda i: None)._md
    assert isinstance(md.treeprocessors["inline"], FastInlineProcessor)
    assert isinstance(md.treeprocessors["smarty"], FastSmarty)
    assert isinstance(md.treeprocessors["toc"], FastToc)


def test_same_html_as_stock_markdown() -> None:
    def resolve(i: str) -> str | None:
        return f"/e/{i}/" if i.startswith("a") else None

    fast, stock = MarkdownRenderer(resolve), StockRenderer(resolve)
    assert not isinstance(stock._md.treeprocessors["inline"], FastInlineProcessor)
    differing = [d for d in documents() if fast.render(d) != stock.render(d)]
    assert differing == []
