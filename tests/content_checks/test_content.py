"""Invariants of the shipped NATO–Russia timeline, so that a later edit cannot break them."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT

from sitegen.config import load_config
from sitegen.content.loader import load_site, read_body
from sitegen.content.model import Site
from sitegen.content.translations import split_name

MILESTONE_YEARS = (1991, 1994, 1997, 1999, 2002, 2008, 2009, 2010, 2014, 2016, 2019, 2021, 2022,
                   2023, 2024)


@pytest.fixture(scope="module")
def site() -> Site:
    # strict: a warning (e.g. an entry without a primary source) fails like an error
    loaded = load_site(load_config(ROOT))
    assert loaded.warnings == []
    return loaded.site


def test_at_least_fifty_entries_from_1991_to_2025(site):
    assert len(site.entries) >= 50
    years = {e.year for e in site.entries}
    assert min(years) == 1991 and max(years) >= 2024
    missing = [y for y in MILESTONE_YEARS if y not in years]
    assert missing == [], f"no entry for the milestone years {missing}"


def test_no_drafts_are_shipped():
    site = load_site(load_config(ROOT), drafts=True).site
    assert [e.id for e in site.entries if e.draft] == []


def test_every_entry_is_sourced_with_web_addresses(site):
    for e in site.entries:
        assert e.sources, e.id
        for s in e.sources:
            assert s.url.startswith("https://") or s.url.startswith("http://"), (e.id, s.url)
            assert s.title and s.publisher, e.id


def test_at_least_eighty_percent_cite_a_primary_source(site):
    primary = sum(any(s.kind == "primary" for s in e.sources) for e in site.entries)
    assert primary / len(site.entries) >= 0.8


def test_every_reference_resolves(site):
    ids = {e.id for e in site.entries}
    for e in site.entries:
        assert {p.id for p in e.participants} <= set(site.participants), e.id
        assert {a.party for a in e.accounts} <= set(site.participants), e.id
        assert set(e.concerns) <= set(site.participants), e.id
        assert set(e.topics) <= set(site.topics), e.id
        assert set(e.related) <= ids, e.id


def test_registries_are_rich_enough(site):
    assert len(site.participants) >= 30
    assert len(site.topics) >= 10
    kinds = {p.kind for p in site.periods}
    assert {"era", "channel-not-meeting", "cooperation-suspended", "missions-closed"} <= kinds
    people = [p for p in site.participants.values() if p.kind == "person"]
    assert sum(bool(p.roles) for p in people) / len(people) >= 0.9, "people need their roles"


def test_every_registry_item_is_used(site):
    used_p = {p.id for e in site.entries for p in e.participants}
    used_p |= {a.party for e in site.entries for a in e.accounts}
    used_p |= {c for e in site.entries for c in e.concerns}
    used_p |= {e.forum for e in site.entries if e.forum}
    assert set(site.participants) - used_p == set()
    used_t = {t for e in site.entries for t in e.topics}
    assert set(site.topics) - used_t == set()


def test_the_january_2022_council_is_the_richest_entry(site):
    e = site.entry("2022-01-12-nrc-meeting-ukraine-european-security")
    assert {a.party for a in e.accounts} >= {"nato", "russia"}
    assert len(e.sources) >= 2
    assert all(a.source in {s.url for s in e.sources} for a in e.accounts)


def test_summaries_are_short_plain_text(site):
    for e in site.entries:
        assert len(e.summary) <= 400, e.id
        assert "](" not in e.summary and "<" not in e.summary, e.id


def test_quotes_in_bodies_are_short(site):
    """A verbatim quote must stay under 25 words (the sourcing rules)."""
    import re

    config = load_config(ROOT)
    for e in site.entries:
        body = read_body(e, config)
        curly = re.findall(r"“([^”]*)”", body)
        straight = body.split('"')[1::2]  # the text between each pair of quote marks
        for quote in curly + straight:
            assert len(quote.split()) < 25, (e.id, quote[:60])
        for o in e.outcomes:
            assert len(o.text.split('"')) % 2 == 1, (e.id, "unbalanced quote marks")


# The record at reference grade (issue 19): coverage, official sources, both sides' readouts.

FORUMS_WITH_RUSSIA = ("pjc", "nrc")


@pytest.fixture(scope="module")
def config():
    return load_config(ROOT)


def test_the_record_has_reference_coverage(site, config):
    assert len(site.entries) >= 160
    cov = config.coverage
    assert cov is not None and (cov.start, cov.end) == (1991, 2025)
    years = {e.year for e in site.entries}
    empty = [y for y in range(1991, 2026) if y not in years and cov.declared_gap(y) is None]
    assert empty == [], f"years without an entry and without a declared gap: {empty}"


def test_no_source_is_on_the_denied_list(site, config):
    from sitegen.content.sourcing import host_of

    rules = config.sources
    assert len(rules.denied_domains) >= 10
    cited = [(e.id, s.url) for e in site.entries for s in e.sources
             if rules.denied(host_of(s.url))]
    assert cited == []


def test_every_primary_source_is_official_or_a_declared_copy(site, config):
    from sitegen.content.sourcing import host_of

    rules = config.sources
    assert {p for p, _ in rules.official_domains} >= {"nato", "russia"}
    loose = [(e.id, s.url) for e in site.entries for s in e.sources
             if s.kind == "primary" and not s.copy_of
             and rules.official_party(host_of(s.url)) is None]
    assert loose == []


def test_every_pjc_and_nrc_meeting_gives_russias_account_or_says_where_it_was_sought(site):
    meetings = [e for e in site.entries if e.forum in FORUMS_WITH_RUSSIA]
    assert len(meetings) >= 30
    missing = [e.id for e in meetings if not any(a.party == "russia" for a in e.accounts)]
    assert missing == []
    for e in meetings:
        for a in e.accounts:
            assert a.text or a.none_found, e.id


def test_absent_parties_are_never_listed_as_participants(site):
    """The fact-check found Russia and Putin listed as participants of NATO summits that were
    about Russia, not with it: they are concerned parties."""
    summits = ["2014-09-04-wales-summit", "2016-07-08-warsaw-summit",
               "2022-03-24-extraordinary-summit", "2022-06-29-madrid-strategic-concept",
               "2023-07-11-vilnius-summit", "2024-07-09-washington-summit",
               "2025-06-24-hague-summit"]
    for e in map(site.entry, summits):
        assert not {"russia", "putin"} & {p.id for p in e.participants}, e.id
        assert "russia" in e.concerns, e.id


def test_the_about_page_states_the_sourcing_policy_and_coverage(site):
    about = next(p for p in site.pages if p.id == "about")
    assert set(about.show) >= {"sourcing", "coverage"}


def test_every_shipped_entry_fits_the_editor_schema():
    import datetime as dt
    import json

    import jsonschema
    import yaml

    def as_editor_sees(value):
        if isinstance(value, dict):
            return {k: as_editor_sees(v) for k, v in value.items()}
        if isinstance(value, list):
            return [as_editor_sees(v) for v in value]
        return value.isoformat() if isinstance(value, dt.date) else value

    schema = json.loads((ROOT / "schema" / "entry-frontmatter.schema.json").read_text())
    validator = jsonschema.Draft202012Validator(schema)
    for path in originals():
        meta = as_editor_sees(yaml.safe_load(path.read_text().split("---")[1]))
        errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(meta)]
        assert errors == [], path.name


def originals() -> list[Path]:
    """The record's entry files, without their translations (content/translations.py)."""
    return [p for p in sorted((ROOT / "content" / "entries").glob("*.md"))
            if split_name(p) is None]
