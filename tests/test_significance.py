"""Significance: an entry's weight in the record, checked, defaulted and published; and the
NATO record's classification, made by the criteria its About page states."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import jsonschema
import pytest
import yaml
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


def test_every_entry_of_the_record_is_ranked_and_15_to_30_are_turning_points() -> None:
    counts: Counter[str] = Counter()
    for path in sorted((ROOT / "content" / "entries").glob("*.md")):
        meta = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])
        assert meta.get("significance") in SIGNIFICANCE, f"{path.name}: set it explicitly"
        counts[meta["significance"]] += 1
    assert 15 <= counts["turning-point"] <= 30, counts
    assert counts["routine"] > 0 and counts["major"] > 0


def test_the_about_page_states_the_criteria_and_lists_the_turning_points(
        shipped_site: Path) -> None:
    about = (ROOT / "content" / "pages" / "about.md").read_text(encoding="utf-8")
    assert "## How entries are ranked" in about
    for word in ("**Turning point**", "**Major**", "**Routine**", "(the default)"):
        assert word in about, word
    site = load_site(load_config(ROOT)).site
    tps = [e for e in site.entries if e.significance == "turning-point"]
    page = (shipped_site / "pages" / "about" / "index.html").read_text(encoding="utf-8")
    section = page[page.index('id="h-significance"'):page.index('id="h-sourcing"')]
    linked = [href.split("/")[2] for href in re.findall(r'href="(/entries/[^"]+)"', section)]
    assert linked == [e.id for e in tps]
    counts = Counter(e.significance for e in site.entries)
    assert (f"{counts['turning-point']} turning points · {counts['major']} major · "
            f"{counts['routine']} routine.") in section


def test_the_turning_points_follow_the_stated_criteria() -> None:
    """Spot checks of the criteria: the day a change took effect, not its announcement; the
    decision only where the record has no entry for the day it took effect."""
    site = load_site(load_config(ROOT)).site
    sig = {e.id: e.significance for e in site.entries}
    assert sig["1997-05-27-founding-act"] == "turning-point"
    assert sig["1997-05-14-solana-primakov-agree-founding-act"] == "major"  # agreed, not signed
    assert sig["2007-12-12-russia-suspends-cfe"] == "turning-point"  # took effect
    assert sig["2007-07-14-putin-decree-suspends-cfe"] == "major"  # the decree announcing it
    assert sig["2019-08-02-inf-treaty-ends"] == "turning-point"
    assert sig["2019-02-01-us-suspends-inf-obligations"] == "major"
    assert sig["2009-06-27-nrc-corfu"] == "turning-point"  # meetings actually resumed
    assert sig["2009-03-05-allies-resume-nrc"] == "major"  # the decision to resume them
    assert sig["2023-04-04-finland-joins-nato"] == "turning-point"
    assert sig["2022-05-18-finland-sweden-apply"] == "major"
    kinds_never_routine = {"summit", "agreement", "declaration", "treaty", "enlargement",
                           "proposal", "suspension", "resumption", "military"}
    assert [e.id for e in site.entries
            if e.kind in kinds_never_routine and e.significance == "routine"] == []
