"""The parts outputs are made of: projections of the model, each with a digest that follows
exactly what it shows, and bodies converted once with the entry links they resolved."""

from __future__ import annotations

import zlib
from dataclasses import replace

import pytest
from conftest import FIXTURES

from sitegen.config import load_config
from sitegen.content.loader import load_site
from sitegen.engine.deps import Memo
from sitegen.render.context import periods_active
from sitegen.render.reads import Reads

COUNCIL = "2022-01-12-council-meets"


@pytest.fixture(scope="module")
def loaded():  # type: ignore[no-untyped-def]
    config = load_config(FIXTURES / "basic")
    return config, load_site(config, drafts=True)


def reads(loaded, site=None) -> Reads:  # type: ignore[no-untyped-def]
    config, result = loaded
    return Reads(site or result.site, config, Memo(), result.versions)


def test_a_card_shows_what_a_listing_shows_of_an_entry(loaded) -> None:  # type: ignore[no-untyped-def]
    card = reads(loaded).read("card", COUNCIL)
    assert card["title"] == "The council meets on <Ukraine> & security"
    assert [p["id"] for p in card["participants"]] == ["nato", "russia", "stoltenberg"]
    assert card["url"] == "/fixture/entries/2022-01-12-council-meets/"


def test_a_digest_follows_the_projection_not_the_entry(loaded) -> None:  # type: ignore[no-untyped-def]
    """A field the card does not show (sources) leaves the card's digest alone; one it
    shows (summary) changes it. The entry page's own part sees both."""
    config, result = loaded
    site = result.site
    e = site.entry(COUNCIL)
    for field, value, card_changes in (("sources", e.sources[:1], False),
                                      ("summary", "Changed.", True)):
        other = replace(site, entries=tuple(replace(x, **{field: value}) if x is e else x
                                            for x in site.entries))
        a, b = reads(loaded), reads(loaded, other)
        assert (a.digest(("card", COUNCIL)) != b.digest(("card", COUNCIL))) == card_changes
        assert a.digest(("entry", COUNCIL)) != b.digest(("entry", COUNCIL))


def test_a_listing_digest_changes_with_its_members_and_their_order(loaded) -> None:  # type: ignore[no-untyped-def]
    config, result = loaded
    site = result.site
    moved = replace(site, entries=tuple(replace(x, order=-1) if x.id == COUNCIL else x
                                        for x in site.entries))
    key = ("listing", ("year", 2022))
    assert reads(loaded).digest(key) != reads(loaded, moved).digest(key)


def test_data_files_read_the_model_without_bodies_unless_they_need_them(loaded) -> None:  # type: ignore[no-untyped-def]
    rd = reads(loaded)
    assert all(e.body_digest == "" and not e.body_links
               for e in rd.read("model", False).entries)
    assert rd.read("model", True) is rd.site


def test_a_body_is_converted_once_with_the_entry_links_it_resolved(loaded) -> None:  # type: ignore[no-untyped-def]
    rd = reads(loaded)
    html = rd.read("body", ("entry", COUNCIL))
    assert 'href="/fixture/entries/2019-treaty-ends/"' in html
    bodies, _ = rd.drain()
    ((body, links, _),) = bodies.values()
    assert zlib.decompress(body).decode() == html  # kept compressed
    assert links == (("2019-treaty-ends", "/fixture/entries/2019-treaty-ends/"),)
    assert rd.digest(("body", ("entry", COUNCIL))) is not None


def test_a_year_shows_the_periods_that_cover_it(loaded) -> None:  # type: ignore[no-untyped-def]
    rd = reads(loaded)
    periods = rd.read("periods")
    (band,) = periods_active(periods, 2020, rd.config)  # one kind: one band
    assert [p["id"] for p in band["periods"]] == ["pause"]
    assert periods_active(periods, 2018, rd.config) == []
