"""The direct front-matter constructor gives exactly what PyYAML's own construction gives."""

from __future__ import annotations

import random
from typing import Any

import pytest
import yaml
from conftest import ROOT as REPO

from sitegen.accel import fastyaml
from sitegen.content import yamlio

PIECES = ["title: ", "a", "'q'", '"d"', "\n", "  ", "- ", "x: ", "[1, 2]", "{k: v}", "yes",
          "no", "~", "null", "12", "1.5", "0x1f", "2024-01-02", "=", ": ", "#c", "!!str 3",
          "!!int '4'", "key", "\n  - ", "\n  y: ", "? ", "|\n  block\n", ">\n  fold\n", "é",
          "!!set {a, b}", "!!binary aGk=", "\t", ",", "[", "]", "{", "}", "&a ", "*a", "<<: "]


def texts() -> list[str]:
    found = []
    for folder in ("examples", "tests/fixtures", "tests/bad_inputs"):
        for path in sorted((REPO / folder).rglob("*")):
            if path.suffix in (".md", ".yaml") and path.is_file():
                text = path.read_text(encoding="utf-8", errors="replace")
                found.append(text.split("\n---", 2)[0].removeprefix("---\n")
                             if path.suffix == ".md" else text)
    rng = random.Random(20261202)
    found += ["".join(rng.choice(PIECES) for _ in range(rng.randint(1, 25)))
              for _ in range(3000)]
    return found


def lines(value: Any) -> Any:
    """The value with the line numbers our LineDict and LineList carry."""
    if isinstance(value, yamlio.LineDict):
        return ("map", value.line, value.key_lines, {k: lines(v) for k, v in value.items()})
    if isinstance(value, yamlio.LineList):
        return ("seq", value.line, value.item_lines, [lines(v) for v in value])
    return (type(value).__name__, value)


def stock(text: str) -> Any:
    """load_yaml, but always through PyYAML's construct_document."""
    original = yamlio.yaml_fast_path
    yamlio.yaml_fast_path = lambda: None  # what a PyYAML version outside the gate gets
    try:
        return outcome(text)
    finally:
        yamlio.yaml_fast_path = original


def outcome(text: str) -> Any:
    try:
        return lines(yamlio.load_yaml(text, 3))
    except yamlio.YamlSyntaxError as exc:
        return ("error", str(exc), exc.line)


@pytest.mark.parametrize("chunk", range(4))
def test_direct_construction_equals_pyyaml(chunk: int) -> None:
    docs = texts()[chunk::4]
    assert len(docs) > 700
    assert yamlio.yaml_fast_path() is fastyaml, "the installed PyYAML is outside the gate"
    differing = [d for d in docs if outcome(d) != stock(d)]
    assert differing == []


def test_the_tag_memo_answers_as_the_resolver_does() -> None:
    for value in ["yes", "12", "1.5", "~", "", "2024-01-02", "title", "0o17", ".inf"]:
        for implicit in [(True, False), (False, True), (True, True)]:
            loader = fastyaml.Loader("")
            expected = yaml.resolver.BaseResolver.resolve(loader, yaml.ScalarNode, value,
                                                          implicit)
            assert loader.resolve(yaml.ScalarNode, value, implicit) == expected
            assert loader.resolve(yaml.ScalarNode, value, implicit) == expected  # memoised
            loader.dispose()
