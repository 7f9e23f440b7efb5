"""Output at scale (issue 18): the data split into an index and per-year parts, and the bytes
each entry adds to a published site.

One synthetic site (bench/corpus.py, 300 entries) is built as `sitegen build` publishes it,
search index included, in the regime of a large site: every year, topic and participant
page lists more entries than LIST_MAX_CARDS (rows, not cards) and the home page shows a
bounded sample, as at 30,000 entries where each such page lists hundreds.
"""

from __future__ import annotations

import importlib.util
import json
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import jsonschema
import pytest
from conftest import ROOT

from sitegen.config import load_config
from sitegen.engine.builder import build
from sitegen.outputs import exports, feeds
from sitegen.render import pages

N = 300
SCHEMA = ROOT / "schema" / "timeline.schema.json"


def make_corpus(root: Path, n: int) -> Path:
    spec = importlib.util.spec_from_file_location("corpus", ROOT / "bench" / "corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    made: Path = module.make_corpus(root, n)
    return made


def build_large(root: Path, n: int) -> Path:
    """Build a corpus of ``n`` entries as published (search index included) in a large
    site's regime; its output folder."""
    make_corpus(root, n)
    patch = pytest.MonkeyPatch()
    patch.setattr(pages, "LIST_MAX_CARDS", 5)  # ~9 entries a year: every listing is rows
    patch.setattr(pages, "HOME_MAX_CARDS", 40)
    patch.setattr(feeds, "SITEMAP_MAX_URLS", 100)  # ~390 pages: an index and four sitemaps
    patch.setattr(exports, "TIMELINEJS_MAX_EVENTS", 100)
    patch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    try:
        build(load_config(root), search=True)
    finally:
        patch.undo()
    return root / "output"


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built site of N entries (its output folder)."""
    return build_large(tmp_path_factory.mktemp("scale") / "site", N)


def read(path: Path) -> dict:
    data: dict = json.loads(path.read_text(encoding="utf-8"))
    return data


def validator() -> jsonschema.Draft202012Validator:
    schema = read(SCHEMA)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def test_the_index_and_every_part_are_valid_against_the_published_schema(large: Path):
    check = validator()
    index = read(large / "timeline.json")
    assert index["version"] == 2 and list(check.iter_errors(index)) == []
    parts = sorted((large / "data" / "timeline").glob("*.json"))
    assert len(parts) == len(index["parts"]) > 1
    for path in parts:
        part = read(path)
        assert list(check.iter_errors(part)) == [], path.name
    part["entries"][0]["date"] = "2014-13-99x"
    assert list(check.iter_errors(part)), "the schema must reject a malformed date in a part"
    del index["parts"]
    assert list(check.iter_errors(index)), "an index without its parts is not valid"


def test_every_entry_is_in_exactly_one_part_the_one_of_its_year(large: Path):
    index = read(large / "timeline.json")
    lines = index["entries"]
    assert len(lines) == N and len({e["id"] for e in lines}) == N
    held: Counter[str] = Counter()
    for link in index["parts"]:
        part = read(large / feeds.part_path(link["year"]))
        assert part["year"] == link["year"] and len(part["entries"]) == link["entries"]
        for record in part["entries"]:
            held[record["id"]] += 1
            assert record["date"][:4] == str(part["year"])
            assert "body_markdown" not in record
    assert held == Counter(e["id"] for e in lines)  # each exactly once
    by_id = {e["id"]: e for e in lines}
    for link in index["parts"]:
        for record in read(large / feeds.part_path(link["year"]))["entries"]:
            line = by_id[record["id"]]
            assert line == {"id": record["id"], "date": record["date"],
                            "title": record["title"], "part": link["year"]}
    # the parts keep the site's order: the index's lines, one year after another
    ordered = [r["id"] for link in index["parts"]
               for r in read(large / feeds.part_path(link["year"]))["entries"]]
    assert ordered == [e["id"] for e in lines]


def test_the_links_between_the_index_and_the_parts_resolve(large: Path):
    index = read(large / "timeline.json")
    site_url = index["site"]["url"]
    listed = set()
    for link in index["parts"]:
        assert link["url"].startswith(site_url)
        rel = link["url"][len(site_url):]
        assert rel == f"data/timeline/{link['year']}.json" and (large / rel).is_file()
        listed.add(rel)
        assert read(large / rel)["index"] == site_url + "timeline.json"
    written = {p.relative_to(large).as_posix() for p in (large / "data").rglob("*") if p.is_file()}
    assert written == listed  # no part the index does not name


# What every entry adds to a published site: the same corpus built with 600 entries and with
# 300, the difference over 300 (what does not grow with the entries cancels out: the theme,
# Pagefind's scripts, the home page, the registries' pages). The bound is the issue's
# budget, 20 KB with the search index. At this size it measures ~19.1 KB; at 30,000 entries
# bench/run.py --scale measures ~18.6 KB (a listing's year headings and period bands are
# shared by more entries there). A change that adds a kilobyte to every entry (the body
# back in the data: +4.2 KB; cards back on the listings: +7 KB) fails here, and so does
# what the reading and languages issues add beyond the room that is left.
MAX_BYTES_PER_ENTRY = 20_000


def output_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def test_bytes_per_entry_stay_under_the_bound(large: Path, tmp_path: Path):
    double = build_large(tmp_path / "site", 2 * N)
    per_entry = (output_bytes(double) - output_bytes(large)) / N
    assert per_entry <= MAX_BYTES_PER_ENTRY, per_entry


def test_records_leave_out_their_defaults_and_keep_extra_as_written(large: Path):
    def defaults(value: object, where: str) -> list[str]:
        if isinstance(value, dict):
            return [x for k, v in value.items() for x in defaults(v, f"{where}.{k}")] + (
                [where] if value == {} else [])
        if isinstance(value, list):
            return [x for i, v in enumerate(value) for x in defaults(v, f"{where}[{i}]")] + (
                [where] if value == [] else [])
        return [where] if value is None or value is False or value == "" or (
            type(value) is int and value == 0) else []

    records = [r for link in read(large / "timeline.json")["parts"]
               for r in read(large / feeds.part_path(link["year"]))["entries"]]
    assert [x for r in records for x in defaults(r, r["id"])] == []
    assert all({"id", "date", "title", "sources"} <= set(r) for r in records)
    kept = feeds.without_defaults({"id": "x", "end": None, "circa": False, "order": 0,
                                   "topics": [], "sources": [{"date": None, "url": "u"}],
                                   "extra": {"flag": False, "note": None}})
    assert kept == {"id": "x", "sources": [{"url": "u"}],
                    "extra": {"flag": False, "note": None}}


def test_a_long_listing_shows_rows_and_a_short_one_cards(large: Path, tmp_path: Path):
    topic = (large / "topics" / "topic-00" / "index.html").read_text(encoding="utf-8")
    assert '<ol class="events rows">' in topic and 'class="event ' not in topic
    n_rows = topic.count('<li class="f')
    assert n_rows == int(topic.split('<p class="stats">', 1)[1].split(" ", 1)[0])
    assert len(topic.encode()) / n_rows < 400  # a row is ~0.2 KB; a card ~1.5 KB
    # the same site with the real threshold: its listings (under 100 entries) keep cards
    root = make_corpus(tmp_path / "small", 40)
    build(load_config(root))
    small = (root / "output" / "topics" / "topic-00" / "index.html").read_text(encoding="utf-8")
    assert 'class="event ' in small and 'class="events rows"' not in small


def test_past_its_limit_the_sitemap_is_an_index_of_sitemaps(large: Path):
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    root = ET.parse(large / "sitemap.xml").getroot()
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    site_url = read(large / "timeline.json")["site"]["url"]
    locs = [loc.text or "" for loc in root.findall("s:sitemap/s:loc", ns)]
    assert locs == [f"{site_url}sitemap-{i}.xml" for i in range(1, len(locs) + 1)]
    pages_listed: list[str] = []
    for loc in locs:
        part = ET.parse(large / loc[len(site_url):]).getroot()
        urls = [u.text or "" for u in part.findall("s:url/s:loc", ns)]
        assert 0 < len(urls) <= 100
        pages_listed += urls
    html = sorted(site_url + p.relative_to(large).as_posix().removesuffix("index.html")
                  for p in large.rglob("index.html")
                  if p.relative_to(large).parts[0] not in ("search", "pagefind"))
    assert sorted(pages_listed) == html  # every page once, in one of them
    robots = (large / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {site_url}sitemap.xml" in robots


def test_timelinejs_holds_the_most_recent_events_and_says_so(large: Path):
    data = read(large / "timelinejs.json")
    ids = [e["id"] for e in read(large / "timeline.json")["entries"]]
    assert [e["unique_id"] for e in data["events"]] == ids[-100:]
    assert f"The 100 most recent of {N} events" in data["title"]["text"]["text"]
