"""The overview chart: well-formed SVG, one linked bar per year with events stacked by kind
family, years without entries marked as such, numbered eras named in full in the legend, a
labelled lane per kind of break, and turning points at their dates."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from sitegen.config import Config, Coverage, CoverageGap
from sitegen.content.dates import PartialDate
from sitegen.content.model import Entry, Period, Site
from sitegen.presentation import KindFamily, PeriodKind, default_families
from sitegen.render.chart import UNIT, kind_class, legend, overview_svg

SVG = "{http://www.w3.org/2000/svg}"
KINDS = ("meeting", "summit", "treaty")
FAMILIES = (KindFamily("talks", "talks", ("meeting", "summit"), "f0"),
            KindFamily("treaties", "treaties", ("treaty",), "f1"))
STYLES = (PeriodKind("era", "strip", "Era", "grey"),
          PeriodKind("channel-not-meeting", "lane", "Formal channel not meeting", "red"),
          PeriodKind("cooperation-suspended", "lane", "Practical cooperation suspended", "amber"),
          PeriodKind("shaded", "shade", "Shaded", "blue"))
CONFIG = Config(root=Path("."), kinds=KINDS, kind_families=FAMILIES,
                period_kinds=tuple(s.id for s in STYLES), period_styles=STYLES,
                coverage=Coverage(1994, 2001, (CoverageGap(1998, 1999, "Not yet researched."),)))


def entry(eid: str, date: PartialDate, kind: str = "meeting", significance: str = "major"
          ) -> Entry:
    return Entry(id=eid, path=f"{eid}.md", title=eid, summary="", date=date, kind=kind,
                 significance=significance)


def site(entries: list[Entry], periods: tuple[Period, ...] = ()) -> Site:
    return Site(entries=tuple(entries), participants={}, topics={}, periods=periods, pages=())


LONG_ERA = "A first era whose name is far too long to fit inside its own short strip"
SAMPLE = site(
    [entry("a", PartialDate(1994, 6, 22)), entry("b", PartialDate(1994), "summit"),
     entry("c", PartialDate(1997, 5), "treaty", "turning-point"),
     entry("d", PartialDate(2001, 1, 2), significance="routine")],
    (Period("era1", LONG_ERA, "era", PartialDate(1994), PartialDate(1997, 5, 27)),
     Period("era2", "Second", "era", PartialDate(1997, 5, 27), None),
     Period("coop", "A <pause> & gap", "cooperation-suspended", PartialDate(1996, 3), None),
     Period("gap1", "No meetings", "channel-not-meeting", PartialDate(1998, 3),
            PartialDate(1999, 12, 31)),
     Period("gap2", "No meetings again", "channel-not-meeting", PartialDate(2000, 6), None)),
)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def rects(root: ET.Element, cls: str) -> list[ET.Element]:
    return [r for r in root.iter(f"{SVG}rect") if cls in (r.get("class") or "").split()]


def test_svg_is_well_formed_with_one_linked_bar_per_year_stacked_by_family() -> None:
    root = parse(overview_svg(SAMPLE, CONFIG))
    assert root.tag == f"{SVG}svg"
    links = root.findall(f"{SVG}a")
    assert [a.get("href") for a in links] == ["#y1994", "#y1997", "#y2001"]
    assert [a.get("aria-label") for a in links] == [
        "1994: 2 events", "1997: 1 event", "2001: 1 event"]
    bars = [[r.get("class") for r in a.findall(f"{SVG}rect") if r.get("class") != "hit"]
            for a in links]
    assert bars == [["f0"], ["f1"], ["f0"]]  # meeting and summit share the family "talks"
    assert links[0].findtext(f"{SVG}title") == "1994: 2 events (1 meeting, 1 summit)"


def test_bar_heights_are_proportional_to_the_number_of_events() -> None:
    root = parse(overview_svg(SAMPLE, CONFIG))
    assert root.get("data-unit") == str(UNIT)
    axis = float(root.get("data-axis") or 0)
    for a in root.findall(f"{SVG}a"):
        (bar,) = [r for r in a.findall(f"{SVG}rect") if r.get("class") != "hit"]
        n = 2 if a.get("href") == "#y1994" else 1
        assert float(bar.get("height") or 0) + 1 == n * UNIT
        assert float(bar.get("y") or 0) + n * UNIT == axis  # stacked up from the axis


def test_years_without_entries_are_marked_as_a_gap_in_the_record() -> None:
    root = parse(overview_svg(SAMPLE, CONFIG))
    empty = rects(root, "nodata")
    titles = [r.findtext(f"{SVG}title") or "" for r in empty]
    assert [t.split(":")[0] for t in titles] == ["1995", "1996", "1998", "1999", "2000"]
    assert all("no entries recorded" in t and "not a year without events" in t for t in titles)
    assert titles[2].endswith("Not yet researched.")  # the declared gap's note
    xs = [float(r.get("x") or 0) for r in empty]
    assert xs[1] - xs[0] == 20 and xs[3] - xs[2] == 20
    assert legend(SAMPLE, CONFIG)["empty_years"] == [1995, 1996, 1998, 1999, 2000]


def test_each_kind_of_break_has_its_own_labelled_lane() -> None:
    svg = overview_svg(SAMPLE, CONFIG)
    root = parse(svg)
    labels = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "lane-label"]
    assert labels == ["Formal channel not meeting", "Practical cooperation suspended"]
    lanes = rects(root, "lane")
    by_y: dict[str, list[str]] = {}
    for r in lanes:
        by_y.setdefault(r.get("y") or "", []).append(r.findtext(f"{SVG}title") or "")
    assert len(by_y) == 2  # two rows: a long suspension cannot hide the gaps in meetings
    channel, coop = sorted(by_y.values(), key=len, reverse=True)
    assert channel == ["Formal channel not meeting: No meetings (March 1998 – 31 December 1999)",
                       "Formal channel not meeting: No meetings again (June 2000 – today)"]
    assert coop == ["Practical cooperation suspended: A <pause> & gap (March 1996 – today)"]
    assert "<pause>" not in svg and "&lt;pause&gt;" in svg
    assert {r.get("class") for r in lanes} == {"lane pc-red", "lane pc-amber"}


def test_eras_are_numbered_on_the_chart_and_named_in_full_in_the_legend() -> None:
    root = parse(overview_svg(SAMPLE, CONFIG))
    strips = rects(root, "strip")
    assert [s.findtext(f"{SVG}title") for s in strips] == [
        f"1. {LONG_ERA} (1994 – 27 May 1997)", "2. Second (27 May 1997 – today)"]
    texts = [t.text or "" for t in root.iter(f"{SVG}text") if t.get("class") == "strip-label"]
    assert texts[0] == "1"  # too long for its strip: the number, never a cut name
    assert texts[1] == "2 Second"
    assert [s["label"] for s in legend(SAMPLE, CONFIG)["strips"]] == [LONG_ERA, "Second"]


def test_turning_points_are_diamonds_at_their_dates() -> None:
    root = parse(overview_svg(SAMPLE, CONFIG))
    tps = [p for p in root.iter(f"{SVG}path") if p.get("class") == "tp"]
    assert [p.get("data-id") for p in tps] == ["c"]
    x = float((tps[0].get("d") or "").split()[0][1:])
    assert 20 * 3 + 30 < x < 20 * 4 + 30  # inside 1997's slot (30 units of left margin)
    assert legend(SAMPLE, CONFIG)["turning_points"] == 1


def test_shaded_kinds_are_drawn_behind_the_bars() -> None:
    shaded = site(list(SAMPLE.entries), (Period("s", "Shade", "shaded", PartialDate(1995),
                                                PartialDate(1996)),))
    svg = overview_svg(shaded, CONFIG)
    (shade,) = rects(parse(svg), "shade")
    assert svg.index('class="shade') < svg.index("<a ")
    assert legend(shaded, CONFIG)["layers"] == [
        {"kind": "Shaded", "layer": "shade", "colour": "blue",
         "periods": ["Shade (1995 – 1996)"]}]


def test_the_chart_is_a_pure_function_of_the_model() -> None:
    assert overview_svg(SAMPLE, CONFIG) == overview_svg(SAMPLE, CONFIG)
    assert overview_svg(site([]), CONFIG) == ""


def test_kind_classes_and_legend_follow_the_families() -> None:
    assert kind_class("summit", FAMILIES) == "f0"
    assert kind_class("treaty", FAMILIES) == "f1"
    assert legend(SAMPLE, CONFIG)["families"] == [
        {"id": "talks", "label": "talks", "class": "f0", "kinds": ["meeting", "summit"],
         "count": 3},
        {"id": "treaties", "label": "treaties", "class": "f1", "kinds": ["treaty"],
         "count": 1}]


def test_default_families_group_the_default_kinds_into_six() -> None:
    fams = default_families(Config(root=Path(".")).kinds)
    assert [f.id for f in fams] == ["meetings", "agreements", "positions", "ruptures",
                                    "enlargement", "other"]
    many = default_families(tuple(f"k{i}" for i in range(9)))
    assert [f.cls for f in many] == ["f0", "f1", "f2", "f3", "f4", "f5"]
    assert many[-1].kinds == ("k5", "k6", "k7", "k8")
