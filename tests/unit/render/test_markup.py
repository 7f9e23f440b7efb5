"""Markdown bodies → sanitised HTML: ids namespaced, scripts gone, entry links resolved,
remote images made links, and shapes that make conversion slow refused with their line."""

from __future__ import annotations

import pytest

from sitegen.config import MarkupOptions
from sitegen.render.markup import MarkdownRenderer, MarkupError, check_shape


def render(text: str, **options: object) -> str:
    md = MarkdownRenderer(lambda i: f"/entries/{i}/" if i == "known" else None,
                          MarkupOptions()._replace(**options))  # type: ignore[arg-type]
    return md.render(text)


def test_scripts_and_handlers_are_removed_and_ids_namespaced() -> None:
    html = render('## Said\n\n<div id="cite-text" onclick="x()">a</div><script>x()</script>')
    assert "<script" not in html and "onclick" not in html
    assert 'id="c-said"' in html and 'id="c-cite-text"' in html


def test_entry_links_resolve_or_become_text() -> None:
    html = render("[a](entry:known) and [b](entry:missing)")
    assert '<a href="/entries/known/">a</a>' in html and "<span>b</span>" in html


def test_remote_images_become_links_unless_allowed() -> None:
    text = "![map](https://tiles.example/x.png)"
    assert "<img" not in render(text) and 'href="https://tiles.example/x.png"' in render(text)
    assert "<img" in render(text, remote_images=True)


def test_a_shape_over_a_limit_is_refused_with_its_line() -> None:
    with pytest.raises(MarkupError) as err:
        check_shape("fine\n\n" + "[" * 9 + "text")
    assert err.value.line == 3 and "open at once" in str(err.value)
