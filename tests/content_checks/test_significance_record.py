"""The NATO record's significance: every entry ranked, 15 to 30 turning points, by the
criteria its About page states."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import yaml
from conftest import ROOT

from sitegen.config import load_config
from sitegen.content.loader import load_site
from sitegen.content.model import SIGNIFICANCE


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
