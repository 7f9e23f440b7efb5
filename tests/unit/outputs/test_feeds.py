"""Feeds and data files, from the model: the Atom feed's order, the sitemap's pages,
timeline.json's index and its per-year parts."""

from __future__ import annotations

import json

import pytest
from conftest import FIXTURES

from sitegen.config import load_config
from sitegen.content.loader import load_site
from sitegen.outputs import feeds


@pytest.fixture(scope="module")
def site_and_config():  # type: ignore[no-untyped-def]
    config = load_config(FIXTURES / "basic")
    return load_site(config).site, config


def test_the_feed_lists_the_most_recently_dated_or_reviewed_first(site_and_config) -> None:  # type: ignore[no-untyped-def]
    site, config = site_and_config
    feed = feeds.atom_feed(site, config).decode()
    ids = [line.split("entries/")[1].split("/")[0] for line in feed.splitlines()
           if "<id>" in line and "entries/" in line]
    assert ids[0] == "2022-01-12-council-meets"  # reviewed 2026-11-28
    assert len(ids) == len(site.entries)


def test_the_sitemap_lists_every_page(site_and_config) -> None:  # type: ignore[no-untyped-def]
    site, config = site_and_config
    ((name, data),) = feeds.sitemaps(site, config)  # one file: far under 50,000 pages
    text = data.decode()
    assert name == "sitemap.xml"
    for path in ["entries/1994-partnership/", "participants/nato/", "topics/ukraine/",
                 "years/2019/", "pages/about/"]:
        assert config.absolute_url(path) in text


def test_the_index_lists_every_entry_and_each_part_holds_its_years_records(
        site_and_config) -> None:  # type: ignore[no-untyped-def]
    site, config = site_and_config
    data = json.loads(feeds.timeline_json(site, config))
    assert [e["id"] for e in data["entries"]] == [e.id for e in site.entries]
    parts = dict(feeds.timeline_parts(site, config))
    assert sorted(parts) == [feeds.part_path(y) for y in site.years()]
    for path, raw in parts.items():
        part = json.loads(raw)
        assert {r["id"] for r in part["entries"]} == {
            e.id for e in site.entries if e.year == part["year"]}, path
