"""Publishing: feeds and open data parse and validate, the site works under a base path,
the search index is part of the atomic, deterministic build."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import struct
import urllib.error
import urllib.request
from pathlib import Path
from unittest import mock
from urllib.parse import urljoin, urlsplit

import feedparser
import icalendar
import jsonschema
import pytest
import yaml
from conftest import ROOT, copy_fixture, static_server
from golden import tree
from publish_fixture import page_links, publishing_site

from sitegen.config import load_config
from sitegen.engine.builder import build
from sitegen.errors import OutputError
from sitegen.outputs import exports
from sitegen.search import indexer as search

BASE = "https://example.org/sub/"
EPOCH = "1700000000"
PUBLISHED = ["1994-partnership", "2019-treaty-ends", "2022-01-12-council-meets",
             "2022-01-12-second"]


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The publishing fixture built with search under https://example.org/sub/, as root/sub."""
    tmp = tmp_path_factory.mktemp("publish")
    site = publishing_site(tmp, base_url=BASE)
    out = tmp / "root" / "sub"
    with mock.patch.dict(os.environ, {"SOURCE_DATE_EPOCH": EPOCH}):
        build(load_config(site), output=out, search=True)
    return out


def read_json(path: Path) -> object:
    return json.loads(path.read_text(encoding="utf-8"))


# --- feeds and open data ---------------------------------------------------------------------

