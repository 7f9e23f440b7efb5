"""The compact chronology (/chronology/) and the table (/table/): every entry with the cards'
filter attributes, turning points marked in words, the view switch, the browse links that
serve readers without JavaScript, and the per-year bound past their row limits."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from sitegen import cli
from sitegen.render import pages

VIEWS = {"chronology": "li", "table": "tr"}
EVENT = re.compile(r'<(li|tr) class="event ([^"]*)" id="([^"]+)"([^>]*)>')
FILTER_ATTRS = re.compile(r'data-(kind|participants|topics|outcomes)="([^"]*)"')


def events(html: str, tag: str | None = None) -> dict[str, tuple[str, dict[str, str]]]:
    """Every event of a page: id → (significance class, its filter attributes)."""
    out = {}
    for m in EVENT.finditer(html):
        if tag is None or m.group(1) == tag:
            sig = re.search(r"sig-(tp|mj|rt)", m.group(2))
            assert sig, m.group(0)
            out[m.group(3)] = (sig.group(1), dict(FILTER_ATTRS.findall(m.group(4))))
    return out


def read(site: Path, rel: str) -> str:
    return (site / rel).read_text(encoding="utf-8")


def test_each_view_lists_every_entry_with_the_cards_filter_attributes(
        shipped_site: Path) -> None:
    cards = events(read(shipped_site, "index.html"), "li")
    assert len(cards) == len(list((shipped_site / "entries").iterdir()))
    for view, tag in VIEWS.items():
        html = read(shipped_site, f"{view}/index.html")
        assert events(html, tag) == cards, view
        assert list(events(html, tag)) == list(cards), f"{view}: not in date order"
        print(f"{view}: {len(html.encode('utf-8'))} bytes for {len(cards)} entries")


def test_turning_points_stand_out_in_words(shipped_site: Path) -> None:
    cards = events(read(shipped_site, "index.html"), "li")
    turning = {i for i, (sig, _) in cards.items() if sig == "tp"}
    assert 15 <= len(turning) <= 30
    chronology = read(shipped_site, "chronology/index.html")
    table = read(shipped_site, "table/index.html")
    for html, words in ((chronology, "Turning point</strong>"),
                        (table, "<strong>turning point</strong>")):
        found = {i for i, (sig, _) in events(html).items() if sig == "tp"}
        assert found == turning
        assert html.count(words) == len(turning)


def test_the_view_switch_links_the_three_views_and_marks_the_current(
        shipped_site: Path) -> None:
    for rel, current in (("index.html", "Cards"), ("chronology/index.html", "Compact"),
                         ("table/index.html", "Table")):
        nav = re.search(r'<nav class="view-switch" aria-label="View">.*?</nav>',
                        read(shipped_site, rel), re.S)
        assert nav, rel
        links = re.findall(r'<a href="([^"]+)" data-view( aria-current="page")?>([^<]+)</a>',
                           nav.group(0))
        assert [(href, label) for href, _, label in links] == [
            ("/", "Cards"), ("/chronology/", "Compact"), ("/table/", "Table")]
        assert [label for _, mark, label in links if mark] == [current]


def test_without_javascript_the_views_link_every_year_topic_and_entry(
        shipped_site: Path) -> None:
    years = sorted(p.name for p in (shipped_site / "years").iterdir())
    topics = sorted(p.name for p in (shipped_site / "topics").iterdir())
    for view in VIEWS:
        html = read(shipped_site, f"{view}/index.html")
        hrefs = set(re.findall(r'href="([^"]+)"', html))
        assert {f"/years/{y}/" for y in years} <= hrefs, view
        assert {f"/topics/{t}/" for t in topics} <= hrefs, view
        assert {f"/entries/{i}/" for i in events(html)} <= hrefs, view
        assert '<form class="filters" id="filters"' in html and "hidden>" in html
    table = read(shipped_site, "table/index.html")
    head = re.search(r"<thead>.*?</thead>", table, re.S)
    assert head and "<button" not in head.group(0)  # timeline.js adds the sort buttons
    # in date order, which is true without JavaScript too
    assert 'aria-sort="ascending" data-sort="num">Date</th>' in head.group(0)


def test_past_their_row_limits_the_views_show_each_year_in_part(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    from corpus import make_corpus

    root = make_corpus(tmp_path / "corpus", 120)
    monkeypatch.setattr(pages, "CHRONOLOGY_MAX_ROWS", 40)  # (300 and 300 in a real build)
    monkeypatch.setattr(pages, "TABLE_MAX_ROWS", 30)
    out = tmp_path / "out"
    assert cli.main(["-C", str(root), "build", "--no-search", "--output", str(out)]) == 0
    years = sorted(p.name for p in (out / "years").iterdir())
    in_year = {y: len(events(read(out, f"years/{y}/index.html"))) for y in years}
    assert max(in_year.values()) > 3
    for view, limit in (("chronology", 40), ("table", 30)):
        html = read(out, f"{view}/index.html")
        per_year = max(3, limit // len(years))
        shown: dict[str, int] = {}
        for i in events(html):  # the corpus's ids begin with their year
            shown[i[:4]] = shown.get(i[:4], 0) + 1
        more = {y: int(n) for y, n in re.findall(r'<a href="[^"]*/years/(\d+)/">(\d+) more', html)}
        assert more, view
        for y, n in in_year.items():
            assert shown.get(y, 0) == min(n, per_year), (view, y)
            assert more.get(y, 0) == n - min(n, per_year), (view, y)
        assert sum(shown.values()) + sum(more.values()) == 120

