"""The Jinja environment: Jinja's own rules, faster; JSON safe inside a script element."""

from __future__ import annotations

import pytest

from sitegen.render.templates import json_for_script


def test_template_attribute_lookup_on_dicts_is_jinja_s() -> None:
    """The faster ``d.key`` keeps Jinja's rules: dict methods first, missing keys undefined."""
    import jinja2

    from sitegen.render.templates import _Environment

    env = _Environment(undefined=jinja2.StrictUndefined, autoescape=True)
    d = {"title": "<T>", "items": [1, 2]}
    assert env.from_string("{{ d.title }}").render(d=d) == "&lt;T&gt;"
    assert env.from_string("{{ d['items'] | length }} {{ d.items() | list | length }}"
                           ).render(d=d) == "2 2"
    assert env.from_string("{{ d.missing is defined }}").render(d=d) == "False"
    with pytest.raises(jinja2.UndefinedError, match="has no attribute 'missing'"):
        env.from_string("{{ d.missing }}").render(d=d)


def test_json_for_script_cannot_close_the_script_element() -> None:
    text = json_for_script({"a": "</script><!--", "b": "\u2028"})
    assert "</script>" not in text and "<!--" not in text and "\\u2028" in text
