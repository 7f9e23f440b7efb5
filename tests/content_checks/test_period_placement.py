"""Periods in their place: on the shipped site, the marker of every period comes after the
entries that open it (those dated within its start date, at the start's precision) and
before the later ones; periods that start together share one band; a year page sums up the
periods of its year in one band."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import ROOT

from sitegen.config import load_config
from sitegen.content.dates import PartialDate
from sitegen.content.loader import load_site


def order_on(page: Path) -> list[str]:
    """The ids of events (``e:…``) and period markers (``p:…``) in page order."""
    html = page.read_text(encoding="utf-8")
    found = re.finditer(r'<li class="event [^"]*" id="([^"]+)"|<div class="period-item[^"]*"'
                        r'(?: id="period-([^"]+)")?|<li class="period" id="period-([^"]+)"',
                        html)
    out: list[str] = []
    for m in found:
        if m.group(1):
            out.append("e:" + m.group(1))
        elif m.group(3):
            out.append("p:" + m.group(3))
        elif m.group(2):
            out.append("p:" + m.group(2))
    return out


def within(d: PartialDate, start: PartialDate) -> bool:
    """Whether an entry dated ``d`` falls on the period's start date (at its precision)."""
    return start.first_day() <= d.first_day() and d.last_day() <= start.last_day() or (
        d.first_day() <= start.first_day() <= d.last_day())


def test_every_period_marker_follows_the_entries_that_open_it(shipped_site: Path) -> None:
    site = load_site(load_config(ROOT)).site
    assert len(site.periods) >= 10
    for where in ("index.html", None):
        for p in site.periods:
            page = shipped_site / (where or f"years/{p.start.year}/index.html")
            order = order_on(page)
            assert order.count(f"p:{p.id}") == 1, (page, p.id)
            at = order.index(f"p:{p.id}")
            events = {e.id: e for e in site.entries}
            opening = [e.id for e in site.entries if within(e.date, p.start)]
            before = {x[2:] for x in order[:at] if x.startswith("e:")}
            after = {x[2:] for x in order[at:] if x.startswith("e:")}
            assert set(opening) <= before, (p.id, opening)
            assert all(events[x].date.first_day() > p.start.last_day() for x in after), p.id
            assert all(events[x].date.first_day() <= p.start.last_day() for x in before), p.id


def test_the_nato_periods_named_in_the_issue_come_after_their_meetings(
        shipped_site: Path) -> None:
    order = order_on(shipped_site / "index.html")
    assert order.index("e:2014-06-nrc-meeting") < order.index("p:nrc-pause-2014-2016")
    for meeting in ("e:2022-01-07-extraordinary-foreign-ministers",
                    "e:2022-01-12-nrc-meeting-ukraine-european-security",
                    "e:2022-01-26-nato-written-proposals"):
        assert order.index(meeting) < order.index("p:nrc-meetings-end-2022"), meeting
    assert order.index("p:nrc-meetings-end-2022") < order.index(
        "e:2022-02-16-defence-ministers-build-up")


def test_periods_starting_together_share_one_band(shipped_site: Path) -> None:
    html = (shipped_site / "index.html").read_text(encoding="utf-8")
    band = re.search(r'<li class="period" id="period-era-crisis">(.*?)</li>', html, re.S)
    assert band, "the band that opens on 1 April 2014"
    assert 'id="period-practical-cooperation-suspended-2014"' in band.group(1)
    assert band.group(1).count('class="period-item') == 2
    assert html.count('<li class="period"') < 12  # twelve periods, fewer bands


def test_a_year_page_sums_up_its_periods_in_one_band(shipped_site: Path) -> None:
    html = (shipped_site / "years" / "2022" / "index.html").read_text(encoding="utf-8")
    head = html[:html.index('id="timeline"')]
    assert head.count('class="period-summary"') == 1
    summary = head[head.index('class="period-summary"'):]
    kinds = re.findall(r"<dt>([^<]+)</dt>", summary)
    assert kinds == ["Era", "Formal channel not meeting", "Practical cooperation suspended",
                     "Missions closed"]  # grouped by kind, in the settings' order
    assert summary.count("<dd>") == 6
