"""The overview chart: well-formed SVG, one linked bar group per year with events."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from sitegen.content.dates import PartialDate
from sitegen.content.model import Entry, Period, Site
from sitegen.render.chart import kind_class, legend, overview_svg

SVG = "{http://www.w3.org/2000/svg}"
KINDS = ("meeting", "summit", "treaty")


def entry(eid: str, date: PartialDate, kind: str = "meeting") -> Entry:
    return Entry(id=eid, path=f"{eid}.md", title=eid, summary="", date=date, kind=kind,
                 body_md="")


def site(entries: list[Entry], periods: tuple[Period, ...] = ()) -> Site:
    return Site(entries=tuple(entries), participants={}, topics={}, periods=periods, pages=())


SAMPLE = site(
    [entry("a", PartialDate(1994, 6, 22)), entry("b", PartialDate(1994), "summit"),
     entry("c", PartialDate(1997, 5), "treaty"), entry("d", PartialDate(2001, 1, 2))],
    (Period("pause", "A <pause> & gap", "suspension", PartialDate(1998, 3),
            PartialDate(1999, 12, 31)),
     Period("era", "First era", "era", PartialDate(1994), None)),
)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_svg_is_well_formed_with_one_linked_group_per_year_with_events() -> None:
    root = parse(overview_svg(SAMPLE, KINDS))
    assert root.tag == f"{SVG}svg"
    links = root.findall(f"{SVG}a")
    assert [a.get("href") for a in links] == ["#y1994", "#y1997", "#y2001"]
    assert [a.get("aria-label") for a in links] == [
        "1994: 2 events", "1997: 1 event", "2001: 1 event"]
    bars = [[r.get("class") for r in a.findall(f"{SVG}rect") if r.get("class") != "hit"]
            for a in links]
    assert bars == [["k0", "k1"], ["k2"], ["k0"]]


def test_bar_heights_are_proportional_to_the_number_of_events() -> None:
    root = parse(overview_svg(SAMPLE, KINDS))
    heights = {a.get("href"): sum(float(r.get("height", 0)) + 1 for r in a.findall(f"{SVG}rect")
                                  if r.get("class") != "hit")
               for a in root.findall(f"{SVG}a")}
    assert heights["#y1994"] == 2 * heights["#y1997"] == 2 * heights["#y2001"]


def test_every_year_of_the_span_has_a_slot_so_gaps_show() -> None:
    root = parse(overview_svg(SAMPLE, KINDS))
    xs = [float(r.get("x", 0)) for r in root.iter(f"{SVG}rect") if r.get("class") == "hit"]
    assert xs[1] - xs[0] == 3 * (xs[2] - xs[1]) / 4  # 1994→1997 is 3 slots, 1997→2001 is 4


def test_periods_are_shaded_and_their_labels_escaped() -> None:
    svg = overview_svg(SAMPLE, KINDS)
    root = parse(svg)
    bands = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "band"]
    assert len(bands) == 1
    assert bands[0].findtext(f"{SVG}title") == "A <pause> & gap (March 1998 – 31 December 1999)"
    assert "<pause>" not in svg
    eras = [r for r in root.iter(f"{SVG}rect") if (r.get("class") or "").startswith("era ")]
    assert len(eras) == 1 and "today" in (eras[0].findtext(f"{SVG}title") or "")


def test_the_chart_is_a_pure_function_of_the_model() -> None:
    assert overview_svg(SAMPLE, KINDS) == overview_svg(SAMPLE, KINDS)
    assert overview_svg(site([]), KINDS) == ""


def test_kind_classes_and_legend_follow_the_configured_order() -> None:
    assert kind_class("summit", KINDS) == "k1"
    assert kind_class("unknown", KINDS) == "k3"
    assert legend(SAMPLE, KINDS) == [
        {"kind": "meeting", "class": "k0", "count": 2},
        {"kind": "summit", "class": "k1", "count": 1},
        {"kind": "treaty", "class": "k2", "count": 1}]
