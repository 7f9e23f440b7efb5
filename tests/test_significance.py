"""Significance: an entry's weight in the record, checked, defaulted and published; and the
NATO record's classification, made by the criteria its About page states."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from conftest import ROOT

from sitegen.config import load_config
from sitegen.content.loader import load_site
from sitegen.content.model import DEFAULT_SIGNIFICANCE, SIGNIFICANCE
from sitegen.engine.builder import build
from sitegen.errors import ContentError

ENTRY = """---
title: T
summary: S.
date: 2010-01-02
kind: meeting
{extra}sources:
  - {{title: X, publisher: P, url: "https://e.org/", kind: primary}}
---
Body.
"""


def write_entry(site: Path, name: str, extra: str) -> None:
    (site / "content" / "entries" / name).write_text(ENTRY.format(extra=extra),
                                                     encoding="utf-8")


def test_the_default_is_major_and_every_value_is_accepted(basic_site: Path) -> None:
    write_entry(basic_site, "2010-01-02-plain.md", "")
    for value in SIGNIFICANCE:
        write_entry(basic_site, f"2010-01-02-{value}.md", f"significance: {value}\n")
    site = load_site(load_config(basic_site)).site
    got = {e.id: e.significance for e in site.entries if e.id.startswith("2010-01-02-")}
    assert DEFAULT_SIGNIFICANCE == "major"
    assert got == {"2010-01-02-plain": "major", "2010-01-02-turning-point": "turning-point",
                   "2010-01-02-major": "major", "2010-01-02-routine": "routine"}


def test_an_unknown_value_is_a_located_error_with_a_hint(basic_site: Path) -> None:
    write_entry(basic_site, "2010-01-02-bad.md", "significance: turningpoint\n")
    with pytest.raises(ContentError) as info:
        load_site(load_config(basic_site))
    text = info.value.format()
    assert "2010-01-02-bad.md:6: significance: 'turningpoint' is not one of the allowed" in text
    assert "did you mean 'turning-point'?" in text


def test_significance_is_published_in_the_data_and_the_schemas_accept_it(
        basic_site: Path, tmp_path: Path) -> None:
    write_entry(basic_site, "2010-01-02-tp.md", "significance: turning-point\n")
    out = build(load_config(basic_site), output=tmp_path / "out").output
    parts = [json.loads(p.read_text(encoding="utf-8"))
             for p in sorted((out / "data" / "timeline").glob("*.json"))]
    sig = {e["id"]: e["significance"] for part in parts for e in part["entries"]}
    assert sig["2010-01-02-tp"] == "turning-point" and set(sig.values()) <= set(SIGNIFICANCE)
    schema = json.loads((ROOT / "schema" / "timeline.schema.json").read_text())
    for part in parts:
        jsonschema.Draft202012Validator(schema).validate(part)
        for e in part["entries"]:  # files written before the field existed stay valid
            del e["significance"]
        jsonschema.Draft202012Validator(schema).validate(part)
    editor = json.loads((ROOT / "schema" / "entry-frontmatter.schema.json").read_text())
    assert editor["properties"]["significance"]["enum"] == list(SIGNIFICANCE)
    csv_head = (out / "timeline.csv").read_text(encoding="utf-8").splitlines()[0]
    assert csv_head.endswith(",significance")