def test_atom_feed_parses_with_ids_dates_and_links(published):
    feed = feedparser.parse((published / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.id == BASE
    assert any(link.rel == "self" and link.href == BASE + "feed.xml" for link in feed.feed.links)
    ids = [e.id for e in feed.entries]
    assert sorted(ids) == sorted(f"{BASE}entries/{i}/" for i in PUBLISHED)
    for e in feed.entries:
        assert e.link == e.id
        assert e.published_parsed is not None and e.updated_parsed is not None
    council = next(e for e in feed.entries if "council-meets" in e.id)
    assert council.published.startswith("2022-01-12")
    assert council.updated.startswith("2026-11-28")  # its `updated:` date
    assert council.title == "The council meets on <Ukraine> & security"


def test_timeline_json_validates_against_the_published_schema(published):
    schema = read_json(ROOT / "schema" / "timeline.schema.json")
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema,
                                                format_checker=jsonschema.FormatChecker())
    data = read_json(published / "timeline.json")
    assert [e["id"] for e in data["entries"]] == PUBLISHED
    assert list(validator.iter_errors(data)) == []
    data["entries"][0]["date"] = "1994-13-99x"
    assert list(validator.iter_errors(data)), "the schema must reject a malformed date"
    assert (published / "schema" / "timeline.schema.json").read_bytes() == \
        (ROOT / "schema" / "timeline.schema.json").read_bytes()


def as_editor_sees(value: object) -> object:
    """YAML as an editor's JSON Schema check sees it: unquoted dates stay strings."""
    if isinstance(value, dict):
        return {k: as_editor_sees(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_editor_sees(v) for v in value]
    return value.isoformat() if isinstance(value, dt.date) else value


def test_entry_frontmatter_schema_accepts_the_fixture_entries():
    schema = read_json(ROOT / "schema" / "entry-frontmatter.schema.json")
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    entries = sorted((ROOT / "tests" / "fixtures" / "basic" / "content" / "entries").glob("*.md"))
    for path in entries:
        meta = as_editor_sees(yaml.safe_load(path.read_text().split("---")[1]))
        assert list(validator.iter_errors(meta)) == [], path.name
    bad = {"title": "x", "summary": "y", "date": "2022-1-1", "kind": "party", "sources": []}
    fields = {e.path[0] if e.path else e.validator for e in validator.iter_errors(bad)}
    assert {"date", "kind", "sources"} <= fields


def test_csv_has_stable_columns_and_one_row_per_entry(published):
    text = (published / "timeline.csv").read_bytes().decode("utf-8")
    assert "\r\n" in text
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert list(rows[0]) == [
        "id", "date", "date_precision", "end", "circa", "title", "summary", "kind", "level",
        "location", "participant_ids", "participants", "topic_ids", "topics", "outcomes",
        "source_urls", "primary_sources", "updated", "url", "significance"]
    assert [r["id"] for r in rows] == PUBLISHED
    council = rows[2]
    assert council["title"] == "The council meets on <Ukraine> & security"
    assert council["participants"] == "NATO; Russia; Jens Stoltenberg"
    assert council["date_precision"] == "day" and council["primary_sources"] == "2"
    assert council["url"] == BASE + "entries/2022-01-12-council-meets/"
    assert rows[0]["circa"] == "true" and rows[0]["date"] == "1994"


def test_ics_parses_with_all_day_events_and_stable_uids(published):
    raw = (published / "timeline.ics").read_bytes()
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    assert b"\n" not in raw.replace(b"\r\n", b"")
    cal = icalendar.Calendar.from_ical(raw)
    events = list(cal.walk("VEVENT"))
    assert [str(e["UID"]) for e in events] == [f"{i}@example.org" for i in PUBLISHED]
    stamp = dt.datetime.fromtimestamp(int(EPOCH), tz=dt.UTC)
    for e in events:
        assert e.decoded("DTSTAMP") == stamp
        start, end = e.decoded("DTSTART"), e.decoded("DTEND")
        assert type(start) is dt.date and type(end) is dt.date and end > start
    year, month, day = events[0], events[1], events[2]
    assert (year.decoded("DTSTART"), year.decoded("DTEND")) == (dt.date(1994, 1, 1),
                                                                dt.date(1995, 1, 1))
    assert (month.decoded("DTSTART"), month.decoded("DTEND")) == (dt.date(2019, 8, 1),
                                                                  dt.date(2019, 9, 1))
    assert day.decoded("DTEND") - day.decoded("DTSTART") == dt.timedelta(days=1)
    assert str(day["SUMMARY"]) == "The council meets on <Ukraine> & security"
    assert str(day["URL"]) == BASE + "entries/2022-01-12-council-meets/"


def test_ics_escaping_and_folding_round_trip():
    text = "Talks; \"NATO, Russia\" \\ on 12 January\nsecond line – Москва " * 4
    line = exports.ics_fold("SUMMARY:" + exports.ics_escape(text))
    assert all(len(part.encode()) <= 75 for part in line.split("\r\n"))
    cal = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:a\r\n"
           "DTSTAMP:20200101T000000Z\r\n" + line + "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    event = next(iter(icalendar.Calendar.from_ical(cal).walk("VEVENT")))
    assert str(event["SUMMARY"]) == text


def test_timelinejs_json_has_the_widget_shape(published):
    data = read_json(published / "timelinejs.json")
    assert isinstance(data, dict)
    assert data["title"]["text"]["headline"] == "Fixture timeline"
    events = data["events"]
    assert [e["unique_id"] for e in events] == PUBLISHED
    for e in events:
        assert isinstance(e["start_date"]["year"], int)
        assert set(e["text"]) == {"headline", "text"}
    assert events[0]["start_date"] == {"year": 1994, "display_date": "c. 1994"}
    assert events[2]["start_date"]["day"] == 12
    assert events[2]["text"]["headline"] == "The council meets on &lt;Ukraine&gt; &amp; security"
    era = data["eras"][0]
    assert era["start_date"] == {"year": 2019, "month": 7} and "end_date" in era


def test_social_image_is_a_deterministic_png_linked_from_head(published):
    png = (published / "og-image.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", png[16:24]) == (1200, 630)
    assert len(png) < 50_000
    head = (published / "entries" / "2019-treaty-ends" / "index.html").read_text()
    assert f'<meta property="og:image" content="{BASE}og-image.png">' in head
    assert '<meta property="og:type" content="article">' in head
    assert '<meta name="twitter:card" content="summary_large_image">' in head
    assert f'<link rel="canonical" href="{BASE}entries/2019-treaty-ends/">' in head
    home = (published / "index.html").read_text()
    for data_file in ("feed.xml", "timeline.json"):  # on every page
        assert f'href="/sub/{data_file}"' in head
    for data_file in ("timeline.csv", "timeline.ics", "timelinejs.json"):  # the home page's
        assert f'href="/sub/{data_file}"' in home and f'href="/sub/{data_file}"' not in head


def test_about_page_links_every_data_file(published):
    links = page_links((published / "pages" / "about" / "index.html").read_text()).urls
    for data_file in ("feed.xml", "timeline.json", "timeline.csv", "timeline.ics",
                      "timelinejs.json", "schema/timeline.schema.json"):
        assert "/sub/" + data_file in links


# --- GitHub Pages ---------------------------------------------------------------------------

def html_pages(out: Path) -> list[str]:
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html")
                  if not p.relative_to(out).parts[0] == "pagefind")


def test_sitemap_lists_every_page(published):
    sitemap = (published / "sitemap.xml").read_text()
    locs = {line.strip()[5:-6] for line in sitemap.splitlines() if "<loc>" in line}
    expected = {BASE + rel.removesuffix("index.html") for rel in html_pages(published)
                if rel not in ("404.html", "search/index.html")}
    assert locs == expected
    assert 'content="noindex"' in (published / "search" / "index.html").read_text()


def test_cname_nojekyll_and_robots(tmp_path):
    site = publishing_site(tmp_path, base_url="https://timeline.example.org/")
    (site / "sitegen.toml").write_text((site / "sitegen.toml").read_text()
                                       + 'cname = "timeline.example.org"\n')
    out = build(load_config(site), output=tmp_path / "out").output
    assert (out / "CNAME").read_bytes() == b"timeline.example.org\n"
    assert (out / ".nojekyll").read_bytes() == b""
    assert "Sitemap: https://timeline.example.org/sitemap.xml" in (out / "robots.txt").read_text()


def test_404_page_links_are_base_path_absolute(published):
    urls = page_links((published / "404.html").read_text()).urls
    assert urls
    for url in urls:
        assert url.startswith(("/sub/", BASE, "#")), f"404.html: {url} breaks at depth"


def crawl(root_url: str, start: str) -> tuple[dict[str, int], list[str]]:
    """Fetch every page and file reachable from ``start`` inside ``root_url``'s origin."""
    seen: dict[str, int] = {}
    problems: list[str] = []
    queue = [start]
    origin = urlsplit(root_url).netloc
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        try:
            with urllib.request.urlopen(url, timeout=10) as resp:
                seen[url], body, ctype = resp.status, resp.read(), resp.headers["Content-Type"]
        except urllib.error.HTTPError as exc:
            seen[url] = exc.code
            continue
        if not ctype.startswith("text/html"):
            continue
        for link in page_links(body.decode("utf-8")).urls:
            if link.startswith(("mailto:", "#")):
                continue
            target = urljoin(url, link).split("#")[0].split("?")[0]
            if urlsplit(target).netloc == origin:
                queue.append(target)
            elif target.startswith(BASE):  # canonical and feed URLs: map onto the server
                queue.append(root_url + "sub/" + target[len(BASE):])
    problems = [f"{u} → {code}" for u, code in sorted(seen.items()) if code != 200]
    return seen, problems


def test_crawl_from_a_subfolder_finds_no_404(published):
    with static_server(published.parent) as root:
        seen, problems = crawl(root, root + "sub/")
        # the search page imports the index with JavaScript: fetch it the same way
        with urllib.request.urlopen(root + "sub/pagefind/pagefind.js", timeout=10) as resp:
            assert resp.status == 200
    assert problems == []
    paths = {urlsplit(u).path for u in seen}
    expected_pages = {"/sub/" + rel.removesuffix("index.html") for rel in html_pages(published)
                      if rel != "404.html"}
    assert expected_pages <= paths
    for data_file in ("feed.xml", "timeline.json", "timeline.csv", "timeline.ics",
                      "timelinejs.json", "og-image.png", "static/search.js", "static/site.css"):
        assert "/sub/" + data_file in paths, data_file


def test_crawl_with_the_sites_own_templates_finds_no_404(tmp_path):
    """The shipped templates over the fixture content, published in a subfolder."""
    site = copy_fixture("basic", tmp_path)
    (site / "sitegen.toml").write_text((site / "sitegen.toml").read_text().replace(
        "https://example.org/fixture/", BASE) + f'templates_dir = "{ROOT / "templates"}"\n')
    out = tmp_path / "root" / "sub"
    build(load_config(site), output=out)
    with static_server(out.parent) as root:
        seen, problems = crawl(root, root + "sub/")
    assert problems == []
    assert root + "sub/entries/2019-treaty-ends/" in seen


# --- search index ---------------------------------------------------------------------------

def test_search_index_covers_entry_pages_only(published):
    meta = read_json(published / "pagefind" / "pagefind-entry.json")
    assert isinstance(meta, dict)
    assert meta["languages"]["en"]["page_count"] == len(PUBLISHED)
    assert (published / "pagefind" / "pagefind.js").is_file()
    entry = (published / "entries" / "2019-treaty-ends" / "index.html").read_text()
    assert '<span data-pagefind-filter="kind" data-pagefind-meta="kind">treaty</span>' in entry
    assert 'data-pagefind-sort="date:2019-08"' in entry
    assert 'data-pagefind-filter="year:2019"' in entry


def test_builds_with_search_are_byte_identical_including_the_index(tmp_path, monkeypatch):
    """Builds of the same input (twice from one folder, once from a copy elsewhere) are the
    same bytes, every file of the Pagefind index included (Pagefind writes its filters in a
    random order; sitegen.accel.pagefind_canon puts them in canonical order)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    one, two = publishing_site(tmp_path / "one"), publishing_site(tmp_path / "two")
    a, *others = [tree(build(load_config(site), output=tmp_path / out, search=True).output)
                  for site, out in ((one, "a"), (one, "b"), (two, "two/out"))]
    index = sorted(k for k in a if k.startswith("pagefind/"))
    assert len([k for k in index if k.startswith("pagefind/filter/")]) == 4
    assert [k for k in index if k.endswith(".pf_meta")] and "pagefind/pagefind-entry.json" in a
    for b in others:
        assert sorted(a) == sorted(b)
        assert [k for k in a if a[k] != b[k]] == []


def test_failed_indexing_leaves_the_previous_site(tmp_path, monkeypatch):
    site = publishing_site(tmp_path)
    out = build(load_config(site), output=tmp_path / "out", search=True).output
    before = tree(out)
    (site / "content" / "entries" / "2022-01-12-second.md").unlink()
    monkeypatch.setattr(search, "pagefind_command",
                        lambda d: ["python3", "-c", "import sys; sys.exit('boom')"])
    with pytest.raises(OutputError) as exc:
        build(load_config(site), output=out, search=True)
    assert "pagefind failed: boom" in exc.value.format()
    assert tree(out) == before
    assert not list(tmp_path.glob(".out.*"))


def test_default_build_and_serve_skip_indexing(tmp_path):
    site = publishing_site(tmp_path)
    out = build(load_config(site), output=tmp_path / "out").output
    assert not (out / "pagefind").exists()
    assert (out / "search" / "index.html").is_file()
