"""Feeds and data files, from the model: the Atom feed's order, the sitemap's pages,
timeline.json's records (reused across builds while an entry is unchanged)."""

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
    text = feeds.sitemap(site, config).decode()
    for path in ["entries/1994-partnership/", "participants/nato/", "topics/ukraine/",
                 "years/2019/", "pages/about/"]:
        assert config.absolute_url(path) in text


def test_timeline_json_records_are_reused_while_the_entry_is_unchanged(site_and_config) -> None:  # type: ignore[no-untyped-def]
    site, config = site_and_config
    memo: feeds.Fragments = {}
    whole = feeds.timeline_json(site, config, memo)
    assert set(memo) == {e.id for e in site.entries}
    assert feeds.timeline_json(site, config, memo) == whole == feeds.timeline_json(site, config)
    data = json.loads(whole)
    assert [e["id"] for e in data["entries"]] == [e.id for e in site.entries]
